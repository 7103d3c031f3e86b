package store

import (
	"fmt"
	"strings"
	"text/template"
)

// render executes templateSource with Go text/template (template name
// "render") against the group's live rows, exactly as go-store does: dot
// fields name keys, and a missing key renders "<no value>". The rows come
// from one library call.
func (v view) render(templateSource, group string) (string, error) {
	rows, err := v.getAll(group)
	if err != nil {
		if v.err != nil {
			return "", err
		}
		return "", fmt.Errorf("%s: iterate rows: %w", v.op, err)
	}
	tmpl, err := template.New("render").Parse(templateSource)
	if err != nil {
		return "", fmt.Errorf("%s: parse template: %w", v.op, err)
	}
	var out strings.Builder
	if err := tmpl.Execute(&out, rows); err != nil {
		return "", fmt.Errorf("%s: execute template: %w", v.op, err)
	}
	return out.String(), nil
}
