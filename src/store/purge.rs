//! The background task that deletes expired rows every interval.
//!
//! A purge publishes `delete` events, so subscribers' callbacks can run on
//! this thread. Close therefore never waits for a purge in progress: it
//! stops the task and joins the thread only while the thread is idle; a
//! purge already running finishes on its own (the store is closed under it,
//! so it delivers nothing more) and the thread then exits.

use super::store::{Inner, Store};
use crate::kv::Kv;
use parking_lot::{Condvar, Mutex};
use std::sync::{Arc, Weak};
use std::thread::{self, JoinHandle, ThreadId};
use std::time::Duration;

#[derive(Default)]
struct State {
    stopped: bool,
    /// A purge (and perhaps a subscriber's callback) is running.
    busy: bool,
}

/// The background task that runs `purge_expired` every interval.
pub(crate) struct Purger {
    state: Arc<(Mutex<State>, Condvar)>,
    thread: Option<JoinHandle<()>>,
    thread_id: ThreadId,
}

impl Purger {
    pub(crate) fn start(inner: Weak<Inner>, interval: Duration) -> Purger {
        let state = Arc::new((Mutex::new(State::default()), Condvar::new()));
        let shared = state.clone();
        let thread = thread::Builder::new()
            .name("store-purge".into())
            .spawn(move || loop {
                {
                    let mut st = shared.0.lock();
                    if !st.stopped {
                        shared.1.wait_for(&mut st, interval);
                    }
                    if st.stopped {
                        return;
                    }
                    st.busy = true;
                }
                let Some(inner) = inner.upgrade() else { return };
                let store = Store { inner };
                let _ = store.purge_expired();
                // Dropping the last handle here would close the store on this
                // thread; `stop` knows not to join itself.
                drop(store);
                shared.0.lock().busy = false;
            })
            .expect("spawn purge thread");
        let thread_id = thread.thread().id();
        Purger { state, thread: Some(thread), thread_id }
    }

    /// Stops the task. Joins the thread only if it is idle (waiting for its
    /// next interval), so user code running in a purge's event callbacks can
    /// never make close wait.
    pub(crate) fn stop(mut self) {
        let idle = {
            let mut st = self.state.0.lock();
            st.stopped = true;
            !st.busy
        };
        self.state.1.notify_all();
        if idle && thread::current().id() != self.thread_id {
            if let Some(t) = self.thread.take() {
                let _ = t.join();
            }
        }
        // Otherwise the JoinHandle is dropped: the thread finishes its purge
        // (which fails fast or delivers nothing on a closed store) and exits.
    }
}
