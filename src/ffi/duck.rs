//! The DuckDB analytics handle at the C ABI (feature `duckdb`): open,
//! statements, JSON rows, go-store's scoring helpers and Parquet.
//!
//! Results of queries come back as one `store_bytes` holding a JSON document
//! (`{"columns":[{"name":..,"type":..}],"rows":[[..],..]}`; see the Rust
//! `DuckDb::query_json` for the type mapping). Statement parameters go in as
//! one JSON array (`[1, "text", 2.5, null, true]`), empty for none.

use super::boundary::{call, call_or, store_status};
use super::types::{need, put, store_bytes, text};
use crate::duck::{self, DuckDb, DuckParam, ParquetCompression};
use crate::{Error, Result};

/// Parquet compression: Zstandard (the default).
pub const STORE_PARQUET_ZSTD: u32 = 0;
/// Parquet compression: Snappy.
pub const STORE_PARQUET_SNAPPY: u32 = 1;
/// Parquet compression: gzip.
pub const STORE_PARQUET_GZIP: u32 = 2;

/// An open DuckDB database (go-store's `DuckDB`). Safe to share across
/// threads; calls on one handle run one at a time. Close with
/// `store_duckdb_close` to see close errors, and always release with
/// `store_duckdb_free`.
pub struct store_duckdb {
    db: DuckDb,
}

pub(super) unsafe fn duck_ref<'a>(db: *const store_duckdb) -> Result<&'a DuckDb> {
    db.as_ref().map(|d| &d.db).ok_or_else(|| Error::invalid("store: duckdb handle is NULL"))
}

fn compression(code: u32) -> Result<ParquetCompression> {
    match code {
        STORE_PARQUET_ZSTD => Ok(ParquetCompression::Zstd),
        STORE_PARQUET_SNAPPY => Ok(ParquetCompression::Snappy),
        STORE_PARQUET_GZIP => Ok(ParquetCompression::Gzip),
        other => Err(Error::invalid(format!("store: unknown Parquet compression {other}"))),
    }
}

unsafe fn params(ptr: *const u8, len: usize) -> Result<Vec<DuckParam>> {
    DuckParam::list_from_json(super::types::bytes(ptr, len, "params")?)
}

unsafe fn open_with(
    path: *const u8,
    path_len: usize,
    out: *mut *mut store_duckdb,
    open: fn(&str) -> Result<DuckDb>,
) -> Result<()> {
    need(out, "out")?;
    let db = open(text(path, path_len, "path")?)?;
    put(out, Box::into_raw(Box::new(store_duckdb { db })), "out")
}

/// Opens an existing DuckDB file read-only (go-store `OpenDuckDB`); a
/// missing file fails with `STORE_IO`, a file another process holds
/// read-write with `STORE_BUSY`. `path` is UTF-8, copied. On success `*out`
/// owns a new handle (free with `store_duckdb_free`). Any thread.
///
/// Ownership: `path` is borrowed for the call; on success `*out` is the caller's, released with
/// `store_duckdb_free`. Thread: any.
#[no_mangle]
pub unsafe extern "C" fn store_duckdb_open(path: *const u8, path_len: usize, out: *mut *mut store_duckdb) -> store_status {
    call(|| open_with(path, path_len, out, |p| DuckDb::open(p)))
}

/// Opens a DuckDB file read-write, creating it if absent (go-store
/// `OpenDuckDBReadWrite`); `":memory:"` opens a private in-memory database.
/// Ownership and threads as `store_duckdb_open`.
///
/// Ownership: `path` is borrowed for the call; on success `*out` is the caller's, released with
/// `store_duckdb_free`. Thread: any.
#[no_mangle]
pub unsafe extern "C" fn store_duckdb_open_read_write(
    path: *const u8,
    path_len: usize,
    out: *mut *mut store_duckdb,
) -> store_status {
    call(|| open_with(path, path_len, out, |p| DuckDb::open_read_write(p)))
}

/// Closes the database; later calls on the handle fail with `STORE_CLOSED`.
/// Closing twice is fine. The handle stays allocated until
/// `store_duckdb_free`. Any thread; waits for a running call on the handle.
///
/// Ownership: `db` stays the caller's (free it with `store_duckdb_free`). Thread: any; waits for a
/// running call on the handle.
#[no_mangle]
pub unsafe extern "C" fn store_duckdb_close(db: *const store_duckdb) -> store_status {
    call(|| duck_ref(db)?.close())
}

/// Closes (if still open) and frees the handle. NULL is ignored. No other
/// call on the handle may run or start meanwhile.
///
/// Ownership: takes `db`; the pointer is invalid afterwards. Thread: any, once no other call on the
/// handle runs or starts.
#[no_mangle]
pub unsafe extern "C" fn store_duckdb_free(db: *mut store_duckdb) {
    call_or((), || {
        if !db.is_null() {
            drop(Box::from_raw(db));
        }
    })
}

