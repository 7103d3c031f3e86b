//! The background task that deletes expired rows every interval.

use super::store::{Inner, Store};
use crate::kv::Kv;
use parking_lot::{Condvar, Mutex};
use std::sync::{Arc, Weak};
use std::thread::{self, JoinHandle, ThreadId};
use std::time::Duration;

/// The background task that runs `purge_expired` every interval.
pub(crate) struct Purger {
    stop: Arc<(Mutex<bool>, Condvar)>,
    thread: Option<JoinHandle<()>>,
    thread_id: ThreadId,
}

impl Purger {
    pub(crate) fn start(inner: Weak<Inner>, interval: Duration) -> Purger {
        let stop = Arc::new((Mutex::new(false), Condvar::new()));
        let signal = stop.clone();
        let thread = thread::Builder::new()
            .name("store-purge".into())
            .spawn(move || loop {
                {
                    let mut stopped = signal.0.lock();
                    if !*stopped {
                        signal.1.wait_for(&mut stopped, interval);
                    }
                    if *stopped {
                        return;
                    }
                }
                let Some(inner) = inner.upgrade() else { return };
                let store = Store { inner };
                let _ = store.purge_expired();
                // Dropping the last handle here would close the store on this
                // thread; `stop` knows not to join itself.
                drop(store);
            })
            .expect("spawn purge thread");
        let thread_id = thread.thread().id();
        Purger { stop, thread: Some(thread), thread_id }
    }

    pub(crate) fn stop(mut self) {
        *self.stop.0.lock() = true;
        self.stop.1.notify_all();
        if thread::current().id() != self.thread_id {
            if let Some(t) = self.thread.take() {
                let _ = t.join();
            }
        }
    }
}
