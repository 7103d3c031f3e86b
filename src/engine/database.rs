//! Connections: one writer guarded by a gate that a transaction can hold
//! across calls, and (for file databases) a small pool of WAL readers so reads
//! never queue behind a long write or an open transaction.

use crate::base::config::Config;
use crate::base::error::{Error, ErrorKind, Result, Stage};
use crate::engine::{open_failure, schema};
use crate::engine::statement::{Conn, Sql};
use parking_lot::{Condvar, Mutex, MutexGuard};
use rusqlite::{Connection, OpenFlags};
use std::cell::Cell;
use std::time::{Duration, Instant};

const STATEMENT_CACHE: usize = 64;
const DEFAULT_READERS: usize = 4;

fn busy_timeout(config: &Config) -> Duration {
    if config.busy_timeout.is_zero() {
        crate::base::config::DEFAULT_BUSY_TIMEOUT
    } else {
        config.busy_timeout
    }
}

/// Who may use the writer connection right now.
pub(crate) struct WriterState {
    pub conn: Option<Conn>,
    /// The transaction holding the writer, by id. A transaction belongs to
    /// its handle, not to a thread: any thread may use the handle.
    pub txn: Option<u64>,
    next_txn: u64,
}

pub(crate) struct Database {
    writer: Mutex<WriterState>,
    writer_free: Condvar,
    readers: Option<ReaderPool>,
    busy_timeout: Duration,
}

struct ReaderPool {
    config: Config,
    idle: Mutex<Vec<Conn>>,
    capacity: usize,
    open: Mutex<usize>,
    returned: Condvar,
}

impl Database {
    /// Opens the writer, applies pragmas and the schema. Error texts follow
    /// go-store (`open database`, `set WAL journal mode`, `ensure schema`).
    pub(crate) fn open(config: &Config) -> Result<Database> {
        let conn = open_connection(config, false)?;
        schema::ensure(&conn).map_err(|e| e.wrap("ensure schema: store.ensureSchema"))?;
        let readers = if config.is_memory() || config.exclusive_locking {
            None
        } else {
            Some(ReaderPool {
                config: config.clone(),
                idle: Mutex::new(Vec::new()),
                capacity: if config.reader_connections == 0 { DEFAULT_READERS } else { config.reader_connections },
                open: Mutex::new(0),
                returned: Condvar::new(),
            })
        };
        Ok(Database {
            writer: Mutex::new(WriterState { conn: Some(Conn::new(conn)), txn: None, next_txn: 1 }),
            writer_free: Condvar::new(),
            readers,
            busy_timeout: busy_timeout(config),
        })
    }

