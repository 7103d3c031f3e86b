//! Workspaces: buffered Put, Count/Aggregate/Query, Commit (journal row,
//! summary, marker, event, files removed), Close/Discard, orphan recovery
//! (kill -9 after a flush and between commit and removal, a reused committed
//! name, corrupt files quarantined byte-identical, go-store's own files).
#![cfg(feature = "duckdb")]

mod common;

use serde_json::{json, Map, Value};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use store::{DuckDb, ErrorKind, EventKind, Kv, Store};

fn open(dir: &Path) -> Store {
    common::open_with_state(dir)
}

fn obj(v: Value) -> Map<String, Value> {
    v.as_object().unwrap().clone()
}

fn state(dir: &Path) -> PathBuf {
    dir.join("state")
}

/// Runs this test binary's `name` test in a child with `STORE_WS_CHILD=dir`;
/// the child kills itself with SIGKILL.
fn run_child(name: &str, dir: &Path) {
    let status = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", name, "--nocapture", "--test-threads=1"])
        .env("STORE_WS_CHILD", dir)
        .status()
        .expect("spawn child");
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(status.signal(), Some(libc::SIGKILL), "child must die by SIGKILL: {status:?}");
}

fn kill_self() -> ! {
    // SIGKILL: no destructor, no flush, no checkpoint.
    // SAFETY: signalling our own process.
    unsafe { libc::kill(libc::getpid(), libc::SIGKILL) };
    unreachable!("SIGKILL did not arrive");
}

