//! Namespace quotas: `MaxKeys`, `MaxGroups` and `MaxBytes` (key + value
//! bytes of live rows), checked inside the write's transaction so two writers
//! can never overshoot together.

use crate::base::clock::now_ms;
use crate::base::error::{Error, Result, Stage};
use crate::engine::prefix::PrefixRange;
use crate::kv::namespace::ScopeSpec;
use crate::engine::statement::{Conn, Param, Sql};
use parking_lot::Mutex;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};

/// Limits for one namespace; zero (or negative) means unlimited.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Quota {
    /// Live keys across the namespace.
    pub max_keys: i64,
    /// Distinct groups with live keys.
    pub max_groups: i64,
    /// Sum of key and value byte lengths of live rows.
    pub max_bytes: i64,
}

impl Quota {
    /// Rejects negative limits (go-store's `QuotaConfig.Validate`).
    pub fn validate(&self) -> Result<()> {
        if self.max_keys < 0 || self.max_groups < 0 || self.max_bytes < 0 {
            return Err(Error::invalid(format!(
                "store.QuotaConfig.Validate: quota values must be zero or positive; got MaxKeys={} MaxGroups={} MaxBytes={}",
                self.max_keys, self.max_groups, self.max_bytes
            )));
        }
        Ok(())
    }

    /// True when any limit applies.
    pub fn is_limited(&self) -> bool {
        self.max_keys > 0 || self.max_groups > 0 || self.max_bytes > 0
    }
}

/// What a namespace holds right now (live rows only).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    /// Live keys.
    pub keys: i64,
    /// Distinct groups with live keys.
    pub groups: i64,
    /// Sum of key and value byte lengths.
    pub bytes: i64,
}

/// Usage and the earliest future expiry, computed from the table.
fn measure(conn: &Conn, prefix: &[u8], now: i64) -> Result<(Usage, i64)> {
    let range = PrefixRange::new(prefix);
    let mut stmt = conn.stmt(Sql::UsageRange).stage("quota check")?;
    stmt.bind(&[range.lower(), range.upper(), Param::Int(now)]).stage("quota check")?;
    stmt.step().stage("quota check")?;
    let usage = Usage { keys: stmt.int(0), groups: stmt.int(1), bytes: stmt.int(2) };
    let next_expiry = if stmt.is_null(3) { i64::MAX } else { stmt.int(3) };
    Ok((usage, next_expiry))
}

pub(crate) fn usage(conn: &Conn, spec: &ScopeSpec) -> Result<Usage> {
    measure(conn, spec.prefix(), now_ms()).map(|(u, _)| u)
}

