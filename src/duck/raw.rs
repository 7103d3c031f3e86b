//! Owning wrappers over DuckDB's C API: each raw handle is destroyed exactly
//! once, by `Drop`. Nothing here decides behaviour; `analytics.rs` does.

use crate::{Error, ErrorKind, Result};
use libduckdb_sys as ffi;
use std::ffi::{c_char, CStr, CString};
use std::ptr;

/// Text of a C string owned by DuckDB (empty when NULL).
pub(crate) fn text(p: *const c_char) -> String {
    if p.is_null() {
        return String::new();
    }
    // SAFETY: DuckDB hands out NUL-terminated strings that live at least as
    // long as the object they came from; we copy before that ends.
    unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
}

/// A NUL-terminated copy of `s`, or an invalid-argument error naming `what`
/// when `s` holds a NUL byte (DuckDB's C API takes C strings).
pub(crate) fn c_string(what: &str, s: &str) -> Result<CString> {
    CString::new(s).map_err(|_| Error::invalid(format!("{what} contains a NUL byte")))
}

/// The error kind for a DuckDB error type: file problems are I/O, the rest
/// is the statement's fault.
pub(crate) fn kind_of(error_type: ffi::duckdb_error_type) -> ErrorKind {
    match error_type {
        ffi::duckdb_error_type_DUCKDB_ERROR_IO => ErrorKind::Io,
        ffi::duckdb_error_type_DUCKDB_ERROR_INTERRUPT => ErrorKind::Busy,
        ffi::duckdb_error_type_DUCKDB_ERROR_INTERNAL | ffi::duckdb_error_type_DUCKDB_ERROR_FATAL => ErrorKind::Internal,
        _ => ErrorKind::Query,
    }
}

/// A DuckDB configuration under construction.
pub(crate) struct Config(ffi::duckdb_config);

impl Config {
    pub(crate) fn new() -> Result<Self> {
        let mut config = ptr::null_mut();
        // SAFETY: out-parameter written on success only.
        if unsafe { ffi::duckdb_create_config(&mut config) } != ffi::duckdb_state_DuckDBSuccess {
            return Err(Error::new(ErrorKind::Internal, "create duckdb configuration"));
        }
        Ok(Config(config))
    }

    pub(crate) fn set(&mut self, name: &str, value: &str) -> Result<()> {
        let (n, v) = (c_string("option", name)?, c_string("option value", value)?);
        // SAFETY: live config, NUL-terminated strings that DuckDB copies.
        if unsafe { ffi::duckdb_set_config(self.0, n.as_ptr(), v.as_ptr()) } != ffi::duckdb_state_DuckDBSuccess {
            return Err(Error::new(ErrorKind::Internal, format!("set duckdb option {name}={value}")));
        }
        Ok(())
    }
}

impl Drop for Config {
    fn drop(&mut self) {
        // SAFETY: created by duckdb_create_config, destroyed once.
        unsafe { ffi::duckdb_destroy_config(&mut self.0) }
    }
}

/// An open database instance.
pub(crate) struct Database(ffi::duckdb_database);

// SAFETY: a DuckDB database instance is thread-safe; connections are not and
// are kept behind a mutex by their owner.
unsafe impl Send for Database {}
unsafe impl Sync for Database {}

impl Database {
    /// Opens `path` (":memory:" or a file) with `config`; the error text is
    /// DuckDB's own.
    pub(crate) fn open(path: &CStr, config: &Config) -> std::result::Result<Self, String> {
        let mut db = ptr::null_mut();
        let mut err: *mut c_char = ptr::null_mut();
        // SAFETY: valid C string and config; out-parameters written by DuckDB.
        let state = unsafe { ffi::duckdb_open_ext(path.as_ptr(), &mut db, config.0, &mut err) };
        if state != ffi::duckdb_state_DuckDBSuccess {
            let message = text(err);
            if !err.is_null() {
                // SAFETY: the error string is allocated by DuckDB and freed with duckdb_free.
                unsafe { ffi::duckdb_free(err.cast()) };
            }
            return Err(message);
        }
        Ok(Database(db))
    }

