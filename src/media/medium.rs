//! The `Medium` trait: go-store's storage transport (`dappco.re/go/core/io`
//! `Medium`), method for method, in Rust terms.

use std::fmt;
use std::io::{self, Read, Write};
use std::ops::Deref;
use std::sync::Arc;

/// Permission bits a plain `write` gives a new file (go-io's default).
pub const DEFAULT_FILE_MODE: u32 = 0o644;

/// What `stat` and `list` report about one path (Go's `fs.FileInfo`; a
/// listing's `fs.DirEntry` carries the same facts).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FileInfo {
    /// Base name of the file or directory.
    pub name: String,
    /// Length in bytes (0 for directories on media that do not track it).
    pub size: u64,
    /// Permission bits (`0o644`); the directory flag is `is_dir`, not a bit here.
    pub mode: u32,
    /// Last modification, Unix milliseconds (0 when unknown).
    pub modified_ms: i64,
    /// True for a directory.
    pub is_dir: bool,
}

/// A writer whose last step can fail: Go's `io.WriteCloser`. `close`
/// publishes what was written and reports any error; dropping the writer
/// without `close` abandons it (what stays behind depends on the medium;
/// the local and memory media publish nothing for `create` and
/// `write_stream`).
pub trait WriteCloser: Write + Send {
    /// Finishes the file. The content is visible at its path only after this
    /// returns `Ok`.
    fn close(self: Box<Self>) -> io::Result<()>;
}

/// A storage backend: local disk, memory, object storage, a remote host.
///
/// The method set is go-io's `Medium` (the one go-store's `Medium` aliases),
/// so a medium written for go-store maps onto it one to one. Paths are the
/// medium's own (`/`-separated text); contents are bytes. Errors are
/// `std::io::Error`s; a missing path is `io::ErrorKind::NotFound`.
///
/// The store itself uses `exists`, `read`, `write`, `ensure_dir`, `delete`
/// and `rename` (database persistence and archives). Implementations must be
/// callable from any thread.
pub trait Medium: Send + Sync {
    /// The whole content of a file (Go `Read`).
    fn read(&self, path: &str) -> io::Result<Vec<u8>>;
    /// Replaces a file's content, creating it with mode 0644 (Go `Write`).
    fn write(&self, path: &str, content: &[u8]) -> io::Result<()>;
    /// Replaces a file's content, creating it with `mode` (Go `WriteMode`).
    fn write_mode(&self, path: &str, content: &[u8], mode: u32) -> io::Result<()>;
    /// Creates a directory and its parents if missing (Go `EnsureDir`).
    fn ensure_dir(&self, path: &str) -> io::Result<()>;
    /// True when `path` exists and is a regular file (Go `IsFile`).
    fn is_file(&self, path: &str) -> bool;
    /// Removes a file or an empty directory (Go `Delete`).
    fn delete(&self, path: &str) -> io::Result<()>;
    /// Removes a file or a directory with everything below it (Go `DeleteAll`).
    fn delete_all(&self, path: &str) -> io::Result<()>;
    /// Moves a file or directory (Go `Rename`).
    fn rename(&self, old_path: &str, new_path: &str) -> io::Result<()>;
    /// The entries of a directory, sorted by name (Go `List`).
    fn list(&self, path: &str) -> io::Result<Vec<FileInfo>>;
    /// Facts about one path (Go `Stat`).
    fn stat(&self, path: &str) -> io::Result<FileInfo>;
    /// Opens a file for reading (Go `Open`).
    fn open(&self, path: &str) -> io::Result<Box<dyn Read + Send>>;
    /// Creates or truncates a file; the content is published at `close` (Go `Create`).
    fn create(&self, path: &str) -> io::Result<Box<dyn WriteCloser>>;
    /// Appends to a file, creating it if missing (Go `Append`).
    fn append(&self, path: &str) -> io::Result<Box<dyn WriteCloser>>;
    /// A reader over a file, for content too large to hold at once (Go `ReadStream`).
    fn read_stream(&self, path: &str) -> io::Result<Box<dyn Read + Send>>;
    /// A writer for content too large to hold at once (Go `WriteStream`).
    fn write_stream(&self, path: &str) -> io::Result<Box<dyn WriteCloser>>;
    /// True when `path` exists, file or directory (Go `Exists`).
    fn exists(&self, path: &str) -> bool;
    /// True when `path` exists and is a directory (Go `IsDir`).
    fn is_dir(&self, path: &str) -> bool;
}

/// A medium shared by the store and its owner. Two `SharedMedium`s are equal
/// when they are the same medium (pointer identity), as Go compares
/// interface values holding pointers.
#[derive(Clone)]
pub struct SharedMedium(Arc<dyn Medium>);

impl SharedMedium {
    /// Wraps a medium.
    pub fn new(medium: impl Medium + 'static) -> SharedMedium {
        SharedMedium(Arc::new(medium))
    }

    /// The shared pointer inside.
    pub fn as_arc(&self) -> &Arc<dyn Medium> {
        &self.0
    }
}

impl From<Arc<dyn Medium>> for SharedMedium {
    fn from(medium: Arc<dyn Medium>) -> SharedMedium {
        SharedMedium(medium)
    }
}

impl Deref for SharedMedium {
    type Target = dyn Medium;
    fn deref(&self) -> &(dyn Medium + 'static) {
        &*self.0
    }
}

impl PartialEq for SharedMedium {
    fn eq(&self, other: &SharedMedium) -> bool {
        // Compare data pointers only: vtable pointers of one type may differ
        // between codegen units.
        std::ptr::addr_eq(Arc::as_ptr(&self.0), Arc::as_ptr(&other.0))
    }
}

impl Eq for SharedMedium {}

impl fmt::Debug for SharedMedium {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SharedMedium({:p})", Arc::as_ptr(&self.0) as *const ())
    }
}

/// `path not found: <path>` as a `NotFound` error (go-io's wording).
pub(crate) fn not_found(path: &str) -> io::Error {
    io::Error::new(io::ErrorKind::NotFound, format!("path not found: {path}"))
}
