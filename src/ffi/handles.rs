//! Opaque handles. Every handle that can run key-value operations embeds a
//! `store_kv`, so one set of `store_get`/`store_set`/… functions serves the
//! store, scoped stores, transactions and scoped transactions.

use super::boundary::call_or;
use crate::base::error::{Error, Result};
use crate::kv::{Kv, Target};
use crate::{ScopedStore, ScopedTransaction};
use crate::Store;
use crate::Transaction;

pub(crate) enum KvObject {
    Store(Store),
    Scoped(ScopedStore),
    Txn(Transaction),
    ScopedTxn(ScopedTransaction),
}

impl Kv for KvObject {
    fn target(&self) -> Target<'_> {
        match self {
            KvObject::Store(s) => s.target(),
            KvObject::Scoped(s) => s.target(),
            KvObject::Txn(t) => t.target(),
            KvObject::ScopedTxn(t) => t.target(),
        }
    }
}

/// Any key-value view: a store, a scoped store, a transaction or a scoped
/// transaction. Obtained with `store_db_kv`, `store_scope_kv` or
/// `store_txn_kv`; borrowed from that handle and valid until it is freed.
pub struct store_kv {
    pub(crate) obj: KvObject,
}

/// An open store. Safe to share across threads. Free with `store_free`.
pub struct store_db {
    pub(crate) kv: store_kv,
}

/// A namespace-scoped view of a store, with optional quotas. Safe to share
/// across threads. Keeps the store's memory alive; after the store closes its
/// calls fail with `STORE_CLOSED`. Free with `store_scope_free`.
pub struct store_scope {
    pub(crate) kv: store_kv,
}

/// An open transaction. Use it from one thread at a time. Free with
/// `store_txn_free` (which rolls back if still open).
pub struct store_txn {
    pub(crate) kv: store_kv,
}

pub(crate) unsafe fn kv_ref<'a>(kv: *const store_kv) -> Result<&'a KvObject> {
    kv.as_ref().map(|k| &k.obj).ok_or_else(|| Error::invalid("store: kv handle is NULL"))
}

pub(crate) unsafe fn db_ref<'a>(db: *const store_db) -> Result<&'a Store> {
    match db.as_ref().map(|d| &d.kv.obj) {
        Some(KvObject::Store(s)) => Ok(s),
        Some(_) => Err(Error::invalid("store: handle is not a store")),
        None => Err(Error::invalid("store: store handle is NULL")),
    }
}

pub(crate) unsafe fn scope_ref<'a>(scope: *const store_scope) -> Result<&'a ScopedStore> {
    match scope.as_ref().map(|d| &d.kv.obj) {
        Some(KvObject::Scoped(s)) => Ok(s),
        Some(_) => Err(Error::invalid("store: handle is not a scoped store")),
        None => Err(Error::invalid("store: scope handle is NULL")),
    }
}

/// The address of the `store_kv` embedded in a handle, computed without
/// forming a reference: other threads (or an outer call that is running an
/// event callback) may hold shared references to the same handle.
macro_rules! embedded_kv {
    ($handle:expr) => {{
        let handle = $handle;
        if handle.is_null() {
            std::ptr::null_mut()
        } else {
            std::ptr::addr_of_mut!((*handle).kv)
        }
    }};
}

/// The key-value view of a store. Ownership: borrowed from `db`, valid until
/// `store_free(db)`; never free it. Returns NULL for a NULL `db`.
/// Thread: any, concurrently with other calls on `db`.
#[no_mangle]
pub unsafe extern "C" fn store_db_kv(db: *mut store_db) -> *mut store_kv {
    call_or(std::ptr::null_mut(), || embedded_kv!(db))
}

/// The key-value view of a scoped store. Ownership: borrowed from `scope`,
/// valid until `store_scope_free(scope)`; never free it. Returns NULL for a
/// NULL `scope`. Thread: any, concurrently with other calls on `scope`.
#[no_mangle]
pub unsafe extern "C" fn store_scope_kv(scope: *mut store_scope) -> *mut store_kv {
    call_or(std::ptr::null_mut(), || embedded_kv!(scope))
}

/// The key-value view of a transaction: operations on it run inside the
/// transaction and see its pending writes. Ownership: borrowed from `txn`,
/// valid until `store_txn_free(txn)`; never free it. Returns NULL for a NULL
/// `txn`. Thread: any; the view is then used by one thread at a time, like
/// the transaction.
#[no_mangle]
pub unsafe extern "C" fn store_txn_kv(txn: *mut store_txn) -> *mut store_kv {
    call_or(std::ptr::null_mut(), || embedded_kv!(txn))
}
