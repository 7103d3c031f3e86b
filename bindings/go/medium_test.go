package store

import (
	"errors"
	"strings"
	"testing"
)

// 17.9 Medium (medium_test.go), restated for the binding, plus the
// persistence failure handling of contract §2.9.

func TestMedium_WithMedium_Good(t *testing.T) {
	medium := newMemoryMedium()
	s, err := New(":memory:", WithMedium(medium))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	defer s.Close()
	if s.Medium() != Medium(medium) {
		t.Fatalf("Medium() = %v, want the medium passed in", s.Medium())
	}
	if s.Config().Medium != Medium(medium) {
		t.Fatalf("Config().Medium = %v, want the medium passed in", s.Config().Medium)
	}
}

func TestMedium_WithMedium_Bad_NilKeepsFilesystemBackend(t *testing.T) {
	s := newTestStore(t)
	if s.Medium() != nil || s.Config().Medium != nil {
		t.Fatalf("Medium() = %v, want nil", s.Medium())
	}
	var nilStore *Store
	if nilStore.Medium() != nil {
		t.Fatal("nil store has a medium")
	}
	withNil, err := New(":memory:", WithMedium(nil))
	if err != nil {
		t.Fatalf("New(WithMedium(nil)): %v", err)
	}
	defer withNil.Close()
	if withNil.Medium() != nil {
		t.Fatal("WithMedium(nil) set a medium")
	}
}

