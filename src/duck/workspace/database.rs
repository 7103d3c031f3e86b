//! One workspace's DuckDB file: go-store's schema, a metadata table with the
//! workspace id, the buffered appender and the read queries. Only one handle
//! per file exists in this process ([`Claim`]); DuckDB's own file lock keeps
//! other processes out.

use crate::base::error::{Error, ErrorKind, Result};
use crate::duck::analytics::gate_read_only;
use crate::duck::raw::{c_string, Appender, Config, Connection, Database};
use crate::duck::rows;
use crate::duck::QueryRows;
use parking_lot::Mutex;
use serde_json::{Map, Value};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// go-store's schema (contract §7.2), created "if not exists" on every
/// open, plus our metadata table (go-store ignores it).
const SCHEMA: &str = "\
CREATE SEQUENCE IF NOT EXISTS workspace_entries_entry_id_seq START 1;
CREATE TABLE IF NOT EXISTS workspace_entries (
  entry_id BIGINT PRIMARY KEY DEFAULT nextval('workspace_entries_entry_id_seq'),
  entry_kind TEXT NOT NULL,
  entry_data TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE VIEW IF NOT EXISTS entries AS
  SELECT entry_id AS id, entry_kind AS kind, entry_data AS data, created_at FROM workspace_entries;
CREATE TABLE IF NOT EXISTS workspace_metadata (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO workspace_metadata
  SELECT 'workspace_id', CAST(uuid() AS VARCHAR)
  WHERE NOT EXISTS (SELECT 1 FROM workspace_metadata WHERE key = 'workspace_id');";

/// Options set before the database starts: nothing is installed or loaded.
const LOCKED_OPTIONS: &[(&str, &str)] = &[
    ("access_mode", "READ_WRITE"),
    ("autoinstall_known_extensions", "false"),
    ("autoload_known_extensions", "false"),
    ("allow_community_extensions", "false"),
    ("allow_unsigned_extensions", "false"),
    ("allow_persistent_secrets", "false"),
];

/// After the schema exists: no file, network or extension access at all
/// (the database file itself is already open), and no way to turn it back on.
const LOCKDOWN_SQL: &str = "SET enable_external_access=false; SET lock_configuration=true;";

/// Buffered rows are written once this many are pending…
pub const FLUSH_ROWS: usize = 65_536;
/// …or once their JSON text reaches this many bytes.
pub const FLUSH_BYTES: usize = 8 << 20;

/// Files open in this process, by absolute path.
fn claims() -> &'static Mutex<HashSet<PathBuf>> {
    static CLAIMS: OnceLock<Mutex<HashSet<PathBuf>>> = OnceLock::new();
    CLAIMS.get_or_init(Default::default)
}

/// This process's right to hold the one handle on a file.
pub(crate) struct Claim(PathBuf);

impl Claim {
    /// Claims `path`, or `None` when a handle on it is already open here.
    pub(crate) fn take(path: &Path) -> Option<Claim> {
        let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        let inserted = claims().lock().insert(path.clone());
        // Built only on success: dropping a Claim releases its path.
        if inserted {
            Some(Claim(path))
        } else {
            None
        }
    }
}

impl Drop for Claim {
    fn drop(&mut self) {
        claims().lock().remove(&self.0);
    }
}

/// An open workspace file.
pub(crate) struct WorkspaceDb {
    // Field order is drop order: appender, connection, database, then the claim.
    appender: Option<Appender>,
    conn: Connection,
    _db: Database,
    _claim: Claim,
    id: String,
    pending_rows: usize,
    pending_bytes: usize,
}

impl WorkspaceDb {
    /// Opens (creating if absent) the file at `path` under `claim`. Errors
    /// are `Busy` when another process holds the file, `Corrupt`/`Io` when
    /// it cannot be read as a workspace.
    pub(crate) fn open(path: &Path, claim: Claim) -> Result<WorkspaceDb> {
        let text = path
            .to_str()
            .ok_or_else(|| Error::invalid(format!("path is not valid UTF-8: {}", path.display())))?;
        let c_path = c_string("path", text)?;
        let mut config = Config::new()?;
        for (name, value) in LOCKED_OPTIONS {
            config.set(name, value)?;
        }
        let db = Database::open(&c_path, &config).map_err(|m| {
            let kind = if m.contains("lock") { ErrorKind::Busy } else { ErrorKind::Corrupt };
            Error::new(kind, format!("open duckdb {text}: {m}"))
        })?;
        let conn = db.connect()?;
        let corrupt = |e: Error| Error::new(ErrorKind::Corrupt, format!("initialise workspace schema: {}", e.message()));
        conn.execute_batch(SCHEMA).map_err(corrupt)?;
        let id = scalar_text(&conn, "SELECT value FROM workspace_metadata WHERE key = 'workspace_id'")
            .map_err(corrupt)?
            .ok_or_else(|| Error::new(ErrorKind::Corrupt, "workspace file has no workspace id"))?;
        conn.execute_batch(LOCKDOWN_SQL)?;
        Ok(WorkspaceDb { appender: None, conn, _db: db, _claim: claim, id, pending_rows: 0, pending_bytes: 0 })
    }

    /// The random id written into the file when it was created.
    pub(crate) fn id(&self) -> &str {
        &self.id
    }

    /// Buffers one row; writes the buffer once it reaches the threshold.
    pub(crate) fn put(&mut self, kind: &str, data: &str, created_at: i64) -> Result<()> {
        if self.appender.is_none() {
            let mut app = Appender::new(&self.conn, "workspace_entries")?;
            app.columns(&["entry_kind", "entry_data", "created_at"])?;
            self.appender = Some(app);
        }
        let app = self.appender.as_mut().expect("appender created above");
        app.text(kind)?;
        app.text(data)?;
        app.int(created_at)?;
        app.end_row()?;
        self.pending_rows += 1;
        self.pending_bytes += kind.len() + data.len() + 8;
        if self.pending_rows >= FLUSH_ROWS || self.pending_bytes >= FLUSH_BYTES {
            self.flush()?;
        }
        Ok(())
    }

    /// Writes (and commits) every buffered row.
    pub(crate) fn flush(&mut self) -> Result<()> {
        if self.pending_rows == 0 {
            return Ok(());
        }
        if let Some(app) = self.appender.as_mut() {
            if let Err(e) = app.flush() {
                // A failed flush leaves the appender unusable: start afresh.
                self.appender = None;
                self.pending_rows = 0;
                self.pending_bytes = 0;
                return Err(e);
            }
        }
        self.pending_rows = 0;
        self.pending_bytes = 0;
        Ok(())
    }

    /// Adds every row of `records` (JSON text, all of kind `kind`) in one
    /// transaction: all of them or, on any failure, none. Rows buffered by
    /// earlier `put`s are written (and committed) first, so they neither
    /// join nor depend on this batch.
    pub(crate) fn insert_all(&mut self, kind: &str, records: &[String], created_at: i64) -> Result<()> {
        self.flush()?;
        self.conn.execute_batch("BEGIN TRANSACTION")?;
        let appended = (|| {
            for (i, data) in records.iter().enumerate() {
                #[cfg(test)]
                if tests::FAIL_AT.with(|f| f.get()) == Some(i) {
                    return Err(Error::new(ErrorKind::Io, "injected failure"));
                }
                #[cfg(not(test))]
                let _ = i;
                self.put(kind, data, created_at)?;
            }
            self.flush()
        })();
        let outcome = appended.and_then(|()| self.conn.execute_batch("COMMIT"));
        if let Err(e) = outcome {
            // Drop what the appender still holds of this batch, then undo
            // what reached the transaction.
            self.appender = None;
            self.pending_rows = 0;
            self.pending_bytes = 0;
            let _ = self.conn.execute_batch("ROLLBACK");
            return Err(e);
        }
        Ok(())
    }

    /// Rows in `workspace_entries`.
    pub(crate) fn count(&mut self) -> Result<i64> {
        self.flush()?;
        let extracted = self.conn.extract("SELECT count(*) FROM workspace_entries")?;
        let mut result = extracted.prepare(0)?.execute()?;
        Ok(result.first_i64().unwrap_or(0))
    }

    /// kind → count, kinds in byte order.
    pub(crate) fn aggregate(&mut self) -> Result<Map<String, Value>> {
        self.flush()?;
        let rows = self.query_rows(
            "SELECT entry_kind, count(*) AS n FROM workspace_entries GROUP BY entry_kind ORDER BY entry_kind",
        )?;
        let mut out = Map::new();
        for row in rows.rows {
            if let [Value::String(kind), n] = row.as_slice() {
                out.insert(kind.clone(), n.clone());
            }
        }
        Ok(out)
    }

    /// One read-only statement; every row as the analytics layer's JSON document.
    pub(crate) fn query_json(&mut self, sql: &str) -> Result<Vec<u8>> {
        self.flush()?;
        let extracted = self.conn.extract(sql)?;
        if extracted.count != 1 {
            return Err(Error::invalid(format!("a workspace query is one statement; this holds {}", extracted.count)));
        }
        let stmt = extracted.prepare(0)?;
        gate_read_only(&stmt)?;
        if stmt.param_count() != 0 {
            return Err(Error::invalid("a workspace query takes no parameters"));
        }
        let mut result = stmt.execute()?;
        rows::write_result(&mut result)
    }

    pub(crate) fn query_rows(&mut self, sql: &str) -> Result<QueryRows> {
        let json = self.query_json(sql)?;
        QueryRows::from_json(&json).ok_or_else(|| Error::new(ErrorKind::Internal, "decode rows"))
    }

    /// Writes the buffer and folds the WAL into the file, then closes.
    pub(crate) fn close(mut self) -> Result<()> {
        let flushed = self.flush();
        if let Some(app) = self.appender.take() {
            app.close()?;
        }
        flushed?;
        self.conn.execute_batch("CHECKPOINT")
    }
}

fn scalar_text(conn: &Connection, sql: &str) -> Result<Option<String>> {
    let extracted = conn.extract(sql)?;
    let mut result = extracted.prepare(0)?.execute()?;
    let json = rows::write_scalar(&mut result)?;
    Ok(json.and_then(|j| serde_json::from_slice::<Value>(&j).ok()).and_then(|v| v.as_str().map(str::to_string)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    thread_local! {
        /// `insert_all` fails before appending the row at this index.
        pub(super) static FAIL_AT: Cell<Option<usize>> = const { Cell::new(None) };
    }

    fn open(dir: &Path) -> WorkspaceDb {
        let path = dir.join("t.duckdb");
        WorkspaceDb::open(&path, Claim::take(&path).unwrap()).unwrap()
    }

    fn rows(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("{{\"i\":{i}}}")).collect()
    }

    #[test]
    fn insert_all_is_all_or_nothing_and_keeps_earlier_puts() {
        let dir = tempfile::tempdir().unwrap();
        let mut db = open(dir.path());
        db.put("user", "{}", 1).unwrap();
        db.put("user", "{}", 1).unwrap();
        // Fail after the appender flushed part of the batch into the transaction.
        FAIL_AT.with(|f| f.set(Some(FLUSH_ROWS + 10)));
        assert!(db.insert_all("batch", &rows(FLUSH_ROWS + 20), 2).is_err());
        FAIL_AT.with(|f| f.set(None));
        assert_eq!(db.count().unwrap(), 2, "the two earlier puts stay, the batch is gone");
        db.put("user", "{}", 3).unwrap();
        db.insert_all("batch", &rows(3), 4).unwrap();
        assert_eq!(db.count().unwrap(), 6);
        let agg = db.aggregate().unwrap();
        assert_eq!(agg.get("user"), Some(&Value::from(3)));
        assert_eq!(agg.get("batch"), Some(&Value::from(3)));
    }
}
