//! Storage media through the C ABI: a caller's medium as a table of
//! callbacks, and opening a store whose database lives on it.

use super::boundary::{call, store_status};
use super::db::{config_from, store_options};
use super::events::store_release_callback;
use super::handles::{store_db, store_kv, KvObject};
use super::sized::{read_in, Growable};
use super::types::{bytes, need, put, text};
use crate::{Error, Result, Store};
use crate::media::{FileInfo, Medium, SharedMedium, WriteCloser};
use std::cell::RefCell;
use std::ffi::c_void;
use std::io::{self, Cursor, Read, Write};
use std::sync::Arc;

/// A medium callback succeeded.
pub const STORE_MEDIUM_OK: i32 = 0;
/// A medium callback found no such path (Go's `fs.ErrNotExist`).
pub const STORE_MEDIUM_NOT_FOUND: i32 = 1;
/// A medium callback failed for another reason; it may say why with
/// `store_medium_call_set_error`.
pub const STORE_MEDIUM_ERROR: i32 = 2;

/// Where a medium callback leaves its result (file content, directory
/// entries) and its error message. Passed to every callback; valid only
/// until the callback returns, and only on the thread that runs it.
pub struct store_medium_call {
    state: RefCell<CallState>,
}

struct CallState {
    content: Vec<u8>,
    entries: Vec<FileInfo>,
    error: Option<String>,
    /// The stream an `open_writer`/`open_reader` callback opened.
    handle: *mut c_void,
}

impl Default for CallState {
    fn default() -> CallState {
        CallState { content: Vec::new(), entries: Vec::new(), error: None, handle: std::ptr::null_mut() }
    }
}

/// `read(user_data, path, path_len, call)`: deliver the whole file with
/// `store_medium_call_write` (any number of pieces).
pub type store_medium_read_fn =
    Option<unsafe extern "C" fn(user_data: *mut c_void, path: *const u8, path_len: usize, call: *mut store_medium_call) -> i32>;
/// `write(user_data, path, path_len, content, content_len, call)`: replace
/// the file's content (Go `Write`, mode 0644 for a new file).
pub type store_medium_write_fn = Option<
    unsafe extern "C" fn(
        user_data: *mut c_void,
        path: *const u8,
        path_len: usize,
        content: *const u8,
        content_len: usize,
        call: *mut store_medium_call,
    ) -> i32,
>;
/// `write_mode(user_data, path, path_len, content, content_len, mode, call)`:
/// replace the file's content with permission bits `mode` (Go `WriteMode`).
pub type store_medium_write_mode_fn = Option<
    unsafe extern "C" fn(
        user_data: *mut c_void,
        path: *const u8,
        path_len: usize,
        content: *const u8,
        content_len: usize,
        mode: u32,
        call: *mut store_medium_call,
    ) -> i32,
>;
/// A callback on one path: `ensure_dir`, `delete`, `delete_all`; `list`
/// (one `store_medium_call_add_entry` per entry) and `stat` (exactly one).
pub type store_medium_path_fn = store_medium_read_fn;
/// A yes/no question about one path (`exists`, `is_file`, `is_dir`):
/// return 1 for yes, 0 for no.
pub type store_medium_test_fn = Option<unsafe extern "C" fn(user_data: *mut c_void, path: *const u8, path_len: usize) -> i32>;
/// `rename(user_data, old_path, old_path_len, new_path, new_path_len, call)`.
pub type store_medium_rename_fn = Option<
    unsafe extern "C" fn(
        user_data: *mut c_void,
        old_path: *const u8,
        old_path_len: usize,
        new_path: *const u8,
        new_path_len: usize,
        call: *mut store_medium_call,
    ) -> i32,
>;

/// `open_writer` flag: create or truncate (Go `Create`, `WriteStream`).
pub const STORE_MEDIUM_CREATE: u32 = 0;
/// `open_writer` flag: append, creating if missing (Go `Append`).
pub const STORE_MEDIUM_APPEND: u32 = 1;

/// `open_writer(user_data, path, path_len, flags, call)`: open a stream for
/// writing (`flags` is `STORE_MEDIUM_CREATE` or `STORE_MEDIUM_APPEND`) and
/// hand it over with `store_medium_call_set_handle`.
pub type store_medium_open_writer_fn = Option<
    unsafe extern "C" fn(user_data: *mut c_void, path: *const u8, path_len: usize, flags: u32, call: *mut store_medium_call) -> i32,
>;
/// `writer_write(user_data, writer, data, len, call)`: append all `len` bytes.
pub type store_medium_writer_write_fn = Option<
    unsafe extern "C" fn(user_data: *mut c_void, writer: *mut c_void, data: *const u8, len: usize, call: *mut store_medium_call) -> i32,
