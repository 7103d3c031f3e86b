package store

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// ioWorkspace is a fresh workspace discarded at the end of the test.
func ioWorkspace(t *testing.T, name string) *Workspace {
	t.Helper()
	s := newWorkspaceStore(t, stateDir(t))
	w, err := s.NewWorkspace(name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Discard)
	return w
}

func mustCount(t *testing.T, w *Workspace, want int) {
	t.Helper()
	n, err := w.Count()
	if err != nil {
		t.Fatal(err)
	}
	if n != want {
		t.Fatalf("Count = %d, want %d", n, want)
	}
}

func wantErrPrefix(t *testing.T, err error, prefix string) {
	t.Helper()
	if err == nil || !strings.HasPrefix(err.Error(), prefix) {
		t.Fatalf("error = %v, want prefix %q", err, prefix)
	}
}

func TestMedium_Import_Good_JSONL(t *testing.T) {
	w := ioWorkspace(t, "medium-import-jsonl")
	m := newMemoryMedium()
	_ = m.Write("data.jsonl", "{\"user\":\"@alice\"}\n{\"user\":\"@bob\"}\n")
	if err := Import(w, m, "data.jsonl"); err != nil {
		t.Fatal(err)
	}
	rows, err := w.Query("SELECT entry_kind, entry_data FROM workspace_entries ORDER BY entry_id")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0]["entry_kind"] != "data" ||
		!strings.Contains(rows[0]["entry_data"].(string), "@alice") || !strings.Contains(rows[1]["entry_data"].(string), "@bob") {
		t.Fatalf("rows = %#v", rows)
	}
}

func TestMedium_Import_Good_JSONArray(t *testing.T) {
	w := ioWorkspace(t, "medium-import-json-array")
	m := newMemoryMedium()
	_ = m.Write("users.json", `[{"name":"Alice"},{"name":"Bob"},{"name":"Carol"}]`)
	if err := Import(w, m, "users.json"); err != nil {
		t.Fatal(err)
	}
	if got := w.Aggregate(); !reflect.DeepEqual(got, map[string]any{"users": 3}) {
		t.Fatalf("Aggregate = %v", got)
	}
}

func TestMedium_Import_Good_CSV(t *testing.T) {
	w := ioWorkspace(t, "medium-import-csv")
	m := newMemoryMedium()
	_ = m.Write("findings.csv", "tool,severity\ngosec,high\ngolint,low\n")
	if err := Import(w, m, "findings.csv"); err != nil {
		t.Fatal(err)
	}
	if got := w.Aggregate(); !reflect.DeepEqual(got, map[string]any{"findings": 2}) {
		t.Fatalf("Aggregate = %v", got)
	}
}

func TestMedium_Import_Good_CSVQuotedMultiline(t *testing.T) {
	w := ioWorkspace(t, "medium-import-csv-multiline")
	m := newMemoryMedium()
	_ = m.Write("notes.csv", "name,note\nAlice,\"hello\nworld\"\n")
	if err := Import(w, m, "notes.csv"); err != nil {
		t.Fatal(err)
	}
	if got := w.Aggregate(); !reflect.DeepEqual(got, map[string]any{"notes": 1}) {
		t.Fatalf("Aggregate = %v", got)
	}
	rows, _ := w.Query("SELECT entry_data FROM workspace_entries")
	if len(rows) != 1 || rows[0]["entry_data"] != `{"name":"Alice","note":"hello\nworld"}` {
		t.Fatalf("rows = %#v", rows)
	}
}

func TestMedium_Import_Bad_JSONArrayNonObject(t *testing.T) {
	w := ioWorkspace(t, "medium-import-json-non-object")
	m := newMemoryMedium()
	_ = m.Write("users.json", `[{"name":"Alice"},"Bob"]`)
	wantErrPrefix(t, Import(w, m, "users.json"), "store.Import: json array element is not an object at index 1")
	mustCount(t, w, 0)
}

func TestMedium_Import_Bad_MalformedCSV(t *testing.T) {
	w := ioWorkspace(t, "medium-import-csv-bad")
	m := newMemoryMedium()
	_ = m.Write("findings.csv", "tool,severity\ngosec,\"high\n")
	wantErrPrefix(t, Import(w, m, "findings.csv"), "store.Import: parse csv: ")
	mustCount(t, w, 0)
}

