//! Scoped namespaces and quotas through the C ABI.

use super::boundary::{call, call_or, store_status, free_handle};
use super::handles::{db_ref, scope_ref, store_kv, store_scope, KvObject};
use super::sized::{check_out, own_size, read_in, write_out, Growable};
use super::types::{bytes, need, put, store_slice, text};
use crate::base::error::{Error, Result};
use crate::kv::quota::{Quota, Usage};
use crate::{validate_scope, ScopedStore};

/// Limits for a namespace; 0 means unlimited. Initialise with
/// `STORE_QUOTA_INIT`. Fields are only ever appended: the library reads and
/// writes `min(struct_size, its own size)` bytes and defaults the rest
/// (unlimited); every size from `STORE_QUOTA_SIZE_V1` up works.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct store_quota {
    /// Bytes in the caller's copy: `sizeof(store_quota)`. On output, the
    /// number of bytes the library filled.
    pub struct_size: u32,
    /// Live keys across the namespace.
    pub max_keys: i64,
    /// Distinct groups with live keys.
    pub max_groups: i64,
    /// Sum of key and value byte lengths of live rows.
    pub max_bytes: i64,
}

/// What a namespace holds (live rows only). Set `struct_size` before
/// asking (`STORE_USAGE_INIT`): the library writes only
/// `min(struct_size, its own size)` bytes; every size from
/// `STORE_USAGE_SIZE_V1` up works.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct store_usage {
    /// Bytes in the caller's copy: `sizeof(store_usage)`. On output, the
    /// number of bytes the library filled.
    pub struct_size: u32,
    /// Live keys.
    pub keys: i64,
    /// Distinct groups with live keys.
    pub groups: i64,
    /// Sum of key and value byte lengths.
    pub bytes: i64,
}

// The first published layouts end with `max_bytes` and `bytes`.
unsafe impl Growable for store_quota {
    const NAME: &'static str = "store_quota";
    const HOW: &'static str = "initialise it with STORE_QUOTA_INIT";
    const FIRST_SIZE: usize = std::mem::offset_of!(store_quota, max_bytes) + std::mem::size_of::<i64>();
    const SIZE_OFFSET: usize = std::mem::offset_of!(store_quota, struct_size);

    fn defaults() -> store_quota {
        store_quota { struct_size: own_size::<store_quota>(), max_keys: 0, max_groups: 0, max_bytes: 0 }
    }
}

unsafe impl Growable for store_usage {
    const NAME: &'static str = "store_usage";
    const HOW: &'static str = "initialise it with STORE_USAGE_INIT";
    const FIRST_SIZE: usize = std::mem::offset_of!(store_usage, bytes) + std::mem::size_of::<i64>();
    const SIZE_OFFSET: usize = std::mem::offset_of!(store_usage, struct_size);

    fn defaults() -> store_usage {
        store_usage { struct_size: own_size::<store_usage>(), keys: 0, groups: 0, bytes: 0 }
    }
}

impl From<&store_quota> for Quota {
    fn from(q: &store_quota) -> Quota {
        Quota { max_keys: q.max_keys, max_groups: q.max_groups, max_bytes: q.max_bytes }
    }
}

/// A quota argument; NULL means no limits.
unsafe fn quota_arg(quota: *const store_quota) -> Result<Quota> {
    Ok(Quota::from(&read_in(quota, "quota")?))
}

/// A quota argument that must be present.
unsafe fn quota_required(quota: *const store_quota) -> Result<Quota> {
    if quota.is_null() {
        return Err(Error::invalid("store: quota is NULL"));
    }
    quota_arg(quota)
}

/// Opens a view of `db` whose groups live under `namespace:` (namespace
/// must match `^[a-zA-Z0-9-]+$`), with `quota` limits (NULL = none). Quotas
/// are checked inside each write's transaction. The caller owns `*out`
/// (free with `store_scope_free`); it keeps the store's memory alive and
/// fails with `STORE_CLOSED` after the store closes.
///
/// Ownership: inputs are borrowed for the call; `*out` becomes the
/// caller's, freed with `store_scope_free`.
/// Thread: any.
#[no_mangle]
pub unsafe extern "C" fn store_scope_open(
    db: *mut super::handles::store_db,
    namespace: *const u8,
    namespace_len: usize,
    quota: *const store_quota,
    out: *mut *mut store_scope,
) -> store_status {
    call(|| {
        need(out, "out")?;
        let store = db_ref(db)?;
        let ns = text(namespace, namespace_len, "namespace")?;
        let scoped = ScopedStore::with_quota(store, ns, quota_arg(quota)?)?;
        put(out, Box::into_raw(Box::new(store_scope { kv: store_kv { obj: KvObject::Scoped(scoped) } })), "out")
    })
}

