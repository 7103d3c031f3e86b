package store

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// newWorkspaceStore opens a file store whose state directory is stateDir.
func newWorkspaceStore(t *testing.T, stateDir string) *Store {
	t.Helper()
	s, err := New(filepath.Join(filepath.Dir(stateDir), "store.db"), WithWorkspaceStateDirectory(stateDir))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func stateDir(t *testing.T) string { return filepath.Join(t.TempDir(), "state") }

func mustPut(t *testing.T, w *Workspace, kind string, data map[string]any) {
	t.Helper()
	if err := w.Put(kind, data); err != nil {
		t.Fatalf("Put(%q): %v", kind, err)
	}
}

func TestWorkspace_NewWorkspace_Good_CreatePutAggregateQuery(t *testing.T) {
	dir := stateDir(t)
	s := newWorkspaceStore(t, dir)
	w, err := s.NewWorkspace("scroll-session")
	if err != nil {
		t.Fatal(err)
	}
	defer w.Discard()
	if got, want := w.DatabasePath(), filepath.Join(dir, "scroll-session.duckdb"); got != want {
		t.Fatalf("DatabasePath = %q, want %q", got, want)
	}
	if _, err := os.Stat(w.DatabasePath()); err != nil {
		t.Fatalf("file: %v", err)
	}
	mustPut(t, w, "like", map[string]any{"user": "@alice"})
	mustPut(t, w, "like", map[string]any{"user": "@bob"})
	mustPut(t, w, "profile_match", map[string]any{"user": "@charlie"})
	if got, want := w.Aggregate(), map[string]any{"like": 2, "profile_match": 1}; !reflect.DeepEqual(got, want) {
		t.Fatalf("Aggregate = %v, want %v", got, want)
	}
	rows, err := w.Query("SELECT entry_kind, COUNT(*) AS entry_count FROM workspace_entries GROUP BY entry_kind ORDER BY entry_kind")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0]["entry_kind"] != "like" || rows[0]["entry_count"] != int64(2) {
		t.Fatalf("rows = %#v", rows)
	}
}

func TestWorkspace_Count_Good_EmptyAfterPutsAndBadClosed(t *testing.T) {
	s := newWorkspaceStore(t, stateDir(t))
	w, err := s.NewWorkspace("count")
	if err != nil {
		t.Fatal(err)
	}
	if n, err := w.Count(); err != nil || n != 0 {
		t.Fatalf("Count = %d, %v", n, err)
	}
	for i := 0; i < 3; i++ {
		mustPut(t, w, "k", nil)
	}
	if n, err := w.Count(); err != nil || n != 3 {
		t.Fatalf("Count = %d, %v", n, err)
	}
	w.Discard()
	if _, err := w.Count(); err == nil {
		t.Fatal("Count after Discard succeeded")
	}
}

func TestWorkspace_Query_Good_RFCEntriesView(t *testing.T) {
	s := newWorkspaceStore(t, stateDir(t))
	w, _ := s.NewWorkspace("view")
	defer w.Discard()
	mustPut(t, w, "like", map[string]any{"a": 1})
	rows, err := w.Query("SELECT kind, data FROM entries")
	if err != nil || len(rows) != 1 || rows[0]["kind"] != "like" || rows[0]["data"] != `{"a":1}` {
		t.Fatalf("rows = %#v, %v", rows, err)
	}
	if _, err := w.Query("DELETE FROM workspace_entries"); err == nil {
		t.Fatal("a write statement ran")
	}
	if _, err := w.Query("SELECT * FROM read_csv('/etc/passwd')"); err == nil {
		t.Fatal("a workspace query read a file")
	}
}

