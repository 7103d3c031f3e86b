//! Change events and their two delivery styles: callback subscriptions
//! (go-store `OnChange`) and bounded watch queues (go-store `Watch`).
//! Depends on `base` only: events know nothing of quotas or the store.

mod bus;
mod event;
mod filter;
mod subscription;
mod watch;

pub(crate) use bus::{Delivery, EventBus};
pub use event::{Event, EventKind};
pub(crate) use filter::Filter;
pub use subscription::{Subscription, Watcher};
pub use watch::{WatchEnd, WatchQueue, DEFAULT_WATCH_CAPACITY};
