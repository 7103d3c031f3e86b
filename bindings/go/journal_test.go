package store

// go-store's journal tests (contract §17.7), restated for the binding, plus
// the stricter Flux and raw-SQL behaviour of this implementation.

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"
)

func newJournalStore(t *testing.T) *Store {
	t.Helper()
	s, err := New(":memory:", WithJournal("http://127.0.0.1:8086", "core", "events"))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func mustCommit(t *testing.T, s *Store, measurement string, fields map[string]any, tags map[string]string) map[string]any {
	t.Helper()
	result, err := s.CommitToJournal(measurement, fields, tags)
	if err != nil {
		t.Fatalf("CommitToJournal(%q): %v", measurement, err)
	}
	return result
}

func mustQuery(t *testing.T, s *Store, query string) []map[string]any {
	t.Helper()
	rows, err := s.QueryJournal(query)
	if err != nil {
		t.Fatalf("QueryJournal(%q): %v", query, err)
	}
	return rows
}

func measurementsOf(rows []map[string]any) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i], _ = r["measurement"].(string)
	}
	return out
}

func TestJournal_CommitToJournal_Good_WithQueryJournalSQL(t *testing.T) {
	s := newJournalStore(t)
	mustCommit(t, s, "session-a", map[string]any{"like": 4}, map[string]string{"workspace": "session-a"})
	mustCommit(t, s, "session-b", map[string]any{"profile_match": 2}, map[string]string{"workspace": "session-b"})
	rows := mustQuery(t, s, "SELECT bucket_name, measurement, fields_json, tags_json FROM journal_entries ORDER BY entry_id")
	if len(rows) != 2 {
		t.Fatalf("rows = %d", len(rows))
	}
	if rows[0]["bucket_name"] != "events" || rows[0]["measurement"] != "session-a" {
		t.Fatalf("row 0 = %v", rows[0])
	}
	fields, ok := rows[0]["fields"].(map[string]any)
	if !ok || fields["like"] != float64(4) {
		t.Fatalf("fields = %#v", rows[0]["fields"])
	}
	tags, ok := rows[1]["tags"].(map[string]string)
	if !ok || tags["workspace"] != "session-b" {
		t.Fatalf("tags = %#v", rows[1]["tags"])
	}
	if rows[0]["fields_json"] != `{"like":4}` {
		t.Fatalf("fields_json = %#v", rows[0]["fields_json"])
	}
}

func TestJournal_CommitToJournal_Good_ResultCopiesInputMaps(t *testing.T) {
	s := newJournalStore(t)
	fields := map[string]any{"like": 4}
	tags := map[string]string{"workspace": "session-a"}
	result := mustCommit(t, s, "session-a", fields, tags)
	fields["like"] = 99
	tags["workspace"] = "session-b"
	if got := result["fields"].(map[string]any)["like"]; got != 4 {
		t.Fatalf("fields copy = %#v (want int 4)", got)
	}
	if got := result["tags"].(map[string]string)["workspace"]; got != "session-a" {
		t.Fatalf("tags copy = %q", got)
	}
	if result["bucket"] != "events" || result["measurement"] != "session-a" {
		t.Fatalf("result = %v", result)
	}
	if at, ok := result["committed_at"].(int64); !ok || time.Since(time.UnixMilli(at)) > time.Minute {
		t.Fatalf("committed_at = %#v", result["committed_at"])
	}
}

func TestJournal_CommitToJournal_Bad_EmptyMeasurement(t *testing.T) {
	s := newTestStore(t)
	_, err := s.CommitToJournal("", map[string]any{"like": 1}, map[string]string{"workspace": "missing"})
	assertErrorContains(t, err, "store.CommitToJournal: measurement is empty")
}

