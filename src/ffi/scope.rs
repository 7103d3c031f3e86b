//! Scoped namespaces and quotas through the C ABI.

use super::boundary::{call, call_or, store_status};
use super::handles::{db_ref, scope_ref, store_kv, store_scope, KvObject};
use super::types::{bytes, need, put, store_slice, text};
use crate::base::error::Error;
use crate::kv::quota::{Quota, Usage};
use crate::{validate_scope, ScopedStore};

/// Limits for a namespace; 0 means unlimited.
#[repr(C)]
#[derive(Clone, Copy, Default)]
pub struct store_quota {
    /// Live keys across the namespace.
    pub max_keys: i64,
    /// Distinct groups with live keys.
    pub max_groups: i64,
    /// Sum of key and value byte lengths of live rows.
    pub max_bytes: i64,
}

/// What a namespace holds (live rows only).
#[repr(C)]
#[derive(Clone, Copy, Default)]
pub struct store_usage {
    /// Live keys.
    pub keys: i64,
    /// Distinct groups with live keys.
    pub groups: i64,
    /// Sum of key and value byte lengths.
    pub bytes: i64,
}

impl From<&store_quota> for Quota {
    fn from(q: &store_quota) -> Quota {
        Quota { max_keys: q.max_keys, max_groups: q.max_groups, max_bytes: q.max_bytes }
    }
}

unsafe fn quota_arg(quota: *const store_quota) -> Quota {
    quota.as_ref().map(Quota::from).unwrap_or_default()
}

/// Opens a view of `db` whose groups live under `namespace:` (namespace
/// must match `^[a-zA-Z0-9-]+$`), with `quota` limits (NULL = none). Quotas
/// are checked inside each write's transaction. The caller owns `*out`
/// (free with `store_scope_free`); it keeps the store's memory alive and
/// fails with `STORE_CLOSED` after the store closes. Any thread.
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
        let scoped = ScopedStore::with_quota(store, ns, quota_arg(quota))?;
        put(out, Box::into_raw(Box::new(store_scope { kv: store_kv { obj: KvObject::Scoped(scoped) } })), "out")
    })
}

/// Checks a namespace and quota as `store_scope_open` would (go-store
/// `ScopedStoreConfig.Validate`). `quota` may be NULL. Any thread.
#[no_mangle]
pub unsafe extern "C" fn store_scope_validate(namespace: *const u8, namespace_len: usize, quota: *const store_quota) -> store_status {
    call(|| {
        let ns = std::str::from_utf8(bytes(namespace, namespace_len, "namespace")?).unwrap_or("\u{FFFD}");
        validate_scope(ns, &quota_arg(quota))
    })
}

/// Checks quota limits alone (go-store `QuotaConfig.Validate`): negative
/// values are `STORE_INVALID_ARGUMENT`. Any thread.
#[no_mangle]
pub unsafe extern "C" fn store_quota_validate(quota: *const store_quota) -> store_status {
    call(|| {
        let q = quota.as_ref().ok_or_else(|| Error::invalid("store: quota is NULL"))?;
        Quota::from(q).validate()
    })
}

/// Frees a scoped store. NULL is ignored. No other call on it may be running.
#[no_mangle]
pub unsafe extern "C" fn store_scope_free(scope: *mut store_scope) {
    call_or((), || {
        if !scope.is_null() {
            drop(Box::from_raw(scope));
        }
    })
}

/// The namespace, borrowed from the handle until `store_scope_free`.
#[no_mangle]
pub unsafe extern "C" fn store_scope_namespace(scope: *const store_scope, out: *mut store_slice) -> store_status {
    call(|| put(out, store_slice::of(scope_ref(scope)?.namespace().as_bytes()), "out"))
}

/// Writes the current limits to `*out`.
#[no_mangle]
pub unsafe extern "C" fn store_scope_get_quota(scope: *const store_scope, out: *mut store_quota) -> store_status {
    call(|| {
        let q = scope_ref(scope)?.quota();
        put(out, store_quota { max_keys: q.max_keys, max_groups: q.max_groups, max_bytes: q.max_bytes }, "out")
    })
}

/// Replaces the limits (negative values are `STORE_INVALID_ARGUMENT`).
/// Applies to writes that start afterwards. Any thread.
#[no_mangle]
pub unsafe extern "C" fn store_scope_set_quota(scope: *const store_scope, quota: *const store_quota) -> store_status {
    call(|| {
        let q = quota.as_ref().ok_or_else(|| Error::invalid("store: quota is NULL"))?;
        scope_ref(scope)?.set_quota(Quota::from(q))
    })
}

/// Writes the namespace's live keys, groups and bytes to `*out`. `kv` may
/// be a scoped store or a scoped transaction (then pending writes count).
#[no_mangle]
pub unsafe extern "C" fn store_scope_usage(kv: *mut store_kv, out: *mut store_usage) -> store_status {
    call(|| {
        need(out, "out")?;
        let usage: Usage = match &super::handles::kv_ref(kv)? {
            KvObject::Scoped(s) => s.usage()?,
            KvObject::ScopedTxn(t) => t.usage()?,
            _ => return Err(Error::invalid("store: usage needs a scoped store or scoped transaction")),
        };
        put(out, store_usage { keys: usage.keys, groups: usage.groups, bytes: usage.bytes }, "out")
    })
}
