//! Change events and their two delivery styles: callback subscriptions
//! (go-store `OnChange`, run on the writing thread after commit, outside every
//! lock) and bounded watch queues (go-store `Watch`, never block a writer).


use super::{Event, Filter, WatchQueue};
use parking_lot::RwLock;
use std::cell::RefCell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;

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
