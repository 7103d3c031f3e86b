// Seed 003's analytics flow with the Go binding (go-store's API, with Go
// error returns): open a DuckDB workspace, ensure the scoring tables,
// insert, query, export to Parquet, and export split by a column.
//
//	go run . <directory>
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"dappco.re/go/store"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: analytics <directory>")
		os.Exit(2)
	}
	if err := run(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(dir string) error {
	ws, err := store.OpenDuckDBReadWrite(filepath.Join(dir, "workspace.duckdb"))
	if err != nil {
		return err
	}
	defer ws.Close()

	if err := ws.EnsureScoringTables(); err != nil {
		return err
	}
	insert := fmt.Sprintf("INSERT INTO %s (model, run_id, label, accuracy) VALUES (?, ?, ?, ?), (?, ?, ?, ?)", store.TableCheckpointScores)
	if err := ws.Exec(insert, "model-a", "run-1", "step-100", 0.91, "model-b", "run-1", "step-200", 0.42); err != nil {
		return err
	}
	rows, err := ws.QueryRows(fmt.Sprintf("SELECT model, accuracy FROM %s WHERE accuracy > ? ORDER BY model", store.TableCheckpointScores), 0.8)
	if err != nil {
		return err
	}
	out, _ := json.Marshal(rows)
	fmt.Println(string(out))

	n, err := ws.ExportParquet(filepath.Join(dir, "scores.parquet"), store.TableCheckpointScores)
	if err != nil {
		return err
	}
	fmt.Printf("exported %d rows to scores.parquet\n", n)
	n, err = ws.ExportSplitParquet(filepath.Join(dir, "shards"), store.TableCheckpointScores, "model")
	if err != nil {
		return err
	}
	fmt.Printf("exported %d rows to shards/model=*/\n", n)
	return nil
}
