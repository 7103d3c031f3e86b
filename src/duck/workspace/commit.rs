//! What a commit writes (contract §7.4), in one SQLite transaction: the
//! journal row, the `workspace:<name>`/`summary` row and a commit marker
//! naming the workspace id. The `set` event follows the transaction; the
//! files go last. A crash after the transaction leaves a file whose id the
//! marker names, so recovery deletes it; a crash before leaves an orphan.

use super::database::WorkspaceDb;
use super::handle::{remove_files, Workspace};
use crate::base::clock::now_ms;
use crate::base::error::{Error, ErrorKind, Result, Stage};
use crate::journal::gojson::{self, Numbers};
use crate::{Kv, Store};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

const OP: &str = "store.Workspace.Commit";

/// The marker table in the store's SQLite file.
const MARKER_SCHEMA: &str = "CREATE TABLE IF NOT EXISTS workspace_commits (\
    workspace_id TEXT PRIMARY KEY, workspace_name TEXT NOT NULL, committed_at INTEGER NOT NULL)";

/// Test support: a hook run between the transaction and the file removal
/// (the kill -9 test stops the process there).
static AFTER_TRANSACTION: parking_lot::Mutex<Option<fn()>> = parking_lot::const_mutex(None);

/// Installs (or clears) the hook run after the commit transaction.
#[doc(hidden)]
pub fn set_commit_hook(hook: Option<fn()>) {
    *AFTER_TRANSACTION.lock() = hook;
}

pub(super) fn commit(ws: &Workspace, store: &Store, slot: &mut Option<WorkspaceDb>) -> Result<Map<String, Value>> {
    if store.inner.is_closed() {
        return Err(Error::new(ErrorKind::Closed, format!("{OP}: store is closed")));
    }
    let db = slot
        .as_mut()
        .ok_or_else(|| Error::new(ErrorKind::Closed, format!("{OP}: workspace is closed")))?;
    let aggregate = db.aggregate().map_err(|e| e.wrap(format!("{OP}: aggregate workspace")))?;
    let id = db.id().to_string();
    let name = ws.name();
    let mut summary = String::new();
    gojson::write_map(&mut summary, &aggregate, Numbers::AsGiven);
    let tags = BTreeMap::from([("workspace".to_string(), name.to_string())]);
    store
        .transaction(|txn| {
            txn.commit_to_journal(name, &aggregate, &tags)?;
            txn.set(format!("workspace:{name}"), "summary", &summary)?;
            txn.core().run(crate::base::error::Op { base: "store.Workspace", method: "Commit" }, |conn, _| {
                let conn = conn.rusqlite();
                conn.execute_batch(MARKER_SCHEMA).stage("create commit marker table")?;
                conn.prepare_cached(
                    "INSERT OR REPLACE INTO workspace_commits (workspace_id, workspace_name, committed_at) VALUES (?1, ?2, ?3)",
                )
                .and_then(|mut s| s.execute(rusqlite::params![id, name, now_ms()]))
                .stage("insert commit marker")?;
                Ok(())
            })
        })
        .map_err(|e| e.wrap(OP))?;
    if let Some(hook) = *AFTER_TRANSACTION.lock() {
        hook();
    }
    drop(slot.take());
    remove_files(ws.database_path());
    Ok(aggregate)
}

/// Whether the store holds a commit marker for `id`. Errors (a closed
/// store) count as "not proven", so the caller keeps the file.
pub(crate) fn committed(store: &Store, id: &str) -> bool {
    let target = store.target();
    let op = target.op("RecoverOrphans");
    target
        .read(op, |conn| {
            let conn = conn.rusqlite();
            let exists: bool = conn
                .query_row("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'workspace_commits'", [], |r| {
                    r.get::<_, i64>(0)
                })
                .stage("find commit markers")?
                > 0;
            if !exists {
                return Ok(false);
            }
            conn.query_row("SELECT count(*) FROM workspace_commits WHERE workspace_id = ?1", [id], |r| r.get::<_, i64>(0))
                .stage("read commit marker")
                .map(|n| n > 0)
        })
        .unwrap_or(false)
}
