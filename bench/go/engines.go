package main

import (
	"database/sql"
	"strings"
	"text/template"
	"time"

	"dappco.re/go/store"
)

// kv is the part of go-store's API the benchmarks use, implemented by this
// binding and by two SQL engines running go-store's own SQL.
type kv interface {
	Set(group, key, value string) error
	SetWithTTL(group, key, value string, ttl time.Duration) error
	Get(group, key string) (string, error)
	GetAll(group string) (map[string]string, error)
	Count(group string) (int, error)
	Delete(group, key string) error
	Render(templateSource, group string) (string, error)
	Close() error
}

// ours is the Go binding itself.
func openOurs(path string) (kv, error) { return store.New(path) }

// go-store's schema, pragmas and statements (contract §2.5-2.7).
const (
	schemaSQL = `CREATE TABLE IF NOT EXISTS entries (group_name TEXT NOT NULL, entry_key TEXT NOT NULL,
		entry_value TEXT NOT NULL, expires_at INTEGER, PRIMARY KEY (group_name, entry_key))`
	getSQL    = `SELECT entry_value, expires_at FROM entries WHERE group_name = ? AND entry_key = ?`
	setSQL    = `INSERT INTO entries (group_name, entry_key, entry_value, expires_at) VALUES (?, ?, ?, NULL) ON CONFLICT(group_name, entry_key) DO UPDATE SET entry_value = excluded.entry_value, expires_at = NULL`
	setTTLSQL = `INSERT INTO entries (group_name, entry_key, entry_value, expires_at) VALUES (?, ?, ?, ?) ON CONFLICT(group_name, entry_key) DO UPDATE SET entry_value = excluded.entry_value, expires_at = excluded.expires_at`
	deleteSQL = `DELETE FROM entries WHERE group_name = ? AND entry_key = ?`
	countSQL  = `SELECT COUNT(*) FROM entries WHERE group_name = ? AND (expires_at IS NULL OR expires_at > ?)`
	allSQL    = `SELECT entry_key, entry_value FROM entries WHERE group_name = ? AND (expires_at IS NULL OR expires_at > ?) ORDER BY entry_key`
)

// sqlKV runs go-store's SQL through database/sql on one connection. With
// prepared == false every call passes SQL text, so the driver prepares each
// statement anew, as go-store does; with prepared == true each statement is
// prepared once (the best a database/sql user can do).
type sqlKV struct {
	db    *sql.DB
	stmts map[string]*sql.Stmt
}

func openSQL(driver, path string, prepared bool) (kv, error) {
	db, err := sql.Open(driver, path)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	// go-store sets WAL and the busy timeout; synchronous is left at SQLite's
	// FULL, which modernc keeps but mattn/go-sqlite3 lowers to NORMAL, so it
	// is set here to compare equally durable commits (one fsync each, as ours).
	for _, pragma := range []string{"PRAGMA journal_mode=WAL", "PRAGMA busy_timeout=5000", "PRAGMA synchronous=FULL", schemaSQL} {
		if _, err := db.Exec(pragma); err != nil {
			db.Close()
			return nil, err
		}
	}
	s := &sqlKV{db: db}
	if prepared {
		s.stmts = map[string]*sql.Stmt{}
		for _, q := range []string{getSQL, setSQL, setTTLSQL, deleteSQL, countSQL, allSQL} {
			stmt, err := db.Prepare(q)
			if err != nil {
				db.Close()
				return nil, err
			}
			s.stmts[q] = stmt
		}
	}
	return s, nil
}

func (s *sqlKV) exec(q string, args ...any) (sql.Result, error) {
	if stmt := s.stmts[q]; stmt != nil {
		return stmt.Exec(args...)
	}
	return s.db.Exec(q, args...)
}

func (s *sqlKV) query(q string, args ...any) (*sql.Rows, error) {
	if stmt := s.stmts[q]; stmt != nil {
		return stmt.Query(args...)
	}
	return s.db.Query(q, args...)
}

func (s *sqlKV) queryRow(q string, args ...any) *sql.Row {
	if stmt := s.stmts[q]; stmt != nil {
		return stmt.QueryRow(args...)
	}
	return s.db.QueryRow(q, args...)
}

func (s *sqlKV) Set(group, key, value string) error {
	_, err := s.exec(setSQL, group, key, value)
	return err
}

func (s *sqlKV) SetWithTTL(group, key, value string, ttl time.Duration) error {
	_, err := s.exec(setTTLSQL, group, key, value, time.Now().Add(ttl).UnixMilli())
	return err
}

func (s *sqlKV) Get(group, key string) (string, error) {
	var value string
	var expires sql.NullInt64
	if err := s.queryRow(getSQL, group, key).Scan(&value, &expires); err != nil {
		return "", err
	}
	if expires.Valid && expires.Int64 <= time.Now().UnixMilli() {
		if err := s.Delete(group, key); err != nil {
			return "", err
		}
		return "", sql.ErrNoRows
	}
	return value, nil
}

func (s *sqlKV) Delete(group, key string) error {
	r, err := s.exec(deleteSQL, group, key)
	if err == nil {
		_, err = r.RowsAffected()
	}
	return err
}

func (s *sqlKV) Count(group string) (int, error) {
	var n int
	err := s.queryRow(countSQL, group, time.Now().UnixMilli()).Scan(&n)
	return n, err
}

func (s *sqlKV) GetAll(group string) (map[string]string, error) {
	rows, err := s.query(allSQL, group, time.Now().UnixMilli())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, err
		}
		out[k] = v
	}
	return out, rows.Err()
}

// Render is go-store's: all rows into a map, then text/template.
func (s *sqlKV) Render(templateSource, group string) (string, error) {
	rows, err := s.GetAll(group)
	if err != nil {
		return "", err
	}
	tmpl, err := template.New("render").Parse(templateSource)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	err = tmpl.Execute(&b, rows)
	return b.String(), err
}

func (s *sqlKV) Close() error { return s.db.Close() }
