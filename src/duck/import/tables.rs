//! The table steps of `import_all`, each run inside the import
//! transaction: drop and recreate the table, then append every row.
//!
//! Errors name the step the way go-store does:
//! `store.importTrainingFile: parse <path> line <n>: <cause>`, wrapped by
//! the caller as `store.ImportAll: import training file <path>: …`.

use super::jsonl::for_each_line;
use super::rows::{benchmark_row, question_row, training_row};
use super::sources::{join, split_of, QUESTION_BENCHMARKS, RESULT_DIRS, STANDALONE_RESULTS, TRAINING_SOURCES};
use crate::duck::raw::{Appender, Connection};
use crate::{Error, ErrorKind, Result};
use std::path::Path;

pub(crate) const OP: &str = "store.ImportAll";

pub(crate) const TRAINING_DDL: &str = "CREATE TABLE training_examples (source VARCHAR, split VARCHAR, prompt TEXT, \
     response TEXT, num_turns INT, full_messages TEXT, char_count INT)";
pub(crate) const RESULTS_DDL: &str = "CREATE TABLE benchmark_results (source VARCHAR, id VARCHAR, benchmark VARCHAR, \
     model VARCHAR, prompt TEXT, response TEXT, elapsed_seconds DOUBLE, domain VARCHAR)";
pub(crate) const QUESTIONS_DDL: &str =
    "CREATE TABLE benchmark_questions (benchmark VARCHAR, id VARCHAR, question TEXT, \
     best_answer TEXT, correct_answers TEXT, incorrect_answers TEXT, category VARCHAR)";
pub(crate) const SEEDS_DDL: &str =
    "CREATE TABLE seeds (source_file VARCHAR, region VARCHAR, seed_id VARCHAR, domain VARCHAR, prompt TEXT)";

/// `DROP TABLE IF EXISTS <table>` then `ddl`, with go-store's stage names.
pub(crate) fn recreate(conn: &Connection, table: &str, ddl: &str) -> Result<()> {
    conn.execute_batch(&format!("DROP TABLE IF EXISTS {table}")).map_err(|e| e.wrap(format!("{OP}: drop {table}")))?;
    conn.execute_batch(ddl).map_err(|e| e.wrap(format!("{OP}: create {table}")))
}

pub(crate) fn is_file(path: &str) -> bool {
    Path::new(path).is_file()
}

/// Reads `path` line by line, turning each into a row with `parse` and
/// appending it with `append`; returns the rows appended.
fn import_lines<R>(
    path: &str,
    op: &str,
    scan: &str,
    parse: impl Fn(&[u8]) -> std::result::Result<R, String>,
    mut append: impl FnMut(R) -> Result<()>,
) -> Result<i64> {
    let mut count = 0;
    for_each_line(path, op, scan, |number, line| {
        let row = parse(line).map_err(|cause| Error::invalid(format!("{op}: parse {path} line {number}: {cause}")))?;
        append(row)?;
        count += 1;
        Ok(())
    })?;
    Ok(count)
}

fn insert_error(op: &'static str, what: &'static str) -> impl Fn(Error) -> Error {
    move |e: Error| e.wrap(format!("{op}: {what}"))
}

/// One training file into `training_examples` (go-store `importTrainingFile`).
pub(crate) fn import_training_file(app: &mut Appender, path: &str, source: &str, split: &str) -> Result<i64> {
    const F: &str = "store.importTrainingFile";
    import_lines(path, F, "scan training file", training_row, |row| {
        (|| {
            app.text(source)?;
            app.text(split)?;
            app.text(&row.prompt)?;
            app.text(&row.response)?;
            app.int(row.num_turns)?;
            app.text(&row.full_messages)?;
            // Bytes, as go-store's len(response).
            app.int(row.response.len() as i64)?;
            app.end_row()
        })()
        .map_err(insert_error(F, "insert training example"))
    })
}

/// One result file into `benchmark_results` (go-store `importBenchmarkFile`).
pub(crate) fn import_benchmark_file(app: &mut Appender, path: &str, source: &str) -> Result<i64> {
    const F: &str = "store.importBenchmarkFile";
    import_lines(path, F, "scan benchmark file", benchmark_row, |row| {
        (|| {
            for v in [source, &row.id, &row.benchmark, &row.model, &row.prompt, &row.response] {
                app.text(v)?;
            }
            app.double(row.elapsed_seconds)?;
            app.text(&row.domain)?;
            app.end_row()
        })()
        .map_err(insert_error(F, "insert benchmark result"))
    })
}

