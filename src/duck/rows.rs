//! A query result as one JSON document, read straight from DuckDB's column
//! vectors (no per-value C API calls):
//!
//! ```json
//! {"columns":[{"name":"model","type":"VARCHAR"},{"name":"score","type":"DOUBLE"}],
//!  "rows":[["m1",0.9],["m2",null]]}
//! ```
//!
//! Mapping: integers and doubles are JSON numbers (NaN and ±infinity are
//! strings, JSON has no such numbers); DECIMAL and HUGEINT are exact JSON
//! numbers written from their integer form; booleans, NULL as themselves;
//! VARCHAR and ENUM as strings; BLOB as base64; DATE, TIME and TIMESTAMP as
//! DuckDB's text (`2026-12-07 09:37:55.123456`, `+00` for WITH TIME ZONE);
//! INTERVAL as `{"months":..,"days":..,"micros":..}`; UUID as its text; LIST
//! and ARRAY as arrays; STRUCT as objects; MAP as `[{"key":..,"value":..}]`
//! (keys need not be strings). The column `type` is DuckDB's type name.

use super::civil;
use super::raw::{owned_text, Chunk, LogicalType, QueryResult};
use crate::{ErrorKind, Result};
use base64::Engine as _;
use libduckdb_sys as ffi;
use std::io::Write as _;

/// What a column's values are, resolved once per result.
enum Kind {
    Bool,
    I8,
    I16,
    I32,
    I64,
    U8,
    U16,
    U32,
    U64,
    I128,
    U128,
    F32,
    F64,
    Decimal { scale: u8, internal: ffi::duckdb_type },
    Text,
    Blob,
    Date,
    Time,
    Timestamp { unit: TimeUnit, tz: bool },
    Interval,
    Uuid,
    Enum { internal: ffi::duckdb_type, names: Vec<String> },
    List(Box<Kind>),
    Array(Box<Kind>, u64),
    Struct(Vec<(String, Kind)>),
}

#[derive(Clone, Copy)]
enum TimeUnit {
    Seconds,
    Millis,
    Micros,
    Nanos,
}

/// A column of one result: its name, DuckDB type name and value kind.
pub(crate) struct Column {
    pub(crate) name: String,
    pub(crate) type_name: String,
    kind: Kind,
}

