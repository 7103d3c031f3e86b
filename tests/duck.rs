//! The DuckDB analytics layer: handle, typed rows, scoring helpers, Parquet
//! export/import (every file checked by the independent `parquet` crate),
//! training-JSONL export, and the safety rules (no extension installs, no
//! network, read-only handles, clear errors).
#![cfg(feature = "duckdb")]

use parquet::basic::Compression;
use parquet::file::reader::{FileReader, SerializedFileReader};
use serde_json::json;
use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use store::{DuckDb, DuckParam, ErrorKind, ParquetCompression};

fn temp() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

fn rw(dir: &tempfile::TempDir) -> DuckDb {
    DuckDb::open_read_write(dir.path().join("a.duckdb")).expect("open read-write")
}

/// Schema column names, row count and codecs of a Parquet file, read by arrow-rs's reader.
fn parquet_info(path: &Path) -> (Vec<String>, i64, Vec<Compression>) {
    let file = fs::File::open(path).unwrap_or_else(|e| panic!("open {}: {e}", path.display()));
    let reader = SerializedFileReader::new(file).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    let meta = reader.metadata();
    let names = meta.file_metadata().schema_descr().columns().iter().map(|c| c.name().to_string()).collect();
    let mut codecs = Vec::new();
    for rg in meta.row_groups() {
        for c in rg.columns() {
            if !codecs.contains(&c.compression()) {
                codecs.push(c.compression());
            }
        }
    }
    (names, meta.file_metadata().num_rows(), codecs)
}

/// Every `.parquet` file under `dir`, sorted.
fn parquet_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(parquet_files(&p));
        } else if p.extension().is_some_and(|x| x == "parquet") {
            out.push(p);
        }
    }
    out.sort();
    out
}

/// Entry names in `dir`, sorted, without the database's own files (`a.duckdb`, its WAL).
fn names_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with("a.duckdb"))
        .collect();
    v.sort();
    v
}

fn fill_probes(db: &DuckDb, n: i64, models: i64) {
    db.ensure_scoring_tables().unwrap();
    db.exec(
        "INSERT INTO probe_results (model, run_id, label, probe_id, passed, response, iteration)
         SELECT 'model-' || (i % ?), 'run', 'l', 'p' || i, i % 2 = 0, 'resp ' || i, i::INTEGER FROM range(?) t(i)",
        &[models.into(), n.into()],
    )
    .unwrap();
}

// ---- handle ----------------------------------------------------------------

#[test]
fn read_only_open_of_a_missing_file_fails() {
    let dir = temp();
    let e = DuckDb::open(dir.path().join("missing.duckdb")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Io);
    assert!(e.message().starts_with("store.OpenDuckDB: open duckdb "), "{e}");
    assert!(!dir.path().join("missing.duckdb").exists(), "read-only open must not create the file");
}

#[test]
fn read_write_open_creates_and_read_only_reopens() {
    let dir = temp();
    let path = dir.path().join("a.duckdb");
    let db = DuckDb::open_read_write(&path).unwrap();
    assert!(path.exists());
    db.exec("CREATE TABLE t (i INTEGER); INSERT INTO t VALUES (1), (2)", &[]).unwrap();
    db.close().unwrap();
    db.close().unwrap();
    assert!(db.is_closed());
    let e = db.exec("SELECT 1", &[]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Closed);
    assert_eq!(e.message(), "store.DuckDB.Exec: duckdb is closed");

    let ro = DuckDb::open(&path).unwrap();
    assert!(ro.is_read_only());
    assert_eq!(ro.query_scalar("SELECT sum(i) FROM t", &[]).unwrap(), json!(3));
    let e = ro.exec("INSERT INTO t VALUES (3)", &[]).unwrap_err();
    assert!(e.message().starts_with("store.DuckDB.Exec: execute query: "), "{e}");
    assert!(e.message().contains("read-only"), "{e}");
    assert_eq!(ro.query_scalar("SELECT count(*) FROM t", &[]).unwrap(), json!(2));
}

