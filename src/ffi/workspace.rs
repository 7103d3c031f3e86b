//! Workspaces at the C ABI (feature `duckdb`): go-store's `Workspace`.
//!
//! Entries go in as JSON object text; aggregates and commit results come
//! back as one JSON object (`{"kind":count,…}`), query rows as the
//! analytics handle's JSON document (`{"columns":[…],"rows":[[…],…]}`).
//! A workspace handle keeps its store's memory alive; once the store is
//! closed its calls fail with `STORE_CLOSED`. A handle is safe to use from
//! any thread; calls on one handle run one at a time.

use super::boundary::{call, call_or, store_status};
use super::handles::{db_ref, store_db};
use super::types::{need, put, store_bytes, text};
use crate::base::error::{Error, Result};
use crate::Workspace;

/// Buffered entries are written once this many are pending (or 8 MiB of JSON).
pub const STORE_WORKSPACE_FLUSH_ROWS: usize = 65536;
const _: () = assert!(STORE_WORKSPACE_FLUSH_ROWS == crate::WORKSPACE_FLUSH_ROWS);

/// A workspace (go-store's `*Workspace`). Free with `store_workspace_free`.
pub struct store_workspace {
    ws: Workspace,
}

pub(super) unsafe fn ws_ref<'a>(ws: *const store_workspace) -> Result<&'a Workspace> {
    ws.as_ref().map(|w| &w.ws).ok_or_else(|| Error::invalid("store: workspace handle is NULL"))
}

fn object_json(map: &serde_json::Map<String, serde_json::Value>) -> Vec<u8> {
    serde_json::to_vec(map).unwrap_or_else(|_| b"{}".to_vec())
}

/// Creates the workspace `name` (UTF-8, copied) as
/// `<stateDir>/<name>.duckdb` (go-store `NewWorkspace`). Errors:
/// `STORE_INVALID_ARGUMENT` (empty, `.`, `..`, path separator, NUL or
/// control character; the file already exists), `STORE_CLOSED`, `STORE_IO`.
/// On success `*out` owns a new handle (free with `store_workspace_free`).
/// Any thread.
/// Ownership: `db` and `name` are borrowed for the call; `*out` is the
/// caller's and keeps the store's memory alive. Thread: any thread.
#[no_mangle]
pub unsafe extern "C" fn store_workspace_new(
    db: *const store_db,
    name: *const u8,
    name_len: usize,
    out: *mut *mut store_workspace,
) -> store_status {
    call(|| {
        need(out, "out")?;
        let store = db_ref(db)?;
        let ws = store.new_workspace(text(name, name_len, "name")?)?;
        put(out, Box::into_raw(Box::new(store_workspace { ws })), "out")
    })
}

/// Writes buffered entries and closes the file, keeping it for recovery
/// (go-store `Close`). Idempotent; later calls fail with `STORE_CLOSED`.
/// The handle stays allocated until `store_workspace_free`. Any thread.
/// Ownership: `ws` is borrowed. Thread: any thread; waits for a running call on the handle.
#[no_mangle]
pub unsafe extern "C" fn store_workspace_close(ws: *const store_workspace) -> store_status {
    call(|| ws_ref(ws)?.close())
}

/// Closes the file and deletes it (go-store `Discard`); deletion errors are
/// ignored and a second call does nothing. Any thread.
/// Ownership: `ws` is borrowed. Thread: any thread.
#[no_mangle]
pub unsafe extern "C" fn store_workspace_discard(ws: *const store_workspace) -> store_status {
    call(|| {
        ws_ref(ws)?.discard();
        Ok(())
    })
}

/// Closes (as `store_workspace_close`, keeping the file) and frees the
/// handle. NULL is ignored. No other call on the handle may run or start
/// meanwhile.
/// Ownership: takes `ws` back from the caller. Thread: any thread, once nothing else uses it.
#[no_mangle]
pub unsafe extern "C" fn store_workspace_free(ws: *mut store_workspace) {
    call_or((), || {
        if !ws.is_null() {
            drop(Box::from_raw(ws));
        }
    })
}

