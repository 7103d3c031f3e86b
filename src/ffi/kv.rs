//! Key-value operations on any `store_kv` view (store, scoped store,
//! transaction, scoped transaction).
//!
//! Shared rules, stated once here and in the header: groups, keys and values
//! are byte strings (pointer + length; NULL only with length 0; embedded NUL
//! and invalid UTF-8 are kept). A scoped view maps group `g` to
//! `namespace:g` and returns namespace-local names. A transaction view runs
//! inside the transaction. Views of a store or scoped store may be used from
//! any thread at once; a transaction view from one thread at a time.

use super::boundary::{call, set_not_found, store_status};
use super::handles::{kv_ref, store_kv};
use super::types::{bytes, need, put, store_bytes, store_pairs, store_strings, text, Packer};
use crate::kv::Kv;

/// Reads the value of `key` in `group` into a new buffer the caller frees
/// with `store_bytes_free`. `STORE_NOT_FOUND` when absent or expired (an
/// expired row is deleted and a delete event sent, as in go-store).
///
/// Ownership: inputs are borrowed for the call; `*out` becomes the
/// caller's, freed with `store_bytes_free`.
/// Thread: any thread for a store or scoped-store view, concurrently; one
/// thread at a time for a transaction view.
#[no_mangle]
pub unsafe extern "C" fn store_get(
    kv: *mut store_kv,
    group: *const u8,
    group_len: usize,
    key: *const u8,
    key_len: usize,
    out: *mut store_bytes,
) -> store_status {
    let mut miss = None;
    let status = call(|| {
        need(out, "out")?;
        let (kv, group, key) = (kv_ref(kv)?, bytes(group, group_len, "group")?, bytes(key, key_len, "key")?);
        match kv.lookup_with(group, key, store_bytes::copy_of)? {
            Some(value) => put(out, value, "out"),
            None => {
                miss = Some(kv.target());
                Ok(())
            }
        }
    });
    report_miss(status, miss, group, group_len, key, key_len)
}

/// Turns a lookup that found nothing into `STORE_NOT_FOUND` with its
/// (lazily formatted) go-store message.
unsafe fn report_miss(
    status: store_status,
    miss: Option<crate::kv::Target<'_>>,
    group: *const u8,
    group_len: usize,
    key: *const u8,
    key_len: usize,
) -> store_status {
    match miss {
        Some(t) => {
            // Both slices were validated inside the call.
            let group = std::slice::from_raw_parts(if group.is_null() { [].as_ptr() } else { group }, group_len);
            let key = std::slice::from_raw_parts(if key.is_null() { [].as_ptr() } else { key }, key_len);
            set_not_found(t.op("Get"), &t.group(group), key)
        }
        None => status,
    }
}

/// Reads a value into the caller's buffer `buf` of `capacity` bytes,
/// avoiding an allocation for small values. `*out_len` receives the value's
/// full length. If it exceeds `capacity`, nothing is copied to `buf`; the
/// value goes to `*overflow` (caller frees with `store_bytes_free`) when
/// `overflow` is not NULL. `buf` may be NULL when `capacity` is 0.
///
/// Ownership: inputs and `buf` are borrowed for the call; `*overflow`
/// becomes the caller's, freed with `store_bytes_free`.
/// Thread: any thread for a store or scoped-store view, concurrently; one
/// thread at a time for a transaction view.
#[no_mangle]
pub unsafe extern "C" fn store_get_into(
    kv: *mut store_kv,
    group: *const u8,
    group_len: usize,
    key: *const u8,
    key_len: usize,
    buf: *mut u8,
    capacity: usize,
    out_len: *mut usize,
    overflow: *mut store_bytes,
) -> store_status {
    let mut miss = None;
    let status = call(|| {
        need(out_len, "out_len")?;
        if buf.is_null() && capacity > 0 {
            return Err(crate::Error::invalid(format!("store: buf is NULL but capacity is {capacity}")));
        }
        let (kv, g, k) = (kv_ref(kv)?, bytes(group, group_len, "group")?, bytes(key, key_len, "key")?);
        let found = kv.lookup_with(g, k, |v| {
            if v.len() <= capacity {
                // An empty value with `buf` NULL copies nothing: a copy with a
                // NULL pointer is undefined even for zero bytes.
                if !v.is_empty() {
                    std::ptr::copy_nonoverlapping(v.as_ptr(), buf, v.len());
                }
                (v.len(), None)
            } else {
                (v.len(), (!overflow.is_null()).then(|| v.to_vec()))
            }
        })?;
        let Some((len, spill)) = found else {
            miss = Some(kv.target());
            return Ok(());
        };
        if let Some(v) = spill {
            overflow.write(store_bytes::from_vec(v));
        }
        put(out_len, len, "out_len")
    });
    report_miss(status, miss, group, group_len, key, key_len)
}

