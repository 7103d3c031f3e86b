//! Change events and their two delivery styles: callback subscriptions
//! (go-store `OnChange`, run on the writing thread after commit, outside every
//! lock) and bounded watch queues (go-store `Watch`, never block a writer).

use crate::clock::now_ms;
use parking_lot::{Condvar, Mutex, RwLock};
use std::cell::RefCell;
use std::collections::VecDeque;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What a change did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u32)]
pub enum EventKind {
    /// A key was written (`Set`, `SetWithTTL`).
    Set = 0,
    /// A key was removed (`Delete`, lazy expiry on `Get`, purge).
    Delete = 1,
    /// A whole group was removed (`DeleteGroup`, `DeletePrefix`).
    DeleteGroup = 2,
}

impl EventKind {
    /// `set`, `delete` or `delete_group`, as go-store's `EventType.String`.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Set => "set",
            EventKind::Delete => "delete",
            EventKind::DeleteGroup => "delete_group",
        }
    }
}

struct EventData {
    kind: EventKind,
    group: Box<[u8]>,
    key: Box<[u8]>,
    value: Box<[u8]>,
    timestamp_ms: i64,
}

/// One committed change. Cheap to clone; a scoped subscriber sees the group
/// with its `namespace:` prefix removed.
#[derive(Clone)]
pub struct Event {
    data: Arc<EventData>,
    group_start: usize,
}

impl Event {
    pub(crate) fn new(kind: EventKind, group: &[u8], key: &[u8], value: &[u8]) -> Event {
        Event {
            data: Arc::new(EventData {
                kind,
                group: group.into(),
                key: key.into(),
                value: value.into(),
                timestamp_ms: now_ms(),
            }),
            group_start: 0,
        }
    }

    /// The kind of change.
    pub fn kind(&self) -> EventKind {
        self.data.kind
    }
    /// The group (namespace-local for scoped subscribers).
    pub fn group(&self) -> &[u8] {
        &self.data.group[self.group_start..]
    }
    /// The key; empty for `DeleteGroup`.
    pub fn key(&self) -> &[u8] {
        &self.data.key
    }
    /// The new value for `Set`; empty otherwise.
    pub fn value(&self) -> &[u8] {
        &self.data.value
    }
    /// When the change was made (staged, for transactions), Unix milliseconds.
    pub fn timestamp_ms(&self) -> i64 {
        self.data.timestamp_ms
    }

    fn localised(&self, start: usize) -> Event {
        Event { data: self.data.clone(), group_start: start }
    }
}

impl std::fmt::Debug for Event {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Event")
            .field("kind", &self.kind())
            .field("group", &String::from_utf8_lossy(self.group()))
            .field("key", &String::from_utf8_lossy(self.key()))
            .field("value", &String::from_utf8_lossy(self.value()))
            .field("timestamp_ms", &self.timestamp_ms())
            .finish()
    }
}

/// Which events a subscriber sees: an optional namespace (events outside it
/// are dropped, the rest localised) and a group name or every group.
#[derive(Clone, Debug, Default)]
pub(crate) struct Filter {
    /// `namespace:` including the colon.
    pub namespace_prefix: Option<Vec<u8>>,
    /// `None` for `*`.
    pub group: Option<Vec<u8>>,
}

impl Filter {
    /// `*` means every group; anything else is an exact group name.
    pub fn new(namespace_prefix: Option<Vec<u8>>, group: &[u8]) -> Filter {
        Filter { namespace_prefix, group: if group == b"*" { None } else { Some(group.to_vec()) } }
    }

    fn matches(&self, group: &[u8]) -> Option<usize> {
        let start = match &self.namespace_prefix {
            Some(prefix) if group.starts_with(prefix) => prefix.len(),
            Some(_) => return None,
            None => 0,
        };
        match &self.group {
            Some(wanted) if &group[start..] != wanted.as_slice() => None,
            _ => Some(start),
        }
    }
}

/// The callback type of a subscription.
pub type Callback = Box<dyn Fn(&Event) + Send + Sync>;

