//! The panic boundary, status codes and the per-thread last-error message.

use crate::base::error::{Error, ErrorKind, Op};
use std::any::Any;
use std::cell::{Cell, RefCell};
use std::ffi::{c_char, CStr};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Result of every fallible function. Numbers are stable and never reused.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum store_status {
    /// Success.
    STORE_OK = 0,
    /// The key does not exist or has expired.
    STORE_NOT_FOUND = 1,
    /// A namespace quota would be exceeded; nothing was written.
    STORE_QUOTA_EXCEEDED = 2,
    /// The store, transaction or watch is closed.
    STORE_CLOSED = 3,
    /// A NULL pointer, bad length, invalid UTF-8 where text is required, or an unusable value.
    STORE_INVALID_ARGUMENT = 4,
    /// A transaction on another handle (or another process's lock) outlasted the busy timeout, or a store write was made inside its own transaction's body.
    STORE_BUSY = 5,
    /// The operating system refused a file operation.
    STORE_IO = 6,
    /// The file is not a database or is damaged.
    STORE_CORRUPT = 7,
    /// The database rejected a statement.
    STORE_QUERY = 8,
    /// A template failed to parse or render.
    STORE_TEMPLATE = 9,
    /// A bug inside the library (a caught panic). The message says where.
    STORE_INTERNAL = 10,
    /// `store_watch_next`: no event arrived within the timeout.
    STORE_TIMEOUT = 11,
    /// `store_transaction`: the body returned a non-zero value that is not a
    /// `store_status`; the transaction was rolled back.
    STORE_ABORTED = 12,
}

impl store_status {
    /// The status with this number, if there is one. Integers from C (a
    /// callback's return value) go through here, never straight into the enum.
    pub(crate) fn from_code(code: i64) -> Option<store_status> {
        use store_status::*;
        const ALL: [store_status; 13] = [
            STORE_OK,
            STORE_NOT_FOUND,
            STORE_QUOTA_EXCEEDED,
            STORE_CLOSED,
            STORE_INVALID_ARGUMENT,
            STORE_BUSY,
            STORE_IO,
            STORE_CORRUPT,
            STORE_QUERY,
            STORE_TEMPLATE,
            STORE_INTERNAL,
            STORE_TIMEOUT,
            STORE_ABORTED,
        ];
        ALL.into_iter().find(|s| *s as i64 == code)
    }
}

pub(crate) fn status_of(kind: ErrorKind) -> store_status {
    use store_status::*;
    match kind {
        ErrorKind::NotFound => STORE_NOT_FOUND,
        ErrorKind::QuotaExceeded => STORE_QUOTA_EXCEEDED,
        ErrorKind::Closed => STORE_CLOSED,
        ErrorKind::InvalidArgument => STORE_INVALID_ARGUMENT,
        ErrorKind::Busy => STORE_BUSY,
        ErrorKind::Io => STORE_IO,
        ErrorKind::Corrupt => STORE_CORRUPT,
        ErrorKind::Query => STORE_QUERY,
        ErrorKind::Template => STORE_TEMPLATE,
        ErrorKind::Internal => STORE_INTERNAL,
    }
}

/// The last failure on this thread. A miss (`STORE_NOT_FOUND` from a get)
/// is common on hot paths, so its text is only formatted if someone asks.
struct LastError {
    /// NUL-terminated message ("" if none), valid when `missing` is `None`.
    text: Vec<u8>,
    /// A not-found whose message is still to be written.
    missing: Option<Op>,
    group: Vec<u8>,
    key: Vec<u8>,
}

thread_local! {
    static LAST_ERROR: RefCell<LastError> =
        RefCell::new(LastError { text: vec![0], missing: None, group: Vec::new(), key: Vec::new() });
}

fn write_text(text: &mut Vec<u8>, message: &str) {
    text.clear();
    let bytes = message.as_bytes();
    if bytes.contains(&0) {
        // An embedded NUL (from a key in a not-found message) would cut the C string short.
        for &b in bytes {
            if b == 0 {
                text.extend_from_slice(b"\\0");
            } else {
                text.push(b);
            }
        }
    } else {
        text.extend_from_slice(bytes);
    }
    text.push(0);
}

/// Runs `f` on this thread's last error. Does nothing while the thread is
/// being torn down (its thread-locals are gone) or if the record is already
/// borrowed: losing a message is better than a panic at the boundary.
fn with_last_error(f: impl FnOnce(&mut LastError)) {
    let _ = LAST_ERROR.try_with(|e| {
        if let Ok(mut e) = e.try_borrow_mut() {
            f(&mut e);
        }
    });
}

pub(crate) fn set_last_error(message: &str) {
    with_last_error(|e| {
        e.missing = None;
        write_text(&mut e.text, message);
    });
}

/// Records `op: group/key: store: not found` without formatting it yet and
/// returns `STORE_NOT_FOUND`.
pub(crate) fn set_not_found(op: Op, group: &[u8], key: &[u8]) -> store_status {
    with_last_error(|e| {
        e.missing = Some(op);
        e.group.clear();
        e.group.extend_from_slice(group);
        e.key.clear();
        e.key.extend_from_slice(key);
    });
    store_status::STORE_NOT_FOUND
}