/// Writes `value` at (`group`, `key`) with no expiry, replacing any value
/// and TTL. Sends a set event after commit. Scoped views check quotas and
/// fail with `STORE_QUOTA_EXCEEDED`, writing nothing.
///
/// Ownership: every input is borrowed for the call only.
/// Thread: any thread for a store or scoped-store view, concurrently; one
/// thread at a time for a transaction view.
#[no_mangle]
pub unsafe extern "C" fn store_set(
    kv: *mut store_kv,
    group: *const u8,
    group_len: usize,
    key: *const u8,
    key_len: usize,
    value: *const u8,
    value_len: usize,
) -> store_status {
    call(|| {
        kv_ref(kv)?.set(bytes(group, group_len, "group")?, bytes(key, key_len, "key")?, bytes(value, value_len, "value")?)
    })
}

/// Like `store_set`, but the row expires `ttl_ms` milliseconds from now.
/// Zero or negative TTLs store an already-expired row (go-store behaviour).
///
/// Ownership: every input is borrowed for the call only.
/// Thread: any thread for a store or scoped-store view, concurrently; one
/// thread at a time for a transaction view.
#[no_mangle]
pub unsafe extern "C" fn store_set_with_ttl(
    kv: *mut store_kv,
    group: *const u8,
    group_len: usize,
    key: *const u8,
    key_len: usize,
    value: *const u8,
    value_len: usize,
    ttl_ms: i64,
) -> store_status {
    call(|| {
        kv_ref(kv)?.set_with_ttl_ms(
            bytes(group, group_len, "group")?,
            bytes(key, key_len, "key")?,
            bytes(value, value_len, "value")?,
            ttl_ms,
        )
    })
}

/// Deletes (`group`, `key`), live or expired. A missing key is not an
/// error. Sends a delete event only if a row was removed.
///
/// Ownership: every input is borrowed for the call only.
/// Thread: any thread for a store or scoped-store view, concurrently; one
/// thread at a time for a transaction view.
#[no_mangle]
pub unsafe extern "C" fn store_delete(
    kv: *mut store_kv,
    group: *const u8,
    group_len: usize,
    key: *const u8,
    key_len: usize,
) -> store_status {
    call(|| kv_ref(kv)?.delete(bytes(group, group_len, "group")?, bytes(key, key_len, "key")?))
}

/// Sets `*out` to whether a live row exists at (`group`, `key`). Never deletes.
///
/// Ownership: every input is borrowed for the call only.
/// Thread: any thread for a store or scoped-store view, concurrently; one
/// thread at a time for a transaction view.
#[no_mangle]
pub unsafe extern "C" fn store_exists(
    kv: *mut store_kv,
    group: *const u8,
    group_len: usize,
    key: *const u8,
    key_len: usize,
    out: *mut bool,
) -> store_status {
    call(|| {
        need(out, "out")?;
        let found = kv_ref(kv)?.exists(bytes(group, group_len, "group")?, bytes(key, key_len, "key")?)?;
        put(out, found, "out")
    })
}

/// Sets `*out` to whether `group` has at least one live row.
///
/// Ownership: every input is borrowed for the call only.
/// Thread: any thread for a store or scoped-store view, concurrently; one
/// thread at a time for a transaction view.
#[no_mangle]
pub unsafe extern "C" fn store_group_exists(kv: *mut store_kv, group: *const u8, group_len: usize, out: *mut bool) -> store_status {
    call(|| {
        need(out, "out")?;
        let found = kv_ref(kv)?.group_exists(bytes(group, group_len, "group")?)?;
        put(out, found, "out")
    })
}