/// Runs `sql` (several statements allowed when there are no parameters)
/// with `params_json` bound (a JSON array; NULL/0 for none). Writes the
/// rows changed by the last statement to `*out_changed` when it is not NULL.
/// go-store `Exec`. Inputs are copied. Any thread.
///
/// Ownership: inputs are borrowed for the call; `*out_changed` is the caller's. Thread: any; calls
/// on one handle run one at a time.
#[no_mangle]
pub unsafe extern "C" fn store_duckdb_exec(
    db: *const store_duckdb,
    sql: *const u8,
    sql_len: usize,
    params_json: *const u8,
    params_len: usize,
    out_changed: *mut u64,
) -> store_status {
    call(|| {
        let db = duck_ref(db)?;
        let changed = db.exec(text(sql, sql_len, "sql")?, &params(params_json, params_len)?)?;
        if !out_changed.is_null() {
            out_changed.write(changed);
        }
        Ok(())
    })
}

/// Runs a query and writes every row as one JSON document to `*out`
/// (caller frees it with `store_bytes_free`). go-store `QueryRows`. Any thread.
///
/// Ownership: inputs are borrowed for the call; `*out` is the caller's (free with
/// `store_bytes_free`). Thread: any; calls on one handle run one at a time.
#[no_mangle]
pub unsafe extern "C" fn store_duckdb_query_rows(
    db: *const store_duckdb,
    sql: *const u8,
    sql_len: usize,
    params_json: *const u8,
    params_len: usize,
    out: *mut store_bytes,
) -> store_status {
    call(|| {
        need(out, "out")?;
        let db = duck_ref(db)?;
        let json = db.query_json(text(sql, sql_len, "sql")?, &params(params_json, params_len)?)?;
        put(out, store_bytes::from_vec(json), "out")
    })
}

/// Runs a query and writes the first column of the first row as JSON text
/// to `*out` (caller frees it with `store_bytes_free`); `STORE_NOT_FOUND`
/// when there is no row. go-store `QueryRowScan`. Any thread.
///
/// Ownership: inputs are borrowed for the call; `*out` is the caller's (free with
/// `store_bytes_free`). Thread: any; calls on one handle run one at a time.
#[no_mangle]
pub unsafe extern "C" fn store_duckdb_query_scalar(
    db: *const store_duckdb,
    sql: *const u8,
    sql_len: usize,
    params_json: *const u8,
    params_len: usize,
    out: *mut store_bytes,
) -> store_status {
    call(|| {
        need(out, "out")?;
        let db = duck_ref(db)?;
        let json = db.query_scalar_json(text(sql, sql_len, "sql")?, &params(params_json, params_len)?)?;
        put(out, store_bytes::from_vec(json), "out")
    })
}

/// Creates `checkpoint_scores`, `probe_results` and `scoring_results` when
/// missing (go-store `EnsureScoringTables`). Any thread.
///
/// Ownership: `db` stays the caller's. Thread: any; calls on one handle run one at a time.
#[no_mangle]
pub unsafe extern "C" fn store_duckdb_ensure_scoring_tables(db: *const store_duckdb) -> store_status {
    call(|| duck_ref(db)?.ensure_scoring_tables())
}

/// Inserts one `scoring_results` row (go-store `WriteScoringResult`). Text
/// inputs are UTF-8, copied. Any thread.
///
/// Ownership: inputs are borrowed for the call. Thread: any; calls on one handle run one at a time.
#[no_mangle]
pub unsafe extern "C" fn store_duckdb_write_scoring_result(
    db: *const store_duckdb,
    model: *const u8,
    model_len: usize,
    prompt_id: *const u8,
    prompt_id_len: usize,
    suite: *const u8,
    suite_len: usize,
    dimension: *const u8,
    dimension_len: usize,
    score: f64,
) -> store_status {
    call(|| {
        duck_ref(db)?.write_scoring_result(
            text(model, model_len, "model")?,
            text(prompt_id, prompt_id_len, "prompt_id")?,
            text(suite, suite_len, "suite")?,
            text(dimension, dimension_len, "dimension")?,
            score,
        )
    })
}

/// Writes go-store's table counts as a JSON object (`{"probe_results":3,..}`,
/// missing tables left out) to `*out` (free with `store_bytes_free`).
/// go-store `TableCounts`. Any thread.
///
/// Ownership: `*out` is the caller's (free with `store_bytes_free`). Thread: any; calls on one
/// handle run one at a time.
#[no_mangle]
pub unsafe extern "C" fn store_duckdb_table_counts(db: *const store_duckdb, out: *mut store_bytes) -> store_status {
    call(|| {
        need(out, "out")?;
        let counts = duck_ref(db)?.table_counts()?;
        let json = serde_json::to_vec(&counts).map_err(|e| Error::invalid(e.to_string()))?;
        put(out, store_bytes::from_vec(json), "out")
    })
}

