//! go-store's `ImportAll` (LEM data import): the golden set, 14 training
//! sources, benchmark results and questions, and seed files into five
//! DuckDB tables, with optional copies from a remote host through
//! caller-supplied functions (the library never runs a process or opens a
//! connection itself).
//!
//! Two go-store defects are fixed:
//! * **All or nothing.** Every table change runs in one DuckDB transaction
//!   that is rolled back on any error, so a bad line leaves every table as
//!   it was before the call. (go-store's helpers keep the lines before the
//!   bad one; its tests check that count.)
//! * **Deterministic summary.** The summary lists the tables in import
//!   order: `golden_set` (only when its file exists), `training_examples`,
//!   `benchmark_results`, `benchmark_questions`, `seeds` (go-store prints
//!   them in Go's random map order).
//!
//! Other differences, all so that no caller code runs while the database
//! is held: every copy happens first (see `pull.rs`), so the "Pulling …"
//! lines come before the row lines; and the lines of the table steps are
//! written after the transaction ends, only when it committed (on an error
//! nothing of the rolled-back steps is printed). Writer errors are ignored,
//! as go-store ignores them. The golden-set path is made absolute and a
//! path with glob characters is refused (`golden.rs`; go-store lets DuckDB
//! expand them). Parse causes are serde_json's words (`EOF while parsing a
//! value`), not Go's (`unexpected end of JSON input`); the surrounding text
//! is go-store's. Row mapping: `rows.rs`; Go's `%v`: `gofmt.rs`; the 1 MiB
//! line limit: `jsonl.rs`.

mod gofmt;
mod golden;
mod jsonl;
mod pull;
mod rows;
mod seeds;
mod sources;
mod tables;

pub use sources::DEFAULT_M3_HOST;

use super::analytics::DuckDb;
use super::raw::Connection;
use crate::{Error, ErrorKind, Result};
use std::io::Write;
use tables::OP;

/// A caller-supplied copy: `(remote, local)` for a file (go-store
/// `ScpFunc`) or `(remote, local_dir)` for a directory (`ScpDirFunc`).
/// The error text only appears in the golden set's WARNING line.
pub type CopyFn<'a> = Box<dyn FnMut(&str, &str) -> std::result::Result<(), String> + 'a>;

/// Settings for `DuckDb::import_all` (go-store `ImportConfig`).
#[derive(Default)]
pub struct ImportConfig<'a> {
    /// Make no copies at all.
    pub skip_m3: bool,
    /// The local data directory; empty means the working directory.
    pub data_dir: String,
    /// The copy host for remote specs (`<host>:/Volumes/Data/lem/…`); empty means `m3`.
    pub m3_host: String,
    /// Copies one file; `None` skips file copies.
    pub scp: Option<CopyFn<'a>>,
    /// Copies a directory recursively; `None` skips directory copies.
    pub scp_dir: Option<CopyFn<'a>>,
}

/// Rows imported per table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportTotals {
    /// `None` when `gold-15k.jsonl` did not exist (the table was left alone).
    pub golden_set: Option<i64>,
    /// Rows in `training_examples`.
    pub training_examples: i64,
    /// Rows in `benchmark_results`.
    pub benchmark_results: i64,
    /// Rows in `benchmark_questions`.
    pub benchmark_questions: i64,
    /// Rows in `seeds`.
    pub seeds: i64,
}

impl ImportTotals {
    /// `(table, rows)` in the summary's fixed order.
    pub fn tables(&self) -> Vec<(&'static str, i64)> {
        let mut out = Vec::with_capacity(5);
        if let Some(n) = self.golden_set {
            out.push(("golden_set", n));
        }
        out.push(("training_examples", self.training_examples));
        out.push(("benchmark_results", self.benchmark_results));
        out.push(("benchmark_questions", self.benchmark_questions));
        out.push(("seeds", self.seeds));
        out
    }