/// Sets `*out` to the number of live rows in `group`.
///
/// Ownership: every input is borrowed for the call only.
/// Thread: any thread for a store or scoped-store view, concurrently; one
/// thread at a time for a transaction view.
#[no_mangle]
pub unsafe extern "C" fn store_count(kv: *mut store_kv, group: *const u8, group_len: usize, out: *mut i64) -> store_status {
    call(|| {
        need(out, "out")?;
        let n = kv_ref(kv)?.count(bytes(group, group_len, "group")?)?;
        put(out, n, "out")
    })
}

/// Sets `*out` to the number of live rows in groups whose name starts with
/// `prefix` (bytewise, case-sensitive; empty = every group of the view).
///
/// Ownership: every input is borrowed for the call only.
/// Thread: any thread for a store or scoped-store view, concurrently; one
/// thread at a time for a transaction view.
#[no_mangle]
pub unsafe extern "C" fn store_count_all(kv: *mut store_kv, prefix: *const u8, prefix_len: usize, out: *mut i64) -> store_status {
    call(|| {
        need(out, "out")?;
        let n = kv_ref(kv)?.count_all(bytes(prefix, prefix_len, "prefix")?)?;
        put(out, n, "out")
    })
}

/// Deletes every row of `group`; one delete-group event if any was removed.
///
/// Ownership: every input is borrowed for the call only.
/// Thread: any thread for a store or scoped-store view, concurrently; one
/// thread at a time for a transaction view.
#[no_mangle]
pub unsafe extern "C" fn store_delete_group(kv: *mut store_kv, group: *const u8, group_len: usize) -> store_status {
    call(|| kv_ref(kv)?.delete_group(bytes(group, group_len, "group")?))
}

/// Deletes every group whose name starts with `prefix` (empty = all groups
/// of the view), atomically; one delete-group event per group, ascending.
///
/// Ownership: every input is borrowed for the call only.
/// Thread: any thread for a store or scoped-store view, concurrently; one
/// thread at a time for a transaction view.
#[no_mangle]
pub unsafe extern "C" fn store_delete_prefix(kv: *mut store_kv, prefix: *const u8, prefix_len: usize) -> store_status {
    call(|| kv_ref(kv)?.delete_prefix(bytes(prefix, prefix_len, "prefix")?))
}

/// Packs the rows `fill` visits into `*out` (one allocation for the caller to free).
unsafe fn write_pairs(
    out: *mut store_pairs,
    fill: impl FnOnce(&mut dyn FnMut(&[u8], &[u8])) -> crate::Result<()>,
) -> crate::Result<()> {
    need(out, "out")?;
    let mut packer = Packer::default();
    fill(&mut |k, v| {
        packer.push(k);
        packer.push(v);
    })?;
    put(out, packer.into_pairs(), "out")
}

/// Packs `parts` into `*out`.
unsafe fn write_strings(out: *mut store_strings, parts: &[Vec<u8>]) -> crate::Result<()> {
    let mut packer = Packer::default();
    parts.iter().for_each(|p| packer.push(p));
    put(out, packer.into_strings(), "out")
}

/// Writes the live rows of `group`, ordered by key (bytewise), to `*out` as
/// one packed list the caller frees with `store_pairs_free`.
///
/// Ownership: inputs are borrowed for the call; `*out` becomes the
/// caller's, freed with `store_pairs_free`.
/// Thread: any thread for a store or scoped-store view, concurrently; one
/// thread at a time for a transaction view.
#[no_mangle]
pub unsafe extern "C" fn store_get_all(kv: *mut store_kv, group: *const u8, group_len: usize, out: *mut store_pairs) -> store_status {
    call(|| write_pairs(out, |visit| kv_ref(kv)?.get_all_with(bytes(group, group_len, "group")?, visit)))
}

/// Like `store_get_all`, but at most `limit` rows starting at `offset`.
/// Negative `offset` or `limit` is `STORE_INVALID_ARGUMENT`; `limit` 0 gives
/// an empty list.
///
/// Ownership: inputs are borrowed for the call; `*out` becomes the
/// caller's, freed with `store_pairs_free`.
/// Thread: any thread for a store or scoped-store view, concurrently; one
/// thread at a time for a transaction view.
#[no_mangle]
pub unsafe extern "C" fn store_get_page(
    kv: *mut store_kv,
    group: *const u8,
    group_len: usize,
    offset: i64,
    limit: i64,
    out: *mut store_pairs,
) -> store_status {
    call(|| write_pairs(out, |visit| kv_ref(kv)?.get_page_with(bytes(group, group_len, "group")?, offset, limit, visit)))
}

