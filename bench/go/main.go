// Command store-bench runs go-store's benchmarks (contract §18) against
// this repository's Go binding, go-store's engine (modernc.org/sqlite via
// database/sql, one connection, statements prepared per call, as go-store
// does) and mattn/go-sqlite3 (prepared statements, one connection), in one
// run, and prints ns/op per implementation with ratios. Then the journal
// cells (journal.go) and the workspace and DuckDB cells (workspace.go)
// against go-store's paths on the same DuckDB build.
//
//	go run . [-benchtime 500ms] [-run Get] [-ws-rows 100000] [-commit-rows 1000000] [-orphans 10] [-orphan-rows 100000]
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

type cell struct {
	nsPerOp     float64
	allocsPerOp int64
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == orphanChildArg {
		orphanChild(os.Args[2:])
	}
	testing.Init()
	benchtime := flag.String("benchtime", "500ms", "time per benchmark cell")
	only := flag.String("run", "", "run only benchmarks whose name contains this")
	wsRows := flag.Int("ws-rows", 100000, "rows for Workspace_Put and DuckDB_QueryRows")
	commitRows := flag.Int("commit-rows", 1000000, "rows in the committed workspace")
	orphans := flag.Int("orphans", 10, "orphan workspaces at open")
	orphanRows := flag.Int("orphan-rows", 100000, "rows in each orphan")
	flag.Parse()
	if err := flag.Set("test.benchtime", *benchtime); err != nil {
		fail(err)
	}
	tmp, err := os.MkdirTemp("", "store-bench")
	if err != nil {
		fail(err)
	}
	defer os.RemoveAll(tmp)

	fmt.Printf("%-28s", "benchmark (ns/op)")
	for _, e := range engines {
		fmt.Printf(" %16s", e.name)
	}
	fmt.Printf(" %14s %10s\n", "gostore/ours", "mattn/ours")
	for _, bench := range benchmarks() {
		if *only != "" && !strings.Contains(bench.name, *only) {
			continue
		}
		results := make([]cell, len(engines))
		for i, e := range engines {
			results[i] = runCell(e, bench, tmp)
		}
		fmt.Printf("%-28s", bench.name)
		for _, r := range results {
			fmt.Printf(" %10.0f (%3da)", r.nsPerOp, r.allocsPerOp)
		}
		fmt.Printf(" %13.2fx %9.2fx\n", results[1].nsPerOp/results[0].nsPerOp, results[2].nsPerOp/results[0].nsPerOp)
	}
	runJournal(tmp, *only)
	runWorkspaces(tmp, workspaceSizes{
		putRows: *wsRows, commitRows: *commitRows, orphans: *orphans, orphanRows: *orphanRows,
		onlyMatches: func(name string) bool { return contains(name, *only) },
	})
}

var cellID int

// runCell opens a fresh store for one engine and runs one benchmark on it.
func runCell(e engine, bench benchmark, tmp string) cell {
	var setupErr error
	result := testing.Benchmark(func(b *testing.B) {
		cellID++
		path := ":memory:"
		if bench.file {
			path = filepath.Join(tmp, e.name+strconv.Itoa(cellID)+".db")
		}
		s, err := e.open(path)
		if err != nil {
			setupErr = err
			b.Skip(err)
		}
		defer s.Close()
		b.ReportAllocs()
		if err := bench.run(b, s); err != nil {
			setupErr = err
		}
	})
	if setupErr != nil {
		fail(fmt.Errorf("%s on %s: %w", bench.name, e.name, setupErr))
	}
	return cell{nsPerOp: float64(result.T.Nanoseconds()) / float64(max(result.N, 1)), allocsPerOp: result.AllocsPerOp()}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "store-bench:", err)
	os.Exit(1)
}

// keys returns n keys "key-0" … "key-(n-1)".
func keys(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = "key-" + strconv.Itoa(i)
	}
	return out
}

func fill(s kv, group string, n int) error {
	for _, k := range keys(n) {
		if err := s.Set(group, k, "value-"+k); err != nil {
			return err
		}
	}
	return nil
}
