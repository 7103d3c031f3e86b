//! go-store's `ImportAll` (contract §11): every table, the split rule, the
//! row mapping, error texts with line numbers, the all-or-nothing
//! transaction, the fixed summary order and the copy callbacks' specs.
#![cfg(feature = "duckdb")]

use serde_json::{json, Value};
use std::cell::RefCell;
use std::fs;
use std::path::Path;
use store::{DuckDb, ErrorKind, ImportConfig, ImportTotals};

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

fn chat(user: &str, assistant: &str) -> String {
    json!({"messages": [{"role": "user", "content": user}, {"role": "assistant", "content": assistant}]}).to_string()
}

/// A data directory with something for every table.
fn fixture(root: &Path) {
    write(
        root,
        "gold-15k.jsonl",
        "{\"idx\":1,\"seed_id\":\"s1\",\"domain\":\"d\",\"voice\":\"v\",\"prompt\":\"p\",\"response\":\"a b c\",\"gen_time\":1.5}\n\
         {\"idx\":2,\"seed_id\":\"s2\",\"domain\":\"d\",\"voice\":\"v\",\"prompt\":\"p\",\"response\":\"héllo\",\"gen_time\":2}\n",
    );
    write(root, "training/train.jsonl", &format!("{}\n{}\n", chat("q1", "a1"), chat("q2", "a2")));
    write(root, "training/valid.jsonl", &format!("{}\n", chat("q3", "ü")));
    write(root, "training/test.jsonl", &format!("{}\n", chat("q4", "a4")));
    write(root, "watts-composure-merged/train.jsonl", &format!("{}\n", chat("w", "x")));
    for (rel, text) in [
        ("benchmarks/results/b.jsonl", r#"{"id":1,"benchmark":"bb","model":"m","elapsed_seconds":2.5}"#),
        ("benchmarks/results/a.jsonl", r#"{"id":"x","domain":null}"#),
        ("benchmarks/results/skip.txt", "not jsonl"),
        ("benchmarks/lem_bench.jsonl", r#"{"id":1000000,"elapsed_seconds":"3"}"#),
        ("benchmarks/truthfulqa.jsonl", r#"{"id":"q1","question":"Q","correct_answers":["a",1.0],"category":"c"}"#),
        ("seeds/b/west.json", r#"{"prompts":[{"seed_id":"w1","domain":"d","text":"t"},"plain",7]}"#),
        ("seeds/a.json", r#"[{"question":"q"}]"#),
        ("seeds/notes.txt", "ignored"),
    ] {
        write(root, rel, &format!("{text}\n"));
    }
}

fn rows(db: &DuckDb, sql: &str) -> Vec<Vec<Value>> {
    db.query_rows(sql, &[]).unwrap().rows
}

fn count(db: &DuckDb, table: &str) -> i64 {
    db.query_scalar(&format!("SELECT count(*) FROM {table}"), &[]).unwrap().as_i64().unwrap()
}

fn skip(dir: &Path) -> ImportConfig<'static> {
    ImportConfig { skip_m3: true, data_dir: dir.to_str().unwrap().to_string(), ..Default::default() }
}

fn import(db: &DuckDb, cfg: &mut ImportConfig<'_>) -> (store::Result<ImportTotals>, String) {
    let mut out = Vec::new();
    let r = db.import_all(cfg, &mut out);
    (r, String::from_utf8(out).unwrap())
}

#[test]
fn imports_every_table_with_go_store_mapping() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    fixture(&data);
    let db = DuckDb::open_read_write(dir.path().join("lem.duckdb")).unwrap();
    let (r, _) = import(&db, &mut skip(&data));
    let totals = r.unwrap();
    assert_eq!(
        totals.tables(),
        vec![
            ("golden_set", 2),
            ("training_examples", 5),
            ("benchmark_results", 3),
            ("benchmark_questions", 1),
            ("seeds", 3)
        ]
    );

    assert_eq!(
        rows(&db, "SELECT idx, seed_id, gen_time, char_count, word_count FROM golden_set ORDER BY idx"),
        vec![
            vec![json!(1), json!("s1"), json!(1.5), json!(5), json!(3)],
            vec![json!(2), json!("s2"), json!(2.0), json!(5), json!(1)]
        ]
    );
    assert_eq!(db.query_golden_set(0).unwrap().len(), 2);

    assert_eq!(
        rows(
            &db,
            "SELECT source, split, prompt, response, num_turns, char_count FROM training_examples ORDER BY prompt"
        ),
        vec![
            vec![json!("training"), json!("train"), json!("q1"), json!("a1"), json!(1), json!(2)],
            vec![json!("training"), json!("train"), json!("q2"), json!("a2"), json!(1), json!(2)],
            // char_count is bytes, as in go-store.
            vec![json!("training"), json!("valid"), json!("q3"), json!("ü"), json!(1), json!(2)],
            vec![json!("training"), json!("test"), json!("q4"), json!("a4"), json!(1), json!(2)],
            vec![json!("watts-composure"), json!("train"), json!("w"), json!("x"), json!(1), json!(1)],
        ]
    );
    assert_eq!(
        rows(&db, "SELECT full_messages FROM training_examples WHERE prompt = 'q1'")[0][0],
        json!(r#"[{"role":"user","content":"q1"},{"role":"assistant","content":"a1"}]"#)
    );

    // Result directories in name order, then standalone files.
    assert_eq!(
        rows(&db, "SELECT source, id, benchmark, model, elapsed_seconds, domain FROM benchmark_results"),
        vec![
            vec![json!("results"), json!("x"), json!(""), json!(""), json!(0.0), json!("<nil>")],
            vec![json!("results"), json!("1"), json!("bb"), json!("m"), json!(2.5), json!("")],
            vec![json!("benchmark"), json!("1e+06"), json!(""), json!(""), json!(0.0), json!("")],
        ]
    );
    assert_eq!(
        rows(&db, "SELECT * FROM benchmark_questions"),
        vec![vec![
            json!("truthfulqa"),
            json!("q1"),
            json!("Q"),
            json!(""),
            json!(r#"["a",1]"#),
            json!("null"),
            json!("c")
        ]]
    );
    assert_eq!(
        rows(&db, "SELECT * FROM seeds"),
        vec![
            vec![json!("a.json"), json!("a"), json!(""), json!(""), json!("q")],
            vec![json!("b/west.json"), json!("west"), json!("w1"), json!("d"), json!("t")],
            vec![json!("b/west.json"), json!("west"), json!(""), json!(""), json!("plain")],
        ]
    );
}

#[test]
fn prints_the_summary_in_a_fixed_order() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    fixture(&data);
    let path = dir.path().join("lem.duckdb");
    let db = DuckDb::open_read_write(&path).unwrap();
    let (r, out) = import(&db, &mut skip(&data));
    r.unwrap();
    let want = format!(
        "  golden_set: 2 rows\n  training_examples: 5 rows\n  benchmark_results: 3 rows\n  benchmark_questions: 1 rows\n  seeds: 3 rows\n\
         \n{eq}\nLEM Database Import Complete\n{eq}\n\
         \x20 golden_set                       2\n\
         \x20 training_examples                5\n\
         \x20 benchmark_results                3\n\
         \x20 benchmark_questions              1\n\
         \x20 seeds                            3\n\
         \x20 -----------------------------------\n\
         \x20 TOTAL                           14\n\
         \nDatabase: {}\n",
        path.display(),
        eq = "=".repeat(50)
    );
    assert_eq!(out, want);
}

#[test]
fn empty_data_dir_creates_empty_tables_and_leaves_golden_set_alone() {
    let dir = tempfile::tempdir().unwrap();
    let db = DuckDb::open_read_write(dir.path().join("lem.duckdb")).unwrap();
    db.exec("CREATE TABLE golden_set (idx INT); INSERT INTO golden_set VALUES (9)", &[]).unwrap();
    db.exec("CREATE TABLE seeds (x INT); INSERT INTO seeds VALUES (1)", &[]).unwrap();
    let (r, out) = import(&db, &mut skip(dir.path()));
    assert_eq!(r.unwrap().golden_set, None);
    assert!(out.contains("LEM Database Import Complete"), "{out}");
    assert!(!out.contains("golden_set"), "{out}");
    assert_eq!(count(&db, "golden_set"), 1);
    for table in ["training_examples", "benchmark_results", "benchmark_questions", "seeds"] {
        assert_eq!(count(&db, table), 0, "{table}");
    }
    // go-store creates the benchmark directory even when copies are skipped.
    assert!(dir.path().join("benchmarks").is_dir());
}

/// A bad line anywhere rolls everything back: tables keep what they held.
#[test]
fn a_bad_line_changes_nothing() {
    for (rel, good, op, wrap) in [
        ("training/valid.jsonl", chat("q", "a"), "store.importTrainingFile", "import training file"),
        ("benchmarks/results/r.jsonl", "{\"id\":1}".to_string(), "store.importBenchmarkFile", "import benchmark file"),
        (
            "benchmarks/gsm8k.jsonl",
            "{\"id\":1}".to_string(),
            "store.importBenchmarkQuestions",
            "import benchmark questions",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        fixture(&data);
        let db = DuckDb::open_read_write(dir.path().join("lem.duckdb")).unwrap();
        import(&db, &mut skip(&data)).0.unwrap();
        let before: Vec<i64> = ["golden_set", "training_examples", "benchmark_results", "benchmark_questions", "seeds"]
            .iter()
            .map(|t| count(&db, t))
            .collect();
        fs::remove_file(data.join("gold-15k.jsonl")).unwrap();
        write(&data, "gold-15k.jsonl", "{\"idx\":5,\"seed_id\":\"s\",\"domain\":\"d\",\"voice\":\"v\",\"prompt\":\"p\",\"response\":\"r\",\"gen_time\":1}\n");
        write(&data, rel, &format!("{good}\n{{broken\n"));
        let (r, out) = import(&db, &mut skip(&data));
        let err = r.unwrap_err();
        let path = data.join(rel);
        let text = err.to_string();
        assert!(
            text.starts_with(&format!(
                "store.ImportAll: {wrap} {}: {op}: parse {} line 2: ",
                path.display(),
                path.display()
            )),
            "{text}"
        );
        assert_eq!(err.kind(), ErrorKind::InvalidArgument);
        assert!(!out.contains("rows"), "no row lines for a rolled-back import: {out}");
        let after: Vec<i64> = ["golden_set", "training_examples", "benchmark_results", "benchmark_questions", "seeds"]
            .iter()
            .map(|t| count(&db, t))
            .collect();
        assert_eq!(after, before, "{rel}");
        assert_eq!(
            rows(&db, "SELECT min(idx) FROM golden_set")[0][0],
            json!(1),
            "golden_set replaced then rolled back"
        );
        // The handle stays usable after the rollback.
        import(&db, &mut skip(dir.path())).0.unwrap();
    }
}

#[test]
fn blank_lines_and_overlong_lines_fail_with_their_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = DuckDb::open_read_write(dir.path().join("lem.duckdb")).unwrap();
    write(dir.path(), "training/train.jsonl", &format!("{}\n\n{}\n", chat("a", "b"), chat("c", "d")));
    let err = import(&db, &mut skip(dir.path())).0.unwrap_err().to_string();
    assert!(err.contains("train.jsonl line 2: EOF while parsing"), "{err}");

    let long = chat("q", &"x".repeat(1024 * 1024));
    write(dir.path(), "training/train.jsonl", &format!("{}\n{long}\n", chat("a", "b")));
    let err = import(&db, &mut skip(dir.path())).0.unwrap_err().to_string();
    assert!(
        err.contains("store.importTrainingFile: scan training file: bufio.Scanner: token too long (line 2 of"),
        "{err}"
    );

    // Windows line ends and a last line without a newline are fine.
    write(dir.path(), "training/train.jsonl", &format!("{}\r\n{}", chat("a", "b"), chat("c", "d")));
    assert_eq!(import(&db, &mut skip(dir.path())).0.unwrap().training_examples, 2);
}

#[test]
fn bad_seed_files_fail_with_go_store_stages() {
    let dir = tempfile::tempdir().unwrap();
    let db = DuckDb::open_read_write(dir.path().join("lem.duckdb")).unwrap();
    write(dir.path(), "seeds/x/bad.json", "{not json");
    let err = import(&db, &mut skip(dir.path())).0.unwrap_err().to_string();
    let seed_dir = dir.path().join("seeds");
    assert!(
        err.starts_with(&format!(
            "store.ImportAll: import seeds {}: store.importSeeds: parse seed file x/bad.json: ",
            seed_dir.display()
        )),
        "{err}"
    );
}

#[test]
fn copies_use_go_store_remote_specs_and_ignore_errors() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap().to_string();
    let calls = RefCell::new(Vec::new());
    let db = DuckDb::open_read_write(dir.path().join("lem.duckdb")).unwrap();
    let mut cfg = ImportConfig {
        skip_m3: false,
        data_dir: data.clone(),
        m3_host: String::new(),
        scp: Some(Box::new(|remote: &str, local: &str| {
            calls.borrow_mut().push(format!("scp {remote} {local}"));
            if remote.ends_with("gold-15k.jsonl") {
                return Err("offline".to_string());
            }
            if remote.ends_with("training/train.jsonl") {
                fs::write(local, chat("pulled", "yes") + "\n").unwrap();
            }
            Err("missing".to_string())
        })),
        scp_dir: Some(Box::new(|remote: &str, local: &str| {
            calls.borrow_mut().push(format!("scp_dir {remote} {local}"));
            Ok(())
        })),
    };
    let (r, out) = import(&db, &mut cfg);
    assert_eq!(r.unwrap().training_examples, 1);
    assert!(
        out.starts_with(
            "  Pulling golden set from M3...\n  WARNING: could not pull golden set from M3: offline\n  \
         Pulling training sets from M3...\n  Pulling benchmarks from M3...\n  training_examples: 1 rows\n"
        ),
        "{out}"
    );
    drop(cfg);
    let calls = calls.into_inner();
    assert_eq!(calls.len(), 1 + 32 + 4 + 4 + 6, "{calls:#?}");
    assert_eq!(calls[0], format!("scp m3:/Volumes/Data/lem/responses/gold-15k.jsonl {data}/gold-15k.jsonl"));
    assert_eq!(calls[1], format!("scp m3:/Volumes/Data/lem/training/train.jsonl {data}/training/train.jsonl"));
    assert!(calls.contains(&format!(
        "scp m3:/Volumes/Data/lem/watts-composure-merged/valid.jsonl {data}/watts-composure-merged/valid.jsonl"
    )));
    assert_eq!(
        calls[33],
        format!("scp m3:/Volumes/Data/lem/benchmarks/truthfulqa.jsonl {data}/benchmarks/truthfulqa.jsonl")
    );
    assert_eq!(calls[37], format!("scp_dir m3:/Volumes/Data/lem/benchmarks/results/ {data}/benchmarks/results/"));
    assert_eq!(
        calls[41],
        format!("scp m3:/Volumes/Data/lem/benchmarks/lem_bench.jsonl {data}/benchmarks/lem_bench.jsonl")
    );
    assert!(dir.path().join("deepseek-western-soak").is_dir() && dir.path().join("benchmarks/deepseek-r1-7b").is_dir());
}

#[test]
fn skip_m3_and_missing_callbacks_make_no_calls() {
    let dir = tempfile::tempdir().unwrap();
    let called = RefCell::new(0);
    let db = DuckDb::open_read_write(dir.path().join("lem.duckdb")).unwrap();
    let mut cfg = ImportConfig {
        skip_m3: true,
        data_dir: dir.path().to_str().unwrap().into(),
        m3_host: "other".into(),
        scp: Some(Box::new(|_: &str, _: &str| {
            *called.borrow_mut() += 1;
            Ok(())
        })),
        scp_dir: None,
    };
    let (r, out) = import(&db, &mut cfg);
    r.unwrap();
    assert_eq!(*called.borrow(), 0);
    assert!(!out.contains("Pulling"), "{out}");

    // Without SkipM3 but with only ScpDir: the benchmarks line and directory copies, with the host given.
    let specs = RefCell::new(Vec::new());
    let mut cfg = ImportConfig {
        skip_m3: false,
        data_dir: dir.path().to_str().unwrap().into(),
        m3_host: "other".into(),
        scp: None,
        scp_dir: Some(Box::new(|remote: &str, _: &str| {
            specs.borrow_mut().push(remote.to_string());
            Ok(())
        })),
    };
    let (r, out) = import(&db, &mut cfg);
    r.unwrap();
    assert!(out.starts_with("  Pulling benchmarks from M3...\n  training_examples: 0 rows\n"), "{out}");
    drop(cfg);
    assert_eq!(specs.into_inner()[3], "other:/Volumes/Data/lem/benchmarks/deepseek-r1-7b/");
}

#[test]
fn refuses_read_only_closed_and_glob_paths() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lem.duckdb");
    DuckDb::open_read_write(&path).unwrap().close().unwrap();
    let ro = DuckDb::open(&path).unwrap();
    let err = import(&ro, &mut skip(dir.path())).0.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument);
    assert!(err.to_string().starts_with("store.ImportAll: database "), "{err}");
    drop(ro);

    let db = DuckDb::open_read_write(&path).unwrap();
    let globby = dir.path().join("data[1]");
    write(&globby, "gold-15k.jsonl", "{}\n");
    let err = import(&db, &mut skip(&globby)).0.unwrap_err().to_string();
    assert!(err.contains("store.ImportAll: import golden_set: the path"), "{err}");
    assert!(err.contains("glob character"), "{err}");

    db.close().unwrap();
    let err = import(&db, &mut skip(dir.path())).0.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Closed);
}