#[test]
fn bad_paths_are_clear_errors() {
    let e = DuckDb::open_read_write("").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidArgument);
    let e = DuckDb::open_read_write("/nonexistent-dir-for-store/x.duckdb").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Io, "{e}");
    assert!(e.message().contains("/nonexistent-dir-for-store/x.duckdb"), "{e}");
    let dir = temp();
    let junk = dir.path().join("junk.duckdb");
    fs::write(&junk, vec![b'x'; 10_000]).unwrap();
    let e = DuckDb::open_read_write(&junk).unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::Corrupt | ErrorKind::Io), "{e}");
    assert_eq!(fs::read(&junk).unwrap(), vec![b'x'; 10_000], "a failed open must not touch the file");
    assert_eq!(DuckDb::open(":memory:").unwrap_err().kind(), ErrorKind::InvalidArgument);
}

#[test]
fn exec_binds_parameters_and_counts_changes() {
    let dir = temp();
    let db = rw(&dir);
    db.exec("CREATE TABLE t (s VARCHAR, i BIGINT, d DOUBLE, b BOOLEAN, n INTEGER, x BLOB)", &[]).unwrap();
    let changed = db
        .exec(
            "INSERT INTO t VALUES (?, ?, ?, ?, ?, ?)",
            &["it's".into(), i64::MAX.into(), 2.5.into(), true.into(), DuckParam::Null, DuckParam::Blob(vec![0, 255])],
        )
        .unwrap();
    assert_eq!(changed, 1);
    let rows = db.query_rows("SELECT * FROM t WHERE s = ?", &["it's".into()]).unwrap();
    assert_eq!(rows.rows, vec![vec![json!("it's"), json!(i64::MAX), json!(2.5), json!(true), json!(null), json!("AP8=")]]);
    let e = db.exec("INSERT INTO t (s) VALUES (?)", &[]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidArgument, "{e}");
    let e = db.exec("SELECT 1; SELECT ?", &[1.into()]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidArgument, "{e}");
    let e = db.exec("SELEC 1", &[]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Query);
    assert!(e.message().starts_with("store.DuckDB.Exec: execute query: Parser Error"), "{e}");
}

