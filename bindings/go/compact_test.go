package store

// go-store's compact tests (contract §17.9), restated for the binding.

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// oldAndNew commits "old", takes a cutoff, then commits "new".
func oldAndNew(t *testing.T, s *Store) time.Time {
	t.Helper()
	mustCommit(t, s, "old", map[string]any{"like": 1}, map[string]string{"workspace": "a"})
	time.Sleep(5 * time.Millisecond)
	cutoff := time.Now()
	time.Sleep(5 * time.Millisecond)
	mustCommit(t, s, "new", map[string]any{"like": 2}, nil)
	return cutoff
}

func readGzipLines(t *testing.T, path string) []map[string]any {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var lines []map[string]any
	sc := bufio.NewScanner(z)
	for sc.Scan() {
		var line map[string]any
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		lines = append(lines, line)
	}
	return lines
}

func TestCompact_Compact_Good_GzipArchive(t *testing.T) {
	s := newTestStore(t)
	cutoff := oldAndNew(t, s)
	dir := t.TempDir()
	path, err := s.Compact(CompactOptions{Before: cutoff, Output: dir, Format: "gzip"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(filepath.Base(path), "journal-") || !strings.HasSuffix(path, ".jsonl.gz") {
		t.Fatalf("path = %s", path)
	}
	lines := readGzipLines(t, path)
	if len(lines) != 1 || lines[0]["measurement"] != "old" || lines[0]["bucket"] != "store" {
		t.Fatalf("lines = %v", lines)
	}
	if got := measurementsOf(mustQuery(t, s, "")); len(got) != 1 || got[0] != "new" {
		t.Fatalf("unarchived rows = %v", got)
	}
	rows := mustQuery(t, s, "SELECT measurement FROM journal_entries WHERE archived_at IS NOT NULL")
	if got := measurementsOf(rows); len(got) != 1 || got[0] != "old" {
		t.Fatalf("raw SQL sees archived rows: %v", got)
	}
}

func TestCompact_Compact_Good_ZstdArchive(t *testing.T) {
	s := newTestStore(t)
	cutoff := oldAndNew(t, s)
	path, err := s.Compact(CompactOptions{Before: cutoff, Output: t.TempDir(), Format: " ZSTD "})
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// The zstd frame magic number.
	if !strings.Contains(path, ".jsonl.zst") || len(data) < 4 || string(data[:4]) != "\x28\xb5\x2f\xfd" {
		t.Fatalf("path %s, %d bytes", path, len(data))
	}
}

func TestCompact_Compact_Good_NoRows(t *testing.T) {
	s := newTestStore(t)
	mustCommit(t, s, "fresh", nil, nil)
	dir := filepath.Join(t.TempDir(), "nested", "archive")
	path, err := s.Compact(CompactOptions{Before: time.Now().Add(-time.Hour), Output: dir})
	if err != nil || path != "" {
		t.Fatalf("path %q, err %v", path, err)
	}
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("output directory not created: %v", err)
	}
}

func TestCompact_Compact_Good_DeterministicOrderingForSameTimestamp(t *testing.T) {
	s := newTestStore(t)
	for _, m := range []string{"b", "a", "c"} {
		mustCommit(t, s, m, nil, nil)
	}
	path, err := s.Compact(CompactOptions{Before: time.Now().Add(time.Minute), Output: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	lines := readGzipLines(t, path)
	want := measurementsOf(mustQuery(t, s, "SELECT measurement FROM journal_entries ORDER BY committed_at, entry_id"))
	for i, line := range lines {
		if line["measurement"] != want[i] {
			t.Fatalf("line %d = %v, want %s", i, line, want[i])
		}
	}
}

func TestCompact_Compact_Good_RetentionDeletesArchivedRows(t *testing.T) {
	s := newTestStore(t)
	cutoff := oldAndNew(t, s)
	time.Sleep(20 * time.Millisecond)
	if _, err := s.Compact(CompactOptions{Before: cutoff, Output: t.TempDir(), Retention: 10 * time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	rows := mustQuery(t, s, "SELECT measurement FROM journal_entries")
	if got := measurementsOf(rows); len(got) != 1 || got[0] != "new" {
		t.Fatalf("rows = %v", got)
	}
}

func TestCompact_Compact_Bad_ValidateAndPublishErrors(t *testing.T) {
	s := newTestStore(t)
	_, err := s.Compact(CompactOptions{})
	assertErrorContains(t, err, "store.Compact: validate options: store.CompactOptions.Validate: before cutoff time is empty")
	mustCommit(t, s, "old", nil, nil)
	// The output "directory" is a file: nothing is archived or marked.
	file := filepath.Join(t.TempDir(), "not-a-dir")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = s.Compact(CompactOptions{Before: time.Now().Add(time.Minute), Output: file})
	assertErrorContains(t, err, "store.Compact: ensure medium archive directory")
	if rows := mustQuery(t, s, ""); len(rows) != 1 {
		t.Fatalf("rows marked despite failure: %v", rows)
	}
	var nilStore *Store
	_, err = nilStore.Compact(CompactOptions{Before: time.Now()})
	assertErrorContains(t, err, "store.Compact: store is nil")
}

func TestCompactOptions_Good_Normalised(t *testing.T) {
	o := CompactOptions{}.Normalised()
	if o.Output != ".core/archive/" || o.Format != "gzip" {
		t.Fatalf("normalised = %+v", o)
	}
}

func TestCompactOptions_Good_Validate(t *testing.T) {
	if err := (CompactOptions{Before: time.Now(), Format: "gzip"}).Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestCompactOptions_Good_ValidateNormalisesFormatCase(t *testing.T) {
	for _, f := range []string{" GZIP ", " ZsTd "} {
		if err := (CompactOptions{Before: time.Now(), Format: f}).Validate(); err != nil {
			t.Fatalf("%q: %v", f, err)
		}
	}
}

func TestCompactOptions_Good_ValidateWhitespaceFormatDefaultsToGzip(t *testing.T) {
	o := CompactOptions{Before: time.Now(), Format: "   "}
	if err := o.Validate(); err != nil {
		t.Fatal(err)
	}
	if o.Normalised().Format != "gzip" {
		t.Fatalf("format = %q", o.Normalised().Format)
	}
}

func TestCompactOptions_Bad_ValidateMissingCutoff(t *testing.T) {
	assertErrorContains(t, CompactOptions{Format: "gzip"}.Validate(), "before cutoff time is empty")
}

func TestCompactOptions_Bad_ValidateUnsupportedFormat(t *testing.T) {
	assertErrorContains(t, CompactOptions{Before: time.Now(), Format: "bzip2"}.Validate(), `format must be "gzip" or "zstd"; got bzip2`)
}

func TestMedium_Compact_Good_MediumRoutesArchive(t *testing.T) {
	medium := newMemoryMedium()
	s, err := New(filepath.Join(t.TempDir(), "m.db"), WithMedium(medium))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	mustCommit(t, s, "old", map[string]any{"n": 1}, nil)
	path, err := s.Compact(CompactOptions{Before: time.Now().Add(time.Minute), Output: "archive", Medium: medium})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(path, "archive/journal-") || !medium.Exists(path) {
		t.Fatalf("archive %q not on the medium: %v", path, medium.files)
	}
	if _, err := s.Compact(CompactOptions{Before: time.Now(), Medium: newMemoryMedium()}); err == nil {
		t.Fatal("a medium other than the store's was accepted")
	}
}
