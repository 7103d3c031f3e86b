//! Workspace import and export at the C ABI (feature `duckdb`): go-store's
//! `Import(workspace, medium, path)` and `Export(workspace, medium, path)`
//! with the caller's medium, or the local filesystem when it is NULL.

use super::boundary::{call, store_status};
use super::media::{adopt_medium, store_medium_vtable};
use super::types::text;
use super::workspace::{ws_ref, store_workspace};
use crate::base::error::Result;
use crate::media::{LocalMedium, Medium, SharedMedium};
use crate::Workspace;

/// Runs `f` with the caller's medium (adopted first, so its `release` runs
/// exactly once whatever fails later) or the local filesystem.
unsafe fn with_medium(
    op: &str,
    medium: *const store_medium_vtable,
    f: impl FnOnce(&dyn Medium) -> Result<()>,
) -> Result<()> {
    let adopted: Option<SharedMedium> =
        if medium.is_null() { None } else { Some(adopt_medium(medium).map_err(|e| e.wrap(op))?) };
    match &adopted {
        Some(m) => f(&**m),
        None => f(&LocalMedium::new()),
    }
}

/// Converts the arguments and runs `f` (inside the caller's panic boundary).
unsafe fn transfer(
    op: &str,
    ws: *const store_workspace,
    medium: *const store_medium_vtable,
    path: *const u8,
    path_len: usize,
    f: impl FnOnce(&Workspace, &dyn Medium, &str) -> Result<()>,
) -> Result<()> {
    with_medium(op, medium, |m| {
        let ws = ws_ref(ws).map_err(|e| e.wrap(op))?;
        f(ws, m, text(path, path_len, "path")?)
    })
}

/// Adds the records of the file `path` (UTF-8, copied) on `medium` to the
/// workspace (go-store `Import`), all or nothing: a parse error anywhere or
/// a failed insert leaves the workspace as it was (go-store keeps the JSON
/// lines before a bad one). The kind is the file's base name without its
/// last extension (`entry` if that is empty); the lower-cased extension
/// picks the format: `.csv` (header row, string values), `.json` (array of
/// objects, or one under `entries`/`records`/`data`, or one object), else
/// JSON lines. Entries put earlier are written first and kept. `medium`
/// NULL means the local filesystem (paths relative to the working
/// directory). Errors: `STORE_INVALID_ARGUMENT` (empty path, parse errors:
/// `store.Import: parse csv: …`, `parse jsonl line N: …`, `parse json: …`,
/// `json array element is not an object at index N`, `unsupported json
/// shape`), `STORE_IO` (`read from medium`), `STORE_CLOSED`.
/// Ownership: `ws` and `path` are borrowed for the call; the `medium`
/// table is copied and the library takes the medium for the call: its
/// `release` runs exactly once before this function returns, whatever the
/// outcome. Thread: any thread; the medium's callbacks run on the calling
/// thread; waits for a running call on the handle.
#[no_mangle]
pub unsafe extern "C" fn store_workspace_import(
    ws: *const store_workspace,
    medium: *const store_medium_vtable,
    path: *const u8,
    path_len: usize,
) -> store_status {
    call(|| transfer("store.Import", ws, medium, path, path_len, |ws, m, path| ws.import(m, path).map(drop)))
}

/// Writes the workspace to the file `path` (UTF-8, copied) on `medium`
/// (go-store `Export`). By the lower-cased last extension: `.jsonl` and
/// `.ndjson` give one JSON line per entry in id order
/// (`{"created_at":…,"entry_data":"<JSON text>","entry_kind":…}`), `.csv`
/// the header `entry_kind,entry_data,created_at` and one row per entry
/// (fields quoted only when they hold `,` `"` CR or LF), anything else the
/// aggregate `{"kind":count,…}`. The parent directory is ensured first; the
/// content is written under a temporary name beside `path` and renamed
/// onto it, so on failure no partial file exists and an existing file is
/// unchanged. `medium` NULL means the local filesystem. Errors:
/// `STORE_INVALID_ARGUMENT` (empty path), `STORE_CLOSED` (`aggregate
/// workspace` / `query workspace` of a closed workspace), `STORE_IO`.
/// Ownership: `ws` and `path` are borrowed for the call; the `medium`
/// table is copied and the library takes the medium for the call: its
/// `release` runs exactly once before this function returns, whatever the
/// outcome. Thread: any thread; the medium's callbacks run on the calling
/// thread; waits for a running call on the handle.
#[no_mangle]
pub unsafe extern "C" fn store_workspace_export(
    ws: *const store_workspace,
    medium: *const store_medium_vtable,
    path: *const u8,
    path_len: usize,
) -> store_status {
    call(|| transfer("store.Export", ws, medium, path, path_len, |ws, m, path| ws.export(m, path)))
}
