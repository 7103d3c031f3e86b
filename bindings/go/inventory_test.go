package store

import (
	"bytes"
	"strings"
	"testing"
)

func TestInventory_PrintDuckDBInventory_Good_FormatAndNotes(t *testing.T) {
	db, _ := newDuck(t)
	statements := []string{
		"CREATE TABLE golden_set (idx INT, response VARCHAR)",
		"INSERT INTO golden_set SELECT range, 'r' FROM range(1234)",
		"CREATE TABLE prompts (domain VARCHAR, voice VARCHAR)",
		"INSERT INTO prompts VALUES ('a', 'x'), ('b', 'x'), ('b', 'y'), ('c', 'x')",
		"CREATE TABLE training_examples (source VARCHAR, split VARCHAR)",
		"INSERT INTO training_examples VALUES ('gold', 'train'), ('gold', 'valid'), ('book', 'train')",
		"CREATE TABLE gemini_responses (source_model VARCHAR)",
		"INSERT INTO gemini_responses VALUES ('flash'), ('pro'), ('pro'), (''), (NULL), (NULL), (NULL)",
		"CREATE TABLE benchmark_results (source VARCHAR)",
		"INSERT INTO benchmark_results VALUES ('gsm8k'), ('toxigen'), ('gsm8k')",
		"CREATE TABLE validations (x INT)",
	}
	for _, statement := range statements {
		if err := db.Exec(statement); err != nil {
			t.Fatalf("%s: %v", statement, err)
		}
	}
	if err := db.EnsureScoringTables(); err != nil {
		t.Fatal(err)
	}
	if err := db.WriteScoringResult("m", "p", "s", "d", 0.5); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := PrintDuckDBInventory(db, &out); err != nil {
		t.Fatal(err)
	}
	rule := strings.Repeat("-", 52)
	want := "DuckDB Inventory\n" + rule + "\n" +
		"  golden_set                   1234 rows  (8.2% of 15000 target)\n" +
		"  prompts                         4 rows  (3 domains, 2 voices)\n" +
		"  training_examples               3 rows  (2 sources)\n" +
		"  gemini_responses                7 rows  (<nil>:3, pro:2, flash:1)\n" +
		"  benchmark_results               3 rows  (2 categories)\n" +
		"  validations                     0 rows\n" +
		"  checkpoint_scores               0 rows\n" +
		"  probe_results                   0 rows\n" +
		"  scoring_results                 1 rows\n" +
		rule + "\n" +
		"  TOTAL                        1252 rows\n"
	if out.String() != want {
		t.Fatalf("printed\n%s\nwant\n%s", out.String(), want)
	}
}

func TestInventory_PrintDuckDBInventory_Good_EmptyDatabaseAndMissingColumns(t *testing.T) {
	db, _ := newDuck(t)
	var out bytes.Buffer
	if err := PrintDuckDBInventory(db, &out); err != nil {
		t.Fatal(err)
	}
	rule := strings.Repeat("-", 52)
	if want := "DuckDB Inventory\n" + rule + "\n" + rule + "\n  TOTAL                           0 rows\n"; out.String() != want {
		t.Fatalf("printed %q, want %q", out.String(), want)
	}
	// A note whose query fails (no such column) is left out, as in go-store.
	if err := db.Exec("CREATE TABLE prompts (domain VARCHAR); INSERT INTO prompts VALUES ('a')"); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := PrintDuckDBInventory(db, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "  prompts                         1 rows  (1 domains)\n") {
		t.Fatalf("printed %q", out.String())
	}
}

func TestInventory_PrintDuckDBInventory_Bad_NilAndClosed(t *testing.T) {
	if err := PrintDuckDBInventory(nil, &bytes.Buffer{}); err == nil || err.Error() != "store.PrintDuckDBInventory: duckdb is nil" {
		t.Fatalf("nil db error = %v", err)
	}
	db, _ := newDuck(t)
	_ = db.Close()
	var out bytes.Buffer
	if err := PrintDuckDBInventory(db, &out); err == nil || !strings.Contains(err.Error(), "closed") || out.Len() != 0 {
		t.Fatalf("closed db: %v, printed %q", err, out.String())
	}
}

func TestInventory_TargetTotal_Good(t *testing.T) {
	if TargetTotal != 15000 {
		t.Fatalf("TargetTotal = %d", TargetTotal)
	}
}