func TestJournal_CommitToJournal_Bad_UnmarshalableFields(t *testing.T) {
	s := newTestStore(t)
	_, err := s.CommitToJournal("m", map[string]any{"x": func() {}}, nil)
	assertErrorContains(t, err, "store.CommitToJournal: marshal fields")
	if rows := mustQuery(t, s, ""); rows != nil {
		t.Fatalf("rows after failed commit: %v", rows)
	}
	var nilStore *Store
	_, err = nilStore.CommitToJournal("m", nil, nil)
	assertErrorContains(t, err, "store.CommitToJournal: store is nil")
	_ = s.Close()
	_, err = s.QueryJournal("")
	assertErrorContains(t, err, "store.QueryJournal: store is closed")
	var closed *Error
	if !errors.As(err, &closed) || closed.Status != StatusClosed {
		t.Fatalf("closed error status: %#v", err)
	}
}

func TestJournal_QueryJournal_Good_RawSQLWithCTE(t *testing.T) {
	s := newJournalStore(t)
	mustCommit(t, s, "session-a", map[string]any{"like": 4}, map[string]string{"workspace": "session-a"})
	rows := mustQuery(t, s, `
		WITH journal_rows AS (
			SELECT bucket_name, measurement, fields_json, tags_json, committed_at, archived_at
			FROM journal_entries
		)
		SELECT bucket_name, measurement, fields_json, tags_json, committed_at, archived_at
		FROM journal_rows
		ORDER BY committed_at
	`)
	if len(rows) != 1 || rows[0]["measurement"] != "session-a" {
		t.Fatalf("rows = %v", rows)
	}
	if _, ok := rows[0]["committed_at"].(int64); !ok || rows[0]["archived_at"] != nil {
		t.Fatalf("column types: %#v", rows[0])
	}
}

func TestJournal_QueryJournal_Good_PragmaSQL(t *testing.T) {
	s := newJournalStore(t)
	rows := mustQuery(t, s, "PRAGMA table_info(journal_entries)")
	found := false
	for _, row := range rows {
		if name, _ := row["name"].(string); name == "bucket_name" {
			found = true
		}
	}
	if !found {
		t.Fatalf("table_info lacks bucket_name: %v", rows)
	}
}

func twoSessions(t *testing.T) *Store {
	s := newJournalStore(t)
	mustCommit(t, s, "session-a", map[string]any{"like": 1}, map[string]string{"workspace": "session-a"})
	mustCommit(t, s, "session-b", map[string]any{"like": 2, "complete": true}, map[string]string{"workspace": "session-b"})
	return s
}

func TestJournal_QueryJournal_Good_FluxFilters(t *testing.T) {
	s := twoSessions(t)
	for query, want := range map[string]string{
		`from(bucket: "events") |> range(start: -24h) |> filter(fn: (r) => r._measurement == "session-b")`: "session-b",
		`from(bucket: "events") |> range(start: -24h) |> filter(fn: (r) => r.workspace == "session-a")`:    "session-a",
		`from(bucket: "events") |> range(start: -24h) |> filter(fn: (r) => r.like == 2)`:                   "session-b",
		`from(bucket: "events") |> range(start: -24h) |> filter(fn: (r) => r["complete"] == true)`:         "session-b",
		`from(bucket: "events") |> range(start: -7d) |> filter(fn: (r) => r.like < 2 or not r.like < 3)`:   "session-a",
	} {
		rows := mustQuery(t, s, query)
		if len(rows) != 1 || rows[0]["measurement"] != want {
			t.Fatalf("%s: rows = %v", query, rows)
		}
	}
	rows := mustQuery(t, s, `from(bucket: "events") |> filter(fn: (r) => r._measurement == "session-b")`)
	if fields := rows[0]["fields"].(map[string]any); fields["like"] != float64(2) {
		t.Fatalf("fields = %#v", fields)
	}
	if tags := rows[0]["tags"].(map[string]string); tags["workspace"] != "session-b" {
		t.Fatalf("tags = %#v", tags)
	}
}

