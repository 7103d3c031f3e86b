//! go-store's canonical analytics tables and helpers (contract §9.2–9.3):
//! the scoring tables, table counts, the golden set and expansion prompts.

use super::analytics::DuckDb;
use super::params::DuckParam;
use crate::{Error, ErrorKind, Result};
use serde_json::Value;
use std::collections::BTreeMap;

/// go-store `TableCheckpointScores`.
pub const TABLE_CHECKPOINT_SCORES: &str = "checkpoint_scores";
/// go-store `TableProbeResults`.
pub const TABLE_PROBE_RESULTS: &str = "probe_results";
/// The table `write_scoring_result` fills.
pub const TABLE_SCORING_RESULTS: &str = "scoring_results";

/// The tables `table_counts` reports, in go-store's order.
pub const COUNTED_TABLES: [&str; 12] = [
    "golden_set",
    "expansion_prompts",
    "seeds",
    "prompts",
    "training_examples",
    "gemini_responses",
    "benchmark_questions",
    "benchmark_results",
    "validations",
    "checkpoint_scores",
    "probe_results",
    "scoring_results",
];

const SCORING_TABLES: &str = "
CREATE TABLE IF NOT EXISTS checkpoint_scores (
    model TEXT, run_id TEXT, label TEXT, iteration INTEGER, correct INTEGER, total INTEGER,
    accuracy DOUBLE, scored_at TIMESTAMP DEFAULT current_timestamp, PRIMARY KEY (run_id, label));
CREATE TABLE IF NOT EXISTS probe_results (
    model TEXT, run_id TEXT, label TEXT, probe_id TEXT, passed BOOLEAN, response TEXT,
    iteration INTEGER, scored_at TIMESTAMP DEFAULT current_timestamp, PRIMARY KEY (run_id, label, probe_id));
CREATE TABLE IF NOT EXISTS scoring_results (
    model TEXT, prompt_id TEXT, suite TEXT, dimension TEXT, score DOUBLE,
    scored_at TIMESTAMP DEFAULT current_timestamp);
";

/// One `golden_set` row (go-store `GoldenSetRow`).
#[derive(Debug, Clone, PartialEq)]
pub struct GoldenSetRow {
    pub idx: i64,
    pub seed_id: String,
    pub domain: String,
    pub voice: String,
    pub prompt: String,
    pub response: String,
    pub gen_time: f64,
    pub char_count: i64,
}

/// One `expansion_prompts` row (go-store `ExpansionPromptRow`).
#[derive(Debug, Clone, PartialEq)]
pub struct ExpansionPromptRow {
    pub idx: i64,
    pub seed_id: String,
    pub region: String,
    pub domain: String,
    pub language: String,
    pub prompt: String,
    pub prompt_en: String,
    pub priority: i64,
    pub status: String,
}

/// Reads one column of a decoded row; NULLs and wrong types are errors
/// naming the table and column, as go-store's scan errors do.
struct Cells<'a> {
    table: &'static str,
    names: &'a [&'static str],
    row: &'a [Value],
}

impl Cells<'_> {
    fn get(&self, i: usize) -> Result<&Value> {
        match self.row.get(i) {
            Some(Value::Null) | None => Err(Error::new(
                ErrorKind::Query,
                format!("scan {} row: column {} is NULL", self.table, self.names[i]),
            )),
            Some(v) => Ok(v),
        }
    }
    fn text(&self, i: usize) -> Result<String> {
        match self.get(i)? {
            Value::String(s) => Ok(s.clone()),
            other => Ok(other.to_string()),
        }
    }
    fn int(&self, i: usize) -> Result<i64> {
        let v = self.get(i)?;
        v.as_i64().or_else(|| v.as_f64().map(|f| f as i64)).ok_or_else(|| {
            Error::new(ErrorKind::Query, format!("scan {} row: column {} is not a number", self.table, self.names[i]))
        })
    }
    fn float(&self, i: usize) -> Result<f64> {
        self.get(i)?.as_f64().ok_or_else(|| {
            Error::new(ErrorKind::Query, format!("scan {} row: column {} is not a number", self.table, self.names[i]))
        })
    }
}

