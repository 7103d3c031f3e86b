//! Orphan recovery (contract §7.5–7.6, with go-store's data-loss defect
//! fixed): a workspace file left behind is deleted only when the store holds
//! a commit marker for the id written inside it; unreadable files move to
//! `quarantine/` untouched; a file already open in this process is skipped,
//! so no file ever has two handles.
//!
//! At store open the scan runs on a background thread (open never waits for
//! it); `recover_orphans` on the store's own state directory waits for that
//! scan and takes its result, any other directory is scanned on the spot.
//! The scan closes each file after reading it, which folds its DuckDB WAL
//! into the file once instead of replaying it on every open.

use super::commit::committed;
use super::database::{Claim, WorkspaceDb};
use super::handle::{file_path, remove_files, wal_path, Workspace};
use crate::base::error::ErrorKind;
use crate::store::Inner;
use crate::Store;
use parking_lot::Mutex;
use serde_json::{Map, Value};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Weak};
use std::thread::JoinHandle;

/// A workspace file found without a commit, already checked and closed.
pub(crate) struct Orphan {
    name: String,
    path: PathBuf,
    aggregate: Map<String, Value>,
}

/// The open-time scan: none, running, or finished with its orphans until
/// `recover_orphans` takes them.
#[derive(Default)]
pub(crate) struct OpenScan(Mutex<ScanState>);

#[derive(Default)]
enum ScanState {
    #[default]
    None,
    Running(JoinHandle<Vec<Orphan>>),
    Finished(Vec<Orphan>),
}

impl OpenScan {
    /// Starts the scan of the store's state directory when it exists.
    pub(crate) fn start(inner: &Arc<Inner>) {
        let dir = inner.config.workspace_state_directory.clone();
        if !Path::new(&dir).is_dir() {
            return;
        }
        // The thread holds the store weakly, and strongly only while it asks
        // the store something, so dropping the last handle closes the store
        // at once instead of when the scan ends.
        let weak: Weak<Inner> = Arc::downgrade(inner);
        let spawned = std::thread::Builder::new()
            .name("store-orphan-scan".into())
            .spawn(move || scan(&|| weak.upgrade().map(|inner| Store { inner }), &dir));
        if let Ok(handle) = spawned {
            *inner.orphan_scan.0.lock() = ScanState::Running(handle);
        }
    }

    /// Blocks until a running scan has finished and keeps its result.
    /// Concurrent callers wait on the lock while the first one joins. On the
    /// scan thread itself (its store reference can be the last one, so the
    /// store closes there) it returns at once.
    pub(crate) fn wait(&self) {
        let mut state = self.0.lock();
        if let ScanState::Running(handle) = &*state {
            if handle.thread().id() == std::thread::current().id() {
                return;
            }
            let ScanState::Running(handle) = std::mem::take(&mut *state) else { unreachable!() };
            *state = ScanState::Finished(handle.join().unwrap_or_default());
        }
    }

    fn take(&self) -> Option<Vec<Orphan>> {
        self.wait();
        match std::mem::take(&mut *self.0.lock()) {
            ScanState::Finished(orphans) => Some(orphans),
            _ => None,
        }
    }
}

impl Store {
    /// Blocks until the orphan scan that opening the store started has
    /// finished; returns at once when there was none or it is done. The
    /// scan runs off the opening thread so that open never waits for large
    /// workspaces; `recover_orphans("")` waits for it anyway. Call this for
    /// go-store's behaviour of caching the orphans during open, e.g. before
    /// removing or moving the state directory: the orphans found are then
    /// handed back by `recover_orphans` even if their files are gone.
    pub fn wait_for_orphan_scan(&self) {
        self.inner.orphan_scan.wait();
    }

    /// The uncommitted workspaces in `dir` (`""` means the state directory),
    /// open and ready to aggregate, commit, discard or close (go-store
    /// `RecoverOrphans`). Files committed before are deleted, unreadable ones
    /// quarantined; files open elsewhere in this process are left alone.
    pub fn recover_orphans(&self, dir: &str) -> Vec<Workspace> {
        let own = self.workspace_state_directory();
        let dir = if dir.is_empty() { own.to_string() } else { crate::normalise_directory(dir).to_string() };
        let mut orphans = if dir == own { self.inner.orphan_scan.take().unwrap_or_default() } else { Vec::new() };
        if orphans.is_empty() {
            orphans = scan(&|| Some(self.clone()), &dir);
        }
        orphans
            .into_iter()
            .filter_map(|o| {
                let db = match Claim::take(&o.path) {
                    // Gone since the scan: go-store still hands it back with its aggregate.
                    Some(claim) if o.path.exists() => Some(WorkspaceDb::open(&o.path, claim).ok()?),
                    Some(_) => None,
                    None => return None,
                };
                Some(Workspace::from_parts(self.clone(), o.name, o.path, db, Some(o.aggregate)))
            })
            .collect()
    }
}

/// One pass over `dir` in name order; see the module comment. `store`
/// gives the store while it is open, and `None` once it is gone.
fn scan(store: &dyn Fn() -> Option<Store>, dir: &str) -> Vec<Orphan> {
    let open = || store().filter(|s| !s.inner.is_closed());
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().map(|t| !t.is_dir()).unwrap_or(false))
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .filter_map(|f| f.strip_suffix(".duckdb").map(str::to_string))
        .collect();
    names.sort();
    let mut out = Vec::new();
    for name in names {
        if open().is_none() {
            break;
        }
        let path = file_path(dir, &name);
        // Open here (a live workspace or an earlier recovery): not an orphan.
        let Some(claim) = Claim::take(&path) else { continue };
        let mut db = match WorkspaceDb::open(&path, claim) {
            Ok(db) => db,
            // Another process holds it: live, not corrupt.
            Err(e) if e.kind() == ErrorKind::Busy => continue,
            Err(_) => {
                quarantine(dir, &name, &path);
                continue;
            }
        };
        let Some(owner) = open() else { break };
        let was_committed = committed(&owner, db.id());
        drop(owner);
        if was_committed {
            drop(db);
            remove_files(&path);
            continue;
        }
        let aggregate = match db.aggregate() {
            Ok(a) => a,
            Err(_) => {
                drop(db);
                quarantine(dir, &name, &path);
                continue;
            }
        };
        if db.close().is_err() {
            continue;
        }
        out.push(Orphan { name, path, aggregate });
    }
    out
}

/// Moves the file (and its WAL) to `quarantine/<name>[.N].duckdb`, bytes
/// untouched; never overwrites an earlier quarantined file.
fn quarantine(dir: &str, name: &str, path: &Path) {
    let qdir = Path::new(dir).join("quarantine");
    if std::fs::create_dir_all(&qdir).is_err() {
        return;
    }
    let mut n = 0u32;
    let target = loop {
        let candidate = if n == 0 { qdir.join(format!("{name}.duckdb")) } else { qdir.join(format!("{name}.{n}.duckdb")) };
        if !candidate.exists() && !wal_path(&candidate).exists() {
            break candidate;
        }
        n += 1;
    };
    if std::fs::rename(path, &target).is_ok() {
        let wal = wal_path(path);
        if wal.exists() {
            let _ = std::fs::rename(&wal, wal_path(&target));
        }
    }
}
