//! Tokens to a [`Pipeline`]: a recursive-descent parser that accepts the
//! subset and names anything else, with its position.

use super::ast::*;
use super::lexer::{tokenize, Token, TokenKind};
use super::time;
use super::{FluxError, Pos};

/// Parses a Flux query of the subset.
pub fn parse(text: &str) -> Result<Pipeline, FluxError> {
    let mut p = Parser { toks: tokenize(text)?, i: 0 };
    let mut stages = vec![p.stage()?];
    while p.peek() == &TokenKind::Pipe {
        p.bump();
        stages.push(p.stage()?);
    }
    let end = p.bump();
    if end.kind != TokenKind::Eof {
        let what = match end.kind {
            TokenKind::Assign => "variable assignments are not supported".to_string(),
            ref other => format!("unexpected {} after the pipeline (stages are joined with `|>`)", other.describe()),
        };
        return Err(FluxError::new(end.pos, what));
    }
    for (i, stage) in stages.iter().enumerate() {
        match (i, &stage.kind) {
            (0, StageKind::From { .. }) => {}
            (0, _) => return Err(FluxError::new(stage.pos, "a query starts with from(bucket: \"…\")")),
            (_, StageKind::From { .. }) => {
                return Err(FluxError::new(stage.pos, "from() may appear only at the start of the pipeline"))
            }
            _ => {}
        }
    }
    Ok(Pipeline { stages })
}

struct Parser {
    toks: Vec<Token>,
    i: usize,
}

impl Parser {
    fn peek(&self) -> &TokenKind {
        &self.toks[self.i].kind
    }

    fn pos(&self) -> Pos {
        self.toks[self.i].pos
    }

    fn bump(&mut self) -> Token {
        let t = self.toks[self.i].clone();
        if self.i + 1 < self.toks.len() {
            self.i += 1;
        }
        t
    }

    fn expect(&mut self, want: TokenKind, context: &str) -> Result<Token, FluxError> {
        if *self.peek() == want {
            return Ok(self.bump());
        }
        let t = &self.toks[self.i];
        Err(FluxError::new(t.pos, format!("expected {} {context}, found {}", want.describe(), t.kind.describe())))
    }

    fn stage(&mut self) -> Result<Stage, FluxError> {
        let t = self.bump();
        let TokenKind::Ident(name) = t.kind else {
            return Err(FluxError::new(t.pos, format!("expected a function call, found {}", t.kind.describe())));
        };
        match self.peek() {
            TokenKind::LParen => {}
            TokenKind::Assign => return Err(FluxError::new(t.pos, "variable assignments are not supported")),
            TokenKind::Dot => {
                return Err(FluxError::new(t.pos, format!("package `{name}` is not supported (no imports in the subset)")))
            }
            other => {
                return Err(FluxError::new(
                    self.pos(),
                    format!("expected `(` after `{name}`, found {}", other.describe()),
                ))
            }
        }
        let kind = match name.as_str() {
            "from" => self.from()?,
            "range" => self.range()?,
            "filter" => self.filter()?,
            "limit" => self.limit()?,
            "sort" => self.sort()?,
            _ => return Err(FluxError::new(t.pos, format!("unsupported function `{name}()`"))),
        };
        Ok(Stage { pos: t.pos, kind })
    }

    /// `( name: value, … )`: calls `each` with the cursor on each value;
    /// unknown and repeated names are errors.
    fn args(
        &mut self,
        func: &str,
        known: &[&str],
        mut each: impl FnMut(&mut Self, &str) -> Result<(), FluxError>,
    ) -> Result<Pos, FluxError> {
        self.expect(TokenKind::LParen, &format!("after `{func}`"))?;
        let mut seen: Vec<String> = Vec::new();
        loop {
            if *self.peek() == TokenKind::RParen {
                return Ok(self.bump().pos);
            }
            let t = self.bump();
            let TokenKind::Ident(name) = t.kind else {
                return Err(FluxError::new(
                    t.pos,
                    format!("expected an argument name in {func}(), found {}", t.kind.describe()),
                ));
            };
            if !known.contains(&name.as_str()) {
                return Err(FluxError::new(t.pos, format!("unsupported argument `{name}` of {func}()")));
            }
            if seen.contains(&name) {
                return Err(FluxError::new(t.pos, format!("argument `{name}` of {func}() given twice")));
            }
            self.expect(TokenKind::Colon, &format!("after `{name}`"))?;
            each(self, &name)?;
            seen.push(name);
            match self.peek() {
                TokenKind::Comma => {
                    self.bump();
                }
                TokenKind::RParen => {}
                other => {
                    return Err(FluxError::new(
                        self.pos(),
                        format!("expected `,` or `)` in {func}(), found {}", other.describe()),
                    ))
                }
            }
        }
    }

