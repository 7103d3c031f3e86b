//! go-store's `Export(workspace, medium, path)` (contract §12): the entries
//! as JSON lines or CSV, or the aggregate as one JSON object. Unlike
//! go-store, the file is published atomically: the whole content is built
//! first, written under a temporary name beside the target and renamed onto
//! it, so a failure never leaves a partial file and an existing file stays
//! untouched.

use super::csv;
use super::handle::Workspace;
use super::import::Format;
use crate::base::error::{Error, ErrorKind, Result};
use crate::journal::gojson::{self, Numbers};
use crate::media::Medium;
use serde_json::Value;
use std::sync::atomic::{AtomicU64, Ordering};

const OP: &str = "store.Export";

/// go-store's export query: every entry, oldest id first.
const ENTRIES_SQL: &str = "SELECT entry_kind, entry_data, created_at FROM workspace_entries ORDER BY entry_id";

/// Go's `path.Dir` for the cases an export path takes.
fn parent_dir(path: &str) -> &str {
    match path.rfind('/') {
        None => ".",
        Some(i) => {
            let dir = path[..i].trim_end_matches('/');
            if dir.is_empty() {
                "/"
            } else {
                dir
            }
        }
    }
}

/// A name beside `path` that no other export of this process uses.
fn temp_name(path: &str) -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    format!("{path}.tmp-{}-{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed))
}

fn io_error(stage: impl std::fmt::Display, e: std::io::Error) -> Error {
    Error::new(ErrorKind::Io, format!("{OP}: {stage}: {e}"))
}

impl Workspace {
    /// Writes the workspace to `path` on `medium` (go-store `Export`). By
    /// the lower-cased last extension: `.jsonl`/`.ndjson` give one line per
    /// entry in id order (`{"created_at":…,"entry_data":"<JSON text>","entry_kind":…}`),
    /// `.csv` the header `entry_kind,entry_data,created_at` and one row per
    /// entry, anything else the aggregate `{"kind":count,…}`.
    ///
    /// The parent directory is ensured first (as go-store does, even when
    /// the export then fails). The content is written to a temporary name
    /// beside `path` and renamed onto it: on failure no partial file exists
    /// and a previous file at `path` is unchanged.
    pub fn export(&self, medium: &dyn Medium, path: &str) -> Result<()> {
        if path.is_empty() {
            return Err(Error::invalid(format!("{OP}: path is empty")));
        }
        let dir = parent_dir(path);
        if !matches!(dir, "" | "." | "/") {
            medium
                .ensure_dir(dir)
                .map_err(|e| io_error("ensure directory", e))?;
        }
        let format = Format::for_export(path);
        let content = match format {
            Format::Json => self.aggregate_text()?,
            Format::JsonLines | Format::Csv => self.entries_text(format)?,
        };
        let stage = format!("write {}", format.word());
        let temp = temp_name(path);
        if let Err(e) = medium.write(&temp, content.as_bytes()) {
            let _ = medium.delete(&temp);
            return Err(io_error(stage, e));
        }
        if let Err(e) = medium.rename(&temp, path) {
            let _ = medium.delete(&temp);
            return Err(io_error(format_args!("{stage}: rename {temp} to {path}"), e));
        }
        Ok(())
    }

    /// The aggregate as Go's JSON; a closed workspace is an error here
    /// (`aggregate()` would answer `{}`).
    fn aggregate_text(&self) -> Result<String> {
        let map = self
            .with_db("Aggregate", |db| db.aggregate())
            .map_err(|e| e.wrap(format_args!("{OP}: aggregate workspace")))?;
        let mut text = String::new();
        gojson::write_map(&mut text, &map, Numbers::AsGiven);
        Ok(text)
    }

    /// Every entry, in id order, as JSON lines or CSV.
    fn entries_text(&self, format: Format) -> Result<String> {
        let rows = self
            .with_db("Query", |db| db.query_rows(ENTRIES_SQL))
            .map_err(|e| e.wrap(format_args!("{OP}: query workspace")))?;
        let mut out = String::new();
        if format == Format::Csv {
            out.push_str("entry_kind,entry_data,created_at\n");
        }
        for row in &rows.rows {
            let [Value::String(kind), Value::String(data), created] = row.as_slice() else {
                return Err(Error::new(ErrorKind::Internal, format!("{OP}: query workspace: unexpected row shape")));
            };
            let created = created.as_i64().unwrap_or_default();
            if format == Format::Csv {
                csv::write_field(&mut out, kind);
                out.push(',');
                csv::write_field(&mut out, data);
                out.push(',');
                out.push_str(&created.to_string());
            } else {
                // Keys in Go's sorted order.
                out.push_str("{\"created_at\":");
                out.push_str(&created.to_string());
                out.push_str(",\"entry_data\":");
                gojson::write_str(&mut out, data);
                out.push_str(",\"entry_kind\":");
                gojson::write_str(&mut out, kind);
                out.push('}');
            }
            out.push('\n');
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parent_dirs_like_go() {
        assert_eq!(parent_dir("report.json"), ".");
        assert_eq!(parent_dir("/report.json"), "/");
        assert_eq!(parent_dir("out/report.json"), "out");
        assert_eq!(parent_dir("a/b//c.csv"), "a/b");
        assert!(temp_name("x.json").starts_with("x.json.tmp-"));
        assert_ne!(temp_name("x"), temp_name("x"));
    }
}
