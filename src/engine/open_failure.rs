//! Why a database file could not be opened. SQLite reports every such
//! failure as "unable to open database file"; the file system can usually
//! say more, in terms a C or Rust caller can act on.

use crate::base::error::Error;
use rusqlite::ffi::ErrorCode;
use std::io;
use std::path::Path;

/// Converts a failed open of `path` into the store's error (`open database:
/// …`), adding the reason when SQLite could not open the file and the file
/// system shows why, e.g. `…: directory does not exist: /srv/data`. The
/// text before the reason is go-store's, so messages matched on it still match.
pub(crate) fn open_error(path: &Path, err: rusqlite::Error) -> Error {
    let cannot_open = matches!(&err, rusqlite::Error::SqliteFailure(e, _) if e.code == ErrorCode::CannotOpen);
    let error = Error::sqlite("open database", err);
    match cannot_open.then(|| reason(path)).flatten() {
        Some(reason) => error.because(reason),
        None => error,
    }
}

/// The file-system reason `path` cannot be opened for reading and writing
/// (or created), if one is visible.
fn reason(path: &Path) -> Option<String> {
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    match std::fs::metadata(parent) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Some(format!("directory does not exist: {}", parent.display()))
        }
        Ok(meta) if !meta.is_dir() => return Some(format!("not a directory: {}", parent.display())),
        _ => {}
    }
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => Some(format!("is a directory, not a database file: {}", path.display())),
        Ok(_) if !accessible(path, libc::R_OK | libc::W_OK) => {
            Some(format!("no permission to read and write {}", path.display()))
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound && !accessible(parent, libc::W_OK | libc::X_OK) => {
            Some(format!("no permission to create files in {}", parent.display()))
        }
        _ => None,
    }
}

/// access(2): whether this process may use `path` in the given `mode`.
fn accessible(path: &Path, mode: libc::c_int) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let Ok(c_path) = std::ffi::CString::new(path.as_os_str().as_bytes()) else {
        return true;
    };
    // SAFETY: c_path is a valid NUL-terminated string for the duration of the call.
    unsafe { libc::access(c_path.as_ptr(), mode) == 0 }
}