    fn from(&mut self) -> Result<StageKind, FluxError> {
        let mut bucket = None;
        let close = self.args("from", &["bucket"], |p, _| {
            bucket = Some(p.string("from() bucket")?);
            Ok(())
        })?;
        let bucket = bucket.ok_or_else(|| FluxError::new(close, "from() needs `bucket:`"))?;
        Ok(StageKind::From { bucket })
    }

    fn range(&mut self) -> Result<StageKind, FluxError> {
        let (mut start, mut stop) = (None, None);
        let close = self.args("range", &["start", "stop"], |p, name| {
            let t = p.time()?;
            if name == "start" {
                start = Some(t);
            } else {
                stop = Some(t);
            }
            Ok(())
        })?;
        let start = start.ok_or_else(|| FluxError::new(close, "range() needs `start:`"))?;
        Ok(StageKind::Range { start, stop })
    }

    fn filter(&mut self) -> Result<StageKind, FluxError> {
        let mut func = None;
        let close = self.args("filter", &["fn"], |p, _| {
            func = Some(p.function()?);
            Ok(())
        })?;
        let (param, body) = func.ok_or_else(|| FluxError::new(close, "filter() needs `fn:`"))?;
        Ok(StageKind::Filter { param, body })
    }

    fn limit(&mut self) -> Result<StageKind, FluxError> {
        let (mut n, mut offset) = (None, None);
        let close = self.args("limit", &["n", "offset"], |p, name| {
            let v = p.count(&format!("limit() {name}"))?;
            if name == "n" {
                n = Some(v);
            } else {
                offset = Some(v);
            }
            Ok(())
        })?;
        let n = n.ok_or_else(|| FluxError::new(close, "limit() needs `n:`"))?;
        Ok(StageKind::Limit { n, offset })
    }

    fn sort(&mut self) -> Result<StageKind, FluxError> {
        let (mut columns, mut desc) = (None, false);
        let close = self.args("sort", &["columns", "desc"], |p, name| {
            if name == "columns" {
                columns = Some(p.string_list()?);
            } else {
                desc = p.boolean("sort() desc")?;
            }
            Ok(())
        })?;
        // Flux defaults to ["_value"], a column journal rows do not have.
        let columns = columns.ok_or_else(|| FluxError::new(close, "sort() needs `columns:` (journal rows have no _value)"))?;
        Ok(StageKind::Sort { columns, desc })
    }

    fn string(&mut self, what: &str) -> Result<String, FluxError> {
        let t = self.bump();
        match t.kind {
            TokenKind::Str(s) => Ok(s),
            other => Err(FluxError::new(t.pos, format!("{what} must be a string, found {}", other.describe()))),
        }
    }

    fn boolean(&mut self, what: &str) -> Result<bool, FluxError> {
        let t = self.bump();
        match t.kind {
            TokenKind::Ident(s) if s == "true" => Ok(true),
            TokenKind::Ident(s) if s == "false" => Ok(false),
            other => Err(FluxError::new(t.pos, format!("{what} must be true or false, found {}", other.describe()))),
        }
    }

    fn count(&mut self, what: &str) -> Result<i64, FluxError> {
        let t = self.bump();
        match t.kind {
            TokenKind::Int(digits) => digits
                .parse::<i64>()
                .map_err(|_| FluxError::new(t.pos, format!("{what} is out of range"))),
            TokenKind::Minus => Err(FluxError::new(t.pos, format!("{what} must not be negative"))),
            other => Err(FluxError::new(t.pos, format!("{what} must be an integer, found {}", other.describe()))),
        }
    }

    fn string_list(&mut self) -> Result<Vec<String>, FluxError> {
        self.expect(TokenKind::LBracket, "to start sort() columns")?;
        let mut out = Vec::new();
        loop {
            if *self.peek() == TokenKind::RBracket {
                let close = self.bump();
                if out.is_empty() {
                    return Err(FluxError::new(close.pos, "sort() columns must name at least one column"));
                }
                return Ok(out);
            }
            out.push(self.string("a sort() column")?);
            match self.peek() {
                TokenKind::Comma => {
                    self.bump();
                }
                TokenKind::RBracket => {}
                other => {
                    return Err(FluxError::new(self.pos(), format!("expected `,` or `]`, found {}", other.describe())))
                }
            }
        }
    }

