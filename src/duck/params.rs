//! Values bound to a statement's `?` placeholders.

use super::raw::Prepared;
use crate::{Error, ErrorKind, Result};
use libduckdb_sys as ffi;

/// One bound parameter.
#[derive(Debug, Clone, PartialEq)]
pub enum DuckParam {
    /// SQL NULL.
    Null,
    /// BOOLEAN.
    Bool(bool),
    /// BIGINT.
    Int(i64),
    /// DOUBLE.
    Double(f64),
    /// VARCHAR.
    Text(String),
    /// BLOB.
    Blob(Vec<u8>),
}

impl From<&str> for DuckParam {
    fn from(v: &str) -> Self {
        DuckParam::Text(v.to_string())
    }
}
impl From<String> for DuckParam {
    fn from(v: String) -> Self {
        DuckParam::Text(v)
    }
}
impl From<i64> for DuckParam {
    fn from(v: i64) -> Self {
        DuckParam::Int(v)
    }
}
impl From<i32> for DuckParam {
    fn from(v: i32) -> Self {
        DuckParam::Int(v as i64)
    }
}
impl From<f64> for DuckParam {
    fn from(v: f64) -> Self {
        DuckParam::Double(v)
    }
}
impl From<bool> for DuckParam {
    fn from(v: bool) -> Self {
        DuckParam::Bool(v)
    }
}

impl DuckParam {
    /// Parameters from a JSON array (the C ABI's form): `null`, booleans,
    /// integers (that fit in 64 bits), other numbers as doubles, strings.
    pub fn list_from_json(json: &[u8]) -> Result<Vec<DuckParam>> {
        if json.is_empty() {
            return Ok(Vec::new());
        }
        let value: serde_json::Value =
            serde_json::from_slice(json).map_err(|e| Error::invalid(format!("parameters: invalid JSON: {e}")))?;
        let serde_json::Value::Array(items) = value else {
            return Err(Error::invalid("parameters: expected a JSON array"));
        };
        items
            .into_iter()
            .enumerate()
            .map(|(i, v)| match v {
                serde_json::Value::Null => Ok(DuckParam::Null),
                serde_json::Value::Bool(b) => Ok(DuckParam::Bool(b)),
                serde_json::Value::Number(n) => Ok(match n.as_i64() {
                    Some(i) => DuckParam::Int(i),
                    None => DuckParam::Double(n.as_f64().unwrap_or(f64::NAN)),
                }),
                serde_json::Value::String(s) => Ok(DuckParam::Text(s)),
                _ => Err(Error::invalid(format!("parameter {}: arrays and objects cannot be bound", i + 1))),
            })
            .collect()
    }
}

/// Binds `params` to `stmt` in order; the count must match the placeholders.
pub(crate) fn bind(stmt: &Prepared, params: &[DuckParam]) -> Result<()> {
    let expected = stmt.param_count();
    if expected != params.len() as u64 {
        return Err(Error::invalid(format!("statement has {expected} parameters, {} given", params.len())));
    }
    for (i, p) in params.iter().enumerate() {
        let idx = i as u64 + 1;
        // SAFETY: live statement, 1-based index within the parameter count;
        // DuckDB copies bound values.
        let state = unsafe {
            match p {
                DuckParam::Null => ffi::duckdb_bind_null(stmt.raw(), idx),
                DuckParam::Bool(b) => ffi::duckdb_bind_boolean(stmt.raw(), idx, *b),
                DuckParam::Int(v) => ffi::duckdb_bind_int64(stmt.raw(), idx, *v),
                DuckParam::Double(v) => ffi::duckdb_bind_double(stmt.raw(), idx, *v),
                DuckParam::Text(s) => ffi::duckdb_bind_varchar_length(stmt.raw(), idx, s.as_ptr().cast(), s.len() as u64),
                DuckParam::Blob(b) => ffi::duckdb_bind_blob(stmt.raw(), idx, b.as_ptr().cast(), b.len() as u64),
            }
        };
        if state != ffi::duckdb_state_DuckDBSuccess {
            return Err(Error::new(ErrorKind::InvalidArgument, format!("bind parameter {idx} ({p:?})")));
        }
    }
    Ok(())
}
