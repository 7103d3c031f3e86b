//! An in-memory medium whose operations can be made to fail, for the media
//! and workspace import/export tests.

use std::io;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use store::{FileInfo, Medium, MemoryMedium, WriteCloser};

/// A [`MemoryMedium`] with switches: failing writes (optionally leaving
/// half the content behind, as a broken upload may), renames and
/// directory creation. Counts writes and records the directories asked for.
/// Clones share the files and the switches.
#[derive(Clone, Default)]
pub struct FaultyMedium {
    pub inner: MemoryMedium,
    pub fail_writes: Arc<AtomicBool>,
    pub partial_writes: Arc<AtomicBool>,
    pub fail_renames: Arc<AtomicBool>,
    pub fail_ensure_dir: Arc<AtomicBool>,
    pub writes: Arc<AtomicUsize>,
    pub dirs: Arc<Mutex<Vec<String>>>,
}

fn on(flag: &AtomicBool) -> bool {
    flag.load(Ordering::SeqCst)
}

impl Medium for FaultyMedium {
    fn read(&self, p: &str) -> io::Result<Vec<u8>> {
        self.inner.read(p)
    }
    fn write(&self, p: &str, c: &[u8]) -> io::Result<()> {
        self.writes.fetch_add(1, Ordering::SeqCst);
        if on(&self.fail_writes) {
            if on(&self.partial_writes) {
                self.inner.write(p, &c[..c.len() / 2])?;
            }
            return Err(io::Error::other("remote storage unavailable"));
        }
        self.inner.write(p, c)
    }
    fn write_mode(&self, p: &str, c: &[u8], m: u32) -> io::Result<()> {
        self.inner.write_mode(p, c, m)
    }
    fn ensure_dir(&self, p: &str) -> io::Result<()> {
        self.dirs.lock().unwrap().push(p.to_string());
        if on(&self.fail_ensure_dir) {
            return Err(io::Error::other("directory refused"));
        }
        self.inner.ensure_dir(p)
    }
    fn is_file(&self, p: &str) -> bool {
        self.inner.is_file(p)
    }
    fn delete(&self, p: &str) -> io::Result<()> {
        self.inner.delete(p)
    }
    fn delete_all(&self, p: &str) -> io::Result<()> {
        self.inner.delete_all(p)
    }
    fn rename(&self, a: &str, b: &str) -> io::Result<()> {
        if on(&self.fail_renames) {
            return Err(io::Error::other("rename refused"));
        }
        self.inner.rename(a, b)
    }
    fn list(&self, p: &str) -> io::Result<Vec<FileInfo>> {
        self.inner.list(p)
    }
    fn stat(&self, p: &str) -> io::Result<FileInfo> {
        self.inner.stat(p)
    }
    fn open(&self, p: &str) -> io::Result<Box<dyn io::Read + Send>> {
        self.inner.open(p)
    }
    fn create(&self, p: &str) -> io::Result<Box<dyn WriteCloser>> {
        self.inner.create(p)
    }
    fn append(&self, p: &str) -> io::Result<Box<dyn WriteCloser>> {
        self.inner.append(p)
    }
    fn read_stream(&self, p: &str) -> io::Result<Box<dyn io::Read + Send>> {
        self.inner.read_stream(p)
    }
    fn write_stream(&self, p: &str) -> io::Result<Box<dyn WriteCloser>> {
        self.inner.write_stream(p)
    }
    fn exists(&self, p: &str) -> bool {
        self.inner.exists(p)
    }
    fn is_dir(&self, p: &str) -> bool {
        self.inner.is_dir(p)
    }
}