>;
/// `writer_close(user_data, writer, commit, call)`: finish the stream. With
/// `commit` true the content should become visible at the path; false
/// means the library abandons it (an error happened) and the medium should
/// discard it if it can. Called exactly once per opened writer.
pub type store_medium_writer_close_fn =
    Option<unsafe extern "C" fn(user_data: *mut c_void, writer: *mut c_void, commit: bool, call: *mut store_medium_call) -> i32>;
/// `reader_read(user_data, reader, buf, cap, call)`: fill up to `cap` bytes
/// of `buf`; return how many (0 at the end), or a negative value on error.
pub type store_medium_reader_read_fn =
    Option<unsafe extern "C" fn(user_data: *mut c_void, reader: *mut c_void, buf: *mut u8, cap: usize, call: *mut store_medium_call) -> i64>;
/// `reader_close(user_data, reader)`: release a reader; called exactly once
/// per opened reader.
pub type store_medium_reader_close_fn = Option<unsafe extern "C" fn(user_data: *mut c_void, reader: *mut c_void)>;

/// A storage medium supplied by the caller (go-store's `Medium`): a table
/// of callbacks plus `user_data`, handed to `store_open_with_medium`.
///
/// Set `struct_size` to `sizeof(store_medium_vtable)`; a smaller size is
/// refused. Later versions append members and treat those past the
/// caller's size as NULL. Every path is
/// UTF-8 text of `*_len` bytes followed by a NUL the length does not count;
/// contents are bytes. Paths and contents are borrowed for the call only.
///
/// Callbacks return `STORE_MEDIUM_OK`, `STORE_MEDIUM_NOT_FOUND` or
/// `STORE_MEDIUM_ERROR` (any other value counts as an error), except the
/// yes/no ones. They may run on any thread, several at once, for as long as
/// the store uses the medium (its open and its close at least); they must
/// not unwind into the library and must not call the store that uses them.
///
/// Required: `read`, `write`, `exists`, `ensure_dir`, `delete`, `rename`
/// (all the store itself calls). The others may be NULL: the matching
/// operation then fails as unsupported (`is_file`/`is_dir` fall back to
/// `stat`). Streams (Go `Create`, `Append`, `WriteStream`, `Open`,
/// `ReadStream`) use `open_writer`/`writer_write`/`writer_close` and
/// `open_reader`/`reader_read`/`reader_close` when all three of a kind are
/// set, so large files (archives) pass through in bounded memory; otherwise
/// the library buffers the whole content and uses `read`/`write`.
#[repr(C)]
pub struct store_medium_vtable {
    /// `sizeof(store_medium_vtable)` as the caller knows it.
    pub struct_size: u32,
    /// Passed to every callback.
    pub user_data: *mut c_void,
    /// Runs exactly once with `user_data` when the library no longer needs
    /// the medium: after the store is freed, or before a failed
    /// `store_open_with_medium` returns (unless `struct_size` is too small
    /// to reach this member). May be NULL.
    pub release: store_release_callback,
    /// Go `Read`.
    pub read: store_medium_read_fn,
    /// Go `Write`.
    pub write: store_medium_write_fn,
    /// Go `WriteMode`.
    pub write_mode: store_medium_write_mode_fn,
    /// Go `EnsureDir`.
    pub ensure_dir: store_medium_path_fn,
    /// Go `IsFile`.
    pub is_file: store_medium_test_fn,
    /// Go `Delete`.
    pub delete_path: store_medium_path_fn,
    /// Go `DeleteAll`.
    pub delete_all: store_medium_path_fn,
    /// Go `Rename`.
    pub rename: store_medium_rename_fn,
    /// Go `List`: one `store_medium_call_add_entry` per entry.
    pub list: store_medium_path_fn,
    /// Go `Stat`: one `store_medium_call_add_entry`.
    pub stat: store_medium_path_fn,
    /// Go `Exists`.
    pub exists: store_medium_test_fn,
    /// Go `IsDir`.
    pub is_dir: store_medium_test_fn,
    /// Opens a write stream (optional, with the next two).
    pub open_writer: store_medium_open_writer_fn,
    /// Writes to a stream from `open_writer`.
    pub writer_write: store_medium_writer_write_fn,
    /// Finishes or abandons a stream from `open_writer`.
    pub writer_close: store_medium_writer_close_fn,
    /// Opens a read stream (optional, with the next two): hand it over with
    /// `store_medium_call_set_handle`.
    pub open_reader: store_medium_read_fn,
    /// Reads from a stream from `open_reader`.
    pub reader_read: store_medium_reader_read_fn,
    /// Releases a stream from `open_reader`.
    pub reader_close: store_medium_reader_close_fn,
}

