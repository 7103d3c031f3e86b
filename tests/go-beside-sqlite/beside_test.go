package besidesqlite

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"

	"dappco.re/go/store"
	"github.com/mattn/go-sqlite3"
)

// TestBeside_MattnSQLite_Good_BothLibrariesWork interleaves writes through
// the store and through mattn/go-sqlite3, each on its own file, and reads
// both back.
func TestBeside_MattnSQLite_Good_BothLibrariesWork(t *testing.T) {
	dir := t.TempDir()
	// The store's work must not allocate through mattn's SQLite: if it did,
	// the store would be running on mattn's copy (its compile options, its
	// global state) instead of its own.
	before := mattnMemoryUsed()
	st, err := store.New(filepath.Join(dir, "store.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for i := 0; i < 200; i++ {
		if err := st.Set("bulk", fmt.Sprintf("key-%d", i), "a value"); err != nil {
			t.Fatal(err)
		}
	}
	if after := mattnMemoryUsed(); after != before {
		t.Fatalf("the store allocated %d bytes through mattn's SQLite", after-before)
	}
	other, err := sql.Open("sqlite3", filepath.Join(dir, "other.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()

	if _, err := other.Exec("CREATE TABLE t(k TEXT PRIMARY KEY, v TEXT); INSERT INTO t VALUES('a', '1')"); err != nil {
		t.Fatalf("mattn: %v", err)
	}
	if err := st.Set("config", "colour", "blue"); err != nil {
		t.Fatalf("store: %v", err)
	}
	if _, err := other.Exec("INSERT INTO t VALUES('b', '2')"); err != nil {
		t.Fatalf("mattn: %v", err)
	}

	var count int
	if err := other.QueryRow("SELECT count(*) FROM t").Scan(&count); err != nil || count != 2 {
		t.Fatalf("mattn count = %d, %v; want 2", count, err)
	}
	var version string
	if err := other.QueryRow("SELECT sqlite_version()").Scan(&version); err != nil {
		t.Fatal(err)
	}
	if libVersion, _, _ := sqlite3.Version(); version != libVersion {
		t.Fatalf("mattn's connection runs SQLite %s, its library is %s", version, libVersion)
	}
	colour, err := st.Get("config", "colour")
	if err != nil || colour != "blue" {
		t.Fatalf("store Get = %q, %v; want blue", colour, err)
	}
	t.Logf("store and mattn/go-sqlite3 (SQLite %s) in one static binary", version)
}
