//! Template rendering with minijinja. go-store's templates use Go's
//! `{{ .name }}` field form; it is rewritten to `{{ name }}` before parsing so
//! the same template renders the same text in every language.

use crate::base::error::{Error, ErrorKind, Result};
use minijinja::value::{Enumerator, Object};
use minijinja::{Environment, Value};
use parking_lot::Mutex;
use std::collections::HashMap;
use std::sync::Arc;

/// Parsed templates by source text. Parsing dominates a small render, and
/// callers render the same few templates over and over.
static TEMPLATES: Mutex<Option<HashMap<String, (u64, Arc<Environment<'static>>)>>> = Mutex::new(None);
const TEMPLATE_CACHE_LIMIT: usize = 64;

fn compiled(template: &str, fuel: u64) -> Result<Arc<Environment<'static>>> {
    if let Some((_, env)) = TEMPLATES.lock().as_ref().and_then(|m| m.get(template)).filter(|(f, _)| *f == fuel) {
        return Ok(env.clone());
    }
    let mut env = Environment::new();
    env.set_fuel(Some(fuel));
    env.set_formatter(|out, state, value| {
        if value.is_undefined() {
            out.write_str("<no value>")?;
            Ok(())
        } else {
            minijinja::escape_formatter(out, state, value)
        }
    });
    let rewritten = rewrite_go_fields(template);
    env.add_template_owned("render", rewritten.text).map_err(|e| {
        Error::new(ErrorKind::Template, format!("parse template: {}", located(&e, template, &rewritten.removed)))
    })?;
    let env = Arc::new(env);
    let mut cache = TEMPLATES.lock();
    let map = cache.get_or_insert_with(HashMap::new);
    if map.len() >= TEMPLATE_CACHE_LIMIT {
        map.clear();
    }
    map.insert(template.to_string(), (fuel, env.clone()));
    Ok(env)
}

/// A group's rows as template variables, packed in one buffer and looked
/// up by name only when the template asks, so rendering does not build a
/// map of every row first.
#[derive(Debug, Default)]
pub(crate) struct Vars {
    arena: Vec<u8>,
    /// (key start, key end, value end) per row, in ascending key order.
    rows: Vec<(usize, usize, usize)>,
}

impl Vars {
    /// Adds a row; rows must arrive in ascending key order (as the store lists them).
    pub(crate) fn push(&mut self, key: &[u8], value: &[u8]) {
        let start = self.arena.len();
        self.arena.extend_from_slice(key);
        let key_end = self.arena.len();
        self.arena.extend_from_slice(value);
        self.rows.push((start, key_end, self.arena.len()));
    }

    fn key(&self, row: &(usize, usize, usize)) -> &[u8] {
        &self.arena[row.0..row.1]
    }
}

impl Object for Vars {
    fn get_value(self: &Arc<Self>, name: &Value) -> Option<Value> {
        let name = name.as_str()?;
        let i = self.rows.binary_search_by(|row| self.key(row).cmp(name.as_bytes())).ok()?;
        let (_, key_end, value_end) = self.rows[i];
        Some(Value::from(String::from_utf8_lossy(&self.arena[key_end..value_end]).into_owned()))
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        let keys: Vec<Value> =
            self.rows.iter().map(|row| Value::from(String::from_utf8_lossy(self.key(row)).into_owned())).collect();
        Enumerator::Values(keys)
    }
}

/// What one render may spend: template fuel (roughly instructions executed)
/// and output bytes. A template is user input; neither a runaway loop nor a
/// huge output may hold a thread or memory without bound.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Limits {
    pub fuel: u64,
    pub max_output: usize,
}

/// Renders `template` with `vars` as top-level variables. A missing variable
/// renders `<no value>`, as Go's `text/template` does for a map.
pub(crate) fn render(template: &str, vars: Vars, limits: Limits) -> Result<String> {
    let env = compiled(template, limits.fuel)?;
    let tmpl = env.get_template("render").map_err(|e| Error::new(ErrorKind::Internal, format!("render: {e}")))?;
    let mut out = Bounded { text: Vec::new(), max: limits.max_output, overflowed: false };
    let rendered = tmpl.render_captured_to(Value::from_object(vars), &mut out).map(drop);
    match rendered {
        Ok(_) => String::from_utf8(out.text).map_err(|e| Error::new(ErrorKind::Internal, format!("render: {e}"))),
        Err(_) if out.overflowed => Err(Error::new(
            ErrorKind::Template,
            format!("execute template: output would exceed {} bytes", limits.max_output),
        )),
        Err(e) if e.kind() == minijinja::ErrorKind::OutOfFuel => Err(Error::new(
            ErrorKind::Template,
            format!("execute template: ran out of fuel after {} steps; raise the template fuel limit if this template is expected", limits.fuel),
        )),
        Err(e) => Err(Error::new(ErrorKind::Template, format!("execute template: {e}"))),
    }
}

