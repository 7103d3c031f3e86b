//! Connections: one writer guarded by a gate that a transaction can hold
//! across calls, and (for file databases) a small pool of WAL readers so reads
//! never queue behind a long write or an open transaction.

use crate::base::config::Config;
use crate::base::error::{Error, ErrorKind, Result, Stage};
use crate::engine::{open_failure, schema};
use parking_lot::{Condvar, Mutex};
use crate::engine::statement::{Conn, Sql};
use rusqlite::{Connection, OpenFlags};
use std::cell::Cell;
use std::thread::{self, ThreadId};

const STATEMENT_CACHE: usize = 64;
const BUSY_TIMEOUT_MS: u32 = 5000;
const DEFAULT_READERS: usize = 4;

/// Who may use the writer connection right now.
pub(crate) struct WriterState {
    pub conn: Option<Conn>,
    /// The open transaction, if any, and the thread that began it.
    pub txn: Option<(u64, ThreadId)>,
    next_txn: u64,
}

pub(crate) struct Database {
    writer: Mutex<WriterState>,
    writer_free: Condvar,
    readers: Option<ReaderPool>,
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
        })
    }

    /// Runs `f` on the writer once no transaction holds it. Waiting is how
    /// another thread's call behaves while a transaction is open; the thread
    /// that opened the transaction gets `Busy` instead of deadlocking.
    pub(crate) fn with_writer<R>(
        &self,
        is_closed: impl Fn() -> bool,
        f: impl FnOnce(&Conn) -> Result<R>,
    ) -> Result<R> {
        self.not_holding_writer()?;
        let mut state = self.writer.lock();
        while let Some((_, owner)) = state.txn {
            if owner == thread::current().id() {
                return Err(Error::new(
                    ErrorKind::Busy,
                    "a transaction is open on this thread; use the transaction handle",
                ));
            }
            if is_closed() {
                return Err(closed());
            }
            self.writer_free.wait(&mut state);
        }
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
            (Some(conn), Some((owner, _))) if owner == id => self.holding_writer(|| f(conn)),
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
        loop {
            match state.txn {
                None => break,
                Some((_, owner)) if owner == thread::current().id() => {
                    return Err(Error::new(
                        ErrorKind::Busy,
                        "a transaction is already open on this thread",
                    ))
                }
                Some(_) => {
                    if is_closed() {
                        return Err(closed());
                    }
                    self.writer_free.wait(&mut state)
                }
            }
        }
        let conn = state.conn.as_ref().ok_or_else(closed)?;
        conn.stmt(Sql::Begin).and_then(|mut s| s.execute()).map_err(|e| Error::sqlite("begin transaction", e))?;
        let id = state.next_txn;
        state.next_txn += 1;
        state.txn = Some((id, thread::current().id()));
        Ok(id)
    }

    /// Commits (or rolls back) transaction `id` and frees the writer.
    pub(crate) fn end_txn(&self, id: u64, commit: bool) -> Result<()> {
        self.not_holding_writer()?;
        let mut state = self.writer.lock();
        let WriterState { conn, txn, .. } = &mut *state;
        let conn = match (conn.as_ref(), *txn) {
            (Some(conn), Some((owner, _))) if owner == id => conn,
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
                Ok(_) => Ok(()),
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
        let conn = pool.take(&is_closed)?;
        let result = f(&conn);
        if is_closed() {
            drop(conn);
        } else {
            pool.idle.lock().push(conn);
            pool.returned.notify_one();
        }
        result
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
    conn.busy_timeout(std::time::Duration::from_millis(BUSY_TIMEOUT_MS.into())).stage("set busy timeout")?;
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
}

/// The unprefixed closed error; the caller's operation name is added on the way out.
pub(crate) fn closed() -> Error {
    Error::new(ErrorKind::Closed, "store is closed")
}
