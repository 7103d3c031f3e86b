// A workspace with the Go binding (go-store's API, with Go error returns):
// put a few entries, aggregate them, export them as JSON lines, import a
// CSV file, commit the counts to the journal and read the summary the
// commit left in the store.
//
//	go run . <directory>
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"dappco.re/go/store"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: workspace <directory>")
		os.Exit(2)
	}
	if err := run(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// localFiles is the local filesystem with the Medium methods Import and
// Export call (Read, Write, EnsureDir, Rename, Delete, Exists); go-io's
// io.Local is a complete one. The embedded interface stands in for the rest.
type localFiles struct{ store.Medium }

func (localFiles) Read(path string) (string, error) {
	b, err := os.ReadFile(path)
	return string(b), err
}
func (localFiles) Write(path, content string) error {
	return os.WriteFile(path, []byte(content), 0o644)
}
func (localFiles) EnsureDir(path string) error  { return os.MkdirAll(path, 0o755) }
func (localFiles) Rename(from, to string) error { return os.Rename(from, to) }
func (localFiles) Delete(path string) error     { return os.Remove(path) }
func (localFiles) Exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func counts(m map[string]any) string {
	b, _ := json.Marshal(m)
	return string(b)
}

func run(dir string) error {
	s, err := store.New(filepath.Join(dir, "store.db"), store.WithWorkspaceStateDirectory(filepath.Join(dir, "state")))
	if err != nil {
		return err
	}
	defer s.Close()
	ws, err := s.NewWorkspace("reviews")
	if err != nil {
		return err
	}
	for _, e := range []struct {
		kind string
		data map[string]any
	}{
		{"like", map[string]any{"user": "@alice"}},
		{"like", map[string]any{"user": "@bob"}},
		{"profile_match", map[string]any{"user": "@carol"}},
	} {
		if err := ws.Put(e.kind, e.data); err != nil {
			return err
		}
	}
	fmt.Println("aggregate:", counts(ws.Aggregate()))

	files := localFiles{}
	jsonl := filepath.Join(dir, "entries.jsonl")
	if err := store.Export(ws, files, jsonl); err != nil {
		return err
	}
	exported, err := os.ReadFile(jsonl)
	if err != nil {
		return err
	}
	fmt.Printf("exported %d entries to entries.jsonl\n", strings.Count(string(exported), "\n"))

	csv := filepath.Join(dir, "findings.csv")
	if err := os.WriteFile(csv, []byte("tool,severity\ngosec,high\ngolint,low\n"), 0o644); err != nil {
		return err
	}
	if err := store.Import(ws, files, csv); err != nil {
		return err
	}
	fmt.Println("imported findings.csv:", counts(ws.Aggregate()))

	committed, err := ws.Commit()
	if err != nil {
		return err
	}
	fmt.Println("committed:", counts(committed))
	summary, err := s.Get("workspace:reviews", "summary")
	if err != nil {
		return err
	}
	fmt.Println("summary:", summary)
	return nil
}
