package store

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeImportFile(t *testing.T, root, rel, text string) string {
	t.Helper()
	path := filepath.Join(root, rel)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func countRows(t *testing.T, db *DuckDB, table string) int {
	t.Helper()
	var n int
	if err := db.QueryRowScan("SELECT count(*) FROM "+table, &n); err != nil {
		t.Fatal(err)
	}
	return n
}

const importChat = `{"messages":[{"role":"user","content":"q"},{"role":"assistant","content":"a"}]}`

// go-store's helper tests (bad line 2 → the error names line 2) restated
// through ImportAll, which here also leaves every table unchanged.
func TestImport_ImportAll_Bad_MalformedJSONL(t *testing.T) {
	cases := []struct{ rel, good, op string }{
		{"training/train.jsonl", importChat, "store.importTrainingFile"},
		{"benchmarks/results/r.jsonl", `{"id":"r-1"}`, "store.importBenchmarkFile"},
		{"benchmarks/truthfulqa.jsonl", `{"id":"q-1"}`, "store.importBenchmarkQuestions"},
	}
	for _, c := range cases {
		db, _ := newDuck(t)
		dir := t.TempDir()
		path := writeImportFile(t, dir, c.rel, c.good+"\n")
		if err := ImportAll(db, ImportConfig{DataDir: dir, SkipM3: true}, &bytes.Buffer{}); err != nil {
			t.Fatal(err)
		}
		writeImportFile(t, dir, c.rel, c.good+"\n{broken\n")
		var out bytes.Buffer
		err := ImportAll(db, ImportConfig{DataDir: dir, SkipM3: true}, &out)
		assertErrorContains(t, err, "store.ImportAll: ", c.op+": parse "+path+" line 2: ")
		var e *Error
		if !errors.As(err, &e) || e.Status != StatusInvalidArgument {
			t.Fatalf("%s: error %#v is not an invalid-argument *Error", c.rel, err)
		}
		// All or nothing: the tables keep the previous import's single row.
		total := 0
		for _, table := range []string{"training_examples", "benchmark_results", "benchmark_questions"} {
			total += countRows(t, db, table)
		}
		if total != 1 {
			t.Fatalf("%s: %d rows after a failed import, want the previous 1", c.rel, total)
		}
		if strings.Contains(out.String(), "rows") {
			t.Fatalf("%s: a rolled-back import printed row lines:\n%s", c.rel, out.String())
		}
	}
}

func TestImport_ImportAll_Good(t *testing.T) {
	db, _ := newDuck(t)
	var out bytes.Buffer
	if err := ImportAll(db, ImportConfig{DataDir: t.TempDir(), SkipM3: true}, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "LEM Database Import Complete") {
		t.Fatalf("output:\n%s", out.String())
	}
}

func TestImport_ImportAll_Good_CountsAndFixedSummaryOrder(t *testing.T) {
	db, dbDir := newDuck(t)
	path := filepath.Join(dbDir, "workspace.duckdb")
	dir := t.TempDir()
	writeImportFile(t, dir, "gold-15k.jsonl",
		`{"idx":1,"seed_id":"s","domain":"d","voice":"v","prompt":"p","response":"a b","gen_time":1}`+"\n")
	writeImportFile(t, dir, "training/valid.jsonl", importChat+"\n"+importChat+"\n")
	writeImportFile(t, dir, "benchmarks/lem_bench.jsonl", `{"id":1e21,"model":null}`+"\n")
	writeImportFile(t, dir, "seeds/west.json", `["one","two",{"prompt":"three"}]`)
	var out bytes.Buffer
	if err := ImportAll(db, ImportConfig{DataDir: dir, SkipM3: true}, &out); err != nil {
		t.Fatal(err)
	}
	eq := strings.Repeat("=", 50)
	want := "  golden_set: 1 rows\n  training_examples: 2 rows\n  benchmark_results: 1 rows\n" +
		"  benchmark_questions: 0 rows\n  seeds: 3 rows\n\n" + eq + "\nLEM Database Import Complete\n" + eq + "\n" +
		"  golden_set                       1\n" +
		"  training_examples                2\n" +
		"  benchmark_results                1\n" +
		"  benchmark_questions              0\n" +
		"  seeds                            3\n" +
		"  " + strings.Repeat("-", 35) + "\n" +
		"  TOTAL                            7\n" +
		"\nDatabase: " + path + "\n"
	if out.String() != want {
		t.Fatalf("printed\n%q\nwant\n%q", out.String(), want)
	}
	rows, err := db.QueryRows("SELECT id, model FROM benchmark_results")
	if err != nil {
		t.Fatal(err)
	}
	if rows[0]["id"] != "1e+21" || rows[0]["model"] != "<nil>" {
		t.Fatalf("go %%v mapping: %v", rows)
	}
	var split string
	if err := db.QueryRowScan("SELECT DISTINCT split FROM training_examples", &split); err != nil || split != "valid" {
		t.Fatalf("split %q, %v", split, err)
	}
	golden, err := db.QueryGoldenSet(0)
	if err != nil || len(golden) != 1 || golden[0].CharCount != 3 {
		t.Fatalf("golden set %v, %v", golden, err)
	}
}

func TestImport_ImportAll_Bad(t *testing.T) {
	var out bytes.Buffer
	err := ImportAll(nil, ImportConfig{DataDir: t.TempDir(), SkipM3: true}, &out)
	assertErrorContains(t, err, "store.ImportAll: database is nil")
	if out.String() != "" {
		t.Fatalf("output %q", out.String())
	}
	db, _ := newDuck(t)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	assertErrorContains(t, ImportAll(db, ImportConfig{SkipM3: true}, &out), "store.ImportAll: duckdb is closed")
}

func TestImport_ImportAll_Ugly(t *testing.T) {
	db, _ := newDuck(t)
	dir := t.TempDir()
	var out bytes.Buffer
	var remotes, dirRemotes []string
	cfg := ImportConfig{
		DataDir: dir,
		Scp: func(remote, local string) error {
			remotes = append(remotes, remote)
			if strings.HasSuffix(remote, "/training/train.jsonl") {
				return os.WriteFile(local, []byte(importChat+"\n"), 0o644)
			}
			if strings.HasSuffix(remote, "/lem_ethics.jsonl") {
				panic("boom")
			}
			return errors.New("offline")
		},
		ScpDir: func(remote, localDir string) error {
			dirRemotes = append(dirRemotes, remote+" "+localDir)
			return nil
		},
	}
	if err := ImportAll(db, cfg, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "seeds") ||
		!strings.HasPrefix(out.String(), "  Pulling golden set from M3...\n  WARNING: could not pull golden set from M3: offline\n") {
		t.Fatalf("output:\n%s", out.String())
	}
	if remotes[0] != "m3:/Volumes/Data/lem/responses/gold-15k.jsonl" || len(remotes) != 1+32+4+6 {
		t.Fatalf("scp remotes %v", remotes)
	}
	if len(dirRemotes) != 4 || dirRemotes[0] != "m3:/Volumes/Data/lem/benchmarks/results/ "+dir+"/benchmarks/results/" {
		t.Fatalf("scp dir calls %v", dirRemotes)
	}
	if n := countRows(t, db, "training_examples"); n != 1 {
		t.Fatalf("training_examples %d", n)
	}
}