// The first published layout is the whole table, streams included (members
// may be NULL); later versions append, and read_in gives a shorter caller's
// missing members as NULL.
unsafe impl Growable for store_medium_vtable {
    const NAME: &'static str = "store_medium_vtable";
    const HOW: &'static str = "set struct_size to sizeof(store_medium_vtable)";
    const FIRST_SIZE: usize = std::mem::size_of::<store_medium_vtable>();
    const SIZE_OFFSET: usize = std::mem::offset_of!(store_medium_vtable, struct_size);

    fn defaults() -> store_medium_vtable {
        // Every member is a nullable pointer or an integer: all-zero is valid.
        let mut table: store_medium_vtable = unsafe { std::mem::zeroed() };
        table.struct_size = std::mem::size_of::<store_medium_vtable>() as u32;
        table
    }
}

/// A caller's medium. Dropping it (when the store and every archive writer
/// are done with it) runs `release` once.
struct ForeignMedium {
    table: store_medium_vtable,
}

// The header makes the caller promise that the callbacks and `user_data`
// may be used from any thread, concurrently.
unsafe impl Send for ForeignMedium {}
unsafe impl Sync for ForeignMedium {}

impl Drop for ForeignMedium {
    fn drop(&mut self) {
        if let Some(release) = self.table.release {
            unsafe { release(self.table.user_data) }
        }
    }
}

/// A path as the callbacks see it: the bytes plus a trailing NUL.
struct CPath(Vec<u8>);

impl CPath {
    fn new(path: &str) -> CPath {
        let mut v = Vec::with_capacity(path.len() + 1);
        v.extend_from_slice(path.as_bytes());
        v.push(0);
        CPath(v)
    }
    fn ptr(&self) -> *const u8 {
        self.0.as_ptr()
    }
    fn len(&self) -> usize {
        self.0.len() - 1
    }
}

fn unsupported(method: &str) -> io::Error {
    io::Error::new(io::ErrorKind::Unsupported, format!("medium does not implement {method}"))
}

impl ForeignMedium {
    /// Copies `min(caller size, own size)` bytes of the table; members past
    /// the caller's size stay NULL.
    unsafe fn adopt(table: *const store_medium_vtable) -> Result<ForeignMedium> {
        if table.is_null() {
            return Err(Error::invalid("store: medium is NULL"));
        }
        let copy = match read_in(table, "medium") {
            Ok(copy) => copy,
            Err(e) => {
                // A table too small for the first layout is refused, but its
                // `release` still runs when the caller's size covers it.
                let given = (*table).struct_size as usize;
                if given >= std::mem::offset_of!(store_medium_vtable, read) {
                    if let Some(release) = (*table).release {
                        release((*table).user_data);
                    }
                }
                return Err(e);
            }
        };
        let medium = ForeignMedium { table: copy };
        let t = &medium.table;
        let missing = [
            ("read", t.read.is_none()),
            ("write", t.write.is_none()),
            ("exists", t.exists.is_none()),
            ("ensure_dir", t.ensure_dir.is_none()),
            ("delete_path", t.delete_path.is_none()),
            ("rename", t.rename.is_none()),
        ];
        if let Some((name, _)) = missing.iter().find(|(_, m)| *m) {
            // Dropping `medium` runs `release`, as the header promises.
            return Err(Error::invalid(format!("store: medium.{name} is NULL; it is required")));
        }
        Ok(medium)
    }

    /// Runs one callback with a fresh call record and turns its status into
    /// an `io::Result` carrying whatever the callback reported.
    fn run(&self, method: &str, path: &str, f: impl FnOnce(*mut store_medium_call) -> i32) -> io::Result<CallState> {
        let call = store_medium_call { state: RefCell::new(CallState::default()) };
        let status = f(&call as *const store_medium_call as *mut store_medium_call);
        let state = call.state.into_inner();
        match status {
            STORE_MEDIUM_OK => Ok(state),
            STORE_MEDIUM_NOT_FOUND => Err(io::Error::new(
                io::ErrorKind::NotFound,
                state.error.unwrap_or_else(|| format!("path not found: {path}")),
            )),
            other => Err(io::Error::other(
                state.error.unwrap_or_else(|| format!("medium {method} {path:?} failed with status {other}")),
            )),
        }
    }

    fn on_path(&self, method: &str, f: store_medium_path_fn, path: &str) -> io::Result<CallState> {
        let f = f.ok_or_else(|| unsupported(method))?;
        let p = CPath::new(path);
        self.run(method, path, |c| unsafe { f(self.table.user_data, p.ptr(), p.len(), c) })
    }

    fn test(&self, f: store_medium_test_fn, path: &str) -> Option<bool> {
        let f = f?;
        let p = CPath::new(path);
        Some(unsafe { f(self.table.user_data, p.ptr(), p.len()) } == 1)
    }