/// Runs a one-row integer query (`None` when it returns no row).
fn query_int(conn: &Conn, sql: Sql, params: &[Param<'_>]) -> Result<Option<i64>> {
    let mut stmt = conn.stmt(sql).stage("quota check")?;
    stmt.bind(params).stage("quota check")?;
    Ok(if stmt.step().stage("quota check")? { Some(stmt.int(0)) } else { None })
}

/// Usage of namespaces that have quotas, kept in memory so a quota check
/// costs a few primary-key lookups rather than a scan of the namespace.
///
/// An entry is trusted only while (a) no change touched a group of its
/// namespace (every write reports the groups it changes through
/// [`UsageCache::touch`], which drops the entry), (b) no other connection has
/// committed to the file (`PRAGMA data_version`), and (c) no live row of the
/// namespace has reached its expiry. A transaction keeps its own cache,
/// seeded from the table inside the transaction, so its checks see its
/// pending writes without rescanning the namespace on every write.
#[derive(Default)]
pub(crate) struct UsageCache {
    populated: AtomicBool,
    entries: Mutex<HashMap<Vec<u8>, CachedUsage>>,
}

#[derive(Clone, Copy)]
struct CachedUsage {
    usage: Usage,
    /// Earliest expiry among the namespace's live rows (`i64::MAX`: none).
    valid_until: i64,
    data_version: i64,
}

/// The namespace prefix (`ns:`) of a stored group, if it has one.
fn namespace_of(group: &[u8]) -> Option<&[u8]> {
    group.iter().position(|&b| b == b':').map(|i| &group[..=i])
}

impl UsageCache {
    /// Forgets the namespace of `group`: a change is being made to it.
    #[inline]
    pub(crate) fn touch(&self, group: &[u8]) {
        if !self.populated.load(Ordering::Acquire) {
            return;
        }
        if let Some(prefix) = namespace_of(group) {
            let mut entries = self.entries.lock();
            entries.remove(prefix);
            self.populated.store(!entries.is_empty(), Ordering::Release);
        }
    }

    fn get(&self, prefix: &[u8], now: i64, data_version: i64) -> Option<CachedUsage> {
        if !self.populated.load(Ordering::Acquire) {
            return None;
        }
        let entries = self.entries.lock();
        entries.get(prefix).copied().filter(|c| c.data_version == data_version && now < c.valid_until)
    }

    fn put(&self, prefix: &[u8], cached: CachedUsage) {
        self.entries.lock().insert(prefix.to_vec(), cached);
        self.populated.store(true, Ordering::Release);
    }
}

/// What a passed quota check knows, so the write can update the cache.
pub(crate) struct Checked {
    before: CachedUsage,
    existing_bytes: Option<i64>,
    group_live: bool,
}

/// A namespace's usage after a write, to be recorded once the write commits.
pub(crate) struct UsageAfter {
    prefix: Vec<u8>,
    cached: CachedUsage,
}

impl UsageAfter {
    /// Records it. Call only after the write committed (or, inside a
    /// transaction, into the transaction's own cache), so a failed commit
    /// never leaves a count behind.
    pub(crate) fn record(self, cache: &UsageCache) {
        cache.put(&self.prefix, self.cached);
    }
}

impl Checked {
    /// The namespace's usage after the write of `new_bytes` (key + value)
    /// expiring at `expires` (call after the write's own `touch`).
    pub(crate) fn after(&self, spec: &ScopeSpec, new_bytes: i64, expires: Option<i64>) -> UsageAfter {
        let before = self.before;
        let usage = Usage {
            keys: before.usage.keys + i64::from(self.existing_bytes.is_none()),
            groups: before.usage.groups + i64::from(!self.group_live),
            bytes: before.usage.bytes - self.existing_bytes.unwrap_or(0) + new_bytes,
        };
        let valid_until = expires.map_or(before.valid_until, |e| e.min(before.valid_until));
        UsageAfter { prefix: spec.prefix().to_vec(), cached: CachedUsage { usage, valid_until, ..before } }
    }
}

/// Fails with `QuotaExceeded` if writing `value` at (`group`, `key`) would
/// break a limit. An upsert of a live key never uses key or group quota and
/// is charged only for the bytes it adds. `cache` is the store's cache, or a
/// transaction's own (which starts empty and so counts pending writes).
pub(crate) fn check(
    conn: &Conn,
    cache: &UsageCache,
    spec: &ScopeSpec,
    quota: &Quota,
    group: &[u8],
    key: &[u8],
    value: &[u8],
) -> Result<Checked> {
    let now_ms = now_ms();
    let now = Param::Int(now_ms);
    let existing_bytes = query_int(conn, Sql::RowBytes, &[Param::Text(group), Param::Text(key), now])?;
    let group_live = existing_bytes.is_some() || query_int(conn, Sql::GroupExists, &[Param::Text(group), now])?.is_some();
    let data_version = query_int(conn, Sql::DataVersion, &[])?.unwrap_or(0);
    let before = match cache.get(spec.prefix(), now_ms, data_version) {
        Some(c) => c,
        None => {
            let (usage, valid_until) = measure(conn, spec.prefix(), now_ms)?;
            CachedUsage { usage, valid_until, data_version }
        }
    };
    let usage = before.usage;
    if quota.max_bytes > 0 {
        let after = usage.bytes - existing_bytes.unwrap_or(0) + (key.len() + value.len()) as i64;
        if after > quota.max_bytes && after > usage.bytes {
            return Err(Error::quota_exceeded(format!("byte limit ({})", quota.max_bytes)));
        }
    }
    if existing_bytes.is_none() {
        if quota.max_keys > 0 && usage.keys >= quota.max_keys {
            return Err(Error::quota_exceeded(format!("key limit ({})", quota.max_keys)));
        }
        if quota.max_groups > 0 && !group_live && usage.groups >= quota.max_groups {
            return Err(Error::quota_exceeded(format!("group limit ({})", quota.max_groups)));
        }
    }
    Ok(Checked { before, existing_bytes, group_live })
}
