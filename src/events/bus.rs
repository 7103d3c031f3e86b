//! The event bus of one store: sequence numbers, watch queues and callback
//! subscriptions, and the ordered delivery that ties them to commit order.
//!
//! Publishing happens under the writer lock, right after a commit: each event
//! gets the next sequence number, watch queues and watch callbacks are served
//! there (they never block), and events for callback subscriptions join one
//! delivery queue. After the lock is released, the writing thread waits for
//! its events to be delivered; one thread at a time delivers, in sequence
//! order, so every subscriber sees every change in commit order. A write made
//! from inside a callback is appended to the queue and delivered by the same
//! thread right after the current event, before the outermost write returns.

use super::{Event, Filter, WatchQueue};
use parking_lot::{Condvar, Mutex, RwLock};
use std::cell::RefCell;
use std::collections::VecDeque;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Weak};

/// The callback type of a subscription.
pub(crate) type Callback = Box<dyn Fn(&Event) + Send + Sync>;

/// How a subscription is served.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Delivery {
    /// After commit, outside every lock, on the writing thread, in commit order
    /// (go-store `OnChange`): the callback may call the store.
    Ordered,
    /// At commit, under the writer lock, before ordered callbacks (go-store's
    /// channel sends): for callbacks that only hand the event on without
    /// blocking, such as a Go channel send. Store calls from it fail with `Busy`.
    Immediate,
}

struct Subscriber {
    id: u64,
    filter: Filter,
    callback: Callback,
    state: Mutex<SubscriberState>,
    idle: Condvar,
}

struct SubscriberState {
    /// 0 while active; otherwise the pass during which it was cancelled from
    /// inside a callback (that pass still delivers, go-store's snapshot rule),
    /// or `u64::MAX` when cancelled anywhere else.
    cancelled_in_pass: u64,
    /// A call is in progress.
    running: bool,
}

impl Subscriber {
    /// Calls the callback unless cancelled; the check and the `running` mark
    /// are made under one lock, so once `cancel` returns no call can start.
    fn call(&self, pass: u64, event: &Event) {
        {
            let mut st = self.state.lock();
            if st.cancelled_in_pass != 0 && st.cancelled_in_pass != pass {
                return;
            }
            st.running = true;
        }
        RUNNING.with(|r| r.borrow_mut().push((self.id, pass)));
        // A panicking Rust callback must not take the writer down with it.
        let _ = catch_unwind(AssertUnwindSafe(|| (self.callback)(event)));
        RUNNING.with(|r| r.borrow_mut().pop());
        self.state.lock().running = false;
        self.idle.notify_all();
    }
}

thread_local! {
    /// (subscriber id, pass) for each callback running on this thread, innermost last.
    static RUNNING: RefCell<Vec<(u64, u64)>> = const { RefCell::new(Vec::new()) };
    /// (bus address, highest sequence to deliver) for each bus this thread is delivering for.
    static DELIVERING: RefCell<Vec<(usize, u64)>> = const { RefCell::new(Vec::new()) };
}

struct Queue {
    events: VecDeque<Event>,
    /// A thread is delivering.
    busy: bool,
    /// Highest sequence number delivered (or skipped because the bus closed).
    delivered: u64,
}

/// Registry of subscribers and watch queues of one store.
pub(crate) struct EventBus {
    present: AtomicUsize,
    ordered: RwLock<Vec<Arc<Subscriber>>>,
    immediate: RwLock<Vec<Arc<Subscriber>>>,
    watchers: RwLock<Vec<Arc<WatchQueue>>>,
    next_id: AtomicU64,
    next_pass: AtomicU64,
    /// Last sequence number given out; only advanced under the writer lock.
    last_seq: AtomicU64,
    closed: AtomicBool,
    queue: Mutex<Queue>,
    progressed: Condvar,
}

impl EventBus {
    pub(crate) fn new() -> EventBus {
        EventBus {
            present: AtomicUsize::new(0),
            ordered: RwLock::new(Vec::new()),
            immediate: RwLock::new(Vec::new()),
            watchers: RwLock::new(Vec::new()),
            next_id: AtomicU64::new(1),
            next_pass: AtomicU64::new(1),
            last_seq: AtomicU64::new(0),
            closed: AtomicBool::new(false),
            queue: Mutex::new(Queue { events: VecDeque::new(), busy: false, delivered: 0 }),
            progressed: Condvar::new(),
        }
    }

