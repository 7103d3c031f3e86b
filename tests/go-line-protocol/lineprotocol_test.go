// Package lineprotocol checks the store's InfluxDB line protocol against
// InfluxData's own parser (github.com/influxdata/line-protocol/v2): every
// measurement, tag, field and timestamp must come back exactly, including
// strings full of the characters the format escapes.
package lineprotocol

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"
	"testing"
	"time"

	store "dappco.re/go/store"
	"github.com/influxdata/line-protocol/v2/lineprotocol"
)

// nasty holds strings that exercise every escaping rule (and the bytes
// next to them) in names and in string values.
var nasty = []string{
	"plain",
	"with space",
	"comma,inside",
	"equals=inside",
	`quote"inside`,
	`back\slash`,
	`back\\double`,
	`slash\ before space`,
	`slash\,before comma`,
	`slash\=before equals`,
	`ends with "quote"`,
	" leading and trailing ",
	"unicodé ✓ 日本語 🚀",
	",=\" \\ all of them",
	"not#a-comment, #inside",
}

// stringValues adds what only string field values can hold.
var stringValues = append([]string{
	"",
	"line\nbreak",
	"tab\there",
	"carriage\rreturn",
	`trailing backslash\`,
	`\`,
	`""`,
}, nasty...)

type point struct {
	measurement string
	tags        map[string]string
	fields      map[string]any
	ns          int64
}

func decode(t *testing.T, text string) []point {
	t.Helper()
	dec := lineprotocol.NewDecoderWithBytes([]byte(text))
	var out []point
	for dec.Next() {
		m, err := dec.Measurement()
		if err != nil {
			t.Fatalf("measurement: %v\n%s", err, text)
		}
		p := point{measurement: string(m), tags: map[string]string{}, fields: map[string]any{}}
		for {
			k, v, err := dec.NextTag()
			if err != nil {
				t.Fatalf("tag: %v\n%s", err, text)
			}
			if k == nil {
				break
			}
			p.tags[string(k)] = string(v)
		}
		for {
			k, v, err := dec.NextField()
			if err != nil {
				t.Fatalf("field: %v\n%s", err, text)
			}
			if k == nil {
				break
			}
			p.fields[string(k)] = v.Interface()
		}
		ts, err := dec.Time(lineprotocol.Nanosecond, time.Time{})
		if err != nil {
			t.Fatalf("time: %v\n%s", err, text)
		}
		if !ts.IsZero() {
			p.ns = ts.UnixNano()
		}
		out = append(out, p)
	}
	return out
}

func TestLineProtocol_RoundTrip_NastyNames(t *testing.T) {
	var rows []map[string]any
	for i, s := range nasty {
		tagsJSON, _ := json.Marshal(map[string]string{s: s, "k": s})
		fieldsJSON, _ := json.Marshal(map[string]any{s: s, "n": i})
		rows = append(rows, map[string]any{
			"bucket_name": "events", "measurement": s, "tags_json": string(tagsJSON),
			"fields_json": string(fieldsJSON), "committed_at": int64(1700000000000 + i), "archived_at": nil,
		})
	}
	text, err := store.ExportLineProtocol(rows)
	if err != nil {
		t.Fatalf("ExportLineProtocol: %v", err)
	}
	points := decode(t, text)
	if len(points) != len(nasty) {
		t.Fatalf("decoded %d points, want %d:\n%s", len(points), len(nasty), text)
	}
	for i, s := range nasty {
		p := points[i]
		if p.measurement != s {
			t.Errorf("measurement %q came back as %q", s, p.measurement)
		}
		if p.tags[s] != s || p.tags["k"] != s || len(p.tags) != 2 {
			t.Errorf("tags for %q came back as %q", s, p.tags)
		}
		if p.fields[s] != s {
			t.Errorf("field %q came back as %#v", s, p.fields[s])
		}
		if p.fields["n"] != int64(i) {
			t.Errorf("int field came back as %#v", p.fields["n"])
		}
		if p.ns != (1700000000000+int64(i))*int64(time.Millisecond) {
			t.Errorf("timestamp %d", p.ns)
		}
	}
}

func TestLineProtocol_RoundTrip_StringValues(t *testing.T) {
	fields := map[string]any{}
	for i, s := range stringValues {
		fields[fmt.Sprintf("f%02d", i)] = s
	}
	text, err := store.ExportLineProtocol([]map[string]any{{"measurement": "m", "fields": fields}})
	if err != nil {
		t.Fatalf("ExportLineProtocol: %v", err)
	}
	points := decode(t, text)
	if len(points) != 1 {
		t.Fatalf("decoded %d points:\n%s", len(points), text)
	}
	for i, s := range stringValues {
		key := fmt.Sprintf("f%02d", i)
		if got := points[0].fields[key]; got != s {
			t.Errorf("string %q came back as %#v", s, got)
		}
	}
}

func TestLineProtocol_RoundTrip_NumbersAndBools(t *testing.T) {
	// As an archive line would carry them (decoded objects, not *_json text).
	line := `{"bucket":"b","committed_at":-5,"measurement":"nums","tags":{},"fields":{` +
		`"i":-9223372036854775808,"j":9223372036854775807,"u":18446744073709551615,` +
		`"f":0.1,"g":-1.5e-300,"h":1.7976931348623157e308,"w":3.0,"t":true,"b":false}}`
	text, err := store.ExportLineProtocolJSON(line + "\n")
	if err != nil {
		t.Fatalf("ExportLineProtocolJSON: %v", err)
	}
	points := decode(t, text)
	if len(points) != 1 {
		t.Fatalf("decoded %d points:\n%s", len(points), text)
	}
	want := map[string]any{
		"i": int64(math.MinInt64), "j": int64(math.MaxInt64), "u": uint64(math.MaxUint64),
		"f": 0.1, "g": -1.5e-300, "h": math.MaxFloat64, "w": 3.0, "t": true, "b": false,
	}
	for k, v := range want {
		if got := points[0].fields[k]; got != v {
			t.Errorf("field %s = %#v, want %#v (line %q)", k, got, v, text)
		}
	}
	if points[0].ns != -5*int64(time.Millisecond) {
		t.Errorf("timestamp %d", points[0].ns)
	}
}

func TestLineProtocol_Bad_UnrepresentableRowsAreErrors(t *testing.T) {
	cases := map[string]map[string]any{
		"measurement is empty":           {"measurement": "", "fields": map[string]any{"x": 1}},
		"control character 0x0a":         {"measurement": "a\nb", "fields": map[string]any{"x": 1}},
		"ends with a backslash":          {"measurement": "m", "tags": map[string]string{"k": `v\`}, "fields": map[string]any{"x": 1}},
		"no field":                       {"measurement": "m", "fields": map[string]any{}},
		"starts with #":                  {"measurement": "#m", "fields": map[string]any{"x": 1}},
		"field key is empty":             {"measurement": "m", "fields": map[string]any{"": 1}},
		"holds control character 0x09":   {"measurement": "m", "tags": map[string]string{"k": "a\tb"}, "fields": map[string]any{"x": 1}},
	}
	names := make([]string, 0, len(cases))
	for name := range cases {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, want := range names {
		_, err := store.ExportLineProtocol([]map[string]any{cases[want]})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v", want, err)
		}
	}
}
