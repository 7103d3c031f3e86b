//! Recognises JSON text that is already exactly what Go would write after
//! decoding it into `map[string]any` and marshalling it again (compact,
//! keys sorted and unique, Go's string escapes, numbers in float64's
//! shortest form). Rows written by this library or by go-store almost
//! always are, so compaction copies them instead of decoding and
//! re-encoding; anything else takes the full path. Checking allocates
//! nothing.

use super::gojson::write_f64;

/// What a checked value must be.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    /// An object with any values (a `fields_json`).
    Object,
    /// An object whose values are all strings (a `tags_json`).
    StringObject,
}

/// Nesting deeper than this takes the full path (serde_json's own limit is 128).
const MAX_DEPTH: usize = 64;

/// True when `text` is of `shape` and already canonical.
pub(crate) fn is_canonical(text: &str, shape: Shape) -> bool {
    let b = text.as_bytes();
    let mut i = 0;
    if b.first() != Some(&b'{') {
        return false;
    }
    let ok = object(b, &mut i, 0, shape == Shape::StringObject);
    ok && i == b.len()
}

fn object(b: &[u8], i: &mut usize, depth: usize, strings_only: bool) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    *i += 1; // '{'
    if b.get(*i) == Some(&b'}') {
        *i += 1;
        return true;
    }
    let mut previous: Option<&[u8]> = None;
    loop {
        let Some(key) = string(b, i) else { return false };
        // Go sorts keys bytewise; a repeat would collapse into one.
        if previous.is_some_and(|p| p >= key) {
            return false;
        }
        previous = Some(key);
        if b.get(*i) != Some(&b':') {
            return false;
        }
        *i += 1;
        let ok = if strings_only { string(b, i).is_some() } else { value(b, i, depth + 1) };
        if !ok {
            return false;
        }
        match b.get(*i) {
            Some(b',') => *i += 1,
            Some(b'}') => {
                *i += 1;
                return true;
            }
            _ => return false,
        }
    }
}

fn value(b: &[u8], i: &mut usize, depth: usize) -> bool {
    match b.get(*i) {
        Some(b'{') => object(b, i, depth, false),
        Some(b'[') => array(b, i, depth),
        Some(b'"') => string(b, i).is_some(),
        Some(b't') => literal(b, i, b"true"),
        Some(b'f') => literal(b, i, b"false"),
        Some(b'n') => literal(b, i, b"null"),
        Some(b'-' | b'0'..=b'9') => number(b, i),
        _ => false,
    }
}

fn array(b: &[u8], i: &mut usize, depth: usize) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    *i += 1; // '['
    if b.get(*i) == Some(&b']') {
        *i += 1;
        return true;
    }
    loop {
        if !value(b, i, depth + 1) {
            return false;
        }
        match b.get(*i) {
            Some(b',') => *i += 1,
            Some(b']') => {
                *i += 1;
                return true;
            }
            _ => return false,
        }
    }
}

fn literal(b: &[u8], i: &mut usize, word: &[u8]) -> bool {
    if b[*i..].starts_with(word) {
        *i += word.len();
        true
    } else {
        false
    }
}

/// A string that needs no escape at all (so its bytes are its value);
/// returns its contents.
fn string<'a>(b: &'a [u8], i: &mut usize) -> Option<&'a [u8]> {
    if b.get(*i) != Some(&b'"') {
        return None;
    }
    let start = *i + 1;
    let mut j = start;
    while j < b.len() {
        match b[j] {
            b'"' => {
                *i = j + 1;
                return Some(&b[start..j]);
            }
            b'\\' | b'<' | b'>' | b'&' | 0..=0x1f => return None,
            0xe2 if b.get(j + 1) == Some(&0x80) && matches!(b.get(j + 2), Some(0xa8 | 0xa9)) => return None,
            _ => j += 1,
        }
    }
    None
}