    fn one_entry(&self, state: CallState, path: &str) -> io::Result<FileInfo> {
        state
            .entries
            .into_iter()
            .next()
            .ok_or_else(|| io::Error::other(format!("medium stat {path:?} reported no entry")))
    }
}

/// Collects a stream and hands it to `write` at `close`: foreign media have
/// no streaming callbacks, so streams cost memory equal to the content.
struct BufferedWriter {
    medium: Arc<ForeignMedium>,
    path: String,
    data: Vec<u8>,
    append: bool,
}

impl Write for BufferedWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.data.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl WriteCloser for BufferedWriter {
    fn close(self: Box<Self>) -> io::Result<()> {
        let content = if self.append {
            match self.medium.read(&self.path) {
                Ok(mut old) => {
                    old.extend_from_slice(&self.data);
                    old
                }
                Err(e) if e.kind() == io::ErrorKind::NotFound => self.data,
                Err(e) => return Err(e),
            }
        } else {
            self.data
        };
        self.medium.write(&self.path, &content)
    }
}

/// The shared handle `store_open_with_medium` gives the store; streams keep
/// the medium alive through it.
struct ForeignShared(Arc<ForeignMedium>);

impl ForeignShared {
    fn writer(&self, path: &str, append: bool) -> io::Result<Box<dyn WriteCloser>> {
        let t = &self.0.table;
        let (Some(open), Some(_), Some(_)) = (t.open_writer, t.writer_write, t.writer_close) else {
            return Ok(Box::new(BufferedWriter { medium: self.0.clone(), path: path.to_string(), data: Vec::new(), append }));
        };
        let flags = if append { STORE_MEDIUM_APPEND } else { STORE_MEDIUM_CREATE };
        let p = CPath::new(path);
        let state = self.0.run("open_writer", path, |c| unsafe { open(t.user_data, p.ptr(), p.len(), flags, c) })?;
        Ok(Box::new(StreamWriter { medium: self.0.clone(), handle: state.handle, path: path.to_string(), open: true }))
    }

    fn reader(&self, path: &str) -> io::Result<Box<dyn Read + Send>> {
        let t = &self.0.table;
        let (Some(open), Some(_), Some(_)) = (t.open_reader, t.reader_read, t.reader_close) else {
            return self.0.open(path);
        };
        let p = CPath::new(path);
        let state = self.0.run("open_reader", path, |c| unsafe { open(t.user_data, p.ptr(), p.len(), c) })?;
        Ok(Box::new(StreamReader { medium: self.0.clone(), handle: state.handle, path: path.to_string() }))
    }
}

/// A caller's write stream. Dropped without `close`, it is abandoned
/// (`writer_close` with `commit` false).
struct StreamWriter {
    medium: Arc<ForeignMedium>,
    handle: *mut c_void,
    path: String,
    open: bool,
}

// The header lets the library use a stream from any thread, one at a time.
unsafe impl Send for StreamWriter {}

impl StreamWriter {
    fn finish(&mut self, commit: bool) -> io::Result<()> {
        if !self.open {
            return Ok(());
        }
        self.open = false;
        let t = &self.medium.table;
        let close = t.writer_close.expect("checked at open");
        self.medium.run("writer_close", &self.path, |c| unsafe { close(t.user_data, self.handle, commit, c) }).map(drop)
    }
}

impl Write for StreamWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if !self.open {
            return Err(io::Error::other("write after close"));
        }
        let t = &self.medium.table;
        let write = t.writer_write.expect("checked at open");
        self.medium
            .run("writer_write", &self.path, |c| unsafe { write(t.user_data, self.handle, buf.as_ptr(), buf.len(), c) })?;
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl WriteCloser for StreamWriter {
    fn close(mut self: Box<Self>) -> io::Result<()> {
        self.finish(true)
    }
}

impl Drop for StreamWriter {
    fn drop(&mut self) {
        let _ = self.finish(false);
    }
}

/// A caller's read stream, released when dropped.
struct StreamReader {
    medium: Arc<ForeignMedium>,
    handle: *mut c_void,
    path: String,
}

unsafe impl Send for StreamReader {}

impl Read for StreamReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let t = &self.medium.table;
        let read = t.reader_read.expect("checked at open");
        let mut n: i64 = 0;
        let result = self.medium.run("reader_read", &self.path, |c| {
            n = unsafe { read(t.user_data, self.handle, buf.as_mut_ptr(), buf.len(), c) };
            if n < 0 {
                STORE_MEDIUM_ERROR
            } else {
                STORE_MEDIUM_OK
            }
        });
        result?;
        let n = n as usize;
        if n > buf.len() {
            return Err(io::Error::other(format!("medium reader_read reported {n} bytes for a {}-byte buffer", buf.len())));
        }
        Ok(n)
    }
}

