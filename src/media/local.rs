//! The local filesystem as a medium (go-io's `local.Medium`). Whole-file
//! writes are atomic and durable: a temp file beside the target, fsync,
//! rename, fsync of the directory — a crash leaves the old content or the
//! new, never a mix.

use super::medium::{not_found, FileInfo, Medium, WriteCloser, DEFAULT_FILE_MODE};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Component, Path, PathBuf};
use std::time::UNIX_EPOCH;
use tempfile::NamedTempFile;

/// The local filesystem. [`LocalMedium::new`] takes paths as given (relative
/// ones against the working directory, like go-io's `io.Local`);
/// [`LocalMedium::rooted`] keeps every path inside one directory (go-io's
/// `NewSandboxed`): `/a` means `<root>/a` and `..` never climbs above the
/// root. Symbolic links inside the root are followed.
#[derive(Debug, Clone, Default)]
pub struct LocalMedium {
    root: Option<PathBuf>,
}

impl LocalMedium {
    /// Paths are used as given.
    pub fn new() -> LocalMedium {
        LocalMedium { root: None }
    }

    /// Every path is resolved inside `root` (created if missing).
    pub fn rooted(root: impl Into<PathBuf>) -> io::Result<LocalMedium> {
        let root = root.into();
        fs::create_dir_all(&root)?;
        Ok(LocalMedium { root: Some(root) })
    }

    /// The filesystem path a medium path names.
    pub fn resolve(&self, path: &str) -> io::Result<PathBuf> {
        let Some(root) = &self.root else {
            if path.is_empty() {
                return Err(io::Error::new(io::ErrorKind::InvalidInput, "path is empty"));
            }
            return Ok(PathBuf::from(path));
        };
        let mut out = root.clone();
        let mut depth = 0usize;
        for part in Path::new(path).components() {
            match part {
                Component::Normal(name) => {
                    out.push(name);
                    depth += 1;
                }
                Component::ParentDir if depth > 0 => {
                    out.pop();
                    depth -= 1;
                }
                _ => {}
            }
        }
        Ok(out)
    }

    fn write_atomic(&self, path: &str, content: &[u8], mode: Option<u32>) -> io::Result<()> {
        let mut writer = AtomicFile::begin(self.resolve(path)?, mode)?;
        writer.write_all(content)?;
        Box::new(writer).close()
    }
}

/// Syncs a directory so a rename or create inside it survives a crash.
fn sync_dir(dir: &Path) -> io::Result<()> {
    let dir = if dir.as_os_str().is_empty() { Path::new(".") } else { dir };
    File::open(dir)?.sync_all()
}

fn parent_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

fn info_of(name: String, meta: &fs::Metadata) -> FileInfo {
    let modified_ms = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_millis() as i64);
    FileInfo {
        name,
        size: meta.len(),
        mode: meta.permissions().mode() & 0o7777,
        modified_ms,
        is_dir: meta.is_dir(),
    }
}

/// A new file written beside its target and renamed over it at `close`.
/// Dropped without `close`, the temp file is removed and the target keeps
/// its old content.
struct AtomicFile {
    temp: NamedTempFile,
    target: PathBuf,
    mode: u32,
}

impl AtomicFile {
    /// `mode` None keeps the permission bits of an existing target (0644 for a new one).
    fn begin(target: PathBuf, mode: Option<u32>) -> io::Result<AtomicFile> {
        let dir = parent_of(&target).to_path_buf();
        fs::create_dir_all(&dir)?;
        let mode = match mode {
            Some(m) => m,
            None => fs::metadata(&target).map_or(DEFAULT_FILE_MODE, |m| m.permissions().mode() & 0o7777),
        };
        let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let temp = tempfile::Builder::new().prefix(&format!(".{name}.")).suffix(".tmp").tempfile_in(&dir)?;
        Ok(AtomicFile { temp, target, mode })
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.temp.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.temp.flush()
    }
}

impl WriteCloser for AtomicFile {
    fn close(self: Box<Self>) -> io::Result<()> {
        let AtomicFile { mut temp, target, mode } = *self;
        temp.flush()?;
        temp.as_file().set_permissions(fs::Permissions::from_mode(mode))?;
        temp.as_file().sync_all()?;
        temp.persist(&target).map_err(|e| e.error)?;
        sync_dir(parent_of(&target))
    }
}

/// Appends in place; `close` flushes and fsyncs.
struct AppendFile(File);

impl Write for AppendFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

impl WriteCloser for AppendFile {
    fn close(self: Box<Self>) -> io::Result<()> {
        self.0.sync_all()
    }
}

