//! An in-memory medium (go-io's `MockMedium`), for tests and for programs
//! that want a store whose file lives only as long as the process.

use super::medium::{not_found, FileInfo, Medium, WriteCloser, DEFAULT_FILE_MODE};
use parking_lot::Mutex;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Cursor, Read, Write};
use std::sync::Arc;

#[derive(Clone)]
struct MemFile {
    content: Vec<u8>,
    mode: u32,
    modified_ms: i64,
}

#[derive(Default)]
struct Tree {
    files: BTreeMap<String, MemFile>,
    dirs: BTreeSet<String>,
}

/// Files and directories held in memory, keyed by their path text. A
/// directory exists when it was made with `ensure_dir` or holds a file.
/// Clones share the same files. Every method is atomic with respect to the
/// others.
#[derive(Clone, Default)]
pub struct MemoryMedium {
    tree: Arc<Mutex<Tree>>,
}

fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

/// `a/b` → `a/b/`; `` → `` (the root).
fn dir_prefix(path: &str) -> String {
    if path.is_empty() || path.ends_with('/') {
        path.to_string()
    } else {
        format!("{path}/")
    }
}

fn base_name(path: &str) -> String {
    path.trim_end_matches('/').rsplit('/').next().unwrap_or("").to_string()
}

impl Tree {
    fn is_dir(&self, path: &str) -> bool {
        if path.is_empty() || self.dirs.contains(path) {
            return true;
        }
        let prefix = dir_prefix(path);
        self.files.range(prefix.clone()..).next().is_some_and(|(k, _)| k.starts_with(&prefix))
            || self.dirs.range(prefix.clone()..).next().is_some_and(|k| k.starts_with(&prefix))
    }

    fn write(&mut self, path: &str, content: Vec<u8>, mode: Option<u32>) {
        let mode = mode.or_else(|| self.files.get(path).map(|f| f.mode)).unwrap_or(DEFAULT_FILE_MODE);
        self.files.insert(path.to_string(), MemFile { content, mode, modified_ms: now_ms() });
    }
}

impl MemoryMedium {
    /// An empty medium.
    pub fn new() -> MemoryMedium {
        MemoryMedium::default()
    }

    /// Every file path, sorted (for tests and diagnostics).
    pub fn file_paths(&self) -> Vec<String> {
        self.tree.lock().files.keys().cloned().collect()
    }
}

/// Collects bytes and stores them at `close`, replacing or extending.
struct MemWriter {
    tree: Arc<Mutex<Tree>>,
    path: String,
    data: Vec<u8>,
    append: bool,
}

impl Write for MemWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.data.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl WriteCloser for MemWriter {
    fn close(self: Box<Self>) -> io::Result<()> {
        let mut tree = self.tree.lock();
        let content = match (self.append, tree.files.get(&self.path)) {
            (true, Some(old)) => {
                let mut c = old.content.clone();
                c.extend_from_slice(&self.data);
                c
            }
            _ => self.data,
        };
        tree.write(&self.path, content, None);
        Ok(())
    }
}

impl Medium for MemoryMedium {
    fn read(&self, path: &str) -> io::Result<Vec<u8>> {
        self.tree.lock().files.get(path).map(|f| f.content.clone()).ok_or_else(|| not_found(path))
    }

    fn write(&self, path: &str, content: &[u8]) -> io::Result<()> {
        self.tree.lock().write(path, content.to_vec(), None);
        Ok(())
    }

    fn write_mode(&self, path: &str, content: &[u8], mode: u32) -> io::Result<()> {
        self.tree.lock().write(path, content.to_vec(), Some(mode & 0o7777));
        Ok(())
    }

    fn ensure_dir(&self, path: &str) -> io::Result<()> {
        let mut tree = self.tree.lock();
        if tree.files.contains_key(path) {
            return Err(io::Error::new(io::ErrorKind::AlreadyExists, format!("not a directory: {path}")));
        }
        if !path.is_empty() {
            tree.dirs.insert(path.trim_end_matches('/').to_string());
        }
        Ok(())
    }

    fn is_file(&self, path: &str) -> bool {
        self.tree.lock().files.contains_key(path)
    }

