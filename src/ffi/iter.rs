//! Key-ordered iteration over a group. The iterator reads pages and holds
//! no database connection between calls, so the loop body may use the store.

use super::boundary::{call, call_or, store_status, free_handle};
use super::handles::{kv_ref, store_kv};
use super::types::{bytes, need, put, store_pairs, store_slice, Packer};
use crate::kv::{KeyValue, Kv, KvIter};
use crate::base::error::{Error, Result};
use parking_lot::{Mutex, MutexGuard};

/// An iterator over a group's live rows. Use from one thread at a time;
/// free with `store_iter_free`. Keeps its store alive; fails with
/// `STORE_CLOSED` once the store is closed.
pub struct store_iter {
    /// Behind a lock so the handle is only ever reached through a shared
    /// reference: a caller that breaks the one-thread rule gets serialised
    /// calls, not a data race.
    state: Mutex<IterState>,
}

struct IterState {
    iter: KvIter,
    /// The row `store_iter_next` returned last; its slices point into it.
    current: Option<KeyValue>,
}

unsafe fn iter_state<'a>(iter: *mut store_iter) -> Result<MutexGuard<'a, IterState>> {
    iter.as_ref().map(|it| it.state.lock()).ok_or_else(|| Error::invalid("store: iterator is NULL"))
}

/// Starts iterating over the live rows of `group` in key order. Ownership: on
/// success the caller owns `*out` and frees it with `store_iter_free`; the
/// iterator may outlive `kv`'s handle. Fails with `STORE_CLOSED` on a closed
/// store. Thread: any thread that may use `kv`.
#[no_mangle]
pub unsafe extern "C" fn store_iter_open(kv: *mut store_kv, group: *const u8, group_len: usize, out: *mut *mut store_iter) -> store_status {
    call(|| {
        need(out, "out")?;
        let iter = kv_ref(kv)?.try_iter(bytes(group, group_len, "group")?)?;
        let state = Mutex::new(IterState { iter, current: None });
        put(out, Box::into_raw(Box::new(store_iter { state })), "out")
    })
}

/// Advances to the next row. On `STORE_OK`, `*has_row` says whether there
/// was one; if so `*key` and `*value` (either may be NULL) are borrowed
/// from the iterator until the next call on it or `store_iter_free`.
/// Thread: one thread at a time per iterator.
///
/// Ownership: `*key` and `*value` are borrowed from `iter` until the next
/// call on it or `store_iter_free`.
#[no_mangle]
pub unsafe extern "C" fn store_iter_next(
    iter: *mut store_iter,
    key: *mut store_slice,
    value: *mut store_slice,
    has_row: *mut bool,
) -> store_status {
    call(|| {
        need(has_row, "has_row")?;
        let mut it = iter_state(iter)?;
        it.current = it.iter.next().transpose()?;
        match &it.current {
            Some(kv) => {
                if !key.is_null() {
                    key.write(store_slice::of(&kv.key));
                }
                if !value.is_null() {
                    value.write(store_slice::of(&kv.value));
                }
                put(has_row, true, "has_row")
            }
            None => put(has_row, false, "has_row"),
        }
    })
}

/// Reads up to `max` next rows (0 = a default page of 256) into `*out`,
/// never more, also after `store_iter_next`; an empty list means the end.
/// Ownership: the caller owns `*out` and frees it with `store_pairs_free`.
/// Thread: one thread at a time per iterator.
#[no_mangle]
pub unsafe extern "C" fn store_iter_next_batch(iter: *mut store_iter, max: usize, out: *mut store_pairs) -> store_status {
    call(|| {
        need(out, "out")?;
        let mut it = iter_state(iter)?;
        let max = if max == 0 { crate::ITER_PAGE_SIZE } else { max };
        let mut packer = Packer::default();
        for kv in it.iter.take_page(max)? {
            packer.push(&kv.key);
            packer.push(&kv.value);
        }
        put(out, packer.into_pairs(), "out")
    })
}

/// Frees an iterator. Ownership: takes it back; rows it returned become
/// invalid. NULL is ignored. Thread: any, once no other call on it runs.
#[no_mangle]
pub unsafe extern "C" fn store_iter_free(iter: *mut store_iter) {
    call_or((), || {
        if !iter.is_null() {
            free_handle(Box::from_raw(iter));
        }
    })
}