#[test]
fn query_rows_maps_types_faithfully() {
    let dir = temp();
    let db = rw(&dir);
    let json = db
        .query_json(
            "SELECT 1::TINYINT a, -2::SMALLINT b, 3::INTEGER c, 9223372036854775807::BIGINT d, 255::UTINYINT e,
                    18446744073709551615::UBIGINT f, 170141183460469231731687303715884105727::HUGEINT g,
                    1.5::FLOAT h, 0.1::DOUBLE i, 'nan'::DOUBLE j, 'inf'::DOUBLE k,
                    12.50::DECIMAL(10,2) l, -0.05::DECIMAL(4,2) m, 123456789012345678.123::DECIMAL(38,3) n,
                    true o, NULL::INTEGER p, 'héllo \"q\"\n' q, '\\xAA\\x00'::BLOB r,
                    DATE '2026-12-07' s, TIME '09:37:55.5' t, TIMESTAMP '2026-12-07 09:37:55.123456' u,
                    TIMESTAMPTZ '2026-12-07 09:37:55+00' v, TIMESTAMP_MS '2026-12-07 09:37:55.120' w,
                    TIMESTAMP_NS '2026-12-07 09:37:55.123456789' x, INTERVAL 1 DAY + INTERVAL 2 MONTH y,
                    '550e8400-e29b-41d4-a716-446655440000'::UUID z,
                    [1, NULL, 3] aa, {'k': 'v', 'n': [1.5]} ab, MAP {'x': 1} ac, ['a','b']::VARCHAR[2] ad,
                    'b'::ENUM('a', 'b') ae, [] af, [[1],[2,3]] ag",
            &[],
        )
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&json).unwrap();
    let types: Vec<&str> = doc["columns"].as_array().unwrap().iter().map(|c| c["type"].as_str().unwrap()).collect();
    assert_eq!(types[..4], ["TINYINT", "SMALLINT", "INTEGER", "BIGINT"]);
    assert_eq!(types[11], "DECIMAL(10,2)");
    assert_eq!(types[26], "INTEGER[]");
    assert_eq!(types[27], "STRUCT(k VARCHAR, n DECIMAL(2,1)[])");
    let row = &doc["rows"][0];
    let text = String::from_utf8(json.clone()).unwrap();
    assert!(text.contains("170141183460469231731687303715884105727"), "exact HUGEINT: {text}");
    assert!(text.contains("123456789012345678.123"), "exact DECIMAL: {text}");
    assert!(text.contains(",12.50,"), "decimal keeps its scale: {text}");
    let expect = json!([1, -2, 3, 9223372036854775807i64, 255, 18446744073709551615u64]);
    assert_eq!(row.as_array().unwrap()[..6], expect.as_array().unwrap()[..]);
    assert_eq!(row[7], json!(1.5));
    assert_eq!(row[8], json!(0.1));
    assert_eq!(row[9], json!("NaN"));
    assert_eq!(row[10], json!("Infinity"));
    assert_eq!(row[12], json!(-0.05));
    assert_eq!(row[14], json!(true));
    assert_eq!(row[15], json!(null));
    assert_eq!(row[16], json!("héllo \"q\"\n"));
    assert_eq!(row[17], json!("qgA="));
    assert_eq!(row[18], json!("2026-12-07"));
    assert_eq!(row[19], json!("09:37:55.5"));
    assert_eq!(row[20], json!("2026-12-07 09:37:55.123456"));
    assert_eq!(row[21], json!("2026-12-07 09:37:55+00"));
    assert_eq!(row[22], json!("2026-12-07 09:37:55.12"));
    assert_eq!(row[23], json!("2026-12-07 09:37:55.123456789"));
    assert_eq!(row[24], json!({"months": 2, "days": 1, "micros": 0}));
    assert_eq!(row[25], json!("550e8400-e29b-41d4-a716-446655440000"));
    assert_eq!(row[26], json!([1, null, 3]));
    assert_eq!(row[27], json!({"k": "v", "n": [1.5]}));
    assert_eq!(row[28], json!([{"key": "x", "value": 1}]));
    assert_eq!(row[29], json!(["a", "b"]));
    assert_eq!(row[30], json!("b"));
    assert_eq!(row[31], json!([]));
    assert_eq!(row[32], json!([[1], [2, 3]]));
}

