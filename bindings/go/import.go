package store

// go-store's LEM data import (import.go).

/*
#cgo CFLAGS: -I${SRCDIR}/../../include
#include "import_shims.h"
*/
import "C"

import (
	"io"
	"os"
	"runtime/cgo"
)

// ScpFunc copies one file from the copy host: remote is
// "<host>:/Volumes/Data/lem/<path>", local a path under DataDir.
//
//	scp := func(remote, local string) error { return exec.Command("scp", remote, local).Run() }
type ScpFunc func(remote, local string) error

// ScpDirFunc copies a directory recursively from the copy host: remote ends
// in "/", and so does localDir.
//
//	scpDir := func(remote, localDir string) error { return exec.Command("scp", "-r", remote, localDir).Run() }
type ScpDirFunc func(remote, localDir string) error

// ImportConfig holds the options of ImportAll.
type ImportConfig struct {
	// SkipM3 disables every copy from the copy host.
	SkipM3 bool
	// DataDir is the local directory holding the LEM data files.
	DataDir string
	// M3Host is the copy host named in remote specs; empty means "m3".
	M3Host string
	// Scp copies a single file; nil skips file copies.
	Scp ScpFunc
	// ScpDir copies a directory; nil skips directory copies.
	ScpDir ScpDirFunc
}

// importState is what the library's callbacks reach through their handle.
type importState struct {
	cfg ImportConfig
	w   io.Writer
}

// ImportAll imports the LEM data under cfg.DataDir into db, as go-store
// does: golden_set (from gold-15k.jsonl, when it exists), training_examples
// (14 training sources), benchmark_results, benchmark_questions and seeds,
// printing go-store's progress lines and summary to w (nil means standard
// output). Copies from the copy host go through cfg.Scp and cfg.ScpDir
// (unless cfg.SkipM3); their errors are ignored, the golden set's printed
// as a WARNING line. The library never runs a process itself.
//
// Two go-store defects are fixed. Every table change runs in one DuckDB
// transaction that is rolled back on any error, so after an error (a bad
// JSONL line: "… parse <path> line <n>: …") every table is as it was
// (go-store keeps the lines before the bad one). The summary lists the
// tables in a fixed order — golden_set, training_examples,
// benchmark_results, benchmark_questions, seeds — instead of Go's random
// map order. Copies run before the transaction starts, so the "Pulling …"
// lines come first, and the table lines are printed only after a commit.
//
//	err := store.ImportAll(db, store.ImportConfig{DataDir: "/Volumes/Data/lem", SkipM3: true}, os.Stdout)
func ImportAll(db *DuckDB, cfg ImportConfig, w io.Writer) error {
	const op = "store.ImportAll"
	if db == nil {
		return usageError(op, "database is nil")
	}
	if w == nil {
		w = os.Stdout
	}
	return db.handle(op, func(h duckHandle) error {
		state := cgo.NewHandle(&importState{cfg: cfg, w: w})
		defer state.Delete()
		return resultErr(C.go_duckdb_import_all(h, cBool(cfg.SkipM3), cfg.DataDir, cfg.M3Host,
			cBool(cfg.Scp != nil), cBool(cfg.ScpDir != nil), C.uintptr_t(state)))
	})
}

func cBool(b bool) C.int {
	if b {
		return 1
	}
	return 0
}
