package store

import (
	"database/sql"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func newDuck(t *testing.T) (*DuckDB, string) {
	t.Helper()
	dir := t.TempDir()
	ws, err := OpenDuckDBReadWrite(filepath.Join(dir, "workspace.duckdb"))
	if err != nil {
		t.Fatalf("OpenDuckDBReadWrite: %v", err)
	}
	t.Cleanup(func() { _ = ws.Close() })
	return ws, dir
}

// Seed 003's flow: open, ensure scoring tables, insert, query, export, split export.
func TestDuckDB_Seed003Flow_Good(t *testing.T) {
	ws, dir := newDuck(t)
	if err := ws.EnsureScoringTables(); err != nil {
		t.Fatal(err)
	}
	for i, acc := range []float64{0.9, 0.5, 0.85} {
		if err := ws.Exec(fmt.Sprintf("INSERT INTO %s (model, run_id, label, accuracy) VALUES (?, ?, ?, ?)", TableCheckpointScores),
			fmt.Sprintf("model-%d", i%2), "run", fmt.Sprintf("label-%d", i), acc); err != nil {
			t.Fatal(err)
		}
	}
	if err := ws.Exec(fmt.Sprintf("SELECT * FROM %s WHERE accuracy > ?", TableCheckpointScores), 0.8); err != nil {
		t.Fatal(err)
	}
	rows, err := ws.QueryRows(fmt.Sprintf("SELECT model, label, accuracy, scored_at FROM %s WHERE accuracy > ? ORDER BY label", TableCheckpointScores), 0.8)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0]["label"] != "label-0" || rows[1]["accuracy"] != 0.85 {
		t.Fatalf("rows = %v", rows)
	}
	if ts, ok := rows[0]["scored_at"].(time.Time); !ok || time.Since(ts) > time.Hour || time.Since(ts) < -time.Hour {
		t.Fatalf("scored_at = %#v", rows[0]["scored_at"])
	}
	n, err := ws.ExportParquet(filepath.Join(dir, "scores.parquet"), TableCheckpointScores)
	if err != nil || n != 3 {
		t.Fatalf("ExportParquet = %d, %v", n, err)
	}
	n, err = ws.ExportSplitParquet(filepath.Join(dir, "shards"), TableCheckpointScores, "model")
	if err != nil || n != 3 {
		t.Fatalf("ExportSplitParquet = %d, %v", n, err)
	}
	parts, _ := os.ReadDir(filepath.Join(dir, "shards"))
	if len(parts) != 2 || parts[0].Name() != "model=model-0" {
		t.Fatalf("partitions = %v", parts)
	}
	back, err := ws.ImportParquet("back", filepath.Join(dir, "shards"))
	if err != nil || back != 3 {
		t.Fatalf("ImportParquet = %d, %v", back, err)
	}
	if err := ws.WriteScoringResult("model-0", "p1", "suite", "dim", 0.5); err != nil {
		t.Fatal(err)
	}
	counts, err := ws.TableCounts()
	if err != nil || counts[TableCheckpointScores] != 3 || counts["scoring_results"] != 1 || counts[TableProbeResults] != 0 {
		t.Fatalf("TableCounts = %v, %v", counts, err)
	}
	if _, ok := counts["golden_set"]; ok {
		t.Fatal("missing tables must be left out")
	}
}

