//! The analytics handle (go-store's `DuckDB`): one DuckDB file, opened
//! read-only or read-write, with statements, row queries and a scalar helper.
//!
//! Safety: the library never installs or loads an extension and never
//! reaches the network on its own. Auto-install and auto-load are off,
//! `INSTALL`/`LOAD`/`UPDATE EXTENSIONS` statements are refused before they
//! run, loading external code is disabled (`enable_external_access=false`
//! with every local directory allowed, so files still work), and the
//! configuration is locked so a statement cannot turn any of that back on.

use super::params::{bind, DuckParam};
use super::raw::{c_string, Config, Connection, Database, Prepared, QueryResult};
use super::rows;
use crate::{Error, ErrorKind, Result};
use libduckdb_sys as ffi;
use parking_lot::Mutex;
use std::path::Path;

/// The path that opens a private in-memory database.
pub const DUCKDB_MEMORY: &str = ":memory:";

/// Options set before the database starts.
const LOCKED_OPTIONS: &[(&str, &str)] = &[
    ("autoinstall_known_extensions", "false"),
    ("autoload_known_extensions", "false"),
    ("allow_community_extensions", "false"),
    ("allow_unsigned_extensions", "false"),
    ("allow_persistent_secrets", "false"),
];

/// Settings applied once the database runs, in this order: after
/// `enable_external_access=false` only the allowed directories stay
/// reachable, and `lock_configuration` freezes everything.
const STARTUP_SQL: &str =
    "SET allowed_directories=['/']; SET enable_external_access=false; SET lock_configuration=true;";

struct Open {
    // Field order is drop order: the connection goes before its database.
    conn: Connection,
    _db: Database,
}

/// An open DuckDB database (go-store's `*DuckDB`). Safe to share between
/// threads; calls on one handle run one at a time.
pub struct DuckDb {
    path: String,
    read_only: bool,
    open: Mutex<Option<Open>>,
}

/// How a statement's result is consumed.
enum Want {
    Nothing,
    Rows,
    Scalar,
}

/// What a run produced.
enum Outcome {
    Changed(u64),
    Json(Vec<u8>),
    Scalar(Option<Vec<u8>>),
}

fn open_error(op: &str, path: &str, message: String) -> Error {
    let kind = if message.contains("lock") {
        ErrorKind::Busy
    } else if message.contains("not a valid DuckDB database") || message.contains("corrupt") {
        ErrorKind::Corrupt
    } else {
        ErrorKind::Io
    };
    Error::new(kind, format!("{op}: open duckdb {path}: {message}"))
}

impl std::fmt::Debug for DuckDb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DuckDb")
            .field("path", &self.path)
            .field("read_only", &self.read_only)
            .field("closed", &self.is_closed())
            .finish()
    }
}

