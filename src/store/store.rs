//! The store handle: opening, closing, accessors and the background purge.

use super::purge::Purger;
use crate::base::config::Config;
use crate::base::error::{Op, Result};
use crate::engine::database::Database;
use crate::engine::statement::Conn;
use crate::events::EventBus;
use crate::kv::quota::UsageCache;
use crate::kv::target::{Backend, Emit};
use crate::kv::{in_transaction, Kv, Target};
use parking_lot::Mutex;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;

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
    pub(crate) bus: Arc<EventBus>,
    pub(crate) usage: UsageCache,
    /// Set once `journal_entries` is known to exist (created lazily).
    pub(crate) journal_ready: std::sync::atomic::AtomicBool,
    state: AtomicU8,
    close_lock: Mutex<()>,
    /// The temp copy of a medium-backed database, written back at close.
    backing: Option<crate::media::MediumBacking>,
    purge: Mutex<Option<Purger>>,
    /// The open-time orphan workspace scan (runs on its own thread).
    #[cfg(feature = "duckdb")]
    pub(crate) orphan_scan: crate::duck::workspace::OpenScan,
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
        // A purge (or any writer) waiting behind an open transaction sees the
        // store closing and gives up, so joining the purge thread cannot hang.
        self.db.wake_waiters();
        if let Some(purger) = self.purge.lock().take() {
            purger.stop();
        }
        // The orphan scan stops after the file it is reading (it checks
        // between files); wait for it, so that once close returns no thread
        // of this store holds a workspace file another store may recover.
        #[cfg(feature = "duckdb")]
        self.orphan_scan.wait();
        let _serial = self.close_lock.lock();
        if self.state.load(Ordering::Acquire) == CLOSED {
            return Ok(());
        }
        self.db.close().map_err(|e| e.wrap("store.Close"))?;
        // A failed write-back leaves the store closing (and the temp copy in
        // place), so a later close retries it, as in go-store.
        if let Some(backing) = &self.backing {
            backing.sync().map_err(|e| e.wrap("store.Close: sync medium-backed database"))?;
        }
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
        Store::open(Config::new(crate::base::config::MEMORY_PATH))
    }

    /// Like `open`, reporting errors under `operation` (e.g. `store.NewConfigured`).
    pub fn open_as(operation: &str, config: Config) -> Result<Store> {
        config.validate().map_err(|e| e.wrap(format!("{operation}: validate config")))?;
        let config = config.normalised();
        let backing = crate::media::MediumBacking::prepare(operation, &config)?;
        let opened = match &backing {
            Some(b) => Database::open(&b.local_config(&config)),
            None => Database::open(&config),
        };
        let db = opened.map_err(|e| {
            if let Some(b) = &backing {
                b.discard();
            }
            e.wrap(operation)
        })?;
        let interval = config.purge_interval.unwrap_or(crate::base::config::DEFAULT_PURGE_INTERVAL);
        let inner = Arc::new(Inner {
            config,
            db,
            bus: Arc::new(EventBus::new()),
            usage: UsageCache::default(),
            journal_ready: std::sync::atomic::AtomicBool::new(false),
            state: AtomicU8::new(OPEN),
            close_lock: Mutex::new(()),
            backing,
            purge: Mutex::new(None),
            #[cfg(feature = "duckdb")]
            orphan_scan: Default::default(),
        });
        *inner.purge.lock() = Some(Purger::start(Arc::downgrade(&inner), interval));
        #[cfg(feature = "duckdb")]
        crate::duck::workspace::OpenScan::start(&inner);
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

    /// The medium the store was opened with (go-store `Medium()`), if any.
    pub fn medium(&self) -> Option<&crate::SharedMedium> {
        self.inner.config.medium.as_ref()
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
        Target::new(&self.inner, None)
    }
}

/// Autocommit: reads use a pooled reader (file databases), writes the writer;
/// events go out after commit, on the writing thread.
impl Backend for Arc<Inner> {
    fn ensure_ready(&self, op: Op) -> Result<()> {
        Inner::ensure_ready(self, op)
    }

    fn read(&self, op: Op, f: &mut dyn FnMut(&Conn) -> Result<()>) -> Result<()> {
        Inner::ensure_ready(self, op)?;
        self.db.with_reader(|| self.is_closed(), f).map_err(|e| e.wrap(op))
    }

    fn write(&self, op: Op, atomic: bool, f: &mut dyn FnMut(&Conn, &mut Emit) -> Result<()>) -> Result<()> {
        Inner::ensure_ready(self, op)?;
        let mut target = 0;
        self.db
            .with_writer(
                || self.is_closed(),
                |conn| {
                    let mut events = Vec::new();
                    let mut emit = Emit::new(self.bus.active(), &mut events, &self.usage, None);
                    if atomic {
                        in_transaction(conn, |c| f(c, &mut emit))?;
                    } else {
                        f(conn, &mut emit)?;
                    }
                    // Committed: only now may the cache count the write, and
                    // the events get their sequence numbers, still under the lock.
                    if let Some(after) = emit.usage_after.take() {
                        after.record(&self.usage);
                    }
                    if !events.is_empty() {
                        target = self.bus.publish(events);
                    }
                    Ok(())
                },
            )
            .map_err(|e| e.wrap(op))?;
        if target != 0 {
            // Our own reference: a callback may close or free the store.
            let bus = self.bus.clone();
            bus.deliver(target);
        }
        Ok(())
    }

    fn in_transaction(&self) -> bool {
        false
    }

    fn events(&self) -> Option<&Arc<EventBus>> {
        Some(&self.bus)
    }

    fn config(&self) -> &crate::Config {
        &self.config
    }

    fn to_owned(&self) -> Box<dyn Backend> {
        Box::new(self.clone())
    }
}

