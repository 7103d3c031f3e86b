//! Calendar text for DuckDB's date and time encodings, in DuckDB's own
//! format (`2026-12-07 09:37:55.123456`), so JSON rows read like the CLI.

use std::fmt::Write;

/// (year, month, day) of a day count since 1970-01-01 (proleptic Gregorian;
/// Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn write_date(out: &mut String, days: i64) {
    let (y, m, d) = civil_from_days(days);
    if y < 0 {
        // DuckDB writes years before 1 AD as "(BC)"; ISO text keeps a sign.
        let _ = write!(out, "-{:04}-{m:02}-{d:02}", -y);
    } else {
        let _ = write!(out, "{y:04}-{m:02}-{d:02}");
    }
}

fn write_time(out: &mut String, micros_of_day: i64) {
    let secs = micros_of_day / 1_000_000;
    let frac = micros_of_day % 1_000_000;
    let _ = write!(out, "{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60);
    if frac != 0 {
        let digits = format!("{frac:06}");
        out.push('.');
        out.push_str(digits.trim_end_matches('0'));
    }
}

/// DATE: days since the epoch. DuckDB marks ±infinity with the extreme values.
pub(crate) fn date(days: i32) -> String {
    match days {
        i32::MAX => "infinity".into(),
        v if v == -i32::MAX => "-infinity".into(),
        _ => {
            let mut s = String::with_capacity(10);
            write_date(&mut s, days as i64);
            s
        }
    }
}

/// TIME: microseconds since midnight.
pub(crate) fn time(micros: i64) -> String {
    let mut s = String::with_capacity(15);
    write_time(&mut s, micros);
    s
}

/// TIMESTAMP (and TIMESTAMP WITH TIME ZONE, shown in UTC with `+00`):
/// microseconds since the epoch.
pub(crate) fn timestamp(micros: i64, utc_suffix: bool) -> String {
    match micros {
        i64::MAX => return "infinity".into(),
        v if v == -i64::MAX => return "-infinity".into(),
        _ => {}
    }
    let days = micros.div_euclid(86_400_000_000);
    let rest = micros.rem_euclid(86_400_000_000);
    let mut s = String::with_capacity(32);
    write_date(&mut s, days);
    s.push(' ');
    write_time(&mut s, rest);
    if utc_suffix {
        s.push_str("+00");
    }
    s
}

/// TIMESTAMP_NS: nanoseconds since the epoch, shown to the nanosecond.
pub(crate) fn timestamp_ns(nanos: i64) -> String {
    let micros = nanos.div_euclid(1000);
    let extra = nanos.rem_euclid(1000);
    let mut s = timestamp(micros, false);
    if extra != 0 {
        if !s.contains('.') {
            s.push_str(".000000");
        } else {
            // Restore the trimmed microsecond digits before adding nanoseconds.
            let dot = s.rfind('.').unwrap_or(s.len());
            let have = s.len() - dot - 1;
            s.extend(std::iter::repeat_n('0', 6 - have));
        }
        let _ = write!(s, "{extra:03}");
        while s.ends_with('0') {
            s.pop();
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_duckdb() {
        assert_eq!(date(0), "1970-01-01");
        assert_eq!(date(20_000), "2024-10-04");
        assert_eq!(date(-1), "1969-12-31");
        assert_eq!(timestamp(0, false), "1970-01-01 00:00:00");
        assert_eq!(timestamp(1_733_563_075_123_456, false), "2024-12-07 09:17:55.123456");
        assert_eq!(timestamp(1_733_563_075_500_000, true), "2024-12-07 09:17:55.5+00");
        assert_eq!(timestamp(-1, false), "1969-12-31 23:59:59.999999");
        assert_eq!(time(3_723_000_001), "01:02:03.000001");
        assert_eq!(timestamp_ns(1_500), "1970-01-01 00:00:00.0000015");
        assert_eq!(timestamp_ns(1_000_000_001), "1970-01-01 00:00:01.000000001");
    }
}
