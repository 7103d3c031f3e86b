//! Byte slices in, owned buffers and packed lists out.

use crate::base::error::{Error, Result};
use std::ffi::c_void;
use std::ptr;

/// A borrowed byte string. Used for inputs inside structs and for outputs
/// that live only as long as their owner says (an event, an iterator row).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct store_slice {
    /// First byte; may be NULL when `len` is 0.
    pub ptr: *const u8,
    /// Number of bytes.
    pub len: usize,
}

impl store_slice {
    pub(crate) fn of(bytes: &[u8]) -> store_slice {
        store_slice { ptr: bytes.as_ptr(), len: bytes.len() }
    }

    pub(crate) const EMPTY: store_slice = store_slice { ptr: ptr::null(), len: 0 };
}

/// An owned byte string. Always followed by a NUL byte that `len` does not
/// count, so C may print it with `%s` when it holds no NUL. Free with
/// `store_bytes_free`.
#[repr(C)]
pub struct store_bytes {
    /// First byte (never NULL after a successful call).
    pub ptr: *mut u8,
    /// Number of bytes, excluding the trailing NUL.
    pub len: usize,
}

impl store_bytes {
    pub(crate) fn from_vec(mut v: Vec<u8>) -> store_bytes {
        let len = v.len();
        v.push(0);
        let boxed = v.into_boxed_slice();
        store_bytes { ptr: Box::into_raw(boxed) as *mut u8, len }
    }

    /// Copies `bytes` with its trailing NUL in one allocation.
    pub(crate) fn copy_of(bytes: &[u8]) -> store_bytes {
        let mut v = Vec::with_capacity(bytes.len() + 1);
        v.extend_from_slice(bytes);
        store_bytes::from_vec(v)
    }
}

/// One row of a list: a key and its value, both borrowed from the list.
#[repr(C)]
pub struct store_pair {
    /// The key.
    pub key: store_slice,
    /// The value.
    pub value: store_slice,
}

/// A list of key/value rows packed in one allocation. Free with `store_pairs_free`.
#[repr(C)]
pub struct store_pairs {
    /// `len` rows (NULL when empty); the slices inside point into the list and
    /// are NUL-terminated.
    pub items: *const store_pair,
    /// Number of rows.
    pub len: usize,
    /// Owned by the library; pass the struct to `store_pairs_free`.
    pub internal: *mut c_void,
}

/// A list of byte strings packed in one allocation. Free with `store_strings_free`.
#[repr(C)]
pub struct store_strings {
    /// `len` strings (NULL when empty), borrowed from the list, NUL-terminated.
    pub items: *const store_slice,
    /// Number of strings.
    pub len: usize,
    /// Owned by the library; pass the struct to `store_strings_free`.
    pub internal: *mut c_void,
}

/// Builds packed lists: every string goes into one arena (each followed by a
/// NUL), then the item array is laid over it once the arena stops moving.
pub(crate) struct Packer {
    arena: Vec<u8>,
    spans: Vec<(usize, usize)>,
}

thread_local! {
    /// Sizes of the last list packed on this thread: callers tend to ask for
    /// similar lists again, so reserving that much avoids regrowing.
    static LAST_SIZES: std::cell::Cell<(usize, usize)> = const { std::cell::Cell::new((0, 0)) };
}

impl Default for Packer {
    fn default() -> Packer {
        // try_with: during thread teardown the hint is gone; start small then.
        let (arena, spans) = LAST_SIZES.try_with(|s| s.get()).unwrap_or((0, 0));
        Packer { arena: Vec::with_capacity(arena), spans: Vec::with_capacity(spans) }
    }
}

struct PackedPairs {
    _arena: Vec<u8>,
    items: Vec<store_pair>,
}

struct PackedStrings {
    _arena: Vec<u8>,
    items: Vec<store_slice>,
}

impl Packer {
    pub(crate) fn push(&mut self, bytes: &[u8]) {
        let start = self.arena.len();
        self.arena.extend_from_slice(bytes);
        self.arena.push(0);
        self.spans.push((start, bytes.len()));
    }

    fn remember_sizes(&self) {
        // Capped, so one huge list does not make every later small one reserve as much.
        const MAX_ARENA: usize = 4 << 20;
        let sizes = (self.arena.len().min(MAX_ARENA), self.spans.len().min(MAX_ARENA / 16));
        let _ = LAST_SIZES.try_with(|s| s.set(sizes));
    }

