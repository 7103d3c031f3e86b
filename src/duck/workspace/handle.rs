//! The workspace handle (go-store's `*Workspace`): a buffered DuckDB file
//! under the store's state directory that commits its aggregate to the
//! store's journal.

use super::database::{Claim, WorkspaceDb};
use super::name;
use crate::base::clock::now_ms;
use crate::base::error::{Error, ErrorKind, Result};
use crate::duck::QueryRows;
use crate::journal::gojson::{self, Numbers};
use crate::Store;
use parking_lot::Mutex;
use serde_json::{Map, Value};
use std::path::{Path, PathBuf};

/// A workspace: rows appended with [`Workspace::put`] are buffered in
/// memory and written to `<stateDir>/<name>.duckdb` once
/// [`FLUSH_ROWS`](super::FLUSH_ROWS) rows or [`FLUSH_BYTES`](super::FLUSH_BYTES)
/// bytes are pending, and by `flush`, `count`, `aggregate`, `query`,
/// `commit` and `close`.
///
/// A crash (kill -9, power loss) loses the rows put since the last flush;
/// call [`Workspace::flush`] where that matters. Safe to share between
/// threads; calls run one at a time.
pub struct Workspace {
    name: String,
    path: PathBuf,
    store: Store,
    state: Mutex<State>,
}

struct State {
    db: Option<WorkspaceDb>,
    /// A recovered orphan's aggregate, answered when its file is gone.
    cached: Option<Map<String, Value>>,
}

/// `<dir>/<name>.duckdb`.
pub(crate) fn file_path(dir: &str, name: &str) -> PathBuf {
    Path::new(dir).join(format!("{name}.duckdb"))
}

/// The file and its WAL sidecar.
pub(crate) fn remove_files(path: &Path) {
    let _ = std::fs::remove_file(path);
    let _ = std::fs::remove_file(wal_path(path));
}

pub(crate) fn wal_path(path: &Path) -> PathBuf {
    let mut os = path.as_os_str().to_owned();
    os.push(".wal");
    PathBuf::from(os)
}

impl std::fmt::Debug for Workspace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Workspace").field("name", &self.name).field("path", &self.path).finish()
    }
}

impl Store {
    /// Creates the workspace `name` at `<stateDir>/<name>.duckdb` (go-store
    /// `NewWorkspace`). Fails when the name is invalid (empty, `.`, `..`,
    /// a path separator, NUL or a control character) or the file exists.
    pub fn new_workspace(&self, name: &str) -> Result<Workspace> {
        const OP: &str = "store.NewWorkspace";
        if self.inner.is_closed() {
            return Err(Error::new(ErrorKind::Closed, format!("{OP}: store is closed")));
        }
        name::validate(OP, name)?;
        let dir = self.workspace_state_directory();
        std::fs::create_dir_all(dir)
            .map_err(|e| Error::new(ErrorKind::Io, format!("{OP}: ensure state directory: {dir}: {e}")))?;
        let path = file_path(dir, name);
        let exists = || Error::invalid(format!("{OP}: workspace already exists: {name}"));
        if path.exists() {
            return Err(exists());
        }
        let claim = Claim::take(&path).ok_or_else(exists)?;
        let db = WorkspaceDb::open(&path, claim)
            .map_err(|e| e.wrap(format!("{OP}: open workspace database: store.openWorkspaceDatabase")))?;
        Ok(Workspace::from_parts(self.clone(), name.to_string(), path, Some(db), None))
    }
}

impl Workspace {
    pub(crate) fn from_parts(
        store: Store,
        name: String,
        path: PathBuf,
        db: Option<WorkspaceDb>,
        cached: Option<Map<String, Value>>,
    ) -> Workspace {
        Workspace { name, path, store, state: Mutex::new(State { db, cached }) }
    }

    /// The workspace name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// `<stateDir>/<name>.duckdb`.
    pub fn database_path(&self) -> &Path {
        &self.path
    }

    /// The random id stored in the file (and in the commit marker), or
    /// `None` once closed.
    pub fn id(&self) -> Option<String> {
        self.state.lock().db.as_ref().map(|d| d.id().to_string())
    }

