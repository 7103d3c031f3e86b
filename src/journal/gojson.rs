//! JSON text byte-for-byte as Go's `encoding/json` writes it (contract §0.4):
//! compact, object keys sorted bytewise (serde_json's default map is a
//! BTreeMap), `<` `>` `&` U+2028 U+2029 escaped, floats in Go's shortest
//! form (`1e+21`, `1e-7`). A go-store database and ours then hold the same
//! bytes for the same entry.

use serde_json::Value;
use std::fmt::Write as _;

/// How numbers are written.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Numbers {
    /// Integers stay integers (a Go `int` marshalled directly).
    AsGiven,
    /// Every number is a float64 (a value decoded into `map[string]any` and
    /// marshalled again, as go-store's compaction does).
    Float64,
}

/// Appends `v` to `out`.
pub(crate) fn write_value(out: &mut String, v: &Value, numbers: Numbers) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => match (numbers, n.as_i64(), n.as_u64()) {
            (Numbers::AsGiven, Some(i), _) => {
                let _ = write!(out, "{i}");
            }
            (Numbers::AsGiven, None, Some(u)) => {
                let _ = write!(out, "{u}");
            }
            // serde_json numbers are always finite.
            _ => write_f64(out, n.as_f64().unwrap_or_default()),
        },
        Value::String(s) => write_str(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(out, item, numbers);
            }
            out.push(']');
        }
        Value::Object(map) => write_map(out, map, numbers),
    }
}

/// Appends an object, keys in map (bytewise) order.
pub(crate) fn write_map(out: &mut String, map: &serde_json::Map<String, Value>, numbers: Numbers) {
    out.push('{');
    for (i, (k, item)) in map.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_str(out, k);
        out.push(':');
        write_value(out, item, numbers);
    }
    out.push('}');
}

/// Go's float64 encoding: plain digits for 1e-6 ≤ |f| < 1e21, otherwise
/// exponent form with a sign and no leading zero (`1e+21`, `1.5e-7`).
pub(crate) fn write_f64(out: &mut String, f: f64) {
    let abs = f.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        let start = out.len();
        let _ = write!(out, "{f:e}");
        if let Some(e) = out[start..].find('e') {
            if !out[start + e + 1..].starts_with('-') {
                out.insert(start + e + 1, '+');
            }
        }
    } else if f == 0.0 && f.is_sign_negative() {
        out.push_str("-0");
    } else {
        let _ = write!(out, "{f}");
    }
}

/// Bytes that end a run of plain text in [`write_str`]: ASCII that Go
/// escapes, and 0xE2, the lead byte of U+2028/U+2029.
static SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = true;
        b += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t[b'<' as usize] = true;
    t[b'>' as usize] = true;
    t[b'&' as usize] = true;
    t[0xe2] = true;
    t
};

/// A JSON string with Go's escapes. Runs of plain text are copied whole;
/// everything that needs an escape is ASCII except U+2028/U+2029.
pub(crate) fn write_str(out: &mut String, s: &str) {
    out.reserve(s.len() + 2);
    out.push('"');
    let bytes = s.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if !SPECIAL[b as usize] {
            i += 1;
            continue;
        }
        let (len, escape): (usize, Option<&str>) = match b {
            b'"' => (1, Some("\\\"")),
            b'\\' => (1, Some("\\\\")),
            b'\n' => (1, Some("\\n")),
            b'\r' => (1, Some("\\r")),
            b'\t' => (1, Some("\\t")),
            0x08 => (1, Some("\\b")),
            0x0c => (1, Some("\\f")),
            0xe2 if !(bytes.get(i + 1) == Some(&0x80) && matches!(bytes.get(i + 2), Some(0xa8 | 0xa9))) => {
                i += 1;
                continue;
            }
            0xe2 => (3, None),
            _ => (1, None),
        };
        out.push_str(&s[start..i]);
        match escape {
            Some(e) => out.push_str(e),
            None => {
                let c = s[i..].chars().next().unwrap_or_default();
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
        }
        i += len;
        start = i;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn to_string(v: &Value, numbers: Numbers) -> String {
        let mut out = String::new();
        write_value(&mut out, v, numbers);
        out
    }

    #[test]
    fn matches_go_encoding() {
        let v = json!({"z": 1, "a": [true, null, "x<y>&z\u{2028}\u{1}\u{8}\u{c}\"\\\n"], "B": {"k": 2.5}});
        assert_eq!(
            to_string(&v, Numbers::AsGiven),
            r#"{"B":{"k":2.5},"a":[true,null,"x\u003cy\u003e\u0026z\u2028\u0001\b\f\"\\\n"],"z":1}"#
        );
        let floats = |f: f64| {
            let mut s = String::new();
            write_f64(&mut s, f);
            s
        };
        assert_eq!(floats(4.0), "4");
        assert_eq!(floats(0.1), "0.1");
        assert_eq!(floats(1e21), "1e+21");
        assert_eq!(floats(1e20), "100000000000000000000");
        assert_eq!(floats(1.5e-7), "1.5e-7");
        assert_eq!(floats(0.000001), "0.000001");
        assert_eq!(floats(-2.5e300), "-2.5e+300");
        assert_eq!(floats(-0.0), "-0");
        assert_eq!(to_string(&json!({"n": 12345678901234567890u64}), Numbers::Float64), r#"{"n":12345678901234567000}"#);
        assert_eq!(to_string(&json!({"n": 4}), Numbers::Float64), r#"{"n":4}"#);
    }
}
