//! QueryJournal: the empty query, the Flux subset, or one read-only SQL
//! statement; rows written straight from SQLite into one JSON array
//! (contract §6.3), so a result costs one buffer, not a map per row.

use super::flux;
use super::gojson;
use super::scan;
use crate::base::error::{Error, ErrorKind, Result, Stage};
use rusqlite::types::ValueRef;
use rusqlite::Connection;
use std::fmt::Write as _;

/// What a query text asks for.
pub(crate) enum Query {
    /// Every unarchived row, in commit order.
    All,
    /// SQL we generated, with parameters.
    Planned { sql: String, params: Vec<flux::SqlValue> },
    /// The caller's SQL, checked to be one read-only statement when prepared.
    Raw(String),
}

/// Classifies and compiles `text` (go-store's rule: surrounding whitespace
/// trimmed; SELECT/WITH/EXPLAIN/PRAGMA, in any case, is SQL; empty is every
/// unarchived row; anything else is Flux).
pub(crate) fn compile(text: &str, now_ms: i64) -> Result<Query> {
    let q = text.trim();
    if q.is_empty() {
        return Ok(Query::All);
    }
    let head: String = q.chars().take(7).collect::<String>().to_ascii_uppercase();
    if ["SELECT", "WITH", "EXPLAIN", "PRAGMA"].iter().any(|w| head.starts_with(w)) {
        if head.starts_with("PRAGMA") {
            check_pragma(q)?;
        }
        return Ok(Query::Raw(q.to_string()));
    }
    let word: String = q.chars().take_while(|c| c.is_ascii_alphabetic()).collect::<String>().to_ascii_uppercase();
    if SQL_WRITES.contains(&word.as_str()) {
        return Err(Error::new(
            ErrorKind::Query,
            format!("raw SQL must be read-only (SELECT, WITH, EXPLAIN or a reporting PRAGMA); {word} is refused"),
        ));
    }
    let pipeline = flux::parse(q)?;
    let plan = flux::plan(&pipeline, now_ms)?;
    Ok(Query::Planned { sql: plan.sql, params: plan.params })
}

/// Statements that change the database or the connection: named as SQL
/// rather than reported as broken Flux.
const SQL_WRITES: &[&str] = &[
    "ALTER", "ANALYZE", "ATTACH", "BEGIN", "COMMIT", "CREATE", "DELETE", "DETACH", "DROP", "END", "INSERT",
    "REINDEX", "RELEASE", "REPLACE", "ROLLBACK", "SAVEPOINT", "UPDATE", "UPSERT", "VACUUM",
];

/// PRAGMAs that only report state, with no argument.
const READ_PRAGMAS: &[&str] = &[
    "application_id", "auto_vacuum", "automatic_index", "busy_timeout", "cache_size", "cache_spill",
    "cell_size_check", "checkpoint_fullfsync", "collation_list", "compile_options", "data_version",
    "database_list", "defer_foreign_keys", "encoding", "foreign_key_check", "foreign_keys", "freelist_count",
    "fullfsync", "function_list", "ignore_check_constraints", "integrity_check", "journal_mode",
    "journal_size_limit", "legacy_alter_table", "locking_mode", "max_page_count", "mmap_size", "module_list",
    "page_count", "page_size", "pragma_list", "query_only", "quick_check", "read_uncommitted",
    "recursive_triggers", "reverse_unordered_selects", "schema_version", "secure_delete", "synchronous",
    "table_list", "temp_store", "trusted_schema", "user_version", "wal_autocheckpoint",
];

/// PRAGMAs whose `(argument)` names what to report on, never a new setting.
const TABLE_PRAGMAS: &[&str] = &[
    "table_info", "table_xinfo", "index_list", "index_info", "index_xinfo", "foreign_key_list",
    "foreign_key_check", "integrity_check", "quick_check", "table_list",
];

/// SQLite reports `PRAGMA x = y` and `ATTACH` as "read-only" statements,
/// yet they change the connection; only reporting forms get through.
fn check_pragma(q: &str) -> Result<()> {
    let body = q[6..].trim().trim_end_matches(|c: char| c == ';' || c.is_whitespace());
    let name_len = body.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.')).unwrap_or(body.len());
    let full = &body[..name_len];
    let name = full.rsplit('.').next().unwrap_or(full).to_ascii_lowercase();
    let rest = body[name_len..].trim();
    let allowed = if rest.is_empty() {
        READ_PRAGMAS.contains(&name.as_str())
    } else {
        rest.starts_with('(') && rest.ends_with(')') && TABLE_PRAGMAS.contains(&name.as_str())
    };
    if allowed {
        Ok(())
    } else {
        Err(Error::new(
            ErrorKind::Query,
            format!("raw SQL must be read-only: PRAGMA `{full}{}` may change state", if rest.is_empty() { "" } else { " …" }),
        ))
    }
}