func TestDuckDB_QueryRows_Good_GoTypes(t *testing.T) {
	ws, _ := newDuck(t)
	rows, err := ws.QueryRows(`SELECT 1::TINYINT a, 2::INTEGER b, 3::BIGINT c, 4::UBIGINT d, 1.5::FLOAT e, 2.5 f,
		12.25::DECIMAL(6,2) g, 'x' h, true i, NULL j, '\xAB'::BLOB k, DATE '2026-12-07' l,
		TIMESTAMP '2026-12-07 09:37:55.5' m, [1, 2] n, {'k': 'v'} o, 170141183460469231731687303715884105727::HUGEINT p`)
	if err != nil {
		t.Fatal(err)
	}
	r := rows[0]
	want := map[string]any{"a": int8(1), "b": int32(2), "c": int64(3), "d": uint64(4), "e": float32(1.5), "f": 2.5,
		"g": 12.25, "h": "x", "i": true, "j": nil}
	for k, v := range want {
		if r[k] != v {
			t.Errorf("%s = %#v, want %#v", k, r[k], v)
		}
	}
	if b, ok := r["k"].([]byte); !ok || len(b) != 1 || b[0] != 0xAB {
		t.Errorf("k = %#v", r["k"])
	}
	if d := r["l"].(time.Time); d.Year() != 2026 || d.Day() != 7 {
		t.Errorf("l = %v", d)
	}
	if ts := r["m"].(time.Time); ts.Nanosecond() != 500000000 {
		t.Errorf("m = %v", ts)
	}
	if l := r["n"].([]any); len(l) != 2 || l[1] != int64(2) {
		t.Errorf("n = %#v", r["n"])
	}
	if o := r["o"].(map[string]any); o["k"] != "v" {
		t.Errorf("o = %#v", r["o"])
	}
	if h := r["p"].(*big.Int); h.String() != "170141183460469231731687303715884105727" {
		t.Errorf("p = %v", h)
	}
}

func TestDuckDB_QueryRowScan_Good(t *testing.T) {
	ws, _ := newDuck(t)
	var n int
	var s string
	var f float64
	var ts time.Time
	if err := ws.QueryRowScan("SELECT 41 + ?", &n, 1); err != nil || n != 42 {
		t.Fatalf("%d, %v", n, err)
	}
	if err := ws.QueryRowScan("SELECT 'hi' || ?", &s, "!"); err != nil || s != "hi!" {
		t.Fatalf("%q, %v", s, err)
	}
	if err := ws.QueryRowScan("SELECT 0.25", &f); err != nil || f != 0.25 {
		t.Fatalf("%v, %v", f, err)
	}
	if err := ws.QueryRowScan("SELECT TIMESTAMP '2026-01-02 03:04:05'", &ts); err != nil || ts.Hour() != 3 {
		t.Fatalf("%v, %v", ts, err)
	}
	if err := ws.QueryRowScan("SELECT 1 WHERE false", &n); !errors.Is(err, sql.ErrNoRows) {
		t.Fatalf("no row: %v", err)
	}
}