const GOLDEN_COLUMNS: [&str; 8] = ["idx", "seed_id", "domain", "voice", "prompt", "response", "gen_time", "char_count"];
const EXPANSION_COLUMNS: [&str; 9] =
    ["idx", "seed_id", "region", "domain", "language", "prompt", "prompt_en", "priority", "status"];

impl DuckDb {
    /// Creates `checkpoint_scores`, `probe_results` and `scoring_results`
    /// when missing (go-store `EnsureScoringTables`).
    pub fn ensure_scoring_tables(&self) -> Result<()> {
        self.exec(SCORING_TABLES, &[]).map(|_| ()).map_err(|e| rename_op(e, "EnsureScoringTables"))
    }

    /// Inserts one `scoring_results` row, stamped now (go-store `WriteScoringResult`).
    pub fn write_scoring_result(&self, model: &str, prompt_id: &str, suite: &str, dimension: &str, score: f64) -> Result<()> {
        self.exec(
            "INSERT INTO scoring_results (model, prompt_id, suite, dimension, score) VALUES (?, ?, ?, ?, ?)",
            &[model.into(), prompt_id.into(), suite.into(), dimension.into(), score.into()],
        )
        .map(|_| ())
        .map_err(|e| rename_op(e, "WriteScoringResult"))
    }

    /// Row counts of go-store's known tables; tables that cannot be counted
    /// (missing) are left out (go-store `TableCounts`).
    pub fn table_counts(&self) -> Result<BTreeMap<String, i64>> {
        let mut counts = BTreeMap::new();
        for table in COUNTED_TABLES {
            match self.query_scalar(&format!("SELECT COUNT(*) FROM {table}"), &[]) {
                Ok(v) => {
                    counts.insert(table.to_string(), v.as_i64().unwrap_or(0));
                }
                Err(e) if e.kind() == ErrorKind::Closed => return Err(rename_op(e, "TableCounts")),
                Err(_) => {}
            }
        }
        Ok(counts)
    }

    /// `golden_set` rows with at least `min_chars` characters, by `idx`
    /// (go-store `QueryGoldenSet`).
    pub fn query_golden_set(&self, min_chars: i64) -> Result<Vec<GoldenSetRow>> {
        let rows = self
            .query_rows(
                "SELECT idx, seed_id, domain, voice, prompt, response, gen_time, char_count FROM golden_set \
                 WHERE char_count >= ? ORDER BY idx",
                &[min_chars.into()],
            )
            .map_err(|e| rename_op(e, "QueryGoldenSet").wrap_kind_text("query golden_set"))?;
        rows.rows
            .iter()
            .map(|row| {
                let c = Cells { table: "golden_set", names: &GOLDEN_COLUMNS, row };
                Ok(GoldenSetRow {
                    idx: c.int(0)?,
                    seed_id: c.text(1)?,
                    domain: c.text(2)?,
                    voice: c.text(3)?,
                    prompt: c.text(4)?,
                    response: c.text(5)?,
                    gen_time: c.float(6)?,
                    char_count: c.int(7)?,
                })
            })
            .collect::<Result<_>>()
            .map_err(|e| e.wrap("store.DuckDB.QueryGoldenSet"))
    }

    /// Rows in `golden_set` (go-store `CountGoldenSet`).
    pub fn count_golden_set(&self) -> Result<i64> {
        self.count("SELECT COUNT(*) FROM golden_set", &[], "CountGoldenSet", "count golden_set")
    }