impl DuckDb {
    /// Opens an existing file read-only (go-store `OpenDuckDB`); a missing
    /// file is an error. Other processes may hold it read-only too.
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        Self::open_mode(path.as_ref(), true, "store.OpenDuckDB")
    }

    /// Opens a file read-write, creating it if absent (go-store
    /// `OpenDuckDBReadWrite`). `":memory:"` opens a private in-memory database.
    pub fn open_read_write(path: impl AsRef<Path>) -> Result<Self> {
        Self::open_mode(path.as_ref(), false, "store.OpenDuckDBReadWrite")
    }

    fn open_mode(path: &Path, read_only: bool, op: &str) -> Result<Self> {
        let text = path
            .to_str()
            .ok_or_else(|| Error::invalid(format!("{op}: path is not valid UTF-8: {}", path.display())))?
            .to_string();
        if text.is_empty() {
            return Err(Error::invalid(format!("{op}: path is empty")));
        }
        if read_only && text == DUCKDB_MEMORY {
            return Err(Error::invalid(format!("{op}: an in-memory database cannot be opened read-only")));
        }
        if read_only && !path.exists() {
            return Err(Error::new(ErrorKind::Io, format!("{op}: open duckdb {text}: database file does not exist")));
        }
        let c_path = c_string("path", &text).map_err(|e| e.wrap(op))?;
        let mut config = Config::new().map_err(|e| e.wrap(op))?;
        config.set("access_mode", if read_only { "READ_ONLY" } else { "READ_WRITE" }).map_err(|e| e.wrap(op))?;
        for (name, value) in LOCKED_OPTIONS {
            config.set(name, value).map_err(|e| e.wrap(op))?;
        }
        let db = Database::open(&c_path, &config).map_err(|m| open_error(op, &text, m))?;
        let conn = db.connect().map_err(|e| e.wrap(op))?;
        conn.execute_batch(STARTUP_SQL).map_err(|e| e.wrap(format!("{op}: configure duckdb {text}")))?;
        Ok(DuckDb { path: text, read_only, open: Mutex::new(Some(Open { conn, _db: db })) })
    }

    /// The path given at open.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Whether the handle was opened read-only.
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    /// Whether `close` has run.
    pub fn is_closed(&self) -> bool {
        self.open.lock().is_none()
    }

    /// Closes the database; later calls fail with `ErrorKind::Closed`.
    /// Closing twice is fine.
    pub fn close(&self) -> Result<()> {
        drop(self.open.lock().take());
        Ok(())
    }

    /// Runs `f` with the connection, or fails with `op: duckdb is closed`.
    pub(crate) fn with_conn<T>(&self, op: &str, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let guard = self.open.lock();
        let open = guard
            .as_ref()
            .ok_or_else(|| Error::new(ErrorKind::Closed, format!("{op}: duckdb is closed")))?;
        f(&open.conn)
    }

    /// Runs `sql` (one statement, or several when there are no parameters);
    /// returns the rows changed by the last one. go-store `Exec`.
    pub fn exec(&self, sql: &str, params: &[DuckParam]) -> Result<u64> {
        const OP: &str = "store.DuckDB.Exec";
        match self.with_conn(OP, |c| run(c, sql, params, Want::Nothing)).map_err(|e| stage(e, OP, "execute query"))? {
            Outcome::Changed(n) => Ok(n),
            _ => unreachable!("exec asks for a row count"),
        }
    }

    /// Runs a query and returns every row as one JSON document (see
    /// `rows.rs` for the shape and type mapping). go-store `QueryRows`.
    pub fn query_json(&self, sql: &str, params: &[DuckParam]) -> Result<Vec<u8>> {
        const OP: &str = "store.DuckDB.QueryRows";
        match self.with_conn(OP, |c| run(c, sql, params, Want::Rows)).map_err(|e| stage(e, OP, "query"))? {
            Outcome::Json(j) => Ok(j),
            _ => unreachable!("query_json asks for rows"),
        }
    }

    /// Runs a query and returns its rows as JSON values.
    pub fn query_rows(&self, sql: &str, params: &[DuckParam]) -> Result<QueryRows> {
        let json = self.query_json(sql, params)?;
        QueryRows::from_json(&json)
            .ok_or_else(|| Error::new(ErrorKind::Internal, "store.DuckDB.QueryRows: decode rows"))
    }

    /// The first column of the first row as JSON text (go-store
    /// `QueryRowScan`); `ErrorKind::NotFound` when there is no row.
    pub fn query_scalar_json(&self, sql: &str, params: &[DuckParam]) -> Result<Vec<u8>> {
        const OP: &str = "store.DuckDB.QueryRowScan";
        match self.with_conn(OP, |c| run(c, sql, params, Want::Scalar)).map_err(|e| stage(e, OP, "query"))? {
            Outcome::Scalar(Some(v)) => Ok(v),
            Outcome::Scalar(None) => Err(Error::new(ErrorKind::NotFound, format!("{OP}: sql: no rows in result set"))),
            _ => unreachable!("query_scalar asks for a scalar"),
        }
    }

    /// The first column of the first row as a JSON value.
    pub fn query_scalar(&self, sql: &str, params: &[DuckParam]) -> Result<serde_json::Value> {
        let json = self.query_scalar_json(sql, params)?;
        serde_json::from_slice(&json)
            .map_err(|e| Error::new(ErrorKind::Internal, format!("store.DuckDB.QueryRowScan: decode value: {e}")))
    }
}