func TestWorkspace_Commit_Good_JournalSummaryAndEvent(t *testing.T) {
	s := newWorkspaceStore(t, stateDir(t))
	var events []Event
	unregister := s.OnChange(func(e Event) { events = append(events, e) })
	defer unregister()
	w, _ := s.NewWorkspace("scroll")
	mustPut(t, w, "like", nil)
	mustPut(t, w, "like", nil)
	mustPut(t, w, "profile_match", nil)
	result, err := w.Commit()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"like": 2, "profile_match": 1}
	if !reflect.DeepEqual(result, want) {
		t.Fatalf("Commit = %v", result)
	}
	result["like"] = 99
	if !reflect.DeepEqual(w.Aggregate(), map[string]any{}) {
		t.Fatal("closed workspace aggregate should be empty")
	}
	if _, err := os.Stat(w.DatabasePath()); !os.IsNotExist(err) {
		t.Fatalf("file still there: %v", err)
	}
	if got := mustGet(t, s, "workspace:scroll", "summary"); got != `{"like":2,"profile_match":1}` {
		t.Fatalf("summary = %s", got)
	}
	rows, err := s.QueryJournal("")
	if err != nil || len(rows) != 1 {
		t.Fatalf("journal = %v, %v", rows, err)
	}
	if tags, _ := rows[0]["tags"].(map[string]string); tags["workspace"] != "scroll" {
		if tagsAny, _ := rows[0]["tags"].(map[string]any); tagsAny["workspace"] != "scroll" {
			t.Fatalf("tags = %#v", rows[0]["tags"])
		}
	}
	if len(events) != 1 || events[0].Type != EventSet || events[0].Group != "workspace:scroll" ||
		events[0].Value != `{"like":2,"profile_match":1}` || events[0].Timestamp.IsZero() {
		t.Fatalf("events = %#v", events)
	}
}

func TestWorkspace_NewWorkspace_Bad_Names(t *testing.T) {
	s := newWorkspaceStore(t, stateDir(t))
	for _, bad := range []string{"", ".", "..", "a/b", `a\b`, "nul\x00"} {
		if _, err := s.NewWorkspace(bad); err == nil || !strings.Contains(err.Error(), "store.NewWorkspace: validate workspace name") {
			t.Fatalf("NewWorkspace(%q) = %v", bad, err)
		}
	}
	w, _ := s.NewWorkspace("twice")
	defer w.Discard()
	_, err := s.NewWorkspace("twice")
	assertErrorContains(t, err, "store.NewWorkspace: workspace already exists: twice")
	var nilStore *Store
	_, err = nilStore.NewWorkspace("x")
	assertErrorContains(t, err, "store.NewWorkspace: store is nil")
	var nilWorkspace *Workspace
	if nilWorkspace.Name() != "" || nilWorkspace.Close() != nil || len(nilWorkspace.Aggregate()) != 0 {
		t.Fatal("nil workspace accessors")
	}
	nilWorkspace.Discard()
	assertErrorContains(t, nilWorkspace.Put("k", nil), "store.Workspace.Put: workspace is nil")
}

func TestWorkspace_Close_Good_PreservesFileForRecovery(t *testing.T) {
	s := newWorkspaceStore(t, stateDir(t))
	w, _ := s.NewWorkspace("kept")
	mustPut(t, w, "like", nil)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(w.DatabasePath()); err != nil {
		t.Fatalf("Close removed the file: %v", err)
	}
	assertErrorContains(t, w.Put("like", nil), "workspace is closed")
	orphans := s.RecoverOrphans("")
	if len(orphans) != 1 || orphans[0].Name() != "kept" || !reflect.DeepEqual(orphans[0].Aggregate(), map[string]any{"like": 1}) {
		t.Fatalf("orphans = %v", orphans)
	}
	orphans[0].Discard()
	orphans[0].Discard()
	if _, err := os.Stat(w.DatabasePath()); !os.IsNotExist(err) {
		t.Fatalf("Discard kept the file: %v", err)
	}
}

func TestWorkspace_RecoverOrphans_Good_SkipsAlreadyCommittedWorkspaceFile(t *testing.T) {
	dir := stateDir(t)
	s := newWorkspaceStore(t, dir)
	w, _ := s.NewWorkspace("done")
	mustPut(t, w, "x", nil)
	if _, err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	// A newer workspace under the committed name is live data: kept.
	again, _ := s.NewWorkspace("done")
	mustPut(t, again, "y", nil)
	_ = again.Close()
	orphans := s.RecoverOrphans(dir + "/")
	if len(orphans) != 1 || !reflect.DeepEqual(orphans[0].Aggregate(), map[string]any{"y": 1}) {
		t.Fatalf("orphans = %v", orphans)
	}
	orphans[0].Discard()
}

