//! A [`Pipeline`] back to canonical Flux text: one line, stages joined by
//! ` |> `, every argument spelled out, parentheses only where precedence
//! needs them. Parsing the output gives the same pipeline.

use super::ast::*;
use std::fmt::Write;

/// Canonical Flux text for `p`.
pub fn print(p: &Pipeline) -> String {
    let mut out = String::new();
    for (i, stage) in p.stages.iter().enumerate() {
        if i > 0 {
            out.push_str(" |> ");
        }
        stage_text(&mut out, &stage.kind);
    }
    out
}

fn stage_text(out: &mut String, kind: &StageKind) {
    match kind {
        StageKind::From { bucket } => {
            out.push_str("from(bucket: ");
            string(out, bucket);
            out.push(')');
        }
        StageKind::Range { start, stop } => {
            out.push_str("range(start: ");
            time(out, start);
            if let Some(stop) = stop {
                out.push_str(", stop: ");
                time(out, stop);
            }
            out.push(')');
        }
        StageKind::Filter { param, body } => {
            let _ = write!(out, "filter(fn: ({param}) => ");
            expr(out, param, body, 0);
            out.push(')');
        }
        StageKind::Limit { n, offset } => {
            let _ = write!(out, "limit(n: {n}");
            if let Some(offset) = offset {
                let _ = write!(out, ", offset: {offset}");
            }
            out.push(')');
        }
        StageKind::Sort { columns, desc } => {
            out.push_str("sort(columns: [");
            for (i, c) in columns.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                string(out, c);
            }
            let _ = write!(out, "], desc: {desc})");
        }
    }
}

fn time(out: &mut String, t: &TimeExpr) {
    match t {
        TimeExpr::Now { .. } => out.push_str("now()"),
        TimeExpr::Relative { duration, .. } => {
            if duration.negative {
                out.push('-');
            }
            for (magnitude, unit) in &duration.parts {
                let _ = write!(out, "{magnitude}{}", unit.suffix());
            }
        }
        TimeExpr::Absolute { text, syntax, .. } => match syntax {
            TimeSyntax::Bare => out.push_str(text),
            TimeSyntax::Quoted => string(out, text),
            TimeSyntax::TimeCall => {
                out.push_str("time(v: ");
                string(out, text);
                out.push(')');
            }
        },
    }
}

fn precedence(e: &Expr) -> u8 {
    match e {
        Expr::Or(..) => 1,
        Expr::And(..) => 2,
        Expr::Not(..) => 3,
        Expr::Compare { .. } | Expr::Bool(..) => 4,
    }
}

/// Writes `e`, parenthesised when its precedence is below `min`.
fn expr(out: &mut String, param: &str, e: &Expr, min: u8) {
    let wrap = precedence(e) < min;
    if wrap {
        out.push('(');
    }
    match e {
        // Left-associative: the right operand needs parentheses at equal precedence.
        Expr::Or(a, b) => {
            expr(out, param, a, 1);
            out.push_str(" or ");
            expr(out, param, b, 2);
        }
        Expr::And(a, b) => {
            expr(out, param, a, 2);
            out.push_str(" and ");
            expr(out, param, b, 3);
        }
        Expr::Not(a, _) => {
            out.push_str("not ");
            expr(out, param, a, 3);
        }
        Expr::Compare { left, op, right, .. } => {
            operand(out, param, left);
            let _ = write!(out, " {} ", op.symbol());
            operand(out, param, right);
        }
        Expr::Bool(b, _) => {
            let _ = write!(out, "{b}");
        }
    }
    if wrap {
        out.push(')');
    }
}

fn operand(out: &mut String, param: &str, o: &Operand) {
    match o {
        Operand::Column(c) => {
            out.push_str(param);
            if is_identifier(&c.name) {
                out.push('.');
                out.push_str(&c.name);
            } else {
                out.push('[');
                string(out, &c.name);
                out.push(']');
            }
        }
        Operand::Literal(l, _) => match l {
            Literal::Str(s) => string(out, s),
            Literal::Int(i) => {
                let _ = write!(out, "{i}");
            }
            // `{:?}` always prints a decimal point or exponent, so the text lexes as a float.
            Literal::Float(f) => {
                let _ = write!(out, "{f:?}");
            }
            Literal::Bool(b) => {
                let _ = write!(out, "{b}");
            }
        },
    }
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c == '_' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
}

fn string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' => out.push_str("\\$"),
            c => out.push(c),
        }
    }
    out.push('"');
}
