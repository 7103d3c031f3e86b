package main

// Workspace and DuckDB cells (perf-anchors §D and the 2026-11-30 addendum):
// this binding against go-store's paths (gostore_duck.go), both on the same
// DuckDB build, in one run. Large fixed-size runs (100 000 Puts, a 1M-row
// commit, ten 100 000-row orphans) are timed once each; QueryRows goes
// through testing.Benchmark.

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"dappco.re/go/store"
)

// workspaceSizes are the row counts of the workspace cells (flags in main).
type workspaceSizes struct {
	putRows     int // Workspace.Put and QueryRows
	commitRows  int // Workspace.Commit
	orphans     int // orphan files at open
	orphanRows  int // rows in each orphan
	onlyMatches func(name string) bool
}

// entryKind and entryData are one workspace entry: 16 kinds, ~60 bytes of
// JSON, the shape perf-anchors §D measured.
func entryKind(i int) string { return "kind-" + strconv.Itoa(i%16) }

func entryData(i int) map[string]any {
	return map[string]any{"i": i, "model": "model-" + strconv.Itoa(i%16), "passed": i%3 == 0, "score": float64(i%100) / 10}
}

// entrySelect makes the same rows in SQL, for files the anchor builds in bulk.
const entrySelect = `SELECT 'kind-' || (i % 16), '{"i":' || i || ',"model":"model-' || (i % 16) || '","passed":' ||
	CASE WHEN i % 3 = 0 THEN 'true' ELSE 'false' END || ',"score":' || ((i % 100) / 10.0) || '}', epoch_ms(now()) FROM range(?) t(i)`

func printWorkspaceRow(name, unit string, ours, anchor float64) {
	fmt.Printf("%-44s %14.2f %14.2f %13.1fx  (%s)\n", name, ours, anchor, anchor/ours, unit)
}

func runWorkspaces(tmp string, sz workspaceSizes) {
	fmt.Printf("\nworkspaces and DuckDB; anchor = go-store's path through %s\n", anchorDriver)
	fmt.Printf("%-44s %14s %14s %14s\n", "cell", "ours", "go-store path", "go-store/ours")
	if sz.onlyMatches("Workspace_Put") {
		ours, err := benchPutOurs(tmp, sz.putRows)
		if err != nil {
			fail(fmt.Errorf("Workspace_Put on ours: %w", err))
		}
		anchor, err := benchPutAnchor(tmp, sz.putRows)
		if err != nil {
			fail(fmt.Errorf("Workspace_Put on the go-store path: %w", err))
		}
		printWorkspaceRow(fmt.Sprintf("Workspace_Put, %d rows", sz.putRows), "µs/Put", ours, anchor)
	}
	if sz.onlyMatches("DuckDB_QueryRows") {
		ours, anchor := benchQueryRows(tmp, sz.putRows)
		printWorkspaceRow(fmt.Sprintf("DuckDB_QueryRows, %d rows", sz.putRows), "ms/query", ours, anchor)
	}
	if sz.onlyMatches("Workspace_Commit") {
		benchCommit(tmp, sz.commitRows)
	}
	if sz.onlyMatches("Orphans") {
		benchOrphans(tmp, sz.orphans, sz.orphanRows)
	}
}

func openWorkspaceStore(tmp, name string) (*store.Store, string, error) {
	dir := filepath.Join(tmp, name+"-state")
	s, err := store.New(filepath.Join(tmp, name+".db"), store.WithWorkspaceStateDirectory(dir))
	return s, dir, err
}

// benchPutOurs: µs per Put over n Puts, including the write of the buffer
// at the end (Count writes it), so every row is committed to the file.
func benchPutOurs(tmp string, n int) (float64, error) {
	s, _, err := openWorkspaceStore(tmp, "put-ours")
	if err != nil {
		return 0, err
	}
	defer s.Close()
	w, err := s.NewWorkspace("put")
	if err != nil {
		return 0, err
	}
	defer w.Discard()
	start := time.Now()
	for i := range n {
		if err := w.Put(entryKind(i), entryData(i)); err != nil {
			return 0, err
		}
	}
	count, err := w.Count()
	elapsed := time.Since(start)
	if err != nil || count != n {
		return 0, fmt.Errorf("Workspace_Put: %d rows after %d Puts: %v", count, n, err)
	}
	return float64(elapsed.Microseconds()) / float64(n), nil
}

