//! Prepared statements on the hot path, driven through SQLite's C API:
//! each statement is prepared once per connection (persistent), parameters
//! are bound without copying, and the statement is reset when the borrow
//! ends. rusqlite still opens connections and runs pragmas and the schema;
//! every key-value operation runs through here, so it costs what the same
//! SQL costs from C.

use crate::engine::sql;
use rusqlite::ffi;
use rusqlite::Connection;
use std::cell::Cell;
use std::ffi::{c_int, CStr};
use std::marker::PhantomData;
use std::mem::ManuallyDrop;
use std::ptr;

/// Every statement a connection caches, by slot.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Sql {
    Get,
    Set,
    SetWithExpiry,
    Delete,
    DeleteIfExpired,
    Exists,
    GroupExists,
    Count,
    CountRange,
    DeleteGroup,
    GroupsInRangeAny,
    DeleteRange,
    GroupsInRangeLive,
    ScanGroup,
    ScanGroupAfter,
    PurgeRange,
    RowBytes,
    UsageRange,
    DataVersion,
    Begin,
    Commit,
    Rollback,
}

const SLOTS: usize = Sql::Rollback as usize + 1;

impl Sql {
    fn text(self) -> &'static str {
        match self {
            Sql::Get => sql::GET,
            Sql::Set => sql::SET,
            Sql::SetWithExpiry => sql::SET_WITH_EXPIRY,
            Sql::Delete => sql::DELETE,
            Sql::DeleteIfExpired => sql::DELETE_IF_EXPIRED,
            Sql::Exists => sql::EXISTS,
            Sql::GroupExists => sql::GROUP_EXISTS,
            Sql::Count => sql::COUNT,
            Sql::CountRange => sql::COUNT_RANGE,
            Sql::DeleteGroup => sql::DELETE_GROUP,
            Sql::GroupsInRangeAny => sql::GROUPS_IN_RANGE_ANY,
            Sql::DeleteRange => sql::DELETE_RANGE,
            Sql::GroupsInRangeLive => sql::GROUPS_IN_RANGE_LIVE,
            Sql::ScanGroup => sql::SCAN_GROUP,
            Sql::ScanGroupAfter => sql::SCAN_GROUP_AFTER,
            Sql::PurgeRange => sql::PURGE_RANGE,
            Sql::RowBytes => sql::ROW_BYTES,
            Sql::UsageRange => sql::USAGE_RANGE,
            Sql::DataVersion => sql::DATA_VERSION,
            Sql::Begin => "BEGIN IMMEDIATE",
            Sql::Commit => "COMMIT",
            Sql::Rollback => "ROLLBACK",
        }
    }
}

/// A connection and its cached statements.
pub(crate) struct Conn {
    stmts: [Cell<*mut ffi::sqlite3_stmt>; SLOTS],
    in_use: [Cell<bool>; SLOTS],
    db: *mut ffi::sqlite3,
    conn: ManuallyDrop<Connection>,
}

// A `Conn` is used by one thread at a time: the writer sits behind a mutex
// and readers are taken out of the pool. SQLite is opened in multi-thread
// mode, which allows a connection to move between threads under that rule.
unsafe impl Send for Conn {}

impl Conn {
    pub(crate) fn new(conn: Connection) -> Conn {
        let db = unsafe { conn.handle() };
        Conn {
            stmts: std::array::from_fn(|_| Cell::new(ptr::null_mut())),
            in_use: std::array::from_fn(|_| Cell::new(false)),
            db,
            conn: ManuallyDrop::new(conn),
        }
    }

    /// The rusqlite connection, for pragmas and one-off statements.
    pub(crate) fn rusqlite(&self) -> &Connection {
        &self.conn
    }

    /// Borrows the cached statement for `sql` (a fresh one if it is already
    /// in use further up the stack). Parameters bound to it must outlive the borrow.
    pub(crate) fn stmt<'a>(&'a self, sql: Sql) -> rusqlite::Result<Stmt<'a>> {
        let slot = sql as usize;
        if self.in_use[slot].get() {
            let raw = self.prepare(sql.text(), 0)?;
            return Ok(Stmt { raw, conn: self, slot: None, _params: PhantomData });
        }
        let mut raw = self.stmts[slot].get();
        if raw.is_null() {
            raw = self.prepare(sql.text(), ffi::SQLITE_PREPARE_PERSISTENT)?;
            self.stmts[slot].set(raw);
        }
        self.in_use[slot].set(true);
        Ok(Stmt { raw, conn: self, slot: Some(slot), _params: PhantomData })
    }

    fn prepare(&self, text: &str, flags: u32) -> rusqlite::Result<*mut ffi::sqlite3_stmt> {
        let mut raw = ptr::null_mut();
        let rc = unsafe {
            ffi::sqlite3_prepare_v3(self.db, text.as_ptr().cast(), text.len() as c_int, flags, &mut raw, ptr::null_mut())
        };
        if rc != ffi::SQLITE_OK {
            return Err(self.error(rc));
        }
        Ok(raw)
    }

    fn error(&self, rc: c_int) -> rusqlite::Error {
        let message = unsafe {
            let p = ffi::sqlite3_errmsg(self.db);
            (!p.is_null()).then(|| CStr::from_ptr(p).to_string_lossy().into_owned())
        };
        rusqlite::Error::SqliteFailure(ffi::Error::new(rc), message)
    }

    fn finalize_all(&self) {
        for cell in &self.stmts {
            let raw = cell.replace(ptr::null_mut());
            if !raw.is_null() {
                unsafe { ffi::sqlite3_finalize(raw) };
            }
        }
    }

    /// Finalizes the statements and closes the connection, reporting errors.
    pub(crate) fn close(mut self) -> Result<(), rusqlite::Error> {
        self.finalize_all();
        let conn = unsafe { ManuallyDrop::take(&mut self.conn) };
        std::mem::forget(self);
        conn.close().map_err(|(_, e)| e)
    }
}