    /// `expansion_prompts` rows, optionally of one `status`, by priority then
    /// idx, at most `limit` when positive (go-store `QueryExpansionPrompts`).
    pub fn query_expansion_prompts(&self, status: &str, limit: i64) -> Result<Vec<ExpansionPromptRow>> {
        let mut sql = String::from(
            "SELECT idx, seed_id, region, domain, language, prompt, prompt_en, priority, status FROM expansion_prompts",
        );
        let mut params: Vec<DuckParam> = Vec::new();
        if !status.is_empty() {
            sql.push_str(" WHERE status = ?");
            params.push(status.into());
        }
        sql.push_str(" ORDER BY priority, idx");
        if limit > 0 {
            sql.push_str(" LIMIT ?");
            params.push(limit.into());
        }
        let rows = self
            .query_rows(&sql, &params)
            .map_err(|e| rename_op(e, "QueryExpansionPrompts").wrap_kind_text("query expansion_prompts"))?;
        rows.rows
            .iter()
            .map(|row| {
                let c = Cells { table: "expansion_prompts", names: &EXPANSION_COLUMNS, row };
                Ok(ExpansionPromptRow {
                    idx: c.int(0)?,
                    seed_id: c.text(1)?,
                    region: c.text(2)?,
                    domain: c.text(3)?,
                    language: c.text(4)?,
                    prompt: c.text(5)?,
                    prompt_en: c.text(6)?,
                    priority: c.int(7)?,
                    status: c.text(8)?,
                })
            })
            .collect::<Result<_>>()
            .map_err(|e| e.wrap("store.DuckDB.QueryExpansionPrompts"))
    }

    /// (total, pending) rows of `expansion_prompts` (go-store `CountExpansionPrompts`).
    pub fn count_expansion_prompts(&self) -> Result<(i64, i64)> {
        let total = self.count("SELECT COUNT(*) FROM expansion_prompts", &[], "CountExpansionPrompts", "count expansion_prompts")?;
        let pending = self.count(
            "SELECT COUNT(*) FROM expansion_prompts WHERE status = 'pending'",
            &[],
            "CountExpansionPrompts",
            "count pending expansion_prompts",
        )?;
        Ok((total, pending))
    }

    /// Sets one prompt's status; no matching row is not an error (go-store
    /// `UpdateExpansionStatus`).
    pub fn update_expansion_status(&self, idx: i64, status: &str) -> Result<()> {
        self.exec("UPDATE expansion_prompts SET status = ? WHERE idx = ?", &[status.into(), idx.into()])
            .map(|_| ())
            .map_err(|e| rename_op(e, "UpdateExpansionStatus").wrap_kind_text(&format!("update expansion_prompt {idx}")))
    }

    fn count(&self, sql: &str, params: &[DuckParam], method: &str, stage: &str) -> Result<i64> {
        let v = self.query_scalar(sql, params).map_err(|e| rename_op(e, method).wrap_kind_text(stage))?;
        v.as_i64().ok_or_else(|| Error::new(ErrorKind::Internal, format!("store.DuckDB.{method}: {stage}: not an integer")))
    }
}

/// Replaces the generic operation (`store.DuckDB.Exec: execute query: ...`)
/// with the helper's own name, keeping DuckDB's message.
fn rename_op(e: Error, method: &str) -> Error {
    let text = e.message();
    let cause = ["store.DuckDB.Exec: execute query: ", "store.DuckDB.QueryRows: query: ", "store.DuckDB.QueryRowScan: query: "]
        .iter()
        .find_map(|p| text.strip_prefix(p))
        .or_else(|| text.split_once(": ").map(|(_, rest)| rest))
        .unwrap_or(text);
    Error::new(e.kind(), format!("store.DuckDB.{method}: {cause}"))
}

trait StageText {
    fn wrap_kind_text(self, stage: &str) -> Error;
}

impl StageText for Error {
    /// Inserts `stage` after the operation: `op: stage: cause`.
    fn wrap_kind_text(self, stage: &str) -> Error {
        if self.kind() == ErrorKind::Closed {
            return self;
        }
        match self.message().split_once(": ") {
            Some((op, rest)) => Error::new(self.kind(), format!("{op}: {stage}: {rest}")),
            None => self,
        }
    }
}
