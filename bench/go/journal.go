package main

// Journal benchmarks (contract §6, §8; perf-anchors addendum 2026-11-30):
// this binding against go-store's journal engine, re-stated here from its
// source (modernc.org/sqlite through database/sql, one connection, schema
// ensured on every call, rows scanned into []map[string]any and inflated,
// compaction built in memory and marked row by row). Both read copies of
// the same file: 200 000 rows over the last 24 h, 20 measurements, three
// numeric fields, tags host and region.

import (
	"bytes"
	"compress/gzip"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"dappco.re/go/store"
)

type journaler interface {
	CommitToJournal(measurement string, fields map[string]any, tags map[string]string) error
	// CommitBatch records n rows as this engine best can: ours in one
	// transaction, go-store one call per row (it has no batch form).
	CommitBatch(n int) error
	QueryJournal(query string) (int, error)
	Compact(before time.Time, dir string) (string, error)
	Close() error
}

// ---- ours ---------------------------------------------------------------

type oursJournal struct{ s *store.Store }

func (o oursJournal) CommitToJournal(m string, f map[string]any, t map[string]string) error {
	_, err := o.s.CommitToJournal(m, f, t)
	return err
}

func (o oursJournal) CommitBatch(n int) error {
	return o.s.Transaction(func(tx *store.StoreTransaction) error {
		for i := 0; i < n; i++ {
			if _, err := tx.CommitToJournal("cpu", benchFields(i), benchTags(i)); err != nil {
				return err
			}
		}
		return nil
	})
}

func (o oursJournal) QueryJournal(q string) (int, error) {
	rows, err := o.s.QueryJournal(q)
	return len(rows), err
}

func (o oursJournal) Compact(before time.Time, dir string) (string, error) {
	return o.s.Compact(store.CompactOptions{Before: before, Output: dir})
}

func (o oursJournal) Close() error { return o.s.Close() }

// ---- go-store's engine ----------------------------------------------------

const (
	gsCreateTable = `CREATE TABLE IF NOT EXISTS journal_entries (
	entry_id      INTEGER PRIMARY KEY AUTOINCREMENT,
	bucket_name   TEXT NOT NULL,
	measurement   TEXT NOT NULL,
	fields_json   TEXT NOT NULL,
	tags_json     TEXT NOT NULL,
	committed_at  INTEGER NOT NULL,
	archived_at   INTEGER
)`
	gsCreateIndex = "CREATE INDEX IF NOT EXISTS journal_entries_bucket_committed_at_idx ON journal_entries (bucket_name, committed_at)"
	gsColumns     = "SELECT bucket_name, measurement, fields_json, tags_json, committed_at, archived_at FROM journal_entries"
)

type gostoreJournal struct{ db *sql.DB }

func openGoStoreJournal(path string) (gostoreJournal, error) {
	db, err := sql.Open("sqlite", path)
	if err != nil {
		return gostoreJournal{}, err
	}
	db.SetMaxOpenConns(1)
	for _, pragma := range []string{"PRAGMA journal_mode=WAL", "PRAGMA busy_timeout=5000", "PRAGMA synchronous=FULL"} {
		if _, err := db.Exec(pragma); err != nil {
			db.Close()
			return gostoreJournal{}, err
		}
	}
	return gostoreJournal{db}, nil
}

func (g gostoreJournal) ensure() error {
	if _, err := g.db.Exec(gsCreateTable); err != nil {
		return err
	}
	_, err := g.db.Exec(gsCreateIndex)
	return err
}

func (g gostoreJournal) CommitToJournal(m string, f map[string]any, t map[string]string) error {
	if err := g.ensure(); err != nil {
		return err
	}
	fj, err := json.Marshal(f)
	if err != nil {
		return err
	}
	tj, err := json.Marshal(t)
	if err != nil {
		return err
	}
	_, err = g.db.Exec("INSERT INTO journal_entries (bucket_name, measurement, fields_json, tags_json, committed_at, archived_at) VALUES (?, ?, ?, ?, ?, NULL)",
		"store", m, string(fj), string(tj), time.Now().UnixMilli())
	return err
}

func (g gostoreJournal) CommitBatch(n int) error {
	for i := 0; i < n; i++ {
		if err := g.CommitToJournal("cpu", benchFields(i), benchTags(i)); err != nil {
			return err
		}
	}
	return nil
}