fn type_id_name(id: ffi::duckdb_type) -> &'static str {
    match id {
        ffi::DUCKDB_TYPE_DUCKDB_TYPE_BOOLEAN => "BOOLEAN",
        ffi::DUCKDB_TYPE_DUCKDB_TYPE_TINYINT => "TINYINT",
        ffi::DUCKDB_TYPE_DUCKDB_TYPE_SMALLINT => "SMALLINT",
        ffi::DUCKDB_TYPE_DUCKDB_TYPE_INTEGER => "INTEGER",
        ffi::DUCKDB_TYPE_DUCKDB_TYPE_BIGINT => "BIGINT",
        ffi::DUCKDB_TYPE_DUCKDB_TYPE_UTINYINT => "UTINYINT",
        ffi::DUCKDB_TYPE_DUCKDB_TYPE_USMALLINT => "USMALLINT",
        ffi::DUCKDB_TYPE_DUCKDB_TYPE_UINTEGER => "UINTEGER",
        ffi::DUCKDB_TYPE_DUCKDB_TYPE_UBIGINT => "UBIGINT",
        ffi::DUCKDB_TYPE_DUCKDB_TYPE_HUGEINT => "HUGEINT",
        ffi::DUCKDB_TYPE_DUCKDB_TYPE_UHUGEINT => "UHUGEINT",
        ffi::DUCKDB_TYPE_DUCKDB_TYPE_FLOAT => "FLOAT",
        ffi::DUCKDB_TYPE_DUCKDB_TYPE_DOUBLE => "DOUBLE",
        ffi::DUCKDB_TYPE_DUCKDB_TYPE_VARCHAR => "VARCHAR",
        ffi::DUCKDB_TYPE_DUCKDB_TYPE_BLOB => "BLOB",
        ffi::DUCKDB_TYPE_DUCKDB_TYPE_DATE => "DATE",
        ffi::DUCKDB_TYPE_DUCKDB_TYPE_TIME => "TIME",
        ffi::DUCKDB_TYPE_DUCKDB_TYPE_TIMESTAMP => "TIMESTAMP",
        ffi::DUCKDB_TYPE_DUCKDB_TYPE_TIMESTAMP_S => "TIMESTAMP_S",
        ffi::DUCKDB_TYPE_DUCKDB_TYPE_TIMESTAMP_MS => "TIMESTAMP_MS",
        ffi::DUCKDB_TYPE_DUCKDB_TYPE_TIMESTAMP_NS => "TIMESTAMP_NS",
        ffi::DUCKDB_TYPE_DUCKDB_TYPE_TIMESTAMP_TZ => "TIMESTAMP WITH TIME ZONE",
        ffi::DUCKDB_TYPE_DUCKDB_TYPE_INTERVAL => "INTERVAL",
        ffi::DUCKDB_TYPE_DUCKDB_TYPE_UUID => "UUID",
        ffi::DUCKDB_TYPE_DUCKDB_TYPE_ENUM => "ENUM",
        ffi::DUCKDB_TYPE_DUCKDB_TYPE_DECIMAL => "DECIMAL",
        ffi::DUCKDB_TYPE_DUCKDB_TYPE_LIST => "LIST",
        ffi::DUCKDB_TYPE_DUCKDB_TYPE_ARRAY => "ARRAY",
        ffi::DUCKDB_TYPE_DUCKDB_TYPE_STRUCT => "STRUCT",
        ffi::DUCKDB_TYPE_DUCKDB_TYPE_MAP => "MAP",
        ffi::DUCKDB_TYPE_DUCKDB_TYPE_UNION => "UNION",
        ffi::DUCKDB_TYPE_DUCKDB_TYPE_BIT => "BIT",
        ffi::DUCKDB_TYPE_DUCKDB_TYPE_TIME_TZ => "TIME WITH TIME ZONE",
        ffi::DUCKDB_TYPE_DUCKDB_TYPE_TIME_NS => "TIME_NS",
        ffi::DUCKDB_TYPE_DUCKDB_TYPE_BIGNUM => "BIGNUM",
        ffi::DUCKDB_TYPE_DUCKDB_TYPE_SQLNULL => "NULL",
        ffi::DUCKDB_TYPE_DUCKDB_TYPE_GEOMETRY => "GEOMETRY",
        ffi::DUCKDB_TYPE_DUCKDB_TYPE_VARIANT => "VARIANT",
        _ => "UNKNOWN",
    }
}

