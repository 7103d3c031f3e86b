//! Every statement the KV layer runs. Each is prepared once per connection
//! and cached. Group-prefix filters are byte ranges on the primary key
//! (`group_name >= lo AND group_name < hi`), which is case-sensitive and uses
//! the index, unlike go-store's `LIKE`.

pub(crate) const GET: &str = "SELECT entry_value, expires_at FROM entries WHERE group_name = ?1 AND entry_key = ?2";

pub(crate) const SET: &str = "INSERT INTO entries (group_name, entry_key, entry_value, expires_at) VALUES (?1, ?2, ?3, NULL) \
     ON CONFLICT (group_name, entry_key) DO UPDATE SET entry_value = excluded.entry_value, expires_at = NULL";

pub(crate) const SET_WITH_EXPIRY: &str = "INSERT INTO entries (group_name, entry_key, entry_value, expires_at) VALUES (?1, ?2, ?3, ?4) \
     ON CONFLICT (group_name, entry_key) DO UPDATE SET entry_value = excluded.entry_value, expires_at = excluded.expires_at";

pub(crate) const DELETE: &str = "DELETE FROM entries WHERE group_name = ?1 AND entry_key = ?2";

pub(crate) const DELETE_IF_EXPIRED: &str = "DELETE FROM entries WHERE group_name = ?1 AND entry_key = ?2 \
     AND expires_at IS NOT NULL AND expires_at <= ?3";

pub(crate) const EXISTS: &str = "SELECT 1 FROM entries WHERE group_name = ?1 AND entry_key = ?2 \
     AND (expires_at IS NULL OR expires_at > ?3)";

pub(crate) const GROUP_EXISTS: &str = "SELECT 1 FROM entries WHERE group_name = ?1 \
     AND (expires_at IS NULL OR expires_at > ?2) LIMIT 1";

pub(crate) const COUNT: &str = "SELECT COUNT(*) FROM entries WHERE group_name = ?1 AND (expires_at IS NULL OR expires_at > ?2)";

pub(crate) const COUNT_RANGE: &str = "SELECT COUNT(*) FROM entries WHERE group_name >= ?1 AND group_name < ?2 \
     AND (expires_at IS NULL OR expires_at > ?3)";

pub(crate) const DELETE_GROUP: &str = "DELETE FROM entries WHERE group_name = ?1";

/// Every group in the range, live or not (what `DeletePrefix` removes).
pub(crate) const GROUPS_IN_RANGE_ANY: &str = "SELECT DISTINCT group_name FROM entries \
     WHERE group_name >= ?1 AND group_name < ?2 ORDER BY group_name";

pub(crate) const DELETE_RANGE: &str = "DELETE FROM entries WHERE group_name >= ?1 AND group_name < ?2";

pub(crate) const GROUPS_IN_RANGE_LIVE: &str = "SELECT DISTINCT group_name FROM entries \
     WHERE group_name >= ?1 AND group_name < ?2 AND (expires_at IS NULL OR expires_at > ?3) ORDER BY group_name";

pub(crate) const SCAN_GROUP: &str = "SELECT entry_key, entry_value FROM entries WHERE group_name = ?1 \
     AND (expires_at IS NULL OR expires_at > ?2) ORDER BY entry_key LIMIT ?3 OFFSET ?4";

pub(crate) const SCAN_GROUP_AFTER: &str = "SELECT entry_key, entry_value FROM entries WHERE group_name = ?1 \
     AND entry_key > ?2 AND (expires_at IS NULL OR expires_at > ?3) ORDER BY entry_key LIMIT ?4";

pub(crate) const PURGE_RANGE: &str = "DELETE FROM entries WHERE expires_at IS NOT NULL AND expires_at <= ?1 \
     AND group_name >= ?2 AND group_name < ?3 RETURNING group_name, entry_key";

/// Live size of one row, for byte quotas.
pub(crate) const ROW_BYTES: &str = "SELECT LENGTH(CAST(entry_key AS BLOB)) + LENGTH(CAST(entry_value AS BLOB)) \
     FROM entries WHERE group_name = ?1 AND entry_key = ?2 AND (expires_at IS NULL OR expires_at > ?3)";

/// Live keys, groups and bytes of a namespace, and its earliest future
/// expiry (NULL when no live row has a TTL).
pub(crate) const USAGE_RANGE: &str = "SELECT COUNT(*), COUNT(DISTINCT group_name), \
     COALESCE(SUM(LENGTH(CAST(entry_key AS BLOB)) + LENGTH(CAST(entry_value AS BLOB))), 0), MIN(expires_at) \
     FROM entries WHERE group_name >= ?1 AND group_name < ?2 AND (expires_at IS NULL OR expires_at > ?3)";

/// Changes whenever another connection commits to the file.
pub(crate) const DATA_VERSION: &str = "PRAGMA data_version";
