//! Handles a caller keeps for a callback subscription or a watch queue.

use super::bus::{Callback, Delivery, EventBus, SubscriberHandle};
use super::{Filter, WatchQueue};
use crate::base::error::{Op, Result};
use std::sync::{Arc, Weak};

/// A registered change callback. Dropping it does not unsubscribe; call
/// [`Subscription::cancel`].
pub struct Subscription {
    bus: Weak<EventBus>,
    handle: Arc<SubscriberHandle>,
}

impl Subscription {
    pub(crate) fn register(bus: &Arc<EventBus>, filter: Filter, callback: Callback, delivery: Delivery) -> Result<Subscription> {
        match bus.subscribe(filter, callback, delivery) {
            Some(handle) => Ok(Subscription { bus: Arc::downgrade(bus), handle }),
            None => Err(Op { base: "store", method: "OnChange" }.closed()),
        }
    }

    /// Stops delivery. From outside a callback it waits for a call in
    /// progress: once it returns, no call runs and none will start. From
    /// inside a callback it returns at once; the event being delivered may
    /// still reach this subscription if it comes later in that event's
    /// snapshot (go-store's rule), nothing after it does. Idempotent.
    pub fn cancel(&self) {
        if let Some(bus) = self.bus.upgrade() {
            bus.unsubscribe(&self.handle);
        }
    }
}

/// A bounded queue of events (go-store `Watch`).
pub struct Watcher {
    bus: Weak<EventBus>,
    queue: Arc<WatchQueue>,
}

impl Watcher {
    pub(crate) fn register(bus: &Arc<EventBus>, filter: Filter, capacity: usize) -> Watcher {
        Watcher { bus: Arc::downgrade(bus), queue: bus.watch(filter, capacity) }
    }

    /// The queue: read it with `next`.
    pub fn queue(&self) -> &WatchQueue {
        &self.queue
    }

    /// Stops delivery (go-store `Unwatch`); buffered events stay readable. Idempotent.
    pub fn close(&self) {
        if let Some(bus) = self.bus.upgrade() {
            bus.unwatch(&self.queue);
        } else {
            self.queue.close();
        }
    }
}

impl std::ops::Deref for Watcher {
    type Target = WatchQueue;
    fn deref(&self) -> &WatchQueue {
        &self.queue
    }
}
