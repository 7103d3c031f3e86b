//! Flux text to tokens, each with the position where it starts.

use super::{FluxError, Pos};

/// What a token is. Numbers keep their digits so the parser can apply a
/// leading minus before range-checking (`-9223372036854775808` is valid).
#[derive(Debug, Clone, PartialEq)]
pub enum TokenKind {
    /// `from`, `r`, `and`, `true`, …
    Ident(String),
    /// A double-quoted string, escapes resolved.
    Str(String),
    /// Decimal digits of an integer literal.
    Int(String),
    /// A finite float literal.
    Float(f64),
    /// Duration text such as `1h30m` (validated by the parser).
    Duration(String),
    /// An unquoted RFC 3339 date-time such as `2026-03-30T00:00:00Z`.
    DateTime(String),
    LParen,
    RParen,
    LBracket,
    RBracket,
    LBrace,
    RBrace,
    Comma,
    Colon,
    Dot,
    /// `|>`
    Pipe,
    /// `=>`
    Arrow,
    /// `=`
    Assign,
    /// `==`
    Eq,
    /// `!=`
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    /// `=~`, `!~`: regular-expression match (not in the subset).
    RegexOp(&'static str),
    Plus,
    Minus,
    Star,
    Slash,
    Percent,
    /// End of input.
    Eof,
}

/// A token and where it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    /// The token.
    pub kind: TokenKind,
    /// Its first character.
    pub pos: Pos,
}

impl TokenKind {
    /// How the token reads in an error message.
    pub fn describe(&self) -> String {
        match self {
            TokenKind::Ident(s) => format!("identifier `{s}`"),
            TokenKind::Str(_) => "string".into(),
            TokenKind::Int(s) => format!("integer {s}"),
            TokenKind::Float(f) => format!("float {f:?}"),
            TokenKind::Duration(s) => format!("duration {s}"),
            TokenKind::DateTime(s) => format!("date-time {s}"),
            TokenKind::Eof => "end of query".into(),
            other => format!("`{}`", other.symbol()),
        }
    }

    fn symbol(&self) -> &'static str {
        match self {
            TokenKind::LParen => "(",
            TokenKind::RParen => ")",
            TokenKind::LBracket => "[",
            TokenKind::RBracket => "]",
            TokenKind::LBrace => "{",
            TokenKind::RBrace => "}",
            TokenKind::Comma => ",",
            TokenKind::Colon => ":",
            TokenKind::Dot => ".",
            TokenKind::Pipe => "|>",
            TokenKind::Arrow => "=>",
            TokenKind::Assign => "=",
            TokenKind::Eq => "==",
            TokenKind::Ne => "!=",
            TokenKind::Lt => "<",
            TokenKind::Le => "<=",
            TokenKind::Gt => ">",
            TokenKind::Ge => ">=",
            TokenKind::RegexOp(s) => s,
            TokenKind::Plus => "+",
            TokenKind::Minus => "-",
            TokenKind::Star => "*",
            TokenKind::Slash => "/",
            TokenKind::Percent => "%",
            _ => "?",
        }
    }
}

struct Lexer<'a> {
    chars: std::iter::Peekable<std::str::Chars<'a>>,
    rest: &'a str,
    pos: Pos,
}

/// Splits `text` into tokens, ending with [`TokenKind::Eof`]. `//` comments
/// and whitespace are skipped.
pub fn tokenize(text: &str) -> Result<Vec<Token>, FluxError> {
    let mut lx = Lexer { chars: text.chars().peekable(), rest: text, pos: Pos { line: 1, col: 1 } };
    let mut out = Vec::new();
    loop {
        lx.skip_blank();
        let pos = lx.pos;
        let Some(c) = lx.peek() else {
            out.push(Token { kind: TokenKind::Eof, pos });
            return Ok(out);
        };
        let kind = match c {
            '"' => lx.string()?,
            '0'..='9' => lx.number()?,
            c if c == '_' || c.is_ascii_alphabetic() => {
                let word = lx.take_while(|c| c == '_' || c.is_ascii_alphanumeric());
                TokenKind::Ident(word.to_string())
            }
            _ => lx.symbol(c)?,
        };
        out.push(Token { kind, pos });
    }
}

impl<'a> Lexer<'a> {
    fn peek(&mut self) -> Option<char> {
        self.chars.peek().copied()
    }

    fn peek2(&self) -> Option<char> {
        let mut it = self.rest.chars();
        it.next();
        it.next()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.chars.next()?;
        self.rest = &self.rest[c.len_utf8()..];
        if c == '\n' {
            self.pos.line += 1;
            self.pos.col = 1;
        } else {
            self.pos.col += 1;
        }
        Some(c)
    }

