//! Bounded watch queues (go-store `Watch`): never block a writer, count what they drop.

use super::{Event, Filter};
use parking_lot::{Condvar, Mutex};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// A bounded queue of events for one watcher.
pub struct WatchQueue {
    pub(crate) filter: Filter,
    capacity: usize,
    state: Mutex<QueueState>,
    ready: Condvar,
    dropped: AtomicU64,
}

struct QueueState {
    items: VecDeque<Event>,
    closed: bool,
}

/// Why `WatchQueue::next` returned without an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WatchEnd {
    /// Nothing arrived within the timeout; the queue is still open.
    Timeout,
    /// The queue is closed and drained.
    Closed,
}

/// Default queue capacity, as go-store's channels.
pub const DEFAULT_WATCH_CAPACITY: usize = 16;

impl WatchQueue {
    pub(crate) fn new(filter: Filter, capacity: usize) -> WatchQueue {
        let capacity = if capacity == 0 { DEFAULT_WATCH_CAPACITY } else { capacity };
        WatchQueue {
            filter,
            capacity,
            state: Mutex::new(QueueState { items: VecDeque::with_capacity(capacity.min(1024)), closed: false }),
            ready: Condvar::new(),
            dropped: AtomicU64::new(0),
        }
    }

    pub(crate) fn push(&self, event: Event) {
        let mut state = self.state.lock();
        if state.closed {
            return;
        }
        if state.items.len() >= self.capacity {
            self.dropped.fetch_add(1, Ordering::Relaxed);
            return;
        }
        state.items.push_back(event);
        drop(state);
        self.ready.notify_one();
    }

    /// Takes the next event, waiting up to `timeout` (`None` waits forever,
    /// zero polls). Buffered events are delivered before `Closed`.
    pub fn next(&self, timeout: Option<Duration>) -> Result<Event, WatchEnd> {
        let deadline = timeout.map(|t| Instant::now() + t);
        let mut state = self.state.lock();
        loop {
            if let Some(event) = state.items.pop_front() {
                return Ok(event);
            }
            if state.closed {
                return Err(WatchEnd::Closed);
            }
            match deadline {
                None => self.ready.wait(&mut state),
                Some(d) => {
                    if Instant::now() >= d {
                        return Err(WatchEnd::Timeout);
                    }
                    self.ready.wait_until(&mut state, d);
                }
            }
        }
    }

    /// Events dropped because the queue was full.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    /// The queue's capacity.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// True once closed (buffered events may remain).
    pub fn is_closed(&self) -> bool {
        self.state.lock().closed
    }

    pub(crate) fn close(&self) {
        self.state.lock().closed = true;
        self.ready.notify_all();
    }
}