impl Medium for LocalMedium {
    fn read(&self, path: &str) -> io::Result<Vec<u8>> {
        fs::read(self.resolve(path)?)
    }

    fn write(&self, path: &str, content: &[u8]) -> io::Result<()> {
        self.write_atomic(path, content, None)
    }

    fn write_mode(&self, path: &str, content: &[u8], mode: u32) -> io::Result<()> {
        self.write_atomic(path, content, Some(mode & 0o7777))
    }

    fn ensure_dir(&self, path: &str) -> io::Result<()> {
        fs::create_dir_all(self.resolve(path)?)
    }

    fn is_file(&self, path: &str) -> bool {
        self.resolve(path).and_then(fs::metadata).is_ok_and(|m| m.is_file())
    }

    fn delete(&self, path: &str) -> io::Result<()> {
        let full = self.resolve(path)?;
        let meta = fs::symlink_metadata(&full).map_err(|e| missing(e, path))?;
        if meta.is_dir() {
            fs::remove_dir(&full)
        } else {
            fs::remove_file(&full)
        }
    }

    /// A missing path is not an error (Go's `os.RemoveAll`).
    fn delete_all(&self, path: &str) -> io::Result<()> {
        let full = self.resolve(path)?;
        if self.root.as_ref() == Some(&full) {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "refusing to delete the medium's root"));
        }
        match fs::symlink_metadata(&full) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(e),
            Ok(meta) if meta.is_dir() => fs::remove_dir_all(&full),
            Ok(_) => fs::remove_file(&full),
        }
    }

    fn rename(&self, old_path: &str, new_path: &str) -> io::Result<()> {
        let from = self.resolve(old_path)?;
        let to = self.resolve(new_path)?;
        fs::rename(&from, &to).map_err(|e| missing(e, old_path))?;
        sync_dir(parent_of(&to))?;
        if parent_of(&from) != parent_of(&to) {
            sync_dir(parent_of(&from))?;
        }
        Ok(())
    }

    fn list(&self, path: &str) -> io::Result<Vec<FileInfo>> {
        let full = self.resolve(path)?;
        let mut out = Vec::new();
        for entry in fs::read_dir(&full).map_err(|e| missing(e, path))? {
            let entry = entry?;
            let meta = entry.metadata()?;
            out.push(info_of(entry.file_name().to_string_lossy().into_owned(), &meta));
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    fn stat(&self, path: &str) -> io::Result<FileInfo> {
        let full = self.resolve(path)?;
        let meta = fs::metadata(&full).map_err(|e| missing(e, path))?;
        let name = full.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "/".into());
        Ok(info_of(name, &meta))
    }

    fn open(&self, path: &str) -> io::Result<Box<dyn Read + Send>> {
        Ok(Box::new(File::open(self.resolve(path)?).map_err(|e| missing(e, path))?))
    }

    fn create(&self, path: &str) -> io::Result<Box<dyn WriteCloser>> {
        Ok(Box::new(AtomicFile::begin(self.resolve(path)?, None)?))
    }

    fn append(&self, path: &str) -> io::Result<Box<dyn WriteCloser>> {
        let full = self.resolve(path)?;
        fs::create_dir_all(parent_of(&full))?;
        let file = OpenOptions::new().append(true).create(true).open(&full)?;
        Ok(Box::new(AppendFile(file)))
    }

    fn read_stream(&self, path: &str) -> io::Result<Box<dyn Read + Send>> {
        self.open(path)
    }

    fn write_stream(&self, path: &str) -> io::Result<Box<dyn WriteCloser>> {
        self.create(path)
    }

    fn exists(&self, path: &str) -> bool {
        self.resolve(path).and_then(fs::symlink_metadata).is_ok()
    }

    fn is_dir(&self, path: &str) -> bool {
        self.resolve(path).and_then(fs::metadata).is_ok_and(|m| m.is_dir())
    }
}

