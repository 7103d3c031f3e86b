//! go-store's `journal_entries` table and index (contract §6.1), created on
//! the first journal call rather than at open, as go-store does, plus one
//! index of ours for measurement filters.

use crate::base::error::{Error, ErrorKind, Result, Stage};
use rusqlite::Connection;

const CREATE_TABLE: &str = "CREATE TABLE IF NOT EXISTS journal_entries (
	entry_id      INTEGER PRIMARY KEY AUTOINCREMENT,
	bucket_name   TEXT NOT NULL,
	measurement   TEXT NOT NULL,
	fields_json   TEXT NOT NULL,
	tags_json     TEXT NOT NULL,
	committed_at  INTEGER NOT NULL,
	archived_at   INTEGER
)";

const CREATE_INDEX: &str = "CREATE INDEX IF NOT EXISTS journal_entries_bucket_committed_at_idx \
    ON journal_entries (bucket_name, committed_at)";

/// Ours, not go-store's (which ignores it and keeps it current when it
/// writes): Flux filters on `_measurement` read only that measurement's
/// index entries instead of every row in the time range.
const CREATE_MEASUREMENT_INDEX: &str = "CREATE INDEX IF NOT EXISTS journal_entries_bucket_measurement_committed_at_idx \
    ON journal_entries (bucket_name, measurement, committed_at)";

/// Columns a `journal_entries` table must have, in order.
const COLUMNS: [&str; 7] =
    ["entry_id", "bucket_name", "measurement", "fields_json", "tags_json", "committed_at", "archived_at"];

/// Creates the table and index if missing. A table of that name with other
/// columns belongs to someone else: `Corrupt`, and nothing is changed.
pub(crate) fn ensure(conn: &Connection) -> Result<()> {
    let mut stmt = conn
        .prepare_cached("SELECT name FROM pragma_table_info('journal_entries') ORDER BY cid")
        .stage("ensure journal schema")?;
    let columns: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .and_then(|rows| rows.collect())
        .stage("ensure journal schema")?;
    if !columns.is_empty() && columns.iter().map(String::as_str).ne(COLUMNS) {
        return Err(Error::new(
            ErrorKind::Corrupt,
            format!(
                "ensure journal schema: table journal_entries has columns ({}), not go-store's journal layout",
                columns.join(", ")
            ),
        ));
    }
    if columns.is_empty() {
        conn.execute(CREATE_TABLE, []).stage("ensure journal schema")?;
    }
    conn.execute(CREATE_INDEX, []).stage("ensure journal schema")?;
    conn.execute(CREATE_MEASUREMENT_INDEX, []).stage("ensure journal schema")?;
    Ok(())
}
