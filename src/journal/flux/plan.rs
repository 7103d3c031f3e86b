//! A [`Pipeline`] to one parameterised SQL statement over go-store's
//! `journal_entries` table.
//!
//! The innermost SELECT always constrains `bucket_name = ?` (from `from`) and
//! puts every range before any limit as `committed_at` bounds, so SQLite
//! answers it from the `(bucket_name, committed_at)` index, in index order.
//! A stage after a `limit` works on the limited rows, so it wraps the
//! statement so far as a subquery; each level restates its ORDER BY, since
//! SQL does not promise that a subquery's order survives.

use super::ast::*;
use super::time;
use super::{FluxError, Pos};
use std::fmt::Write;

/// Columns of every returned row, as go-store returns them.
pub const JOURNAL_COLUMNS: &str = "bucket_name, measurement, fields_json, tags_json, committed_at, archived_at";

/// The statement for a pipeline: run `sql` with `params` bound to `?1`, `?2`, ….
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// SQL text with numbered parameters.
    pub sql: String,
    /// Values for `?1..?N`, in order.
    pub params: Vec<SqlValue>,
}

/// A bound parameter value.
#[derive(Debug, Clone, PartialEq)]
pub enum SqlValue {
    Text(String),
    Int(i64),
    Real(f64),
}

/// One SELECT: its conditions, order and limit.
struct Level {
    conds: Vec<String>,
    order: Vec<String>,
    limit: Option<String>,
}

impl Level {
    fn new(order: Vec<String>) -> Level {
        Level { conds: Vec::new(), order, limit: None }
    }
}

struct Builder {
    params: Vec<SqlValue>,
}

impl Builder {
    fn push(&mut self, v: SqlValue) -> String {
        self.params.push(v);
        format!("?{}", self.params.len())
    }

    /// The JSON path `$."name"`, shared by every use of the same name.
    fn path(&mut self, name: &str, pos: Pos) -> Result<String, FluxError> {
        if name.contains('"') {
            return Err(FluxError::new(pos, format!("column name `{name}` contains `\"`, which JSON paths cannot address")));
        }
        let path = format!("$.\"{name}\"");
        if let Some(i) = self.params.iter().position(|p| matches!(p, SqlValue::Text(t) if *t == path)) {
            return Ok(format!("?{}", i + 1));
        }
        Ok(self.push(SqlValue::Text(path)))
    }
}

/// Compiles `p` to SQL; relative times count from `now_ms` (Unix ms).
pub fn plan(p: &Pipeline, now_ms: i64) -> Result<Plan, FluxError> {
    let mut b = Builder { params: Vec::new() };
    let default_order = vec!["committed_at".to_string(), "entry_id".to_string()];
    let mut levels = vec![Level::new(default_order)];
    for stage in &p.stages {
        // A stage after a limit sees only the limited rows.
        let limited = levels.last().is_some_and(|l| l.limit.is_some());
        if limited && !matches!(stage.kind, StageKind::From { .. }) {
            let order = levels.last().map(|l| l.order.clone()).unwrap_or_default();
            levels.push(Level::new(order));
        }
        let level = levels.last_mut().expect("at least one level");
        match &stage.kind {
            StageKind::From { bucket } => {
                let v = b.push(SqlValue::Text(bucket.clone()));
                level.conds.push(format!("bucket_name = {v}"));
            }
            StageKind::Range { start, stop } => {
                let start = b.push(SqlValue::Int(time::resolve(start, now_ms)?));
                level.conds.push(format!("committed_at >= {start}"));
                if let Some(stop) = stop {
                    let stop = b.push(SqlValue::Int(time::resolve(stop, now_ms)?));
                    level.conds.push(format!("committed_at < {stop}"));
                }
            }
            StageKind::Filter { body, .. } => {
                let mut sql = String::new();
                predicate(&mut b, &mut sql, body)?;
                level.conds.push(sql);
            }
            StageKind::Limit { n, offset } => {
                let n = b.push(SqlValue::Int(*n));
                level.limit = Some(match offset {
                    Some(o) => format!("{n} OFFSET {}", b.push(SqlValue::Int(*o))),
                    None => n,
                });
            }
            StageKind::Sort { columns, desc } => {
                let dir = if *desc { " DESC" } else { "" };
                let mut order = Vec::with_capacity(columns.len() + level.order.len());
                for c in columns {
                    order.push(format!("{}{dir}", sort_key(&mut b, c, stage.pos)?));
                }
                // Flux's sort is stable: rows equal on the keys keep their order.
                order.extend(level.order.iter().cloned());
                level.order = order;
            }
        }
    }
    let mut sql = String::new();
    let last = levels.len() - 1;
    for i in (0..levels.len()).rev() {
        let columns = if i == last { JOURNAL_COLUMNS.to_string() } else { format!("entry_id, {JOURNAL_COLUMNS}") };
        let _ = write!(sql, "SELECT {columns} FROM ");
        if i == 0 {
            sql.push_str("journal_entries");
        } else {
            sql.push('(');
        }
    }
    for (i, level) in levels.iter().enumerate() {
        if i > 0 {
            sql.push(')');
        }
        let mut conds = level.conds.iter();
        if i == 0 {
            sql.push_str(" WHERE archived_at IS NULL");
        } else if let Some(first) = conds.next() {
            let _ = write!(sql, " WHERE {first}");
        }
        for c in conds {
            let _ = write!(sql, " AND {c}");
        }
        let _ = write!(sql, " ORDER BY {}", level.order.join(", "));
        if let Some(limit) = &level.limit {
            let _ = write!(sql, " LIMIT {limit}");
        }
    }
    Ok(Plan { sql, params: b.params })
}