/// Resolves a logical type into a value kind and its DuckDB type name.
fn resolve(ty: &LogicalType, column: &str) -> Result<(Kind, String)> {
    use ffi::*;
    let id = ty.id();
    let simple = |k: Kind| Ok((k, type_id_name(id).to_string()));
    match id {
        DUCKDB_TYPE_DUCKDB_TYPE_BOOLEAN => simple(Kind::Bool),
        DUCKDB_TYPE_DUCKDB_TYPE_TINYINT => simple(Kind::I8),
        DUCKDB_TYPE_DUCKDB_TYPE_SMALLINT => simple(Kind::I16),
        DUCKDB_TYPE_DUCKDB_TYPE_INTEGER => simple(Kind::I32),
        DUCKDB_TYPE_DUCKDB_TYPE_BIGINT => simple(Kind::I64),
        DUCKDB_TYPE_DUCKDB_TYPE_UTINYINT => simple(Kind::U8),
        DUCKDB_TYPE_DUCKDB_TYPE_USMALLINT => simple(Kind::U16),
        DUCKDB_TYPE_DUCKDB_TYPE_UINTEGER => simple(Kind::U32),
        DUCKDB_TYPE_DUCKDB_TYPE_UBIGINT => simple(Kind::U64),
        DUCKDB_TYPE_DUCKDB_TYPE_HUGEINT => simple(Kind::I128),
        DUCKDB_TYPE_DUCKDB_TYPE_UHUGEINT => simple(Kind::U128),
        DUCKDB_TYPE_DUCKDB_TYPE_FLOAT => simple(Kind::F32),
        DUCKDB_TYPE_DUCKDB_TYPE_DOUBLE => simple(Kind::F64),
        DUCKDB_TYPE_DUCKDB_TYPE_VARCHAR => simple(Kind::Text),
        DUCKDB_TYPE_DUCKDB_TYPE_BLOB => simple(Kind::Blob),
        DUCKDB_TYPE_DUCKDB_TYPE_DATE => simple(Kind::Date),
        DUCKDB_TYPE_DUCKDB_TYPE_TIME => simple(Kind::Time),
        DUCKDB_TYPE_DUCKDB_TYPE_TIMESTAMP => simple(Kind::Timestamp { unit: TimeUnit::Micros, tz: false }),
        DUCKDB_TYPE_DUCKDB_TYPE_TIMESTAMP_S => simple(Kind::Timestamp { unit: TimeUnit::Seconds, tz: false }),
        DUCKDB_TYPE_DUCKDB_TYPE_TIMESTAMP_MS => simple(Kind::Timestamp { unit: TimeUnit::Millis, tz: false }),
        DUCKDB_TYPE_DUCKDB_TYPE_TIMESTAMP_NS => simple(Kind::Timestamp { unit: TimeUnit::Nanos, tz: false }),
        DUCKDB_TYPE_DUCKDB_TYPE_TIMESTAMP_TZ => simple(Kind::Timestamp { unit: TimeUnit::Micros, tz: true }),
        DUCKDB_TYPE_DUCKDB_TYPE_INTERVAL => simple(Kind::Interval),
        DUCKDB_TYPE_DUCKDB_TYPE_UUID => simple(Kind::Uuid),
        DUCKDB_TYPE_DUCKDB_TYPE_DECIMAL => {
            // SAFETY: live DECIMAL type.
            let (width, scale, internal) =
                unsafe { (duckdb_decimal_width(ty.0), duckdb_decimal_scale(ty.0), duckdb_decimal_internal_type(ty.0)) };
            Ok((Kind::Decimal { scale, internal }, format!("DECIMAL({width},{scale})")))
        }
        DUCKDB_TYPE_DUCKDB_TYPE_ENUM => {
            // SAFETY: live ENUM type; each dictionary entry is ours to free.
            let internal = unsafe { duckdb_enum_internal_type(ty.0) };
            let size = unsafe { duckdb_enum_dictionary_size(ty.0) };
            let names = (0..size as u64).map(|i| owned_text(unsafe { duckdb_enum_dictionary_value(ty.0, i) })).collect();
            simple(Kind::Enum { internal, names })
        }
        DUCKDB_TYPE_DUCKDB_TYPE_LIST | DUCKDB_TYPE_DUCKDB_TYPE_MAP => {
            // SAFETY: live LIST/MAP type; the child type is ours (MAP's child is STRUCT(key, value)).
            let child = LogicalType(unsafe { duckdb_list_type_child_type(ty.0) });
            let (kind, name) = resolve(&child, column)?;
            let type_name = if id == DUCKDB_TYPE_DUCKDB_TYPE_MAP { format!("MAP{}", &name[6..]) } else { format!("{name}[]") };
            Ok((Kind::List(Box::new(kind)), type_name))
        }
        DUCKDB_TYPE_DUCKDB_TYPE_ARRAY => {
            // SAFETY: live ARRAY type.
            let child = LogicalType(unsafe { duckdb_array_type_child_type(ty.0) });
            let size = unsafe { duckdb_array_type_array_size(ty.0) };
            let (kind, name) = resolve(&child, column)?;
            Ok((Kind::Array(Box::new(kind), size), format!("{name}[{size}]")))
        }
        DUCKDB_TYPE_DUCKDB_TYPE_STRUCT => {
            // SAFETY: live STRUCT type; names and child types are ours.
            let n = unsafe { duckdb_struct_type_child_count(ty.0) };
            let mut fields = Vec::with_capacity(n as usize);
            let mut names = Vec::with_capacity(n as usize);
            for i in 0..n {
                let field = owned_text(unsafe { duckdb_struct_type_child_name(ty.0, i) });
                let child = LogicalType(unsafe { duckdb_struct_type_child_type(ty.0, i) });
                let (kind, name) = resolve(&child, column)?;
                names.push(format!("{field} {name}"));
                fields.push((field, kind));
            }
            Ok((Kind::Struct(fields), format!("STRUCT({})", names.join(", "))))
        }
        other => Err(crate::Error::new(
            ErrorKind::Query,
            format!(
                "column {column}: type {} has no JSON mapping; cast it in the query (for example {column}::VARCHAR)",
                type_id_name(other)
            ),
        )),
    }
}

