//! Journal rows as InfluxDB line protocol, so they can be written to
//! InfluxDB or Telegraf.
//!
//! A row is a JSON object in either of the journal's shapes: a query row
//! (`measurement`, `fields_json` or `fields`, `tags_json` or `tags`,
//! `committed_at`, …) or an archive line (`bucket`, `measurement`, `fields`,
//! `tags`, `committed_at`). Each becomes one line:
//!
//! ```text
//! measurement,tag1=v1,tag2=v2 field1=1i,field2=2.5,field3="text",field4=true 1700000000000000000
//! ```
//!
//! Mapping: tags and fields sorted by key (bytewise, as InfluxDB prefers);
//! JSON integers get the `i` suffix (`u` above `i64::MAX`); other numbers
//! are floats; strings are quoted with `"` and `\` escaped; booleans are
//! `true`/`false`; nested arrays and objects become their compact JSON text
//! as a string field; `null` fields are left out (line protocol has no null);
//! tags with an empty value are left out (InfluxDB treats them as absent).
//! `committed_at` (Unix ms) becomes a nanosecond timestamp. The bucket is
//! not part of a line: it is where the lines are written to.
//!
//! What line protocol cannot carry is an error naming the row, never a
//! silently changed value: an empty measurement or key, control characters
//! (0x00–0x1F, 0x7F) in a measurement, key or tag value, a trailing
//! backslash there, a measurement starting with `#` (a comment line), a
//! row without any field, a timestamp out of range.

use crate::{Error, Result};
use serde_json::{Map, Value};
use std::io::{BufRead, Write};

const OP: &str = "store.ExportLineProtocol";

/// Converts a buffer of rows: a JSON array of row objects (a query result),
/// or JSON lines, one row object per line (an archive's content; blank
/// lines are skipped). Returns the lines, each ending in `\n`.
pub fn convert(input: &[u8]) -> Result<Vec<u8>> {
    let text = std::str::from_utf8(input).map_err(|e| Error::invalid(format!("{OP}: input is not UTF-8: {e}")))?;
    let mut out = Vec::with_capacity(input.len());
    if text.trim_start().starts_with('[') {
        let rows: Vec<Value> =
            serde_json::from_str(text).map_err(|e| Error::invalid(format!("{OP}: parse rows: {e}")))?;
        for (index, row) in rows.iter().enumerate() {
            append_row(&mut out, row).map_err(|e| e.wrap(format_args!("{OP}: row {index}")))?;
        }
    } else {
        convert_lines(text.as_bytes(), &mut out)?;
    }
    Ok(out)
}

/// Streams JSON lines (one row object per line) from `input` to `output` as
/// line protocol, holding one row at a time. Errors name the 1-based line.
pub fn convert_lines<R: BufRead, W: Write>(input: R, mut output: W) -> Result<()> {
    let mut line_out = Vec::new();
    for (index, line) in input.lines().enumerate() {
        let number = index + 1;
        let line = line.map_err(|e| Error::new(crate::ErrorKind::Io, format!("{OP}: read line {number}: {e}")))?;
        if line.trim().is_empty() {
            continue;
        }
        let row: Value =
            serde_json::from_str(&line).map_err(|e| Error::invalid(format!("{OP}: line {number}: parse row: {e}")))?;
        line_out.clear();
        append_row(&mut line_out, &row).map_err(|e| e.wrap(format_args!("{OP}: line {number}")))?;
        output
            .write_all(&line_out)
            .map_err(|e| Error::new(crate::ErrorKind::Io, format!("{OP}: write line {number}: {e}")))?;
    }
    Ok(())
}

/// Appends one row as a line (with its `\n`). On error nothing is appended.
pub fn append_row(out: &mut Vec<u8>, row: &Value) -> Result<()> {
    let start = out.len();
    let result = write_row(out, row);
    if result.is_err() {
        out.truncate(start);
    }
    result
}