// benchPutAnchor: µs per Put, one autocommit INSERT each.
func benchPutAnchor(tmp string, n int) (float64, error) {
	dir := filepath.Join(tmp, "put-anchor-state")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, err
	}
	w, err := openGSWorkspace(filepath.Join(dir, "put.duckdb"))
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(dir)
	defer w.Close()
	start := time.Now()
	for i := range n {
		if err := w.Put(entryKind(i), entryData(i)); err != nil {
			return 0, err
		}
	}
	return float64(time.Since(start).Microseconds()) / float64(n), nil
}

// benchQueryRows: ms per QueryRows of every row of an n-row probe_results
// table (go-store's canonical table: text, boolean, integer, timestamp).
func benchQueryRows(tmp string, n int) (float64, float64) {
	path := filepath.Join(tmp, "query-rows.duckdb")
	db, err := store.OpenDuckDBReadWrite(path)
	if err == nil {
		err = db.EnsureScoringTables()
	}
	if err == nil {
		err = db.Exec(`INSERT INTO probe_results (model, run_id, label, probe_id, passed, response, iteration)
			SELECT 'model-' || (i % 16), 'run-' || (i % 1000), 'label', 'probe-' || i, i % 3 = 0,
			'response text for probe ' || i || ' with some padding words', (i % 50)::INTEGER FROM range(?) t(i)`, n)
	}
	if err == nil {
		err = db.Close()
	}
	if err != nil {
		fail(fmt.Errorf("DuckDB_QueryRows setup: %w", err))
	}
	const query = "SELECT * FROM probe_results"
	check := func(rows []map[string]any, err error) error {
		if err == nil && len(rows) != n {
			err = fmt.Errorf("%d rows, want %d", len(rows), n)
		}
		return err
	}
	ours := queryCell("ours", func(b *testing.B) error {
		d, err := store.OpenDuckDB(path)
		if err != nil {
			return err
		}
		defer d.Close()
		for b.Loop() {
			if err := check(d.QueryRows(query)); err != nil {
				return err
			}
		}
		return nil
	})
	anchor := queryCell("go-store path", func(b *testing.B) error {
		// go-store's OpenDuckDB: read-only DSN, pool not limited.
		d, err := sqlOpenPing("duckdb", path+"?access_mode=READ_ONLY")
		if err != nil {
			return err
		}
		defer d.Close()
		for b.Loop() {
			if err := check(gsQueryRows(d, query)); err != nil {
				return err
			}
		}
		return nil
	})
	return ours, anchor
}

func queryCell(who string, run func(b *testing.B) error) float64 {
	var runErr error
	r := testing.Benchmark(func(b *testing.B) {
		if err := run(b); err != nil {
			runErr = err
		}
	})
	if runErr != nil {
		fail(fmt.Errorf("DuckDB_QueryRows on %s: %w", who, runErr))
	}
	return float64(r.T.Nanoseconds()) / float64(max(r.N, 1)) / 1e6
}

