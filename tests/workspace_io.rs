//! Workspace import and export (go-store `Import`/`Export`, contract §12):
//! every format and JSON shape, every error text, all-or-nothing imports,
//! atomic exports, and export → import round trips.
#![cfg(feature = "duckdb")]

mod common;

use common::medium::FaultyMedium;
use serde_json::{json, Map, Value};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use store::{ErrorKind, LocalMedium, Medium, MemoryMedium, Store, Workspace};

fn open(dir: &Path) -> Store {
    common::open_with_state(dir)
}

fn obj(v: Value) -> Map<String, Value> {
    v.as_object().unwrap().clone()
}

fn with_file(path: &str, content: &str) -> MemoryMedium {
    let m = MemoryMedium::new();
    m.write(path, content.as_bytes()).unwrap();
    m
}

/// `(kind, entry_data)` of every entry, in id order.
fn entries(ws: &Workspace) -> Vec<(String, String)> {
    let rows = ws.query("SELECT entry_kind, entry_data FROM workspace_entries ORDER BY entry_id").unwrap();
    rows.rows
        .iter()
        .map(|r| (r[0].as_str().unwrap().to_string(), r[1].as_str().unwrap().to_string()))
        .collect()
}

fn read(m: &dyn Medium, path: &str) -> String {
    String::from_utf8(m.read(path).unwrap()).unwrap()
}

