//! The store handle: opening, closing, accessors and the background purge.

use crate::config::Config;
use crate::database::Database;
use crate::error::{Op, Result};
use crate::events::{Callback, EventBus, Filter, SubscriberHandle, WatchQueue};
use crate::kv::{Exec, Kv, Target};
use parking_lot::{Condvar, Mutex};
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Weak};
use std::thread::{self, JoinHandle, ThreadId};
use std::time::Duration;

const OPEN: u8 = 0;
const CLOSING: u8 = 1;
const CLOSED: u8 = 2;

/// A group-namespaced key-value store over SQLite. Cheap to clone; every
/// clone is the same store. Safe to share across threads.
#[derive(Clone)]
pub struct Store {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) config: Config,
    pub(crate) db: Database,
    pub(crate) bus: EventBus,
    pub(crate) usage: crate::quota::UsageCache,
    state: AtomicU8,
    close_lock: Mutex<()>,
    purge: Mutex<Option<Purger>>,
}

impl Inner {
    #[inline]
    pub(crate) fn is_closed(&self) -> bool {
        self.state.load(Ordering::Acquire) != OPEN
    }

    #[inline]
    pub(crate) fn ensure_ready(&self, op: Op) -> Result<()> {
        if self.is_closed() {
            Err(op.closed())
        } else {
            Ok(())
        }
    }

    fn close(&self) -> Result<()> {
        // From inside a visitor that holds the connection, closing could
        // never finish: refuse before changing anything.
        self.db.not_holding_writer().map_err(|e| e.wrap("store.Close"))?;
        // Closing starts by silencing events (go-store drops notifications once
        // closing has begun) and stopping the purge task, before taking the
        // close lock: a callback running on the purge thread may itself call
        // `close`, and must not wait for a closer that is joining its thread.
        let _ = self.state.compare_exchange(OPEN, CLOSING, Ordering::AcqRel, Ordering::Acquire);
        self.bus.close();
        if let Some(purger) = self.purge.lock().take() {
            purger.stop();
        }
        let _serial = self.close_lock.lock();
        if self.state.load(Ordering::Acquire) == CLOSED {
            return Ok(());
        }
        self.db.close().map_err(|e| e.wrap("store.Close"))?;
        self.state.store(CLOSED, Ordering::Release);
        Ok(())
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        let _ = self.close();
    }
}

impl Store {
    /// Opens (creating if needed) the database named by `config`, with
    /// go-store's error texts under the operation `store.New`.
    pub fn open(config: Config) -> Result<Store> {
        Store::open_as("store.New", config)
    }

    /// Opens a private in-memory store.
    pub fn open_in_memory() -> Result<Store> {
        Store::open(Config::new(crate::config::MEMORY_PATH))
    }

    /// Like `open`, reporting errors under `operation` (e.g. `store.NewConfigured`).
    pub fn open_as(operation: &str, config: Config) -> Result<Store> {
        config.validate().map_err(|e| e.wrap(format!("{operation}: validate config")))?;
        let config = config.normalised();
        let db = Database::open(&config).map_err(|e| e.wrap(operation))?;
        let interval = config.purge_interval.unwrap_or(crate::config::DEFAULT_PURGE_INTERVAL);
        let inner = Arc::new(Inner {
            config,
            db,
            bus: EventBus::new(),
            usage: crate::quota::UsageCache::default(),
            state: AtomicU8::new(OPEN),
            close_lock: Mutex::new(()),
            purge: Mutex::new(None),
        });
        *inner.purge.lock() = Some(Purger::start(Arc::downgrade(&inner), interval));
        Ok(Store { inner })
    }

    /// Closes the store: stops the purge task, closes watch queues, drops
    /// callbacks (running their release functions), rolls back an open
    /// transaction and closes SQLite. Idempotent; later operations fail with
    /// `store is closed`. May be called from an event callback.
    pub fn close(&self) -> Result<()> {
        self.inner.close()
    }

    /// True once `close` has completed.
    pub fn is_closed(&self) -> bool {
        self.inner.state.load(Ordering::Acquire) == CLOSED
    }

    /// The normalised configuration (works after close).
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The database path as given.
    pub fn database_path(&self) -> &str {
        &self.inner.config.database_path
    }

    /// The normalised workspace state directory.
    pub fn workspace_state_directory(&self) -> &str {
        &self.inner.config.workspace_state_directory
    }

    /// True when all three journal fields are set.
    pub fn journal_configured(&self) -> bool {
        self.inner.config.journal.is_complete()
    }

    /// SQLite's journal mode for the writer (`wal` for files, `memory` for `:memory:`).
    pub fn journal_mode(&self) -> Option<String> {
        self.inner.db.journal_mode()
    }
}

impl Kv for Store {
    fn target(&self) -> Target<'_> {
        Target { exec: Exec::Store(&self.inner), scope: None }
    }
}

/// A registered change callback. Dropping it does not unsubscribe; call
/// [`Subscription::cancel`].
pub struct Subscription {
    inner: Weak<Inner>,
    handle: Arc<SubscriberHandle>,
}

impl Subscription {
    pub(crate) fn register(inner: &Arc<Inner>, filter: Filter, callback: Callback) -> Result<Subscription> {
        match inner.bus.subscribe(filter, callback) {
            Some(handle) => Ok(Subscription { inner: Arc::downgrade(inner), handle }),
            None => Err(Op { base: "store", method: "OnChange" }.closed()),
        }
    }

    /// Stops delivery. Waits for running calls of this callback unless called
    /// from inside it. Idempotent.
    pub fn cancel(&self) {
        if let Some(inner) = self.inner.upgrade() {
            inner.bus.unsubscribe(&self.handle);
        }
    }
}

/// A bounded queue of events (go-store `Watch`).
pub struct Watcher {
    inner: Weak<Inner>,
    queue: Arc<WatchQueue>,
}

impl Watcher {
    pub(crate) fn register(inner: &Arc<Inner>, filter: Filter, capacity: usize) -> Watcher {
        Watcher { inner: Arc::downgrade(inner), queue: inner.bus.watch(filter, capacity) }
    }

    /// The queue: read it with `next`.
    pub fn queue(&self) -> &WatchQueue {
        &self.queue
    }

    /// Stops delivery (go-store `Unwatch`); buffered events stay readable. Idempotent.
    pub fn close(&self) {
        if let Some(inner) = self.inner.upgrade() {
            inner.bus.unwatch(&self.queue);
        }
    }
}

impl std::ops::Deref for Watcher {
    type Target = WatchQueue;
    fn deref(&self) -> &WatchQueue {
        &self.queue
    }
}

/// The background task that runs `purge_expired` every interval.
struct Purger {
    stop: Arc<(Mutex<bool>, Condvar)>,
    thread: Option<JoinHandle<()>>,
    thread_id: ThreadId,
}

impl Purger {
    fn start(inner: Weak<Inner>, interval: Duration) -> Purger {
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

    fn stop(mut self) {
        *self.stop.0.lock() = true;
        self.stop.1.notify_all();
        if thread::current().id() != self.thread_id {
            if let Some(t) = self.thread.take() {
                let _ = t.join();
            }
        }
    }
}
