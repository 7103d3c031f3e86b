package store

import (
	"fmt"
	"io"
	"os"
	"strings"
)

// TargetTotal is the number of golden-set rows the LEM data set aims for.
const TargetTotal = 15000

// inventoryTables is the order PrintDuckDBInventory lists tables in.
var inventoryTables = []string{
	"golden_set", "expansion_prompts", "seeds", "prompts", "training_examples",
	"gemini_responses", "benchmark_questions", "benchmark_results", "validations",
	"checkpoint_scores", "probe_results", "scoring_results",
}

// inventoryRule is the 52-dash line around the table list.
var inventoryRule = strings.Repeat("-", 52)

// PrintDuckDBInventory prints the row count of each known table present in
// db, with notes on the LEM tables, and the total, to w (nil means
// standard output), in go-store's format:
//
//	DuckDB Inventory
//	----------------------------------------------------
//	  golden_set                   12000 rows  (80.0% of 15000 target)
//	----------------------------------------------------
//	  TOTAL                        12000 rows
//
// The notes' queries are computed with DuckDB; one that fails is left out.
// A nil db is an error (go-store panics).
func PrintDuckDBInventory(db *DuckDB, w io.Writer) error {
	const op = "store.PrintDuckDBInventory"
	if db == nil {
		return usageError(op, "duckdb is nil")
	}
	if w == nil {
		w = os.Stdout
	}
	counts, err := db.TableCounts()
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	var out strings.Builder
	out.WriteString("DuckDB Inventory\n" + inventoryRule + "\n")
	total := 0
	for _, table := range inventoryTables {
		count, ok := counts[table]
		if !ok {
			continue
		}
		total += count
		fmt.Fprintf(&out, "  %-24s %8d rows", table, count)
		if notes := inventoryNotes(db, table, count); len(notes) > 0 {
			out.WriteString("  (" + strings.Join(notes, ", ") + ")")
		}
		out.WriteString("\n")
	}
	fmt.Fprintf(&out, "%s\n  %-24s %8d rows\n", inventoryRule, "TOTAL", total)
	_, err = io.WriteString(w, out.String())
	return err
}

// inventoryNotes describes a LEM table beyond its row count.
func inventoryNotes(db *DuckDB, table string, count int) []string {
	switch table {
	case "golden_set":
		return []string{fmt.Sprintf("%.1f%% of %d target", float64(count)/TargetTotal*100, TargetTotal)}
	case "training_examples":
		return distinctNotes(db, table, "source", "sources")
	case "prompts":
		return append(distinctNotes(db, table, "domain", "domains"), distinctNotes(db, table, "voice", "voices")...)
	case "benchmark_results":
		return distinctNotes(db, table, "source", "categories")
	case "gemini_responses":
		rows, err := db.QueryRows("SELECT source_model, COUNT(*) AS n FROM gemini_responses GROUP BY source_model ORDER BY n DESC, source_model")
		if err != nil {
			return nil
		}
		var notes []string
		for _, row := range rows {
			model := fmt.Sprint(row["source_model"]) // NULL prints <nil>, as in go-store
			if model == "" {
				continue
			}
			notes = append(notes, fmt.Sprintf("%s:%d", model, inventoryNumber(row["n"])))
		}
		return notes
	}
	return nil
}

// distinctNotes is "N <unit>" for the distinct values of column, or nothing
// when the query fails (e.g. the column is missing).
func distinctNotes(db *DuckDB, table, column, unit string) []string {
	rows, err := db.QueryRows(fmt.Sprintf("SELECT COUNT(DISTINCT %s) AS n FROM %s", column, table))
	if err != nil || len(rows) == 0 {
		return nil
	}
	return []string{fmt.Sprintf("%d %s", inventoryNumber(rows[0]["n"]), unit)}
}

// inventoryNumber reads a count the way go-store does: int64, int32 or
// float64, anything else 0.
func inventoryNumber(value any) int64 {
	switch v := value.(type) {
	case int64:
		return v
	case int32:
		return int64(v)
	case float64:
		return int64(v)
	}
	return 0
}