    pub(crate) fn connect(&self) -> Result<Connection> {
        let mut conn = ptr::null_mut();
        // SAFETY: live database; out-parameter written on success.
        if unsafe { ffi::duckdb_connect(self.0, &mut conn) } != ffi::duckdb_state_DuckDBSuccess {
            return Err(Error::new(ErrorKind::Internal, "connect to duckdb"));
        }
        Ok(Connection(conn))
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        // SAFETY: opened by duckdb_open_ext, closed once, after every
        // connection (owners drop connections first).
        unsafe { ffi::duckdb_close(&mut self.0) }
    }
}

/// One connection. Not thread-safe: its owner serialises use.
pub(crate) struct Connection(ffi::duckdb_connection);

// SAFETY: a connection may move between threads; its owner keeps it behind a mutex.
unsafe impl Send for Connection {}

impl Connection {
    /// Splits `sql` into statements.
    pub(crate) fn extract(&self, sql: &str) -> Result<Extracted<'_>> {
        let c = c_string("query", sql)?;
        let mut out = ptr::null_mut();
        // SAFETY: live connection, NUL-terminated query.
        let n = unsafe { ffi::duckdb_extract_statements(self.0, c.as_ptr(), &mut out) };
        let extracted = Extracted { conn: self, raw: out, count: n };
        if n == 0 {
            // SAFETY: the extracted object is live until dropped.
            let message = text(unsafe { ffi::duckdb_extract_statements_error(out) });
            if message.is_empty() {
                return Err(Error::invalid("query holds no statement"));
            }
            return Err(Error::new(ErrorKind::Query, message));
        }
        Ok(extracted)
    }

    /// Runs `sql` (one or more statements, no parameters) and drops results.
    pub(crate) fn execute_batch(&self, sql: &str) -> Result<()> {
        let extracted = self.extract(sql)?;
        for i in 0..extracted.count {
            extracted.prepare(i)?.execute()?;
        }
        Ok(())
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        // SAFETY: created by duckdb_connect, disconnected once.
        unsafe { ffi::duckdb_disconnect(&mut self.0) }
    }
}

/// Statements split out of one query text.
pub(crate) struct Extracted<'c> {
    conn: &'c Connection,
    raw: ffi::duckdb_extracted_statements,
    pub(crate) count: u64,
}

impl Extracted<'_> {
    pub(crate) fn prepare(&self, index: u64) -> Result<Prepared> {
        let mut stmt = ptr::null_mut();
        // SAFETY: live connection and extracted statements; index < count.
        let state = unsafe { ffi::duckdb_prepare_extracted_statement(self.conn.0, self.raw, index, &mut stmt) };
        let prepared = Prepared(stmt);
        if state != ffi::duckdb_state_DuckDBSuccess {
            // SAFETY: a failed prepared statement still carries its error until destroyed.
            let message = text(unsafe { ffi::duckdb_prepare_error(stmt) });
            return Err(Error::new(ErrorKind::Query, message));
        }
        Ok(prepared)
    }
}

impl Drop for Extracted<'_> {
    fn drop(&mut self) {
        // SAFETY: destroyed once, as the API requires even when extraction failed.
        unsafe { ffi::duckdb_destroy_extracted(&mut self.raw) }
    }
}

/// A prepared statement.
pub(crate) struct Prepared(ffi::duckdb_prepared_statement);

impl Prepared {
    pub(crate) fn raw(&self) -> ffi::duckdb_prepared_statement {
        self.0
    }

    pub(crate) fn statement_type(&self) -> ffi::duckdb_statement_type {
        // SAFETY: live prepared statement.
        unsafe { ffi::duckdb_prepared_statement_type(self.0) }
    }

    pub(crate) fn param_count(&self) -> u64 {
        // SAFETY: live prepared statement.
        unsafe { ffi::duckdb_nparams(self.0) }
    }

    /// Executes with the parameters bound so far; the result is fully materialised.
    pub(crate) fn execute(&self) -> Result<QueryResult> {
        // SAFETY: duckdb_result is a plain struct DuckDB fills in; it must be
        // destroyed even on failure, which QueryResult's Drop does.
        let mut result = QueryResult(unsafe { std::mem::zeroed() });
        // SAFETY: live prepared statement and a result to fill.
        let state = unsafe { ffi::duckdb_execute_prepared(self.0, &mut result.0) };
        if state != ffi::duckdb_state_DuckDBSuccess {
            // SAFETY: the failed result holds its error until destroyed.
            let message = text(unsafe { ffi::duckdb_result_error(&mut result.0) });
            let kind = kind_of(unsafe { ffi::duckdb_result_error_type(&mut result.0) });
            return Err(Error::new(kind, message));
        }
        Ok(result)
    }
}