func TestMedium_Import_Bad_NilArguments(t *testing.T) {
	w := ioWorkspace(t, "medium-import-bad")
	m := newMemoryMedium()
	for _, c := range []struct {
		err  error
		want string
	}{
		{Import(nil, m, "data.json"), "store.Import: workspace is nil"},
		{Import(w, nil, "data.json"), "store.Import: medium is nil"},
		{Import(w, m, ""), "store.Import: path is empty"},
	} {
		if c.err == nil || c.err.Error() != c.want {
			t.Errorf("error = %v, want %q", c.err, c.want)
		}
	}
}

func TestMedium_Import_Ugly_MissingFileReturnsError(t *testing.T) {
	w := ioWorkspace(t, "medium-import-missing")
	wantErrPrefix(t, Import(w, newMemoryMedium(), "ghost.jsonl"), "store.Import: read from medium: ")
}

func TestMedium_Import_Bad_AllOrNothing(t *testing.T) {
	w := ioWorkspace(t, "medium-import-all-or-nothing")
	// Buffered before the import: kept, and not written twice.
	mustPut(t, w, "mine", map[string]any{"n": 1})
	m := newMemoryMedium()
	_ = m.Write("data.jsonl", "{\"a\":1}\n{\"a\":2}\n{\"a\":\n{\"a\":4}\n")
	// go-store keeps lines 1 and 2 here; this binding keeps none.
	wantErrPrefix(t, Import(w, m, "data.jsonl"), "store.Import: parse jsonl line 3: ")
	mustCount(t, w, 1)
	_ = m.Write("data.jsonl", "{\"a\":1}\n{\"a\":2}\n")
	if err := Import(w, m, "data.jsonl"); err != nil {
		t.Fatal(err)
	}
	if got := w.Aggregate(); !reflect.DeepEqual(got, map[string]any{"mine": 1, "data": 2}) {
		t.Fatalf("Aggregate = %v", got)
	}
}

func likes(t *testing.T, name string) *Workspace {
	w := ioWorkspace(t, name)
	mustPut(t, w, "like", map[string]any{"user": "@alice"})
	mustPut(t, w, "like", map[string]any{"user": "@bob"})
	mustPut(t, w, "profile_match", map[string]any{"user": "@carol"})
	return w
}

func TestMedium_Export_Good_JSON(t *testing.T) {
	w := likes(t, "medium-export-json")
	m := newMemoryMedium()
	if err := Export(w, m, "report.json"); err != nil {
		t.Fatal(err)
	}
	if content, ok := m.file("report.json"); !ok || content != `{"like":2,"profile_match":1}` {
		t.Fatalf("report.json = %q, %v", content, ok)
	}
}

func TestMedium_Export_Good_JSONLines(t *testing.T) {
	w := likes(t, "medium-export-jsonl")
	m := newMemoryMedium()
	if err := Export(w, m, "exports/report.jsonl"); err != nil {
		t.Fatal(err)
	}
	content, _ := m.file("exports/report.jsonl")
	lines := strings.Split(strings.TrimSuffix(content, "\n"), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], `{"created_at":`) ||
		!strings.HasSuffix(lines[0], `,"entry_data":"{\"user\":\"@alice\"}","entry_kind":"like"}`) {
		t.Fatalf("content = %q", content)
	}
	if !m.dirs["exports"] {
		t.Fatal("EnsureDir(exports) was not called")
	}
	if err := Export(w, m, "report.csv"); err != nil {
		t.Fatal(err)
	}
	csv, _ := m.file("report.csv")
	if !strings.HasPrefix(csv, "entry_kind,entry_data,created_at\nlike,\"{\"\"user\"\":\"\"@alice\"\"}\",") {
		t.Fatalf("csv = %q", csv)
	}
}

func TestMedium_Export_Bad_NilArguments(t *testing.T) {
	w := ioWorkspace(t, "medium-export-bad")
	m := newMemoryMedium()
	for _, c := range []struct {
		err  error
		want string
	}{
		{Export(nil, m, "report.json"), "store.Export: workspace is nil"},
		{Export(w, nil, "report.json"), "store.Export: medium is nil"},
		{Export(w, m, ""), "store.Export: path is empty"},
	} {
		if c.err == nil || c.err.Error() != c.want {
			t.Errorf("error = %v, want %q", c.err, c.want)
		}
	}
}

