//! Scoped namespaces: a view of the store whose groups live under
//! `namespace:group`, with optional quotas.

use crate::error::{Error, Op, Result};
use crate::kv::{Exec, Kv, Target};
use crate::quota::{self, Quota, Usage};
use crate::store::Store;
use crate::txn::Transaction;
use parking_lot::Mutex;
use std::sync::Arc;

/// The group the single-key helpers (`Get(key)`, `Set(key, value)`) use.
pub const DEFAULT_GROUP: &str = "default";

/// A namespace and its limits, shared by a scoped store and its transactions.
pub struct ScopeSpec {
    namespace: String,
    prefix: Vec<u8>,
    quota: Mutex<Quota>,
}

impl ScopeSpec {
    pub(crate) fn prefix(&self) -> &[u8] {
        &self.prefix
    }

    pub(crate) fn quota_if_limited(&self) -> Option<Quota> {
        let q = *self.quota.lock();
        q.is_limited().then_some(q)
    }
}

/// True when `namespace` matches `^[a-zA-Z0-9-]+$`.
pub fn is_valid_namespace(namespace: &str) -> bool {
    !namespace.is_empty() && namespace.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// go-store's `ScopedStoreConfig.Validate`.
pub fn validate_scope(namespace: &str, quota: &Quota) -> Result<()> {
    const OP: &str = "store.ScopedStoreConfig.Validate";
    if !is_valid_namespace(namespace) {
        return Err(Error::invalid(format!(
            "{OP}: namespace {namespace:?} is invalid; use names like \"tenant-a\" or \"tenant-42\""
        )));
    }
    quota.validate().map_err(|e| e.wrap(format!("{OP}: quota")))
}

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
            spec: Arc::new(ScopeSpec {
                namespace: namespace.to_string(),
                prefix: format!("{namespace}:").into_bytes(),
                quota: Mutex::new(quota),
            }),
        })
    }

    /// The namespace.
    pub fn namespace(&self) -> &str {
        &self.spec.namespace
    }

    /// The underlying store.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The current limits.
    pub fn quota(&self) -> Quota {
        *self.spec.quota.lock()
    }

    /// Replaces the limits (go-store's mutable `MaxKeys`/`MaxGroups` fields).
    pub fn set_quota(&self, quota: Quota) -> Result<()> {
        quota.validate()?;
        *self.spec.quota.lock() = quota;
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
        crate::txn::run_in(&txn.txn, || f(&txn))
    }
}

impl Kv for ScopedStore {
    fn target(&self) -> Target<'_> {
        Target { exec: Exec::Store(&self.store.inner), scope: Some(&self.spec) }
    }
}

/// A transaction seen through a namespace.
pub struct ScopedTransaction {
    txn: Transaction,
    spec: Arc<ScopeSpec>,
}

impl ScopedTransaction {
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
        &self.spec.namespace
    }

    /// Usage including this transaction's pending writes.
    pub fn usage(&self) -> Result<Usage> {
        let t = self.target();
        t.read(Op { base: "store.ScopedStoreTransaction", method: "Usage" }, |conn| quota::usage(conn, &self.spec))
    }
}

impl Kv for ScopedTransaction {
    fn target(&self) -> Target<'_> {
        Target { exec: Exec::Txn(self.txn.core()), scope: Some(&self.spec) }
    }
}