/// The columns of `result`, resolved for writing.
pub(crate) fn columns(result: &mut QueryResult) -> Result<Vec<Column>> {
    let n = result.column_count();
    let mut out = Vec::with_capacity(n as usize);
    for i in 0..n {
        let name = result.column_name(i);
        let ty = result.column_type(i);
        let (kind, type_name) = resolve(&ty, &name)?;
        out.push(Column { name, type_name, kind });
    }
    Ok(out)
}

/// One vector bound to its kind, for the chunk being written.
struct View<'k> {
    kind: &'k Kind,
    data: *const u8,
    validity: *mut u64,
    children: Vec<View<'k>>,
}

fn view(kind: &Kind, v: ffi::duckdb_vector) -> View<'_> {
    // SAFETY: `v` is a live vector of `kind`'s type inside the current chunk;
    // the pointers stay valid until the chunk is destroyed, after writing.
    unsafe {
        let children = match kind {
            Kind::List(child) => vec![view(child, ffi::duckdb_list_vector_get_child(v))],
            Kind::Array(child, _) => vec![view(child, ffi::duckdb_array_vector_get_child(v))],
            Kind::Struct(fields) => fields
                .iter()
                .enumerate()
                .map(|(i, (_, k))| view(k, ffi::duckdb_struct_vector_get_child(v, i as u64)))
                .collect(),
            _ => Vec::new(),
        };
        View { kind, data: ffi::duckdb_vector_get_data(v) as *const u8, validity: ffi::duckdb_vector_get_validity(v), children }
    }
}

/// Writes JSON values to a byte buffer.
pub(crate) struct Writer {
    pub(crate) out: Vec<u8>,
}

impl Writer {
    pub(crate) fn str(&mut self, s: &str) {
        // serde_json escapes exactly what JSON requires.
        let _ = serde_json::to_writer(&mut self.out, s);
    }

    fn float(&mut self, f: f64) {
        if f.is_finite() {
            let _ = serde_json::to_writer(&mut self.out, &f);
        } else if f.is_nan() {
            self.out.extend_from_slice(b"\"NaN\"");
        } else if f > 0.0 {
            self.out.extend_from_slice(b"\"Infinity\"");
        } else {
            self.out.extend_from_slice(b"\"-Infinity\"");
        }
    }

    fn int(&mut self, v: impl itoa_like::Int) {
        v.write(&mut self.out);
    }

    fn decimal(&mut self, v: i128, scale: u8) {
        if scale == 0 {
            return self.int(v);
        }
        let digits = v.unsigned_abs().to_string();
        let scale = scale as usize;
        if v < 0 {
            self.out.push(b'-');
        }
        if digits.len() <= scale {
            self.out.extend_from_slice(b"0.");
            self.out.extend(std::iter::repeat_n(b'0', scale - digits.len()));
            self.out.extend_from_slice(digits.as_bytes());
        } else {
            let (int, frac) = digits.split_at(digits.len() - scale);
            self.out.extend_from_slice(int.as_bytes());
            self.out.push(b'.');
            self.out.extend_from_slice(frac.as_bytes());
        }
    }