    /// Runs `f` on the open file after the store's readiness check.
    pub(super) fn with_db<T>(&self, method: &str, f: impl FnOnce(&mut WorkspaceDb) -> Result<T>) -> Result<T> {
        let op = format!("store.Workspace.{method}");
        if self.store.inner.is_closed() {
            return Err(Error::new(ErrorKind::Closed, format!("{op}: store is closed")));
        }
        let mut state = self.state.lock();
        let db = state
            .db
            .as_mut()
            .ok_or_else(|| Error::new(ErrorKind::Closed, format!("{op}: workspace is closed")))?;
        f(db).map_err(|e| e.wrap(&op))
    }

    /// Buffers one entry (go-store `Put`); `data` is stored as Go's
    /// `encoding/json` writes it.
    pub fn put(&self, kind: &str, data: &Map<String, Value>) -> Result<()> {
        if kind.is_empty() {
            return Err(Error::invalid("store.Workspace.Put: kind is empty"));
        }
        let mut text = String::new();
        gojson::write_map(&mut text, data, Numbers::AsGiven);
        self.with_db("Put", |db| db.put(kind, &text, now_ms()).map_err(|e| e.wrap("insert entry")))
    }

    /// Like `put`, with the entry as JSON text; empty text or `null` means
    /// `{}`, anything else but an object is `InvalidArgument`.
    pub fn put_json(&self, kind: &str, data_json: &str) -> Result<()> {
        let trimmed = data_json.trim();
        let data = if trimmed.is_empty() || trimmed == "null" {
            Map::new()
        } else {
            serde_json::from_str::<Map<String, Value>>(trimmed).map_err(|e| {
                Error::invalid(format!("store.Workspace.Put: marshal entry data: data must be a JSON object: {e}"))
            })?
        };
        self.put(kind, &data)
    }

    /// Writes the buffered entries now.
    pub fn flush(&self) -> Result<()> {
        self.with_db("Flush", |db| db.flush())
    }

    /// Number of entries (go-store `Count`).
    pub fn count(&self) -> Result<i64> {
        self.with_db("Count", |db| db.count().map_err(|e| e.wrap("count entries")))
    }

    /// kind → count (go-store `Aggregate`). Never fails: a closed workspace
    /// or a failed query gives a recovered orphan's cached aggregate, else `{}`.
    pub fn aggregate(&self) -> Map<String, Value> {
        match self.with_db("Aggregate", |db| db.aggregate()) {
            Ok(map) => map,
            Err(_) => self.state.lock().cached.clone().unwrap_or_default(),
        }
    }

    /// Runs one read-only SELECT on the workspace (no file, network or
    /// extension access) and returns its rows.
    pub fn query(&self, sql: &str) -> Result<QueryRows> {
        let json = self.query_json(sql)?;
        QueryRows::from_json(&json).ok_or_else(|| Error::new(ErrorKind::Internal, "store.Workspace.Query: decode rows"))
    }

    /// `query`'s rows as the analytics layer's JSON document.
    pub fn query_json(&self, sql: &str) -> Result<Vec<u8>> {
        self.with_db("Query", |db| db.query_json(sql).map_err(|e| e.wrap("query workspace")))
    }

    /// Commits the aggregate (go-store `Commit`, see `commit.rs`) and
    /// removes the files; returns the aggregate.
    pub fn commit(&self) -> Result<Map<String, Value>> {
        super::commit::commit(self, &self.store, &mut self.state.lock().db)
    }

    /// Closes the file and deletes it (and its WAL); errors are ignored,
    /// calling it twice is fine (go-store `Discard`).
    pub fn discard(&self) {
        let db = self.state.lock().db.take();
        drop(db);
        remove_files(&self.path);
    }

    /// Writes the buffer, closes the file and keeps it for recovery
    /// (go-store `Close`). Idempotent; later calls fail with `workspace is closed`.
    pub fn close(&self) -> Result<()> {
        let db = self.state.lock().db.take();
        match db {
            Some(db) => db.close().map_err(|e| e.wrap("store.Workspace.closeAndCleanup: close workspace database")),
            None => Ok(()),
        }
    }
}

impl Drop for Workspace {
    fn drop(&mut self) {
        let _ = self.close();
    }
}