    /// Waits (at most the busy timeout) until no transaction holds the writer.
    /// Inside this store's own transaction body (`Store::transaction`) a store
    /// write could never proceed, so it fails at once.
    fn wait_for_writer(&self, state: &mut MutexGuard<'_, WriterState>, is_closed: &dyn Fn() -> bool) -> Result<()> {
        let mut deadline = None;
        while state.txn.is_some() {
            if is_closed() {
                return Err(closed());
            }
            if in_transaction_body(self) {
                return Err(Error::new(
                    ErrorKind::Busy,
                    "called on the store inside its own transaction; use the transaction handle",
                ));
            }
            let until = *deadline.get_or_insert_with(|| Instant::now() + self.busy_timeout);
            if self.writer_free.wait_until(state, until).timed_out() && state.txn.is_some() {
                return Err(Error::new(
                    ErrorKind::Busy,
                    format!(
                        "a transaction is open on another handle; gave up after {} ms",
                        self.busy_timeout.as_millis()
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Runs `f` on the writer once no transaction holds it (waiting at most
    /// the busy timeout).
    pub(crate) fn with_writer<R>(
        &self,
        is_closed: impl Fn() -> bool,
        f: impl FnOnce(&Conn) -> Result<R>,
    ) -> Result<R> {
        self.not_holding_writer()?;
        let mut state = self.writer.lock();
        self.wait_for_writer(&mut state, &is_closed)?;
        match state.conn.as_ref() {
            Some(conn) => self.holding_writer(|| f(conn)),
            None => Err(closed()),
        }
    }

    /// Runs `f` on the writer only if transaction `id` still holds it.
    pub(crate) fn with_txn<R>(&self, id: u64, f: impl FnOnce(&Conn) -> Result<R>) -> Result<R> {
        self.not_holding_writer()?;
        let state = self.writer.lock();
        match (&state.conn, state.txn) {
            (Some(conn), Some(owner)) if owner == id => self.holding_writer(|| f(conn)),
            (None, _) => Err(closed()),
            _ => Err(Error::new(
                ErrorKind::Closed,
                "transaction has already been committed or rolled back",
            )),
        }
    }

    /// Begins a transaction and gives the writer to it until `end_txn`.
    pub(crate) fn begin_txn(&self, is_closed: impl Fn() -> bool) -> Result<u64> {
        self.not_holding_writer()?;
        let mut state = self.writer.lock();
        self.wait_for_writer(&mut state, &is_closed)?;
        let conn = state.conn.as_ref().ok_or_else(closed)?;
        conn.stmt(Sql::Begin).and_then(|mut s| s.execute()).map_err(|e| Error::sqlite("begin transaction", e))?;
        let id = state.next_txn;
        state.next_txn += 1;
        state.txn = Some(id);
        Ok(id)
    }

    /// Commits (or rolls back) transaction `id` and frees the writer.
    /// `committed` runs under the writer lock right after a successful
    /// commit, so what it publishes is ordered with every other commit.
    pub(crate) fn end_txn(&self, id: u64, commit: bool, committed: impl FnOnce()) -> Result<()> {
        self.not_holding_writer()?;
        let mut state = self.writer.lock();
        let WriterState { conn, txn, .. } = &mut *state;
        let conn = match (conn.as_ref(), *txn) {
            (Some(conn), Some(owner)) if owner == id => conn,
            (None, _) => return Err(closed()),
            _ => {
                return Err(Error::new(
                    ErrorKind::Closed,
                    "transaction has already been committed or rolled back",
                ))
            }
        };
        let result = if commit {
            match conn.stmt(Sql::Commit).and_then(|mut s| s.execute()) {
                Ok(_) => {
                    self.holding_writer(committed);
                    Ok(())
                }
                Err(e) => {
                    let _ = conn.stmt(Sql::Rollback).and_then(|mut s| s.execute());
                    Err(Error::sqlite("commit transaction", e))
                }
            }
        } else {
            conn.stmt(Sql::Rollback)
                .and_then(|mut s| s.execute())
                .map(|_| ())
                .map_err(|e| Error::sqlite("rollback transaction", e))
        };
        *txn = None;
        drop(state);
        self.writer_free.notify_all();
        result
    }

    /// Wakes every thread waiting for the writer so it can see the store is
    /// closing (a purge waiting behind an open transaction must not make
    /// close wait forever).
    pub(crate) fn wake_waiters(&self) {
        let _state = self.writer.lock();
        self.writer_free.notify_all();
    }

    /// Marks the writer as held by this thread while `f` runs. `f` may run
    /// caller code (the visitor of `get_all_with` and friends); if that code
    /// calls the store again it gets `Busy` instead of deadlocking on the lock.
    fn holding_writer<R>(&self, f: impl FnOnce() -> R) -> R {
        struct Restore(usize);
        impl Drop for Restore {
            fn drop(&mut self) {
                WRITER_HELD.with(|h| h.set(self.0));
            }
        }
        let _restore = Restore(WRITER_HELD.with(|h| h.replace(self as *const Database as usize)));
        f()
    }

    /// `Busy` when this thread is running caller code while holding the writer.
    pub(crate) fn not_holding_writer(&self) -> Result<()> {
        if WRITER_HELD.with(Cell::get) == self as *const Database as usize {
            return Err(Error::new(
                ErrorKind::Busy,
                "called from inside a visitor that holds the connection; collect the rows first or use iter",
            ));
        }
        Ok(())
    }

    /// Runs a read. File databases use a pooled reader so reads run beside
    /// writes; `:memory:` and exclusive-locking stores read on the writer.
    pub(crate) fn with_reader<R>(
        &self,
        is_closed: impl Fn() -> bool,
        f: impl FnOnce(&Conn) -> Result<R>,
    ) -> Result<R> {
        let Some(pool) = &self.readers else {
            return self.with_writer(is_closed, f);
        };
        let lease = Lease { pool, conn: Some(pool.take(&is_closed)?), is_closed: &is_closed };
        f(lease.conn.as_ref().expect("leased connection"))
    }

    /// Rolls back any open transaction, then closes every connection.
    pub(crate) fn close(&self) -> Result<()> {
        self.not_holding_writer()?;
        let mut state = self.writer.lock();
        if state.txn.take().is_some() {
            if let Some(conn) = &state.conn {
                let _ = conn.stmt(Sql::Rollback).and_then(|mut s| s.execute());
            }
        }
        let conn = state.conn.take();
        drop(state);
        self.writer_free.notify_all();
        if let Some(pool) = &self.readers {
            // Wake readers waiting for a connection: they see the store closed.
            // Notifying under the lock pairs with the check in `take`.
            let mut idle = pool.idle.lock();
            idle.clear();
            pool.returned.notify_all();
        }
        if let Some(conn) = conn {
            conn.close().map_err(|e| Error::sqlite("database close", e))?;
        }
        Ok(())
    }

    /// The writer's `PRAGMA journal_mode` (tests and diagnostics).
    pub(crate) fn journal_mode(&self) -> Option<String> {
        let state = self.writer.lock();
        state.conn.as_ref()?.rusqlite().query_row("PRAGMA journal_mode", [], |r| r.get(0)).ok()
    }
}

/// A pooled reader on loan. Returned on drop; if the read panicked the
/// connection is closed instead (its statements may be mid-step) and its
/// slot freed, so a panic never shrinks the pool.
struct Lease<'a> {
    pool: &'a ReaderPool,
    conn: Option<Conn>,
    is_closed: &'a dyn Fn() -> bool,
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        let Some(conn) = self.conn.take() else { return };
        if std::thread::panicking() {
            drop(conn);
            *self.pool.open.lock() -= 1;
            self.pool.returned.notify_one();
        } else if (self.is_closed)() {
            drop(conn);
        } else {
            self.pool.idle.lock().push(conn);
            self.pool.returned.notify_one();
        }
    }
}

impl ReaderPool {
    /// An idle reader, a new one while under capacity, or the next one
    /// returned; `Closed` once the store closes, even while waiting.
    fn take(&self, is_closed: &impl Fn() -> bool) -> Result<Conn> {
        loop {
            if is_closed() {
                return Err(closed());
            }
            if let Some(conn) = self.idle.lock().pop() {
                return Ok(conn);
            }
            let mut open = self.open.lock();
            if *open < self.capacity {
                *open += 1;
                drop(open);
                return open_connection(&self.config, true).map(Conn::new).map_err(|e| {
                    *self.open.lock() -= 1;
                    e
                });
            }
            drop(open);
            let mut idle = self.idle.lock();
            // Checked under the lock that `close` notifies under, so a
            // close cannot slip between this check and the wait.
            if idle.is_empty() && !is_closed() {
                self.returned.wait(&mut idle);
            }
            if let Some(conn) = idle.pop() {
                return Ok(conn);
            }
        }
    }
}

fn open_connection(config: &Config, reader: bool) -> Result<Connection> {
    let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI;
    if !reader {
        flags |= OpenFlags::SQLITE_OPEN_CREATE;
    }
    let conn = if config.is_memory() {
        Connection::open_in_memory().stage("open database")?
    } else {
        let path = config.resolved_path();
        Connection::open_with_flags(&path, flags).map_err(|e| open_failure::open_error(&path, e))?
    };
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    if !config.is_memory() {
        // Reading the journal mode is the first access to the file: a
        // non-SQLite file fails here, like go-store's open.
        let _: String = conn
            .query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))
            .stage("set WAL journal mode")?;
    }
    conn.busy_timeout(busy_timeout(config)).stage("set busy timeout")?;
    conn.pragma_update(None, "synchronous", config.synchronous.pragma_value()).stage("set synchronous")?;
    if config.exclusive_locking {
        let _: String = conn
            .query_row("PRAGMA locking_mode=EXCLUSIVE", [], |r| r.get(0))
            .stage("set locking mode")?;
    }
    if reader {
        conn.pragma_update(None, "query_only", true).stage("set query only")?;
    }
    Ok(conn)
}

thread_local! {
    /// Address of the `Database` whose writer this thread holds while caller
    /// code runs, or 0.
    static WRITER_HELD: Cell<usize> = const { Cell::new(0) };
    /// Address of the `Database` whose transaction body (`Store::transaction`)
    /// runs on this thread, or 0.
    static TXN_BODY: Cell<usize> = const { Cell::new(0) };
}

fn in_transaction_body(db: &Database) -> bool {
    TXN_BODY.with(Cell::get) == db as *const Database as usize
}

impl Database {
    /// Runs `f` (a transaction body) marked as inside this store's
    /// transaction, so store writes from it fail at once instead of waiting
    /// for a transaction that cannot end before they do.
    pub(crate) fn in_body<R>(&self, f: impl FnOnce() -> R) -> R {
        struct Restore(usize);
        impl Drop for Restore {
            fn drop(&mut self) {
                TXN_BODY.with(|h| h.set(self.0));
            }
        }
        let _restore = Restore(TXN_BODY.with(|h| h.replace(self as *const Database as usize)));
        f()
    }
}

/// The unprefixed closed error; the caller's operation name is added on the way out.
pub(crate) fn closed() -> Error {
    Error::new(ErrorKind::Closed, "store is closed")
}