    /// Writes row `row` of `v`.
    fn value(&mut self, v: &View<'_>, row: usize) {
        // SAFETY: `row` is below the vector's length (chunk size, or a list
        // entry's offset + length inside its child); the data layout per kind
        // is DuckDB's documented one.
        unsafe {
            if !v.validity.is_null() && !ffi::duckdb_validity_row_is_valid(v.validity, row as u64) {
                self.out.extend_from_slice(b"null");
                return;
            }
            let at = |size: usize| v.data.add(row * size);
            match v.kind {
                Kind::Bool => {
                    self.out.extend_from_slice(if *at(1) != 0 { b"true" } else { b"false" });
                }
                Kind::I8 => self.int(*(at(1) as *const i8) as i64),
                Kind::I16 => self.int(*(at(2) as *const i16) as i64),
                Kind::I32 => self.int(*(at(4) as *const i32) as i64),
                Kind::I64 => self.int(*(at(8) as *const i64)),
                Kind::U8 => self.int(*at(1) as u64),
                Kind::U16 => self.int(*(at(2) as *const u16) as u64),
                Kind::U32 => self.int(*(at(4) as *const u32) as u64),
                Kind::U64 => self.int(*(at(8) as *const u64)),
                Kind::I128 => self.int(read_i128(at(16))),
                Kind::U128 => {
                    let lo = *(at(16) as *const u64) as u128;
                    let hi = *(at(16).add(8) as *const u64) as u128;
                    self.out.extend_from_slice(((hi << 64) | lo).to_string().as_bytes());
                }
                Kind::F32 => self.float(*(at(4) as *const f32) as f64),
                Kind::F64 => self.float(*(at(8) as *const f64)),
                Kind::Decimal { scale, internal } => {
                    let raw = match *internal {
                        ffi::DUCKDB_TYPE_DUCKDB_TYPE_SMALLINT => *(at(2) as *const i16) as i128,
                        ffi::DUCKDB_TYPE_DUCKDB_TYPE_INTEGER => *(at(4) as *const i32) as i128,
                        ffi::DUCKDB_TYPE_DUCKDB_TYPE_BIGINT => *(at(8) as *const i64) as i128,
                        _ => read_i128(at(16)),
                    };
                    self.decimal(raw, *scale)
                }
                Kind::Text => {
                    let bytes = string_bytes(at(16));
                    match std::str::from_utf8(bytes) {
                        Ok(s) => self.str(s),
                        Err(_) => self.str(&String::from_utf8_lossy(bytes)),
                    }
                }
                Kind::Blob => {
                    let encoded = base64::engine::general_purpose::STANDARD.encode(string_bytes(at(16)));
                    self.str(&encoded)
                }
                Kind::Date => self.str(&civil::date(*(at(4) as *const i32))),
                Kind::Time => self.str(&civil::time(*(at(8) as *const i64))),
                Kind::Timestamp { unit, tz } => {
                    let raw = *(at(8) as *const i64);
                    let text = match unit {
                        TimeUnit::Seconds => civil::timestamp(raw.saturating_mul(1_000_000), *tz),
                        TimeUnit::Millis => civil::timestamp(raw.saturating_mul(1_000), *tz),
                        TimeUnit::Micros => civil::timestamp(raw, *tz),
                        TimeUnit::Nanos => civil::timestamp_ns(raw),
                    };
                    self.str(&text)
                }
                Kind::Interval => {
                    let p = at(16);
                    let months = *(p as *const i32);
                    let days = *(p.add(4) as *const i32);
                    let micros = *(p.add(8) as *const i64);
                    let _ = write!(self.out, "{{\"months\":{months},\"days\":{days},\"micros\":{micros}}}");
                }
                Kind::Uuid => {
                    // DuckDB stores UUIDs as HUGEINT with the top bit flipped so they sort.
                    let v = (read_i128(at(16)) as u128) ^ (1u128 << 127);
                    let h = format!("{v:032x}");
                    let text = format!("{}-{}-{}-{}-{}", &h[..8], &h[8..12], &h[12..16], &h[16..20], &h[20..]);
                    self.str(&text)
                }
                Kind::Enum { internal, names } => {
                    let index = match *internal {
                        ffi::DUCKDB_TYPE_DUCKDB_TYPE_UTINYINT => *at(1) as usize,
                        ffi::DUCKDB_TYPE_DUCKDB_TYPE_USMALLINT => *(at(2) as *const u16) as usize,
                        _ => *(at(4) as *const u32) as usize,
                    };
                    match names.get(index) {
                        Some(name) => self.str(name),
                        None => self.out.extend_from_slice(b"null"),
                    }
                }
                Kind::List(_) => {
                    let entry = &*(at(16) as *const ffi::duckdb_list_entry);
                    self.out.push(b'[');
                    for i in 0..entry.length {
                        if i > 0 {
                            self.out.push(b',');
                        }
                        self.value(&v.children[0], (entry.offset + i) as usize);
                    }
                    self.out.push(b']');
                }
                Kind::Array(_, size) => {
                    self.out.push(b'[');
                    for i in 0..*size {
                        if i > 0 {
                            self.out.push(b',');
                        }
                        self.value(&v.children[0], row * *size as usize + i as usize);
                    }
                    self.out.push(b']');
                }
                Kind::Struct(fields) => {
                    self.out.push(b'{');
                    for (i, ((name, _), child)) in fields.iter().zip(&v.children).enumerate() {
                        if i > 0 {
                            self.out.push(b',');
                        }
                        self.str(name);
                        self.out.push(b':');
                        self.value(child, row);
                    }
                    self.out.push(b'}');
                }
            }
        }
    }