#[test]
fn query_rows_spans_many_chunks_and_empty_results() {
    let dir = temp();
    let db = rw(&dir);
    let rows = db.query_rows("SELECT i, i::VARCHAR s FROM range(5000) t(i) ORDER BY i", &[]).unwrap();
    assert_eq!(rows.rows.len(), 5000);
    assert_eq!(rows.rows[4999], vec![json!(4999), json!("4999")]);
    assert_eq!(rows.row_map(1).unwrap()["s"], json!("1"));
    let empty = db.query_json("SELECT 1 AS x WHERE false", &[]).unwrap();
    assert_eq!(String::from_utf8(empty).unwrap(), r#"{"columns":[{"name":"x","type":"INTEGER"}],"rows":[]}"#);
    let e = db.query_scalar("SELECT 1 WHERE false", &[]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    assert!(e.message().ends_with("sql: no rows in result set"), "{e}");
    let e = db.query_rows("SELECT 1::BIT", &[]).unwrap_err();
    assert!(e.message().contains("cast it in the query"), "{e}");
}

#[test]
fn missing_table_and_column_are_clear_errors() {
    let dir = temp();
    let db = rw(&dir);
    let e = db.query_rows("SELECT * FROM no_such_table", &[]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Query);
    assert!(e.message().contains("no_such_table") && e.message().contains("does not exist"), "{e}");
    db.ensure_scoring_tables().unwrap();
    let e = db.query_rows("SELECT no_such_column FROM probe_results", &[]).unwrap_err();
    assert!(e.message().contains("no_such_column"), "{e}");
}

// ---- safety ----------------------------------------------------------------

#[test]
fn extensions_cannot_be_installed_or_loaded() {
    let dir = temp();
    let db = rw(&dir);
    for sql in ["INSTALL httpfs", "LOAD httpfs", "FORCE INSTALL httpfs FROM 'http://127.0.0.1:9'", "UPDATE EXTENSIONS"] {
        let e = db.exec(sql, &[]).unwrap_err();
        assert!(e.message().contains("installing or loading DuckDB extensions is disabled"), "{sql}: {e}");
    }
    // Hidden behind another statement in the same text.
    let e = db.exec("SELECT 1; INSTALL httpfs", &[]).unwrap_err();
    assert!(e.message().contains("extensions is disabled"), "{e}");
    for sql in ["SELECT * FROM 'http://127.0.0.1:9/x.parquet'", "SELECT * FROM read_csv('https://example.com/x.csv')"] {
        let e = db.query_rows(sql, &[]).unwrap_err();
        assert!(e.message().contains("httpfs"), "{sql}: {e}");
    }
    for sql in [
        "SET autoinstall_known_extensions = true",
        "SET autoload_known_extensions = true",
        "SET enable_external_access = true",
        "SET lock_configuration = false",
    ] {
        assert!(db.exec(sql, &[]).is_err(), "{sql} must be refused");
    }
    let settings = db
        .query_rows(
            "SELECT name, value FROM duckdb_settings() WHERE name IN
             ('autoinstall_known_extensions','autoload_known_extensions','enable_external_access','lock_configuration')
             ORDER BY name",
            &[],
        )
        .unwrap();
    assert_eq!(
        settings.rows,
        vec![
            vec![json!("autoinstall_known_extensions"), json!("false")],
            vec![json!("autoload_known_extensions"), json!("false")],
            vec![json!("enable_external_access"), json!("false")],
            vec![json!("lock_configuration"), json!("true")],
        ]
    );
}

/// Helper process for `a_file_locked_by_another_process_is_busy`: holds the
/// file read-write until its stdin closes. Does nothing in a normal run.
#[test]
fn lock_holder_child() {
    let Ok(path) = std::env::var("STORE_DUCK_LOCK_HOLDER") else { return };
    let db = DuckDb::open_read_write(&path).unwrap();
    println!("ready");
    std::io::stdout().flush().unwrap();
    let mut line = String::new();
    let _ = std::io::stdin().read_line(&mut line);
    db.close().unwrap();
}

#[test]
fn a_file_locked_by_another_process_is_busy() {
    let dir = temp();
    let path = dir.path().join("locked.duckdb");
    DuckDb::open_read_write(&path).unwrap().close().unwrap();
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "lock_holder_child", "--nocapture", "--test-threads=1"])
        .env("STORE_DUCK_LOCK_HOLDER", &path)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    while !line.contains("ready") {
        line.clear();
        assert!(out.read_line(&mut line).unwrap() > 0, "lock holder exited early");
    }
    let e = DuckDb::open_read_write(&path).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Busy, "{e}");
    assert!(e.message().contains("lock"), "{e}");
    let e = DuckDb::open(&path).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Busy, "{e}");
    drop(child.stdin.take());
    assert!(child.wait().unwrap().success());
    DuckDb::open_read_write(&path).unwrap();
}

// ---- canonical tables --------------------------------------------------------

#[test]
fn scoring_tables_results_and_counts() {
    let dir = temp();
    let db = rw(&dir);
    assert!(db.table_counts().unwrap().is_empty());
    db.ensure_scoring_tables().unwrap();
    db.ensure_scoring_tables().unwrap();
    db.write_scoring_result("m", "p1", "suite", "dim", 0.75).unwrap();
    db.write_scoring_result("m", "p2", "suite", "dim", 0.25).unwrap();
    let counts = db.table_counts().unwrap();
    assert_eq!(counts.get("scoring_results"), Some(&2));
    assert_eq!(counts.get("checkpoint_scores"), Some(&0));
    assert_eq!(counts.get("probe_results"), Some(&0));
    assert_eq!(counts.len(), 3);
    let rows = db.query_rows("SELECT model, score, scored_at IS NOT NULL FROM scoring_results ORDER BY prompt_id", &[]).unwrap();
    assert_eq!(rows.rows[0], vec![json!("m"), json!(0.75), json!(true)]);
    db.exec(
        &format!("INSERT INTO {} (model, run_id, label, accuracy) VALUES ('m', 'r', 'l', 0.9)", store::TABLE_CHECKPOINT_SCORES),
        &[],
    )
    .unwrap();
    let e = db
        .exec(&format!("INSERT INTO {} (model, run_id, label) VALUES ('m', 'r', 'l')", store::TABLE_CHECKPOINT_SCORES), &[])
        .unwrap_err();
    assert!(e.message().contains("Constraint"), "{e}");
    db.close().unwrap();
    let e = db.ensure_scoring_tables().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Closed);
    assert_eq!(db.table_counts().unwrap_err().kind(), ErrorKind::Closed);
}

