//! Go's text for decoded JSON values, as go-store's import writes it.
//!
//! go-store decodes benchmark and seed lines into `map[string]any` (every
//! number a `float64`) and stores fields with `fmt.Sprint` (`%v`), and the
//! answer lists with `encoding/json`. The rules, checked against Go:
//!
//! * `%v`: null → `<nil>`; booleans `true`/`false`; strings as they are;
//!   numbers as Go prints a `float64`: the shortest digits that read back
//!   exactly, in exponent form when the decimal exponent is below -4 or at
//!   least 6 (`1` → `1`, `1.5` → `1.5`, `1000000` → `1e+06`, `0.00001` →
//!   `1e-05`, `1e21` → `1e+21`); arrays `[a b c]`; objects `map[k:v …]` with
//!   keys sorted; nested values follow the same rules.
//! * JSON: the journal's Go encoder (`crate::journal::gojson`), every
//!   number a float64 (`1.0` → `1`, `1e21` → `1e+21`, `1e-7`).

pub(crate) use crate::journal::gojson::write_str as go_json_string;
use crate::journal::gojson::{write_value, Numbers};
use serde_json::Value;

/// The shortest round-trip digits of `f` (no sign) and its decimal exponent
/// (`d.ddd × 10^exp`).
fn shortest_digits(f: f64) -> (String, i32) {
    // Rust's `{:e}` is the shortest round-trip form: `1.2345e6`, `5e-324`.
    let text = format!("{:e}", f.abs());
    let (mantissa, exp) = text.split_once('e').unwrap_or((&text, "0"));
    (mantissa.replace('.', ""), exp.parse().unwrap_or(0))
}

/// `d.ddde±XX` (at least two exponent digits, like Go).
fn exponent_form(digits: &str, exp: i32, out: &mut String) {
    out.push_str(&digits[..1]);
    if digits.len() > 1 {
        out.push('.');
        out.push_str(&digits[1..]);
    }
    out.push('e');
    out.push(if exp < 0 { '-' } else { '+' });
    out.push_str(&format!("{:02}", exp.abs()));
}

/// Plain decimal form of `digits × 10^(exp - len + 1)`.
fn decimal_form(digits: &str, exp: i32, out: &mut String) {
    let point = exp + 1; // digits before the decimal point
    if point <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-point) as usize));
        out.push_str(digits);
    } else if point as usize >= digits.len() {
        out.push_str(digits);
        out.extend(std::iter::repeat_n('0', point as usize - digits.len()));
    } else {
        out.push_str(&digits[..point as usize]);
        out.push('.');
        out.push_str(&digits[point as usize..]);
    }
}

fn float_text(f: f64, exponent_when: impl Fn(i32) -> bool, out: &mut String) {
    if f.is_sign_negative() {
        out.push('-');
    }
    if f == 0.0 {
        out.push('0');
        return;
    }
    let (digits, exp) = shortest_digits(f);
    if exponent_when(exp) {
        exponent_form(&digits, exp, out);
    } else {
        decimal_form(&digits, exp, out);
    }
}

/// Go's `fmt.Sprint(float64)`.
pub(crate) fn go_float(f: f64) -> String {
    let mut out = String::new();
    float_text(f, |exp| !(-4..6).contains(&exp), &mut out);
    out
}

fn number(n: &serde_json::Number) -> f64 {
    // Go decodes every JSON number into a float64.
    n.as_f64().unwrap_or(0.0)
}

fn sorted(map: &serde_json::Map<String, Value>) -> Vec<(&String, &Value)> {
    let mut entries: Vec<_> = map.iter().collect();
    entries.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    entries
}

fn write_v(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("<nil>"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&go_float(number(n))),
        Value::String(s) => out.push_str(s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                write_v(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push_str("map[");
            for (i, (k, v)) in sorted(map).into_iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                out.push_str(k);
                out.push(':');
                write_v(v, out);
            }
            out.push(']');
        }
    }
}

/// Go's `fmt.Sprint(v)` for a decoded JSON value; `None` (a missing key)
/// prints like null, as Go's nil interface does.
pub(crate) fn go_sprint(value: Option<&Value>) -> String {
    let mut out = String::new();
    write_v(value.unwrap_or(&Value::Null), &mut out);
    out
}

/// Go's `json.Marshal(v)` for a decoded JSON value; `None` (a missing key)
/// gives `null`.
pub(crate) fn go_json(value: Option<&Value>) -> String {
    let mut out = String::new();
    // Decoded into `any`, every number is a float64.
    write_value(&mut out, value.unwrap_or(&Value::Null), Numbers::Float64);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> String {
        go_sprint(Some(&serde_json::from_str(text).unwrap()))
    }

    fn j(text: &str) -> String {
        go_json(Some(&serde_json::from_str(text).unwrap()))
    }

    // Expected strings were produced by Go 1.26 (`fmt.Sprint`, `json.Marshal`).
    #[test]
    fn sprint_matches_go() {
        for (input, want) in [
            ("1", "1"),
            ("1.5", "1.5"),
            ("1e21", "1e+21"),
            ("1e20", "1e+20"),
            ("1000000", "1e+06"),
            ("1234567", "1.234567e+06"),
            ("123456", "123456"),
            ("0.0001", "0.0001"),
            ("0.00001", "1e-05"),
            ("-0.0", "-0"),
            ("12345678901234567890", "1.2345678901234567e+19"),
            ("1e-7", "1e-07"),
            ("12345678.9", "1.23456789e+07"),
            ("999999", "999999"),
            ("5e-324", "5e-324"),
            ("1.7976931348623157e308", "1.7976931348623157e+308"),
            ("100", "100"),
            ("3.0000000000000004", "3.0000000000000004"),
            (r#"[1,"a b",null,true,{"z":1,"a":[2.5]}]"#, "[1 a b <nil> true map[a:[2.5] z:1]]"),
            (r#"{"b":null,"a":"x"}"#, "map[a:x b:<nil>]"),
            ("null", "<nil>"),
            ("false", "false"),
        ] {
            assert_eq!(v(input), want, "input {input}");
        }
        assert_eq!(go_sprint(None), "<nil>");
    }

    #[test]
    fn json_matches_go() {
        for (input, want) in [
            ("1e21", "1e+21"),
            ("1e20", "100000000000000000000"),
            ("1000000", "1000000"),
            ("0.00001", "0.00001"),
            ("1e-7", "1e-7"),
            ("-0.0", "-0"),
            ("12345678901234567890", "12345678901234567000"),
            ("1.0", "1"),
            (r#"[1,"a b",null,true,{"z":1,"a":[2.5]}]"#, r#"[1,"a b",null,true,{"a":[2.5],"z":1}]"#),
            (r#""<a>&\b\f\u0001\u2028""#, r#""\u003ca\u003e\u0026\b\f\u0001\u2028""#),
        ] {
            assert_eq!(j(input), want, "input {input}");
        }
        assert_eq!(go_json(None), "null");
    }
}