/// The row's value for a sort column.
fn sort_key(b: &mut Builder, name: &str, pos: Pos) -> Result<String, FluxError> {
    Ok(match name {
        "_time" => "committed_at".into(),
        "_measurement" => "measurement".into(),
        "_bucket" => "bucket_name".into(),
        _ if name.starts_with('_') => return Err(unsupported_column(name, pos)),
        _ => {
            let p = b.path(name, pos)?;
            format!("coalesce(json_extract(tags_json, {p}), json_extract(fields_json, {p}))")
        }
    })
}

fn unsupported_column(name: &str, pos: Pos) -> FluxError {
    FluxError::new(
        pos,
        format!("column `{name}` is not supported (use _measurement, _bucket, or a tag or field name)"),
    )
}

fn predicate(b: &mut Builder, sql: &mut String, e: &Expr) -> Result<(), FluxError> {
    match e {
        Expr::Or(l, r) | Expr::And(l, r) => {
            let word = if matches!(e, Expr::Or(..)) { " OR " } else { " AND " };
            sql.push('(');
            predicate(b, sql, l)?;
            sql.push_str(word);
            predicate(b, sql, r)?;
            sql.push(')');
        }
        Expr::Not(inner, _) => {
            sql.push_str("NOT ");
            // Comparisons and Bools are already atomic; And/Or bring their parentheses.
            predicate(b, sql, inner)?;
        }
        Expr::Bool(v, _) => sql.push_str(if *v { "1" } else { "0" }),
        Expr::Compare { left, op, right, .. } => {
            let (column, op, literal, lpos) = match (left, right) {
                (Operand::Column(c), Operand::Literal(l, p)) => (c, *op, l, *p),
                (Operand::Literal(l, p), Operand::Column(c)) => (c, op.flipped(), l, *p),
                _ => unreachable!("the parser admits only column-literal comparisons"),
            };
            let sql_op = match op {
                CmpOp::Eq => "=",
                CmpOp::Ne => "!=",
                other => other.symbol(),
            };
            let value = column_value(b, column, literal, lpos)?;
            let bound = match literal {
                Literal::Str(s) => b.push(SqlValue::Text(s.clone())),
                Literal::Int(i) => b.push(SqlValue::Int(*i)),
                Literal::Float(f) => b.push(SqlValue::Real(*f)),
                Literal::Bool(v) => b.push(SqlValue::Int(i64::from(*v))),
            };
            let _ = write!(sql, "{value} {sql_op} {bound}");
        }
    }
    Ok(())
}

/// SQL for the column's value, typed by the literal it is compared with;
/// NULL when the row has no value of that type (so it never matches).
fn column_value(b: &mut Builder, c: &Column, literal: &Literal, lpos: Pos) -> Result<String, FluxError> {
    let type_name = match literal {
        Literal::Str(_) => "string",
        Literal::Int(_) => "integer",
        Literal::Float(_) => "float",
        Literal::Bool(_) => "boolean",
    };
    match c.name.as_str() {
        "_measurement" | "_bucket" => {
            if !matches!(literal, Literal::Str(_)) {
                return Err(FluxError::new(lpos, format!("`{}` is a string; cannot compare it with a {type_name}", c.name)));
            }
            Ok(if c.name == "_measurement" { "measurement" } else { "bucket_name" }.into())
        }
        name if name.starts_with('_') => Err(unsupported_column(name, c.pos)),
        name => {
            let p = b.path(name, c.pos)?;
            Ok(match literal {
                Literal::Str(_) => format!(
                    "(CASE WHEN json_type(tags_json, {p}) = 'text' THEN json_extract(tags_json, {p}) \
                     WHEN json_type(fields_json, {p}) = 'text' THEN json_extract(fields_json, {p}) END)"
                ),
                Literal::Int(_) | Literal::Float(_) => format!(
                    "(CASE WHEN json_type(fields_json, {p}) IN ('integer', 'real') THEN json_extract(fields_json, {p}) END)"
                ),
                Literal::Bool(_) => format!(
                    "(CASE json_type(fields_json, {p}) WHEN 'true' THEN 1 WHEN 'false' THEN 0 END)"
                ),
            })
        }
    }
}