func TestJournal_QueryJournal_Good_BucketFilter(t *testing.T) {
	s := newTestStore(t)
	mustCommit(t, s, "session-a", map[string]any{"like": 1}, nil)
	rows := mustQuery(t, s, `from(bucket: "store") |> range(start: -24h) |> filter(fn: (r) => r._bucket == "store")`)
	if len(rows) != 1 || rows[0]["bucket_name"] != "store" {
		t.Fatalf("rows = %v", rows)
	}
	if rows := mustQuery(t, s, `from(bucket: "events") |> range(start: -24h)`); rows != nil {
		t.Fatalf("other bucket: %v", rows)
	}
}

func TestJournal_QueryJournal_Good_DeterministicOrderingForSameTimestamp(t *testing.T) {
	s := newTestStore(t)
	for i := 0; i < 40; i++ {
		mustCommit(t, s, string(rune('a'+i%26))+"-"+time.Now().Format("150405.000000"), nil, nil)
	}
	want := measurementsOf(mustQuery(t, s, "SELECT measurement FROM journal_entries ORDER BY committed_at, entry_id"))
	got := measurementsOf(mustQuery(t, s, ""))
	if len(got) != 40 || len(want) != 40 {
		t.Fatalf("got %d rows, want 40", len(got))
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("row %d: %s, want %s", i, got[i], want[i])
		}
	}
}

func TestJournal_QueryJournal_Good_AbsoluteRangeWithStop(t *testing.T) {
	s := newJournalStore(t)
	mustCommit(t, s, "session-a", map[string]any{"like": 1}, nil)
	time.Sleep(5 * time.Millisecond)
	between := time.Now().UTC()
	time.Sleep(5 * time.Millisecond)
	mustCommit(t, s, "session-b", map[string]any{"like": 2}, nil)
	// stop is exclusive: let now() move past session-b's millisecond.
	time.Sleep(2 * time.Millisecond)
	rfc := between.Format(time.RFC3339Nano)
	rows := mustQuery(t, s, `from(bucket: "events") |> range(start: "`+rfc+`", stop: now())`)
	if got := measurementsOf(rows); len(got) != 1 || got[0] != "session-b" {
		t.Fatalf("after %s: %v", rfc, got)
	}
	rows = mustQuery(t, s, `from(bucket: "events") |> range(start: "2000-01-01T00:00:00Z", stop: `+between.Format(time.RFC3339Nano)+`)`)
	if got := measurementsOf(rows); len(got) != 1 || got[0] != "session-a" {
		t.Fatalf("stop is exclusive and honoured: %v", got)
	}
}

func TestJournal_QueryJournal_Bad_UnsupportedFluxIsAnError(t *testing.T) {
	s := twoSessions(t)
	_, err := s.QueryJournal(`from(bucket: "events") |> group(columns: ["host"])`)
	assertErrorContains(t, err, "store.QueryJournal: flux: 1:27: unsupported function `group()`")
	var e *Error
	if !errors.As(err, &e) || e.Status != StatusQuery {
		t.Fatalf("status: %#v", err)
	}
	for _, sql := range []string{
		"SELECT 1; DELETE FROM journal_entries",
		"WITH x AS (SELECT 1) DELETE FROM journal_entries",
		"PRAGMA journal_mode=DELETE",
		"ATTACH DATABASE ':memory:' AS other",
		"DELETE FROM journal_entries",
	} {
		if _, err := s.QueryJournal(sql); err == nil {
			t.Fatalf("%s: accepted", sql)
		}
	}
	if rows := mustQuery(t, s, ""); len(rows) != 2 {
		t.Fatalf("rows changed: %v", rows)
	}
}