    fn slices(&self) -> impl Iterator<Item = store_slice> + '_ {
        self.spans.iter().map(|&(s, l)| store_slice { ptr: unsafe { self.arena.as_ptr().add(s) }, len: l })
    }

    pub(crate) fn into_pairs(self) -> store_pairs {
        self.remember_sizes();
        let mut slices = self.slices();
        let mut items = Vec::with_capacity(self.spans.len() / 2);
        while let (Some(key), Some(value)) = (slices.next(), slices.next()) {
            items.push(store_pair { key, value });
        }
        drop(slices);
        let owner = Box::new(PackedPairs { _arena: self.arena, items });
        let (items, len) = if owner.items.is_empty() { (ptr::null(), 0) } else { (owner.items.as_ptr(), owner.items.len()) };
        store_pairs { items, len, internal: Box::into_raw(owner) as *mut c_void }
    }

    pub(crate) fn into_strings(self) -> store_strings {
        self.remember_sizes();
        let items: Vec<store_slice> = self.slices().collect();
        let owner = Box::new(PackedStrings { _arena: self.arena, items });
        let (items, len) = if owner.items.is_empty() { (ptr::null(), 0) } else { (owner.items.as_ptr(), owner.items.len()) };
        store_strings { items, len, internal: Box::into_raw(owner) as *mut c_void }
    }
}

/// Reads a pointer + length input. NULL is allowed only with length 0.
pub(crate) unsafe fn bytes<'a>(ptr: *const u8, len: usize, what: &str) -> Result<&'a [u8]> {
    if ptr.is_null() {
        if len == 0 {
            return Ok(&[]);
        }
        return Err(Error::invalid(format!("store: {what} is NULL but its length is {len}")));
    }
    if len > isize::MAX as usize {
        return Err(Error::invalid(format!("store: {what} length {len} is too large")));
    }
    Ok(std::slice::from_raw_parts(ptr, len))
}

/// Reads a pointer + length input that must be UTF-8 text.
pub(crate) unsafe fn text<'a>(ptr: *const u8, len: usize, what: &str) -> Result<&'a str> {
    std::str::from_utf8(bytes(ptr, len, what)?)
        .map_err(|e| Error::invalid(format!("store: {what} is not valid UTF-8: {e}")))
}

/// Writes an out-parameter, or fails if the caller passed NULL.
pub(crate) unsafe fn put<T>(out: *mut T, value: T, what: &str) -> Result<()> {
    if out.is_null() {
        return Err(Error::invalid(format!("store: {what} is NULL")));
    }
    out.write(value);
    Ok(())
}

/// Fails early (before any work) when an out-parameter is NULL.
pub(crate) fn need<T>(out: *mut T, what: &str) -> Result<()> {
    if out.is_null() {
        Err(Error::invalid(format!("store: {what} is NULL")))
    } else {
        Ok(())
    }
}

/// Frees a buffer from any `store_*` function and zeroes the struct.
/// Ownership: takes back the buffer `bytes` points at; the struct itself
/// stays the caller's. NULL and already-freed (zeroed) structs are ignored.
/// Thread: any.
#[no_mangle]
pub unsafe extern "C" fn store_bytes_free(bytes: *mut store_bytes) {
    super::boundary::call_or((), || {
        if bytes.is_null() {
            return;
        }
        let b = bytes.read();
        if !b.ptr.is_null() {
            drop(Box::from_raw(ptr::slice_from_raw_parts_mut(b.ptr, b.len + 1)));
        }
        bytes.write(store_bytes { ptr: ptr::null_mut(), len: 0 });
    })
}

/// Frees a key/value list and zeroes the struct. Ownership: takes back the
/// rows and their bytes; the struct itself stays the caller's. NULL-safe,
/// idempotent on a zeroed struct. Thread: any.
#[no_mangle]
pub unsafe extern "C" fn store_pairs_free(list: *mut store_pairs) {
    super::boundary::call_or((), || {
        if list.is_null() {
            return;
        }
        let internal = list.read().internal;
        if !internal.is_null() {
            drop(Box::from_raw(internal as *mut PackedPairs));
        }
        list.write(store_pairs { items: ptr::null(), len: 0, internal: ptr::null_mut() });
    })
}

/// Frees a string list and zeroes the struct. Ownership: takes back the
/// strings; the struct itself stays the caller's. NULL-safe, idempotent on a
/// zeroed struct. Thread: any.
#[no_mangle]
pub unsafe extern "C" fn store_strings_free(list: *mut store_strings) {
    super::boundary::call_or((), || {
        if list.is_null() {
            return;
        }
        let internal = list.read().internal;
        if !internal.is_null() {
            drop(Box::from_raw(internal as *mut PackedStrings));
        }
        list.write(store_strings { items: ptr::null(), len: 0, internal: ptr::null_mut() });
    })
}