    fn delete(&self, path: &str) -> io::Result<()> {
        let mut tree = self.tree.lock();
        if tree.files.remove(path).is_some() {
            return Ok(());
        }
        if !tree.is_dir(path) || path.is_empty() {
            return Err(not_found(path));
        }
        let prefix = dir_prefix(path);
        let busy = tree.files.keys().any(|k| k.starts_with(&prefix)) || tree.dirs.iter().any(|d| d.starts_with(&prefix));
        if busy {
            return Err(io::Error::other(format!("directory not empty: {path}")));
        }
        tree.dirs.remove(path);
        Ok(())
    }

    /// A missing path is not an error (like the local medium).
    fn delete_all(&self, path: &str) -> io::Result<()> {
        let mut tree = self.tree.lock();
        let prefix = dir_prefix(path);
        tree.files.retain(|k, _| k != path && !k.starts_with(&prefix));
        tree.dirs.retain(|k| k != path && !k.starts_with(&prefix));
        Ok(())
    }

    fn rename(&self, old_path: &str, new_path: &str) -> io::Result<()> {
        let mut tree = self.tree.lock();
        if let Some(file) = tree.files.remove(old_path) {
            tree.files.insert(new_path.to_string(), file);
            return Ok(());
        }
        if old_path.is_empty() || !tree.is_dir(old_path) {
            return Err(not_found(old_path));
        }
        let (old_prefix, new_prefix) = (dir_prefix(old_path), dir_prefix(new_path));
        let moved: Vec<String> = tree.files.keys().filter(|k| k.starts_with(&old_prefix)).cloned().collect();
        for k in moved {
            let f = tree.files.remove(&k).expect("listed");
            tree.files.insert(format!("{new_prefix}{}", &k[old_prefix.len()..]), f);
        }
        let dirs: Vec<String> = tree.dirs.iter().filter(|d| *d == old_path || d.starts_with(&old_prefix)).cloned().collect();
        for d in dirs {
            tree.dirs.remove(&d);
            let renamed = if d == old_path { new_path.to_string() } else { format!("{new_prefix}{}", &d[old_prefix.len()..]) };
            tree.dirs.insert(renamed);
        }
        Ok(())
    }

    fn list(&self, path: &str) -> io::Result<Vec<FileInfo>> {
        let tree = self.tree.lock();
        if !tree.is_dir(path) {
            return Err(not_found(path));
        }
        let prefix = dir_prefix(path);
        let mut out: BTreeMap<String, FileInfo> = BTreeMap::new();
        for (k, f) in tree.files.range(prefix.clone()..).take_while(|(k, _)| k.starts_with(&prefix)) {
            let rest = &k[prefix.len()..];
            match rest.split_once('/') {
                None => {
                    out.insert(
                        rest.to_string(),
                        FileInfo { name: rest.into(), size: f.content.len() as u64, mode: f.mode, modified_ms: f.modified_ms, is_dir: false },
                    );
                }
                Some((dir, _)) => {
                    out.entry(dir.to_string()).or_insert_with(|| dir_info(dir));
                }
            }
        }
        for d in tree.dirs.range(prefix.clone()..).take_while(|d| d.starts_with(&prefix)) {
            let rest = &d[prefix.len()..];
            let name = rest.split('/').next().unwrap_or("");
            if !name.is_empty() {
                out.entry(name.to_string()).or_insert_with(|| dir_info(name));
            }
        }
        Ok(out.into_values().collect())
    }

    fn stat(&self, path: &str) -> io::Result<FileInfo> {
        let tree = self.tree.lock();
        if let Some(f) = tree.files.get(path) {
            return Ok(FileInfo {
                name: base_name(path),
                size: f.content.len() as u64,
                mode: f.mode,
                modified_ms: f.modified_ms,
                is_dir: false,
            });
        }
        if tree.is_dir(path) {
            return Ok(dir_info(&base_name(path)));
        }
        Err(not_found(path))
    }

    fn open(&self, path: &str) -> io::Result<Box<dyn Read + Send>> {
        Ok(Box::new(Cursor::new(self.read(path)?)))
    }

