//! Namespaces: the `namespace:group` mapping, name validation and the
//! limits a scoped view carries.

use super::quota::Quota;
use crate::base::error::{Error, Result};
use crate::base::quote::Quoted;
use parking_lot::Mutex;

/// The group the single-key helpers (`Get(key)`, `Set(key, value)`) use.
pub const DEFAULT_GROUP: &str = "default";

/// A namespace and its limits, shared by a scoped store and its transactions.
pub struct ScopeSpec {
    namespace: String,
    prefix: Vec<u8>,
    quota: Mutex<Quota>,
}

impl ScopeSpec {
    pub(crate) fn new(namespace: &str, quota: Quota) -> ScopeSpec {
        ScopeSpec { namespace: namespace.to_string(), prefix: format!("{namespace}:").into_bytes(), quota: Mutex::new(quota) }
    }

    pub(crate) fn namespace(&self) -> &str {
        &self.namespace
    }

    pub(crate) fn quota(&self) -> Quota {
        *self.quota.lock()
    }

    pub(crate) fn set_quota(&self, quota: Quota) {
        *self.quota.lock() = quota;
    }

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
            "{OP}: namespace \"{}\" is invalid; use names like \"tenant-a\" or \"tenant-42\"",
            Quoted(namespace.as_bytes())
        )));
    }
    quota.validate().map_err(|e| e.wrap(format!("{OP}: quota")))
}

