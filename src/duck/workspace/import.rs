//! go-store's `Import(workspace, medium, path)` (contract §12): a JSON
//! lines, JSON or CSV file on a medium becomes workspace entries whose kind
//! is the file's base name. Unlike go-store, an import is all or nothing:
//! the whole file is parsed and checked first, then every record goes in
//! one DuckDB transaction, so a bad line 3 leaves the workspace as it was.

use super::csv;
use super::handle::Workspace;
use crate::base::clock::now_ms;
use crate::base::error::{Error, ErrorKind, Result};
use crate::journal::gojson::{self, Numbers};
use crate::media::Medium;
use serde_json::{Map, Value};

const OP: &str = "store.Import";

/// How a file's content is read, from its lower-cased last extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    /// `.jsonl`, `.ndjson`, and anything unknown or absent (import);
    /// `.jsonl`/`.ndjson` only (export).
    JsonLines,
    /// `.csv`.
    Csv,
    /// `.json` (import); anything else (export: the aggregate).
    Json,
}

impl Format {
    /// The format an import reads for `path`.
    pub(crate) fn for_import(path: &str) -> Format {
        match extension(path).as_str() {
            ".csv" => Format::Csv,
            ".json" => Format::Json,
            _ => Format::JsonLines,
        }
    }

    /// The format an export writes for `path`.
    pub(crate) fn for_export(path: &str) -> Format {
        match extension(path).as_str() {
            ".jsonl" | ".ndjson" => Format::JsonLines,
            ".csv" => Format::Csv,
            _ => Format::Json,
        }
    }

    /// The word go-store's messages use (`parse jsonl line`, `write csv`).
    pub(crate) fn word(self) -> &'static str {
        match self {
            Format::JsonLines => "jsonl",
            Format::Csv => "csv",
            Format::Json => "json",
        }
    }
}

/// Go's `path.Base`: the last element, trailing slashes ignored.
fn base_name(path: &str) -> &str {
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        return if path.is_empty() { "." } else { "/" };
    }
    trimmed.rsplit('/').next().unwrap_or(trimmed)
}

/// The base name's last extension, dot included, lower-cased (`""` if none).
pub(crate) fn extension(path: &str) -> String {
    let base = base_name(path);
    base.rfind('.').map_or(String::new(), |i| base[i..].to_ascii_lowercase())
}

/// The entry kind: the base name without its last extension, `entry` when
/// that leaves nothing (`data.jsonl` → `data`, `.jsonl` → `entry`).
pub(crate) fn entry_kind(path: &str) -> String {
    let base = base_name(path);
    let stem = base.rfind('.').map_or(base, |i| &base[..i]);
    if stem.is_empty() {
        "entry".to_string()
    } else {
        stem.to_string()
    }
}

fn invalid(message: impl std::fmt::Display) -> Error {
    Error::invalid(format!("{OP}: {message}"))
}

/// Each record of `content` as the JSON text go-store's `Put` would store
/// (numbers as float64, Go's escapes). Nothing is inserted here: any error
/// means the file as a whole is refused.
pub(crate) fn parse_records(format: Format, content: &str) -> Result<Vec<String>> {
    match format {
        Format::JsonLines => json_lines(content),
        Format::Csv => csv_records(content),
        Format::Json => json_document(content),
    }
}

fn record_text(record: &Map<String, Value>) -> String {
    let mut text = String::new();
    gojson::write_map(&mut text, record, Numbers::Float64);
    text
}

fn json_lines(content: &str) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for (index, raw) in content.split('\n').enumerate() {
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        // Go decodes `null` into the empty map it started with.
        let record = match serde_json::from_str::<Option<Map<String, Value>>>(line) {
            Ok(record) => record.unwrap_or_default(),
            Err(e) => return Err(invalid(format_args!("parse jsonl line {}: {e}", index + 1))),
        };
        out.push(record_text(&record));
    }
    Ok(out)
}

fn json_document(content: &str) -> Result<Vec<String>> {
    let trimmed = content.trim();
    if trimmed.is_empty() {
        return Ok(Vec::new());
    }
    let top: Value = serde_json::from_str(trimmed).map_err(|e| invalid(format_args!("parse json: {e}")))?;
    let mut out = Vec::new();
    collect(&top, &mut out)?;
    Ok(out)
}