    fn create(&self, path: &str) -> io::Result<Box<dyn WriteCloser>> {
        Ok(Box::new(MemWriter { tree: self.tree.clone(), path: path.to_string(), data: Vec::new(), append: false }))
    }

    fn append(&self, path: &str) -> io::Result<Box<dyn WriteCloser>> {
        Ok(Box::new(MemWriter { tree: self.tree.clone(), path: path.to_string(), data: Vec::new(), append: true }))
    }

    fn read_stream(&self, path: &str) -> io::Result<Box<dyn Read + Send>> {
        self.open(path)
    }

    fn write_stream(&self, path: &str) -> io::Result<Box<dyn WriteCloser>> {
        self.create(path)
    }

    fn exists(&self, path: &str) -> bool {
        let tree = self.tree.lock();
        tree.files.contains_key(path) || (!path.is_empty() && tree.is_dir(path))
    }

    fn is_dir(&self, path: &str) -> bool {
        self.tree.lock().is_dir(path)
    }
}

fn dir_info(name: &str) -> FileInfo {
    FileInfo { name: name.to_string(), size: 0, mode: 0o755, modified_ms: 0, is_dir: true }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_and_implicit_directories() {
        let m = MemoryMedium::new();
        m.write("a/b/c", b"x").unwrap();
        assert!(m.is_file("a/b/c") && m.is_dir("a/b") && m.is_dir("a") && m.exists("a"));
        assert!(!m.exists("a/b/c/d") && !m.exists("") && !m.is_file("a"));
        m.ensure_dir("empty").unwrap();
        assert!(m.is_dir("empty"));
        assert!(m.ensure_dir("a/b/c").is_err(), "a file is in the way");
        let names: Vec<_> = m.list("").unwrap().into_iter().map(|i| (i.name, i.is_dir)).collect();
        assert_eq!(names, [("a".to_string(), true), ("empty".to_string(), true)]);
        assert_eq!(m.list("a/b").unwrap()[0], FileInfo { name: "c".into(), size: 1, mode: 0o644, modified_ms: m.stat("a/b/c").unwrap().modified_ms, is_dir: false });
        assert_eq!(m.list("nope").unwrap_err().kind(), io::ErrorKind::NotFound);
    }

    #[test]
    fn streams_publish_at_close() {
        let m = MemoryMedium::new();
        let mut w = m.create("f").unwrap();
        w.write_all(b"one").unwrap();
        assert!(!m.exists("f"));
        w.close().unwrap();
        let mut w = m.append("f").unwrap();
        w.write_all(b"+two").unwrap();
        w.close().unwrap();
        let mut s = String::new();
        m.read_stream("f").unwrap().read_to_string(&mut s).unwrap();
        assert_eq!(s, "one+two");
        drop(m.write_stream("f").unwrap());
        assert_eq!(m.read("f").unwrap(), b"one+two", "abandoned writer publishes nothing");
    }

    #[test]
    fn rename_and_delete() {
        let m = MemoryMedium::new();
        m.write_mode("d/x", b"1", 0o600).unwrap();
        m.write("d/sub/y", b"2").unwrap();
        m.rename("d", "e").unwrap();
        assert_eq!(m.file_paths(), ["e/sub/y", "e/x"]);
        assert_eq!(m.stat("e/x").unwrap().mode, 0o600);
        assert_eq!(m.rename("zz", "yy").unwrap_err().kind(), io::ErrorKind::NotFound);
        assert!(m.delete("e").is_err(), "not empty");
        m.delete("e/x").unwrap();
        assert_eq!(m.delete("e/x").unwrap_err().kind(), io::ErrorKind::NotFound);
        m.delete_all("e").unwrap();
        assert!(m.file_paths().is_empty() && !m.exists("e"));
        m.ensure_dir("k").unwrap();
        m.delete("k").unwrap();
        assert!(!m.exists("k"));
    }

    #[test]
    fn clones_share_content() {
        let m = MemoryMedium::new();
        let c = m.clone();
        c.write("p", b"v").unwrap();
        assert_eq!(m.read("p").unwrap(), b"v");
        assert_eq!(m.read("q").unwrap_err().to_string(), "path not found: q");
    }
}
