package store

import (
	"math"
	"reflect"
	"strings"
	"testing"
	"time"
)

// The row walker against documents with everything that could trip a
// hand-written scanner: quotes, backslashes and brackets inside strings,
// nested values holding them, NULLs, non-finite doubles, no rows.
func TestDuckRows_Good_WalkerDecodesTrickyDocuments(t *testing.T) {
	doc := `{"columns":[{"name":"s","type":"VARCHAR"},{"name":"n","type":"BIGINT"},{"name":"i","type":"INTEGER"},` +
		`{"name":"d","type":"DOUBLE"},{"name":"b","type":"BOOLEAN"},{"name":"l","type":"VARCHAR[]"},{"name":"st","type":"STRUCT(a VARCHAR)"}],` +
		`"rows":[["plain",1,2,1.5,true,["]","\"","\\"],{"a":"}{"}],` +
		`["quote \" and \\ and \u00e9 and \\\\",-9223372036854775808,-2147483648,"NaN",false,[],{"a":null}],` +
		`[null,null,null,null,null,null,null]]}`
	rows, err := decodeDuckRows([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 {
		t.Fatalf("rows = %d", len(rows))
	}
	first := map[string]any{"s": "plain", "n": int64(1), "i": int32(2), "d": 1.5, "b": true,
		"l": []any{"]", `"`, `\`}, "st": map[string]any{"a": "}{"}}
	if !reflect.DeepEqual(rows[0], first) {
		t.Fatalf("row 0 = %#v", rows[0])
	}
	if rows[1]["s"] != `quote " and \ and é and \\` || rows[1]["n"] != int64(math.MinInt64) || rows[1]["i"] != int32(math.MinInt32) {
		t.Fatalf("row 1 = %#v", rows[1])
	}
	if d, ok := rows[1]["d"].(float64); !ok || !math.IsNaN(d) {
		t.Fatalf("NaN = %#v", rows[1]["d"])
	}
	for k, v := range rows[2] {
		if v != nil {
			t.Fatalf("row 2 %s = %#v, want nil", k, v)
		}
	}
	empty, err := decodeDuckRows([]byte(`{"columns":[{"name":"x","type":"INTEGER"}],"rows":[]}`))
	if err != nil || empty == nil || len(empty) != 0 {
		t.Fatalf("empty = %#v, %v", empty, err)
	}
	table, err := decodeDuckTable("op", []byte(doc))
	if err != nil || len(table.rows) != 3 || table.columns[6].Name != "st" || table.rows[0][0] != "plain" || table.rows[1][1] != int64(math.MinInt64) {
		t.Fatalf("table = %#v, %v", table, err)
	}
}

func TestDuckRows_Bad_MalformedDocumentsFailClearly(t *testing.T) {
	cases := map[string]string{
		"empty":           ``,
		"truncated":       `{"columns":[{"name":"x","type":"INTEGER"}],"rows":[[1`,
		"unclosed string": `{"columns":[{"name":"x","type":"VARCHAR"}],"rows":[["abc]]}`,
		"short row":       `{"columns":[{"name":"x","type":"INTEGER"},{"name":"y","type":"INTEGER"}],"rows":[[1]]}`,
		"rows first":      `{"rows":[[1]],"columns":[{"name":"x","type":"INTEGER"}]}`,
		"bad integer":     `{"columns":[{"name":"x","type":"INTEGER"}],"rows":[[1.5]]}`,
	}
	for name, doc := range cases {
		if _, err := decodeDuckRows([]byte(doc)); err == nil || !strings.HasPrefix(err.Error(), "store.DuckDB.QueryRows: ") {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

// Through the library: text that needs escaping survives the round trip.
func TestDuckRows_Good_EscapedTextThroughTheLibrary(t *testing.T) {
	duck, _ := newDuck(t)
	want := "tab\tnewline\n\"quoted\" back\\slash \x01 ünïcode ]}"
	rows, err := duck.QueryRows(`SELECT ? AS s, [?, 'x'] AS l`, want, want)
	if err != nil {
		t.Fatal(err)
	}
	if rows[0]["s"] != want || !reflect.DeepEqual(rows[0]["l"], []any{want, "x"}) {
		t.Fatalf("row = %#v", rows[0])
	}
}

func TestDuckRows_Good_PlainTimestampMatchesTimeParse(t *testing.T) {
	for _, text := range []string{"2026-12-07 09:37:55", "2026-12-07 09:37:55.5", "1970-01-01 00:00:00.000001", "2024-02-29 23:59:59.123456789", "0001-01-01 00:00:00"} {
		got, ok := plainTimestamp(`"` + text + `"`)
		want, err := time.Parse("2006-01-02 15:04:05.999999999", text)
		if !ok || err != nil || !got.Equal(want) || got.Location() != time.UTC {
			t.Errorf("%s: fast %v %v, time.Parse %v %v", text, got, ok, want, err)
		}
	}
	for _, text := range []string{"2026-02-30 00:00:00", "12026-01-01 00:00:00", "2026-12-07 09:37:55+00", "infinity", "2026-12-07T09:37:55", "2026-12-07 09:37:55.", "2026-13-01 00:00:00"} {
		if _, ok := plainTimestamp(`"` + text + `"`); ok {
			t.Errorf("%s: taken by the fast path", text)
		}
	}
}