/// Writes `golden_set` rows with at least `min_chars` characters as a JSON
/// array of objects with go-store's `GoldenSetRow` fields in snake_case
/// (`idx`, `seed_id`, …, `char_count`) to `*out` (free with
/// `store_bytes_free`). go-store `QueryGoldenSet`. Any thread.
///
/// Ownership: `*out` is the caller's (free with `store_bytes_free`). Thread: any; calls on one
/// handle run one at a time.
#[no_mangle]
pub unsafe extern "C" fn store_duckdb_query_golden_set(
    db: *const store_duckdb,
    min_chars: i64,
    out: *mut store_bytes,
) -> store_status {
    call(|| {
        need(out, "out")?;
        let rows = duck_ref(db)?.query_golden_set(min_chars)?;
        let json: Vec<serde_json::Value> = rows
            .into_iter()
            .map(|r| {
                serde_json::json!({"idx": r.idx, "seed_id": r.seed_id, "domain": r.domain, "voice": r.voice,
                    "prompt": r.prompt, "response": r.response, "gen_time": r.gen_time, "char_count": r.char_count})
            })
            .collect();
        put(out, store_bytes::from_vec(serde_json::to_vec(&json).unwrap_or_default()), "out")
    })
}

/// Writes the number of `golden_set` rows to `*out` (go-store `CountGoldenSet`).
///
/// Ownership: `*out` is the caller's. Thread: any; calls on one handle run one at a time.
#[no_mangle]
pub unsafe extern "C" fn store_duckdb_count_golden_set(db: *const store_duckdb, out: *mut i64) -> store_status {
    call(|| {
        need(out, "out")?;
        let n = duck_ref(db)?.count_golden_set()?;
        put(out, n, "out")
    })
}

/// Writes `expansion_prompts` rows (only those with `status` unless it is
/// empty; at most `limit` when positive) as a JSON array of objects with
/// go-store's `ExpansionPromptRow` fields in snake_case to `*out` (free with
/// `store_bytes_free`). go-store `QueryExpansionPrompts`. Any thread.
///
/// Ownership: `status` is borrowed for the call; `*out` is the caller's (free with
/// `store_bytes_free`). Thread: any; calls on one handle run one at a time.
#[no_mangle]
pub unsafe extern "C" fn store_duckdb_query_expansion_prompts(
    db: *const store_duckdb,
    status: *const u8,
    status_len: usize,
    limit: i64,
    out: *mut store_bytes,
) -> store_status {
    call(|| {
        need(out, "out")?;
        let rows = duck_ref(db)?.query_expansion_prompts(text(status, status_len, "status")?, limit)?;
        let json: Vec<serde_json::Value> = rows
            .into_iter()
            .map(|r| {
                serde_json::json!({"idx": r.idx, "seed_id": r.seed_id, "region": r.region, "domain": r.domain,
                    "language": r.language, "prompt": r.prompt, "prompt_en": r.prompt_en, "priority": r.priority,
                    "status": r.status})
            })
            .collect();
        put(out, store_bytes::from_vec(serde_json::to_vec(&json).unwrap_or_default()), "out")
    })
}

/// Writes the total and `pending` counts of `expansion_prompts` (go-store
/// `CountExpansionPrompts`). Both out-parameters are required.
///
/// Ownership: the out-parameters are the caller's. Thread: any; calls on one handle run one at a
/// time.
#[no_mangle]
pub unsafe extern "C" fn store_duckdb_count_expansion_prompts(
    db: *const store_duckdb,
    out_total: *mut i64,
    out_pending: *mut i64,
) -> store_status {
    call(|| {
        need(out_total, "out_total")?;
        need(out_pending, "out_pending")?;
        let (total, pending) = duck_ref(db)?.count_expansion_prompts()?;
        put(out_total, total, "out_total")?;
        put(out_pending, pending, "out_pending")
    })
}

/// Sets the status of expansion prompt `idx`; no matching row is not an
/// error (go-store `UpdateExpansionStatus`).
///
/// Ownership: `status` is borrowed for the call. Thread: any; calls on one handle run one at a
/// time.
#[no_mangle]
pub unsafe extern "C" fn store_duckdb_update_expansion_status(
    db: *const store_duckdb,
    idx: i64,
    status: *const u8,
    status_len: usize,
) -> store_status {
    call(|| duck_ref(db)?.update_expansion_status(idx, text(status, status_len, "status")?))
}