// QueryJournal runs what go-store's translation produces for the two
// query forms benchmarked here: "" and range(start: -1h) + _measurement.
func (g gostoreJournal) QueryJournal(q string) (int, error) {
	if err := g.ensure(); err != nil {
		return 0, err
	}
	var rows *sql.Rows
	var err error
	if q == "" {
		rows, err = g.db.Query(gsColumns + " WHERE archived_at IS NULL ORDER BY committed_at, entry_id")
	} else {
		rows, err = g.db.Query(gsColumns+" WHERE archived_at IS NULL AND bucket_name = ? AND measurement = ? AND committed_at >= ? ORDER BY committed_at, entry_id",
			"store", "m7", time.Now().Add(-time.Hour).UnixMilli())
	}
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	maps, err := scanMaps(rows)
	if err != nil {
		return 0, err
	}
	for _, row := range maps {
		if f, ok := row["fields_json"].(string); ok {
			fields := map[string]any{}
			if json.Unmarshal([]byte(f), &fields) == nil {
				row["fields"] = fields
			}
		}
		if t, ok := row["tags_json"].(string); ok {
			tags := map[string]string{}
			if json.Unmarshal([]byte(t), &tags) == nil {
				row["tags"] = tags
			}
		}
	}
	return len(maps), nil
}

func scanMaps(rows *sql.Rows) ([]map[string]any, error) {
	names, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out []map[string]any
	for rows.Next() {
		raw := make([]any, len(names))
		targets := make([]any, len(names))
		for i := range raw {
			targets[i] = &raw[i]
		}
		if err := rows.Scan(targets...); err != nil {
			return nil, err
		}
		row := make(map[string]any, len(names))
		for i, name := range names {
			if b, ok := raw[i].([]byte); ok {
				row[name] = string(b)
			} else {
				row[name] = raw[i]
			}
		}
		out = append(out, row)
	}
	return out, rows.Err()
}

