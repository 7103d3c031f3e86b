//! Training JSONL to Parquet (go-store `ExportParquet(trainingDir, outputDir)`
//! and `ExportSplitParquet(jsonlPath, outputDir, split)`, which go-store
//! ships as stubs that always fail).
//!
//! Input: one chat per line, `{"messages":[{"role":"system","content":..},
//! {"role":"user",..},{"role":"assistant",..},...]}`; blank lines are skipped.
//! Output: `<outputDir>/<split>.parquet` with go-store's `ParquetRow`
//! columns, all VARCHAR: `prompt` (the first user message), `response` (the
//! first assistant message), `system` (the first system message, or empty)
//! and `messages` (the whole conversation as JSON, encoded like Go's
//! `encoding/json`: `[{"role":..,"content":..}]`). A malformed line fails the
//! export with its line number, and nothing is written.

use super::analytics::{DuckDb, DUCKDB_MEMORY};
use super::parquet::ParquetCompression;
use super::raw::Appender;
use crate::{Error, ErrorKind, Result};
use std::fs;
use std::io::{BufRead, BufReader};
use std::path::Path;

/// The split files `export_training_parquet` looks for, in order.
pub const TRAINING_SPLITS: [&str; 3] = ["train", "valid", "test"];

/// One chat message (go-store `ChatMessage`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatMessage {
    pub role: String,
    pub content: String,
}

/// One output row (go-store `ParquetRow`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParquetRow {
    pub prompt: String,
    pub response: String,
    pub system: String,
    pub messages: String,
}

/// JSON text the way Go's `encoding/json` writes it: `<`, `>`, `&`, U+2028
/// and U+2029 escaped. Safe as a byte-level rewrite because these characters
/// can only occur inside JSON strings.
fn go_json(text: String) -> String {
    if !text.contains(['<', '>', '&', '\u{2028}', '\u{2029}']) {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 16);
    for ch in text.chars() {
        match ch {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// Parses one JSONL line into a row; `where_` names the line in errors.
pub fn parse_training_line(line: &str, where_: &str) -> Result<ParquetRow> {
    let bad = |m: String| Error::invalid(format!("{where_}: {m}"));
    let value: serde_json::Value = serde_json::from_str(line).map_err(|e| bad(format!("invalid JSON: {e}")))?;
    let list = value
        .get("messages")
        .and_then(|m| m.as_array())
        .ok_or_else(|| bad("expected an object with a \"messages\" array".into()))?;
    let mut messages = Vec::with_capacity(list.len());
    for (i, m) in list.iter().enumerate() {
        let field = |name: &str| match m.get(name) {
            Some(serde_json::Value::String(s)) => Ok(s.clone()),
            None | Some(serde_json::Value::Null) => Ok(String::new()),
            Some(_) => Err(bad(format!("message {}: \"{name}\" is not a string", i + 1))),
        };
        if !m.is_object() {
            return Err(bad(format!("message {} is not an object", i + 1)));
        }
        messages.push(ChatMessage { role: field("role")?, content: field("content")? });
    }
    let first = |role: &str| messages.iter().find(|m| m.role == role).map(|m| m.content.clone()).unwrap_or_default();
    let encoded: Vec<serde_json::Value> = messages
        .iter()
        .map(|m| {
            let mut o = serde_json::Map::new();
            o.insert("role".into(), m.role.clone().into());
            o.insert("content".into(), m.content.clone().into());
            serde_json::Value::Object(o)
        })
        .collect();
    Ok(ParquetRow {
        prompt: first("user"),
        response: first("assistant"),
        system: first("system"),
        messages: go_json(serde_json::to_string(&encoded).unwrap_or_default()),
    })
}

fn read_rows(jsonl: &Path) -> Result<Vec<ParquetRow>> {
    let file = fs::File::open(jsonl).map_err(|e| Error::new(ErrorKind::Io, format!("open {}: {e}", jsonl.display())))?;
    let mut rows = Vec::new();
    for (n, line) in BufReader::new(file).lines().enumerate() {
        let line = line.map_err(|e| Error::new(ErrorKind::Io, format!("read {}:{}: {e}", jsonl.display(), n + 1)))?;
        if line.trim().is_empty() {
            continue;
        }
        rows.push(parse_training_line(&line, &format!("{}:{}", jsonl.display(), n + 1))?);
    }
    Ok(rows)
}

/// Writes `rows` to `<output_dir>/<split>.parquet` through a private
/// in-memory DuckDB.
fn write_split(rows: &[ParquetRow], output_dir: &Path, split: &str) -> Result<u64> {
    let db = DuckDb::open_read_write(DUCKDB_MEMORY)?;
    db.exec("CREATE TABLE parquet_rows (prompt VARCHAR, response VARCHAR, system VARCHAR, messages VARCHAR)", &[])?;
    db.with_conn("append", |conn| {
        let mut app = Appender::new(conn, "parquet_rows")?;
        for r in rows {
            app.row(&[&r.prompt, &r.response, &r.system, &r.messages])?;
        }
        app.close()
    })?;
    db.export_parquet_with("parquet_rows", output_dir.join(format!("{split}.parquet")), ParquetCompression::Zstd)
}

fn check_split(split: &str) -> Result<()> {
    if split.is_empty() || split.contains(['/', '\\', '\0']) || split == "." || split == ".." {
        return Err(Error::invalid(format!("split name {split:?} is not a plain file name")));
    }
    Ok(())
}

fn ensure_dir(dir: &Path) -> Result<()> {
    if dir.as_os_str().is_empty() {
        return Err(Error::invalid("output directory is empty"));
    }
    fs::create_dir_all(dir).map_err(|e| Error::new(ErrorKind::Io, format!("create {}: {e}", dir.display())))
}

/// Converts one JSONL file to `<output_dir>/<split>.parquet`; returns the
/// rows written (go-store `ExportSplitParquet`).
pub fn export_training_split_parquet(jsonl_path: impl AsRef<Path>, output_dir: impl AsRef<Path>, split: &str) -> Result<u64> {
    const OP: &str = "store.ExportSplitParquet";
    let (jsonl, out) = (jsonl_path.as_ref(), output_dir.as_ref());
    (|| {
        check_split(split)?;
        let rows = read_rows(jsonl)?;
        ensure_dir(out)?;
        write_split(&rows, out, split)
    })()
    .map_err(|e| e.wrap(OP))
}

/// Converts `train.jsonl`, `valid.jsonl` and `test.jsonl` found in
/// `training_dir` to `<output_dir>/<split>.parquet`; returns the rows
/// written in total (go-store `ExportParquet`). At least one must exist;
/// every file is parsed before anything is written.
pub fn export_training_parquet(training_dir: impl AsRef<Path>, output_dir: impl AsRef<Path>) -> Result<u64> {
    const OP: &str = "store.ExportParquet";
    let (dir, out) = (training_dir.as_ref(), output_dir.as_ref());
    (|| {
        if !dir.is_dir() {
            return Err(Error::new(ErrorKind::Io, format!("training directory {} does not exist", dir.display())));
        }
        let mut splits = Vec::new();
        for split in TRAINING_SPLITS {
            let path = dir.join(format!("{split}.jsonl"));
            if path.is_file() {
                splits.push((split, read_rows(&path)?));
            }
        }
        if splits.is_empty() {
            return Err(Error::invalid(format!("no train.jsonl, valid.jsonl or test.jsonl in {}", dir.display())));
        }
        ensure_dir(out)?;
        let mut total = 0;
        for (split, rows) in &splits {
            total += write_split(rows, out, split)?;
        }
        Ok(total)
    })()
    .map_err(|e| e.wrap(OP))
}