func TestMedium_Export_Bad_JSONPropagatesWorkspaceFailure(t *testing.T) {
	w := ioWorkspace(t, "medium-export-json-closed")
	mustPut(t, w, "like", map[string]any{"user": "@alice"})
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	m := newMemoryMedium()
	_ = m.Write("report.json", `{"previous":true}`)
	err := Export(w, m, "report.json")
	if err == nil || !strings.Contains(err.Error(), "aggregate workspace") {
		t.Fatalf("error = %v", err)
	}
	if content, _ := m.file("report.json"); content != `{"previous":true}` {
		t.Fatalf("report.json = %q", content)
	}
}

func TestMedium_Export_Bad_FailedWriteKeepsOldFile(t *testing.T) {
	w := likes(t, "medium-export-atomic")
	m := newMemoryMedium()
	_ = m.Write("report.jsonl", "old\n")
	m.failWrites = errors.New("disk full")
	wantErrPrefix(t, Export(w, m, "report.jsonl"), "store.Export: write jsonl: ")
	m.failWrites = nil
	if content, _ := m.file("report.jsonl"); content != "old\n" {
		t.Fatalf("report.jsonl = %q", content)
	}
	if len(m.files) != 1 {
		t.Fatalf("files = %v", m.files)
	}
}

func TestImportExport_Import_Good_CSVAndJSONIngestion(t *testing.T) {
	w := ioWorkspace(t, "import-export-ingestion")
	m := newMemoryMedium()
	_ = m.Write("findings.csv", "tool,severity\ngosec,high\n")
	_ = m.Write("scans.json", `{"entries":[{"tool":"gosec"},{"tool":"golint"}]}`)
	for _, path := range []string{"findings.csv", "scans.json"} {
		if err := Import(w, m, path); err != nil {
			t.Fatal(err)
		}
	}
	if got := w.Aggregate(); !reflect.DeepEqual(got, map[string]any{"findings": 1, "scans": 2}) {
		t.Fatalf("Aggregate = %v", got)
	}
}

func TestImportExport_Import_Bad_MalformedPayload(t *testing.T) {
	w := ioWorkspace(t, "import-export-malformed")
	m := newMemoryMedium()
	_ = m.Write("broken.json", `{"entries":[{"tool":"gosec"}`)
	wantErrPrefix(t, Import(w, m, "broken.json"), "store.Import: parse json: ")
	mustCount(t, w, 0)
}

func TestImportExport_Import_Ugly_EmptyPayload(t *testing.T) {
	w := ioWorkspace(t, "import-export-empty")
	m := newMemoryMedium()
	for _, path := range []string{"empty.csv", "empty.json", "empty.jsonl"} {
		_ = m.Write(path, "")
		if err := Import(w, m, path); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
	}
	mustCount(t, w, 0)
}

// osMedium is the local filesystem as a Medium: the go-io methods the
// round trip uses, over os.
type osMedium struct{ *memoryMedium }

func (osMedium) Read(path string) (string, error) {
	b, err := os.ReadFile(path)
	return string(b), err
}
func (osMedium) Write(path, content string) error { return os.WriteFile(path, []byte(content), 0o644) }
func (osMedium) EnsureDir(path string) error      { return os.MkdirAll(path, 0o755) }
func (osMedium) Rename(a, b string) error         { return os.Rename(a, b) }
func (osMedium) Delete(path string) error         { return os.Remove(path) }

func TestImportExport_Export_Good_RoundTrip(t *testing.T) {
	w := likes(t, "round-trip")
	m := osMedium{newMemoryMedium()}
	path := filepath.Join(t.TempDir(), "out", "likes.csv")
	if err := Export(w, m, path); err != nil {
		t.Fatal(err)
	}
	back := ioWorkspace(t, "round-trip-back")
	if err := Import(back, m, path); err != nil {
		t.Fatal(err)
	}
	rows, err := back.Query("SELECT entry_data FROM workspace_entries ORDER BY entry_id")
	if err != nil || len(rows) != 3 {
		t.Fatalf("rows = %v, %v", rows, err)
	}
	var first map[string]any
	if err := json.Unmarshal([]byte(rows[0]["entry_data"].(string)), &first); err != nil {
		t.Fatal(err)
	}
	if first["entry_kind"] != "like" || first["entry_data"] != `{"user":"@alice"}` {
		t.Fatalf("first = %v", first)
	}
}