impl Drop for StreamReader {
    fn drop(&mut self) {
        let t = &self.medium.table;
        if let Some(close) = t.reader_close {
            unsafe { close(t.user_data, self.handle) }
        }
    }
}

impl Medium for ForeignMedium {
    fn read(&self, path: &str) -> io::Result<Vec<u8>> {
        Ok(self.on_path("read", self.table.read, path)?.content)
    }

    fn write(&self, path: &str, content: &[u8]) -> io::Result<()> {
        let f = self.table.write.ok_or_else(|| unsupported("write"))?;
        let p = CPath::new(path);
        self.run("write", path, |c| unsafe { f(self.table.user_data, p.ptr(), p.len(), content.as_ptr(), content.len(), c) })
            .map(drop)
    }

    fn write_mode(&self, path: &str, content: &[u8], mode: u32) -> io::Result<()> {
        let f = self.table.write_mode.ok_or_else(|| unsupported("write_mode"))?;
        let p = CPath::new(path);
        self.run("write_mode", path, |c| unsafe {
            f(self.table.user_data, p.ptr(), p.len(), content.as_ptr(), content.len(), mode, c)
        })
        .map(drop)
    }

    fn ensure_dir(&self, path: &str) -> io::Result<()> {
        self.on_path("ensure_dir", self.table.ensure_dir, path).map(drop)
    }

    fn is_file(&self, path: &str) -> bool {
        self.test(self.table.is_file, path)
            .unwrap_or_else(|| self.stat(path).is_ok_and(|i| !i.is_dir))
    }

    fn delete(&self, path: &str) -> io::Result<()> {
        self.on_path("delete", self.table.delete_path, path).map(drop)
    }

    fn delete_all(&self, path: &str) -> io::Result<()> {
        self.on_path("delete_all", self.table.delete_all, path).map(drop)
    }

    fn rename(&self, old_path: &str, new_path: &str) -> io::Result<()> {
        let f = self.table.rename.ok_or_else(|| unsupported("rename"))?;
        let (a, b) = (CPath::new(old_path), CPath::new(new_path));
        self.run("rename", old_path, |c| unsafe { f(self.table.user_data, a.ptr(), a.len(), b.ptr(), b.len(), c) })
            .map(drop)
    }

    fn list(&self, path: &str) -> io::Result<Vec<FileInfo>> {
        let mut entries = self.on_path("list", self.table.list, path)?.entries;
        entries.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(entries)
    }

    fn stat(&self, path: &str) -> io::Result<FileInfo> {
        let state = self.on_path("stat", self.table.stat, path)?;
        self.one_entry(state, path)
    }

    fn open(&self, path: &str) -> io::Result<Box<dyn Read + Send>> {
        Ok(Box::new(Cursor::new(self.read(path)?)))
    }

    fn create(&self, _path: &str) -> io::Result<Box<dyn WriteCloser>> {
        // Only reachable through `ForeignShared`, which keeps the medium alive.
        Err(unsupported("create on an unshared medium"))
    }

    fn append(&self, _path: &str) -> io::Result<Box<dyn WriteCloser>> {
        Err(unsupported("append on an unshared medium"))
    }

    fn read_stream(&self, path: &str) -> io::Result<Box<dyn Read + Send>> {
        self.open(path)
    }

    fn write_stream(&self, path: &str) -> io::Result<Box<dyn WriteCloser>> {
        self.create(path)
    }

    fn exists(&self, path: &str) -> bool {
        self.test(self.table.exists, path).unwrap_or(false)
    }

    fn is_dir(&self, path: &str) -> bool {
        self.test(self.table.is_dir, path)
            .unwrap_or_else(|| self.stat(path).is_ok_and(|i| i.is_dir))
    }
}

impl Medium for ForeignShared {
    fn read(&self, path: &str) -> io::Result<Vec<u8>> {
        self.0.read(path)
    }
    fn write(&self, path: &str, content: &[u8]) -> io::Result<()> {
        self.0.write(path, content)
    }
    fn write_mode(&self, path: &str, content: &[u8], mode: u32) -> io::Result<()> {
        self.0.write_mode(path, content, mode)
    }
    fn ensure_dir(&self, path: &str) -> io::Result<()> {
        self.0.ensure_dir(path)
    }
    fn is_file(&self, path: &str) -> bool {
        self.0.is_file(path)
    }
    fn delete(&self, path: &str) -> io::Result<()> {
        self.0.delete(path)
    }
    fn delete_all(&self, path: &str) -> io::Result<()> {
        self.0.delete_all(path)
    }
    fn rename(&self, old_path: &str, new_path: &str) -> io::Result<()> {
        self.0.rename(old_path, new_path)
    }
    fn list(&self, path: &str) -> io::Result<Vec<FileInfo>> {
        self.0.list(path)
    }
    fn stat(&self, path: &str) -> io::Result<FileInfo> {
        self.0.stat(path)
    }
    fn open(&self, path: &str) -> io::Result<Box<dyn Read + Send>> {
        self.reader(path)
    }
    fn create(&self, path: &str) -> io::Result<Box<dyn WriteCloser>> {
        self.writer(path, false)
    }
    fn append(&self, path: &str) -> io::Result<Box<dyn WriteCloser>> {
        self.writer(path, true)
    }
    fn read_stream(&self, path: &str) -> io::Result<Box<dyn Read + Send>> {
        self.reader(path)
    }
    fn write_stream(&self, path: &str) -> io::Result<Box<dyn WriteCloser>> {
        self.writer(path, false)
    }
    fn exists(&self, path: &str) -> bool {
        self.0.exists(path)
    }
    fn is_dir(&self, path: &str) -> bool {
        self.0.is_dir(path)
    }
}

