package main

// go-store's DuckDB paths (contract §7 workspaces, §9 QueryRows), re-stated
// from its source so the workspace cells have an anchor measured in the same
// run: database/sql with one pooled connection, SQL text per call, rows
// scanned into []map[string]any.
//
// go-store itself uses github.com/marcboeker/go-duckdb v1.8.5, which is only
// served as an old copy carrying its own static libduckdb (DuckDB 1.1.3);
// linked into this program beside ours it would clash. Its successor under
// DuckDB's own name, github.com/duckdb/duckdb-go/v2 at v2.10506.0, is the
// same driver and links exactly the DuckDB build our binding links
// (duckdb-go-bindings v0.10506.0, DuckDB 1.5.6), so the anchor differs from
// ours only in the path, not in the engine.

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	_ "github.com/duckdb/duckdb-go/v2" // registers "duckdb"
)

const anchorDriver = "github.com/duckdb/duckdb-go/v2 v2.10506.0 (go-store's go-duckdb under its current name)"

// go-store's workspace schema (contract §7.2).
var gsWorkspaceSchema = []string{
	"CREATE SEQUENCE IF NOT EXISTS workspace_entries_entry_id_seq START 1",
	`CREATE TABLE IF NOT EXISTS workspace_entries (
		entry_id BIGINT PRIMARY KEY DEFAULT nextval('workspace_entries_entry_id_seq'),
		entry_kind TEXT NOT NULL,
		entry_data TEXT NOT NULL,
		created_at BIGINT NOT NULL)`,
	`CREATE VIEW IF NOT EXISTS entries AS
		SELECT entry_id AS id, entry_kind AS kind, entry_data AS data, created_at FROM workspace_entries`,
}

// gsWorkspace is go-store's *Workspace: one DuckDB file, one connection.
type gsWorkspace struct {
	name string
	path string
	db   *sql.DB
}

// openGSWorkspace is go-store's openWorkspaceDatabase: open (which replays
// a WAL left behind), ping, schema "if not exists".
func openGSWorkspace(path string) (*gsWorkspace, error) {
	db, err := sql.Open("duckdb", path)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	if err := db.Ping(); err != nil {
		db.Close()
		return nil, err
	}
	for _, stmt := range gsWorkspaceSchema {
		if _, err := db.Exec(stmt); err != nil {
			db.Close()
			return nil, err
		}
	}
	name := strings.TrimSuffix(filepath.Base(path), ".duckdb")
	return &gsWorkspace{name: name, path: path, db: db}, nil
}

// Put is one autocommit INSERT per entry. go-store's contract writes it as
// an insert into "entries"; that is a view here, so the row goes into the
// table behind it.
func (w *gsWorkspace) Put(kind string, data map[string]any) error {
	text, err := json.Marshal(data)
	if err != nil {
		return err
	}
	_, err = w.db.Exec("INSERT INTO workspace_entries (entry_kind, entry_data, created_at) VALUES (?, ?, ?)",
		kind, string(text), time.Now().UnixMilli())
	return err
}

// Aggregate is kind → count from GROUP BY entry_kind.
func (w *gsWorkspace) Aggregate() (map[string]any, error) {
	rows, err := w.db.Query("SELECT entry_kind, COUNT(*) FROM workspace_entries GROUP BY entry_kind")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]any{}
	for rows.Next() {
		var kind string
		var n int
		if err := rows.Scan(&kind, &n); err != nil {
			return nil, err
		}
		out[kind] = n
	}
	return out, rows.Err()
}

// Commit is go-store's: aggregate, then one SQLite transaction (journal
// schema, journal row, summary upsert) on go-store's engine, then close the
// DuckDB file and delete it with its WAL.
func (w *gsWorkspace) Commit(kv gostoreJournal) (map[string]any, error) {
	agg, err := w.Aggregate()
	if err != nil {
		return nil, err
	}
	fields, err := json.Marshal(agg)
	if err != nil {
		return nil, err
	}
	tags, err := json.Marshal(map[string]string{"workspace": w.name})
	if err != nil {
		return nil, err
	}
	tx, err := kv.db.Begin()
	if err != nil {
		return nil, err
	}
	for _, stmt := range []string{gsCreateTable, gsCreateIndex, schemaSQL} {
		if _, err := tx.Exec(stmt); err != nil {
			tx.Rollback()
			return nil, err
		}
	}
	if _, err := tx.Exec("INSERT INTO journal_entries (bucket_name, measurement, fields_json, tags_json, committed_at, archived_at) VALUES (?, ?, ?, ?, ?, NULL)",
		"store", w.name, string(fields), string(tags), time.Now().UnixMilli()); err != nil {
		tx.Rollback()
		return nil, err
	}
	if _, err := tx.Exec(setSQL, "workspace:"+w.name, "summary", string(fields)); err != nil {
		tx.Rollback()
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	w.db.Close()
	os.Remove(w.path)
	os.Remove(w.path + ".wal")
	return agg, nil
}

func (w *gsWorkspace) Close() error { return w.db.Close() }

// gsRecover is go-store's orphan scan at New (contract §7.6), run on the
// opening thread: every *.duckdb file in name order is opened (replaying
// its WAL), its schema ensured and its aggregate taken; the handles stay
// open. The commit-marker lookup is left out (no file here has one).
func gsRecover(dir string) ([]*gsWorkspace, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".duckdb") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	var out []*gsWorkspace
	for _, name := range names {
		w, err := openGSWorkspace(filepath.Join(dir, name))
		if err != nil {
			return out, err
		}
		if _, err := w.Aggregate(); err != nil {
			w.Close()
			return out, err
		}
		out = append(out, w)
	}
	return out, nil
}

// gsQueryRows is go-store's DuckDB.QueryRows: raw driver values per column,
// no []byte → string conversion.
func gsQueryRows(db *sql.DB, query string, args ...any) ([]map[string]any, error) {
	rows, err := db.Query(query, args...)
	if err != nil {
		return nil, fmt.Errorf("query: %w", err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, fmt.Errorf("columns: %w", err)
	}
	var out []map[string]any
	for rows.Next() {
		values := make([]any, len(cols))
		targets := make([]any, len(cols))
		for i := range values {
			targets[i] = &values[i]
		}
		if err := rows.Scan(targets...); err != nil {
			return nil, fmt.Errorf("scan: %w", err)
		}
		row := make(map[string]any, len(cols))
		for i, col := range cols {
			row[col] = values[i]
		}
		out = append(out, row)
	}
	return out, rows.Err()
}

// sqlOpenPing is go-store's OpenDuckDB: open, then ping.
func sqlOpenPing(driver, dsn string) (*sql.DB, error) {
	db, err := sql.Open(driver, dsn)
	if err != nil {
		return nil, err
	}
	if err := db.Ping(); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}
