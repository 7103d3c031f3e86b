//! Durations and RFC 3339 times: checked when parsed (so errors carry the
//! literal's position) and resolved to Unix milliseconds when planned.

use super::ast::{Duration, DurationUnit, TimeExpr, TimeSyntax};
use super::FluxError;

/// Parses `1h30m`-style text (the sign is given separately).
pub(crate) fn duration(text: &str, negative: bool) -> Result<Duration, String> {
    let mut parts = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let digits_len = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
        if digits_len == 0 {
            return Err(format!("malformed duration `{text}`"));
        }
        let magnitude: u64 = rest[..digits_len]
            .parse()
            .map_err(|_| format!("duration `{text}` is out of range"))?;
        rest = &rest[digits_len..];
        let unit_len = rest.find(|c: char| c.is_ascii_digit()).unwrap_or(rest.len());
        let suffix = &rest[..unit_len];
        rest = &rest[unit_len..];
        let unit = DurationUnit::from_suffix(suffix).ok_or_else(|| match suffix {
            "" => format!("duration `{text}` lacks a unit"),
            "mo" | "y" => format!("duration unit `{suffix}` in `{text}` is calendar-dependent and not supported"),
            _ => format!("unknown duration unit `{suffix}` in `{text}`"),
        })?;
        parts.push((magnitude, unit));
    }
    if parts.is_empty() {
        return Err("empty duration".into());
    }
    let d = Duration { negative, parts };
    nanos(&d).ok_or_else(|| format!("duration `{text}` is out of range"))?;
    Ok(d)
}

/// The duration in nanoseconds, if it fits in 64 bits of milliseconds' worth.
pub(crate) fn nanos(d: &Duration) -> Option<i128> {
    let mut total: i128 = 0;
    for &(magnitude, unit) in &d.parts {
        total = total.checked_add(i128::from(magnitude).checked_mul(unit.nanos())?)?;
    }
    // Keep well inside i64 milliseconds so adding "now" cannot overflow.
    if total / 1_000_000 > i128::from(i64::MAX / 4) {
        return None;
    }
    Some(if d.negative { -total } else { total })
}

/// An RFC 3339 date-time (or a bare `YYYY-MM-DD`, midnight UTC) in Unix ms.
pub(crate) fn absolute(text: &str) -> Result<i64, String> {
    let parsed = if text.len() == 10 {
        chrono::DateTime::parse_from_rfc3339(&format!("{text}T00:00:00Z"))
    } else {
        chrono::DateTime::parse_from_rfc3339(text)
    };
    parsed
        .map(|t| t.timestamp_millis())
        .map_err(|e| format!("`{text}` is not an RFC 3339 time ({e})"))
}

/// A quoted range value, as go-store accepted it: an RFC 3339 time, or a
/// signed duration such as `"-24h"`.
pub(crate) fn quoted(text: &str) -> Result<Quoted, String> {
    if let Ok(ms) = absolute(text) {
        return Ok(Quoted::At(ms));
    }
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    if body.starts_with(|c: char| c.is_ascii_digit()) {
        if let Ok(d) = duration(body, negative) {
            return Ok(Quoted::After(d));
        }
    }
    if text.is_empty() {
        return Err("range value is empty".into());
    }
    Err(format!("range value \"{}\" is neither an RFC 3339 time nor a duration", text.escape_debug()))
}

pub(crate) enum Quoted {
    At(i64),
    After(Duration),
}

/// Unix milliseconds for `t`, with relative times counted from `now_ms`.
pub(crate) fn resolve(t: &TimeExpr, now_ms: i64) -> Result<i64, FluxError> {
    let relative = |d: &Duration, pos| {
        let n = nanos(d).ok_or_else(|| FluxError::new(pos, "duration is out of range"))?;
        let at = (i128::from(now_ms) * 1_000_000 + n).div_euclid(1_000_000);
        i64::try_from(at).map_err(|_| FluxError::new(pos, "time is out of range"))
    };
    match t {
        TimeExpr::Now { .. } => Ok(now_ms),
        TimeExpr::Relative { duration, pos } => relative(duration, *pos),
        TimeExpr::Absolute { text, syntax: TimeSyntax::Quoted, pos } => match quoted(text) {
            Ok(Quoted::At(ms)) => Ok(ms),
            Ok(Quoted::After(d)) => relative(&d, *pos),
            Err(m) => Err(FluxError::new(*pos, m)),
        },
        TimeExpr::Absolute { text, pos, .. } => absolute(text).map_err(|m| FluxError::new(*pos, m)),
    }
}
