//! The parsed query: a pipeline of stages, each with its position.

use super::Pos;

/// `from(...) |> stage |> stage …`; the first stage is always `from`.
#[derive(Debug, Clone, PartialEq)]
pub struct Pipeline {
    /// Stages in pipe order.
    pub stages: Vec<Stage>,
}

/// One call in the pipeline.
#[derive(Debug, Clone, PartialEq)]
pub struct Stage {
    /// Where the call's name starts.
    pub pos: Pos,
    /// What it does.
    pub kind: StageKind,
}

/// The calls of the subset.
#[derive(Debug, Clone, PartialEq)]
pub enum StageKind {
    /// `from(bucket: "name")`.
    From { bucket: String },
    /// `range(start: …, stop: …)`: start inclusive, stop exclusive.
    Range { start: TimeExpr, stop: Option<TimeExpr> },
    /// `filter(fn: (param) => body)`.
    Filter { param: String, body: Expr },
    /// `limit(n: …, offset: …)`.
    Limit { n: i64, offset: Option<i64> },
    /// `sort(columns: [...], desc: …)`.
    Sort { columns: Vec<String>, desc: bool },
}

/// A point in time, resolved against "now" when the query is planned.
#[derive(Debug, Clone, PartialEq)]
pub enum TimeExpr {
    /// Now plus a signed duration (`-24h` is the past).
    Relative { duration: Duration, pos: Pos },
    /// `now()`.
    Now { pos: Pos },
    /// An RFC 3339 date-time, as written.
    Absolute { text: String, syntax: TimeSyntax, pos: Pos },
}

/// How an absolute time was written (kept so printing round-trips).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeSyntax {
    /// `2026-03-30T00:00:00Z`
    Bare,
    /// `"2026-03-30T00:00:00Z"` (go-store's form; a quoted duration such as `"-24h"` is accepted too)
    Quoted,
    /// `time(v: "2026-03-30T00:00:00Z")`
    TimeCall,
}

/// A signed sum of magnitudes and units, e.g. `-1h30m`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duration {
    /// True for a leading minus.
    pub negative: bool,
    /// `(magnitude, unit)` in written order.
    pub parts: Vec<(u64, DurationUnit)>,
}

/// Duration units. Months and years are calendar-dependent and not supported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DurationUnit {
    Nanosecond,
    Microsecond,
    Millisecond,
    Second,
    Minute,
    Hour,
    Day,
    Week,
}

impl DurationUnit {
    /// The unit's suffix in Flux text.
    pub fn suffix(self) -> &'static str {
        match self {
            DurationUnit::Nanosecond => "ns",
            DurationUnit::Microsecond => "us",
            DurationUnit::Millisecond => "ms",
            DurationUnit::Second => "s",
            DurationUnit::Minute => "m",
            DurationUnit::Hour => "h",
            DurationUnit::Day => "d",
            DurationUnit::Week => "w",
        }
    }

    /// The unit for a suffix; `µs` is accepted for microseconds.
    pub fn from_suffix(s: &str) -> Option<DurationUnit> {
        Some(match s {
            "ns" => DurationUnit::Nanosecond,
            "us" | "µs" => DurationUnit::Microsecond,
            "ms" => DurationUnit::Millisecond,
            "s" => DurationUnit::Second,
            "m" => DurationUnit::Minute,
            "h" => DurationUnit::Hour,
            "d" => DurationUnit::Day,
            "w" => DurationUnit::Week,
            _ => return None,
        })
    }

    /// Length in nanoseconds.
    pub fn nanos(self) -> i128 {
        match self {
            DurationUnit::Nanosecond => 1,
            DurationUnit::Microsecond => 1_000,
            DurationUnit::Millisecond => 1_000_000,
            DurationUnit::Second => 1_000_000_000,
            DurationUnit::Minute => 60_000_000_000,
            DurationUnit::Hour => 3_600_000_000_000,
            DurationUnit::Day => 86_400_000_000_000,
            DurationUnit::Week => 604_800_000_000_000,
        }
    }
}

/// A predicate over one row.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// `a or b`
    Or(Box<Expr>, Box<Expr>),
    /// `a and b`
    And(Box<Expr>, Box<Expr>),
    /// `not a`
    Not(Box<Expr>, Pos),
    /// `left op right`: one side a column, the other a literal.
    Compare { left: Operand, op: CmpOp, right: Operand, pos: Pos },
    /// `true` / `false` on its own.
    Bool(bool, Pos),
}

/// Comparison operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CmpOp {
    /// Flux (and SQL) spelling.
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }

    /// The operator with its sides swapped (`a < b` ⇔ `b > a`).
    pub fn flipped(self) -> CmpOp {
        match self {
            CmpOp::Lt => CmpOp::Gt,
            CmpOp::Le => CmpOp::Ge,
            CmpOp::Gt => CmpOp::Lt,
            CmpOp::Ge => CmpOp::Le,
            same => same,
        }
    }
}

/// One side of a comparison.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    /// `r.name` or `r["name"]`.
    Column(Column),
    /// A constant.
    Literal(Literal, Pos),
}

/// A column of the row parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// The column name (`_measurement`, `_bucket`, or a tag/field name).
    pub name: String,
    /// Where the reference starts.
    pub pos: Pos,
}

/// Constants a filter can compare with.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
}