#[test]
fn golden_set_and_expansion_prompts() {
    let dir = temp();
    let db = rw(&dir);
    assert!(db.query_golden_set(0).unwrap_err().message().starts_with("store.DuckDB.QueryGoldenSet: query golden_set: "));
    db.exec(
        "CREATE TABLE golden_set (idx INT, seed_id VARCHAR, domain VARCHAR, voice VARCHAR, prompt VARCHAR,
            response VARCHAR, gen_time DOUBLE, char_count INT);
         INSERT INTO golden_set VALUES (2, 's2', 'd', 'v', 'p2', 'long response', 1.5, 13),
                                       (1, 's1', 'd', 'v', 'p1', 'short', 0.5, 5);
         CREATE TABLE expansion_prompts (idx BIGINT, seed_id VARCHAR, region VARCHAR, domain VARCHAR, language VARCHAR,
            prompt VARCHAR, prompt_en VARCHAR, priority INT, status VARCHAR);
         INSERT INTO expansion_prompts VALUES (1, 's', 'r', 'd', 'en', 'p', 'p', 2, 'pending'),
                                              (2, 's', 'r', 'd', 'en', 'p', 'p', 1, 'pending'),
                                              (3, 's', 'r', 'd', 'en', 'p', 'p', 1, 'done');",
        &[],
    )
    .unwrap();
    let golden = db.query_golden_set(10).unwrap();
    assert_eq!(golden.len(), 1);
    assert_eq!((golden[0].idx, golden[0].char_count, golden[0].gen_time), (2, 13, 1.5));
    assert_eq!(db.query_golden_set(0).unwrap().iter().map(|r| r.idx).collect::<Vec<_>>(), vec![1, 2]);
    assert_eq!(db.count_golden_set().unwrap(), 2);
    let all = db.query_expansion_prompts("", 0).unwrap();
    assert_eq!(all.iter().map(|r| r.idx).collect::<Vec<_>>(), vec![2, 3, 1]);
    let pending = db.query_expansion_prompts("pending", 1).unwrap();
    assert_eq!(pending.iter().map(|r| r.idx).collect::<Vec<_>>(), vec![2]);
    assert_eq!(db.count_expansion_prompts().unwrap(), (3, 2));
    db.update_expansion_status(2, "done").unwrap();
    db.update_expansion_status(99, "done").unwrap();
    assert_eq!(db.count_expansion_prompts().unwrap(), (3, 1));
    db.exec("INSERT INTO golden_set VALUES (3, NULL, 'd', 'v', 'p', 'r', 1.0, 1)", &[]).unwrap();
    let e = db.query_golden_set(0).unwrap_err();
    assert!(e.message().contains("seed_id is NULL"), "{e}");
    let counts = db.table_counts().unwrap();
    assert_eq!((counts["golden_set"], counts["expansion_prompts"]), (3, 3));
}

// ---- Parquet -------------------------------------------------------------------