fn write_row(out: &mut Vec<u8>, row: &Value) -> Result<()> {
    let row = row.as_object().ok_or_else(|| Error::invalid("row is not a JSON object"))?;
    let measurement = row
        .get("measurement")
        .and_then(Value::as_str)
        .ok_or_else(|| Error::invalid("measurement is missing or not a string"))?;
    check_name(measurement, "measurement")?;
    if measurement.starts_with('#') {
        return Err(Error::invalid(format!(
            "measurement {measurement:?} starts with #, which line protocol reads as a comment"
        )));
    }
    escape_into(out, measurement, b", ");

    let tags = object_member(row, "tags", "tags_json")?;
    let mut tag_list: Vec<(&String, &str)> = Vec::with_capacity(tags.as_ref().map_or(0, |t| t.len()));
    if let Some(tags) = &tags {
        for (key, value) in tags.iter() {
            let value = value.as_str().ok_or_else(|| Error::invalid(format!("tag {key:?} is not a string")))?;
            if value.is_empty() {
                continue;
            }
            check_name(key, "tag key")?;
            check_name(value, &format!("value of tag {key:?}"))?;
            tag_list.push((key, value));
        }
    }
    tag_list.sort_unstable_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    for (key, value) in tag_list {
        out.push(b',');
        escape_into(out, key, b",= ");
        out.push(b'=');
        escape_into(out, value, b",= ");
    }

    let fields = object_member(row, "fields", "fields_json")?.ok_or_else(|| Error::invalid("fields are missing"))?;
    let mut field_list: Vec<(&String, &Value)> = fields.iter().filter(|(_, v)| !v.is_null()).collect();
    if field_list.is_empty() {
        return Err(Error::invalid("row has no field (line protocol needs at least one)"));
    }
    field_list.sort_unstable_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    for (index, (key, value)) in field_list.into_iter().enumerate() {
        check_name(key, "field key")?;
        out.push(if index == 0 { b' ' } else { b',' });
        escape_into(out, key, b",= ");
        out.push(b'=');
        write_field_value(out, value);
    }

    if let Some(ms) = row.get("committed_at").filter(|v| !v.is_null()) {
        let ms = timestamp_ms(ms)?;
        let ns = ms.checked_mul(1_000_000).ok_or_else(|| {
            Error::invalid(format!("committed_at {ms} is out of range for a nanosecond timestamp"))
        })?;
        out.push(b' ');
        out.extend_from_slice(ns.to_string().as_bytes());
    }
    out.push(b'\n');
    Ok(())
}

/// The JSON text under `encoded` parsed (the stored text, exact even for
/// integers beyond 2^53 that a decoded copy may have rounded), else the
/// object under `decoded`. `Cow` keeps the decoded case free of copies.
fn object_member<'a>(
    row: &'a Map<String, Value>,
    decoded: &str,
    encoded: &str,
) -> Result<Option<std::borrow::Cow<'a, Map<String, Value>>>> {
    use std::borrow::Cow;
    match row.get(encoded) {
        Some(Value::String(text)) => {
            return match serde_json::from_str::<Value>(text) {
                Ok(Value::Object(m)) => Ok(Some(Cow::Owned(m))),
                _ => Err(Error::invalid(format!("{encoded} does not hold a JSON object"))),
            }
        }
        Some(Value::Null) | None => {}
        Some(_) => return Err(Error::invalid(format!("{encoded} is not a string"))),
    }
    match row.get(decoded) {
        Some(Value::Object(m)) => Ok(Some(Cow::Borrowed(m))),
        Some(Value::Null) | None => Ok(None),
        Some(_) => Err(Error::invalid(format!("{decoded} is not a JSON object"))),
    }
}

fn timestamp_ms(v: &Value) -> Result<i64> {
    if let Some(i) = v.as_i64() {
        return Ok(i);
    }
    // Go decodes every JSON number as float64: accept whole floats.
    match v.as_f64() {
        Some(f) if f.fract() == 0.0 && f >= i64::MIN as f64 && f < i64::MAX as f64 => Ok(f as i64),
        _ => Err(Error::invalid(format!("committed_at {v} is not a whole number of milliseconds"))),
    }
}