/// Output that refuses to grow past `max` bytes.
struct Bounded {
    text: Vec<u8>,
    max: usize,
    overflowed: bool,
}

impl std::io::Write for Bounded {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.text.len() + buf.len() > self.max {
            self.overflowed = true;
            return Err(std::io::Error::other("template output limit"));
        }
        self.text.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A template with Go field dots removed, and where they were.
struct Rewritten {
    text: String,
    /// Offsets in `text` at which a dot was removed, ascending.
    removed: Vec<usize>,
}

/// Inside `{{ … }}` tags, turns a Go field reference `.name` (a dot not
/// preceded by an identifier character or `)`/`]`) into `name`. An unclosed
/// tag is rewritten to the end of the template, so the parser reports the
/// missing `}}` rather than the dot.
fn rewrite_go_fields(template: &str) -> Rewritten {
    let mut out = Rewritten { text: String::with_capacity(template.len()), removed: Vec::new() };
    let mut rest = template;
    while let Some(open) = rest.find("{{") {
        out.text.push_str(&rest[..open]);
        let after = &rest[open..];
        let end = after.find("}}").map_or(after.len(), |close| close + 2);
        let mut prev: Option<char> = None;
        let mut chars = after[..end].chars().peekable();
        while let Some(c) = chars.next() {
            let starts_field = c == '.'
                && !prev.is_some_and(|p| p.is_alphanumeric() || p == '_' || p == ')' || p == ']' || p == '.')
                && chars.peek().is_some_and(|n| n.is_alphabetic() || *n == '_');
            if starts_field {
                out.removed.push(out.text.len());
            } else {
                out.text.push(c);
            }
            prev = Some(c);
        }
        rest = &after[end..];
    }
    out.text.push_str(rest);
    out
}

/// A parse error as `line L, column C: detail`, with the position in the
/// caller's template (before the Go field dots were removed). Columns
/// count characters from 1.
fn located(error: &minijinja::Error, template: &str, removed: &[usize]) -> String {
    let detail = error.detail().map_or_else(|| error.kind().to_string(), str::to_string);
    let Some(range) = error.range() else {
        return match error.line() {
            Some(line) => format!("line {line}: {detail}"),
            None => detail,
        };
    };
    // The parser reports a missing `}}` at the last token; the place to
    // add it is the end. A token that starts where a dot was removed is
    // reported at the dot.
    let offset = if detail.starts_with("unexpected end of input") {
        template.len()
    } else {
        (range.start + removed.partition_point(|&at| at < range.start)).min(template.len())
    };
    let before = template.get(..offset).unwrap_or(template);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    format!("line {line}, column {column}: {detail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(template: &str, vars: Vars) -> Result<String> {
        super::render(template, vars, Limits { fuel: 1_000_000, max_output: 1 << 20 })
    }

    #[test]
    fn runaway_templates_are_bounded() {
        let nested = "{% for a in range(100000) %}{% for b in range(100000) %}x{% endfor %}{% endfor %}";
        let e = super::render(nested, Vars::default(), Limits { fuel: 10_000, max_output: 1 << 30 }).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Template);
        assert!(e.message().contains("ran out of fuel"), "{e}");
        let wide = "{% for a in range(100000) %}xxxxxxxxxx{% endfor %}";
        let e = super::render(wide, Vars::default(), Limits { fuel: u64::MAX / 2, max_output: 1000 }).unwrap_err();
        assert!(e.message().contains("output would exceed 1000 bytes"), "{e}");
        assert_eq!(super::render("ok", Vars::default(), Limits { fuel: 100, max_output: 2 }).unwrap(), "ok");
    }

    fn vars(pairs: &[(&str, &str)]) -> Vars {
        let mut v = Vars::default();
        for (k, val) in pairs {
            v.push(k.as_bytes(), val.as_bytes());
        }
        v
    }

    #[test]
    fn go_field_form_renders() {
        let v = vars(&[("host", "smtp.example.com"), ("port", "587")]);
        assert_eq!(render("{{ .host }}:{{ .port }}", v).unwrap(), "smtp.example.com:587");
        let v = vars(&[("host", "smtp.example.com"), ("port", "587")]);
        assert_eq!(render("{{host}}:{{ port }}", v).unwrap(), "smtp.example.com:587");
    }

    #[test]
    fn missing_variable_is_no_value() {
        assert_eq!(render("[{{ .absent }}]", Vars::default()).unwrap(), "[<no value>]");
    }

    #[test]
    fn numbers_and_filters_untouched() {
        assert_eq!(render("{{ 1.5 }} {{ .a | upper }}", vars(&[("a", "x")])).unwrap(), "1.5 X");
    }

    #[test]
    fn syntax_errors_are_template_errors() {
        let e = render("{{ .a ", Vars::default()).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Template);
        assert!(e.message().starts_with("parse template"), "{e}");
    }
}