impl Drop for Prepared {
    fn drop(&mut self) {
        // SAFETY: destroyed once (accepts a statement whose preparation failed).
        unsafe { ffi::duckdb_destroy_prepare(&mut self.0) }
    }
}

/// A materialised query result, read chunk by chunk.
pub(crate) struct QueryResult(ffi::duckdb_result);

impl QueryResult {
    pub(crate) fn column_count(&mut self) -> u64 {
        // SAFETY: live result.
        unsafe { ffi::duckdb_column_count(&mut self.0) }
    }

    pub(crate) fn column_name(&mut self, col: u64) -> String {
        // SAFETY: live result; the name lives as long as the result.
        text(unsafe { ffi::duckdb_column_name(&mut self.0, col) })
    }

    pub(crate) fn column_type(&mut self, col: u64) -> LogicalType {
        // SAFETY: live result; the returned type is owned by us.
        LogicalType(unsafe { ffi::duckdb_column_logical_type(&mut self.0, col) })
    }

    pub(crate) fn rows_changed(&mut self) -> u64 {
        // SAFETY: live result.
        unsafe { ffi::duckdb_rows_changed(&mut self.0) }
    }

    /// The next chunk of rows, or `None` at the end.
    pub(crate) fn next_chunk(&mut self) -> Option<Chunk> {
        // SAFETY: live result; a NULL chunk marks the end.
        let chunk = unsafe { ffi::duckdb_fetch_chunk(self.0) };
        if chunk.is_null() {
            None
        } else {
            Some(Chunk(chunk))
        }
    }

    /// The first column of the first row as an integer (COPY's row count).
    pub(crate) fn first_i64(&mut self) -> Option<i64> {
        let chunk = self.next_chunk()?;
        if chunk.len() == 0 {
            return None;
        }
        let v = chunk.vector(0);
        // SAFETY: live vector of a BIGINT column with at least one row.
        let ty = LogicalType(unsafe { ffi::duckdb_vector_get_column_type(v) });
        if ty.id() != ffi::DUCKDB_TYPE_DUCKDB_TYPE_BIGINT {
            return None;
        }
        // SAFETY: a BIGINT vector's data is an array of i64 with len() entries.
        Some(unsafe { *(ffi::duckdb_vector_get_data(v) as *const i64) })
    }
}

impl Drop for QueryResult {
    fn drop(&mut self) {
        // SAFETY: destroyed once.
        unsafe { ffi::duckdb_destroy_result(&mut self.0) }
    }
}

/// A chunk of up to 2048 rows.
pub(crate) struct Chunk(ffi::duckdb_data_chunk);

impl Chunk {
    pub(crate) fn len(&self) -> usize {
        // SAFETY: live chunk.
        unsafe { ffi::duckdb_data_chunk_get_size(self.0) as usize }
    }

    /// Column `col`'s vector, valid while the chunk lives.
    pub(crate) fn vector(&self, col: u64) -> ffi::duckdb_vector {
        // SAFETY: live chunk; col < column count (callers iterate the result's columns).
        unsafe { ffi::duckdb_data_chunk_get_vector(self.0, col) }
    }
}

impl Drop for Chunk {
    fn drop(&mut self) {
        // SAFETY: destroyed once.
        unsafe { ffi::duckdb_destroy_data_chunk(&mut self.0) }
    }
}

/// An owned logical type.
pub(crate) struct LogicalType(pub(crate) ffi::duckdb_logical_type);

impl LogicalType {
    pub(crate) fn id(&self) -> ffi::duckdb_type {
        // SAFETY: live type.
        unsafe { ffi::duckdb_get_type_id(self.0) }
    }
}

impl Drop for LogicalType {
    fn drop(&mut self) {
        if !self.0.is_null() {
            // SAFETY: owned type, destroyed once.
            unsafe { ffi::duckdb_destroy_logical_type(&mut self.0) }
        }
    }
}