#[test]
fn export_parquet_table_and_query_with_each_codec() {
    let dir = temp();
    let db = rw(&dir);
    fill_probes(&db, 3000, 4);
    let file = dir.path().join("probes.parquet");
    assert_eq!(db.export_parquet(store::TABLE_PROBE_RESULTS, &file).unwrap(), 3000);
    let (cols, rows, codecs) = parquet_info(&file);
    assert_eq!(cols, ["model", "run_id", "label", "probe_id", "passed", "response", "iteration", "scored_at"]);
    assert_eq!(rows, 3000);
    assert!(codecs.iter().all(|c| matches!(c, Compression::ZSTD(_))), "{codecs:?}");
    for (codec, check) in [
        (ParquetCompression::Snappy, (|c: &Compression| matches!(c, Compression::SNAPPY)) as fn(&Compression) -> bool),
        (ParquetCompression::Gzip, |c| matches!(c, Compression::GZIP(_))),
    ] {
        let f = dir.path().join(format!("{codec:?}.parquet"));
        assert_eq!(db.export_parquet_with("SELECT model, count(*) n FROM probe_results GROUP BY ALL", &f, codec).unwrap(), 4);
        let (cols, rows, codecs) = parquet_info(&f);
        assert_eq!((cols, rows), (vec!["model".to_string(), "n".to_string()], 4));
        assert!(codecs.iter().all(check), "{codec:?}: {codecs:?}");
    }
    // Overwrite in place; no temporary left behind.
    assert_eq!(db.export_parquet("FROM probe_results LIMIT 10", &file).unwrap(), 10);
    assert_eq!(parquet_info(&file).1, 10);
    assert_eq!(names_in(dir.path()), ["Gzip.parquet", "Snappy.parquet", "probes.parquet"]);
    assert_eq!(ParquetCompression::parse("SNAPPY").unwrap(), ParquetCompression::Snappy);
    assert_eq!(ParquetCompression::parse("lz5").unwrap_err().kind(), ErrorKind::InvalidArgument);
}

#[test]
fn failed_exports_leave_nothing_and_keep_the_old_file() {
    let dir = temp();
    let db = rw(&dir);
    fill_probes(&db, 10, 2);
    let file = dir.path().join("out.parquet");
    db.export_parquet("probe_results", &file).unwrap();
    let before = fs::read(&file).unwrap();
    let e = db.export_parquet("no_such_table", &file).unwrap_err();
    assert!(e.message().starts_with("store.DuckDB.ExportParquet: no_such_table to "), "{e}");
    assert!(e.message().contains("does not exist"), "{e}");
    // A query that fails while rows are being written.
    let e = db.export_parquet("SELECT CASE WHEN i < 5000 THEN i ELSE error('boom') END FROM range(10000) t(i)", &file).unwrap_err();
    assert!(e.message().contains("boom"), "{e}");
    assert_eq!(fs::read(&file).unwrap(), before);
    assert_eq!(names_in(dir.path()), ["out.parquet"]);
    let e = db.export_parquet("probe_results", dir.path().join("missing/out.parquet")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Io);
    assert!(e.message().contains("does not exist"), "{e}");
    assert_eq!(db.export_parquet("", &file).unwrap_err().kind(), ErrorKind::InvalidArgument);
    assert_eq!(db.export_parquet("probe_results", "").unwrap_err().kind(), ErrorKind::InvalidArgument);
    // Split export of a missing column: nothing under the final name.
    let split = dir.path().join("split");
    let e = db.export_split_parquet(&split, "probe_results", "no_such_column").unwrap_err();
    assert!(e.message().contains("no_such_column"), "{e}");
    assert!(!split.exists());
    assert_eq!(names_in(dir.path()), ["out.parquet"]);
}

#[test]
fn split_export_writes_a_hive_dataset() {
    let dir = temp();
    let db = rw(&dir);
    fill_probes(&db, 1000, 16);
    let out = dir.path().join("shards");
    assert_eq!(db.export_split_parquet(&out, store::TABLE_PROBE_RESULTS, "model").unwrap(), 1000);
    let parts = names_in(&out);
    assert_eq!(parts.len(), 16);
    assert!(parts.iter().all(|p| p.starts_with("model=model-")), "{parts:?}");
    let files = parquet_files(&out);
    let mut total = 0;
    for f in &files {
        let (cols, rows, codecs) = parquet_info(f);
        assert!(!cols.contains(&"model".to_string()), "hive layout keeps the column in the path: {cols:?}");
        assert_eq!(cols.len(), 7);
        assert!(codecs.iter().all(|c| matches!(c, Compression::ZSTD(_))));
        total += rows;
    }
    assert_eq!(total, 1000);
    // Replacing an existing dataset swaps it whole.
    db.exec("DELETE FROM probe_results WHERE model <> 'model-0'", &[]).unwrap();
    assert_eq!(db.export_split_parquet_with(&out, "probe_results", "model", ParquetCompression::Snappy).unwrap(), 63);
    assert_eq!(names_in(&out), ["model=model-0"]);
    assert_eq!(names_in(dir.path()), ["shards"]);
}