func TestWorkspace_New_Good_LeavesOrphanedWorkspacesForRecovery(t *testing.T) {
	dir := stateDir(t)
	first, err := New(filepath.Join(filepath.Dir(dir), "a.db"), WithWorkspaceStateDirectory(dir))
	if err != nil {
		t.Fatal(err)
	}
	w, _ := first.NewWorkspace("orphan")
	mustPut(t, w, "like", nil)
	_ = w.Close()
	_ = first.Close()
	s := newWorkspaceStore(t, dir)
	if _, err := os.Stat(filepath.Join(dir, "orphan.duckdb")); err != nil {
		t.Fatalf("open deleted the orphan: %v", err)
	}
	orphans := s.RecoverOrphans("")
	if len(orphans) != 1 || orphans[0].Name() != "orphan" {
		t.Fatalf("orphans = %v", orphans)
	}
	if got, err := orphans[0].Commit(); err != nil || !reflect.DeepEqual(got, map[string]any{"like": 1}) {
		t.Fatalf("Commit = %v, %v", got, err)
	}
}

func TestWorkspace_Recover_Orphans_Bad_CorruptMetadataQuarantined(t *testing.T) {
	dir := stateDir(t)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	junk := []byte("this is not a duckdb file\x00\x01\x02")
	_ = os.WriteFile(filepath.Join(dir, "bad.duckdb"), junk, 0o644)
	_ = os.WriteFile(filepath.Join(dir, "bad.duckdb.wal"), []byte("wal"), 0o644)
	s := newWorkspaceStore(t, dir)
	if orphans := s.RecoverOrphans(""); len(orphans) != 0 {
		t.Fatalf("orphans = %v", orphans)
	}
	got, err := os.ReadFile(filepath.Join(dir, "quarantine", "bad.duckdb"))
	if err != nil || !bytes.Equal(got, junk) {
		t.Fatalf("quarantined = %q, %v", got, err)
	}
	if wal, err := os.ReadFile(filepath.Join(dir, "quarantine", "bad.duckdb.wal")); err != nil || string(wal) != "wal" {
		t.Fatalf("quarantined wal = %q, %v", wal, err)
	}
}

func TestWorkspace_Recover_Orphans_Ugly_NoOrphansNoop(t *testing.T) {
	dir := stateDir(t)
	s := newWorkspaceStore(t, dir)
	if orphans := s.RecoverOrphans(""); len(orphans) != 0 {
		t.Fatalf("orphans = %v", orphans)
	}
	if _, err := os.Stat(filepath.Join(dir, "quarantine")); !os.IsNotExist(err) {
		t.Fatalf("quarantine created: %v", err)
	}
	var nilStore *Store
	if nilStore.RecoverOrphans("") != nil {
		t.Fatal("nil store recovered something")
	}
}