#[test]
fn import_jsonl_uses_the_base_name_as_kind() {
    let dir = tempfile::tempdir().unwrap();
    let s = open(dir.path());
    let ws = s.new_workspace("jsonl").unwrap();
    let m = with_file("in/data.jsonl", "{\"user\":\"@alice\"}\n\n  {\"user\":\"@bob\"}  \r\nnull\n");
    assert_eq!(ws.import(&m, "in/data.jsonl").unwrap(), 3);
    assert_eq!(entries(&ws), [
        ("data".to_string(), r#"{"user":"@alice"}"#.to_string()),
        ("data".to_string(), r#"{"user":"@bob"}"#.to_string()),
        ("data".to_string(), "{}".to_string()),
    ]);
    // .ndjson, an unknown extension and none at all read JSON lines too.
    for path in ["x.NDJSON", "x.txt", "x", ".jsonl"] {
        let m = with_file(path, r#"{"a":1}"#);
        assert_eq!(ws.import(&m, path).unwrap(), 1, "{path}");
    }
    assert_eq!(ws.aggregate(), obj(json!({"data": 3, "x": 3, "entry": 1})));
}

#[test]
fn imported_values_are_stored_as_go_writes_them() {
    let dir = tempfile::tempdir().unwrap();
    let s = open(dir.path());
    let ws = s.new_workspace("numbers").unwrap();
    // go-store decodes into map[string]any: every number is a float64.
    let m = with_file("n.json", r#"{"n":1,"big":12345678901234567890,"f":1e21,"s":"<&>","z":0.5}"#);
    ws.import(&m, "n.json").unwrap();
    assert_eq!(entries(&ws)[0].1, r#"{"big":12345678901234567000,"f":1e+21,"n":1,"s":"\u003c\u0026\u003e","z":0.5}"#);
}

#[test]
fn import_json_shapes() {
    let dir = tempfile::tempdir().unwrap();
    let s = open(dir.path());
    let ws = s.new_workspace("shapes").unwrap();
    let cases = [
        (r#"[{"name":"Alice"},{"name":"Bob"},{"name":"Carol"}]"#, 3),
        (r#"{"entries":[{"a":1},{"a":2}]}"#, 2),
        (r#"{"records":[{"a":1}],"data":[{"b":1},{"b":2}]}"#, 1),
        (r#"{"data":[{"b":1},{"b":2}]}"#, 2),
        (r#"{"entries":"not an array","x":1}"#, 1),
        (r#"{"only":"one"}"#, 1),
        ("   ", 0),
        ("[]", 0),
    ];
    for (content, n) in cases {
        let m = with_file("users.json", content);
        assert_eq!(ws.import(&m, "users.json").unwrap(), n, "{content}");
    }
    assert_eq!(ws.count().unwrap(), 10);
    assert_eq!(ws.aggregate(), obj(json!({"users": 10})));
}

#[test]
fn import_json_errors_insert_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let s = open(dir.path());
    let ws = s.new_workspace("bad-json").unwrap();
    let cases = [
        (r#"[{"name":"Alice"},"Bob"]"#, "store.Import: json array element is not an object at index 1"),
        (r#"{"entries":[7]}"#, "store.Import: json array element is not an object at index 0"),
        ("42", "store.Import: unsupported json shape"),
        ("\"text\"", "store.Import: unsupported json shape"),
        ("null", "store.Import: unsupported json shape"),
        (r#"{"entries":[{"a":1}"#, "store.Import: parse json: "),
    ];
    for (content, want) in cases {
        let m = with_file("users.json", content);
        let err = ws.import(&m, "users.json").unwrap_err();
        assert!(err.to_string().starts_with(want), "{content}: {err}");
        assert_eq!(err.kind(), ErrorKind::InvalidArgument);
    }
    assert_eq!(ws.count().unwrap(), 0);
}

#[test]
fn import_csv_rfc4180() {
    let dir = tempfile::tempdir().unwrap();
    let s = open(dir.path());
    let ws = s.new_workspace("csv").unwrap();
    let m = with_file("findings.csv", "tool,severity\ngosec,high\ngolint,low\n");
    assert_eq!(ws.import(&m, "findings.csv").unwrap(), 2);
    let m = with_file("notes.CSV", "name,note\r\nAlice,\"hello\nworld, \"\"quoted\"\"\"\r\n");
    assert_eq!(ws.import(&m, "notes.CSV").unwrap(), 1);
    // Ragged rows: missing trailing cells are "", extra cells dropped;
    // a repeated header keeps the last column's value; blank lines skipped.
    let m = with_file("ragged.csv", "a,b,a\n1\n\n1,2,3,4\n");
    assert_eq!(ws.import(&m, "ragged.csv").unwrap(), 2);
    let got: Vec<String> = entries(&ws).into_iter().map(|(_, d)| d).collect();
    assert_eq!(got, [
        r#"{"severity":"high","tool":"gosec"}"#,
        r#"{"severity":"low","tool":"golint"}"#,
        r#"{"name":"Alice","note":"hello\nworld, \"quoted\""}"#,
        r#"{"a":"","b":""}"#,
        r#"{"a":"3","b":"2"}"#,
    ]);
    // A header only, or nothing at all, adds nothing.
    for content in ["a,b\n", ""] {
        assert_eq!(ws.import(&with_file("e.csv", content), "e.csv").unwrap(), 0);
    }
    assert_eq!(ws.aggregate(), obj(json!({"findings": 2, "notes": 1, "ragged": 2})));
}

#[test]
fn import_malformed_csv_inserts_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let s = open(dir.path());
    let ws = s.new_workspace("csv-bad").unwrap();
    let cases = [
        ("tool,severity\ngosec,low\ngosec,\"high\n", "extraneous or missing \" in quoted field"),
        ("tool,severity\ngosec,low\ngo\"sec,high\n", "bare \" in non-quoted field"),
    ];
    for (content, why) in cases {
        let err = ws.import(&with_file("findings.csv", content), "findings.csv").unwrap_err();
        assert!(err.to_string().starts_with("store.Import: parse csv: parse error on line"), "{err}");
        assert!(err.to_string().ends_with(why), "{err}");
    }
    assert_eq!(ws.count().unwrap(), 0);
}

#[test]
fn a_bad_line_leaves_the_workspace_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let s = open(dir.path());
    let ws = s.new_workspace("all-or-nothing").unwrap();
    // Buffered, not yet written: the failed import must neither lose nor duplicate them.
    ws.put("mine", &obj(json!({"n": 1}))).unwrap();
    ws.put("mine", &obj(json!({"n": 2}))).unwrap();
    let m = with_file("data.jsonl", "{\"a\":1}\n{\"a\":2}\n{\"a\":\n{\"a\":4}\n");
    let err = ws.import(&m, "data.jsonl").unwrap_err();
    assert!(err.to_string().starts_with("store.Import: parse jsonl line 3: "), "{err}");
    assert_eq!(ws.count().unwrap(), 2);
    let m = with_file("data.jsonl", "{\"a\":1}\n[1,2]\n");
    let err = ws.import(&m, "data.jsonl").unwrap_err();
    assert!(err.to_string().starts_with("store.Import: parse jsonl line 2: "), "{err}");
    assert_eq!(ws.aggregate(), obj(json!({"mine": 2})));
    // The same file once fixed goes in whole, after the earlier entries.
    let m = with_file("data.jsonl", "{\"a\":1}\n{\"a\":2}\n");
    ws.import(&m, "data.jsonl").unwrap();
    ws.put("mine", &obj(json!({"n": 3}))).unwrap();
    let kinds: Vec<String> = entries(&ws).into_iter().map(|(k, _)| k).collect();
    assert_eq!(kinds, ["mine", "mine", "data", "data", "mine"]);
}

#[test]
fn import_argument_read_and_closed_errors() {
    let dir = tempfile::tempdir().unwrap();
    let s = open(dir.path());
    let ws = s.new_workspace("import-errors").unwrap();
    let m = MemoryMedium::new();
    assert_eq!(ws.import(&m, "").unwrap_err().to_string(), "store.Import: path is empty");
    let err = ws.import(&m, "ghost.jsonl").unwrap_err();
    assert!(err.to_string().starts_with("store.Import: read from medium: "), "{err}");
    assert!(err.to_string().contains("ghost.jsonl"), "{err}");
    ws.close().unwrap();
    let err = ws.import(&with_file("d.csv", "a\n1\n"), "d.csv").unwrap_err();
    assert_eq!(err.to_string(), "store.Import: put csv record: store.Workspace.Put: workspace is closed");
    assert_eq!(err.kind(), ErrorKind::Closed);
    // Nothing to add: go-store never touches the workspace then.
    assert_eq!(ws.import(&with_file("d.json", ""), "d.json").unwrap(), 0);
    ws.discard();
}

fn three_entries(s: &Store, name: &str) -> Workspace {
    let ws = s.new_workspace(name).unwrap();
    ws.put("like", &obj(json!({"user": "@alice"}))).unwrap();
    ws.put("like", &obj(json!({"user": "@bob", "note": "a,\"b\"\nc"}))).unwrap();
    ws.put("profile_match", &obj(json!({"user": "<carol>"}))).unwrap();
    ws
}

fn created_at(ws: &Workspace) -> Vec<i64> {
    let rows = ws.query("SELECT created_at FROM workspace_entries ORDER BY entry_id").unwrap();
    rows.rows.iter().map(|r| r[0].as_i64().unwrap()).collect()
}

#[test]
fn export_formats() {
    let dir = tempfile::tempdir().unwrap();
    let s = open(dir.path());
    let ws = three_entries(&s, "export");
    let t = created_at(&ws);
    let m = MemoryMedium::new();

    ws.export(&m, "report.json").unwrap();
    assert_eq!(read(&m, "report.json"), r#"{"like":2,"profile_match":1}"#);
    ws.export(&m, "report.txt").unwrap();
    assert_eq!(read(&m, "report.txt"), r#"{"like":2,"profile_match":1}"#);

    ws.export(&m, "out/report.JSONL").unwrap();
    let want = format!(
        "{{\"created_at\":{},\"entry_data\":\"{{\\\"user\\\":\\\"@alice\\\"}}\",\"entry_kind\":\"like\"}}\n\
         {{\"created_at\":{},\"entry_data\":\"{{\\\"note\\\":\\\"a,\\\\\\\"b\\\\\\\"\\\\nc\\\",\\\"user\\\":\\\"@bob\\\"}}\",\"entry_kind\":\"like\"}}\n\
         {{\"created_at\":{},\"entry_data\":\"{{\\\"user\\\":\\\"\\\\u003ccarol\\\\u003e\\\"}}\",\"entry_kind\":\"profile_match\"}}\n",
        t[0], t[1], t[2]
    );
    assert_eq!(read(&m, "out/report.JSONL"), want);
    // Every line is JSON whose entry_data is the stored text.
    for (line, (kind, data)) in read(&m, "out/report.JSONL").lines().zip(entries(&ws)) {
        let v: Value = serde_json::from_str(line).unwrap();
        assert_eq!(v["entry_kind"], kind.as_str());
        assert_eq!(v["entry_data"], data.as_str());
    }
    ws.export(&m, "report.ndjson").unwrap();
    assert_eq!(read(&m, "report.ndjson"), want);

    ws.export(&m, "report.csv").unwrap();
    let want = format!(
        "entry_kind,entry_data,created_at\n\
         like,\"{{\"\"user\"\":\"\"@alice\"\"}}\",{}\n\
         like,\"{{\"\"note\"\":\"\"a,\\\"\"b\\\"\"\\nc\"\",\"\"user\"\":\"\"@bob\"\"}}\",{}\n\
         profile_match,\"{{\"\"user\"\":\"\"\\u003ccarol\\u003e\"\"}}\",{}\n",
        t[0], t[1], t[2]
    );
    assert_eq!(read(&m, "report.csv"), want);
    // No temporary file is left behind.
    let mut paths = m.file_paths();
    paths.sort();
    assert_eq!(paths, ["out/report.JSONL", "report.csv", "report.json", "report.ndjson", "report.txt"]);
}

#[test]
fn export_of_an_empty_workspace() {
    let dir = tempfile::tempdir().unwrap();
    let s = open(dir.path());
    let ws = s.new_workspace("empty").unwrap();
    let m = MemoryMedium::new();
    ws.export(&m, "e.json").unwrap();
    ws.export(&m, "e.jsonl").unwrap();
    ws.export(&m, "e.csv").unwrap();
    assert_eq!(read(&m, "e.json"), "{}");
    assert_eq!(read(&m, "e.jsonl"), "");
    assert_eq!(read(&m, "e.csv"), "entry_kind,entry_data,created_at\n");
}

#[test]
fn export_of_a_closed_workspace_keeps_the_old_file() {
    let dir = tempfile::tempdir().unwrap();
    let s = open(dir.path());
    let ws = three_entries(&s, "export-closed");
    ws.close().unwrap();
    let m = MemoryMedium::new();
    for (path, stage) in [("r.json", "aggregate workspace"), ("r.jsonl", "query workspace"), ("r.csv", "query workspace")] {
        m.write(path, br#"{"previous":true}"#).unwrap();
        let err = ws.export(&m, path).unwrap_err();
        assert_eq!(err.to_string(), format!("store.Export: {stage}: store.Workspace.{}: workspace is closed",
            if stage.starts_with("aggregate") { "Aggregate" } else { "Query" }));
        assert_eq!(read(&m, path), r#"{"previous":true}"#);
    }
    assert_eq!(ws.export(&m, "").unwrap_err().to_string(), "store.Export: path is empty");
    ws.discard();
}

#[test]
fn a_failing_export_leaves_the_old_file_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let s = open(dir.path());
    let ws = three_entries(&s, "atomic");
    let old = b"old content \x00\xff kept".to_vec();
    let set = |flag: &AtomicBool, on: bool| flag.store(on, Ordering::SeqCst);
    for (fail_write, fail_rename, want) in [
        (true, false, "store.Export: write jsonl: remote storage unavailable"),
        (false, true, "store.Export: write jsonl: rename "),
    ] {
        let m = FaultyMedium::default();
        set(&m.fail_writes, fail_write);
        // A failing write leaves half the temporary file behind.
        set(&m.partial_writes, true);
        set(&m.fail_renames, fail_rename);
        m.inner.write("out/r.jsonl", &old).unwrap();
        let err = ws.export(&m, "out/r.jsonl").unwrap_err();
        assert!(err.to_string().starts_with(want), "{err}");
        assert_eq!(err.kind(), ErrorKind::Io);
        assert_eq!(m.inner.read("out/r.jsonl").unwrap(), old);
        assert_eq!(m.inner.file_paths(), ["out/r.jsonl"], "no temporary file stays");
    }
    // The directory is ensured before the workspace is consulted (go-store's order).
    let m = FaultyMedium::default();
    set(&m.fail_ensure_dir, true);
    let err = ws.export(&m, "a/b/r.json").unwrap_err();
    assert_eq!(err.to_string(), "store.Export: ensure directory: directory refused");
    let m = FaultyMedium::default();
    ws.close().unwrap();
    assert!(ws.export(&m, "a/b/r.json").is_err());
    ws.export(&m, "r.json").unwrap_err();
    ws.export(&m, "/r.json").unwrap_err();
    assert_eq!(*m.dirs.lock().unwrap(), ["a/b"]);
    ws.discard();
}

#[test]
fn round_trips_through_the_local_filesystem() {
    let dir = tempfile::tempdir().unwrap();
    let s = open(dir.path());
    let ws = three_entries(&s, "source");
    let local = LocalMedium::new();
    let base = dir.path().join("exports");
    let jsonl = base.join("entries.jsonl").to_str().unwrap().to_string();
    let csv = base.join("entries.csv").to_str().unwrap().to_string();
    ws.export(&local, &jsonl).unwrap();
    ws.export(&local, &csv).unwrap();
    assert!(base.is_dir());

    let back = s.new_workspace("copy").unwrap();
    assert_eq!(back.import(&local, &jsonl).unwrap(), 3);
    assert_eq!(back.import(&local, &csv).unwrap(), 3);
    // Both give the exported rows back: kind, stored text and time
    // (JSON lines keep the number, CSV makes every value a string).
    let originals = entries(&ws);
    let t = created_at(&ws);
    let got = entries(&back);
    for (i, (kind, data)) in got.iter().enumerate() {
        assert_eq!(kind, "entries");
        let v: Value = serde_json::from_str(data).unwrap();
        let (want_kind, want_data) = &originals[i % 3];
        assert_eq!(v["entry_kind"], want_kind.as_str());
        assert_eq!(v["entry_data"], want_data.as_str());
        let when = if i < 3 { json!(t[i % 3]) } else { json!(t[i % 3].to_string()) };
        assert_eq!(v["created_at"], when);
    }
    // Importing a JSON lines file that holds the original records gives the same aggregate.
    let plain = base.join("like.jsonl").to_str().unwrap().to_string();
    std::fs::write(&plain, originals.iter().filter(|(k, _)| k == "like").map(|(_, d)| format!("{d}\n")).collect::<String>()).unwrap();
    back.import(&local, &plain).unwrap();
    assert_eq!(back.aggregate(), obj(json!({"entries": 6, "like": 2})));
    assert_eq!(&entries(&back)[6..], &originals[..2]);
}