/// Writes the distinct names of groups with live rows starting with
/// `prefix` (empty = all), ascending, to `*out`; free with `store_strings_free`.
///
/// Ownership: inputs are borrowed for the call; `*out` becomes the
/// caller's, freed with `store_strings_free`.
/// Thread: any thread for a store or scoped-store view, concurrently; one
/// thread at a time for a transaction view.
#[no_mangle]
pub unsafe extern "C" fn store_groups(kv: *mut store_kv, prefix: *const u8, prefix_len: usize, out: *mut store_strings) -> store_status {
    call(|| {
        need(out, "out")?;
        let mut packer = Packer::default();
        kv_ref(kv)?.groups_with(bytes(prefix, prefix_len, "prefix")?, &mut |g| packer.push(g))?;
        put(out, packer.into_strings(), "out")
    })
}

/// Reads a value and splits it on `separator` with Go `strings.Split`
/// semantics (empty separator: one item per UTF-8 character). Free `*out`
/// with `store_strings_free`.
///
/// Ownership: inputs are borrowed for the call; `*out` becomes the
/// caller's, freed with `store_strings_free`.
/// Thread: any thread for a store or scoped-store view, concurrently; one
/// thread at a time for a transaction view.
#[no_mangle]
pub unsafe extern "C" fn store_get_split(
    kv: *mut store_kv,
    group: *const u8,
    group_len: usize,
    key: *const u8,
    key_len: usize,
    separator: *const u8,
    separator_len: usize,
    out: *mut store_strings,
) -> store_status {
    call(|| {
        need(out, "out")?;
        let parts = kv_ref(kv)?.get_split(
            bytes(group, group_len, "group")?,
            bytes(key, key_len, "key")?,
            bytes(separator, separator_len, "separator")?,
        )?;
        write_strings(out, &parts)
    })
}

/// Reads a value and splits it into whitespace-separated fields (Go
/// `strings.Fields`). Free `*out` with `store_strings_free`.
///
/// Ownership: inputs are borrowed for the call; `*out` becomes the
/// caller's, freed with `store_strings_free`.
/// Thread: any thread for a store or scoped-store view, concurrently; one
/// thread at a time for a transaction view.
#[no_mangle]
pub unsafe extern "C" fn store_get_fields(
    kv: *mut store_kv,
    group: *const u8,
    group_len: usize,
    key: *const u8,
    key_len: usize,
    out: *mut store_strings,
) -> store_status {
    call(|| {
        need(out, "out")?;
        let parts = kv_ref(kv)?.get_fields(bytes(group, group_len, "group")?, bytes(key, key_len, "key")?)?;
        write_strings(out, &parts)
    })
}

/// Renders `template` (UTF-8; minijinja syntax, and go-store's
/// `{{ .name }}` form) with the live rows of `group` as variables; a missing
/// variable renders `<no value>`. Free `*out` with `store_bytes_free`.
/// Template errors are `STORE_TEMPLATE`.
///
/// Ownership: inputs are borrowed for the call; `*out` becomes the
/// caller's, freed with `store_bytes_free`.
/// Thread: any thread for a store or scoped-store view, concurrently; one
/// thread at a time for a transaction view.
#[no_mangle]
pub unsafe extern "C" fn store_render(
    kv: *mut store_kv,
    template_text: *const u8,
    template_len: usize,
    group: *const u8,
    group_len: usize,
    out: *mut store_bytes,
) -> store_status {
    call(|| {
        need(out, "out")?;
        let rendered = kv_ref(kv)?.render(text(template_text, template_len, "template")?, bytes(group, group_len, "group")?)?;
        put(out, store_bytes::from_vec(rendered.into_bytes()), "out")
    })
}

/// Deletes every expired row of the view (the namespace, for scoped views)
/// and sets `*out_removed` (may be NULL) to how many; one delete event per row.
///
/// Ownership: every input is borrowed for the call only.
/// Thread: any thread for a store or scoped-store view, concurrently; one
/// thread at a time for a transaction view.
#[no_mangle]
pub unsafe extern "C" fn store_purge_expired(kv: *mut store_kv, out_removed: *mut i64) -> store_status {
    call(|| {
        let n = kv_ref(kv)?.purge_expired()?;
        if !out_removed.is_null() {
            out_removed.write(n);
        }
        Ok(())
    })
}