func TestDuckDB_Open_Bad(t *testing.T) {
	dir := t.TempDir()
	_, err := OpenDuckDB(filepath.Join(dir, "missing.duckdb"))
	var e *Error
	if !errors.As(err, &e) || e.Status != StatusIO || !strings.HasPrefix(err.Error(), "store.OpenDuckDB: open duckdb ") {
		t.Fatalf("missing file: %v", err)
	}
	path := filepath.Join(dir, "a.duckdb")
	ws, err := OpenDuckDBReadWrite(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := ws.Exec("CREATE TABLE t (i INTEGER)"); err != nil {
		t.Fatal(err)
	}
	if err := ws.Close(); err != nil {
		t.Fatal(err)
	}
	if err := ws.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if err := ws.Exec("SELECT 1"); !errors.As(err, &e) || e.Status != StatusClosed {
		t.Fatalf("closed: %v", err)
	}
	ro, err := OpenDuckDB(path)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if err := ro.Exec("INSERT INTO t VALUES (1)"); err == nil || !strings.Contains(err.Error(), "read-only") {
		t.Fatalf("read-only write: %v", err)
	}
	if ro.Path() != path {
		t.Fatal(ro.Path())
	}
	var nilDB *DuckDB
	if err := nilDB.Exec("SELECT 1"); err == nil || nilDB.Close() != nil {
		t.Fatal("nil receiver")
	}
}

func TestDuckDB_Safety_Bad(t *testing.T) {
	ws, _ := newDuck(t)
	for _, q := range []string{"INSTALL httpfs", "LOAD httpfs"} {
		if err := ws.Exec(q); err == nil || !strings.Contains(err.Error(), "extensions is disabled") {
			t.Errorf("%s: %v", q, err)
		}
	}
	if _, err := ws.QueryRows("SELECT * FROM 'http://127.0.0.1:9/x.parquet'"); err == nil || !strings.Contains(err.Error(), "httpfs") {
		t.Errorf("http read: %v", err)
	}
	if _, err := ws.QueryRows("SELECT * FROM no_such_table"); err == nil || !strings.Contains(err.Error(), "no_such_table") {
		t.Errorf("missing table: %v", err)
	}
	if err := ws.Exec("SELECT ?", struct{}{}); err == nil {
		t.Error("unsupported argument type accepted")
	}
}

func TestDuckDB_GoldenSetAndExpansion_Good(t *testing.T) {
	ws, _ := newDuck(t)
	if rows, err := ws.QueryGoldenSet(0); err == nil || rows != nil {
		t.Fatalf("missing golden_set: %v %v", rows, err)
	}
	if err := ws.Exec(`CREATE TABLE golden_set (idx INT, seed_id VARCHAR, domain VARCHAR, voice VARCHAR, prompt VARCHAR,
			response VARCHAR, gen_time DOUBLE, char_count INT);
		INSERT INTO golden_set VALUES (1, 's', 'd', 'v', 'p', 'response', 0.5, 8);
		CREATE TABLE expansion_prompts (idx BIGINT, seed_id VARCHAR, region VARCHAR, domain VARCHAR, language VARCHAR,
			prompt VARCHAR, prompt_en VARCHAR, priority INT, status VARCHAR);
		INSERT INTO expansion_prompts VALUES (5, 's', 'r', 'd', 'en', 'p', 'pe', 1, 'pending'), (6, 's', 'r', 'd', 'en', 'p', 'pe', 0, 'done')`); err != nil {
		t.Fatal(err)
	}
	golden, err := ws.QueryGoldenSet(5)
	if err != nil || len(golden) != 1 || golden[0] != (GoldenSetRow{1, "s", "d", "v", "p", "response", 0.5, 8}) {
		t.Fatalf("%v %v", golden, err)
	}
	if n, err := ws.CountGoldenSet(); err != nil || n != 1 {
		t.Fatal(n, err)
	}
	prompts, err := ws.QueryExpansionPrompts("", 0)
	if err != nil || len(prompts) != 2 || prompts[0].Idx != 6 || prompts[1].PromptEn != "pe" {
		t.Fatalf("%v %v", prompts, err)
	}
	if err := ws.UpdateExpansionStatus(5, "done"); err != nil {
		t.Fatal(err)
	}
	if total, pending, err := ws.CountExpansionPrompts(); err != nil || total != 2 || pending != 0 {
		t.Fatal(total, pending, err)
	}
}

func TestDuckDB_TrainingExport_Good(t *testing.T) {
	dir := t.TempDir()
	line := `{"messages":[{"role":"system","content":"s"},{"role":"user","content":"q"},{"role":"assistant","content":"a"}]}` + "\n"
	if err := os.WriteFile(filepath.Join(dir, "train.jsonl"), []byte(line+line), 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	n, err := ExportParquet(dir, out)
	if err != nil || n != 2 {
		t.Fatalf("ExportParquet = %d, %v", n, err)
	}
	n, err = ExportSplitParquet(filepath.Join(dir, "train.jsonl"), out, "valid")
	if err != nil || n != 2 {
		t.Fatalf("ExportSplitParquet = %d, %v", n, err)
	}
	ws, _ := newDuck(t)
	rows, err := ws.QueryRows("SELECT prompt, response, system FROM read_parquet(?)", filepath.Join(out, "valid.parquet"))
	if err != nil || len(rows) != 2 || rows[0]["prompt"] != "q" || rows[0]["system"] != "s" {
		t.Fatalf("%v %v", rows, err)
	}
	if _, err := ExportParquet(filepath.Join(dir, "none"), out); err == nil || !strings.HasPrefix(err.Error(), "store.ExportParquet: ") {
		t.Fatalf("missing dir: %v", err)
	}
}

func TestDuckDB_Concurrent_Good(t *testing.T) {
	ws, _ := newDuck(t)
	if err := ws.Exec("CREATE TABLE t (i BIGINT)"); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 25; i++ {
				if err := ws.Exec("INSERT INTO t VALUES (?)", g*100+i); err != nil {
					t.Error(err)
				}
			}
		}(g)
	}
	wg.Wait()
	var n int
	if err := ws.QueryRowScan("SELECT count(*) FROM t", &n); err != nil || n != 100 {
		t.Fatal(n, err)
	}
}