/// Buffers one entry (go-store `Put`): `kind` is UTF-8 and not empty,
/// `data_json` a JSON object (empty or `null` = `{}`); both are read during
/// the call only. Buffered entries are written every `STORE_WORKSPACE_FLUSH_ROWS`
/// rows and by flush, count, aggregate, query, commit and close: a crash loses
/// at most the entries put since the last of those. Errors:
/// `STORE_INVALID_ARGUMENT`, `STORE_CLOSED`. Any thread.
/// Ownership: all pointers are borrowed for the call. Thread: any thread.
#[no_mangle]
pub unsafe extern "C" fn store_workspace_put(
    ws: *const store_workspace,
    kind: *const u8,
    kind_len: usize,
    data_json: *const u8,
    data_json_len: usize,
) -> store_status {
    call(|| {
        let ws = ws_ref(ws)?;
        ws.put_json(text(kind, kind_len, "kind")?, text(data_json, data_json_len, "data_json")?)
    })
}

/// Writes the buffered entries now. Any thread.
/// Ownership: `ws` is borrowed. Thread: any thread.
#[no_mangle]
pub unsafe extern "C" fn store_workspace_flush(ws: *const store_workspace) -> store_status {
    call(|| ws_ref(ws)?.flush())
}

/// Writes the number of entries to `*out` (go-store `Count`). Any thread.
/// Ownership: `ws` and `out` are borrowed. Thread: any thread.
#[no_mangle]
pub unsafe extern "C" fn store_workspace_count(ws: *const store_workspace, out: *mut i64) -> store_status {
    call(|| {
        need(out, "out")?;
        let n = ws_ref(ws)?.count()?;
        put(out, n, "out")
    })
}

/// Writes the aggregate `{"kind":count,…}` to `*out` (go-store
/// `Aggregate`; a closed workspace gives `{}`, or a recovered orphan's
/// cached aggregate). The caller frees `*out` with `store_bytes_free`. Any thread.
/// Ownership: `ws` is borrowed; `*out` is the caller's. Thread: any thread.
#[no_mangle]
pub unsafe extern "C" fn store_workspace_aggregate(ws: *const store_workspace, out: *mut store_bytes) -> store_status {
    call(|| {
        need(out, "out")?;
        let map = ws_ref(ws)?.aggregate();
        put(out, store_bytes::from_vec(object_json(&map)), "out")
    })
}

/// Runs one read-only SELECT (UTF-8, copied) on the workspace, with no
/// file, network or extension access, and writes its rows as one JSON
/// document to `*out` (freed with `store_bytes_free`). Errors:
/// `STORE_QUERY`, `STORE_INVALID_ARGUMENT`, `STORE_CLOSED`. Any thread.
/// Ownership: `ws` and `sql` are borrowed; `*out` is the caller's. Thread: any thread.
#[no_mangle]
pub unsafe extern "C" fn store_workspace_query(
    ws: *const store_workspace,
    sql: *const u8,
    sql_len: usize,
    out: *mut store_bytes,
) -> store_status {
    call(|| {
        need(out, "out")?;
        let json = ws_ref(ws)?.query_json(text(sql, sql_len, "sql")?)?;
        put(out, store_bytes::from_vec(json), "out")
    })
}

/// Commits the workspace (go-store `Commit`): one SQLite transaction writes
/// the journal row, the `workspace:<name>`/`summary` entry and the commit
/// marker; then the `set` event is delivered and the files are removed. If
/// `out` is not NULL it receives the aggregate as a JSON object (freed with
/// `store_bytes_free`). The handle is closed afterwards. Any thread.
/// Ownership: `ws` is borrowed; `*out` is the caller's. Thread: any thread.
#[no_mangle]
pub unsafe extern "C" fn store_workspace_commit(ws: *const store_workspace, out: *mut store_bytes) -> store_status {
    call(|| {
        let map = ws_ref(ws)?.commit()?;
        if !out.is_null() {
            put(out, store_bytes::from_vec(object_json(&map)), "out")?;
        }
        Ok(())
    })
}