    /// Whether building events is worth it: false when nobody listens.
    #[inline]
    pub(crate) fn active(&self) -> bool {
        self.present.load(Ordering::Acquire) != 0
    }

    /// Numbers `events` and serves watch queues and watch callbacks. Call
    /// under the writer lock, right after the commit. Returns the sequence
    /// number to pass to [`EventBus::deliver`] (0: nothing to deliver).
    pub(crate) fn publish(&self, events: Vec<Event>) -> u64 {
        if self.closed.load(Ordering::Acquire) {
            return 0;
        }
        let mut events = events;
        let watchers = self.watchers.read();
        let immediate = self.immediate.read();
        for event in &mut events {
            let seq = self.last_seq.fetch_add(1, Ordering::AcqRel) + 1;
            event.set_seq(seq);
            for queue in watchers.iter() {
                if let Some(start) = queue.filter.matches(event.group()) {
                    queue.push(event.localised(start));
                }
            }
            if !immediate.is_empty() {
                let pass = self.next_pass.fetch_add(1, Ordering::Relaxed);
                for s in immediate.iter() {
                    if let Some(start) = s.filter.matches(event.group()) {
                        s.call(pass, &event.localised(start));
                    }
                }
            }
        }
        drop(immediate);
        drop(watchers);
        if self.ordered.read().is_empty() {
            return 0;
        }
        let target = events.last().map_or(0, Event::seq);
        self.queue.lock().events.extend(events);
        target
    }

    /// Returns once every event up to `target` has been delivered to the
    /// callback subscriptions, delivering them itself when no other thread is.
    /// Never holds a lock while a callback runs.
    pub(crate) fn deliver(&self, target: u64) {
        if target == 0 {
            return;
        }
        let me = self as *const EventBus as usize;
        // A write from inside one of this bus's callbacks: the delivering
        // frame below on this thread picks it up after the current event.
        let nested = DELIVERING.with(|d| {
            let mut d = d.borrow_mut();
            match d.iter_mut().rev().find(|(bus, _)| *bus == me) {
                Some((_, until)) => {
                    *until = (*until).max(target);
                    true
                }
                None => false,
            }
        });
        if nested {
            return;
        }
        let mut q = self.queue.lock();
        loop {
            if q.delivered >= target || self.closed.load(Ordering::Acquire) {
                return;
            }
            if !q.busy {
                q.busy = true;
                break;
            }
            self.progressed.wait(&mut q);
        }
        drop(q);
        DELIVERING.with(|d| d.borrow_mut().push((me, target)));
        let _frame = DeliveryFrame { bus: self };
        loop {
            let until = DELIVERING.with(|d| d.borrow().last().map_or(0, |&(_, until)| until));
            let event = {
                let mut q = self.queue.lock();
                if q.delivered >= until || self.closed.load(Ordering::Acquire) {
                    break;
                }
                match q.events.pop_front() {
                    Some(event) => event,
                    None => break,
                }
            };
            self.deliver_one(&event);
            let mut q = self.queue.lock();
            q.delivered = q.delivered.max(event.seq());
            drop(q);
            self.progressed.notify_all();
        }
    }

    /// Runs every matching ordered callback for one event, from a snapshot
    /// taken now (a callback registered meanwhile first sees the next event).
    fn deliver_one(&self, event: &Event) {
        let snapshot: Vec<(Arc<Subscriber>, usize)> = self
            .ordered
            .read()
            .iter()
            .filter_map(|s| s.filter.matches(event.group()).map(|start| (s.clone(), start)))
            .collect();
        if snapshot.is_empty() {
            return;
        }
        let pass = self.next_pass.fetch_add(1, Ordering::Relaxed);
        for (subscriber, start) in snapshot {
            if self.closed.load(Ordering::Acquire) {
                return;
            }
            subscriber.call(pass, &event.localised(start));
        }
    }

