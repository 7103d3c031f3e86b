package store

import (
	"strings"
	"testing"
)

// The Go column of the README's template table ("Templates"): the binding
// renders with text/template, as go-store does. tests/template_dialect.rs
// checks the column for C, C++ and C# (minijinja).

func mailStore(t *testing.T) *Store {
	t.Helper()
	s := newTestStore(t)
	mustSet(t, s, "mail", "host", "smtp.example.com")
	mustSet(t, s, "mail", "port", "587")
	return s
}

func TestRenderDialect_Good_ReadmeRows(t *testing.T) {
	s := mailStore(t)
	for template, want := range map[string]string{
		"{{ .host }}:{{ .port }}":                   "smtp.example.com:587",
		"{{ .missing }}":                            "<no value>",
		"[{{- .host -}}]":                           "[smtp.example.com]",
		"{{ if .port }}:{{ .port }}{{ end }}":       ":587",
		`{{ printf "%s:%s" .host .port }}`:          "smtp.example.com:587",
		"{{ range $k, $v := . }}{{ $k }} {{ end }}": "host port ",
		"{{/* note */}}":                            "",
	} {
		got, err := s.Render(template, "mail")
		if err != nil || got != want {
			t.Errorf("Render(%q) = %q, %v; want %q", template, got, err, want)
		}
	}
}

func TestRenderDialect_Bad_MinijinjaOnlyRows(t *testing.T) {
	s := mailStore(t)
	for template, want := range map[string]string{
		"{{ host }}":                          `function "host" not defined`,
		"{{ .host | upper }}":                 `function "upper" not defined`,
		"{{ .port | int + 1 }}":               "store.Render: parse template",
		"{% if port %}:{{ port }}{% endif %}": `function "port" not defined`,
	} {
		got, err := s.Render(template, "mail")
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Render(%q) = %q, %v; want an error containing %q", template, got, err, want)
		}
	}
}

func TestRenderDialect_Good_ValuesNotEscaped(t *testing.T) {
	s := newTestStore(t)
	mustSet(t, s, "page", "body", "<b>hi</b> & bye")
	if got, err := s.Render("{{ .body }}", "page"); err != nil || got != "<b>hi</b> & bye" {
		t.Fatalf("Render = %q, %v", got, err)
	}
}