/// `op: stage: cause`, except for closed handles and argument errors that
/// already name the operation.
fn stage(e: Error, op: &str, stage: &str) -> Error {
    if e.kind() == ErrorKind::Closed {
        return e;
    }
    e.wrap(format!("{op}: {stage}"))
}

/// Refuses statements that would fetch or load code.
pub(crate) fn gate(stmt: &Prepared) -> Result<()> {
    match stmt.statement_type() {
        ffi::duckdb_statement_type_DUCKDB_STATEMENT_TYPE_LOAD
        | ffi::duckdb_statement_type_DUCKDB_STATEMENT_TYPE_UPDATE_EXTENSIONS => Err(Error::new(
            ErrorKind::Query,
            "installing or loading DuckDB extensions is disabled: this library never downloads or loads code",
        )),
        _ => Ok(()),
    }
}

/// Runs every statement of `sql`, binding `params` to the only one.
fn run(conn: &Connection, sql: &str, params: &[DuckParam], want: Want) -> Result<Outcome> {
    let extracted = conn.extract(sql)?;
    if !params.is_empty() && extracted.count > 1 {
        return Err(Error::invalid(format!(
            "parameters need a single statement; the query holds {}",
            extracted.count
        )));
    }
    let mut last: Option<QueryResult> = None;
    for i in 0..extracted.count {
        let stmt = extracted.prepare(i)?;
        gate(&stmt)?;
        bind(&stmt, if i + 1 == extracted.count { params } else { &[] })?;
        // Earlier results are dropped as soon as the next statement runs.
        last = Some(stmt.execute()?);
    }
    let mut result = last.ok_or_else(|| Error::invalid("query holds no statement"))?;
    Ok(match want {
        Want::Nothing => Outcome::Changed(result.rows_changed()),
        Want::Rows => Outcome::Json(rows::write_result(&mut result)?),
        Want::Scalar => Outcome::Scalar(rows::write_scalar(&mut result)?),
    })
}

/// A query's rows decoded from the JSON document.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryRows {
    /// Column names and DuckDB type names, in order.
    pub columns: Vec<ColumnInfo>,
    /// One array of values per row, in column order.
    pub rows: Vec<Vec<serde_json::Value>>,
}

/// A result column.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnInfo {
    /// The column's name.
    pub name: String,
    /// DuckDB's type name, e.g. `BIGINT`, `DECIMAL(18,3)`, `VARCHAR[]`.
    pub type_name: String,
}

impl QueryRows {
    /// Decodes the document `query_json` returns.
    pub fn from_json(json: &[u8]) -> Option<QueryRows> {
        let mut doc: serde_json::Value = serde_json::from_slice(json).ok()?;
        let columns = doc
            .get("columns")?
            .as_array()?
            .iter()
            .map(|c| {
                Some(ColumnInfo { name: c.get("name")?.as_str()?.to_string(), type_name: c.get("type")?.as_str()?.to_string() })
            })
            .collect::<Option<Vec<_>>>()?;
        let rows = match doc.get_mut("rows")?.take() {
            serde_json::Value::Array(rows) => rows
                .into_iter()
                .map(|r| match r {
                    serde_json::Value::Array(values) => Some(values),
                    _ => None,
                })
                .collect::<Option<Vec<_>>>()?,
            _ => return None,
        };
        Some(QueryRows { columns, rows })
    }

    /// Row `i` as a map from column name to value (go-store's row shape).
    pub fn row_map(&self, i: usize) -> Option<serde_json::Map<String, serde_json::Value>> {
        let row = self.rows.get(i)?;
        Some(self.columns.iter().zip(row).map(|(c, v)| (c.name.clone(), v.clone())).collect())
    }
}

/// Refuses anything but one plain SELECT (workspace queries).
pub(crate) fn gate_read_only(stmt: &Prepared) -> Result<()> {
    if stmt.statement_type() != ffi::duckdb_statement_type_DUCKDB_STATEMENT_TYPE_SELECT {
        return Err(Error::new(ErrorKind::Query, "a workspace query must be a single read-only SELECT statement"));
    }
    Ok(())
}