    pub(crate) fn subscribe(&self, filter: Filter, callback: Callback, delivery: Delivery) -> Option<Arc<SubscriberHandle>> {
        if self.closed.load(Ordering::Acquire) {
            return None;
        }
        let subscriber = Arc::new(Subscriber {
            id: self.next_id.fetch_add(1, Ordering::Relaxed),
            filter,
            callback,
            state: Mutex::new(SubscriberState { cancelled_in_pass: 0, running: false }),
            idle: Condvar::new(),
        });
        let mut list = match delivery {
            Delivery::Ordered => self.ordered.write(),
            Delivery::Immediate => self.immediate.write(),
        };
        if self.closed.load(Ordering::Acquire) {
            return None;
        }
        list.push(subscriber.clone());
        self.present.fetch_add(1, Ordering::AcqRel);
        Some(Arc::new(SubscriberHandle { subscriber: Arc::downgrade(&subscriber) }))
    }

    /// Cancels a subscriber. From outside any callback it also waits for a
    /// call in progress, so once it returns no call is running and none will
    /// start. From inside a callback it never waits (that could deadlock);
    /// the subscriber may still receive the event being delivered (go-store's
    /// snapshot rule) and nothing after it.
    pub(crate) fn unsubscribe(&self, handle: &SubscriberHandle) {
        // Gone already: the store closed and every dispatch holding it ended.
        let Some(subscriber) = handle.subscriber.upgrade() else { return };
        let current = RUNNING.with(|r| r.borrow().last().map(|&(_, pass)| pass));
        {
            let mut st = subscriber.state.lock();
            if st.cancelled_in_pass != 0 {
                return;
            }
            st.cancelled_in_pass = current.unwrap_or(u64::MAX);
        }
        for list in [&self.ordered, &self.immediate] {
            let mut list = list.write();
            if let Some(i) = list.iter().position(|s| Arc::ptr_eq(s, &subscriber)) {
                list.remove(i);
                self.present.fetch_sub(1, Ordering::AcqRel);
            }
        }
        if current.is_none() {
            let mut st = subscriber.state.lock();
            while st.running {
                subscriber.idle.wait(&mut st);
            }
        }
    }

    pub(crate) fn watch(&self, filter: Filter, capacity: usize) -> Arc<WatchQueue> {
        let queue = Arc::new(WatchQueue::new(filter, capacity));
        let mut list = self.watchers.write();
        if self.closed.load(Ordering::Acquire) {
            queue.close();
        } else {
            list.push(queue.clone());
            self.present.fetch_add(1, Ordering::AcqRel);
        }
        queue
    }

    pub(crate) fn unwatch(&self, queue: &Arc<WatchQueue>) {
        {
            let mut list = self.watchers.write();
            if let Some(i) = list.iter().position(|q| Arc::ptr_eq(q, queue)) {
                list.remove(i);
                self.present.fetch_sub(1, Ordering::AcqRel);
            }
        }
        queue.close();
    }

    /// Stops delivery for good: closes every queue, drops every callback
    /// (their release functions run once no delivery still holds them) and
    /// wakes writers waiting for delivery.
    pub(crate) fn close(&self) {
        self.closed.store(true, Ordering::Release);
        let queues = std::mem::take(&mut *self.watchers.write());
        for q in &queues {
            q.close();
        }
        let mut dropped = std::mem::take(&mut *self.ordered.write());
        dropped.append(&mut self.immediate.write());
        for s in &dropped {
            let mut st = s.state.lock();
            if st.cancelled_in_pass == 0 {
                st.cancelled_in_pass = u64::MAX;
            }
        }
        self.present.store(0, Ordering::Release);
        let pending = std::mem::take(&mut self.queue.lock().events);
        self.progressed.notify_all();
        // Events and callbacks may own foreign resources: drop them outside the locks.
        drop(pending);
        drop(dropped);
    }
}

/// Marks the end of this thread's turn at delivering: hands the turn on
/// (also when a callback unwinds) and wakes the writers waiting for it.
struct DeliveryFrame<'a> {
    bus: &'a EventBus,
}

impl Drop for DeliveryFrame<'_> {
    fn drop(&mut self) {
        DELIVERING.with(|d| d.borrow_mut().pop());
        self.bus.queue.lock().busy = false;
        self.bus.progressed.notify_all();
    }
}

/// Names a subscriber without keeping it alive: the registry and running
/// deliveries own it, so its callback (and a C release function) is dropped
/// as soon as it is unsubscribed or the store closes.
pub(crate) struct SubscriberHandle {
    subscriber: Weak<Subscriber>,
}