    /// A range bound: `-1h`, `now()`, `time(v: "…")`, `"…"` or a bare date-time.
    fn time(&mut self) -> Result<TimeExpr, FluxError> {
        let t = self.bump();
        let pos = t.pos;
        match t.kind {
            TokenKind::Minus => {
                let d = self.bump();
                match d.kind {
                    TokenKind::Duration(text) => {
                        let duration = time::duration(&text, true).map_err(|m| FluxError::new(d.pos, m))?;
                        Ok(TimeExpr::Relative { duration, pos })
                    }
                    other => Err(FluxError::new(d.pos, format!("expected a duration after `-`, found {}", other.describe()))),
                }
            }
            TokenKind::Duration(text) => {
                let duration = time::duration(&text, false).map_err(|m| FluxError::new(pos, m))?;
                Ok(TimeExpr::Relative { duration, pos })
            }
            TokenKind::DateTime(text) => {
                time::absolute(&text).map_err(|m| FluxError::new(pos, m))?;
                Ok(TimeExpr::Absolute { text, syntax: TimeSyntax::Bare, pos })
            }
            TokenKind::Str(text) => {
                time::quoted(&text).map_err(|m| FluxError::new(pos, m))?;
                Ok(TimeExpr::Absolute { text, syntax: TimeSyntax::Quoted, pos })
            }
            TokenKind::Ident(name) if name == "now" => {
                self.expect(TokenKind::LParen, "after `now`")?;
                self.expect(TokenKind::RParen, ": now() takes no arguments")?;
                Ok(TimeExpr::Now { pos })
            }
            TokenKind::Ident(name) if name == "time" => {
                let mut text = None;
                let close = self.args("time", &["v"], |p, _| {
                    let at = p.pos();
                    let v = p.string("time() v")?;
                    time::absolute(&v).map_err(|m| FluxError::new(at, m))?;
                    text = Some(v);
                    Ok(())
                })?;
                let text = text.ok_or_else(|| FluxError::new(close, "time() needs `v:`"))?;
                Ok(TimeExpr::Absolute { text, syntax: TimeSyntax::TimeCall, pos })
            }
            TokenKind::Ident(name) => Err(FluxError::new(pos, format!("unsupported range value `{name}`"))),
            other => Err(FluxError::new(pos, format!("unsupported range value: {}", other.describe()))),
        }
    }

    /// `(r) => expression`.
    fn function(&mut self) -> Result<(String, Expr), FluxError> {
        self.expect(TokenKind::LParen, "to start the filter function `(r) => …`")?;
        let t = self.bump();
        let TokenKind::Ident(param) = t.kind else {
            return Err(FluxError::new(t.pos, format!("expected the row parameter name, found {}", t.kind.describe())));
        };
        if matches!(param.as_str(), "and" | "or" | "not" | "exists" | "true" | "false") {
            return Err(FluxError::new(t.pos, format!("`{param}` is a keyword, not a parameter name")));
        }
        if *self.peek() != TokenKind::RParen {
            return Err(FluxError::new(self.pos(), "filter functions take exactly one parameter"));
        }
        self.bump();
        self.expect(TokenKind::Arrow, "after the function parameters")?;
        if *self.peek() == TokenKind::LBrace {
            return Err(FluxError::new(self.pos(), "function blocks `{ … }` are not supported"));
        }
        let body = self.or(&param)?;
        Ok((param, body))
    }

    fn keyword(&self, word: &str) -> bool {
        matches!(self.peek(), TokenKind::Ident(s) if s == word)
    }

