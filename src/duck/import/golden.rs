//! Step 1: `golden_set` from `<DataDir>/gold-15k.jsonl`, built by DuckDB's
//! own JSON reader exactly as go-store builds it (column casts, `char_count`
//! in characters, `word_count` = spaces + 1, 1 MiB per object).
//!
//! Fixed: go-store puts the path into the SQL with only quotes escaped, so
//! glob characters in the data directory make DuckDB read other files and a
//! leading `~` means the home directory. Here the path is made absolute and
//! a path holding `*`, `?` or `[` is refused with a clear error.

use super::tables::OP;
use crate::duck::raw::Connection;
use crate::{Error, Result};

fn golden_sql(path: &str) -> String {
    format!(
        "CREATE TABLE golden_set AS SELECT idx::INT AS idx, seed_id::VARCHAR AS seed_id, domain::VARCHAR AS domain, \
         voice::VARCHAR AS voice, prompt::VARCHAR AS prompt, response::VARCHAR AS response, \
         gen_time::DOUBLE AS gen_time, length(response)::INT AS char_count, \
         length(response) - length(replace(response, ' ', '')) + 1 AS word_count \
         FROM read_json_auto('{}', maximum_object_size=1048576)",
        path.replace('\'', "''")
    )
}

/// Replaces `golden_set` from the file at `path`; returns its row count.
pub(crate) fn golden_set(conn: &Connection, path: &str) -> Result<i64> {
    let stage = |e: Error| e.wrap(format!("{OP}: import golden_set"));
    let absolute = std::path::absolute(path)
        .map_err(|e| Error::invalid(format!("{OP}: import golden_set: resolve {path}: {e}")))?;
    let absolute =
        absolute.to_str().ok_or_else(|| Error::invalid(format!("{OP}: import golden_set: {path} is not UTF-8")))?;
    if absolute.contains(['*', '?', '[']) {
        return Err(Error::invalid(format!(
            "{OP}: import golden_set: the path {absolute} holds a glob character (*, ? or [) that DuckDB would expand"
        )));
    }
    conn.execute_batch("DROP TABLE IF EXISTS golden_set").map_err(|e| e.wrap(format!("{OP}: drop golden_set")))?;
    conn.execute_batch(&golden_sql(absolute)).map_err(stage)?;
    count(conn, "SELECT count(*) FROM golden_set").map_err(|e| e.wrap(format!("{OP}: count golden_set")))
}

/// The BIGINT a one-value query returns.
fn count(conn: &Connection, sql: &str) -> Result<i64> {
    let extracted = conn.extract(sql)?;
    let mut result = extracted.prepare(0)?.execute()?;
    result.first_i64().ok_or_else(|| Error::new(crate::ErrorKind::Internal, "the count query returned no BIGINT"))
}