// Compact follows go-store's compact.go: collect the rows, build the gzip
// stream in memory, write it, mark each row in one transaction.
func (g gostoreJournal) Compact(before time.Time, dir string) (string, error) {
	if err := g.ensure(); err != nil {
		return "", err
	}
	type entry struct {
		id                        int64
		bucket, measurement, f, t string
		committedAt               int64
	}
	rows, err := g.db.Query("SELECT entry_id, bucket_name, measurement, fields_json, tags_json, committed_at FROM journal_entries WHERE archived_at IS NULL AND committed_at < ? ORDER BY committed_at, entry_id", before.UnixMilli())
	if err != nil {
		return "", err
	}
	var entries []entry
	for rows.Next() {
		var e entry
		if err := rows.Scan(&e.id, &e.bucket, &e.measurement, &e.f, &e.t, &e.committedAt); err != nil {
			rows.Close()
			return "", err
		}
		entries = append(entries, e)
	}
	rows.Close()
	if len(entries) == 0 {
		return "", nil
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	for _, e := range entries {
		fields := map[string]any{}
		tags := map[string]string{}
		if err := json.Unmarshal([]byte(e.f), &fields); err != nil {
			return "", err
		}
		if err := json.Unmarshal([]byte(e.t), &tags); err != nil {
			return "", err
		}
		line, err := json.Marshal(map[string]any{"bucket": e.bucket, "measurement": e.measurement, "fields": fields, "tags": tags, "committed_at": e.committedAt})
		if err != nil {
			return "", err
		}
		if _, err := io.WriteString(zw, string(line)+"\n"); err != nil {
			return "", err
		}
	}
	if err := zw.Close(); err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	path := filepath.Join(dir, "journal-"+time.Now().UTC().Format("20060102-150405.000000000")+".jsonl.gz")
	if err := os.WriteFile(path+".tmp", buf.Bytes(), 0o644); err != nil {
		return "", err
	}
	tx, err := g.db.Begin()
	if err != nil {
		return "", err
	}
	archivedAt := time.Now().UnixMilli()
	for _, e := range entries {
		if _, err := tx.Exec("UPDATE journal_entries SET archived_at = ? WHERE entry_id = ?", archivedAt, e.id); err != nil {
			tx.Rollback()
			return "", err
		}
	}
	if err := tx.Commit(); err != nil {
		return "", err
	}
	return path, os.Rename(path+".tmp", path)
}

func (g gostoreJournal) Close() error { return g.db.Close() }

// ---- the cells ------------------------------------------------------------

func benchFields(i int) map[string]any {
	return map[string]any{"a": i % 100, "b": float64(i%7) + 0.5, "c": i}
}

func benchTags(i int) map[string]string {
	return map[string]string{"host": "h" + strconv.Itoa((i/20)%10), "region": "r" + strconv.Itoa(i%3)}
}

// seedJournal writes n rows spread over the last 24 h through the binding
// (timestamps then moved with raw SQL through go-store's engine).
func seedJournal(path string, n int) error {
	s, err := store.New(path)
	if err != nil {
		return err
	}
	err = s.Transaction(func(tx *store.StoreTransaction) error {
		for i := 0; i < n; i++ {
			if _, err := tx.CommitToJournal("m"+strconv.Itoa(i%20), benchFields(i), benchTags(i)); err != nil {
				return err
			}
		}
		return nil
	})
	s.Close()
	if err != nil {
		return err
	}
	g, err := openGoStoreJournal(path)
	if err != nil {
		return err
	}
	defer g.Close()
	start := time.Now().Add(-24 * time.Hour).UnixMilli()
	_, err = g.db.Exec("UPDATE journal_entries SET committed_at = ? + (entry_id - 1) * ? / ?", start, int64(86400000), n)
	return err
}

func copyFile(from, to string) error {
	data, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	return os.WriteFile(to, data, 0o644)
}

type journalEngine struct {
	name string
	open func(path string) (journaler, error)
}

var journalEngines = []journalEngine{
	{"ours", func(p string) (journaler, error) {
		s, err := store.New(p)
		return oursJournal{s}, err
	}},
	{"gostore-engine", func(p string) (journaler, error) {
		g, err := openGoStoreJournal(p)
		return g, err
	}},
}

// runJournal prints the journal table: ns/op (per row for commits).
func runJournal(tmp string, only string) {
	seed := filepath.Join(tmp, "journal-seed.db")
	if err := seedJournal(seed, 200000); err != nil {
		fail(err)
	}
	type jcell struct {
		name string
		run  func(b *testing.B, j journaler, dir string) error
		file string // "" = a fresh empty file, else a copy of the seed
	}
	cells := []jcell{
		{name: "CommitToJournal", run: func(b *testing.B, j journaler, _ string) error {
			for i := 0; b.Loop(); i++ {
				if err := j.CommitToJournal("cpu", benchFields(i), benchTags(i)); err != nil {
					return err
				}
			}
			return nil
		}},
		{name: "CommitToJournal_1000/row", run: func(b *testing.B, j journaler, _ string) error {
			for b.Loop() {
				if err := j.CommitBatch(1000); err != nil {
					return err
				}
			}
			return nil
		}},
		{name: "QueryJournal_-1h_measurement", file: seed, run: func(b *testing.B, j journaler, _ string) error {
			q := `from(bucket: "store") |> range(start: -1h) |> filter(fn: (r) => r._measurement == "m7")`
			for b.Loop() {
				if _, err := j.QueryJournal(q); err != nil {
					return err
				}
			}
			return nil
		}},
		{name: "QueryJournal_all_200k", file: seed, run: func(b *testing.B, j journaler, _ string) error {
			for b.Loop() {
				if n, err := j.QueryJournal(""); err != nil || n != 200000 {
					return fmt.Errorf("%d rows: %v", n, err)
				}
			}
			return nil
		}},
		{name: "Compact_200k_gzip", file: seed, run: func(b *testing.B, j journaler, dir string) error {
			b.N = 1
			if _, err := j.Compact(time.Now().Add(time.Minute), dir); err != nil {
				return err
			}
			return nil
		}},
	}
	fmt.Printf("\n%-28s %16s %16s %14s\n", "journal (ns/op)", "ours", "gostore-engine", "gostore/ours")
	for _, c := range cells {
		if only != "" && !contains(c.name, only) {
			continue
		}
		results := make([]float64, len(journalEngines))
		for i, e := range journalEngines {
			cellID++
			path := filepath.Join(tmp, "journal-"+e.name+strconv.Itoa(cellID)+".db")
			if c.file != "" {
				if err := copyFile(c.file, path); err != nil {
					fail(err)
				}
			}
			var runErr error
			var ns float64
			if c.name == "Compact_200k_gzip" {
				j, err := e.open(path)
				if err != nil {
					fail(err)
				}
				start := time.Now()
				_, runErr = j.Compact(time.Now().Add(time.Minute), filepath.Join(tmp, "archive-"+strconv.Itoa(cellID)))
				ns = float64(time.Since(start).Nanoseconds())
				j.Close()
			} else {
				r := testing.Benchmark(func(b *testing.B) {
					j, err := e.open(path)
					if err != nil {
						runErr = err
						b.Skip(err)
					}
					defer j.Close()
					if err := c.run(b, j, tmp); err != nil {
						runErr = err
					}
				})
				ns = float64(r.T.Nanoseconds()) / float64(max(r.N, 1))
				if c.name == "CommitToJournal_1000/row" {
					ns /= 1000
				}
			}
			if runErr != nil {
				fail(fmt.Errorf("%s on %s: %w", c.name, e.name, runErr))
			}
			results[i] = ns
		}
		fmt.Printf("%-28s %16.0f %16.0f %13.2fx\n", c.name, results[0], results[1], results[1]/results[0])
	}
}

func contains(s, sub string) bool { return len(sub) == 0 || bytes.Contains([]byte(s), []byte(sub)) }
