//! Scoped namespaces: a view of the store whose groups live under
//! `namespace:group`, with optional quotas.

use super::txn::{run_in, Transaction};
use super::Store;
use crate::base::error::{Op, Result};
use crate::kv::namespace::{validate_scope, ScopeSpec};
use crate::kv::quota::{self, Quota, Usage};
use crate::kv::{Kv, Target};
use std::sync::Arc;

/// A namespace-isolated view of a store. Cheap to clone; thread-safe.
#[derive(Clone)]
pub struct ScopedStore {
    store: Store,
    spec: Arc<ScopeSpec>,
}

impl ScopedStore {
    /// A scoped view with no quota.
    pub fn new(store: &Store, namespace: &str) -> Result<ScopedStore> {
        ScopedStore::with_quota(store, namespace, Quota::default())
    }

    /// A scoped view with limits (go-store `NewScopedWithQuota`).
    pub fn with_quota(store: &Store, namespace: &str, quota: Quota) -> Result<ScopedStore> {
        validate_scope(namespace, &quota).map_err(|e| e.wrap("store.NewScopedConfigured: validate config"))?;
        Ok(ScopedStore {
            store: store.clone(),
            spec: Arc::new(ScopeSpec::new(namespace, quota)),
        })
    }

    /// The namespace.
    pub fn namespace(&self) -> &str {
        self.spec.namespace()
    }

    /// The underlying store.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The current limits.
    pub fn quota(&self) -> Quota {
        self.spec.quota()
    }

    /// Replaces the limits (go-store's mutable `MaxKeys`/`MaxGroups` fields).
    pub fn set_quota(&self, quota: Quota) -> Result<()> {
        quota.validate()?;
        self.spec.set_quota(quota);
        Ok(())
    }

    /// Keys, groups and bytes the namespace holds now.
    pub fn usage(&self) -> Result<Usage> {
        let t = self.target();
        t.read(Op { base: "store.ScopedStore", method: "Usage" }, |conn| quota::usage(conn, &self.spec))
    }

    /// Begins a scoped transaction; quotas see its pending writes.
    pub fn begin(&self) -> Result<ScopedTransaction> {
        Ok(ScopedTransaction { txn: self.store.begin()?, spec: self.spec.clone() })
    }

    /// Runs `f` in a scoped transaction: commits if it returns `Ok`, rolls back otherwise.
    pub fn transaction<R>(&self, f: impl FnOnce(&ScopedTransaction) -> Result<R>) -> Result<R> {
        let txn = self.begin()?;
        run_in(&txn.txn, || self.store.inner.db.in_body(|| f(&txn)))
    }
}

impl Kv for ScopedStore {
    fn target(&self) -> Target<'_> {
        Target::new(&self.store.inner, Some(&self.spec))
    }
}

/// A transaction seen through a namespace.
pub struct ScopedTransaction {
    txn: Transaction,
    spec: Arc<ScopeSpec>,
}

impl ScopedTransaction {
    /// See [`Transaction::in_body`].
    pub(crate) fn in_body<R>(&self, f: impl FnOnce() -> R) -> R {
        self.txn.in_body(f)
    }

    /// Commits; staged events are delivered in order afterwards.
    pub fn commit(&self) -> Result<()> {
        self.txn.commit()
    }

    /// Rolls back; staged events are discarded.
    pub fn rollback(&self) -> Result<()> {
        self.txn.rollback()
    }

    /// The namespace.
    pub fn namespace(&self) -> &str {
        self.spec.namespace()
    }

    /// Usage including this transaction's pending writes.
    pub fn usage(&self) -> Result<Usage> {
        let t = self.target();
        t.read(Op { base: "store.ScopedStoreTransaction", method: "Usage" }, |conn| quota::usage(conn, &self.spec))
    }
}

impl Kv for ScopedTransaction {
    fn target(&self) -> Target<'_> {
        Target::new(self.txn.core(), Some(&self.spec))
    }
}
