//! The Flux subset: exact SQL per construct, every error with its position,
//! a randomised parser property test, and plans run against go-store's
//! `journal_entries` schema in an in-memory SQLite.

use rusqlite::{params_from_iter, Connection};
use store::flux::{self, parse, plan, print, FluxError, Plan, SqlValue};

/// 2026-03-30T12:00:00Z
const NOW: i64 = 1_774_872_000_000;
const HOUR: i64 = 3_600_000;

const SELECT: &str = "SELECT bucket_name, measurement, fields_json, tags_json, committed_at, archived_at";

fn compile(q: &str) -> Plan {
    let p = parse(q).unwrap_or_else(|e| panic!("parse {q:?}: {e}"));
    plan(&p, NOW).unwrap_or_else(|e| panic!("plan {q:?}: {e}"))
}

fn base(conds: &str) -> String {
    format!("{SELECT} FROM journal_entries WHERE archived_at IS NULL AND bucket_name = ?1{conds} ORDER BY committed_at, entry_id")
}

fn text(s: &str) -> SqlValue {
    SqlValue::Text(s.into())
}

fn path(name: &str) -> SqlValue {
    SqlValue::Text(format!("$.\"{name}\""))
}

const STR_OF: &str = "(CASE WHEN json_type(tags_json, ?2) = 'text' THEN json_extract(tags_json, ?2) WHEN json_type(fields_json, ?2) = 'text' THEN json_extract(fields_json, ?2) END)";
const NUM_OF: &str = "(CASE WHEN json_type(fields_json, ?2) IN ('integer', 'real') THEN json_extract(fields_json, ?2) END)";
const BOOL_OF: &str = "(CASE json_type(fields_json, ?2) WHEN 'true' THEN 1 WHEN 'false' THEN 0 END)";

// ---- exact SQL per construct ---------------------------------------------