    fn or(&mut self, param: &str) -> Result<Expr, FluxError> {
        let mut left = self.and(param)?;
        while self.keyword("or") {
            self.bump();
            let right = self.and(param)?;
            left = Expr::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and(&mut self, param: &str) -> Result<Expr, FluxError> {
        let mut left = self.unary(param)?;
        while self.keyword("and") {
            self.bump();
            let right = self.unary(param)?;
            left = Expr::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn unary(&mut self, param: &str) -> Result<Expr, FluxError> {
        if self.keyword("not") {
            let pos = self.bump().pos;
            return Ok(Expr::Not(Box::new(self.unary(param)?), pos));
        }
        if self.keyword("exists") {
            return Err(FluxError::new(self.pos(), "operator `exists` is not supported"));
        }
        self.comparison(param)
    }

    fn comparison(&mut self, param: &str) -> Result<Expr, FluxError> {
        if *self.peek() == TokenKind::LParen {
            self.bump();
            let inner = self.or(param)?;
            self.expect(TokenKind::RParen, "to close `(`")?;
            if let Some(op) = cmp_op(self.peek()) {
                return Err(FluxError::new(
                    self.pos(),
                    format!("`{}` cannot compare a parenthesised expression", op.symbol()),
                ));
            }
            return Ok(inner);
        }
        let start = self.pos();
        let left = self.operand(param)?;
        let op = match self.peek() {
            TokenKind::RegexOp(s) => {
                return Err(FluxError::new(self.pos(), format!("regular-expression operator `{s}` is not supported")))
            }
            TokenKind::Plus | TokenKind::Minus | TokenKind::Star | TokenKind::Slash | TokenKind::Percent => {
                let t = &self.toks[self.i];
                return Err(FluxError::new(t.pos, format!("arithmetic {} is not supported", t.kind.describe())));
            }
            k => cmp_op(k),
        };
        let Some(op) = op else {
            return match left {
                Operand::Literal(Literal::Bool(b), pos) => Ok(Expr::Bool(b, pos)),
                Operand::Column(c) => Err(FluxError::new(
                    c.pos,
                    format!("expected a comparison after column `{}` (e.g. == \"value\")", c.name),
                )),
                Operand::Literal(_, pos) => Err(FluxError::new(pos, "expected a comparison, found a lone literal")),
            };
        };
        self.bump();
        let right = self.operand(param)?;
        match (&left, &right) {
            (Operand::Column(_), Operand::Literal(..)) | (Operand::Literal(..), Operand::Column(_)) => {
                Ok(Expr::Compare { left, op, right, pos: start })
            }
            (Operand::Column(_), Operand::Column(_)) => {
                Err(FluxError::new(start, "comparing two columns is not supported; compare a column with a literal"))
            }
            _ => Err(FluxError::new(start, "a comparison needs a column on one side")),
        }
    }

    fn operand(&mut self, param: &str) -> Result<Operand, FluxError> {
        let t = self.bump();
        let pos = t.pos;
        match t.kind {
            TokenKind::Ident(name) if name == param => match self.bump() {
                Token { kind: TokenKind::Dot, .. } => {
                    let m = self.bump();
                    match m.kind {
                        TokenKind::Ident(name) => Ok(Operand::Column(Column { name, pos })),
                        other => Err(FluxError::new(m.pos, format!("expected a column name after `.`, found {}", other.describe()))),
                    }
                }
                Token { kind: TokenKind::LBracket, .. } => {
                    let name = self.string("a column name in `[…]`")?;
                    self.expect(TokenKind::RBracket, "after the column name")?;
                    Ok(Operand::Column(Column { name, pos }))
                }
                other => Err(FluxError::new(
                    other.pos,
                    format!("expected `.` or `[` after `{param}`, found {}", other.kind.describe()),
                )),
            },
            TokenKind::Ident(name) if name == "true" => Ok(Operand::Literal(Literal::Bool(true), pos)),
            TokenKind::Ident(name) if name == "false" => Ok(Operand::Literal(Literal::Bool(false), pos)),
            TokenKind::Ident(name) => {
                if *self.peek() == TokenKind::LParen || *self.peek() == TokenKind::Dot {
                    Err(FluxError::new(pos, format!("function or package `{name}` is not supported in filters")))
                } else {
                    Err(FluxError::new(pos, format!("unknown identifier `{name}` (the row is `{param}`)")))
                }
            }
            TokenKind::Str(s) => Ok(Operand::Literal(Literal::Str(s), pos)),
            TokenKind::Int(digits) => int(&digits, false, pos),
            TokenKind::Float(f) => Ok(Operand::Literal(Literal::Float(f), pos)),
            TokenKind::Minus => {
                let n = self.bump();
                match n.kind {
                    TokenKind::Int(digits) => int(&digits, true, pos),
                    TokenKind::Float(f) => Ok(Operand::Literal(Literal::Float(-f), pos)),
                    other => Err(FluxError::new(n.pos, format!("expected a number after `-`, found {}", other.describe()))),
                }
            }
            TokenKind::Duration(_) | TokenKind::DateTime(_) => {
                Err(FluxError::new(pos, format!("{} cannot be compared in filters", t.kind.describe())))
            }
            TokenKind::LBracket => Err(FluxError::new(pos, "arrays are not supported in filters")),
            TokenKind::LBrace => Err(FluxError::new(pos, "records are not supported in filters")),
            other => Err(FluxError::new(pos, format!("unexpected {} in filter", other.describe()))),
        }
    }
}

fn int(digits: &str, negative: bool, pos: Pos) -> Result<Operand, FluxError> {
    let text = if negative { format!("-{digits}") } else { digits.to_string() };
    text.parse::<i64>()
        .map(|v| Operand::Literal(Literal::Int(v), pos))
        .map_err(|_| FluxError::new(pos, format!("integer literal {text} is out of range")))
}

fn cmp_op(k: &TokenKind) -> Option<CmpOp> {
    Some(match k {
        TokenKind::Eq => CmpOp::Eq,
        TokenKind::Ne => CmpOp::Ne,
        TokenKind::Lt => CmpOp::Lt,
        TokenKind::Le => CmpOp::Le,
        TokenKind::Gt => CmpOp::Gt,
        TokenKind::Ge => CmpOp::Ge,
        _ => return None,
    })
}
