//! A subset of InfluxDB's Flux, parsed by a real lexer and parser and
//! compiled to one parameterised SQL statement over `journal_entries`.
//!
//! go-store recognised Flux with regular expressions and silently ignored
//! whatever they missed, returning wrong rows. Here every construct outside
//! the subset is an error that names it and its position (`line:col`).
//!
//! Supported, in any order after `from`:
//!
//! ```text
//! from(bucket: "events")
//!   |> range(start: -1h30m, stop: now())          // durations, RFC 3339, now(), time(v: "…")
//!   |> filter(fn: (r) => r._measurement == "cpu" and (r.host != "a" or not r["load"] > 0.5))
//!   |> sort(columns: ["_time"], desc: true)
//!   |> limit(n: 10, offset: 0)
//! ```
//!
//! Journal rows are not Flux tables split by series: the whole result is one
//! table, so `limit` and `sort` apply to all rows, in pipeline order. `r.NAME`
//! reads tag `NAME`, else field `NAME`; comparisons are typed (a string
//! literal matches string values only, numbers match integer and float
//! fields, booleans match boolean fields) and a missing value never matches.
//! A range without `stop` has no upper bound (go-store's behaviour).
//!
//! This module has no SQLite in it: [`plan`] returns SQL text and parameters.

mod ast;
mod lexer;
mod parser;
mod plan;
mod printer;
mod time;

pub use ast::{CmpOp, Column, Duration, DurationUnit, Expr, Literal, Operand, Pipeline, Stage, StageKind, TimeExpr, TimeSyntax};
pub use lexer::{tokenize, Token, TokenKind};
pub use parser::parse;
pub use plan::{plan, Plan, SqlValue, JOURNAL_COLUMNS};
pub use printer::print;

use std::fmt;

/// A place in the query text: 1-based line and column (columns count characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pos {
    /// Line, from 1.
    pub line: u32,
    /// Column, from 1, in characters.
    pub col: u32,
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.col)
    }
}

/// A query the subset cannot run: what and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FluxError {
    /// Where the offending construct starts.
    pub pos: Pos,
    /// What is wrong, naming the construct.
    pub message: String,
}

impl FluxError {
    pub(crate) fn new(pos: Pos, message: impl Into<String>) -> FluxError {
        FluxError { pos, message: message.into() }
    }
}

impl fmt::Display for FluxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.pos, self.message)
    }
}

impl std::error::Error for FluxError {}

impl From<FluxError> for crate::Error {
    fn from(e: FluxError) -> crate::Error {
        crate::Error::new(crate::ErrorKind::Query, format!("flux: {e}"))
    }
}