#[test]
fn from_alone() {
    let p = compile(r#"from(bucket: "events")"#);
    assert_eq!(p.sql, base(""));
    assert_eq!(p.params, vec![text("events")]);
}

#[test]
fn range_relative_durations() {
    for (q, start) in [
        ("-24h", NOW - 24 * HOUR),
        ("-7d", NOW - 7 * 24 * HOUR),
        ("-1h30m", NOW - 90 * 60_000),
        ("-2w", NOW - 14 * 24 * HOUR),
        ("-1500ms", NOW - 1500),
        ("-1s500000us", NOW - 1500),
        ("-1s500000µs", NOW - 1500),
        ("-1ns", NOW - 1),
        ("1h", NOW + HOUR),
        ("-1d2h3m4s5ms", NOW - (26 * HOUR + 3 * 60_000 + 4_000 + 5)),
    ] {
        let p = compile(&format!(r#"from(bucket: "b") |> range(start: {q})"#));
        assert_eq!(p.sql, base(" AND committed_at >= ?2"), "{q}");
        assert_eq!(p.params, vec![text("b"), SqlValue::Int(start)], "{q}");
    }
}

#[test]
fn range_absolute_forms_and_stop() {
    let day = 1_774_828_800_000; // 2026-03-30T00:00:00Z
    for q in [
        r#"range(start: "2026-03-30T00:00:00Z", stop: now())"#,
        r#"range(start: 2026-03-30T00:00:00Z, stop: now())"#,
        r#"range(start: time(v: "2026-03-30T00:00:00Z"), stop: now())"#,
        r#"range(start: 2026-03-30T02:00:00+02:00, stop: now())"#,
        r#"range(start: 2026-03-30, stop: now())"#,
        r#"range(stop: now(), start: "2026-03-30T00:00:00.000Z")"#,
    ] {
        let p = compile(&format!(r#"from(bucket: "b") |> {q}"#));
        assert_eq!(p.sql, base(" AND committed_at >= ?2 AND committed_at < ?3"), "{q}");
        assert_eq!(p.params, vec![text("b"), SqlValue::Int(day), SqlValue::Int(NOW)], "{q}");
    }
    // go-store accepted a quoted duration; so do we.
    let p = compile(r#"from(bucket: "b") |> range(start: "-24h", stop: "2026-03-30T00:00:00.5Z")"#);
    assert_eq!(p.params, vec![text("b"), SqlValue::Int(NOW - 24 * HOUR), SqlValue::Int(day + 500)]);
}

#[test]
fn filter_measurement_and_bucket() {
    let p = compile(r#"from(bucket: "b") |> filter(fn: (r) => r._measurement == "cpu")"#);
    assert_eq!(p.sql, base(" AND measurement = ?2"));
    assert_eq!(p.params, vec![text("b"), text("cpu")]);
    let p = compile(r#"from(bucket: "b") |> filter(fn: (r) => r["_bucket"] != "x")"#);
    assert_eq!(p.sql, base(" AND bucket_name != ?2"));
    let p = compile(r#"from(bucket: "b") |> filter(fn: (row) => "cpu" < row._measurement)"#);
    assert_eq!(p.sql, base(" AND measurement > ?2"), "literal on the left flips the operator");
}

#[test]
fn filter_tags_and_fields_by_literal_type() {
    let p = compile(r#"from(bucket: "b") |> filter(fn: (r) => r.host == "a")"#);
    assert_eq!(p.sql, base(&format!(" AND {STR_OF} = ?3")));
    assert_eq!(p.params, vec![text("b"), path("host"), text("a")]);

    let p = compile(r#"from(bucket: "b") |> filter(fn: (r) => r["load avg"] >= -2)"#);
    assert_eq!(p.sql, base(&format!(" AND {NUM_OF} >= ?3")));
    assert_eq!(p.params, vec![text("b"), path("load avg"), SqlValue::Int(-2)]);

    let p = compile(r#"from(bucket: "b") |> filter(fn: (r) => r.load < 0.5)"#);
    assert_eq!(p.sql, base(&format!(" AND {NUM_OF} < ?3")));
    assert_eq!(p.params[2], SqlValue::Real(0.5));

    let p = compile(r#"from(bucket: "b") |> filter(fn: (r) => r.complete == true)"#);
    assert_eq!(p.sql, base(&format!(" AND {BOOL_OF} = ?3")));
    assert_eq!(p.params[2], SqlValue::Int(1));

    let p = compile(r#"from(bucket: "b") |> filter(fn: (r) => r.n <= 9223372036854775807 and r.n > -9223372036854775808)"#);
    assert_eq!(p.params[2], SqlValue::Int(i64::MAX));
    assert_eq!(p.params[3], SqlValue::Int(i64::MIN));
    assert!(p.sql.contains("?2") && !p.sql.contains("?5"), "the path parameter is shared: {}", p.sql);
}

#[test]
fn filter_boolean_structure() {
    let p = compile(r#"from(bucket: "b") |> filter(fn: (r) => r._measurement == "a" or r._measurement == "b" and not r._bucket == "c")"#);
    assert_eq!(p.sql, base(" AND (measurement = ?2 OR (measurement = ?3 AND NOT bucket_name = ?4))"));
    let p = compile(r#"from(bucket: "b") |> filter(fn: (r) => (r._measurement == "a" or r._measurement == "b") and true)"#);
    assert_eq!(p.sql, base(" AND ((measurement = ?2 OR measurement = ?3) AND 1)"));
    let p = compile(r#"from(bucket: "b") |> filter(fn: (r) => not (r._measurement == "a" or false))"#);
    assert_eq!(p.sql, base(" AND NOT (measurement = ?2 OR 0)"));
    let p = compile(r#"from(bucket: "b") |> filter(fn: (r) => r._measurement == "a") |> filter(fn: (r) => r._measurement != "b")"#);
    assert_eq!(p.sql, base(" AND measurement = ?2 AND measurement != ?3"));
}

#[test]
fn limit_and_sort() {
    let p = compile(r#"from(bucket: "b") |> limit(n: 10)"#);
    assert_eq!(p.sql, format!("{} LIMIT ?2", base("")));
    assert_eq!(p.params, vec![text("b"), SqlValue::Int(10)]);
    let p = compile(r#"from(bucket: "b") |> limit(n: 10, offset: 5)"#);
    assert_eq!(p.sql, format!("{} LIMIT ?2 OFFSET ?3", base("")));
    let p = compile(r#"from(bucket: "b") |> sort(columns: ["_time"], desc: true)"#);
    assert_eq!(
        p.sql,
        format!("{SELECT} FROM journal_entries WHERE archived_at IS NULL AND bucket_name = ?1 ORDER BY committed_at DESC, committed_at, entry_id")
    );
    let p = compile(r#"from(bucket: "b") |> sort(columns: ["_measurement", "host"])"#);
    assert!(p.sql.ends_with(
        "ORDER BY measurement, coalesce(json_extract(tags_json, ?2), json_extract(fields_json, ?2)), committed_at, entry_id"
    ), "{}", p.sql);
    assert_eq!(p.params, vec![text("b"), path("host")]);
}

#[test]
fn stages_after_a_limit_wrap_the_statement() {
    let p = compile(r#"from(bucket: "b") |> limit(n: 2) |> sort(columns: ["_time"], desc: true)"#);
    assert_eq!(
        p.sql,
        format!(
            "{SELECT} FROM (SELECT entry_id, bucket_name, measurement, fields_json, tags_json, committed_at, archived_at FROM journal_entries \
             WHERE archived_at IS NULL AND bucket_name = ?1 ORDER BY committed_at, entry_id LIMIT ?2) \
             ORDER BY committed_at DESC, committed_at, entry_id"
        )
    );
    let p = compile(r#"from(bucket: "b") |> sort(columns: ["_time"], desc: true) |> limit(n: 3) |> filter(fn: (r) => r._measurement == "m") |> range(start: -1h)"#);
    assert!(
        p.sql.ends_with(") WHERE measurement = ?3 AND committed_at >= ?4 ORDER BY committed_at DESC, committed_at, entry_id"),
        "{}",
        p.sql
    );
    let p = compile(r#"from(bucket: "b") |> range(start: -1h) |> limit(n: 3) |> limit(n: 1)"#);
    assert!(p.sql.ends_with("LIMIT ?3) ORDER BY committed_at, entry_id LIMIT ?4"), "{}", p.sql);
}

#[test]
fn comments_and_layout_are_free() {
    let q = "// last hour of cpu\nfrom(bucket: \"b\")\n  |> range(start: -1h) // window\n  |> filter(fn: (r) =>\n       r._measurement == \"cpu\",\n  )\n";
    assert_eq!(
        print(&parse(q).unwrap()),
        r#"from(bucket: "b") |> range(start: -1h) |> filter(fn: (r) => r._measurement == "cpu")"#
    );
}

// ---- errors with positions -----------------------------------------------

fn error(q: &str) -> FluxError {
    match parse(q).and_then(|p| plan(&p, NOW)) {
        Ok(p) => panic!("{q:?} compiled to {}", p.sql),
        Err(e) => e,
    }
}

#[test]
fn every_error_names_the_construct_and_position() {
    let f = r#"from(bucket: "b")"#; // 17 characters
    let cases: Vec<(String, u32, u32, &str)> = vec![
        (format!("{f} |> group(columns: [\"host\"])"), 1, 22, "unsupported function `group()`"),
        (format!("{f} |> yield()"), 1, 22, "unsupported function `yield()`"),
        (format!("{f} |> range(start: -1h, step: 1)"), 1, 40, "unsupported argument `step` of range()"),
        (format!("{f} |> range(stop: now())"), 1, 39, "range() needs `start:`"),
        (format!("{f} |> range(start: -1h, start: -2h)"), 1, 40, "given twice"),
        (format!("{f} |> range(start: -1mo)"), 1, 36, "calendar-dependent"),
        (format!("{f} |> range(start: -1x)"), 1, 36, "unknown duration unit `x`"),
        (format!("{f} |> range(start: -99999999999999999999h)"), 1, 36, "out of range"),
        (format!("{f} |> range(start: \"yesterday\")"), 1, 35, "neither an RFC 3339 time nor a duration"),
        (format!("{f} |> range(start: \"\")"), 1, 35, "range value is empty"),
        (format!("{f} |> range(start: 2026-13-01T00:00:00Z)"), 1, 35, "not an RFC 3339 time"),
        (format!("{f} |> range(start: time(v: \"x\"))"), 1, 43, "not an RFC 3339 time"),
        (format!("{f} |> range(start: today())"), 1, 35, "unsupported range value `today`"),
        (format!("{f} |> range(start: 5)"), 1, 35, "unsupported range value: integer 5"),
        (format!("{f} |> filter(fn: (r) => r.host =~ /a/)"), 1, 47, "regular-expression operator `=~`"),
        (format!("{f} |> filter(fn: (r) => r.host)"), 1, 40, "expected a comparison after column `host`"),
        (format!("{f} |> filter(fn: (r) => r.a == r.b)"), 1, 40, "comparing two columns"),
        (format!("{f} |> filter(fn: (r) => 1 == 2)"), 1, 40, "needs a column"),
        (format!("{f} |> filter(fn: (r) => x.a == 1)"), 1, 40, "package `x` is not supported"),
        (format!("{f} |> filter(fn: (r) => x == 1)"), 1, 40, "unknown identifier `x` (the row is `r`)"),
        (format!("{f} |> filter(fn: (r) => strings.hasPrefix(v: r.a, prefix: \"x\"))"), 1, 40, "`strings` is not supported"),
        (format!("{f} |> filter(fn: (r) => exists r.a)"), 1, 40, "operator `exists`"),
        (format!("{f} |> filter(fn: (r) => r.a + 1 == 2)"), 1, 44, "arithmetic `+`"),
        (format!("{f} |> filter(fn: (r) => r._field == \"x\")"), 1, 40, "column `_field` is not supported"),
        (format!("{f} |> filter(fn: (r) => r._value > 1)"), 1, 40, "column `_value` is not supported"),
        (format!("{f} |> filter(fn: (r) => r._measurement == 1)"), 1, 58, "cannot compare it with a integer"),
        (format!("{f} |> filter(fn: (r) => r[\"a\\\"b\"] == 1)"), 1, 40, "JSON paths cannot address"),
        (format!("{f} |> filter(fn: (r) => r.a == 99999999999999999999)"), 1, 47, "integer literal 99999999999999999999 is out of range"),
        (format!("{f} |> filter(fn: (r) => r.a == 1e999)"), 1, 47, "float literal `1e999` is out of range"),
        (format!("{f} |> filter(fn: (r) => r.a == -1h)"), 1, 48, "expected a number after `-`, found duration 1h"),
        (format!("{f} |> filter(fn: (r) => {{ return true }})"), 1, 40, "function blocks"),
        (format!("{f} |> filter(fn: (r, s) => true)"), 1, 35, "exactly one parameter"),
        (format!("{f} |> filter(fn: (not) => true)"), 1, 34, "is a keyword"),
        (format!("{f} |> filter(fn: (r) => (r.a == 1) == true)"), 1, 51, "cannot compare a parenthesised expression"),
        (format!("{f} |> filter(fn: (r) => r.a == \"${{x}}\")"), 1, 48, "string interpolation"),
        (format!("{f} |> filter(fn: (r) => r.a == \"\\q\")"), 1, 48, "unknown escape `\\q`"),
        (format!("{f} |> filter(fn: (r) => r.a == \"open)"), 1, 47, "unterminated string"),
        (format!("{f} |> filter(fn: (r) => r.a == [1])"), 1, 47, "arrays are not supported"),
        (format!("{f} |> filter()"), 1, 29, "filter() needs `fn:`"),
        (format!("{f} |> limit(n: -1)"), 1, 31, "must not be negative"),
        (format!("{f} |> limit(n: 1.5)"), 1, 31, "must be an integer"),
        (format!("{f} |> limit(offset: 1)"), 1, 37, "limit() needs `n:`"),
        (format!("{f} |> sort()"), 1, 27, "sort() needs `columns:`"),
        (format!("{f} |> sort(columns: [])"), 1, 37, "at least one column"),
        (format!("{f} |> sort(columns: [\"_value\"])"), 1, 22, "column `_value` is not supported"),
        (format!("{f} |> sort(columns: [\"a\"], desc: 1)"), 1, 49, "must be true or false"),
        (format!("{f} |> from(bucket: \"c\")"), 1, 22, "only at the start"),
        (format!("{f} |> "), 1, 22, "expected a function call, found end of query"),
        (format!("{f} range(start: -1h)"), 1, 19, "unexpected identifier `range` after the pipeline"),
        ("range(start: -1h)".into(), 1, 1, "a query starts with from"),
        ("from()".into(), 1, 6, "from() needs `bucket:`"),
        ("from(bucket: 1)".into(), 1, 14, "from() bucket must be a string"),
        ("from(bucket: \"b\", host: \"h\")".into(), 1, 19, "unsupported argument `host`"),
        ("from(bucket: \"b\"".into(), 1, 17, "expected `,` or `)` in from()"),
        ("x = from(bucket: \"b\")".into(), 1, 1, "variable assignments"),
        ("import \"strings\"".into(), 1, 8, "expected `(` after `import`"),
        ("from(bucket: \"b\")\n  |> map(fn: (r) => r)".into(), 2, 6, "unsupported function `map()`"),
        ("from(bucket: \"b\")\n  |> filter(fn: (r) =>\n    r.a # 1)".into(), 3, 9, "unexpected character `#`"),
        ("from(bucket: \"b\") |> filter(fn: (r) => r.a ! 1)".into(), 1, 44, "unexpected character `!`"),
        ("from(bucket: \"b\") |> filter(fn: (r) => r.a == 1x)".into(), 1, 47, "duration 1x cannot be compared"),
        ("from(bucket: \"b\") |> filter(fn: (r) => r.a == 1.5e)".into(), 1, 47, "malformed number"),
    ];
    let mut wrong = Vec::new();
    for (q, line, col, needle) in &cases {
        let e = error(q);
        if !e.message.contains(needle) || (e.pos.line, e.pos.col) != (*line, *col) {
            wrong.push(format!("{q:?}: got {e}, want {line}:{col} {needle:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    for (q, line, col, _) in cases {
        let e = error(&q);
        let err: store::Error = e.clone().into();
        assert_eq!(err.kind(), store::ErrorKind::Query);
        assert!(err.message().contains(&format!("{line}:{col}")), "{err}");
    }
}

// ---- randomised property test --------------------------------------------

/// xorshift64*: small, seeded, reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const NAMES: &[&str] = &["_measurement", "_bucket", "host", "region", "load", "complete", "a b", "ünï", "x\"y", "_field"];

fn gen_literal(rng: &mut Rng) -> String {
    match rng.below(7) {
        0 => format!("{:?}", rng.pick(&["cpu", "", "a\"b", "tab\there", "$x", "\\", "über"])),
        1 => (rng.next() as i64 >> rng.below(63)).to_string(),
        2 => format!("{:?}", (rng.next() as i64 >> 20) as f64 / 1024.0),
        3 => "true".into(),
        4 => "false".into(),
        5 => "-9223372036854775808".into(),
        _ => format!("{:e}", rng.next() as f64),
    }
}

fn gen_column(rng: &mut Rng) -> String {
    let name = rng.pick(NAMES);
    if rng.below(2) == 0 && !name.contains(' ') && !name.contains('"') && name.is_ascii() {
        format!("r.{name}")
    } else {
        format!("r[{name:?}]")
    }
}

fn gen_expr(rng: &mut Rng, depth: usize) -> String {
    let leaf = depth == 0 || rng.below(3) == 0;
    if leaf {
        if rng.below(10) == 0 {
            return rng.pick(&["true", "false"]).into();
        }
        let op = rng.pick(&["==", "!=", "<", "<=", ">", ">="]);
        return if rng.below(4) == 0 {
            format!("{} {op} {}", gen_literal(rng), gen_column(rng))
        } else {
            format!("{} {op} {}", gen_column(rng), gen_literal(rng))
        };
    }
    match rng.below(4) {
        0 => format!("{} and {}", gen_expr(rng, depth - 1), gen_expr(rng, depth - 1)),
        1 => format!("{} or {}", gen_expr(rng, depth - 1), gen_expr(rng, depth - 1)),
        2 => format!("not {}", gen_expr(rng, depth - 1)),
        _ => format!("({})", gen_expr(rng, depth - 1)),
    }
}

fn gen_time(rng: &mut Rng) -> String {
    match rng.below(6) {
        0 => "now()".into(),
        1 => format!("-{}h{}m", rng.below(100), rng.below(60)),
        2 => format!("-{}{}", rng.below(1000), rng.pick(&["ns", "us", "µs", "ms", "s", "m", "h", "d", "w"])),
        3 => "\"2026-03-30T00:00:00Z\"".into(),
        4 => "time(v: \"2026-03-30T01:02:03.5+01:00\")".into(),
        _ => "2026-03-29T00:00:00Z".into(),
    }
}

fn gen_query(rng: &mut Rng) -> String {
    let mut q = format!("from(bucket: {:?})", rng.pick(&["events", "store", "a\"b"]));
    for _ in 0..rng.below(5) {
        let stage = match rng.below(5) {
            0 => format!("range(start: {})", gen_time(rng)),
            1 => format!("range(start: {}, stop: {})", gen_time(rng), gen_time(rng)),
            2 => format!("filter(fn: (r) => {})", gen_expr(rng, 3)),
            3 => format!("limit(n: {}{})", rng.below(100), if rng.below(2) == 0 { ", offset: 3" } else { "" }),
            _ => format!("sort(columns: [{:?}], desc: {})", rng.pick(NAMES), rng.below(2) == 0),
        };
        q.push_str(if rng.below(3) == 0 { "\n  |> " } else { " |> " });
        q.push_str(&stage);
    }
    q
}

/// Breaks a query the way typing does: drop, duplicate or swap characters,
/// or splice in Flux-ish fragments.
fn mutate(rng: &mut Rng, q: &str) -> String {
    let mut chars: Vec<char> = q.chars().collect();
    for _ in 0..1 + rng.below(4) {
        let at = if chars.is_empty() { 0 } else { rng.below(chars.len()) };
        match rng.below(5) {
            0 if !chars.is_empty() => {
                chars.remove(at);
            }
            1 if !chars.is_empty() => {
                let c = chars[at];
                chars.insert(at, c);
            }
            2 if chars.len() > 1 => {
                let other = (at + 1) % chars.len();
                chars.swap(at, other)
            }
            _ => {
                let frag = rng.pick(&["(", ")", "\"", "|>", "-", "==", "r.", "[", "]", ",", ":", "not ", "1e", "9999999999999999999999", "µ", "\\", "${", "//", "\n", "=>", "2026-01-01T"]);
                for (i, c) in frag.chars().enumerate() {
                    chars.insert(at + i, c);
                }
            }
        }
    }
    chars.into_iter().collect()
}

fn check_round_trip(q: &str) -> bool {
    let Ok(ast) = parse(q) else { return false };
    let printed = print(&ast);
    let again = parse(&printed).unwrap_or_else(|e| panic!("printed form of {q:?} does not parse: {printed:?}: {e}"));
    assert_eq!(print(&again), printed, "print is not a fixed point for {q:?}");
    assert_eq!(strip(&again), strip(&ast), "reparse changed the tree for {q:?}");
    // Planning never panics either (it may refuse, e.g. `_field`).
    let _ = plan(&ast, NOW);
    true
}

/// The tree with positions zeroed, for structural comparison.
fn strip(p: &flux::Pipeline) -> String {
    let text = format!("{p:?}");
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(i) = rest.find("Pos { line: ") {
        out.push_str(&rest[..i]);
        let end = rest[i..].find('}').expect("Pos closes") + i + 1;
        out.push_str("Pos");
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

#[test]
fn parser_never_panics_and_print_parse_is_stable() {
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    let started = std::time::Instant::now();
    let (mut valid, mut total) = (0, 0);
    for case in 0..20_000 {
        let q = gen_query(&mut rng);
        let q = if case % 2 == 0 { q } else { mutate(&mut rng, &q) };
        let outcome = std::panic::catch_unwind(|| check_round_trip(&q));
        match outcome {
            Ok(ok) => valid += usize::from(ok),
            Err(_) => panic!("case {case} panicked on {q:?}"),
        }
        total += 1;
        assert!(started.elapsed().as_secs() < 60, "property test exceeded its time budget");
    }
    // The generator must exercise the happy path, not only errors.
    assert!(valid > total / 3, "only {valid} of {total} generated queries parsed");
}

#[test]
fn raw_bytes_never_panic() {
    let mut rng = Rng(42);
    let alphabet: Vec<char> = "fromrangefilter()[]{}\"\\|>=!<-.,:_0123456789eµhdn \n\tr$#".chars().collect();
    for _ in 0..5_000 {
        let len = rng.below(60);
        let q: String = (0..len).map(|_| alphabet[rng.below(alphabet.len())]).collect();
        let _ = check_round_trip(&q);
    }
}

// ---- against go-store's schema -------------------------------------------

/// go-store's DDL for `journal_entries` (contract §6.1), verbatim.
const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS journal_entries (
	entry_id      INTEGER PRIMARY KEY AUTOINCREMENT,
	bucket_name   TEXT NOT NULL,
	measurement   TEXT NOT NULL,
	fields_json   TEXT NOT NULL,
	tags_json     TEXT NOT NULL,
	committed_at  INTEGER NOT NULL,
	archived_at   INTEGER
);
CREATE INDEX IF NOT EXISTS journal_entries_bucket_committed_at_idx ON journal_entries (bucket_name, committed_at);";

fn seeded() -> Connection {
    let db = Connection::open_in_memory().unwrap();
    db.execute_batch(SCHEMA).unwrap();
    let rows = [
        ("events", "cpu", r#"{"load":0.5,"n":1}"#, r#"{"host":"a"}"#, NOW - 3 * HOUR, None),
        ("events", "cpu", r#"{"load":1.5,"n":2}"#, r#"{"host":"b"}"#, NOW - 2 * HOUR, None),
        ("events", "mem", r#"{"complete":true,"n":3}"#, r#"{"host":"a"}"#, NOW - HOUR, None),
        ("events", "mem", r#"{"complete":false,"host":"field-host"}"#, r#"{}"#, NOW - HOUR, None),
        ("events", "cpu", r#"{"load":9}"#, r#"{"host":"a"}"#, NOW - 4 * HOUR, Some(NOW)),
        ("other", "cpu", r#"{"load":0.5}"#, r#"{"host":"a"}"#, NOW - HOUR, None),
        ("events", "cpu", r#"{"load":"high"}"#, r#"{"host":"c"}"#, NOW - 30 * 60_000, None),
    ];
    for (b, m, f, t, at, archived) in rows {
        db.execute(
            "INSERT INTO journal_entries (bucket_name, measurement, fields_json, tags_json, committed_at, archived_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            rusqlite::params![b, m, f, t, at, archived],
        )
        .unwrap();
    }
    db
}

fn to_sql(v: &SqlValue) -> rusqlite::types::Value {
    match v {
        SqlValue::Text(s) => rusqlite::types::Value::Text(s.clone()),
        SqlValue::Int(i) => rusqlite::types::Value::Integer(*i),
        SqlValue::Real(f) => rusqlite::types::Value::Real(*f),
    }
}

/// Runs `q`; returns each row as `measurement:fields_json`.
fn run(db: &Connection, q: &str) -> Vec<String> {
    let p = compile(q);
    let mut stmt = db.prepare(&p.sql).unwrap_or_else(|e| panic!("{q}: {}: {e}", p.sql));
    let rows = stmt
        .query_map(params_from_iter(p.params.iter().map(to_sql)), |r| {
            Ok(format!("{}:{}", r.get::<_, String>(1)?, r.get::<_, String>(2)?))
        })
        .unwrap();
    rows.map(Result::unwrap).collect()
}

#[test]
fn queries_return_the_right_rows() {
    let db = seeded();
    let all = run(&db, r#"from(bucket: "events")"#);
    assert_eq!(
        all,
        vec![
            r#"cpu:{"load":0.5,"n":1}"#,
            r#"cpu:{"load":1.5,"n":2}"#,
            r#"mem:{"complete":true,"n":3}"#,
            r#"mem:{"complete":false,"host":"field-host"}"#,
            r#"cpu:{"load":"high"}"#,
        ],
        "archived rows and other buckets are excluded; ties keep insertion order"
    );
    let q = |f: &str| run(&db, &format!(r#"from(bucket: "events") |> {f}"#));
    assert_eq!(q("range(start: -150m, stop: -30m)").len(), 3);
    assert_eq!(q(r#"filter(fn: (r) => r.host == "a")"#).len(), 2);
    assert_eq!(q(r#"filter(fn: (r) => r.host == "field-host")"#), vec![r#"mem:{"complete":false,"host":"field-host"}"#]);
    assert_eq!(q(r#"filter(fn: (r) => r.load > 1)"#), vec![r#"cpu:{"load":1.5,"n":2}"#], "typed: \"high\" is not a number");
    assert_eq!(q(r#"filter(fn: (r) => r.load == 0.5)"#).len(), 1);
    assert_eq!(q(r#"filter(fn: (r) => r.n == 2.0)"#), vec![r#"cpu:{"load":1.5,"n":2}"#], "ints compare with floats");
    assert_eq!(q(r#"filter(fn: (r) => r.complete == true)"#), vec![r#"mem:{"complete":true,"n":3}"#]);
    assert_eq!(q(r#"filter(fn: (r) => r.complete != true)"#), vec![r#"mem:{"complete":false,"host":"field-host"}"#]);
    assert_eq!(q(r#"filter(fn: (r) => r.n == 1 or r.n == 3)"#).len(), 2);
    assert_eq!(q(r#"filter(fn: (r) => not r.n == 1)"#).len(), 2, "rows without n never match");
    assert_eq!(q(r#"filter(fn: (r) => r._measurement == "cpu" and not (r.host == "a" or r.host == "c"))"#).len(), 1);
    assert_eq!(q(r#"filter(fn: (r) => r.n == "1")"#).len(), 0, "a string never equals a number");
    assert_eq!(q(r#"filter(fn: (r) => r.missing < 5)"#).len(), 0);
    assert_eq!(
        q(r#"sort(columns: ["_time"], desc: true) |> limit(n: 2)"#),
        vec![r#"cpu:{"load":"high"}"#, r#"mem:{"complete":true,"n":3}"#],
        "stable sort: equal times keep insertion order"
    );
    assert_eq!(
        q(r#"limit(n: 2) |> sort(columns: ["_time"], desc: true)"#),
        vec![r#"cpu:{"load":1.5,"n":2}"#, r#"cpu:{"load":0.5,"n":1}"#],
        "limit first, then sort the two"
    );
    assert_eq!(q("limit(n: 2, offset: 3)").len(), 2);
    assert_eq!(q(r#"limit(n: 3) |> filter(fn: (r) => r._measurement == "mem")"#).len(), 1);
    assert_eq!(q(r#"sort(columns: ["host"]) |> limit(n: 1)"#), vec![r#"cpu:{"load":0.5,"n":1}"#]);
    assert_eq!(run(&db, r#"from(bucket: "other") |> filter(fn: (r) => r._bucket == "other")"#).len(), 1);
}

#[test]
fn plans_use_the_bucket_time_index() {
    let db = seeded();
    for q in [
        r#"from(bucket: "events")"#,
        r#"from(bucket: "events") |> range(start: -1h)"#,
        r#"from(bucket: "events") |> range(start: -24h) |> filter(fn: (r) => r._measurement == "cpu" and r.host == "a")"#,
        r#"from(bucket: "events") |> limit(n: 2) |> sort(columns: ["_time"], desc: true)"#,
    ] {
        let p = compile(q);
        let mut stmt = db.prepare(&format!("EXPLAIN QUERY PLAN {}", p.sql)).unwrap();
        let details: Vec<String> = stmt
            .query_map(params_from_iter(p.params.iter().map(to_sql)), |r| r.get::<_, String>(3))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let plan = details.join(" | ");
        assert!(
            plan.contains("USING INDEX journal_entries_bucket_committed_at_idx (bucket_name=?"),
            "{q}: {plan}"
        );
        assert!(!plan.contains("SCAN journal_entries"), "{q}: full scan: {plan}");
        if !q.contains("sort") {
            assert!(!plan.contains("TEMP B-TREE"), "{q}: the index order serves ORDER BY: {plan}");
        }
        if q.contains("range") {
            assert!(plan.contains("committed_at>?"), "{q}: range uses the index: {plan}");
        }
    }
}
