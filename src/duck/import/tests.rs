//! go-store's helper-level import tests (§17.10), restated against the
//! helpers that `import_all` runs inside its transaction.

use super::seeds::import_seeds;
use super::tables::{import_benchmark_file, import_questions_file, import_training_file, recreate, with_appender};
use super::tables::{QUESTIONS_DDL, RESULTS_DDL, SEEDS_DDL, TRAINING_DDL};
use crate::duck::raw::Appender;
use crate::duck::{DuckDb, DUCKDB_MEMORY};
use crate::Result;

type Helper = fn(&mut Appender, &str, &str) -> Result<i64>;

fn training(app: &mut Appender, path: &str, source: &str) -> Result<i64> {
    import_training_file(app, path, source, "train")
}

/// Runs `helper` on a file whose line 2 is broken, outside any transaction,
/// and returns the error text and the rows the table holds afterwards.
fn broken_line_two(table: &str, ddl: &str, first: &str, helper: Helper) -> (String, i64) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("in.jsonl");
    std::fs::write(&path, format!("{first}\n{{broken\n")).unwrap();
    let db = DuckDb::open_read_write(DUCKDB_MEMORY).unwrap();
    let err = db
        .with_conn("test", |conn| {
            recreate(conn, table, ddl)?;
            with_appender(conn, table, |app| helper(app, path.to_str().unwrap(), "src"))
        })
        .unwrap_err();
    let rows = db.query_scalar(&format!("SELECT count(*) FROM {table}"), &[]).unwrap();
    (err.to_string(), rows.as_i64().unwrap())
}

#[test]
fn malformed_jsonl_names_line_two_and_keeps_the_line_before() {
    let training_line = r#"{"messages":[{"role":"user","content":"q"},{"role":"assistant","content":"a"}]}"#;
    for (table, ddl, first, helper, op) in [
        ("training_examples", TRAINING_DDL, training_line, training as Helper, "store.importTrainingFile"),
        (
            "benchmark_results",
            RESULTS_DDL,
            r#"{"id":"r-1"}"#,
            import_benchmark_file as Helper,
            "store.importBenchmarkFile",
        ),
        (
            "benchmark_questions",
            QUESTIONS_DDL,
            r#"{"id":"q-1"}"#,
            import_questions_file as Helper,
            "store.importBenchmarkQuestions",
        ),
    ] {
        let (err, rows) = broken_line_two(table, ddl, first, helper);
        assert!(err.contains(&format!("{op}: parse ")), "{err}");
        assert!(err.contains(" line 2: "), "{err}");
        assert_eq!(rows, 1, "{table}");
    }
}

#[test]
fn seed_walk_failure_names_walk_dir() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing-seeds");
    let db = DuckDb::open_read_write(DUCKDB_MEMORY).unwrap();
    let err = db
        .with_conn("test", |conn| {
            recreate(conn, "seeds", SEEDS_DDL)?;
            with_appender(conn, "seeds", |app| import_seeds(app, missing.to_str().unwrap()))
        })
        .unwrap_err();
    assert!(err.to_string().starts_with("store.walkDir: list "), "{err}");
    assert_eq!(db.query_scalar("SELECT count(*) FROM seeds", &[]).unwrap().as_i64(), Some(0));
}