/// Wraps a caller's table as a medium the store can share. On error the
/// table's `release` has already run (when it could be read).
pub(crate) unsafe fn adopt_medium(table: *const store_medium_vtable) -> Result<SharedMedium> {
    let medium = ForeignMedium::adopt(table)?;
    Ok(SharedMedium::from(Arc::new(ForeignShared(Arc::new(medium))) as Arc<dyn Medium>))
}

unsafe fn call_ref<'a>(call: *mut store_medium_call) -> Result<&'a store_medium_call> {
    call.cast_const().as_ref().ok_or_else(|| Error::invalid("store: medium call is NULL"))
}

/// Appends `len` bytes to the content a `read` callback delivers, any
/// number of times.
///
/// Ownership: `call` is the library's, valid during the callback only;
/// `data` is copied before this returns. Thread: inside the callback, on
/// its thread.
#[no_mangle]
pub unsafe extern "C" fn store_medium_call_write(call: *mut store_medium_call, data: *const u8, len: usize) -> store_status {
    super::boundary::call(|| {
        let c = call_ref(call)?;
        let data = bytes(data, len, "data")?;
        c.state.borrow_mut().content.extend_from_slice(data);
        Ok(())
    })
}

/// Reports one directory entry from a `list` callback, or the facts about
/// the path from a `stat` callback. `name` is UTF-8; `mode` holds
/// permission bits (0644); `modified_ms` is Unix milliseconds (0 if
/// unknown).
///
/// Ownership: `call` is the library's, valid during the callback only;
/// `name` is copied before this returns. Thread: inside the callback, on
/// its thread.
#[no_mangle]
pub unsafe extern "C" fn store_medium_call_add_entry(
    call: *mut store_medium_call,
    name: *const u8,
    name_len: usize,
    size: u64,
    mode: u32,
    modified_ms: i64,
    is_dir: bool,
) -> store_status {
    super::boundary::call(|| {
        let c = call_ref(call)?;
        let name = text(name, name_len, "name")?.to_string();
        c.state.borrow_mut().entries.push(FileInfo { name, size, mode, modified_ms, is_dir });
        Ok(())
    })
}

/// Hands the library the stream an `open_writer` or `open_reader` callback
/// opened; the library passes it back to the stream callbacks and closes it
/// exactly once (`writer_close`, `reader_close`).
///
/// Ownership: `call` is the library's, valid during the callback only;
/// `handle` stays the medium's. Thread: inside the callback, on its thread,
/// before it returns `STORE_MEDIUM_OK`.
#[no_mangle]
pub unsafe extern "C" fn store_medium_call_set_handle(call: *mut store_medium_call, handle: *mut c_void) -> store_status {
    super::boundary::call(|| {
        call_ref(call)?.state.borrow_mut().handle = handle;
        Ok(())
    })
}

/// Says why a callback failed (invalid UTF-8 is replaced). The message
/// becomes the cause in the store's error text.
///
/// Ownership: `call` is the library's, valid during the callback only;
/// `message` is copied before this returns. Thread: inside the callback, on
/// its thread, before it returns a status other than `STORE_MEDIUM_OK`.
#[no_mangle]
pub unsafe extern "C" fn store_medium_call_set_error(call: *mut store_medium_call, message: *const u8, len: usize) -> store_status {
    super::boundary::call(|| {
        let c = call_ref(call)?;
        let message = String::from_utf8_lossy(bytes(message, len, "message")?).into_owned();
        c.state.borrow_mut().error = Some(message);
        Ok(())
    })
}