// BenchmarkWorkspacePut measures one buffered Put (go-store: 549.5 µs per
// Put on this machine kind, reference/perf-anchors.md).
func BenchmarkWorkspacePut(b *testing.B) {
	dir := filepath.Join(b.TempDir(), "state")
	s, err := New(filepath.Join(filepath.Dir(dir), "store.db"), WithWorkspaceStateDirectory(dir))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	w, err := s.NewWorkspace("bench")
	if err != nil {
		b.Fatal(err)
	}
	defer w.Discard()
	data := map[string]any{"user": "@alice", "score": 0.5}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := w.Put("like", data); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := w.Count(); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkWorkspaceAggregate measures Aggregate over 1M rows.
func BenchmarkWorkspaceAggregate(b *testing.B) {
	dir := filepath.Join(b.TempDir(), "state")
	s, err := New(filepath.Join(filepath.Dir(dir), "store.db"), WithWorkspaceStateDirectory(dir))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	w, err := s.NewWorkspace("agg")
	if err != nil {
		b.Fatal(err)
	}
	defer w.Discard()
	kinds := []string{"like", "share", "profile_match", "comment"}
	for i := 0; i < 1_000_000; i++ {
		if err := w.Put(kinds[i%len(kinds)], nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if got := w.Aggregate(); got["like"] != 250_000 {
			b.Fatalf("aggregate = %v", got)
		}
	}
}

// leaveOrphan closes a store that leaves one workspace of the given kinds
// behind in dir.
func leaveOrphan(t *testing.T, dir, name string, kinds ...string) {
	t.Helper()
	first, err := New(filepath.Join(t.TempDir(), "first.db"), WithWorkspaceStateDirectory(dir))
	if err != nil {
		t.Fatal(err)
	}
	w, err := first.NewWorkspace(name)
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range kinds {
		mustPut(t, w, kind, nil)
	}
	_ = w.Close()
	_ = first.Close()
}

// go-store caches orphans inside New; ours scans off the opening thread and
// WaitForOrphanScan gives the same guarantee (documented difference).
func TestWorkspace_New_Good_CachesOrphansDuringConstruction(t *testing.T) {
	dir := stateDir(t)
	leaveOrphan(t, dir, "cached", "like", "like")
	s := newWorkspaceStore(t, dir)
	s.WaitForOrphanScan()
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	orphans := s.RecoverOrphans("")
	if len(orphans) != 1 || orphans[0].Name() != "cached" || !reflect.DeepEqual(orphans[0].Aggregate(), map[string]any{"like": 2}) {
		t.Fatalf("orphans = %v", orphans)
	}
}

func TestWorkspace_NewConfigured_Good_CachesOrphansFromConfiguredStateDirectory(t *testing.T) {
	dir := stateDir(t)
	leaveOrphan(t, dir, "configured", "x")
	s, err := NewConfigured(StoreConfig{DatabasePath: filepath.Join(t.TempDir(), "c.db"), WorkspaceStateDirectory: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.WaitForOrphanScan()
	_ = os.RemoveAll(dir)
	orphans := s.RecoverOrphans(dir)
	if len(orphans) != 1 || orphans[0].Name() != "configured" || !reflect.DeepEqual(orphans[0].Aggregate(), map[string]any{"x": 1}) {
		t.Fatalf("orphans = %v", orphans)
	}
}

func TestWorkspace_RecoverOrphans_Good_TrailingSlashUsesCache(t *testing.T) {
	dir := stateDir(t)
	leaveOrphan(t, dir, "slashed", "y")
	s := newWorkspaceStore(t, dir)
	s.WaitForOrphanScan()
	_ = os.RemoveAll(dir)
	orphans := s.RecoverOrphans(dir + "/")
	if len(orphans) != 1 || orphans[0].Name() != "slashed" {
		t.Fatalf("orphans = %v", orphans)
	}
}

func TestWorkspace_Close_Good_PreservesOrphansForRecovery(t *testing.T) {
	dir := stateDir(t)
	leaveOrphan(t, dir, "survivor", "k")
	s, err := New(filepath.Join(t.TempDir(), "s.db"), WithWorkspaceStateDirectory(dir))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	next := newWorkspaceStore(t, dir)
	orphans := next.RecoverOrphans("")
	if len(orphans) != 1 || orphans[0].Name() != "survivor" {
		t.Fatalf("orphans after a store Close = %v", orphans)
	}
}

func TestWorkspace_Commit_Good_ResultCopiesAggregatedMap(t *testing.T) {
	s := newWorkspaceStore(t, stateDir(t))
	w, _ := s.NewWorkspace("copy")
	mustPut(t, w, "a", map[string]any{"n": 1})
	got, err := w.Commit()
	if err != nil {
		t.Fatal(err)
	}
	got["a"] = 99
	summary, err := s.Get("workspace:copy", "summary")
	if err != nil || !strings.Contains(summary, `"a":1`) {
		t.Fatalf("summary after changing the result = %q, %v", summary, err)
	}
}

func TestWorkspace_Discard_Good_Idempotent(t *testing.T) {
	s := newWorkspaceStore(t, stateDir(t))
	w, _ := s.NewWorkspace("twice")
	w.Discard()
	w.Discard()
	if _, err := os.Stat(w.DatabasePath()); !os.IsNotExist(err) {
		t.Fatalf("file after Discard: %v", err)
	}
}

func TestWorkspace_WaitForOrphanScan_Ugly_NilClosedAndNoDirectory(t *testing.T) {
	var nilStore *Store
	nilStore.WaitForOrphanScan()
	s := newWorkspaceStore(t, stateDir(t)) // the directory does not exist yet
	s.WaitForOrphanScan()
	_ = s.Close()
	s.WaitForOrphanScan()
}