/// Writes a table (a name) or a query (starting with SELECT, WITH, FROM,
/// VALUES, TABLE or a parenthesis) to the Parquet file `file`, atomically,
/// with `compression` (`STORE_PARQUET_*`); writes the row count to
/// `*out_rows` when not NULL. Any thread.
///
/// Ownership: inputs are borrowed for the call; `*out_rows` is the caller's. Thread: any; calls on
/// one handle run one at a time.
#[no_mangle]
pub unsafe extern "C" fn store_duckdb_export_parquet(
    db: *const store_duckdb,
    source: *const u8,
    source_len: usize,
    file: *const u8,
    file_len: usize,
    compression_code: u32,
    out_rows: *mut u64,
) -> store_status {
    call(|| {
        let db = duck_ref(db)?;
        let codec = compression(compression_code)?;
        let rows = db.export_parquet_with(text(source, source_len, "source")?, text(file, file_len, "file")?, codec)?;
        if !out_rows.is_null() {
            out_rows.write(rows);
        }
        Ok(())
    })
}

/// Writes a table or query as a hive-partitioned Parquet dataset under
/// `dir` (`dir/<column>=<value>/…parquet`, values escaped, NULL as
/// `__HIVE_DEFAULT_PARTITION__`), replacing an earlier one atomically; writes
/// the row count to `*out_rows` when not NULL. Any thread.
///
/// Ownership: inputs are borrowed for the call; `*out_rows` is the caller's. Thread: any; calls on
/// one handle run one at a time.
#[no_mangle]
pub unsafe extern "C" fn store_duckdb_export_split_parquet(
    db: *const store_duckdb,
    dir: *const u8,
    dir_len: usize,
    source: *const u8,
    source_len: usize,
    column: *const u8,
    column_len: usize,
    compression_code: u32,
    out_rows: *mut u64,
) -> store_status {
    call(|| {
        let db = duck_ref(db)?;
        let codec = compression(compression_code)?;
        let rows = db.export_split_parquet_with(
            text(dir, dir_len, "dir")?,
            text(source, source_len, "source")?,
            text(column, column_len, "column")?,
            codec,
        )?;
        if !out_rows.is_null() {
            out_rows.write(rows);
        }
        Ok(())
    })
}

/// Loads a Parquet file, glob or hive dataset directory into `table`
/// (created when absent, else appended by column name), all or nothing;
/// writes the rows read to `*out_rows` when not NULL. Any thread.
///
/// Ownership: inputs are borrowed for the call; `*out_rows` is the caller's. Thread: any; calls on
/// one handle run one at a time.
#[no_mangle]
pub unsafe extern "C" fn store_duckdb_import_parquet(
    db: *const store_duckdb,
    table: *const u8,
    table_len: usize,
    path: *const u8,
    path_len: usize,
    out_rows: *mut u64,
) -> store_status {
    call(|| {
        let db = duck_ref(db)?;
        let rows = db.import_parquet(text(table, table_len, "table")?, text(path, path_len, "path")?)?;
        if !out_rows.is_null() {
            out_rows.write(rows);
        }
        Ok(())
    })
}

/// Converts `train.jsonl`, `valid.jsonl` and `test.jsonl` in `training_dir`
/// to `<output_dir>/<split>.parquet` with go-store's `ParquetRow` columns
/// (`prompt`, `response`, `system`, `messages`); writes the total rows to
/// `*out_rows` when not NULL. go-store `ExportParquet(trainingDir, outputDir)`.
///
/// Ownership: inputs are borrowed for the call; `*out_rows` is the caller's. Thread: any.
#[no_mangle]
pub unsafe extern "C" fn store_export_training_parquet(
    training_dir: *const u8,
    training_dir_len: usize,
    output_dir: *const u8,
    output_dir_len: usize,
    out_rows: *mut u64,
) -> store_status {
    call(|| {
        let rows = duck::export_training_parquet(
            text(training_dir, training_dir_len, "training_dir")?,
            text(output_dir, output_dir_len, "output_dir")?,
        )?;
        if !out_rows.is_null() {
            out_rows.write(rows);
        }
        Ok(())
    })
}

/// Converts one training JSONL file to `<output_dir>/<split>.parquet`;
/// writes the rows to `*out_rows` when not NULL. go-store
/// `ExportSplitParquet(jsonlPath, outputDir, split)`.
///
/// Ownership: inputs are borrowed for the call; `*out_rows` is the caller's. Thread: any.
#[no_mangle]
pub unsafe extern "C" fn store_export_training_split_parquet(
    jsonl_path: *const u8,
    jsonl_path_len: usize,
    output_dir: *const u8,
    output_dir_len: usize,
    split: *const u8,
    split_len: usize,
    out_rows: *mut u64,
) -> store_status {
    call(|| {
        let rows = duck::export_training_split_parquet(
            text(jsonl_path, jsonl_path_len, "jsonl_path")?,
            text(output_dir, output_dir_len, "output_dir")?,
            text(split, split_len, "split")?,
        )?;
        if !out_rows.is_null() {
            out_rows.write(rows);
        }
        Ok(())
    })
}