/// One question file into `benchmark_questions` (go-store `importBenchmarkQuestions`).
pub(crate) fn import_questions_file(app: &mut Appender, path: &str, benchmark: &str) -> Result<i64> {
    const F: &str = "store.importBenchmarkQuestions";
    import_lines(path, F, "scan benchmark questions", question_row, |row| {
        app.row(&[
            benchmark,
            &row.id,
            &row.question,
            &row.best_answer,
            &row.correct_answers,
            &row.incorrect_answers,
            &row.category,
        ])
        .map_err(insert_error(F, "insert benchmark question"))
    })
}

/// Runs `fill` with an appender on `table` and closes it (rows reach the
/// table, inside the open transaction, before this returns).
pub(crate) fn with_appender(
    conn: &Connection,
    table: &str,
    fill: impl FnOnce(&mut Appender) -> Result<i64>,
) -> Result<i64> {
    let mut app = Appender::new(conn, table).map_err(|e| e.wrap(format!("{OP}: append to {table}")))?;
    let n = fill(&mut app)?;
    app.close().map_err(|e| e.wrap(format!("{OP}: append to {table}")))?;
    Ok(n)
}

/// Step 2: every existing file of the 14 training sources.
pub(crate) fn training(conn: &Connection, data_dir: &str) -> Result<i64> {
    recreate(conn, "training_examples", TRAINING_DDL)?;
    with_appender(conn, "training_examples", |app| {
        let mut total = 0;
        for (source, files) in TRAINING_SOURCES {
            for rel in files {
                let path = join(data_dir, rel);
                if !is_file(&path) {
                    continue;
                }
                total += import_training_file(app, &path, source, split_of(rel))
                    .map_err(|e| e.wrap(format!("{OP}: import training file {path}")))?;
            }
        }
        Ok(total)
    })
}

/// `*.jsonl` entries of `dir` sorted by name (Go's `filepath.Glob`); a
/// missing directory has none.
fn jsonl_files(dir: &str) -> Result<Vec<String>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound || e.kind() == std::io::ErrorKind::NotADirectory => {
            return Ok(Vec::new())
        }
        Err(e) => return Err(Error::new(ErrorKind::Io, format!("{OP}: list {dir}: {e}"))),
    };
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| n.ends_with(".jsonl"))
        .collect();
    names.sort();
    Ok(names.into_iter().map(|n| join(dir, &n)).collect())
}

/// Step 3: result files of the four result directories, then the
/// standalone result files.
pub(crate) fn benchmark_results(conn: &Connection, bench_dir: &str) -> Result<i64> {
    recreate(conn, "benchmark_results", RESULTS_DDL)?;
    with_appender(conn, "benchmark_results", |app| {
        let mut total = 0;
        let import = |app: &mut Appender, path: &str, source: &str| -> Result<i64> {
            import_benchmark_file(app, path, source).map_err(|e| e.wrap(format!("{OP}: import benchmark file {path}")))
        };
        for sub in RESULT_DIRS {
            for path in jsonl_files(&join(bench_dir, sub))? {
                total += import(app, &path, sub)?;
            }
        }
        for name in STANDALONE_RESULTS {
            let path = join(bench_dir, &format!("{name}.jsonl"));
            if is_file(&path) {
                total += import(app, &path, "benchmark")?;
            }
        }
        Ok(total)
    })
}

/// Step 4: the four question files.
pub(crate) fn benchmark_questions(conn: &Connection, bench_dir: &str) -> Result<i64> {
    recreate(conn, "benchmark_questions", QUESTIONS_DDL)?;
    with_appender(conn, "benchmark_questions", |app| {
        let mut total = 0;
        for name in QUESTION_BENCHMARKS {
            let path = join(bench_dir, &format!("{name}.jsonl"));
            if is_file(&path) {
                total += import_questions_file(app, &path, name)
                    .map_err(|e| e.wrap(format!("{OP}: import benchmark questions {path}")))?;
            }
        }
        Ok(total)
    })
}