/// go-store's shapes: an array of objects; an object holding such an array
/// under `entries`, else `records`, else `data`; any other object is one
/// record; anything else is refused.
fn collect(value: &Value, out: &mut Vec<String>) -> Result<()> {
    match value {
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                let Value::Object(record) = item else {
                    return Err(invalid(format_args!("json array element is not an object at index {index}")));
                };
                out.push(record_text(record));
            }
            Ok(())
        }
        Value::Object(map) => {
            match ["entries", "records", "data"].iter().find_map(|k| map.get(*k).filter(|v| v.is_array())) {
                Some(nested) => collect(nested, out),
                None => {
                    out.push(record_text(map));
                    Ok(())
                }
            }
        }
        _ => Err(invalid("unsupported json shape")),
    }
}

fn csv_records(content: &str) -> Result<Vec<String>> {
    let rows = csv::parse(content).map_err(|e| invalid(format_args!("parse csv: {e}")))?;
    let mut rows = rows.into_iter();
    let Some(header) = rows.next() else {
        return Ok(Vec::new());
    };
    Ok(rows
        .map(|cells| {
            // Missing trailing cells are "", extra ones dropped; a repeated
            // header keeps its last column's value.
            let mut record = Map::new();
            for (i, name) in header.iter().enumerate() {
                record.insert(name.clone(), Value::String(cells.get(i).cloned().unwrap_or_default()));
            }
            record_text(&record)
        })
        .collect())
}

impl Workspace {
    /// Reads `path` from `medium` and adds one entry per record (go-store
    /// `Import`), all or nothing: a parse error anywhere, or a failed
    /// insert, leaves the workspace as it was. Returns the number of entries
    /// added. Entries buffered by earlier `put`s are written first and kept
    /// whatever happens to the import.
    ///
    /// The format follows the lower-cased last extension: `.csv` (first row
    /// is the header, every value a string), `.json` (an array of objects,
    /// or an object holding one under `entries`/`records`/`data`, or one
    /// object), anything else JSON lines (one object per non-blank line).
    /// The entry kind is the base name without that extension.
    pub fn import(&self, medium: &dyn Medium, path: &str) -> Result<usize> {
        if path.is_empty() {
            return Err(invalid("path is empty"));
        }
        let bytes = medium
            .read(path)
            .map_err(|e| Error::new(ErrorKind::Io, format!("{OP}: read from medium: {e}")))?;
        let content = String::from_utf8_lossy(&bytes);
        let format = Format::for_import(path);
        let records = parse_records(format, &content)?;
        if records.is_empty() {
            return Ok(0);
        }
        let kind = entry_kind(path);
        self.insert_all(&kind, &records, now_ms())
            .map_err(|e| e.wrap(format_args!("{OP}: put {} record", format.word())))?;
        Ok(records.len())
    }
}

impl Workspace {
    /// Adds `records` in one transaction (go-store's `Put` for each).
    fn insert_all(&self, kind: &str, records: &[String], created_at: i64) -> Result<()> {
        self.with_db("Put", |db| db.insert_all(kind, records, created_at).map_err(|e| e.wrap("insert entry")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_extensions() {
        assert_eq!(entry_kind("data.jsonl"), "data");
        assert_eq!(entry_kind("dir/users.JSON"), "users");
        assert_eq!(entry_kind(".jsonl"), "entry");
        assert_eq!(entry_kind("a.b.csv"), "a.b");
        assert_eq!(entry_kind("noext"), "noext");
        assert_eq!(extension("x/Report.CSV"), ".csv");
        assert_eq!(extension("x.d/noext"), "");
        assert_eq!(Format::for_import("x.ndjson"), Format::JsonLines);
        assert_eq!(Format::for_import("x.txt"), Format::JsonLines);
        assert_eq!(Format::for_export("x.txt"), Format::Json);
        assert_eq!(Format::for_export("x.NDJSON"), Format::JsonLines);
    }
}
