//! Transactions through the C ABI.

use super::boundary::{call, call_or, set_last_error, store_status};
use super::handles::{kv_ref, store_kv, store_txn, KvObject};
use super::types::{need, put};
use crate::base::error::Error;
use std::ffi::{c_void, CStr};

/// Begins a transaction on a store or scoped store view (`BEGIN IMMEDIATE`).
/// While it is open, other threads' writes (and, on `:memory:`, reads) wait
/// for it; the thread that holds it gets `STORE_BUSY` if it writes through
/// the store instead of the transaction. Writes through `store_txn_kv(*out)`
/// see each other; their events are delivered in order after commit and
/// discarded on rollback. Scoped transactions check quotas against pending
/// writes. The caller owns `*out`: free with `store_txn_free`.
#[no_mangle]
pub unsafe extern "C" fn store_txn_begin(kv: *mut store_kv, out: *mut *mut store_txn) -> store_status {
    call(|| {
        need(out, "out")?;
        let obj = match kv_ref(kv)? {
            KvObject::Store(s) => KvObject::Txn(s.begin()?),
            KvObject::Scoped(s) => KvObject::ScopedTxn(s.begin()?),
            _ => return Err(Error::invalid("store.Transaction: transactions do not nest")),
        };
        put(out, Box::into_raw(Box::new(store_txn { kv: store_kv { obj } })), "out")
    })
}

unsafe fn finish(txn: *mut store_txn, commit: bool) -> store_status {
    call(|| {
        let t = txn.as_ref().ok_or_else(|| Error::invalid("store: transaction is NULL"))?;
        match (&t.kv.obj, commit) {
            (KvObject::Txn(t), true) => t.commit(),
            (KvObject::Txn(t), false) => t.rollback(),
            (KvObject::ScopedTxn(t), true) => t.commit(),
            (KvObject::ScopedTxn(t), false) => t.rollback(),
            _ => Err(Error::invalid("store: handle is not a transaction")),
        }
    })
}

/// Commits, then delivers the staged events in order on this thread. A
/// second commit or rollback fails with `STORE_CLOSED`.
#[no_mangle]
pub unsafe extern "C" fn store_txn_commit(txn: *mut store_txn) -> store_status {
    finish(txn, true)
}

/// Rolls back and discards staged events.
#[no_mangle]
pub unsafe extern "C" fn store_txn_rollback(txn: *mut store_txn) -> store_status {
    finish(txn, false)
}

/// Rolls back if still open, then frees. NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn store_txn_free(txn: *mut store_txn) {
    call_or((), || {
        if !txn.is_null() {
            drop(Box::from_raw(txn));
        }
    })
}

/// The body of `store_transaction`: do the work through `txn` and return
/// `STORE_OK` to commit, anything else to roll back.
pub type store_txn_fn = Option<unsafe extern "C" fn(user_data: *mut c_void, txn: *mut store_kv) -> store_status>;

/// Runs `body(user_data, txn_kv)` inside a transaction on `kv` (a store or
/// scoped store view): commits when it returns `STORE_OK`, otherwise rolls
/// back and returns its status, with the last error reading
/// `store.Transaction: execute transaction: <body's last error>`. The body
/// runs on the calling thread and must not keep `txn_kv` after returning.
#[no_mangle]
pub unsafe extern "C" fn store_transaction(kv: *mut store_kv, body: store_txn_fn, user_data: *mut c_void) -> store_status {
    let Some(body) = body else {
        set_last_error("store.Transaction: operation is nil");
        return store_status::STORE_INVALID_ARGUMENT;
    };
    let mut txn: *mut store_txn = std::ptr::null_mut();
    let status = store_txn_begin(kv, &mut txn);
    if status != store_status::STORE_OK {
        return status;
    }
    let result = body(user_data, super::handles::store_txn_kv(txn));
    if result == store_status::STORE_OK {
        let status = store_txn_commit(txn);
        store_txn_free(txn);
        return status;
    }
    let inner = CStr::from_ptr(super::boundary::store_last_error()).to_string_lossy().into_owned();
    store_txn_rollback(txn);
    store_txn_free(txn);
    let detail = if inner.is_empty() {
        format!("body returned {}", CStr::from_ptr(super::boundary::store_status_str(result as u32)).to_string_lossy())
    } else {
        inner
    };
    set_last_error(&format!("store.Transaction: execute transaction: {detail}"));
    result
}