// benchCommit: a workspace of n rows committed to the journal, ours and
// go-store's (aggregate through database/sql, then its SQLite transaction
// on go-store's engine, close, delete).
func benchCommit(tmp string, n int) {
	s, _, err := openWorkspaceStore(tmp, "commit-ours")
	if err != nil {
		fail(err)
	}
	defer s.Close()
	w, err := s.NewWorkspace("commit")
	if err != nil {
		fail(err)
	}
	start := time.Now()
	for i := range n {
		if err := w.Put(entryKind(i), entryData(i)); err != nil {
			fail(err)
		}
	}
	if count, err := w.Count(); err != nil || count != n {
		fail(fmt.Errorf("Workspace_Commit setup: %d rows: %v", count, err))
	}
	putTime := time.Since(start)
	start = time.Now()
	agg, err := w.Commit()
	ours := time.Since(start)
	if err != nil {
		fail(err)
	}
	if total := sumCounts(agg); total != n {
		fail(fmt.Errorf("Workspace_Commit: aggregate sums to %d, want %d", total, n))
	}

	dir := filepath.Join(tmp, "commit-anchor-state")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		fail(err)
	}
	g, err := openGSWorkspace(filepath.Join(dir, "commit.duckdb"))
	if err != nil {
		fail(err)
	}
	if _, err := g.db.Exec("INSERT INTO workspace_entries (entry_kind, entry_data, created_at) "+entrySelect, n); err != nil {
		fail(err)
	}
	kv, err := openGoStoreJournal(filepath.Join(tmp, "commit-anchor.db"))
	if err != nil {
		fail(err)
	}
	defer kv.Close()
	start = time.Now()
	gagg, err := g.Commit(kv)
	anchor := time.Since(start)
	if err != nil {
		fail(err)
	}
	if total := sumCounts(gagg); total != n {
		fail(fmt.Errorf("Workspace_Commit anchor: aggregate sums to %d, want %d", total, n))
	}
	printWorkspaceRow(fmt.Sprintf("Workspace_Commit, %d rows", n), "ms", ms(ours), ms(anchor))
	fmt.Printf("  ours: Commit %.0f rows/s; the %d Puts before it took %.0f ms (%.2f µs/Put, %.0f rows/s)\n",
		float64(n)/ours.Seconds(), n, ms(putTime), float64(putTime.Microseconds())/float64(n), float64(n)/putTime.Seconds())
}

func sumCounts(agg map[string]any) int {
	total := 0
	for _, v := range agg {
		if n, ok := v.(int); ok {
			total += n
		}
	}
	return total
}

func ms(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e6 }

// ---- orphans at open ------------------------------------------------------

// orphanChildArg makes this program a child that leaves orphans behind:
// `<self> orphan-child <store> <dir> <count> <rows>` puts the rows into
// each workspace, writes them (so they sit in the file's DuckDB WAL) and
// then kills itself with SIGKILL, the crash go-store's figure is about.
const orphanChildArg = "orphan-child"

func orphanChild(args []string) {
	if len(args) != 4 {
		fail(fmt.Errorf("%s: want <store> <dir> <count> <rows>", orphanChildArg))
	}
	count, err1 := strconv.Atoi(args[2])
	rows, err2 := strconv.Atoi(args[3])
	if err1 != nil || err2 != nil {
		fail(fmt.Errorf("%s: bad counts %q %q", orphanChildArg, args[2], args[3]))
	}
	s, err := store.New(args[0], store.WithWorkspaceStateDirectory(args[1]))
	if err != nil {
		fail(err)
	}
	open := make([]*store.Workspace, 0, count) // held open until the kill
	for k := range count {
		w, err := s.NewWorkspace(fmt.Sprintf("orphan-%02d", k))
		if err != nil {
			fail(err)
		}
		for i := range rows {
			if err := w.Put(entryKind(i), entryData(i)); err != nil {
				fail(err)
			}
		}
		if _, err := w.Count(); err != nil {
			fail(err)
		}
		open = append(open, w)
	}
	fmt.Println("ready", len(open))
	syscall.Kill(os.Getpid(), syscall.SIGKILL)
	select {}
}

// makeOrphans runs the child and checks it got as far as the kill.
func makeOrphans(storePath, dir string, count, rows int) {
	self, err := os.Executable()
	if err != nil {
		fail(err)
	}
	cmd := exec.Command(self, orphanChildArg, storePath, dir, strconv.Itoa(count), strconv.Itoa(rows))
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if strings.TrimSpace(string(out)) != "ready "+strconv.Itoa(count) {
		fail(fmt.Errorf("orphan child: %q, %v", out, err))
	}
	if ee, ok := err.(*exec.ExitError); !ok || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		fail(fmt.Errorf("orphan child was not killed by SIGKILL: %v", err))
	}
}

// walBytes sums the sizes of the *.duckdb and *.duckdb.wal files in dir.
func walBytes(dir string) (db, wal int64) {
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		info, err := e.Info()
		if err != nil || e.IsDir() {
			continue
		}
		switch {
		case strings.HasSuffix(e.Name(), ".duckdb.wal"):
			wal += info.Size()
		case strings.HasSuffix(e.Name(), ".duckdb"):
			db += info.Size()
		}
	}
	return db, wal
}

