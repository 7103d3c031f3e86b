//! One archive line (contract §8.2): the row as a JSON object with sorted
//! keys `bucket`, `committed_at`, `fields`, `measurement`, `tags`, written as
//! go-store writes it (fields decoded into `map[string]any`, so every number
//! is a float64, then marshalled again), followed by `\n`.

use crate::base::error::{Error, ErrorKind, Result};
use crate::journal::canonical::{is_canonical, Shape};
use crate::journal::gojson::{self, Numbers};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Appends the line for one journal row to `out`.
pub(crate) fn write_line(
    out: &mut String,
    bucket: &str,
    measurement: &str,
    fields_json: &str,
    tags_json: &str,
    committed_at: i64,
) -> Result<()> {
    // Rows written by this library or go-store are already in Go's form.
    if is_canonical(fields_json, Shape::Object) && is_canonical(tags_json, Shape::StringObject) {
        out.push_str("{\"bucket\":");
        gojson::write_str(out, bucket);
        let _ = write!(out, ",\"committed_at\":{committed_at},\"fields\":{fields_json},\"measurement\":");
        gojson::write_str(out, measurement);
        let _ = writeln!(out, ",\"tags\":{tags_json}}}");
        return Ok(());
    }
    let fields: Value = serde_json::from_str(fields_json).map_err(|e| corrupt("unmarshal fields", e))?;
    if !matches!(fields, Value::Object(_) | Value::Null) {
        return Err(corrupt("unmarshal fields", "stored fields_json is not a JSON object"));
    }
    let tags: Option<BTreeMap<String, String>> =
        serde_json::from_str(tags_json).map_err(|e| corrupt("unmarshal tags", e))?;
    out.push_str("{\"bucket\":");
    gojson::write_str(out, bucket);
    let _ = write!(out, ",\"committed_at\":{committed_at},\"fields\":");
    gojson::write_value(out, &fields, Numbers::Float64);
    out.push_str(",\"measurement\":");
    gojson::write_str(out, measurement);
    out.push_str(",\"tags\":");
    match tags {
        None => out.push_str("null"),
        Some(tags) => {
            out.push('{');
            for (i, (k, v)) in tags.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                gojson::write_str(out, k);
                out.push(':');
                gojson::write_str(out, v);
            }
            out.push('}');
        }
    }
    out.push_str("}\n");
    Ok(())
}

fn corrupt(stage: &str, cause: impl std::fmt::Display) -> Error {
    Error::new(ErrorKind::Corrupt, format!("{stage}: {cause}"))
}
