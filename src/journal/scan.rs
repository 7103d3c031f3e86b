//! Unarchived journal rows in (committed_at, entry_id) order without a
//! sort: one scan of the (bucket_name, committed_at) index per bucket,
//! merged. SQLite would otherwise sort the whole table, spilling to
//! temporary files once it outgrows the page cache. Past
//! [`MAX_MERGED_BUCKETS`] buckets (or with a non-text bucket written by
//! another program) one sorted query is used instead.

use crate::base::error::{Result, Stage};
use rusqlite::fallible_streaming_iterator::FallibleStreamingIterator;
use rusqlite::types::Value;
use rusqlite::{Connection, Row};

const MAX_MERGED_BUCKETS: usize = 32;

/// Columns of every visited row, in this order.
pub(crate) const COLUMNS: [&str; 7] =
    ["bucket_name", "measurement", "fields_json", "tags_json", "committed_at", "archived_at", "entry_id"];
/// Index of `committed_at` and `entry_id` in [`COLUMNS`].
pub(crate) const COMMITTED_AT: usize = 4;
pub(crate) const ENTRY_ID: usize = 6;

const OF_BUCKET: &str = "SELECT bucket_name, measurement, fields_json, tags_json, committed_at, archived_at, entry_id \
    FROM journal_entries WHERE bucket_name = ?1 AND committed_at < ?2 AND archived_at IS NULL \
    ORDER BY committed_at, entry_id";

const SORTED: &str = "SELECT bucket_name, measurement, fields_json, tags_json, committed_at, archived_at, entry_id \
    FROM journal_entries WHERE archived_at IS NULL AND committed_at < ?1 ORDER BY committed_at, entry_id";

/// Visits every unarchived row committed before `before` in order.
pub(crate) fn ordered(conn: &Connection, before: i64, mut visit: impl FnMut(&Row<'_>) -> Result<()>) -> Result<()> {
    let Some(buckets) = buckets(conn)? else {
        let mut stmt = conn.prepare_cached(SORTED).stage("query journal rows")?;
        let mut rows = stmt.query([before]).stage("query journal rows")?;
        while let Some(row) = rows.next().stage("scan journal row")? {
            visit(row)?;
        }
        return Ok(());
    };
    let mut stmts = Vec::with_capacity(buckets.len());
    for _ in &buckets {
        stmts.push(conn.prepare(OF_BUCKET).stage("query journal rows")?);
    }
    let mut sources = Vec::with_capacity(buckets.len());
    for (stmt, bucket) in stmts.iter_mut().zip(&buckets) {
        let mut rows = stmt.query(rusqlite::params![bucket, before]).stage("query journal rows")?;
        rows.advance().stage("scan journal row")?;
        sources.push(rows);
    }
    let key = |rows: &rusqlite::Rows<'_>| -> Result<Option<(i64, i64)>> {
        match rows.get() {
            Some(row) => {
                Ok(Some((row.get(COMMITTED_AT).stage("scan journal row")?, row.get(ENTRY_ID).stage("scan journal row")?)))
            }
            None => Ok(None),
        }
    };
    let mut heads = sources.iter().map(key).collect::<Result<Vec<_>>>()?;
    while let Some((i, _)) = heads.iter().enumerate().filter_map(|(i, h)| h.map(|k| (i, k))).min_by_key(|&(_, k)| k) {
        if let Some(row) = sources[i].get() {
            visit(row)?;
        }
        sources[i].advance().stage("scan journal row")?;
        heads[i] = key(&sources[i])?;
    }
    Ok(())
}

/// The distinct buckets, found through the index one seek at a time;
/// `None` when there are too many or one is not text.
fn buckets(conn: &Connection) -> Result<Option<Vec<String>>> {
    let mut first = conn.prepare_cached("SELECT MIN(bucket_name) FROM journal_entries").stage("query journal rows")?;
    let mut after = conn
        .prepare_cached("SELECT MIN(bucket_name) FROM journal_entries WHERE bucket_name > ?1")
        .stage("query journal rows")?;
    let mut next: Value = first.query_row([], |r| r.get(0)).stage("query journal rows")?;
    let mut out = Vec::new();
    loop {
        match next {
            Value::Null => return Ok(Some(out)),
            Value::Text(_) if out.len() == MAX_MERGED_BUCKETS => return Ok(None),
            Value::Text(bucket) => {
                next = after.query_row([&bucket], |r| r.get(0)).stage("query journal rows")?;
                out.push(bucket);
            }
            _ => return Ok(None),
        }
    }
}