func copyDir(from, to string) error {
	if err := os.MkdirAll(to, 0o755); err != nil {
		return err
	}
	entries, err := os.ReadDir(from)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		src, err := os.Open(filepath.Join(from, e.Name()))
		if err != nil {
			return err
		}
		dst, err := os.Create(filepath.Join(to, e.Name()))
		if err == nil {
			_, err = io.Copy(dst, src)
			if cerr := dst.Close(); err == nil {
				err = cerr
			}
		}
		src.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// openAndRecover opens the store, then takes its orphans, and returns how
// long New took and how long until RecoverOrphans returned (from the start
// of New). The orphans are checked, then closed (files kept).
func openAndRecover(storePath, dir string, count, rows int) (open, recovered time.Duration) {
	start := time.Now()
	s, err := store.New(storePath, store.WithWorkspaceStateDirectory(dir))
	open = time.Since(start)
	if err != nil {
		fail(err)
	}
	defer s.Close()
	ws := s.RecoverOrphans("")
	recovered = time.Since(start)
	if len(ws) != count {
		fail(fmt.Errorf("Orphans: RecoverOrphans returned %d workspaces, want %d", len(ws), count))
	}
	for _, w := range ws {
		if total := sumCounts(w.Aggregate()); total != rows {
			fail(fmt.Errorf("Orphans: %s aggregates to %d rows, want %d", w.Name(), total, rows))
		}
		if err := w.Close(); err != nil {
			fail(err)
		}
	}
	return open, recovered
}

// benchOrphans: store open with orphans left by a killed process, ours
// (scan off the opening thread, WAL folded once) against go-store's scan on
// the opening thread, which replays each WAL.
func benchOrphans(tmp string, count, rows int) {
	storePath := filepath.Join(tmp, "orphans.db")
	dir := filepath.Join(tmp, "orphans-state")
	makeOrphans(storePath, dir, count, rows)
	dbBytes, wal := walBytes(dir)
	anchorDir := filepath.Join(tmp, "orphans-anchor-state")
	if err := copyDir(dir, anchorDir); err != nil {
		fail(err)
	}
	fmt.Printf("orphans: %d workspaces × %d rows left by a process killed with SIGKILL: %.1f MB in files, %.1f MB in WALs\n",
		count, rows, float64(dbBytes)/1e6, float64(wal)/1e6)

	open1, rec1 := openAndRecover(storePath, dir, count, rows)
	_, walAfter := walBytes(dir)
	open2, rec2 := openAndRecover(storePath, dir, count, rows)

	anchor1 := gsRecoverTimed(anchorDir, count)
	anchor2 := gsRecoverTimed(anchorDir, count)
	label := fmt.Sprintf("%d orphans × %d rows", count, rows)
	printWorkspaceRow("New, "+label, "ms; go-store scans on the opening thread", ms(open1), ms(anchor1))
	printWorkspaceRow("New → RecoverOrphans done, "+label, "ms", ms(rec1), ms(anchor1))
	printWorkspaceRow("second New, same files", "ms", ms(open2), ms(anchor2))
	printWorkspaceRow("second New → RecoverOrphans done", "ms", ms(rec2), ms(anchor2))
	fmt.Printf("  WAL bytes left after the first recovery and Close: %d\n", walAfter)
	fmt.Printf("  published go-store figure (go-duckdb v1.8.5, DuckDB 1.1.3): New with 3 orphans × 100000 rows after kill -9 = 12550 ms\n")
}

// gsRecoverTimed runs go-store's open-time scan once, checks it and closes
// the handles (untimed; closing checkpoints each file, as go-store's Close).
func gsRecoverTimed(dir string, count int) time.Duration {
	start := time.Now()
	ws, err := gsRecover(dir)
	elapsed := time.Since(start)
	for _, w := range ws {
		w.Close()
	}
	if err != nil {
		fail(fmt.Errorf("Orphans anchor: %w", err))
	}
	if len(ws) != count {
		fail(fmt.Errorf("Orphans anchor: %d workspaces, want %d", len(ws), count))
	}
	return elapsed
}