/// Writes a copy of the workspace name to `*out` (freed with
/// `store_bytes_free`). Any thread.
/// Ownership: `ws` is borrowed; `*out` is the caller's. Thread: any thread.
#[no_mangle]
pub unsafe extern "C" fn store_workspace_name(ws: *const store_workspace, out: *mut store_bytes) -> store_status {
    call(|| {
        need(out, "out")?;
        let name = ws_ref(ws)?.name().as_bytes().to_vec();
        put(out, store_bytes::from_vec(name), "out")
    })
}

/// Writes a copy of the workspace file's path (`<stateDir>/<name>.duckdb`)
/// to `*out` (freed with `store_bytes_free`). Any thread.
/// Ownership: `ws` is borrowed; `*out` is the caller's. Thread: any thread.
#[no_mangle]
pub unsafe extern "C" fn store_workspace_database_path(ws: *const store_workspace, out: *mut store_bytes) -> store_status {
    call(|| {
        need(out, "out")?;
        let path = ws_ref(ws)?.database_path().to_string_lossy().into_owned().into_bytes();
        put(out, store_bytes::from_vec(path), "out")
    })
}

/// Recovers the uncommitted workspaces in `dir` (UTF-8, copied; empty = the
/// store's state directory; go-store `RecoverOrphans`). Files whose own id
/// was committed are deleted, unreadable ones moved to `quarantine/`, files
/// open elsewhere in this process skipped. On success `*out` receives an
/// array of `*out_len` new handles (NULL when there are none): each handle is
/// the caller's (free with `store_workspace_free`) and the array itself is
/// freed with `store_workspace_array_free`. Works on a closed store (then
/// nothing is deleted). Any thread.
/// Ownership: `db` and `dir` are borrowed; the array and every handle in
/// it are the caller's. Thread: any thread.
#[no_mangle]
pub unsafe extern "C" fn store_recover_orphans(
    db: *const store_db,
    dir: *const u8,
    dir_len: usize,
    out: *mut *mut *mut store_workspace,
    out_len: *mut usize,
) -> store_status {
    call(|| {
        need(out, "out")?;
        need(out_len, "out_len")?;
        let store = db_ref(db)?;
        let dir = text(dir, dir_len, "dir")?;
        let handles: Vec<*mut store_workspace> = store
            .recover_orphans(dir)
            .into_iter()
            .map(|ws| Box::into_raw(Box::new(store_workspace { ws })))
            .collect();
        let len = handles.len();
        let array = if len == 0 { std::ptr::null_mut() } else { Box::into_raw(handles.into_boxed_slice()).cast() };
        put(out, array, "out")?;
        put(out_len, len, "out_len")
    })
}

/// Blocks until the orphan scan that opening the store started has
/// finished (returns at once when there was none, it is done, or the store
/// is closed). Opening never waits for it; call this for go-store's
/// behaviour of caching the orphans during open, e.g. before removing the
/// state directory: `store_recover_orphans` on the state directory then
/// returns what the scan found even if the files are gone.
/// Ownership: `db` is borrowed. Thread: any thread; may block for as long
/// as reading the orphan files takes.
#[no_mangle]
pub unsafe extern "C" fn store_wait_for_orphan_scan(db: *const store_db) -> store_status {
    call(|| {
        db_ref(db)?.wait_for_orphan_scan();
        Ok(())
    })
}

/// Frees an array from `store_recover_orphans` (not the handles in it).
/// NULL is ignored; `len` must be the length that call wrote.
/// Ownership: takes the array back (the handles stay the caller's).
/// Thread: any thread.
#[no_mangle]
pub unsafe extern "C" fn store_workspace_array_free(array: *mut *mut store_workspace, len: usize) {
    call_or((), || {
        if !array.is_null() && len > 0 {
            drop(Box::from_raw(std::ptr::slice_from_raw_parts_mut(array, len)));
        }
    })
}