/// What line protocol can carry as a measurement, key or tag value.
fn check_name(s: &str, what: &str) -> Result<()> {
    if s.is_empty() {
        return Err(Error::invalid(format!("{what} is empty")));
    }
    if let Some(b) = s.bytes().find(|&b| b < 0x20 || b == 0x7f) {
        return Err(Error::invalid(format!(
            "{what} {s:?} holds control character 0x{b:02x}, which line protocol cannot carry"
        )));
    }
    if s.ends_with('\\') {
        return Err(Error::invalid(format!(
            "{what} {s:?} ends with a backslash, which line protocol cannot carry"
        )));
    }
    Ok(())
}

fn escape_into(out: &mut Vec<u8>, s: &str, special: &[u8]) {
    for &b in s.as_bytes() {
        if special.contains(&b) {
            out.push(b'\\');
        }
        out.push(b);
    }
}

fn write_field_value(out: &mut Vec<u8>, value: &Value) {
    match value {
        Value::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                out.extend_from_slice(i.to_string().as_bytes());
                out.push(b'i');
            } else if let Some(u) = n.as_u64() {
                out.extend_from_slice(u.to_string().as_bytes());
                out.push(b'u');
            } else {
                // `{:?}` is the shortest text that parses back to the same
                // f64, with an exponent for very large or small values.
                let f = n.as_f64().unwrap_or(0.0);
                out.extend_from_slice(format!("{f:?}").as_bytes());
            }
        }
        Value::String(s) => write_string(out, s),
        Value::Array(_) | Value::Object(_) => write_string(out, &value.to_string()),
        Value::Null => unreachable!("null fields are filtered out"),
    }
}