/// Keeps the OS error kind but names the medium path the caller used.
fn missing(e: io::Error, path: &str) -> io::Error {
    if e.kind() == io::ErrorKind::NotFound {
        not_found(path)
    } else {
        e
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn medium() -> (tempfile::TempDir, LocalMedium) {
        let dir = tempfile::tempdir().unwrap();
        let m = LocalMedium::rooted(dir.path()).unwrap();
        (dir, m)
    }

    #[test]
    fn write_read_round_trip_creates_parents() {
        let (_d, m) = medium();
        m.write("a/b/c.txt", b"hello\0world").unwrap();
        assert_eq!(m.read("a/b/c.txt").unwrap(), b"hello\0world");
        assert!(m.is_file("a/b/c.txt") && m.is_dir("a/b") && m.exists("a"));
        assert!(!m.is_file("a/b") && !m.is_dir("a/b/c.txt"));
        assert_eq!(m.stat("a/b/c.txt").unwrap().size, 11);
        assert_eq!(m.stat("a/b/c.txt").unwrap().mode, 0o644);
    }

    #[test]
    fn write_leaves_no_temp_files_and_replaces_whole() {
        let (d, m) = medium();
        m.write("f", b"long old content").unwrap();
        m.write("f", b"new").unwrap();
        assert_eq!(m.read("f").unwrap(), b"new");
        let names: Vec<_> = fs::read_dir(d.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, vec![std::ffi::OsString::from("f")]);
    }

    #[test]
    fn write_mode_sets_exact_bits_and_write_keeps_them() {
        let (_d, m) = medium();
        m.write_mode("secret", b"k", 0o600).unwrap();
        assert_eq!(m.stat("secret").unwrap().mode, 0o600);
        m.write("secret", b"k2").unwrap();
        assert_eq!(m.stat("secret").unwrap().mode, 0o600);
    }

    #[test]
    fn create_publishes_only_at_close() {
        let (_d, m) = medium();
        m.write("out", b"old").unwrap();
        let mut w = m.create("out").unwrap();
        w.write_all(b"new content").unwrap();
        assert_eq!(m.read("out").unwrap(), b"old");
        w.close().unwrap();
        assert_eq!(m.read("out").unwrap(), b"new content");

        let mut abandoned = m.write_stream("out").unwrap();
        abandoned.write_all(b"half").unwrap();
        drop(abandoned);
        assert_eq!(m.read("out").unwrap(), b"new content");
        assert_eq!(m.list("").unwrap().len(), 1, "temp file removed");
    }

    #[test]
    fn append_extends_and_creates() {
        let (_d, m) = medium();
        let mut w = m.append("log").unwrap();
        w.write_all(b"a").unwrap();
        w.close().unwrap();
        let mut w = m.append("log").unwrap();
        w.write_all(b"b").unwrap();
        w.close().unwrap();
        assert_eq!(m.read("log").unwrap(), b"ab");
        let mut s = String::new();
        m.read_stream("log").unwrap().read_to_string(&mut s).unwrap();
        assert_eq!(s, "ab");
    }

    #[test]
    fn rename_delete_list() {
        let (_d, m) = medium();
        m.write("dir/x.tmp", b"1").unwrap();
        m.write("dir/a", b"22").unwrap();
        m.rename("dir/x.tmp", "dir/x").unwrap();
        let names: Vec<_> = m.list("dir").unwrap().into_iter().map(|i| i.name).collect();
        assert_eq!(names, ["a", "x"]);
        assert_eq!(m.rename("dir/nope", "dir/y").unwrap_err().kind(), io::ErrorKind::NotFound);
        assert!(m.delete("dir").is_err(), "non-empty directory");
        m.delete("dir/a").unwrap();
        assert_eq!(m.delete("dir/a").unwrap_err().kind(), io::ErrorKind::NotFound);
        m.delete_all("dir").unwrap();
        assert!(!m.exists("dir"));
        m.delete_all("dir").unwrap();
        assert!(m.delete_all("").is_err(), "root is protected");
    }

    #[test]
    fn missing_paths_are_not_found() {
        let (_d, m) = medium();
        for e in [m.read("nope").unwrap_err(), m.stat("nope").unwrap_err(), m.list("nope").unwrap_err()] {
            assert_eq!(e.kind(), io::ErrorKind::NotFound, "{e}");
        }
        assert!(m.open("nope").is_err());
        assert!(!m.exists("nope") && !m.is_file("nope") && !m.is_dir("nope"));
    }

    #[test]
    fn rooted_paths_cannot_escape() {
        let (d, m) = medium();
        assert_eq!(m.resolve("../../etc/passwd").unwrap(), d.path().join("etc/passwd"));
        assert_eq!(m.resolve("/abs/x").unwrap(), d.path().join("abs/x"));
        assert_eq!(m.resolve("a/../../b").unwrap(), d.path().join("b"));
        assert!(LocalMedium::new().resolve("").is_err());
    }

    #[test]
    fn unrooted_uses_paths_as_given() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("x.bin");
        let m = LocalMedium::new();
        m.write(p.to_str().unwrap(), b"z").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"z");
    }
}
