//! Namespace quotas: `MaxKeys`, `MaxGroups` and `MaxBytes` (key + value
//! bytes of live rows), checked inside the write's transaction so two writers
//! can never overshoot together.

use crate::clock::now_ms;
use crate::error::{Error, Result, Stage};
use crate::prefix::{PrefixRange, Text};
use crate::scope::ScopeSpec;
use crate::sql;
use rusqlite::{Connection, OptionalExtension};

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

pub(crate) fn usage(conn: &Connection, spec: &ScopeSpec) -> Result<Usage> {
    let range = PrefixRange::new(spec.prefix());
    conn.prepare_cached(sql::USAGE_RANGE)
        .and_then(|mut s| {
            s.query_row((range.lower(), range.upper(), now_ms()), |r| {
                Ok(Usage { keys: r.get(0)?, groups: r.get(1)?, bytes: r.get(2)? })
            })
        })
        .stage("quota check")
}

/// Fails with `QuotaExceeded` if writing `value` at (`group`, `key`) would
/// break a limit. An upsert of a live key never uses key or group quota and
/// is charged only for the bytes it adds.
pub(crate) fn check(conn: &Connection, spec: &ScopeSpec, quota: &Quota, group: &[u8], key: &[u8], value: &[u8]) -> Result<()> {
    let now = now_ms();
    let range = PrefixRange::new(spec.prefix());
    let existing: Option<i64> = conn
        .prepare_cached(sql::ROW_BYTES)
        .and_then(|mut s| s.query_row((Text(group), Text(key), now), |r| r.get(0)).optional())
        .stage("quota check")?;
    if quota.max_bytes > 0 {
        let used: i64 = conn
            .prepare_cached(sql::BYTES_RANGE)
            .and_then(|mut s| s.query_row((range.lower(), range.upper(), now), |r| r.get(0)))
            .stage("quota check")?;
        let after = used - existing.unwrap_or(0) + (key.len() + value.len()) as i64;
        if after > quota.max_bytes && after > used {
            return Err(Error::quota_exceeded(format!("byte limit ({})", quota.max_bytes)));
        }
    }
    if existing.is_some() {
        return Ok(());
    }
    if quota.max_keys > 0 {
        let keys: i64 = conn
            .prepare_cached(sql::COUNT_RANGE)
            .and_then(|mut s| s.query_row((range.lower(), range.upper(), now), |r| r.get(0)))
            .stage("quota check")?;
        if keys >= quota.max_keys {
            return Err(Error::quota_exceeded(format!("key limit ({})", quota.max_keys)));
        }
    }
    if quota.max_groups > 0 {
        let group_live = conn
            .prepare_cached(sql::GROUP_EXISTS)
            .and_then(|mut s| s.query_row((Text(group), now), |_| Ok(())).optional())
            .stage("quota check")?
            .is_some();
        if !group_live {
            let groups: i64 = conn
                .prepare_cached(sql::GROUP_COUNT_RANGE)
                .and_then(|mut s| s.query_row((range.lower(), range.upper(), now), |r| r.get(0)))
                .stage("quota check")?;
            if groups >= quota.max_groups {
                return Err(Error::quota_exceeded(format!("group limit ({})", quota.max_groups)));
            }
        }
    }
    Ok(())
}