pub(crate) fn clear_last_error() {
    with_last_error(|e| {
        e.missing = None;
        if e.text.len() != 1 {
            e.text.clear();
            e.text.push(0);
        }
    });
}

/// The last error's text, formatting a pending not-found first.
pub(crate) fn last_error_text() -> String {
    let mut text = String::new();
    with_last_error(|e| {
        format_pending(e);
        text = String::from_utf8_lossy(&e.text[..e.text.len() - 1]).into_owned();
    });
    text
}

fn format_pending(e: &mut LastError) {
    if let Some(op) = e.missing.take() {
        let message = Error::not_found_at(op, &e.group, &e.key);
        write_text(&mut e.text, message.message());
    }
}

/// The text of a caught panic's payload.
fn panic_text(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string())
}

/// Runs the body of a fallible C function: catches panics, turns errors
/// into a status plus message, and on success leaves the last error empty,
/// even if a callback run inside the call (an event callback, a transaction
/// body) failed and recorded one.
pub(crate) fn call(f: impl FnOnce() -> Result<(), Error>) -> store_status {
    let _depth = Depth::enter();
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(())) => {
            clear_last_error();
            store_status::STORE_OK
        }
        Ok(Err(e)) => {
            set_last_error(e.message());
            status_of(e.kind())
        }
        Err(panic) => {
            set_last_error(&format!("store: internal error: {}", panic_text(panic.as_ref())));
            store_status::STORE_INTERNAL
        }
    }
}

/// Runs the body of an infallible C function (getters, frees), returning
/// `default` if it panics.
pub(crate) fn call_or<T>(default: T, f: impl FnOnce() -> T) -> T {
    let _depth = Depth::enter();
    catch_unwind(AssertUnwindSafe(f)).unwrap_or(default)
}

thread_local! {
    /// Library calls in progress on this thread. An event callback (or a
    /// release function) runs inside the call that delivered it, so a call
    /// it makes is nested.
    static DEPTH: Cell<u32> = const { Cell::new(0) };
    /// Handles freed by a nested call: the outer call may still be using
    /// their memory, so it is released when the outermost call returns.
    static DEFERRED: RefCell<Vec<Box<dyn Any>>> = const { RefCell::new(Vec::new()) };
}

/// Counts this thread's nesting for the duration of one library call.
struct Depth;

impl Depth {
    fn enter() -> Depth {
        let _ = DEPTH.try_with(|d| d.set(d.get() + 1));
        Depth
    }
}

impl Drop for Depth {
    fn drop(&mut self) {
        let outermost = DEPTH
            .try_with(|d| {
                d.set(d.get().saturating_sub(1));
                d.get() == 0
            })
            .unwrap_or(false);
        if outermost {
            // Taken first, dropped after: a handle's drop may call the library again.
            let freed = DEFERRED.try_with(|q| q.take()).unwrap_or_default();
            drop(freed);
        }
    }
}

/// Frees a handle's memory now, or, when called from inside a callback
/// (a nested call), once the outermost library call on this thread has
/// returned: the call that delivered the event may still be reading the
/// handle (`store_free` from inside an `OnChange` callback). Closing and
/// rolling back happen at once either way; only the memory waits.
pub(crate) fn free_handle<T: 'static>(handle: Box<T>) {
    let nested = DEPTH.try_with(|d| d.get() > 1).unwrap_or(false);
    if nested {
        let handle: Box<dyn Any> = handle;
        // If thread-local storage is already gone (thread exit), the closure
        // is dropped unrun and the handle with it: nothing else can be
        // running on this thread then, so freeing at once is safe.
        let _ = DEFERRED.try_with(|q| q.borrow_mut().push(handle));
    } else {
        drop(handle);
    }
}

/// The message of the last failed call on the calling thread, or "" if the
/// last call succeeded.
///
/// Ownership: borrowed from the library; do not free. Lifetime: valid until
/// the next `store_*` call on the same thread. Thread: any; each thread has
/// its own message.
#[no_mangle]
pub extern "C" fn store_last_error() -> *const c_char {
    call_or(c"".as_ptr(), || {
        let mut text = c"".as_ptr();
        with_last_error(|e| {
            format_pending(e);
            text = e.text.as_ptr() as *const c_char;
        });
        text
    })
}

/// A static name for a status code (`"STORE_NOT_FOUND"`); unknown codes give
/// `"STORE_UNKNOWN"`. Ownership: static; never free it. Thread: any.
#[no_mangle]
pub extern "C" fn store_status_str(status: u32) -> *const c_char {
    call_or(c"STORE_UNKNOWN".as_ptr(), || status_name(status).as_ptr())
}

fn status_name(status: u32) -> &'static CStr {
    match status {
        0 => c"STORE_OK",
        1 => c"STORE_NOT_FOUND",
        2 => c"STORE_QUOTA_EXCEEDED",
        3 => c"STORE_CLOSED",
        4 => c"STORE_INVALID_ARGUMENT",
        5 => c"STORE_BUSY",
        6 => c"STORE_IO",
        7 => c"STORE_CORRUPT",
        8 => c"STORE_QUERY",
        9 => c"STORE_TEMPLATE",
        10 => c"STORE_INTERNAL",
        11 => c"STORE_TIMEOUT",
        12 => c"STORE_ABORTED",
        _ => c"STORE_UNKNOWN",
    }
}
