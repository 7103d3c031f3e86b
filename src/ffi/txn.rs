//! Transactions through the C ABI.

use super::boundary::{call, call_or, last_error_text, set_last_error, store_status, free_handle};
use super::handles::{kv_ref, store_kv, store_txn, KvObject};
use super::types::{need, put};
use crate::base::error::{Error, Result};
use std::ffi::{c_int, c_void};
use std::ptr;

/// Begins a transaction on a store or scoped store view (`BEGIN IMMEDIATE`).
/// While it is open, other threads' writes (and, on `:memory:`, reads) wait
/// for it; the thread that holds it gets `STORE_BUSY` if it writes through
/// the store instead of the transaction. Writes through `store_txn_kv(*out)`
/// see each other; their events are delivered in order after commit and
/// discarded on rollback. Scoped transactions check quotas against pending
/// writes. The caller owns `*out`: free with `store_txn_free`.
///
/// Ownership: `*out` becomes the caller's, freed with `store_txn_free`.
/// Thread: any thread that may use `kv`; the transaction is then used
/// by one thread at a time.
#[no_mangle]
pub unsafe extern "C" fn store_txn_begin(kv: *mut store_kv, out: *mut *mut store_txn) -> store_status {
    call(|| {
        need(out, "out")?;
        let obj = begin(kv)?;
        put(out, Box::into_raw(Box::new(store_txn { kv: store_kv { obj } })), "out")
    })
}

unsafe fn begin(kv: *mut store_kv) -> Result<KvObject> {
    Ok(match kv_ref(kv)? {
        KvObject::Store(s) => KvObject::Txn(s.begin()?),
        KvObject::Scoped(s) => KvObject::ScopedTxn(s.begin()?),
        _ => return Err(Error::invalid("store.Transaction: transactions do not nest")),
    })
}

fn end(obj: &KvObject, commit: bool) -> Result<()> {
    match (obj, commit) {
        (KvObject::Txn(t), true) => t.commit(),
        (KvObject::Txn(t), false) => t.rollback(),
        (KvObject::ScopedTxn(t), true) => t.commit(),
        (KvObject::ScopedTxn(t), false) => t.rollback(),
        _ => Err(Error::invalid("store: handle is not a transaction")),
    }
}

unsafe fn finish(txn: *mut store_txn, commit: bool) -> Result<()> {
    let t = txn.as_ref().ok_or_else(|| Error::invalid("store: transaction is NULL"))?;
    end(&t.kv.obj, commit)
}

/// Commits, then delivers the staged events in order on this thread. A
/// second commit or rollback fails with `STORE_CLOSED`.
///
/// Ownership: `txn` stays the caller's; free it with `store_txn_free`.
/// Thread: one thread at a time per transaction.
#[no_mangle]
pub unsafe extern "C" fn store_txn_commit(txn: *mut store_txn) -> store_status {
    call(|| finish(txn, true))
}

/// Rolls back and discards staged events.
///
/// Ownership: `txn` stays the caller's; free it with `store_txn_free`.
/// Thread: one thread at a time per transaction.
#[no_mangle]
pub unsafe extern "C" fn store_txn_rollback(txn: *mut store_txn) -> store_status {
    call(|| finish(txn, false))
}

/// Rolls back if still open, then frees. NULL is ignored.
///
/// Ownership: takes back `txn`; its `store_kv` view dies with it.
/// Thread: any, once no other call on `txn` is running.
#[no_mangle]
pub unsafe extern "C" fn store_txn_free(txn: *mut store_txn) {
    call_or((), || {
        if !txn.is_null() {
            free_handle(Box::from_raw(txn));
        }
    })
}

/// The body of `store_transaction`: do the work through `txn` and return 0
/// (`STORE_OK`) to commit, anything else to roll back. A plain `int`, so any
/// value a C function returns is well defined here.
pub type store_txn_fn = Option<unsafe extern "C" fn(user_data: *mut c_void, txn: *mut store_kv) -> c_int>;

/// Runs `body(user_data, txn_kv)` inside a transaction on `kv` (a store or
/// scoped store view) and commits when it returns 0. Any other return value
/// rolls back; `store_transaction` then returns that value if it is a
/// `store_status`, else `STORE_ABORTED`, and the last error reads
/// `store.Transaction: execute transaction: <the body's last error>` (or
/// `body returned <value>` when the body left none). On success the last
/// error is empty, whatever the body's calls recorded.
///
/// Ownership: `txn_kv` is borrowed for the duration of the body only; the
/// library frees the transaction. Thread: the body runs on the calling
/// thread, which may be any thread that may use `kv`.
#[no_mangle]
pub unsafe extern "C" fn store_transaction(kv: *mut store_kv, body: store_txn_fn, user_data: *mut c_void) -> store_status {
    let mut failed = None;
    let status = call(|| {
        let body = body.ok_or_else(|| Error::invalid("store.Transaction: operation is nil"))?;
        let txn = OwnedTxn(Box::into_raw(Box::new(store_txn { kv: store_kv { obj: begin(kv)? } })));
        let txn_kv = ptr::addr_of_mut!((*txn.0).kv);
        let obj = &(*txn.0).kv.obj;
        let result = match obj {
            KvObject::Txn(t) => t.in_body(|| body(user_data, txn_kv)),
            KvObject::ScopedTxn(t) => t.in_body(|| body(user_data, txn_kv)),
            _ => body(user_data, txn_kv),
        };
        if result == 0 {
            return end(obj, true);
        }
        let inner = last_error_text();
        // The body's failure is the one to report; a rollback error adds nothing.
        let _ = end(obj, false);
        let status = match store_status::from_code(i64::from(result)) {
            Some(store_status::STORE_OK) | None => store_status::STORE_ABORTED,
            Some(known) => known,
        };
        let detail = if inner.is_empty() { format!("body returned {result}") } else { inner };
        failed = Some((status, format!("store.Transaction: execute transaction: {detail}")));
        Ok(())
    });
    match failed {
        Some((status, message)) => {
            set_last_error(&message);
            status
        }
        None => status,
    }
}

/// Frees the transaction `store_transaction` made (rolling back if still
/// open), also when a panic unwinds to the boundary.
struct OwnedTxn(*mut store_txn);

impl Drop for OwnedTxn {
    fn drop(&mut self) {
        unsafe { drop(Box::from_raw(self.0)) }
    }
}