/// Streams the file `source_path` on `source` to `destination_path` on
/// `destination` (go-io `Copy`): read with the source's reader callbacks,
/// written with the destination's writer callbacks, so any size passes in
/// bounded memory when both media have stream callbacks (else through
/// `read`/`write`). The destination is committed only after the last byte;
/// on failure its writer is abandoned. Writes the byte count to `*copied`
/// (may be NULL).
///
/// Ownership: the tables are copied; the library takes both media for the
/// call and runs each one's `release` exactly once before returning,
/// whatever the outcome (so give the same medium twice only if its release
/// tolerates two calls). The paths are borrowed for the call; `copied` is
/// written on success. Thread: any; the callbacks run on the calling
/// thread.
#[no_mangle]
pub unsafe extern "C" fn store_medium_copy(
    source: *const store_medium_vtable,
    source_path: *const u8,
    source_path_len: usize,
    destination: *const store_medium_vtable,
    destination_path: *const u8,
    destination_path_len: usize,
    copied: *mut u64,
) -> store_status {
    call(|| {
        const OP: &str = "store.CopyMedium";
        let from = adopt_medium(source).map_err(|e| e.wrap(format_args!("{OP}: source")));
        let to = adopt_medium(destination).map_err(|e| e.wrap(format_args!("{OP}: destination")));
        let (from, to) = (from?, to?);
        let source_path = text(source_path, source_path_len, "source_path")?;
        let destination_path = text(destination_path, destination_path_len, "destination_path")?;
        let n = crate::media::copy(&*from, source_path, &*to, destination_path)?;
        if !copied.is_null() {
            copied.write(n);
        }
        Ok(())
    })
}

/// Like `store_open`, with the database kept on `medium` (go-store
/// `WithMedium`): for a path other than `":memory:"` the file is copied
/// from the medium to a private temp directory at open (if the medium has
/// it) and written back whole with `medium->write` when the store closes.
/// Nothing reaches the medium before `store_close`; if the write-back fails
/// `store_close` reports it, the store stays closed to callers, and a later
/// `store_close` tries again.
///
/// Ownership: the library takes the medium whatever the outcome; `release`
/// runs exactly once, after `store_free` (when nothing uses the medium any
/// more) or before this function returns an error. The `medium` table
/// itself is copied, as are `path` and `options` (which may be NULL). On
/// success the caller owns `*out` (free with `store_free`). Thread: any;
/// the medium's callbacks run on the threads that open and close the store.
#[no_mangle]
pub unsafe extern "C" fn store_open_with_medium(
    path: *const u8,
    path_len: usize,
    options: *const store_options,
    medium: *const store_medium_vtable,
    out: *mut *mut store_db,
) -> store_status {
    call(|| {
        // Adopt first, so every later failure releases the medium.
        let medium = adopt_medium(medium).map_err(|e| e.wrap("store.New"))?;
        need(out, "out")?;
        let mut config = config_from(bytes(path, path_len, "path")?, options).map_err(|e| e.wrap("store.New"))?;
        config.medium = Some(medium);
        let store = Store::open(config)?;
        put(out, Box::into_raw(Box::new(store_db { kv: store_kv { obj: KvObject::Store(store) } })), "out")
    })
}

#[cfg(test)]
mod tests {
    //! The bridge from a callback table to `Medium`, driven from Rust with
    //! `extern "C"` callbacks over a `MemoryMedium` (the C, Go, C# and C++
    //! tests cover the store paths; these cover the members the store does
    //! not call).
    use super::*;
    use crate::media::MemoryMedium;
    use std::sync::atomic::{AtomicUsize, Ordering};

    static RELEASED: AtomicUsize = AtomicUsize::new(0);