struct Subscriber {
    id: u64,
    filter: Filter,
    callback: Callback,
    /// 0 while active; otherwise the dispatch pass during which it was
    /// cancelled (that pass still delivers, as go-store's snapshot does), or
    /// `u64::MAX` when cancelled outside any dispatch.
    cancelled_in_pass: AtomicU64,
    /// Held shared while the callback runs, exclusively by `cancel` to wait for it.
    running: RwLock<()>,
}

thread_local! {
    /// (subscriber id, pass) for each callback running on this thread, innermost last.
    static RUNNING: RefCell<Vec<(u64, u64)>> = const { RefCell::new(Vec::new()) };
}

/// Registry of subscribers and watch queues of one store.
pub(crate) struct EventBus {
    subscribers_present: AtomicUsize,
    callbacks: RwLock<Vec<Arc<Subscriber>>>,
    watchers: RwLock<Vec<Arc<WatchQueue>>>,
    next_id: AtomicU64,
    next_pass: AtomicU64,
    closed: AtomicBool,
}

impl EventBus {
    pub(crate) fn new() -> EventBus {
        EventBus {
            subscribers_present: AtomicUsize::new(0),
            callbacks: RwLock::new(Vec::new()),
            watchers: RwLock::new(Vec::new()),
            next_id: AtomicU64::new(1),
            next_pass: AtomicU64::new(1),
            closed: AtomicBool::new(false),
        }
    }

    /// Whether building events is worth it: false when nobody listens.
    #[inline]
    pub(crate) fn active(&self) -> bool {
        self.subscribers_present.load(Ordering::Acquire) != 0
    }

    /// Delivers `events` in order: watch queues first, then callbacks, each
    /// from a snapshot taken for that event. Runs on the caller's thread with
    /// no lock held while a callback runs.
    pub(crate) fn dispatch(&self, events: Vec<Event>) {
        for event in events {
            if self.closed.load(Ordering::Acquire) {
                return;
            }
            for queue in self.watchers.read().iter() {
                if let Some(start) = queue.filter.matches(event.group()) {
                    queue.push(event.localised(start));
                }
            }
            let snapshot: Vec<(Arc<Subscriber>, usize)> = self
                .callbacks
                .read()
                .iter()
                .filter_map(|s| s.filter.matches(event.group()).map(|start| (s.clone(), start)))
                .collect();
            if snapshot.is_empty() {
                continue;
            }
            let pass = self.next_pass.fetch_add(1, Ordering::Relaxed);
            for (subscriber, start) in snapshot {
                let cancelled = subscriber.cancelled_in_pass.load(Ordering::Acquire);
                if cancelled != 0 && cancelled != pass {
                    continue;
                }
                let _running = subscriber.running.read_recursive();
                RUNNING.with(|r| r.borrow_mut().push((subscriber.id, pass)));
                let local = event.localised(start);
                // A panicking Rust callback must not take the writer down with it.
                let _ = catch_unwind(AssertUnwindSafe(|| (subscriber.callback)(&local)));
                RUNNING.with(|r| r.borrow_mut().pop());
            }
        }
    }

    pub(crate) fn subscribe(&self, filter: Filter, callback: Callback) -> Option<Arc<SubscriberHandle>> {
        if self.closed.load(Ordering::Acquire) {
            return None;
        }
        let subscriber = Arc::new(Subscriber {
            id: self.next_id.fetch_add(1, Ordering::Relaxed),
            filter,
            callback,
            cancelled_in_pass: AtomicU64::new(0),
            running: RwLock::new(()),
        });
        let mut list = self.callbacks.write();
        if self.closed.load(Ordering::Acquire) {
            return None;
        }
        list.push(subscriber.clone());
        self.subscribers_present.fetch_add(1, Ordering::AcqRel);
        Some(Arc::new(SubscriberHandle { subscriber: Arc::downgrade(&subscriber) }))
    }