    /// Writes every row of `chunk` as `[v1,v2,...]` arrays separated by commas;
    /// `first` tells whether a row was already written before this chunk.
    fn chunk_rows(&mut self, columns: &[Column], chunk: &Chunk, first: &mut bool) {
        let views: Vec<View<'_>> = columns.iter().enumerate().map(|(i, c)| view(&c.kind, chunk.vector(i as u64))).collect();
        for row in 0..chunk.len() {
            if !*first {
                self.out.push(b',');
            }
            *first = false;
            self.out.push(b'[');
            for (i, v) in views.iter().enumerate() {
                if i > 0 {
                    self.out.push(b',');
                }
                self.value(v, row);
            }
            self.out.push(b']');
        }
    }
}

/// Reads a little-endian (lower, upper) HUGEINT.
unsafe fn read_i128(p: *const u8) -> i128 {
    let lo = *(p as *const u64) as u128;
    let hi = *(p.add(8) as *const i64) as i128;
    (hi << 64) | lo as i128
}

/// The bytes of a `duckdb_string_t` (inlined up to 12 bytes, else pointed to).
unsafe fn string_bytes<'a>(p: *const u8) -> &'a [u8] {
    let s = &*(p as *const ffi::duckdb_string_t);
    let len = s.value.inlined.length as usize;
    if len <= 12 {
        std::slice::from_raw_parts(s.value.inlined.inlined.as_ptr() as *const u8, len)
    } else {
        std::slice::from_raw_parts(s.value.pointer.ptr as *const u8, len)
    }
}

/// The whole result as the JSON document described at the top of this file.
pub(crate) fn write_result(result: &mut QueryResult) -> Result<Vec<u8>> {
    let columns = columns(result)?;
    let mut w = Writer { out: Vec::with_capacity(256) };
    w.out.extend_from_slice(b"{\"columns\":[");
    for (i, c) in columns.iter().enumerate() {
        if i > 0 {
            w.out.push(b',');
        }
        w.out.extend_from_slice(b"{\"name\":");
        w.str(&c.name);
        w.out.extend_from_slice(b",\"type\":");
        w.str(&c.type_name);
        w.out.push(b'}');
    }
    w.out.extend_from_slice(b"],\"rows\":[");
    let mut first = true;
    while let Some(chunk) = result.next_chunk() {
        w.chunk_rows(&columns, &chunk, &mut first);
    }
    w.out.extend_from_slice(b"]}");
    Ok(w.out)
}

/// The first column of the first row as JSON text, or `None` without rows.
pub(crate) fn write_scalar(result: &mut QueryResult) -> Result<Option<Vec<u8>>> {
    let columns = columns(result)?;
    if columns.is_empty() {
        return Ok(None);
    }
    while let Some(chunk) = result.next_chunk() {
        if chunk.len() == 0 {
            continue;
        }
        let mut w = Writer { out: Vec::new() };
        let v = view(&columns[0].kind, chunk.vector(0));
        w.value(&v, 0);
        return Ok(Some(w.out));
    }
    Ok(None)
}

/// Integer formatting without going through `fmt` for the common widths.
mod itoa_like {
    pub trait Int {
        fn write(self, out: &mut Vec<u8>);
    }
    macro_rules! via_serde {
        ($($t:ty),*) => {$(
            impl Int for $t {
                fn write(self, out: &mut Vec<u8>) {
                    let _ = serde_json::to_writer(out, &self);
                }
            }
        )*};
    }
    via_serde!(i64, u64);
    impl Int for i128 {
        fn write(self, out: &mut Vec<u8>) {
            out.extend_from_slice(self.to_string().as_bytes());
        }
    }
}