    /// The summary block go-store prints after a successful import.
    fn summary(&self, db_path: &str) -> Vec<String> {
        let mut lines = vec![String::new(), "=".repeat(50), "LEM Database Import Complete".into(), "=".repeat(50)];
        let mut total = 0;
        for (table, n) in self.tables() {
            lines.push(format!("  {table:<25} {n:>8}"));
            total += n;
        }
        lines.push(format!("  {}", "-".repeat(35)));
        lines.push(format!("  {:<25} {total:>8}", "TOTAL"));
        lines.push(String::new());
        lines.push(format!("Database: {db_path}"));
        lines
    }
}

/// The table steps, in order, inside the open transaction.
fn steps(conn: &Connection, data_dir: &str, lines: &mut Vec<String>) -> Result<ImportTotals> {
    let golden_path = sources::join(data_dir, sources::GOLDEN_FILE);
    let golden_set = if tables::is_file(&golden_path) {
        let n = golden::golden_set(conn, &golden_path)?;
        lines.push(format!("  golden_set: {n} rows"));
        Some(n)
    } else {
        None
    };
    let mut step = |name: &str, run: &dyn Fn() -> Result<i64>| -> Result<i64> {
        let n = run()?;
        lines.push(format!("  {name}: {n} rows"));
        Ok(n)
    };
    let bench_dir = sources::join(data_dir, "benchmarks");
    Ok(ImportTotals {
        golden_set,
        training_examples: step("training_examples", &|| tables::training(conn, data_dir))?,
        benchmark_results: step("benchmark_results", &|| tables::benchmark_results(conn, &bench_dir))?,
        benchmark_questions: step("benchmark_questions", &|| tables::benchmark_questions(conn, &bench_dir))?,
        seeds: step("seeds", &|| seeds::seeds(conn, &sources::join(data_dir, "seeds")))?,
    })
}

/// Runs `steps` in one transaction: committed when they succeed, rolled
/// back otherwise.
fn in_transaction(conn: &Connection, data_dir: &str, lines: &mut Vec<String>) -> Result<ImportTotals> {
    conn.execute_batch("BEGIN TRANSACTION").map_err(|e| e.wrap(format!("{OP}: begin import transaction")))?;
    let outcome = steps(conn, data_dir, lines).and_then(|t| {
        conn.execute_batch("COMMIT").map(|_| t).map_err(|e| e.wrap(format!("{OP}: commit import transaction")))
    });
    if outcome.is_err() {
        // A failed COMMIT has already ended the transaction; either way the
        // rollback's own error adds nothing.
        let _ = conn.execute_batch("ROLLBACK");
    }
    outcome
}

fn write_lines(out: &mut dyn Write, lines: &[String]) {
    for line in lines {
        let _ = writeln!(out, "{line}");
    }
}

impl DuckDb {
    /// Imports the LEM data under `config.data_dir` (go-store `ImportAll`),
    /// printing go-store's progress lines and summary to `out`; see the
    /// module documentation for the order, the tables and the fixes.
    ///
    /// Errors: `store.ImportAll: …` with go-store's stages, e.g.
    /// `store.ImportAll: import training file <path>: store.importTrainingFile:
    /// parse <path> line 2: …`. After an error every table is as before.
    pub fn import_all(&self, config: &mut ImportConfig<'_>, out: &mut dyn Write) -> Result<ImportTotals> {
        if self.is_read_only() {
            return Err(Error::new(ErrorKind::InvalidArgument, format!("{OP}: database {} is read-only", self.path())));
        }
        let host = if config.m3_host.is_empty() { DEFAULT_M3_HOST.to_string() } else { config.m3_host.clone() };
        pull::pull(config, &host, &mut |line| write_lines(out, &[line]))?;
        let mut lines = Vec::new();
        let totals = self.with_conn(OP, |conn| in_transaction(conn, &config.data_dir, &mut lines))?;
        write_lines(out, &lines);
        write_lines(out, &totals.summary(self.path()));
        Ok(totals)
    }
}

#[cfg(test)]
mod tests;
