//! Key-ordered iteration over a group. The iterator reads pages and holds
//! no database connection between calls, so the loop body may use the store.

use super::boundary::{call, call_or, store_status};
use super::handles::{kv_ref, store_kv};
use super::types::{bytes, need, put, store_pairs, store_slice, Packer};
use crate::kv::{KeyValue, Kv, KvIter};
use crate::base::error::Error;

/// An iterator over a group's live rows. Use from one thread at a time;
/// free with `store_iter_free`. Keeps its store alive; fails with
/// `STORE_CLOSED` once the store is closed.
pub struct store_iter {
    iter: KvIter,
    current: Option<KeyValue>,
}

/// Starts iterating over the live rows of `group` in key order. On success
/// the caller owns `*out` and frees it with `store_iter_free`. The iterator
/// may outlive `kv`'s handle. Fails with `STORE_CLOSED` on a closed store.
#[no_mangle]
pub unsafe extern "C" fn store_iter_open(kv: *mut store_kv, group: *const u8, group_len: usize, out: *mut *mut store_iter) -> store_status {
    call(|| {
        need(out, "out")?;
        let iter = kv_ref(kv)?.try_iter(bytes(group, group_len, "group")?)?;
        put(out, Box::into_raw(Box::new(store_iter { iter, current: None })), "out")
    })
}

/// Advances to the next row. On `STORE_OK`, `*has_row` says whether there
/// was one; if so `*key` and `*value` (either may be NULL) are borrowed
/// from the iterator until the next call on it or `store_iter_free`.
#[no_mangle]
pub unsafe extern "C" fn store_iter_next(
    iter: *mut store_iter,
    key: *mut store_slice,
    value: *mut store_slice,
    has_row: *mut bool,
) -> store_status {
    call(|| {
        need(has_row, "has_row")?;
        let it = iter.as_mut().ok_or_else(|| Error::invalid("store: iterator is NULL"))?;
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

/// Reads up to `max` next rows (0 = a default page of 256) into `*out`; an
/// empty list means the end. Free `*out` with `store_pairs_free`.
#[no_mangle]
pub unsafe extern "C" fn store_iter_next_batch(iter: *mut store_iter, max: usize, out: *mut store_pairs) -> store_status {
    call(|| {
        need(out, "out")?;
        let it = iter.as_mut().ok_or_else(|| Error::invalid("store: iterator is NULL"))?;
        let max = if max == 0 { crate::ITER_PAGE_SIZE } else { max };
        it.iter.fill(max)?;
        let mut packer = Packer::default();
        for kv in it.iter.drain_page() {
            packer.push(&kv.key);
            packer.push(&kv.value);
        }
        put(out, packer.into_pairs(), "out")
    })
}

/// Frees an iterator. NULL is ignored. Any thread, once no other call on it runs.
#[no_mangle]
pub unsafe extern "C" fn store_iter_free(iter: *mut store_iter) {
    call_or((), || {
        if !iter.is_null() {
            drop(Box::from_raw(iter));
        }
    })
}