/// Runs `query` on `conn` and appends the rows to `out` as a JSON array.
/// Raw SQL runs with `query_only` on, whatever the connection.
pub(crate) fn run(conn: &Connection, query: &Query, out: &mut String) -> Result<usize> {
    match query {
        Query::All => {
            // The six columns go-store returns; entry_id only orders.
            let names: Vec<String> = scan::COLUMNS[..6].iter().map(|c| c.to_string()).collect();
            let mut count = 0;
            out.push('[');
            scan::ordered(conn, i64::MAX, |row| write_row(out, &names, row, &mut count))?;
            out.push(']');
            Ok(count)
        }
        Query::Planned { sql, params } => {
            let mut stmt = conn.prepare_cached(sql).stage("query rows")?;
            let params = params.iter().map(|p| match p {
                flux::SqlValue::Text(s) => rusqlite::types::Value::Text(s.clone()),
                flux::SqlValue::Int(i) => rusqlite::types::Value::Integer(*i),
                flux::SqlValue::Real(f) => rusqlite::types::Value::Real(*f),
            });
            let rows = stmt.query(rusqlite::params_from_iter(params)).stage("query rows")?;
            write_rows(rows, out)
        }
        Query::Raw(sql) => {
            let was_query_only: bool = conn.query_row("PRAGMA query_only", [], |r| r.get(0)).stage("query rows")?;
            if !was_query_only {
                conn.pragma_update(None, "query_only", true).stage("query rows")?;
            }
            let result = run_raw(conn, sql, out);
            if !was_query_only {
                conn.pragma_update(None, "query_only", false).stage("query rows")?;
            }
            result
        }
    }
}

fn run_raw(conn: &Connection, sql: &str, out: &mut String) -> Result<usize> {
    let mut stmt = conn.prepare(sql).map_err(|e| match e {
        rusqlite::Error::MultipleStatement => {
            Error::new(ErrorKind::Query, "raw SQL must be exactly one statement")
        }
        e => Error::sqlite("query rows", e),
    })?;
    if !stmt.readonly() {
        return Err(Error::new(ErrorKind::Query, "raw SQL must be read-only: the statement writes"));
    }
    let rows = stmt.query([]).stage("query rows")?;
    write_rows(rows, out)
}

/// Writes `[{column: value, …, "fields": {…}, "tags": {…}}, …]`. Integers
/// stay integers and reals always carry a `.` or exponent, so a binding can
/// tell int64 from float64; `fields`/`tags` are added when `fields_json` is
/// a JSON object and `tags_json` an object of strings.
fn write_rows(mut rows: rusqlite::Rows<'_>, out: &mut String) -> Result<usize> {
    let names: Vec<String> = match rows.as_ref() {
        Some(stmt) => stmt.column_names().map(String::from).collect(),
        None => Vec::new(),
    };
    let mut count = 0;
    out.push('[');
    while let Some(row) = rows.next().stage("scan rows")? {
        write_row(out, &names, row, &mut count)?;
    }
    out.push(']');
    Ok(count)
}

/// One row object: the columns `names` (the row's first columns), then
/// `fields`/`tags`.
fn write_row(out: &mut String, names: &[String], row: &rusqlite::Row<'_>, count: &mut usize) -> Result<()> {
    if *count > 0 {
        out.push(',');
    }
    *count += 1;
    out.push('{');
    let (mut fields, mut tags) = (None, None);
    for (i, name) in names.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        gojson::write_str(out, name);
        out.push(':');
        match row.get_ref(i).stage("scan rows")? {
            ValueRef::Null => out.push_str("null"),
            ValueRef::Integer(v) => {
                let _ = write!(out, "{v}");
            }
            ValueRef::Real(v) if v.is_finite() => {
                let _ = write!(out, "{v:?}");
            }
            ValueRef::Real(_) => out.push_str("null"),
            ValueRef::Text(t) | ValueRef::Blob(t) => match std::str::from_utf8(t) {
                Ok(text) => {
                    gojson::write_str(out, text);
                    // Borrowed from the row, which lives until the next step.
                    if name == "fields_json" && fields.is_none() {
                        fields = json_object(text);
                    } else if name == "tags_json" && tags.is_none() {
                        tags = string_object(text);
                    }
                }
                Err(_) => gojson::write_str(out, &String::from_utf8_lossy(t)),
            },
        }
    }
    if let Some(f) = fields {
        out.push_str(",\"fields\":");
        out.push_str(f);
    }
    if let Some(t) = tags {
        out.push_str(",\"tags\":");
        out.push_str(t);
    }
    out.push('}');
    Ok(())
}

/// The object's text when `text` is one JSON object (surrounding space trimmed).
fn json_object(text: &str) -> Option<&str> {
    let raw: &serde_json::value::RawValue = serde_json::from_str(text).ok()?;
    raw.get().starts_with('{').then(|| raw.get())
}

/// The object's text when `text` is a JSON object whose values are all
/// strings; checked without building a map.
fn string_object(text: &str) -> Option<&str> {
    use serde::de::{Deserializer as _, IgnoredAny, MapAccess, Visitor};
    struct Strings;
    impl<'de> Visitor<'de> for Strings {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("an object of strings")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            while map.next_key::<IgnoredAny>()?.is_some() {
                map.next_value::<StringOnly>()?;
            }
            Ok(())
        }
    }
    struct StringOnly;
    impl<'de> serde::Deserialize<'de> for StringOnly {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = StringOnly;
                fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str("a string")
                }
                fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<StringOnly, E> {
                    Ok(StringOnly)
                }
            }
            d.deserialize_str(V)
        }
    }
    let mut de = serde_json::Deserializer::from_str(text);
    (&mut de).deserialize_map(Strings).ok()?;
    de.end().ok()?;
    json_object(text)
}