#[test]
fn create_put_aggregate_query() {
    let dir = tempfile::tempdir().unwrap();
    let s = open(dir.path());
    let ws = s.new_workspace("scores").unwrap();
    assert_eq!(ws.name(), "scores");
    assert_eq!(ws.database_path(), state(dir.path()).join("scores.duckdb"));
    assert!(ws.database_path().exists());
    assert_eq!(ws.count().unwrap(), 0);
    ws.put("like", &obj(json!({"user": "@alice"}))).unwrap();
    ws.put("like", &obj(json!({"user": "@bob"}))).unwrap();
    ws.put_json("profile_match", r#"{"score": 0.5, "<tag>": true}"#).unwrap();
    assert_eq!(ws.count().unwrap(), 3);
    assert_eq!(Value::Object(ws.aggregate()), json!({"like": 2, "profile_match": 1}));
    let rows = ws.query("SELECT entry_kind, count(*) AS n FROM workspace_entries GROUP BY 1 ORDER BY 1").unwrap();
    assert_eq!(rows.rows, vec![vec![json!("like"), json!(2)], vec![json!("profile_match"), json!(1)]]);
    assert_eq!(rows.columns[1].type_name, "BIGINT");
    let view = ws.query("SELECT kind, data FROM entries WHERE kind = 'profile_match'").unwrap();
    // Stored as Go's encoding/json writes it: sorted keys, HTML escaped.
    assert_eq!(view.rows[0][1], json!(r#"{"\u003ctag\u003e":true,"score":0.5}"#));
    let ids = ws.query("SELECT list(id ORDER BY id) FROM entries").unwrap();
    assert_eq!(ids.rows[0][0], json!([1, 2, 3]));
    ws.discard();
    assert!(!state(dir.path()).join("scores.duckdb").exists());
}

#[test]
fn names_are_validated_and_existing_files_refused() {
    let dir = tempfile::tempdir().unwrap();
    let s = open(dir.path());
    for bad in ["", ".", "..", "a/b", "a\\b", "nul\0x", "line\nfeed"] {
        let e = s.new_workspace(bad).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidArgument, "{bad:?}");
        assert!(e.to_string().starts_with("store.NewWorkspace: validate workspace name"), "{e}");
    }
    for good in ["with space", "a:b", "ünï", ".hidden"] {
        s.new_workspace(good).unwrap().discard();
    }
    let ws = s.new_workspace("dup").unwrap();
    let e = s.new_workspace("dup").unwrap_err();
    assert_eq!(e.to_string(), "store.NewWorkspace: workspace already exists: dup");
    ws.close().unwrap();
    assert!(s.new_workspace("dup").unwrap_err().to_string().contains("already exists"));
    s.close().unwrap();
    assert_eq!(s.new_workspace("later").unwrap_err().kind(), ErrorKind::Closed);
}

#[test]
fn bad_input_is_refused_and_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let s = open(dir.path());
    let ws = s.new_workspace("w").unwrap();
    ws.put("k", &Map::new()).unwrap();
    assert_eq!(ws.put("", &Map::new()).unwrap_err().to_string(), "store.Workspace.Put: kind is empty");
    for bad in ["[1]", "3", "{", "\"x\""] {
        assert_eq!(ws.put_json("k", bad).unwrap_err().kind(), ErrorKind::InvalidArgument, "{bad}");
    }
    ws.put_json("k", "").unwrap();
    ws.put_json("k", "null").unwrap();
    assert_eq!(ws.count().unwrap(), 3);
    assert_eq!(ws.query("SELECT DISTINCT data FROM entries").unwrap().rows, vec![vec![json!("{}")]]);
    // Only one read-only statement, and no file access.
    for sql in [
        "DELETE FROM workspace_entries",
        "SELECT 1; SELECT 2",
        "CREATE TABLE t (a INT)",
        "COPY workspace_entries TO '/tmp/x.csv'",
        "ATTACH '/tmp/other.duckdb'",
        "INSTALL httpfs",
    ] {
        assert!(ws.query(sql).is_err(), "{sql}");
    }
    let e = ws.query("SELECT * FROM read_csv('/etc/passwd')").unwrap_err();
    assert!(e.to_string().starts_with("store.Workspace.Query: query workspace"), "{e}");
    assert!(ws.query("SET enable_external_access=true").is_err());
    assert_eq!(ws.count().unwrap(), 3);
}

#[test]
fn close_keeps_the_file_and_later_calls_fail() {
    let dir = tempfile::tempdir().unwrap();
    let s = open(dir.path());
    let ws = s.new_workspace("kept").unwrap();
    for i in 0..10 {
        ws.put("row", &obj(json!({ "i": i }))).unwrap();
    }
    ws.close().unwrap();
    ws.close().unwrap();
    assert!(ws.database_path().exists());
    assert!(!Path::new(&format!("{}.wal", ws.database_path().display())).exists(), "WAL folded at close");
    assert_eq!(ws.put("row", &Map::new()).unwrap_err().to_string(), "store.Workspace.Put: workspace is closed");
    assert_eq!(ws.count().unwrap_err().kind(), ErrorKind::Closed);
    assert_eq!(ws.commit().unwrap_err().kind(), ErrorKind::Closed);
    assert!(ws.aggregate().is_empty());
    let orphans = s.recover_orphans("");
    assert_eq!(orphans.len(), 1);
    assert_eq!(orphans[0].name(), "kept");
    assert_eq!(Value::Object(orphans[0].aggregate()), json!({"row": 10}));
    orphans[0].discard();
    orphans[0].discard();
    assert!(!ws.database_path().exists());
    assert!(s.recover_orphans("").is_empty());
    assert!(!state(dir.path()).join("quarantine").exists());
}

#[test]
fn commit_writes_journal_summary_marker_and_event_then_removes_files() {
    let dir = tempfile::tempdir().unwrap();
    let s = open(dir.path());
    let events = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = events.clone();
    let _sub = s
        .subscribe("*", move |e| seen.lock().unwrap().push((e.kind(), e.group().to_vec(), e.value().to_vec())))
        .unwrap();
    let ws = s.new_workspace("job").unwrap();
    ws.put("like", &Map::new()).unwrap();
    ws.put("like", &Map::new()).unwrap();
    ws.put("profile_match", &Map::new()).unwrap();
    let result = ws.commit().unwrap();
    assert_eq!(Value::Object(result), json!({"like": 2, "profile_match": 1}));
    assert!(!ws.database_path().exists());
    assert_eq!(s.get("workspace:job", "summary").unwrap(), br#"{"like":2,"profile_match":1}"#);
    let rows = s.query_journal("").unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["measurement"], json!("job"));
    assert_eq!(rows[0]["tags"], json!({"workspace": "job"}));
    assert_eq!(rows[0]["fields"], json!({"like": 2, "profile_match": 1}));
    let ev = events.lock().unwrap().clone();
    assert_eq!(ev.len(), 1);
    assert_eq!(ev[0].0, EventKind::Set);
    assert_eq!(ev[0].1, b"workspace:job");
    assert_eq!(ev[0].2, br#"{"like":2,"profile_match":1}"#);
    assert_eq!(ws.put("x", &Map::new()).unwrap_err().kind(), ErrorKind::Closed);
    // An empty workspace commits {}.
    let empty = s.new_workspace("empty").unwrap();
    assert!(empty.commit().unwrap().is_empty());
    assert_eq!(s.get("workspace:empty", "summary").unwrap(), b"{}");
}

#[test]
fn a_reused_committed_name_survives_reopen() {
    let dir = tempfile::tempdir().unwrap();
    {
        let s = open(dir.path());
        let first = s.new_workspace("daily").unwrap();
        first.put("a", &Map::new()).unwrap();
        first.commit().unwrap();
        let second = s.new_workspace("daily").unwrap();
        second.put("b", &Map::new()).unwrap();
        second.put("b", &Map::new()).unwrap();
        second.close().unwrap();
        s.close().unwrap();
    }
    let s = open(dir.path());
    let orphans = s.recover_orphans("");
    assert_eq!(orphans.len(), 1, "go-store would delete it: a summary for `daily` exists");
    assert_eq!(Value::Object(orphans[0].aggregate()), json!({"b": 2}));
    assert_eq!(Value::Object(orphans[0].commit().unwrap()), json!({"b": 2}));
    assert_eq!(s.get("workspace:daily", "summary").unwrap(), br#"{"b":2}"#);
}

#[test]
fn child_killed_after_flush() {
    let Ok(dir) = std::env::var("STORE_WS_CHILD") else { return };
    let s = open(Path::new(&dir));
    let ws = s.new_workspace("stream").unwrap();
    for i in 0..1000 {
        ws.put("row", &obj(json!({ "i": i }))).unwrap();
    }
    ws.flush().unwrap();
    for i in 0..10 {
        ws.put("late", &obj(json!({ "i": i }))).unwrap();
    }
    kill_self();
}

#[test]
fn kill_9_after_a_flush_keeps_the_flushed_rows() {
    let dir = tempfile::tempdir().unwrap();
    run_child("child_killed_after_flush", dir.path());
    let s = open(dir.path());
    let orphans = s.recover_orphans("");
    assert_eq!(orphans.len(), 1);
    let ws = &orphans[0];
    assert_eq!(ws.name(), "stream");
    let agg = ws.aggregate();
    assert_eq!(agg["row"], json!(1000), "every flushed row survives");
    // The unflushed buffer is what a crash may lose (here: all of it).
    assert!(agg.get("late").is_none_or(|n| n.as_i64().unwrap() <= 10));
    ws.put("after", &Map::new()).unwrap();
    assert_eq!(ws.count().unwrap(), 1001 + agg.get("late").map_or(0, |n| n.as_i64().unwrap()));
    let ids = ws.query("SELECT count(DISTINCT entry_id) = count(*) FROM workspace_entries").unwrap();
    assert_eq!(ids.rows[0][0], json!(true));
}

#[test]
fn child_killed_between_commit_and_removal() {
    let Ok(dir) = std::env::var("STORE_WS_CHILD") else { return };
    let s = open(Path::new(&dir));
    let ws = s.new_workspace("done").unwrap();
    ws.put("x", &Map::new()).unwrap();
    store::set_workspace_commit_hook(Some(|| kill_self()));
    let _ = ws.commit();
    unreachable!("the hook kills the process");
}

#[test]
fn kill_9_between_commit_and_removal_deletes_only_the_committed_file() {
    let dir = tempfile::tempdir().unwrap();
    run_child("child_killed_between_commit_and_removal", dir.path());
    let path = state(dir.path()).join("done.duckdb");
    assert!(path.exists(), "the child died before removing the file");
    let s = open(dir.path());
    assert_eq!(s.get("workspace:done", "summary").unwrap(), br#"{"x":1}"#);
    assert_eq!(s.query_journal("").unwrap().len(), 1);
    assert!(s.recover_orphans("").is_empty());
    assert!(!path.exists(), "its id was committed: recovery deletes it");
}

#[test]
fn corrupt_files_are_quarantined_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let st = state(dir.path());
    fs::create_dir_all(&st).unwrap();
    let junk: Vec<u8> = (0..5000u32).map(|i| (i * 7 % 251) as u8).collect();
    fs::write(st.join("bad.duckdb"), &junk).unwrap();
    fs::write(st.join("bad.duckdb.wal"), b"wal bytes").unwrap();
    let s = open(dir.path());
    assert!(s.recover_orphans("").is_empty());
    let q = st.join("quarantine");
    assert_eq!(fs::read(q.join("bad.duckdb")).unwrap(), junk);
    assert_eq!(fs::read(q.join("bad.duckdb.wal")).unwrap(), b"wal bytes");
    assert!(!st.join("bad.duckdb").exists());
    // A second corrupt file of the same name gets a numbered suffix.
    fs::write(st.join("bad.duckdb"), b"second").unwrap();
    assert!(s.recover_orphans(st.to_str().unwrap()).is_empty());
    assert_eq!(fs::read(q.join("bad.1.duckdb")).unwrap(), b"second");
    assert_eq!(fs::read(q.join("bad.duckdb")).unwrap(), junk);
}

#[test]
fn a_go_store_workspace_file_opens() {
    let dir = tempfile::tempdir().unwrap();
    let st = state(dir.path());
    fs::create_dir_all(&st).unwrap();
    {
        // go-store's initialiser and insert, verbatim.
        let db = DuckDb::open_read_write(st.join("legacy.duckdb")).unwrap();
        db.exec(
            "CREATE SEQUENCE IF NOT EXISTS workspace_entries_entry_id_seq START 1;
             CREATE TABLE IF NOT EXISTS workspace_entries (entry_id BIGINT PRIMARY KEY DEFAULT nextval('workspace_entries_entry_id_seq'), entry_kind TEXT NOT NULL, entry_data TEXT NOT NULL, created_at BIGINT NOT NULL);
             CREATE VIEW IF NOT EXISTS entries AS SELECT entry_id AS id, entry_kind AS kind, entry_data AS data, created_at FROM workspace_entries;",
            &[],
        )
        .unwrap();
        for kind in ["like", "like", "share"] {
            db.exec(
                "INSERT INTO workspace_entries (entry_kind, entry_data, created_at) VALUES (?, '{}', 1)",
                &[store::DuckParam::Text(kind.into())],
            )
            .unwrap();
        }
        db.close().unwrap();
    }
    let s = open(dir.path());
    let orphans = s.recover_orphans("");
    assert_eq!(orphans.len(), 1);
    let ws = &orphans[0];
    assert_eq!(Value::Object(ws.aggregate()), json!({"like": 2, "share": 1}));
    assert!(ws.id().is_some(), "an id is added to a file that had none");
    ws.put("share", &Map::new()).unwrap();
    let ids = ws.query("SELECT list(entry_id ORDER BY entry_id) FROM workspace_entries").unwrap();
    assert_eq!(ids.rows[0][0], json!([1, 2, 3, 4]), "appends continue go-store's sequence");
}

#[test]
fn open_time_scan_feeds_recover_orphans_and_never_double_opens() {
    let dir = tempfile::tempdir().unwrap();
    {
        let s = open(dir.path());
        let ws = s.new_workspace("left").unwrap();
        ws.put("k", &Map::new()).unwrap();
        ws.close().unwrap();
    }
    let s = open(dir.path());
    let first = s.recover_orphans(&format!("{}/", state(dir.path()).display()));
    assert_eq!(first.len(), 1);
    assert_eq!(Value::Object(first[0].aggregate()), json!({"k": 1}));
    let again = open(dir.path());
    // The file is open here: another recovery in this process leaves it alone.
    assert!(again.recover_orphans("").is_empty());
    assert!(s.recover_orphans("").is_empty());
    first[0].close().unwrap();
    assert_eq!(again.recover_orphans("").len(), 1);
}

/// go-store caches the orphans while opening; ours scans off the opening
/// thread, and `wait_for_orphan_scan` gives the same guarantee on request:
/// the orphans come back with their aggregate after the directory is gone.
#[test]
fn orphans_found_at_open_survive_removal_of_the_state_directory() {
    let dir = tempfile::tempdir().unwrap();
    {
        let s = open(dir.path());
        for name in ["a", "b"] {
            let ws = s.new_workspace(name).unwrap();
            ws.put("seen", &Map::new()).unwrap();
            ws.put("seen", &Map::new()).unwrap();
            ws.close().unwrap();
        }
    }
    let s = open(dir.path());
    s.wait_for_orphan_scan();
    s.wait_for_orphan_scan(); // waiting again returns at once
    fs::remove_dir_all(state(dir.path())).unwrap();
    let orphans = s.recover_orphans("");
    let names: Vec<&str> = orphans.iter().map(|w| w.name()).collect();
    assert_eq!(names, ["a", "b"]);
    for ws in &orphans {
        assert_eq!(Value::Object(ws.aggregate()), json!({"seen": 2}));
    }
    // The cache is handed out once.
    assert!(s.recover_orphans("").is_empty());
}

#[test]
fn waiting_without_a_state_directory_returns_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let s = open(dir.path());
    s.wait_for_orphan_scan();
    assert!(s.recover_orphans("").is_empty());
}

/// Regression: close returned while the open-time scan still held an
/// orphan, so the next store's recovery skipped it as "open elsewhere".
#[test]
fn close_waits_for_the_open_time_scan() {
    let dir = tempfile::tempdir().unwrap();
    {
        let s = open(dir.path());
        let ws = s.new_workspace("kept").unwrap();
        ws.put("k", &Map::new()).unwrap();
        ws.close().unwrap();
    }
    for round in 0..10 {
        let s = open(dir.path());
        s.close().unwrap();
        let next = open(dir.path());
        let orphans = next.recover_orphans("");
        assert_eq!(orphans.len(), 1, "round {round}: the closed store's scan still held the orphan");
        orphans[0].close().unwrap();
    }
}

/// The scan thread may hold the last reference to the store: dropping it
/// there closes the store without joining itself.
#[test]
fn dropping_the_store_during_the_scan_does_not_hang() {
    let dir = tempfile::tempdir().unwrap();
    {
        let s = open(dir.path());
        for name in ["a", "b", "c"] {
            let ws = s.new_workspace(name).unwrap();
            ws.put("k", &Map::new()).unwrap();
            ws.close().unwrap();
        }
    }
    for _ in 0..10 {
        drop(open(dir.path()));
    }
    for name in ["a", "b", "c"] {
        assert!(state(dir.path()).join(format!("{name}.duckdb")).exists(), "{name} survives");
    }
    assert!(!state(dir.path()).join("quarantine").exists());
}
