//! Template rendering with minijinja. go-store's templates use Go's
//! `{{ .name }}` field form; it is rewritten to `{{ name }}` before parsing so
//! the same template renders the same text in every language.

use crate::error::{Error, ErrorKind, Result};
use minijinja::{Environment, Value};
use parking_lot::Mutex;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// Parsed templates by source text. Parsing dominates a small render, and
/// callers render the same few templates over and over.
static TEMPLATES: Mutex<Option<HashMap<String, Arc<Environment<'static>>>>> = Mutex::new(None);
const TEMPLATE_CACHE_LIMIT: usize = 64;

fn compiled(template: &str) -> Result<Arc<Environment<'static>>> {
    if let Some(env) = TEMPLATES.lock().as_ref().and_then(|m| m.get(template)) {
        return Ok(env.clone());
    }
    let mut env = Environment::new();
    env.set_formatter(|out, state, value| {
        if value.is_undefined() {
            out.write_str("<no value>")?;
            Ok(())
        } else {
            minijinja::escape_formatter(out, state, value)
        }
    });
    env.add_template_owned("render", rewrite_go_fields(template))
        .map_err(|e| Error::new(ErrorKind::Template, format!("parse template: {e}")))?;
    let env = Arc::new(env);
    let mut cache = TEMPLATES.lock();
    let map = cache.get_or_insert_with(HashMap::new);
    if map.len() >= TEMPLATE_CACHE_LIMIT {
        map.clear();
    }
    map.insert(template.to_string(), env.clone());
    Ok(env)
}

/// Renders `template` with `vars` as top-level variables. A missing variable
/// renders `<no value>`, as Go's `text/template` does for a map.
pub(crate) fn render(template: &str, vars: Vec<(String, String)>) -> Result<String> {
    let env = compiled(template)?;
    let tmpl = env.get_template("render").map_err(|e| Error::new(ErrorKind::Internal, format!("render: {e}")))?;
    let context: BTreeMap<String, Value> = vars.into_iter().map(|(k, v)| (k, Value::from(v))).collect();
    tmpl.render(context).map_err(|e| Error::new(ErrorKind::Template, format!("execute template: {e}")))
}

/// Inside `{{ … }}` tags, turns a Go field reference `.name` (a dot not
/// preceded by an identifier character or `)`/`]`) into `name`.
fn rewrite_go_fields(template: &str) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find("{{") {
        out.push_str(&rest[..open]);
        let after = &rest[open..];
        let Some(close) = after.find("}}") else {
            out.push_str(after);
            return out;
        };
        let tag = &after[..close + 2];
        let mut prev: Option<char> = None;
        let mut chars = tag.chars().peekable();
        while let Some(c) = chars.next() {
            let starts_field = c == '.'
                && !prev.is_some_and(|p| p.is_alphanumeric() || p == '_' || p == ')' || p == ']' || p == '.')
                && chars.peek().is_some_and(|n| n.is_alphabetic() || *n == '_');
            if !starts_field {
                out.push(c);
            }
            prev = Some(c);
        }
        rest = &after[close + 2..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn go_field_form_renders() {
        let v = vars(&[("host", "smtp.example.com"), ("port", "587")]);
        assert_eq!(render("{{ .host }}:{{ .port }}", v.clone()).unwrap(), "smtp.example.com:587");
        assert_eq!(render("{{host}}:{{ port }}", v).unwrap(), "smtp.example.com:587");
    }

    #[test]
    fn missing_variable_is_no_value() {
        assert_eq!(render("[{{ .absent }}]", vec![]).unwrap(), "[<no value>]");
    }

    #[test]
    fn numbers_and_filters_untouched() {
        assert_eq!(render("{{ 1.5 }} {{ .a | upper }}", vars(&[("a", "x")])).unwrap(), "1.5 X");
    }

    #[test]
    fn syntax_errors_are_template_errors() {
        let e = render("{{ .a ", vec![]).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Template);
        assert!(e.message().starts_with("parse template"), "{e}");
    }
}
