//! The template dialect C, C++ and C# get from `store_render` (minijinja,
//! plus Go's `{{ .name }}` field form): each row of the README's table
//! ("Templates"), and syntax errors that point at the right place.
//! `bindings/go/render_dialect_test.go` checks the Go column.

mod common;

use common::*;
use store::{ErrorKind, Kv, Store};

fn mail() -> Store {
    let db = mem();
    db.set("mail", "host", "smtp.example.com").unwrap();
    db.set("mail", "port", "587").unwrap();
    db
}

/// The README table's rows that render, with the text they render.
const RENDERS: &[(&str, &str)] = &[
    ("{{ .host }}:{{ .port }}", "smtp.example.com:587"),
    ("{{ .missing }}", "<no value>"),
    ("[{{- .host -}}]", "[smtp.example.com]"),
    ("{{ host }}", "smtp.example.com"),
    ("{{ .host | upper }}", "SMTP.EXAMPLE.COM"),
    ("{{ .port | int + 1 }}", "588"),
    ("{% if port %}:{{ port }}{% endif %}", ":587"),
];

/// The README table's rows that are Go-only: each fails with STORE_TEMPLATE.
const FAILS: &[&str] = &[
    "{{ if .port }}:{{ .port }}{{ end }}",
    r#"{{ printf "%s:%s" .host .port }}"#,
    "{{ range $k, $v := . }}{{ $k }} {{ end }}",
    "{{/* note */}}",
];

#[test]
fn dialect_good_readme_rows_render() {
    let db = mail();
    for (template, want) in RENDERS {
        assert_eq!(db.render(template, "mail").unwrap_or_else(|e| panic!("{template}: {e}")), *want, "{template}");
    }
}

#[test]
fn dialect_bad_go_only_rows_fail() {
    let db = mail();
    for template in FAILS {
        match db.render(template, "mail") {
            Ok(text) => panic!("{template} rendered {text:?}; the README says it fails outside Go"),
            Err(e) => assert_eq!(e.kind(), ErrorKind::Template, "{template}: {e}"),
        }
    }
}

#[test]
fn dialect_good_values_not_escaped() {
    let db = mem();
    db.set("page", "body", "<b>hi</b> & bye").unwrap();
    assert_eq!(db.render("{{ .body }}", "page").unwrap(), "<b>hi</b> & bye");
}

#[test]
fn syntax_error_bad_unclosed_tag_points_at_its_end() {
    let msg = assert_err(mail().render("{{ .host ", "mail"), ErrorKind::Template, &[]);
    assert_eq!(
        msg,
        "store.Render: parse template: line 1, column 10: unexpected end of input, expected end of variable block"
    );
}

#[test]
fn syntax_error_bad_reports_columns_of_the_original_template() {
    // The Go-field dots removed before parsing must not shift the column.
    let msg = assert_err(mail().render("{{ .host }}:{{ .port + }}", "mail"), ErrorKind::Template, &[]);
    assert!(msg.starts_with("store.Render: parse template: line 1, column 24: "), "{msg}");
    let msg = assert_err(mail().render("first\n{{ .a }} {{ .b .c }}", "mail"), ErrorKind::Template, &[]);
    assert!(msg.starts_with("store.Render: parse template: line 2, column 16: "), "{msg}");
}