/// A string DuckDB allocated for us (enum dictionary entries, struct field names).
pub(crate) fn owned_text(p: *mut c_char) -> String {
    let s = text(p);
    if !p.is_null() {
        // SAFETY: allocated by DuckDB for the caller, freed once.
        unsafe { ffi::duckdb_free(p.cast()) };
    }
    s
}

/// A bulk appender into one table (rows are buffered and written in chunks).
pub(crate) struct Appender(ffi::duckdb_appender);

impl Appender {
    pub(crate) fn new(conn: &Connection, table: &str) -> Result<Self> {
        let t = c_string("table", table)?;
        let mut app = ptr::null_mut();
        // SAFETY: live connection; NUL-terminated table name; NULL schema means the default.
        let state = unsafe { ffi::duckdb_appender_create(conn.0, ptr::null(), t.as_ptr(), &mut app) };
        let appender = Appender(app);
        if state != ffi::duckdb_state_DuckDBSuccess {
            return Err(appender.error("create appender"));
        }
        Ok(appender)
    }

    fn error(&self, what: &str) -> Error {
        // SAFETY: live appender; the message lives until the next call on it.
        let message = text(unsafe { ffi::duckdb_appender_error(self.0) });
        Error::new(ErrorKind::Query, format!("{what}: {message}"))
    }

    fn check(&self, state: ffi::duckdb_state, what: &str) -> Result<()> {
        if state == ffi::duckdb_state_DuckDBSuccess {
            Ok(())
        } else {
            Err(self.error(what))
        }
    }

    /// Appends one row of text values.
    pub(crate) fn row(&mut self, values: &[&str]) -> Result<()> {
        for v in values {
            self.text(v)?;
        }
        self.end_row()
    }

    /// Restricts appended rows to `columns`; the others take their
    /// defaults (a sequence's `nextval`, for instance).
    pub(crate) fn columns(&mut self, columns: &[&str]) -> Result<()> {
        for column in columns {
            let c = c_string("column", column)?;
            // SAFETY: live appender; DuckDB copies the name.
            let state = unsafe { ffi::duckdb_appender_add_column(self.0, c.as_ptr()) };
            self.check(state, "choose appender column")?;
        }
        Ok(())
    }

    /// Appends one text value to the current row.
    pub(crate) fn text(&mut self, v: &str) -> Result<()> {
        // SAFETY: live appender; DuckDB copies the bytes.
        let state = unsafe { ffi::duckdb_append_varchar_length(self.0, v.as_ptr().cast(), v.len() as u64) };
        self.check(state, "append value")
    }

    /// Appends one BIGINT value to the current row.
    pub(crate) fn int(&mut self, v: i64) -> Result<()> {
        // SAFETY: live appender.
        let state = unsafe { ffi::duckdb_append_int64(self.0, v) };
        self.check(state, "append value")
    }

    /// Appends one DOUBLE value to the current row.
    pub(crate) fn double(&mut self, v: f64) -> Result<()> {
        // SAFETY: live appender.
        let state = unsafe { ffi::duckdb_append_double(self.0, v) };
        self.check(state, "append value")
    }

    /// Ends the current row.
    pub(crate) fn end_row(&mut self) -> Result<()> {
        // SAFETY: live appender.
        let state = unsafe { ffi::duckdb_appender_end_row(self.0) };
        self.check(state, "end row")
    }

    /// Writes the buffered rows to the table (committed on return); the
    /// appender stays usable.
    pub(crate) fn flush(&mut self) -> Result<()> {
        // SAFETY: live appender.
        let state = unsafe { ffi::duckdb_appender_flush(self.0) };
        self.check(state, "flush appender")
    }

    /// Writes buffered rows; errors (constraint violations) surface here.
    pub(crate) fn close(mut self) -> Result<()> {
        // SAFETY: live appender; closing flushes.
        let state = unsafe { ffi::duckdb_appender_close(self.0) };
        let result = self.check(state, "flush appender");
        // SAFETY: destroyed once; Drop sees NULL.
        unsafe { ffi::duckdb_appender_destroy(&mut self.0) };
        result
    }
}

impl Drop for Appender {
    fn drop(&mut self) {
        if !self.0.is_null() {
            // SAFETY: destroyed once.
            unsafe { ffi::duckdb_appender_destroy(&mut self.0) };
        }
    }
}

// SAFETY: an appender may move between threads with its connection; its
// owner keeps both behind one mutex.
unsafe impl Send for Appender {}
