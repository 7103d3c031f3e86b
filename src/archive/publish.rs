//! Publishing a file atomically: write it under a temporary name, fsync it,
//! rename it to its final name, fsync the directory. Until the rename no
//! file exists under the final name; a failed step removes the temporary
//! file. Tests inject failures at every step through a per-thread hook.

use crate::base::error::{Error, ErrorKind, Result};
use std::cell::RefCell;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// The steps of a compaction, in order, as the fault hook sees them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Creating the temporary file.
    CreateTemp,
    /// Each write of compressed bytes to the temporary file.
    Write,
    /// fsync of the temporary file.
    SyncFile,
    /// Rename to the final name.
    Rename,
    /// fsync of the directory after the rename.
    SyncDir,
    /// The transaction that marks the rows archived (and applies retention).
    Mark,
}

type Hook = Rc<dyn Fn(Step) -> io::Result<()>>;

thread_local! {
    static HOOK: RefCell<Option<Hook>> = const { RefCell::new(None) };
}

/// Test support: runs `hook` before every step of compactions on this
/// thread; an error it returns fails that step as if the system had.
#[doc(hidden)]
pub fn set_fault_hook(hook: Option<Box<dyn Fn(Step) -> io::Result<()>>>) {
    HOOK.with(|h| *h.borrow_mut() = hook.map(Hook::from));
}

pub(crate) fn fault(step: Step) -> io::Result<()> {
    let hook = HOOK.with(|h| h.borrow().clone());
    match hook {
        Some(hook) => hook(step),
        None => Ok(()),
    }
}

fn io_error(stage: &str, path: &Path, e: io::Error) -> Error {
    Error::new(ErrorKind::Io, format!("{stage}: {}: {e}", path.display()))
}

/// A writer that passes each write through the fault hook.
pub(crate) struct FaultWriter<W>(pub(crate) W);

impl<W: Write> Write for FaultWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        fault(Step::Write)?;
        self.0.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

/// A file being written under `<path>.tmp`; removed on drop unless published.
pub(crate) struct Staged {
    tmp: PathBuf,
    path: PathBuf,
    published: bool,
}

impl Staged {
    /// Creates `<dir>/<name>.tmp`, failing if it exists.
    pub(crate) fn create(dir: &Path, name: &str) -> Result<(Staged, File)> {
        let path = dir.join(name);
        let tmp = dir.join(format!("{name}.tmp"));
        fault(Step::CreateTemp).map_err(|e| io_error("create staged archive", &tmp, e))?;
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
            .map_err(|e| io_error("create staged archive", &tmp, e))?;
        Ok((Staged { tmp, path, published: false }, file))
    }

    /// The temporary file's path.
    pub(crate) fn tmp_path(&self) -> &Path {
        &self.tmp
    }

    /// fsync, rename, fsync the directory. On error nothing remains under
    /// the final name and the temporary file is removed.
    pub(crate) fn publish(mut self, file: File) -> Result<Published> {
        fault(Step::SyncFile)
            .and_then(|_| file.sync_all())
            .map_err(|e| io_error("sync staged archive", &self.tmp, e))?;
        drop(file);
        // rename() replaces silently; an archive is never overwritten.
        if self.path.exists() {
            return Err(io_error(
                "publish staged archive",
                &self.path,
                io::Error::new(io::ErrorKind::AlreadyExists, "archive already exists"),
            ));
        }
        fault(Step::Rename)
            .and_then(|_| fs::rename(&self.tmp, &self.path))
            .map_err(|e| io_error("publish staged archive", &self.path, e))?;
        self.published = true;
        let path = std::mem::take(&mut self.path);
        let dir = parent(&path);
        if let Err(e) = fault(Step::SyncDir).and_then(|_| sync_dir(dir)) {
            let _ = fs::remove_file(&path);
            let _ = sync_dir(dir);
            return Err(io_error("sync archive directory", dir, e));
        }
        Ok(Published::Local { path })
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.published {
            let _ = fs::remove_file(&self.tmp);
        }
    }
}

/// An archive now visible under its final name.
pub(crate) enum Published {
    /// A local file.
    Local { path: PathBuf },
    /// A path on a medium.
    Medium { medium: crate::SharedMedium, path: String },
}

impl Published {
    /// The path as the caller sees it.
    pub(crate) fn shown(&self) -> String {
        match self {
            Published::Local { path } => path.to_string_lossy().into_owned(),
            Published::Medium { path, .. } => path.clone(),
        }
    }

    /// The local file, when local.
    pub(crate) fn local_path(&self) -> Option<&Path> {
        match self {
            Published::Local { path } => Some(path),
            Published::Medium { .. } => None,
        }
    }

    /// Takes the archive back (its rows could not be marked, or it was only
    /// a local stage): removes it, best effort.
    pub(crate) fn retract(&self) {
        match self {
            Published::Local { path } => {
                let _ = fs::remove_file(path);
                let _ = sync_dir(parent(path));
            }
            Published::Medium { medium, path } => {
                let _ = medium.delete(path);
            }
        }
    }
}

fn parent(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Makes a rename durable: fsync of the directory that holds it.
pub(crate) fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}