/// A number whose float64 value Go would print with exactly these bytes.
fn number(b: &[u8], i: &mut usize) -> bool {
    let start = *i;
    let mut j = start;
    while j < b.len() && matches!(b[j], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9') {
        j += 1;
    }
    let run = &b[start..j];
    // Integers of up to 15 digits are exact in a float64 and print as
    // themselves (no leading zero, no "-0").
    let digits = run.strip_prefix(b"-").unwrap_or(run);
    if !digits.is_empty() && digits.len() <= 15 && digits.iter().all(u8::is_ascii_digit) {
        *i = j;
        return (digits[0] != b'0' || digits.len() == 1) && run != b"-0";
    }
    let Ok(text) = std::str::from_utf8(run) else { return false };
    let Ok(f) = text.parse::<f64>() else { return false };
    if !f.is_finite() {
        return false;
    }
    let mut printed = String::with_capacity(24);
    write_f64(&mut printed, f);
    *i = j;
    printed == text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::gojson::{write_value, Numbers};

    /// The full path: decode, re-encode as Go would.
    fn reencoded(text: &str) -> Option<String> {
        let v: serde_json::Value = serde_json::from_str(text).ok()?;
        let mut out = String::new();
        write_value(&mut out, &v, Numbers::Float64);
        Some(out)
    }

    #[test]
    fn canonical_text_is_recognised_and_matches_the_full_path() {
        for text in [
            r#"{}"#,
            r#"{"a":1,"b":0.5,"c":[true,false,null,"x"],"d":{"e":-2.5e-7,"f":1e+21}}"#,
            r#"{"load":12.5,"n":12345678901234}"#,
            r#"{"s":"ünï ✓"}"#,
        ] {
            assert!(is_canonical(text, Shape::Object), "{text}");
            assert_eq!(reencoded(text).as_deref(), Some(text));
        }
        assert!(is_canonical(r#"{"host":"a","region":"b"}"#, Shape::StringObject));
    }

    #[test]
    fn anything_else_takes_the_full_path() {
        for text in [
            r#"{"b":1,"a":2}"#,              // unsorted
            r#"{"a":1,"a":2}"#,              // repeated key
            r#"{ "a":1}"#,                   // whitespace
            r#"{"a":1.0}"#,                  // Go prints 1
            r#"{"a":12345678901234567890}"#, // float64 rounds it
            r#"{"a":1e21}"#,                 // Go prints 1e+21
            r#"{"a":"x<y"}"#,                // Go escapes <
            r#"{"a":"\u003c"}"#,             // escapes take the full path
            r#"{"a":"line\nbreak"}"#,
            r#"{"a":1}x"#,
            r#"[1]"#,
            r#"null"#,
            r#"{"a":tru}"#,
            r#"{"a":-}"#,
            r#"{"a":01}"#,
            r#"{"a":-0}"#,                   // rare: left to the full path
        ] {
            assert!(!is_canonical(text, Shape::Object), "{text}");
        }
        assert!(!is_canonical(r#"{"a":1}"#, Shape::StringObject));
        let deep = format!("{}{}", "{\"a\":".repeat(70), "1".to_string() + &"}".repeat(70));
        assert!(!is_canonical(&deep, Shape::Object));
    }

    /// xorshift-driven random documents: whenever the checker accepts, the
    /// full path writes the same bytes.
    #[test]
    fn accepted_text_always_equals_the_full_path() {
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut accepted = 0;
        for _ in 0..20_000 {
            let mut text = String::from("{");
            let n = next() % 5;
            for k in 0..n {
                if k > 0 {
                    text.push(',');
                }
                let key = ["a", "b", "c", "d", "a<", "é"][(next() % 6) as usize];
                text.push_str(&format!("\"{key}{k}\":"));
                match next() % 6 {
                    0 => text.push_str(&format!("{}", (next() % 100_000) as i64 - 50_000)),
                    1 => text.push_str(&format!("{:?}", f64::from_bits(next() >> 2))),
                    2 => text.push_str(&format!("{}", (next() % 1000) as f64 / 8.0)),
                    3 => text.push_str(&format!("{:e}", (next() % 1000) as f64 * 1e20)),
                    4 => text.push_str(["true", "null", "\"s\"", "[1,2.5]", "{\"z\":1}"][(next() % 5) as usize]),
                    _ => text.push_str(&format!("\"{}\"", ["x", "y&", "ü", ""][(next() % 4) as usize])),
                }
            }
            text.push('}');
            if is_canonical(&text, Shape::Object) {
                accepted += 1;
                assert_eq!(reencoded(&text).as_deref(), Some(text.as_str()), "{text}");
            }
        }
        assert!(accepted > 1000, "only {accepted} accepted");
    }
}