    unsafe fn mem<'a>(u: *mut c_void) -> &'a MemoryMedium {
        &*(u as *const MemoryMedium)
    }
    unsafe fn path<'a>(p: *const u8, n: usize) -> &'a str {
        std::str::from_utf8(std::slice::from_raw_parts(p, n)).unwrap()
    }
    unsafe fn status(c: *mut store_medium_call, r: io::Result<()>) -> i32 {
        match r {
            Ok(()) => STORE_MEDIUM_OK,
            Err(e) => {
                let m = e.to_string();
                store_medium_call_set_error(c, m.as_ptr(), m.len());
                if e.kind() == io::ErrorKind::NotFound {
                    STORE_MEDIUM_NOT_FOUND
                } else {
                    STORE_MEDIUM_ERROR
                }
            }
        }
    }
    unsafe extern "C" fn read(u: *mut c_void, p: *const u8, n: usize, c: *mut store_medium_call) -> i32 {
        let r = mem(u).read(path(p, n)).map(|d| {
            store_medium_call_write(c, d.as_ptr(), d.len());
        });
        status(c, r)
    }
    unsafe extern "C" fn write(u: *mut c_void, p: *const u8, n: usize, d: *const u8, dn: usize, c: *mut store_medium_call) -> i32 {
        status(c, mem(u).write(path(p, n), std::slice::from_raw_parts(d, dn)))
    }
    unsafe extern "C" fn ensure_dir(u: *mut c_void, p: *const u8, n: usize, c: *mut store_medium_call) -> i32 {
        status(c, mem(u).ensure_dir(path(p, n)))
    }
    unsafe extern "C" fn delete(u: *mut c_void, p: *const u8, n: usize, c: *mut store_medium_call) -> i32 {
        status(c, mem(u).delete(path(p, n)))
    }
    unsafe extern "C" fn rename(u: *mut c_void, a: *const u8, an: usize, b: *const u8, bn: usize, c: *mut store_medium_call) -> i32 {
        status(c, mem(u).rename(path(a, an), path(b, bn)))
    }
    unsafe extern "C" fn exists(u: *mut c_void, p: *const u8, n: usize) -> i32 {
        mem(u).exists(path(p, n)) as i32
    }
    unsafe extern "C" fn entries(u: *mut c_void, p: *const u8, n: usize, c: *mut store_medium_call, list: bool) -> i32 {
        let infos = if list { mem(u).list(path(p, n)) } else { mem(u).stat(path(p, n)).map(|i| vec![i]) };
        let r = infos.map(|infos| {
            // Reported in reverse: the bridge sorts listings.
            for i in infos.iter().rev() {
                store_medium_call_add_entry(c, i.name.as_ptr(), i.name.len(), i.size, i.mode, i.modified_ms, i.is_dir);
            }
        });
        status(c, r)
    }
    unsafe extern "C" fn list(u: *mut c_void, p: *const u8, n: usize, c: *mut store_medium_call) -> i32 {
        entries(u, p, n, c, true)
    }
    unsafe extern "C" fn stat(u: *mut c_void, p: *const u8, n: usize, c: *mut store_medium_call) -> i32 {
        entries(u, p, n, c, false)
    }
    unsafe extern "C" fn release(u: *mut c_void) {
        drop(Box::from_raw(u as *mut MemoryMedium));
        RELEASED.fetch_add(1, Ordering::SeqCst);
    }

    fn table(memory: &MemoryMedium) -> store_medium_vtable {
        let mut v: store_medium_vtable = unsafe { std::mem::zeroed() };
        v.struct_size = std::mem::size_of::<store_medium_vtable>() as u32;
        v.user_data = Box::into_raw(Box::new(memory.clone())) as *mut c_void;
        v.release = Some(release);
        v.read = Some(read);
        v.write = Some(write);
        v.ensure_dir = Some(ensure_dir);
        v.delete_path = Some(delete);
        v.rename = Some(rename);
        v.exists = Some(exists);
        v
    }

    #[test]
    fn optional_members_and_fallbacks() {
        let memory = MemoryMedium::new();
        memory.write("d/b", b"22").unwrap();
        memory.write("d/a", b"1").unwrap();
        let before = RELEASED.load(Ordering::SeqCst);
        {
            let bare = unsafe { adopt_medium(&table(&memory)) }.unwrap();
            assert_eq!(bare.read("d/a").unwrap(), b"1");
            assert_eq!(bare.list("d").unwrap_err().kind(), io::ErrorKind::Unsupported);
            assert_eq!(bare.delete_all("d").unwrap_err().to_string(), "medium does not implement delete_all");
            assert_eq!(bare.write_mode("x", b"", 0o600).unwrap_err().kind(), io::ErrorKind::Unsupported);
            assert!(!bare.is_file("d/a"), "no is_file and no stat: unknown counts as no");
            let mut s = String::new();
            bare.open("d/b").unwrap().read_to_string(&mut s).unwrap();
            assert_eq!(s, "22", "open without stream callbacks reads whole");
            let mut w = bare.append("d/a").unwrap();
            w.write_all(b"+").unwrap();
            w.close().unwrap();
            assert_eq!(memory.read("d/a").unwrap(), b"1+", "append without stream callbacks");
            let e = bare.read("missing").unwrap_err();
            assert_eq!((e.kind(), e.to_string()), (io::ErrorKind::NotFound, "path not found: missing".to_string()));

            let mut t = table(&memory);
            t.list = Some(list);
            t.stat = Some(stat);
            let full = unsafe { adopt_medium(&t) }.unwrap();
            let names: Vec<_> = full.list("d").unwrap().into_iter().map(|i| i.name).collect();
            assert_eq!(names, ["a", "b"], "sorted");
            assert!(full.is_file("d/a") && !full.is_dir("d/a"), "via stat");
            assert!(full.is_dir("d") && !full.is_file("d"));
            assert_eq!(full.stat("d/b").unwrap().size, 2);
            assert_eq!(full.stat("zz").unwrap_err().kind(), io::ErrorKind::NotFound);
        }
        assert_eq!(RELEASED.load(Ordering::SeqCst) - before, 2, "each table released once");
    }
}
