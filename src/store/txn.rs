//! Transactions: the writer connection is held for the transaction across
//! calls; reads see its writes; events are staged and delivered in order
//! after commit, never after rollback.

use super::store::{Inner, Store};
use crate::base::error::{Op, Result};
use crate::engine::statement::Conn;
use crate::events::{Event, EventBus};
use crate::kv::quota::UsageCache;
use crate::kv::target::{Backend, Emit};
use crate::kv::{Kv, Target};
use parking_lot::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

const OP: Op = Op { base: "store.Transaction", method: "" };

/// The shared state of one transaction.
pub(crate) struct TxnCore {
    pub(crate) inner: Arc<Inner>,
    id: u64,
    staged: Mutex<Vec<Event>>,
    /// Namespace usage as this transaction sees it (pending writes included).
    usage: UsageCache,
    finished: AtomicBool,
}

impl TxnCore {
    pub(crate) fn run<R>(&self, op: Op, f: impl FnOnce(&Conn, &mut Emit) -> Result<R>) -> Result<R> {
        self.inner.ensure_ready(op)?;
        // Before taking `staged`: a visitor calling back in must fail, not deadlock.
        self.inner.db.not_holding_writer().map_err(|e| e.wrap(op))?;
        let mut staged = self.staged.lock();
        let active = self.inner.bus.active();
        self.inner
            .db
            .with_txn(self.id, |conn| {
                let mut emit = Emit::new(active, &mut staged, &self.usage, Some(&self.inner.usage));
                let r = f(conn, &mut emit)?;
                if let Some(after) = emit.usage_after.take() {
                    after.record(&self.usage);
                }
                Ok(r)
            })
            .map_err(|e| e.wrap(op))
    }
}

/// An open transaction on a store. Rolled back when dropped uncommitted.
/// One thread at a time; other threads' writes wait until it ends.
pub struct Transaction {
    core: Arc<TxnCore>,
}

impl Store {
    /// Begins a transaction (`BEGIN IMMEDIATE`), waiting while another is open.
    pub fn begin(&self) -> Result<Transaction> {
        self.inner.ensure_ready(OP)?;
        let inner = &self.inner;
        let id = inner.db.begin_txn(|| inner.is_closed()).map_err(|e| e.wrap(OP))?;
        Ok(Transaction {
            core: Arc::new(TxnCore {
                inner: inner.clone(),
                id,
                staged: Mutex::new(Vec::new()),
                usage: UsageCache::default(),
                finished: AtomicBool::new(false),
            }),
        })
    }

    /// Runs `f` in a transaction: commits if it returns `Ok`, rolls back
    /// otherwise (errors read `store.Transaction: execute transaction: …`).
    ///
    /// Inside `f`, writes through the store itself (not `txn`) fail at once
    /// with `Busy`: they could only proceed after the transaction ends.
    pub fn transaction<R>(&self, f: impl FnOnce(&Transaction) -> Result<R>) -> Result<R> {
        let txn = self.begin()?;
        run_in(&txn, || self.inner.db.in_body(|| f(&txn)))
    }
}

pub(crate) fn run_in<R>(txn: &Transaction, f: impl FnOnce() -> Result<R>) -> Result<R> {
    match f() {
        Ok(r) => {
            txn.commit()?;
            Ok(r)
        }
        Err(e) => {
            let _ = txn.rollback();
            Err(e.wrap("store.Transaction: execute transaction"))
        }
    }
}

impl Transaction {
    pub(crate) fn core(&self) -> &Arc<TxnCore> {
        &self.core
    }

    /// Runs a transaction body (the C ABI's `store_transaction` callback) so
    /// that store writes from it fail at once, as in [`Store::transaction`].
    pub(crate) fn in_body<R>(&self, f: impl FnOnce() -> R) -> R {
        self.core.inner.db.in_body(f)
    }

    /// Commits, then delivers the staged events in order.
    pub fn commit(&self) -> Result<()> {
        self.finish(true)
    }

    /// Rolls back and discards the staged events.
    pub fn rollback(&self) -> Result<()> {
        self.finish(false)
    }

    /// True once committed or rolled back.
    pub fn is_finished(&self) -> bool {
        self.core.finished.load(Ordering::Acquire)
    }

    fn finish(&self, commit: bool) -> Result<()> {
        let op = Op { base: "store.Transaction", method: if commit { "Commit" } else { "Rollback" } };
        let core = &self.core;
        core.inner.db.not_holding_writer().map_err(|e| e.wrap(op))?;
        // Staged events belong to the first finish only; a failed commit has
        // rolled back, so its events are discarded with the rollback.
        let first = !core.finished.swap(true, Ordering::AcqRel);
        let mut target = 0;
        let result = core
            .inner
            .db
            .end_txn(core.id, commit, || {
                let events = std::mem::take(&mut *core.staged.lock());
                if first && !events.is_empty() {
                    target = core.inner.bus.publish(events);
                }
            })
            .map_err(|e| e.wrap(op));
        if first {
            core.staged.lock().clear();
        }
        if target != 0 {
            let bus = core.inner.bus.clone();
            bus.deliver(target);
        }
        result
    }
}

impl Drop for Transaction {
    fn drop(&mut self) {
        if !self.is_finished() {
            let _ = self.rollback();
        }
    }
}

impl Kv for Transaction {
    fn target(&self) -> Target<'_> {
        Target::new(&self.core, None)
    }
}

/// Inside a transaction: reads and writes run on the writer it holds; events
/// are staged until commit.
impl Backend for Arc<TxnCore> {
    fn ensure_ready(&self, op: Op) -> Result<()> {
        self.inner.ensure_ready(op)
    }

    fn read(&self, op: Op, f: &mut dyn FnMut(&Conn) -> Result<()>) -> Result<()> {
        self.run(op, |conn, _| f(conn))
    }

    fn write(&self, op: Op, _atomic: bool, f: &mut dyn FnMut(&Conn, &mut Emit) -> Result<()>) -> Result<()> {
        self.run(op, f)
    }

    fn in_transaction(&self) -> bool {
        true
    }

    fn events(&self) -> Option<&Arc<EventBus>> {
        None
    }

    fn config(&self) -> &crate::Config {
        &self.inner.config
    }

    fn to_owned(&self) -> Box<dyn Backend> {
        Box::new(self.clone())
    }
}
