//! The journal through the Rust API: go-store's table and row format,
//! commits inside transactions, QueryJournal's three input classes, and the
//! raw-SQL guard.

mod common;

use common::*;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use store::{Config, ErrorKind, Kv, Store};

fn fields(v: Value) -> Map<String, Value> {
    v.as_object().expect("object").clone()
}

fn tags(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

fn with_bucket(path: &str, bucket: &str) -> Store {
    let mut c = Config::new(path);
    c.journal.endpoint_url = "http://127.0.0.1:8086".into();
    c.journal.organisation = "core".into();
    c.journal.bucket_name = bucket.into();
    Store::open(c).unwrap()
}

fn measurements(rows: &[Map<String, Value>]) -> Vec<&str> {
    rows.iter().map(|r| r["measurement"].as_str().unwrap()).collect()
}

#[test]
fn commit_result_and_stored_bytes_match_go_store() {
    let db = mem();
    let e = db
        .commit_to_journal("session-a", &fields(json!({"like": 4, "b": "x<y", "f": 1e21, "z": [1.5, null]})), &tags(&[("workspace", "session-a")]))
        .unwrap();
    assert_eq!(e.bucket, "store", "no journal configured: go-store's default bucket");
    assert_eq!(e.measurement, "session-a");
    assert_eq!(e.fields["like"], json!(4));
    assert_eq!(e.tags["workspace"], "session-a");
    assert!((e.committed_at - chrono_now()).abs() < 60_000);
    let rows = db.query_journal("SELECT fields_json, tags_json, bucket_name FROM journal_entries").unwrap();
    assert_eq!(rows[0]["fields_json"], json!(r#"{"b":"x\u003cy","f":1e+21,"like":4,"z":[1.5,null]}"#));
    assert_eq!(rows[0]["tags_json"], json!(r#"{"workspace":"session-a"}"#));
    assert_eq!(rows[0]["fields"]["like"], json!(4));
    assert_eq!(rows[0]["tags"], json!({"workspace": "session-a"}));

    let dir = temp_dir();
    let db = with_bucket(&db_path(&dir, "j.db"), "events");
    assert_eq!(db.commit_to_journal("m", &Map::new(), &BTreeMap::new()).unwrap().bucket, "events");
    let rows = db.query_journal("").unwrap();
    assert_eq!(rows[0]["bucket_name"], json!("events"));
    assert_eq!(rows[0]["fields_json"], json!("{}"));
    assert_eq!(rows[0]["archived_at"], Value::Null);
    assert!(rows[0]["committed_at"].is_i64());
}

fn chrono_now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64
}

#[test]
fn commit_validation_errors() {
    let db = mem();
    let e = db.commit_to_journal("", &Map::new(), &BTreeMap::new()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidArgument);
    assert_eq!(e.message(), "store.CommitToJournal: measurement is empty");
    let e = db.commit_to_journal_json("m", "[1]", "{}").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidArgument);
    assert!(e.message().starts_with("store.CommitToJournal: marshal fields: fields must be a JSON object"), "{e}");
    let e = db.commit_to_journal_json("m", "{}", r#"{"a":1}"#).unwrap_err();
    assert!(e.message().starts_with("store.CommitToJournal: marshal tags:"), "{e}");
    let e = db.commit_to_journal_json("m", "{\"a\":", "{}").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidArgument);
    // Nothing was written by the failures.
    assert!(db.query_journal("").unwrap().is_empty());
    // Empty text and null mean "no fields", as nil maps do in go-store.
    let ok = db.commit_to_journal_json("m", "", "null").unwrap();
    assert!(ok.fields.is_empty() && ok.tags.is_empty());
    db.close().unwrap();
    let e = db.commit_to_journal("m", &Map::new(), &BTreeMap::new()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Closed);
    assert_eq!(e.message(), "store.CommitToJournal: store is closed");
    assert_eq!(db.query_journal("").unwrap_err().kind(), ErrorKind::Closed);
}

#[test]
fn a_foreign_journal_entries_table_is_corrupt() {
    let dir = temp_dir();
    let path = db_path(&dir, "foreign.db");
    raw(&path).execute_batch("CREATE TABLE journal_entries (id INTEGER, note TEXT)").unwrap();
    let db = open_file(&path);
    let e = db.commit_to_journal("m", &Map::new(), &BTreeMap::new()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Corrupt);
    assert!(e.message().contains("not go-store's journal layout"), "{e}");
    assert_eq!(db.query_journal("").unwrap_err().kind(), ErrorKind::Corrupt);
    let n: i64 = raw(&path).query_row("SELECT COUNT(*) FROM journal_entries", [], |r| r.get(0)).unwrap();
    assert_eq!(n, 0, "the foreign table is left alone");
}

#[test]
fn journal_rows_commit_and_roll_back_with_kv_writes() {
    let db = mem();
    let txn = db.begin().unwrap();
    txn.set("g", "k", "v").unwrap();
    let e = txn.commit_to_journal("in-txn", &fields(json!({"n": 1})), &BTreeMap::new()).unwrap();
    assert_eq!(e.measurement, "in-txn");
    assert_eq!(measurements(&txn.query_journal("").unwrap()), vec!["in-txn"], "the transaction sees its row");
    txn.rollback().unwrap();
    assert!(db.query_journal("").unwrap().is_empty(), "rolled back with the transaction");
    assert_eq!(db.get("g", "k").unwrap_err().kind(), ErrorKind::NotFound);

    db.transaction(|t| {
        t.set("g", "k", "v")?;
        t.commit_to_journal("kept", &Map::new(), &BTreeMap::new())?;
        Ok(())
    })
    .unwrap();
    assert_eq!(measurements(&db.query_journal("").unwrap()), vec!["kept"]);
    assert_eq!(db.get("g", "k").unwrap(), b"v");

    let err = db
        .transaction(|t| {
            t.commit_to_journal("lost", &Map::new(), &BTreeMap::new())?;
            t.set("g", "k2", "v")?;
            t.commit_to_journal("", &Map::new(), &BTreeMap::new())?;
            Ok(())
        })
        .unwrap_err();
    assert!(err.message().contains("store.Transaction.CommitToJournal: measurement is empty"), "{err}");
    assert_eq!(measurements(&db.query_journal("").unwrap()), vec!["kept"]);
    assert!(db.get("g", "k2").is_err());
}

/// A file store with rows written behind its back at fixed times.
fn seeded(dir: &tempfile::TempDir) -> (Store, String) {
    let path = db_path(dir, "seeded.db");
    let db = open_file(&path);
    db.commit_to_journal("first", &Map::new(), &BTreeMap::new()).unwrap();
    let conn = raw(&path);
    conn.execute("DELETE FROM journal_entries", []).unwrap();
    let at = 1_774_872_000_000i64; // 2026-03-30T12:00:00Z
    for (bucket, m, f, t, when) in [
        ("events", "session-b", r#"{"like":2}"#, r#"{"workspace":"session-b"}"#, at),
        ("events", "session-a", r#"{"like":1,"complete":true}"#, r#"{"workspace":"session-a"}"#, at),
        ("events", "session-c", r#"{"like":3}"#, r#"{"workspace":"session-c"}"#, at - 86_400_000),
        ("store", "other", r#"{}"#, r#"{}"#, at),
    ] {
        conn.execute(
            "INSERT INTO journal_entries (bucket_name, measurement, fields_json, tags_json, committed_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            rusqlite::params![bucket, m, f, t, when],
        )
        .unwrap();
    }
    (db, path)
}

#[test]
fn empty_query_orders_by_time_then_insertion_and_hides_archived_rows() {
    let dir = temp_dir();
    let (db, path) = seeded(&dir);
    assert_eq!(measurements(&db.query_journal("  \n").unwrap()), vec!["session-c", "session-b", "session-a", "other"]);
    raw(&path).execute("UPDATE journal_entries SET archived_at = 1 WHERE measurement = 'session-b'", []).unwrap();
    assert_eq!(measurements(&db.query_journal("").unwrap()), vec!["session-c", "session-a", "other"]);
    let raw_rows = db.query_journal("select measurement from journal_entries where archived_at is not null").unwrap();
    assert_eq!(measurements(&raw_rows), vec!["session-b"], "raw SQL sees archived rows");
}

#[test]
fn flux_queries_of_go_store_tests() {
    let dir = temp_dir();
    let (db, _) = seeded(&dir);
    let q = |s: &str| measurements(&db.query_journal(s).unwrap()).into_iter().map(String::from).collect::<Vec<_>>();
    let all = r#"from(bucket: "events") |> range(start: 2026-03-01T00:00:00Z)"#;
    assert_eq!(q(&format!(r#"{all} |> filter(fn: (r) => r._measurement == "session-b")"#)), vec!["session-b"]);
    assert_eq!(q(&format!(r#"{all} |> filter(fn: (r) => r.workspace == "session-a")"#)), vec!["session-a"]);
    assert_eq!(q(&format!(r#"{all} |> filter(fn: (r) => r.like == 2)"#)), vec!["session-b"]);
    assert_eq!(q(&format!(r#"{all} |> filter(fn: (r) => r["complete"] == true)"#)), vec!["session-a"]);
    assert_eq!(q(&format!(r#"{all} |> filter(fn: (r) => r._bucket == "events")"#)).len(), 3);
    assert_eq!(q(r#"from(bucket: "store") |> range(start: -100000d)"#), vec!["other"]);
    assert_eq!(
        q(r#"from(bucket: "events") |> range(start: "2026-03-30T00:00:00Z", stop: now())"#),
        vec!["session-b", "session-a"]
    );
    assert_eq!(
        q(r#"from(bucket: "events") |> range(start: "2026-03-29T00:00:00Z", stop: "2026-03-30T00:00:00Z")"#),
        vec!["session-c"]
    );
    let rows = db.query_journal(r#"from(bucket: "events") |> filter(fn: (r) => r.like >= 2)"#).unwrap();
    assert_eq!(rows[0]["fields"], json!({"like": 3}));
    assert_eq!(rows[0]["tags"], json!({"workspace": "session-c"}));
    let e = db.query_journal(r#"from(bucket: "events") |> group()"#).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Query);
    assert_eq!(e.message(), "store.QueryJournal: flux: 1:27: unsupported function `group()`");
}

#[test]
fn raw_sql_is_one_read_only_statement() {
    let dir = temp_dir();
    let (file_db, path) = seeded(&dir);
    let mem_db = mem();
    mem_db.commit_to_journal("m", &Map::new(), &BTreeMap::new()).unwrap();
    for db in [&file_db, &mem_db] {
        let rows = db
            .query_journal("WITH j AS (SELECT measurement, committed_at FROM journal_entries) SELECT measurement FROM j ORDER BY committed_at LIMIT 1")
            .unwrap();
        assert_eq!(rows.len(), 1);
        let cols = db.query_journal("PRAGMA table_info(journal_entries)").unwrap();
        assert!(cols.iter().any(|r| r["name"] == json!("bucket_name")));
        assert_eq!(db.query_journal("pragma main.user_version;").unwrap()[0]["user_version"], json!(0));
        let plan = db.query_journal("EXPLAIN QUERY PLAN SELECT * FROM journal_entries WHERE bucket_name = 'x' AND committed_at > 5").unwrap();
        assert!(plan[0]["detail"].as_str().unwrap().contains("journal_entries_bucket_committed_at_idx"));
        assert_eq!(db.query_journal("SELECT 1.0 AS r, 2 AS i, NULL AS n, x'41' AS b").unwrap()[0], fields(json!({"r": 1.0, "i": 2, "n": null, "b": "A"})));
        for (sql, needle) in [
            ("SELECT 1; DELETE FROM journal_entries", "exactly one statement"),
            ("WITH x AS (SELECT 1) DELETE FROM journal_entries", "the statement writes"),
            ("WITH x AS (SELECT 1) INSERT INTO entries VALUES ('g','k','v',NULL)", "the statement writes"),
            ("PRAGMA query_only = 0", "may change state"),
            ("PRAGMA journal_mode=DELETE", "may change state"),
            ("PRAGMA journal_mode(DELETE)", "may change state"),
            ("PRAGMA wal_checkpoint", "may change state"),
            ("PRAGMA optimize", "may change state"),
            ("ATTACH DATABASE ':memory:' AS other", "ATTACH is refused"),
            ("delete FROM journal_entries", "DELETE is refused"),
            ("VACUUM INTO '/tmp/x.db'", "VACUUM is refused"),
            ("SELECT * FROM no_such_table", "no such table"),
        ] {
            let e = db.query_journal(sql).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Query, "{sql}: {e}");
            assert!(e.message().starts_with("store.QueryJournal: "), "{e}");
            assert!(e.message().contains(needle), "{sql}: {e}");
        }
        // The writer was left writable and the rows are intact.
        db.commit_to_journal("after", &Map::new(), &BTreeMap::new()).unwrap();
        db.set("g", "k", "v").unwrap();
    }
    let n: i64 = raw(&path).query_row("SELECT COUNT(*) FROM journal_entries", [], |r| r.get(0)).unwrap();
    assert_eq!(n, 5);
}

#[test]
fn querying_a_store_that_never_journaled_creates_the_table() {
    let dir = temp_dir();
    let path = db_path(&dir, "fresh.db");
    let db = open_file(&path);
    assert!(db.query_journal("").unwrap().is_empty());
    assert!(db.query_journal(r#"from(bucket: "store")"#).unwrap().is_empty());
    let idx: i64 = raw(&path)
        .query_row("SELECT COUNT(*) FROM sqlite_master WHERE name = 'journal_entries_bucket_committed_at_idx'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(idx, 1);
    // A table created inside a rolled-back transaction is created again later.
    let db = mem();
    let t = db.begin().unwrap();
    t.commit_to_journal("x", &Map::new(), &BTreeMap::new()).unwrap();
    t.rollback().unwrap();
    db.commit_to_journal("y", &Map::new(), &BTreeMap::new()).unwrap();
    assert_eq!(measurements(&db.query_journal("").unwrap()), vec!["y"]);
}

#[test]
fn measurement_filters_read_the_measurement_index() {
    let dir = temp_dir();
    let path = db_path(&dir, "plan.db");
    let db = open_file(&path);
    db.commit_to_journal("m", &Map::new(), &BTreeMap::new()).unwrap();
    let conn = raw(&path);
    let plan_of = |q: &str| -> String {
        let p = store::flux::plan(&store::flux::parse(q).unwrap(), 0).unwrap();
        let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {}", p.sql)).unwrap();
        let params = p.params.iter().map(|v| match v {
            store::flux::SqlValue::Text(s) => rusqlite::types::Value::Text(s.clone()),
            store::flux::SqlValue::Int(i) => rusqlite::types::Value::Integer(*i),
            store::flux::SqlValue::Real(f) => rusqlite::types::Value::Real(*f),
        });
        let rows = stmt.query_map(rusqlite::params_from_iter(params), |r| r.get::<_, String>(3)).unwrap();
        rows.map(Result::unwrap).collect::<Vec<_>>().join(" | ")
    };
    let p = plan_of(r#"from(bucket: "store") |> range(start: -1h) |> filter(fn: (r) => r._measurement == "m7" and r.host == "h3")"#);
    assert!(p.contains("journal_entries_bucket_measurement_committed_at_idx (bucket_name=? AND measurement=? AND committed_at>?)"), "{p}");
    assert!(!p.contains("TEMP B-TREE"), "{p}");
    let p = plan_of(r#"from(bucket: "store") |> range(start: -1h) |> filter(fn: (r) => r._measurement == "a" or r.host == "b")"#);
    assert!(p.contains("journal_entries_bucket_committed_at_idx (bucket_name=? AND committed_at>?)"), "{p}");
    // go-store's own index is there too, unchanged.
    let n: i64 = conn
        .query_row("SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'journal_entries'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 2);
}