impl Drop for Conn {
    fn drop(&mut self) {
        self.finalize_all();
        unsafe { ManuallyDrop::drop(&mut self.conn) };
    }
}

/// A statement borrowed from a connection, with parameters that live at
/// least as long (`'a`). Reset (and returned to the cache) on drop.
pub(crate) struct Stmt<'a> {
    raw: *mut ffi::sqlite3_stmt,
    conn: &'a Conn,
    slot: Option<usize>,
    _params: PhantomData<&'a [u8]>,
}

/// A value bound to a parameter.
#[derive(Clone, Copy)]
pub(crate) enum Param<'a> {
    Text(&'a [u8]),
    Int(i64),
    /// An empty BLOB: sorts after every TEXT value (an open upper bound).
    EmptyBlob,
}

impl<'a> Stmt<'a> {
    /// Binds parameters `?1..` in order. TEXT is bound without a copy
    /// (`SQLITE_STATIC`): the data outlives the statement's use.
    pub(crate) fn bind(&mut self, params: &[Param<'a>]) -> rusqlite::Result<()> {
        for (i, p) in params.iter().enumerate() {
            let index = i as c_int + 1;
            let rc = unsafe {
                match *p {
                    Param::Text(v) => ffi::sqlite3_bind_text64(
                        self.raw,
                        index,
                        if v.is_empty() { c"".as_ptr() } else { v.as_ptr().cast() },
                        v.len() as u64,
                        ffi::SQLITE_STATIC(),
                        ffi::SQLITE_UTF8 as u8,
                    ),
                    Param::Int(v) => ffi::sqlite3_bind_int64(self.raw, index, v),
                    Param::EmptyBlob => ffi::sqlite3_bind_zeroblob(self.raw, index, 0),
                }
            };
            if rc != ffi::SQLITE_OK {
                return Err(self.conn.error(rc));
            }
        }
        Ok(())
    }

    /// Steps once: `true` when a row is ready.
    pub(crate) fn step(&mut self) -> rusqlite::Result<bool> {
        match unsafe { ffi::sqlite3_step(self.raw) } {
            ffi::SQLITE_ROW => Ok(true),
            ffi::SQLITE_DONE => Ok(false),
            _ => Err(self.conn.error(unsafe { ffi::sqlite3_extended_errcode(self.conn.db) })),
        }
    }

    /// Runs to completion and returns the number of rows changed.
    pub(crate) fn execute(&mut self) -> rusqlite::Result<i64> {
        while self.step()? {}
        Ok(unsafe { ffi::sqlite3_changes64(self.conn.db) })
    }

    /// Column `i` of the current row as bytes (TEXT and BLOB as stored,
    /// numbers as decimal text, NULL as empty). Valid until the next step.
    pub(crate) fn bytes(&self, i: c_int) -> &[u8] {
        unsafe {
            let p = ffi::sqlite3_column_blob(self.raw, i);
            let n = ffi::sqlite3_column_bytes(self.raw, i);
            if p.is_null() || n <= 0 {
                &[]
            } else {
                std::slice::from_raw_parts(p.cast(), n as usize)
            }
        }
    }

    /// Column `i` as an integer (NULL reads as 0).
    pub(crate) fn int(&self, i: c_int) -> i64 {
        unsafe { ffi::sqlite3_column_int64(self.raw, i) }
    }

    /// True when column `i` is NULL.
    pub(crate) fn is_null(&self, i: c_int) -> bool {
        unsafe { ffi::sqlite3_column_type(self.raw, i) == ffi::SQLITE_NULL }
    }
}

impl Drop for Stmt<'_> {
    fn drop(&mut self) {
        unsafe {
            match self.slot {
                Some(slot) => {
                    ffi::sqlite3_reset(self.raw);
                    // Bindings made with SQLITE_STATIC point into the caller's
                    // buffers, which are gone once this borrow ends.
                    ffi::sqlite3_clear_bindings(self.raw);
                    self.conn.in_use[slot].set(false);
                }
                None => {
                    ffi::sqlite3_finalize(self.raw);
                }
            }
        }
    }
}