    /// Removes a subscriber and, unless called from inside its own callback,
    /// waits until no call of it is running.
    pub(crate) fn unsubscribe(&self, handle: &SubscriberHandle) {
        // Gone already: the store closed and every dispatch holding it ended.
        let Some(subscriber) = handle.subscriber.upgrade() else { return };
        let subscriber = &subscriber;
        let (current_pass, inside_own) = RUNNING.with(|r| {
            let r = r.borrow();
            (r.last().map(|&(_, pass)| pass), r.iter().any(|&(id, _)| id == subscriber.id))
        });
        let mark = current_pass.unwrap_or(u64::MAX);
        if subscriber.cancelled_in_pass.compare_exchange(0, mark, Ordering::AcqRel, Ordering::Acquire).is_err() {
            return;
        }
        {
            let mut list = self.callbacks.write();
            if let Some(i) = list.iter().position(|s| Arc::ptr_eq(s, subscriber)) {
                list.remove(i);
                self.subscribers_present.fetch_sub(1, Ordering::AcqRel);
            }
        }
        if !inside_own {
            drop(subscriber.running.write());
        }
    }

    pub(crate) fn watch(&self, filter: Filter, capacity: usize) -> Arc<WatchQueue> {
        let queue = Arc::new(WatchQueue::new(filter, capacity));
        let mut list = self.watchers.write();
        if self.closed.load(Ordering::Acquire) {
            queue.close();
        } else {
            list.push(queue.clone());
            self.subscribers_present.fetch_add(1, Ordering::AcqRel);
        }
        queue
    }

    pub(crate) fn unwatch(&self, queue: &Arc<WatchQueue>) {
        {
            let mut list = self.watchers.write();
            if let Some(i) = list.iter().position(|q| Arc::ptr_eq(q, queue)) {
                list.remove(i);
                self.subscribers_present.fetch_sub(1, Ordering::AcqRel);
            }
        }
        queue.close();
    }

    /// Stops delivery for good: closes every queue and drops every callback
    /// (their release functions run once no dispatch still holds them).
    pub(crate) fn close(&self) {
        self.closed.store(true, Ordering::Release);
        let queues = std::mem::take(&mut *self.watchers.write());
        for q in &queues {
            q.close();
        }
        let callbacks = std::mem::take(&mut *self.callbacks.write());
        for s in &callbacks {
            let _ = s.cancelled_in_pass.compare_exchange(0, u64::MAX, Ordering::AcqRel, Ordering::Acquire);
        }
        self.subscribers_present.store(0, Ordering::Release);
    }
}

/// Names a subscriber without keeping it alive: the registry and running
/// dispatches own it, so its callback (and a C release function) is dropped
/// as soon as it is unsubscribed or the store closes.
pub(crate) struct SubscriberHandle {
    subscriber: std::sync::Weak<Subscriber>,
}

/// A bounded queue of events for one watcher.
pub struct WatchQueue {
    filter: Filter,
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
    fn new(filter: Filter, capacity: usize) -> WatchQueue {
        let capacity = if capacity == 0 { DEFAULT_WATCH_CAPACITY } else { capacity };
        WatchQueue {
            filter,
            capacity,
            state: Mutex::new(QueueState { items: VecDeque::with_capacity(capacity.min(1024)), closed: false }),
            ready: Condvar::new(),
            dropped: AtomicU64::new(0),
        }
    }

    fn push(&self, event: Event) {
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

    fn close(&self) {
        self.state.lock().closed = true;
        self.ready.notify_all();
    }
}

/// Collects the events of one write (or transaction) until they can be
/// delivered; builds nothing when nobody listens.
pub(crate) struct Emit<'a> {
    pub active: bool,
    pub events: &'a mut Vec<Event>,
    /// Every change passes here too, so cached namespace usage never goes stale.
    pub usage: &'a crate::quota::UsageCache,
}

impl Emit<'_> {
    pub(crate) fn push(&mut self, kind: EventKind, group: &[u8], key: &[u8], value: &[u8]) {
        self.usage.touch(group);
        if self.active {
            self.events.push(Event::new(kind, group, key, value));
        }
    }
}