fn write_string(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    escape_into(out, s, b"\\\"");
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn line(row: Value) -> String {
        let mut out = Vec::new();
        append_row(&mut out, &row).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn fails(row: Value, needle: &str) {
        let mut out = b"kept".to_vec();
        let e = append_row(&mut out, &row).unwrap_err();
        assert!(e.message().contains(needle), "{e}");
        assert_eq!(out, b"kept", "nothing appended on error");
    }

    #[test]
    fn query_row_shape() {
        let row = json!({
            "bucket_name": "events", "measurement": "cpu",
            "fields_json": "{\"like\":2,\"load\":0.5,\"ok\":true,\"note\":\"hi\"}",
            "tags_json": "{\"host\":\"a\"}", "committed_at": 1700000000123i64, "archived_at": null
        });
        assert_eq!(line(row), "cpu,host=a like=2i,load=0.5,note=\"hi\",ok=true 1700000000123000000\n");
    }

    #[test]
    fn archive_line_shape() {
        let row = json!({"bucket":"b","committed_at":5,"fields":{"v":1.0},"measurement":"m","tags":{}});
        assert_eq!(line(row), "m v=1.0 5000000\n");
    }

    #[test]
    fn stored_text_wins_over_decoded_copy() {
        // Go decodes numbers as float64: 2^53 + 1 survives only in the text.
        let row = json!({"measurement":"m","fields":{"v":9007199254740992.0},"fields_json":"{\"v\":9007199254740993}"});
        assert_eq!(line(row), "m v=9007199254740993i\n");
    }

    #[test]
    fn escaping_rules() {
        let row = json!({
            "measurement": "my meas,x=y",
            "tags": {"tag key,=": "va l,=ue", "b\\slash": "c:\\dir\\x"},
            "fields": {"f k=,": "say \"hi\" \\ bye\nnext"},
            "committed_at": 0
        });
        assert_eq!(
            line(row),
            "my\\ meas\\,x=y,b\\slash=c:\\dir\\x,tag\\ key\\,\\==va\\ l\\,\\=ue f\\ k\\=\\,=\"say \\\"hi\\\" \\\\ bye\nnext\" 0\n"
        );
    }

    #[test]
    fn numbers_and_composites() {
        let row = json!({"measurement":"m","fields":{"big": u64::MAX, "neg": -3, "tiny": 1e-300, "huge": 1e300,
            "arr": [1,"a"], "obj": {"k": null}, "gone": null}});
        // Parsed exactly (serde_json's float_roundtrip): no last-digit drift.
        let text = br#"[{"measurement":"m","fields":{"g":-1.5e-300}}]"#;
        assert_eq!(convert(text).unwrap(), b"m g=-1.5e-300\n");
        assert_eq!(
            line(row),
            "m arr=\"[1,\\\"a\\\"]\",big=18446744073709551615u,huge=1e300,neg=-3i,obj=\"{\\\"k\\\":null}\",tiny=1e-300\n"
        );
    }

    #[test]
    fn empty_tag_values_are_absent_and_tags_sorted() {
        let row = json!({"measurement":"m","tags":{"z":"1","a":"","b":"2"},"fields":{"f":false}});
        assert_eq!(line(row), "m,b=2,z=1 f=false\n");
    }

    #[test]
    fn float_timestamps_from_go() {
        assert_eq!(line(json!({"measurement":"m","fields":{"f":1},"committed_at":1.7e12})), "m f=1i 1700000000000000000\n");
        fails(json!({"measurement":"m","fields":{"f":1},"committed_at":1.5}), "whole number");
        fails(json!({"measurement":"m","fields":{"f":1},"committed_at":i64::MAX}), "out of range");
    }

    #[test]
    fn unrepresentable_rows_are_errors() {
        fails(json!([]), "not a JSON object");
        fails(json!({"fields":{"f":1}}), "measurement is missing");
        fails(json!({"measurement":"","fields":{"f":1}}), "measurement is empty");
        fails(json!({"measurement":"a\nb","fields":{"f":1}}), "control character 0x0a");
        fails(json!({"measurement":"m\\","fields":{"f":1}}), "ends with a backslash");
        fails(json!({"measurement":"#m","fields":{"f":1}}), "starts with #");
        fails(json!({"measurement":"m","fields":{}}), "no field");
        fails(json!({"measurement":"m","fields":{"x":null}}), "no field");
        fails(json!({"measurement":"m"}), "fields are missing");
        fails(json!({"measurement":"m","fields":{"":1}}), "field key is empty");
        fails(json!({"measurement":"m","fields":{"f":1},"tags":{"k":"\t"}}), "control character 0x09");
        fails(json!({"measurement":"m","fields":{"f":1},"tags":{"k":5}}), "tag \"k\" is not a string");
        fails(json!({"measurement":"m","fields_json":"[1]"}), "does not hold a JSON object");
        fails(json!({"measurement":"m","fields":"x"}), "fields is not a JSON object");
    }

    #[test]
    fn convert_array_and_lines() {
        let rows = br#"[{"measurement":"a","fields":{"x":1}},{"measurement":"b","fields":{"y":"z"},"committed_at":1}]"#;
        assert_eq!(convert(rows).unwrap(), b"a x=1i\nb y=\"z\" 1000000\n");
        let lines = b"{\"measurement\":\"a\",\"fields\":{\"x\":1}}\n\n{\"measurement\":\"b\",\"fields\":{\"x\":2}}\n";
        assert_eq!(convert(lines).unwrap(), b"a x=1i\nb x=2i\n");
        assert_eq!(convert(b"").unwrap(), b"");
        assert_eq!(convert(b"[]").unwrap(), b"");
        let e = convert(br#"[{"measurement":"a","fields":{"x":1}},{"measurement":"","fields":{"x":1}}]"#).unwrap_err();
        assert!(e.message().starts_with("store.ExportLineProtocol: row 1: measurement is empty"), "{e}");
        let e = convert(b"{\"measurement\":\"a\",\"fields\":{\"x\":1}}\nnot json\n").unwrap_err();
        assert!(e.message().starts_with("store.ExportLineProtocol: line 2: parse row"), "{e}");
        assert!(convert(b"[1,").unwrap_err().message().contains("parse rows"));
        assert!(convert(b"\xff").unwrap_err().message().contains("not UTF-8"));
    }
}