#[test]
fn split_export_escapes_values_and_handles_null() {
    let dir = temp();
    let db = rw(&dir);
    db.exec(
        "CREATE TABLE t AS SELECT * FROM (VALUES ('a/b', 1), ('x y', 2), (NULL, 3), ('c=d', 4), ('..', 5), ('é%', 6)) v(k, n)",
        &[],
    )
    .unwrap();
    let out = dir.path().join("ds");
    assert_eq!(db.export_split_parquet(&out, "t", "k").unwrap(), 6);
    assert_eq!(
        names_in(&out),
        ["k=%C3%A9%25", "k=..", "k=__HIVE_DEFAULT_PARTITION__", "k=a%2Fb", "k=c%3Dd", "k=x%20y"]
    );
    let total: i64 = parquet_files(&out).iter().map(|f| parquet_info(f).1).sum();
    assert_eq!(total, 6);
    // Read back as one dataset, values unescaped and NULL restored.
    assert_eq!(db.import_parquet("back", &out).unwrap(), 6);
    let rows = db.query_rows("SELECT k, n FROM back ORDER BY n", &[]).unwrap();
    let keys: Vec<_> = rows.rows.iter().map(|r| r[0].clone()).collect();
    assert_eq!(keys, vec![json!("a/b"), json!("x y"), json!(null), json!("c=d"), json!(".."), json!("é%")]);
}

#[test]
fn import_parquet_creates_appends_and_is_all_or_nothing() {
    let dir = temp();
    let db = rw(&dir);
    fill_probes(&db, 100, 2);
    let file = dir.path().join("p.parquet");
    db.export_parquet("probe_results", &file).unwrap();
    assert_eq!(db.import_parquet("copy", &file).unwrap(), 100);
    assert_eq!(db.import_parquet("copy", dir.path().join("*.parquet")).unwrap(), 100);
    assert_eq!(db.query_scalar("SELECT count(*) FROM copy", &[]).unwrap(), json!(200));
    let e = db.import_parquet("copy", dir.path().join("none.parquet")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Io);
    assert!(e.message().starts_with("store.DuckDB.ImportParquet: "), "{e}");
    // Rows that break the primary key: nothing is inserted.
    let e = db.import_parquet("probe_results", &file).unwrap_err();
    assert!(e.message().contains("Constraint") || e.message().contains("constraint"), "{e}");
    assert_eq!(db.query_scalar("SELECT count(*) FROM probe_results", &[]).unwrap(), json!(100));
    let junk = dir.path().join("junk.parquet");
    fs::write(&junk, b"not parquet").unwrap();
    assert!(db.import_parquet("junk", &junk).is_err());
    assert!(db.query_rows("SELECT * FROM junk", &[]).is_err(), "a failed import creates no table");
    let ro = {
        db.close().unwrap();
        DuckDb::open(dir.path().join("a.duckdb")).unwrap()
    };
    let e = ro.import_parquet("copy", &file).unwrap_err();
    assert!(e.message().contains("read-only"), "{e}");
    assert_eq!(ro.export_parquet("copy", dir.path().join("ro.parquet")).unwrap(), 200, "read-only handles can export");
}

// ---- training JSONL --------------------------------------------------------------

fn chat(system: Option<&str>, user: &str, assistant: &str) -> String {
    let mut m = Vec::new();
    if let Some(s) = system {
        m.push(json!({"role": "system", "content": s}));
    }
    m.push(json!({"role": "user", "content": user}));
    m.push(json!({"role": "assistant", "content": assistant}));
    json!({ "messages": m }).to_string()
}