    fn take_while(&mut self, keep: impl Fn(char) -> bool) -> &'a str {
        let start = self.rest;
        let mut len = 0;
        while let Some(c) = self.peek() {
            if !keep(c) {
                break;
            }
            len += c.len_utf8();
            self.bump();
        }
        &start[..len]
    }

    fn skip_blank(&mut self) {
        loop {
            match self.peek() {
                Some(c) if c.is_whitespace() => {
                    self.bump();
                }
                Some('/') if self.peek2() == Some('/') => {
                    self.take_while(|c| c != '\n');
                }
                _ => return,
            }
        }
    }

    fn string(&mut self) -> Result<TokenKind, FluxError> {
        let start = self.pos;
        self.bump();
        let mut out = String::new();
        loop {
            let here = self.pos;
            match self.bump() {
                None => return Err(FluxError::new(start, "unterminated string")),
                Some('"') => return Ok(TokenKind::Str(out)),
                Some('$') if self.peek() == Some('{') => {
                    return Err(FluxError::new(here, "string interpolation `${…}` is not supported"))
                }
                Some('\\') => match self.bump() {
                    Some('"') => out.push('"'),
                    Some('\\') => out.push('\\'),
                    Some('n') => out.push('\n'),
                    Some('r') => out.push('\r'),
                    Some('t') => out.push('\t'),
                    Some('$') => out.push('$'),
                    Some(other) => return Err(FluxError::new(here, format!("unknown escape `\\{other}` in string"))),
                    None => return Err(FluxError::new(start, "unterminated string")),
                },
                Some(c) => out.push(c),
            }
        }
    }

    /// Integer, float, duration (`1h30m`) or date-time (`2026-03-30T…`).
    fn number(&mut self) -> Result<TokenKind, FluxError> {
        let start = self.pos;
        if is_date_start(self.rest) {
            let text = self.take_while(|c| c.is_ascii_alphanumeric() || matches!(c, ':' | '.' | '+' | '-'));
            return Ok(TokenKind::DateTime(text.to_string()));
        }
        let digits = self.take_while(|c| c.is_ascii_digit());
        let next = self.peek();
        let exponent = matches!(next, Some('e' | 'E'))
            && self.peek2().is_some_and(|c| c.is_ascii_digit() || c == '+' || c == '-');
        if next.is_some_and(|c| c.is_alphabetic() || c == 'µ') && !exponent {
            // Digits followed by letters: a duration such as `1h30m` or `7d`.
            let rest = self.take_while(|c| c.is_ascii_alphanumeric() || c == 'µ');
            return Ok(TokenKind::Duration(format!("{digits}{rest}")));
        }
        let mut text = digits.to_string();
        let mut float = false;
        if next == Some('.') && self.peek2().is_some_and(|c| c.is_ascii_digit()) {
            self.bump();
            text.push('.');
            text.push_str(self.take_while(|c| c.is_ascii_digit()));
            float = true;
        }
        if matches!(self.peek(), Some('e' | 'E')) {
            text.push('e');
            self.bump();
            if let Some(sign @ ('+' | '-')) = self.peek() {
                text.push(sign);
                self.bump();
            }
            let exp = self.take_while(|c| c.is_ascii_digit());
            if exp.is_empty() {
                return Err(FluxError::new(start, format!("malformed number `{text}`")));
            }
            text.push_str(exp);
            float = true;
        }
        if self.peek().is_some_and(|c| c.is_alphanumeric() || c == '_') {
            let tail = self.take_while(|c| c.is_alphanumeric() || c == '_');
            return Err(FluxError::new(start, format!("malformed number `{text}{tail}`")));
        }
        if !float {
            return Ok(TokenKind::Int(text));
        }
        match text.parse::<f64>() {
            Ok(f) if f.is_finite() => Ok(TokenKind::Float(f)),
            _ => Err(FluxError::new(start, format!("float literal `{text}` is out of range"))),
        }
    }

    fn symbol(&mut self, c: char) -> Result<TokenKind, FluxError> {
        let start = self.pos;
        self.bump();
        let two = |lx: &mut Self, next: char, yes: TokenKind, no: TokenKind| {
            if lx.peek() == Some(next) {
                lx.bump();
                yes
            } else {
                no
            }
        };
        Ok(match c {
            '(' => TokenKind::LParen,
            ')' => TokenKind::RParen,
            '[' => TokenKind::LBracket,
            ']' => TokenKind::RBracket,
            '{' => TokenKind::LBrace,
            '}' => TokenKind::RBrace,
            ',' => TokenKind::Comma,
            ':' => TokenKind::Colon,
            '.' => TokenKind::Dot,
            '+' => TokenKind::Plus,
            '-' => TokenKind::Minus,
            '*' => TokenKind::Star,
            '/' => TokenKind::Slash,
            '%' => TokenKind::Percent,
            '|' if self.peek() == Some('>') => {
                self.bump();
                TokenKind::Pipe
            }
            '=' => match self.peek() {
                Some('=') => {
                    self.bump();
                    TokenKind::Eq
                }
                Some('>') => {
                    self.bump();
                    TokenKind::Arrow
                }
                Some('~') => {
                    self.bump();
                    TokenKind::RegexOp("=~")
                }
                _ => TokenKind::Assign,
            },
            '!' => match self.peek() {
                Some('=') => {
                    self.bump();
                    TokenKind::Ne
                }
                Some('~') => {
                    self.bump();
                    TokenKind::RegexOp("!~")
                }
                _ => return Err(FluxError::new(start, "unexpected character `!`")),
            },
            '<' => two(self, '=', TokenKind::Le, TokenKind::Lt),
            '>' => two(self, '=', TokenKind::Ge, TokenKind::Gt),
            other => return Err(FluxError::new(start, format!("unexpected character `{}`", other.escape_debug()))),
        })
    }
}

/// `dddd-dd-dd`: the start of a date-time literal.
fn is_date_start(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 10
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[5..7].iter().all(u8::is_ascii_digit)
        && b[7] == b'-'
        && b[8..10].iter().all(u8::is_ascii_digit)
}