/// Checks a namespace and quota as `store_scope_open` would (go-store
/// `ScopedStoreConfig.Validate`). `quota` may be NULL.
///
/// Ownership: every input is borrowed for the call only.
/// Thread: any.
#[no_mangle]
pub unsafe extern "C" fn store_scope_validate(namespace: *const u8, namespace_len: usize, quota: *const store_quota) -> store_status {
    call(|| {
        let ns = std::str::from_utf8(bytes(namespace, namespace_len, "namespace")?).unwrap_or("\u{FFFD}");
        validate_scope(ns, &quota_arg(quota)?)
    })
}

/// Checks quota limits alone (go-store `QuotaConfig.Validate`): negative
/// values are `STORE_INVALID_ARGUMENT`.
///
/// Ownership: every input is borrowed for the call only.
/// Thread: any.
#[no_mangle]
pub unsafe extern "C" fn store_quota_validate(quota: *const store_quota) -> store_status {
    call(|| quota_required(quota)?.validate())
}

/// Frees a scoped store. NULL is ignored. No other call on it may be running.
///
/// Ownership: takes back `scope`.
/// Thread: any, once no other call on `scope` is running.
#[no_mangle]
pub unsafe extern "C" fn store_scope_free(scope: *mut store_scope) {
    call_or((), || {
        if !scope.is_null() {
            free_handle(Box::from_raw(scope));
        }
    })
}

/// The namespace, borrowed from the handle until `store_scope_free`.
///
/// Ownership: `*out` is borrowed from `scope` until `store_scope_free`.
/// Thread: any.
#[no_mangle]
pub unsafe extern "C" fn store_scope_namespace(scope: *const store_scope, out: *mut store_slice) -> store_status {
    call(|| put(out, store_slice::of(scope_ref(scope)?.namespace().as_bytes()), "out"))
}

/// Writes the current limits to `*out`. Set `out->struct_size` first
/// (`STORE_QUOTA_INIT`): the library writes only `min(struct_size, its own
/// size)` bytes and sets `struct_size` to that.
///
/// Ownership: `out` stays the caller's.
/// Thread: any.
#[no_mangle]
pub unsafe extern "C" fn store_scope_get_quota(scope: *const store_scope, out: *mut store_quota) -> store_status {
    call(|| {
        check_out(out, "out")?;
        let q = scope_ref(scope)?.quota();
        let quota = store_quota { max_keys: q.max_keys, max_groups: q.max_groups, max_bytes: q.max_bytes, ..store_quota::defaults() };
        write_out(out, quota, "out")
    })
}

/// Replaces the limits (negative values are `STORE_INVALID_ARGUMENT`).
/// Applies to writes that start afterwards.
///
/// Ownership: every input is borrowed for the call only.
/// Thread: any, concurrently with writes through `scope`.
#[no_mangle]
pub unsafe extern "C" fn store_scope_set_quota(scope: *const store_scope, quota: *const store_quota) -> store_status {
    call(|| {
        let quota = quota_required(quota)?;
        scope_ref(scope)?.set_quota(quota)
    })
}

/// Writes the namespace's live keys, groups and bytes to `*out`, whose
/// `struct_size` must be set (`STORE_USAGE_INIT`). `kv` may
/// be a scoped store or a scoped transaction (then pending writes count).
///
/// Ownership: `out` stays the caller's.
/// Thread: any thread for a store or scoped-store view, concurrently; one
/// thread at a time for a transaction view.
#[no_mangle]
pub unsafe extern "C" fn store_scope_usage(kv: *mut store_kv, out: *mut store_usage) -> store_status {
    call(|| {
        check_out(out, "out")?;
        let usage: Usage = match &super::handles::kv_ref(kv)? {
            KvObject::Scoped(s) => s.usage()?,
            KvObject::ScopedTxn(t) => t.usage()?,
            _ => return Err(Error::invalid("store: usage needs a scoped store or scoped transaction")),
        };
        let usage = store_usage { keys: usage.keys, groups: usage.groups, bytes: usage.bytes, ..store_usage::defaults() };
        write_out(out, usage, "out")
    })
}