func TestJournal_Transaction_Good_RowsFollowTheTransaction(t *testing.T) {
	s := newTestStore(t)
	err := s.Transaction(func(tx *StoreTransaction) error {
		if _, err := tx.CommitToJournal("inside", nil, nil); err != nil {
			return err
		}
		rows, err := tx.QueryJournal("")
		if err != nil || len(rows) != 1 {
			t.Fatalf("inside: %v %v", rows, err)
		}
		return errors.New("roll back")
	})
	assertErrorContains(t, err, "roll back")
	if rows := mustQuery(t, s, ""); rows != nil {
		t.Fatalf("rolled-back row visible: %v", rows)
	}
	err = s.Transaction(func(tx *StoreTransaction) error {
		if err := tx.Set("g", "k", "v"); err != nil {
			return err
		}
		_, err := tx.CommitToJournal("kept", map[string]any{"n": 1}, nil)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := measurementsOf(mustQuery(t, s, "")); len(got) != 1 || got[0] != "kept" {
		t.Fatalf("rows = %v", got)
	}
	if mustGet(t, s, "g", "k") != "v" {
		t.Fatal("kv write lost")
	}
}

func TestJournal_QueryJournal_Good_DecodesEveryValueShape(t *testing.T) {
	s := newTestStore(t)
	fields := map[string]any{
		"nested": map[string]any{"a": []any{1.5, "x", nil, true}},
		"quote":  "say \"hi\" \\ \u2028 <tag> é",
		"neg":    -3,
		"big":    1e21,
		"small":  1.5e-7,
	}
	mustCommit(t, s, "shapes", fields, map[string]string{"k\"ey": "v\\al", "ü": "ö"})
	rows := mustQuery(t, s, "")
	if len(rows) != 1 {
		t.Fatalf("rows = %v", rows)
	}
	got := rows[0]["fields"].(map[string]any)
	want := map[string]any{
		"nested": map[string]any{"a": []any{1.5, "x", nil, true}},
		"quote":  "say \"hi\" \\ \u2028 <tag> é",
		"neg":    float64(-3),
		"big":    1e21,
		"small":  1.5e-7,
	}
	for k, v := range want {
		if fmt.Sprint(got[k]) != fmt.Sprint(v) {
			t.Fatalf("fields[%q] = %#v, want %#v", k, got[k], v)
		}
	}
	tags := rows[0]["tags"].(map[string]string)
	if tags["k\"ey"] != "v\\al" || tags["ü"] != "ö" {
		t.Fatalf("tags = %#v", tags)
	}
	raw := mustQuery(t, s, "SELECT -5 AS i, 2.0 AS f, 1e300 AS e, 'a\"b' AS s, NULL AS n, x'00ff' AS b")
	r := raw[0]
	if r["i"] != int64(-5) || r["f"] != 2.0 || r["e"] != 1e300 || r["s"] != "a\"b" || r["n"] != nil {
		t.Fatalf("raw row = %#v", r)
	}
	if _, ok := r["b"].(string); !ok {
		t.Fatalf("blob = %#v", r["b"])
	}
}

func TestJournal_DecodeRows_Bad_MalformedInput(t *testing.T) {
	for _, in := range []string{"", "[", "[{]", `[{"a":}]`, `[{"a":1}`, `[{"a":"x}]`, `[{"fields":[1]}]`, `[{"tags":{"a":1}}]`, `[{"a":1},]`} {
		if _, err := decodeJournalRows("op", []byte(in)); err == nil {
			t.Fatalf("%q decoded without error", in)
		}
	}
	rows, err := decodeJournalRows("op", []byte(` [ ] `))
	if err != nil || rows != nil {
		t.Fatalf("empty: %v %v", rows, err)
	}
}

func TestJournal_Unescape_Good_MatchesEncodingJSON(t *testing.T) {
	for _, s := range []string{"plain", "q\"b\\s/", "\n\r\t\b\f", "\u2028<>&", "é😀\u0001", "\\u12", "a\\"} {
		enc, _ := json.Marshal(s)
		got, err := unescape(enc[1 : len(enc)-1])
		if err != nil || got != s {
			t.Fatalf("%q: got %q, %v", s, got, err)
		}
	}
	got, err := unescape([]byte(`\ud83d\ude00 \u00e9`))
	if err != nil || got != "😀 é" {
		t.Fatalf("surrogates: %q %v", got, err)
	}
	if _, err := unescape([]byte(`bad\q`)); err == nil {
		t.Fatal("unknown escape accepted")
	}
}
