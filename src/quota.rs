//! Namespace quotas: `MaxKeys`, `MaxGroups` and `MaxBytes` (key + value
//! bytes of live rows), checked inside the write's transaction so two writers
//! can never overshoot together.

use crate::clock::now_ms;
use crate::error::{Error, Result, Stage};
use crate::prefix::PrefixRange;
use crate::scope::ScopeSpec;
use crate::statement::{Conn, Param, Sql};

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

pub(crate) fn usage(conn: &Conn, spec: &ScopeSpec) -> Result<Usage> {
    let range = PrefixRange::new(spec.prefix());
    let mut stmt = conn.stmt(Sql::UsageRange).stage("quota check")?;
    stmt.bind(&[range.lower(), range.upper(), Param::Int(now_ms())]).stage("quota check")?;
    stmt.step().stage("quota check")?;
    Ok(Usage { keys: stmt.int(0), groups: stmt.int(1), bytes: stmt.int(2) })
}

/// Runs a one-row integer query (`None` when it returns no row).
fn query_int(conn: &Conn, sql: Sql, params: &[Param<'_>]) -> Result<Option<i64>> {
    let mut stmt = conn.stmt(sql).stage("quota check")?;
    stmt.bind(params).stage("quota check")?;
    Ok(if stmt.step().stage("quota check")? { Some(stmt.int(0)) } else { None })
}

/// Fails with `QuotaExceeded` if writing `value` at (`group`, `key`) would
/// break a limit. An upsert of a live key never uses key or group quota and
/// is charged only for the bytes it adds.
pub(crate) fn check(conn: &Conn, spec: &ScopeSpec, quota: &Quota, group: &[u8], key: &[u8], value: &[u8]) -> Result<()> {
    let now = Param::Int(now_ms());
    let range = PrefixRange::new(spec.prefix());
    let in_namespace = [range.lower(), range.upper(), now];
    let existing = query_int(conn, Sql::RowBytes, &[Param::Text(group), Param::Text(key), now])?;
    if quota.max_bytes > 0 {
        let used = query_int(conn, Sql::BytesRange, &in_namespace)?.unwrap_or(0);
        let after = used - existing.unwrap_or(0) + (key.len() + value.len()) as i64;
        if after > quota.max_bytes && after > used {
            return Err(Error::quota_exceeded(format!("byte limit ({})", quota.max_bytes)));
        }
    }
    if existing.is_some() {
        return Ok(());
    }
    if quota.max_keys > 0 {
        let keys = query_int(conn, Sql::CountRange, &in_namespace)?.unwrap_or(0);
        if keys >= quota.max_keys {
            return Err(Error::quota_exceeded(format!("key limit ({})", quota.max_keys)));
        }
    }
    if quota.max_groups > 0 && query_int(conn, Sql::GroupExists, &[Param::Text(group), now])?.is_none() {
        let groups = query_int(conn, Sql::GroupCountRange, &in_namespace)?.unwrap_or(0);
        if groups >= quota.max_groups {
            return Err(Error::quota_exceeded(format!("group limit ({})", quota.max_groups)));
        }
    }
    Ok(())
}