#[test]
fn training_jsonl_exports_parquet_rows() {
    let dir = temp();
    let training = dir.path().join("training");
    fs::create_dir(&training).unwrap();
    fs::write(training.join("train.jsonl"), format!("{}\n\n{}\n", chat(Some("be kind"), "hi <b>", "hello & bye"), chat(None, "q", "a")))
        .unwrap();
    fs::write(training.join("valid.jsonl"), format!("{}\n", chat(None, "v", "w"))).unwrap();
    let out = dir.path().join("out");
    assert_eq!(store::export_training_parquet(&training, &out).unwrap(), 3);
    assert_eq!(names_in(&out), ["train.parquet", "valid.parquet"]);
    let (cols, rows, _) = parquet_info(&out.join("train.parquet"));
    assert_eq!((cols, rows), (vec!["prompt".into(), "response".into(), "system".into(), "messages".into()], 2));

    let db = DuckDb::open_read_write(":memory:").unwrap();
    let path = out.join("train.parquet");
    let rows = db.query_rows(&format!("SELECT * FROM read_parquet('{}')", path.display()), &[]).unwrap();
    assert_eq!(rows.rows[0][0], json!("hi <b>"));
    assert_eq!(rows.rows[0][1], json!("hello & bye"));
    assert_eq!(rows.rows[0][2], json!("be kind"));
    assert_eq!(
        rows.rows[0][3],
        json!(r#"[{"content":"be kind","role":"system"},{"content":"hi \u003cb\u003e","role":"user"},{"content":"hello \u0026 bye","role":"assistant"}]"#)
    );
    assert_eq!(rows.rows[1][2], json!(""));

    assert_eq!(store::export_training_split_parquet(training.join("valid.jsonl"), &out, "eval").unwrap(), 1);
    assert_eq!(parquet_info(&out.join("eval.parquet")).1, 1);
}

#[test]
fn training_export_errors_write_nothing() {
    let dir = temp();
    let training = dir.path().join("training");
    fs::create_dir(&training).unwrap();
    let out = dir.path().join("out");
    let e = store::export_training_parquet(&training, &out).unwrap_err();
    assert!(e.message().starts_with("store.ExportParquet: no train.jsonl"), "{e}");
    fs::write(training.join("train.jsonl"), format!("{}\n", chat(None, "q", "a"))).unwrap();
    fs::write(training.join("test.jsonl"), format!("{}\n{{not json\n", chat(None, "q", "a"))).unwrap();
    let e = store::export_training_parquet(&training, &out).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidArgument);
    assert!(e.message().contains("test.jsonl:2: invalid JSON"), "{e}");
    assert!(!out.exists(), "nothing written when any split is malformed");
    let e = store::export_training_split_parquet(training.join("missing.jsonl"), &out, "train").unwrap_err();
    assert!(e.message().starts_with("store.ExportSplitParquet: open "), "{e}");
    let e = store::export_training_split_parquet(training.join("train.jsonl"), &out, "../x").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidArgument);
    fs::write(training.join("bad.jsonl"), "{\"messages\": 3}\n").unwrap();
    let e = store::export_training_split_parquet(training.join("bad.jsonl"), &out, "train").unwrap_err();
    assert!(e.message().contains("bad.jsonl:1: expected an object with a \"messages\" array"), "{e}");
}

#[test]
fn handle_is_shared_between_threads() {
    let dir = temp();
    let db = std::sync::Arc::new(rw(&dir));
    db.exec("CREATE TABLE t (i BIGINT)", &[]).unwrap();
    let threads: Vec<_> = (0..4)
        .map(|n| {
            let db = db.clone();
            std::thread::spawn(move || {
                for i in 0..50 {
                    db.exec("INSERT INTO t VALUES (?)", &[(n * 1000 + i).into()]).unwrap();
                    db.query_rows("SELECT count(*) FROM t", &[]).unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(db.query_scalar("SELECT count(*) FROM t", &[]).unwrap(), json!(200));
}