func TestMedium_WithMedium_Good_PersistsDatabaseThroughMedium(t *testing.T) {
	medium := newMemoryMedium()
	s, err := New("stores/app.db", WithMedium(medium))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	mustSet(t, s, "config", "colour", "blue")
	if _, ok := medium.file("stores/app.db"); ok {
		t.Fatal("the database reached the medium before Close")
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	content, ok := medium.file("stores/app.db")
	if !ok || !strings.HasPrefix(content, "SQLite format 3\x00") {
		t.Fatalf("medium holds %d bytes, want a SQLite file", len(content))
	}

	reopened, err := NewConfigured(StoreConfig{DatabasePath: "stores/app.db", Medium: medium})
	if err != nil {
		t.Fatalf("NewConfigured: %v", err)
	}
	defer reopened.Close()
	if got, err := reopened.Get("config", "colour"); err != nil || got != "blue" {
		t.Fatalf("Get after reopen = %q, %v", got, err)
	}
}

func TestMedium_MemoryPathIsNotMediumBacked(t *testing.T) {
	medium := newMemoryMedium()
	s, err := New(":memory:", WithMedium(medium))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	mustSet(t, s, "g", "k", "v")
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if medium.writeCount() != 0 {
		t.Fatalf("%d writes to the medium for :memory:", medium.writeCount())
	}
}

func TestMedium_Close_Bad_WriteBackFailureKeepsStoreClosingAndRetries(t *testing.T) {
	medium := newMemoryMedium()
	s, err := New("app.db", WithMedium(medium))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	mustSet(t, s, "g", "k", "v")
	medium.failWrites = errRemote
	err = s.Close()
	if err == nil || err.Error() != "store.Close: sync medium-backed database: remote storage unavailable" {
		t.Fatalf("Close = %v", err)
	}
	if s.IsClosed() {
		t.Fatal("IsClosed after a failed Close")
	}
	if _, err := s.Get("g", "k"); err == nil || !strings.Contains(err.Error(), "store is closed") {
		t.Fatalf("Get while closing = %v", err)
	}
	medium.failWrites = nil
	if err := s.Close(); err != nil {
		t.Fatalf("retried Close: %v", err)
	}
	if !s.IsClosed() {
		t.Fatal("not closed after the retry")
	}
	reopened, err := New("app.db", WithMedium(medium))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	defer reopened.Close()
	if got, _ := reopened.Get("g", "k"); got != "v" {
		t.Fatalf("Get after reopen = %q", got)
	}
}

func TestMedium_New_Bad_ReadFailure(t *testing.T) {
	medium := newMemoryMedium()
	medium.files["app.db"] = "anything"
	medium.failReads = errRemote
	_, err := New("app.db", WithMedium(medium))
	if err == nil || err.Error() != "store.New: read database from medium: remote storage unavailable" {
		t.Fatalf("New = %v", err)
	}
	var storeErr *Error
	if !errors.As(err, &storeErr) || storeErr.Status != StatusIO {
		t.Fatalf("status of %v is not StatusIO", err)
	}
	_, err = NewConfigured(StoreConfig{DatabasePath: "app.db", Medium: medium})
	if err == nil || !strings.HasPrefix(err.Error(), "store.NewConfigured: read database from medium") {
		t.Fatalf("NewConfigured = %v", err)
	}
}

func TestMedium_New_Ugly_PanickingMediumIsAnError(t *testing.T) {
	medium := newMemoryMedium()
	medium.files["app.db"] = "anything"
	medium.panicOn = "Read"
	_, err := New("app.db", WithMedium(medium))
	if err == nil || !strings.Contains(err.Error(), "medium panicked: medium exploded in Read") {
		t.Fatalf("New = %v", err)
	}
}

func TestMedium_New_Bad_CorruptFileOnMedium(t *testing.T) {
	medium := newMemoryMedium()
	junk := strings.Repeat("not a database ", 10)
	medium.files["bad.db"] = junk
	if _, err := New("bad.db", WithMedium(medium)); err == nil {
		t.Fatal("a corrupt file opened")
	}
	if content, _ := medium.file("bad.db"); content != junk {
		t.Fatal("the medium's file changed")
	}
}

func TestMedium_WithMedium_Good_GoIOStyleMediumWithExtraMethods(t *testing.T) {
	medium := extendedMedium{newMemoryMedium()}
	s, err := New("x.db", WithMedium(medium))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	mustSet(t, s, "g", "k", "v")
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if _, ok := medium.file("x.db"); !ok {
		t.Fatal("not written back")
	}
}

func TestMedium_ExportLineProtocol_Good(t *testing.T) {
	rows := []map[string]any{{
		"measurement": "cpu", "tags": map[string]string{"host": "a b"},
		"fields": map[string]any{"v": 2, "s": `say "hi"`}, "committed_at": int64(1700000000123),
	}}
	got, err := ExportLineProtocol(rows)
	if err != nil {
		t.Fatalf("ExportLineProtocol: %v", err)
	}
	want := "cpu,host=a\\ b s=\"say \\\"hi\\\"\",v=2i 1700000000123000000\n"
	if got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	if got, err := ExportLineProtocol(nil); err != nil || got != "" {
		t.Fatalf("empty rows = %q, %v", got, err)
	}
	_, err = ExportLineProtocol([]map[string]any{{"measurement": "m"}})
	if err == nil || !strings.Contains(err.Error(), "store.ExportLineProtocol: row 0: fields are missing") {
		t.Fatalf("row without fields = %v", err)
	}
}

func TestMedium_CopyMedium_Good_StreamsBetweenMedia(t *testing.T) {
	source, destination := newMemoryMedium(), newMemoryMedium()
	var big strings.Builder
	for i := 0; big.Len() < 300_000; i++ {
		big.WriteByte(byte(i % 251))
	}
	source.files["data.bin"] = big.String()
	if err := CopyMedium(source, "data.bin", destination, "backup/data.bin"); err != nil {
		t.Fatalf("CopyMedium: %v", err)
	}
	if got, _ := destination.file("backup/data.bin"); got != big.String() {
		t.Fatalf("copied %d bytes, want %d", len(got), big.Len())
	}
	if destination.writeCount() != 0 {
		t.Fatal("the copy went through Write instead of WriteStream")
	}
}

func TestMedium_CopyMedium_Bad_Failures(t *testing.T) {
	source, destination := newMemoryMedium(), newMemoryMedium()
	err := CopyMedium(source, "nope", destination, "x")
	if !errors.Is(err, NotFoundError) || !strings.HasPrefix(err.Error(), "store.CopyMedium: open source nope") {
		t.Fatalf("missing source = %v", err)
	}
	source.files["data.bin"] = strings.Repeat("x", 200_000)
	destination.failStreamAfter = 100_000
	err = CopyMedium(source, "data.bin", destination, "dst")
	if err == nil || err.Error() != "store.CopyMedium: write dst: quota exceeded on the medium" {
		t.Fatalf("failing destination = %v", err)
	}
	if destination.closes != 1 {
		t.Fatalf("the abandoned writer was closed %d times, want 1", destination.closes)
	}
	if err := CopyMedium(nil, "a", destination, "b"); err == nil {
		t.Fatal("nil medium accepted")
	}
}
