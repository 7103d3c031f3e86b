package store

import (
	"database/sql"
	"errors"
	"math/big"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// go-store code reaches DuckDB through Conn with plain database/sql calls.
func TestDuckDB_Conn_Good_DatabaseSQLRoundTrip(t *testing.T) {
	duck, _ := newDuck(t)
	conn := duck.Conn()
	if conn != duck.Conn() {
		t.Fatal("Conn returned a second *sql.DB")
	}
	if _, err := conn.Exec(`CREATE TABLE t (id INTEGER, name VARCHAR, score DOUBLE, ok BOOLEAN, created TIMESTAMP, big HUGEINT, tags VARCHAR[])`); err != nil {
		t.Fatalf("create: %v", err)
	}
	res, err := conn.Exec(`INSERT INTO t VALUES (?, ?, ?, ?, ?, 170141183460469231731687303715884105727, ['a','b']), (2, NULL, 0.5, false, NULL, 1, [])`,
		1, "one", 1.25, true, time.Date(2026, 12, 7, 10, 30, 0, 0, time.UTC))
	if err != nil {
		t.Fatalf("insert: %v", err)
	}
	if n, _ := res.RowsAffected(); n != 2 {
		t.Fatalf("RowsAffected = %d, want 2", n)
	}

	rows, err := conn.Query(`SELECT id, name, score, ok, created, big, tags FROM t ORDER BY id`)
	if err != nil {
		t.Fatalf("query: %v", err)
	}
	defer rows.Close()
	columns, _ := rows.Columns()
	if strings.Join(columns, ",") != "id,name,score,ok,created,big,tags" {
		t.Fatalf("columns = %v", columns)
	}
	types, _ := rows.ColumnTypes()
	if types[0].DatabaseTypeName() != "INTEGER" || types[1].DatabaseTypeName() != "VARCHAR" {
		t.Fatalf("type names = %s, %s", types[0].DatabaseTypeName(), types[1].DatabaseTypeName())
	}
	var (
		id    int
		name  sql.NullString
		score float64
		ok    bool
		at    sql.NullTime
		huge  string
		tags  any
	)
	if !rows.Next() {
		t.Fatal("no first row")
	}
	if err := rows.Scan(&id, &name, &score, &ok, &at, &huge, &tags); err != nil {
		t.Fatalf("scan: %v", err)
	}
	want := new(big.Int)
	want.SetString("170141183460469231731687303715884105727", 10)
	if id != 1 || name.String != "one" || score != 1.25 || !ok || !at.Time.Equal(time.Date(2026, 12, 7, 10, 30, 0, 0, time.UTC)) || huge != want.String() {
		t.Fatalf("row 1 = %d %v %v %v %v %s", id, name, score, ok, at, huge)
	}
	if list, isList := tags.([]any); !isList || len(list) != 2 || list[0] != "a" {
		t.Fatalf("tags = %#v", tags)
	}
	if !rows.Next() {
		t.Fatal("no second row")
	}
	if err := rows.Scan(&id, &name, &score, &ok, &at, &huge, &tags); err != nil {
		t.Fatalf("scan 2: %v", err)
	}
	if name.Valid || at.Valid || ok {
		t.Fatalf("row 2 NULLs = %v %v %v", name, at, ok)
	}
	if rows.Next() {
		t.Fatal("a third row")
	}

	var count int
	if err := conn.QueryRow(`SELECT count(*) FROM t WHERE id > ?`, 0).Scan(&count); err != nil || count != 2 {
		t.Fatalf("QueryRow count = %d, %v", count, err)
	}
	// The handle's own methods see the same data.
	if got, err := duck.QueryRows(`SELECT count(*) AS n FROM t`); err != nil || got[0]["n"] != int64(2) {
		t.Fatalf("QueryRows after Conn insert = %v, %v", got, err)
	}
}

func TestDuckDB_Conn_Good_PreparedStatementAndTransaction(t *testing.T) {
	duck, _ := newDuck(t)
	conn := duck.Conn()
	if _, err := conn.Exec(`CREATE TABLE kv (k VARCHAR, v BIGINT)`); err != nil {
		t.Fatal(err)
	}
	stmt, err := conn.Prepare(`INSERT INTO kv VALUES (?, ?)`)
	if err != nil {
		t.Fatal(err)
	}
	for i, k := range []string{"a", "b", "c"} {
		if _, err := stmt.Exec(k, i); err != nil {
			t.Fatalf("stmt exec: %v", err)
		}
	}
	stmt.Close()

	tx, err := conn.Begin()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(`DELETE FROM kv`); err != nil {
		t.Fatal(err)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatalf("rollback: %v", err)
	}
	var n int
	if err := conn.QueryRow(`SELECT count(*) FROM kv`).Scan(&n); err != nil || n != 3 {
		t.Fatalf("after rollback count = %d, %v", n, err)
	}

	tx, _ = conn.Begin()
	if _, err := tx.Exec(`UPDATE kv SET v = v + 10`); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatalf("commit: %v", err)
	}
	var sum int64
	if err := conn.QueryRow(`SELECT sum(v) FROM kv`).Scan(&sum); err != nil || sum != 33 {
		t.Fatalf("after commit sum = %d, %v", sum, err)
	}
}

func TestDuckDB_Conn_Bad_ErrorsAreClear(t *testing.T) {
	duck, _ := newDuck(t)
	conn := duck.Conn()
	if _, err := conn.Exec(`SELECT * FROM missing_table`); err == nil || !strings.Contains(err.Error(), "missing_table") {
		t.Fatalf("missing table error = %v", err)
	}
	if _, err := conn.Exec(`SELECT ?`, sql.Named("x", 1)); err == nil || !strings.Contains(err.Error(), "named arguments") {
		t.Fatalf("named argument error = %v", err)
	}
	if _, err := conn.BeginTx(t.Context(), &sql.TxOptions{Isolation: sql.LevelSerializable}); err == nil {
		t.Fatal("an isolation level DuckDB does not offer was accepted")
	}
	if _, err := conn.Exec(`INSTALL httpfs`); err == nil {
		t.Fatal("INSTALL through Conn succeeded")
	}
	var n int
	if err := conn.QueryRow(`SELECT 1 WHERE false`).Scan(&n); !errors.Is(err, sql.ErrNoRows) {
		t.Fatalf("empty QueryRow = %v, want sql.ErrNoRows", err)
	}
}

func TestDuckDB_Conn_Good_ReadOnlyHandleRefusesWrites(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ro.duckdb")
	rw, err := OpenDuckDBReadWrite(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := rw.Exec(`CREATE TABLE t (x INTEGER)`); err != nil {
		t.Fatal(err)
	}
	rw.Close()
	ro, err := OpenDuckDB(path)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if _, err := ro.Conn().Exec(`INSERT INTO t VALUES (1)`); err == nil {
		t.Fatal("a read-only handle wrote through Conn")
	}
}

func TestDuckDB_Conn_Ugly_CloseTheHandleClosesConn(t *testing.T) {
	duck, _ := newDuck(t)
	conn := duck.Conn()
	if err := conn.Ping(); err != nil {
		t.Fatalf("ping: %v", err)
	}
	if err := duck.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(`SELECT 1`); err == nil {
		t.Fatal("Conn still ran a statement after the DuckDB was closed")
	}
	if duck.Conn() != conn {
		t.Fatal("Conn after Close made a new *sql.DB")
	}
	var nilDuck *DuckDB
	if nilDuck.Conn() != nil {
		t.Fatal("nil DuckDB's Conn is not nil")
	}
}

// Closing the *sql.DB is the caller's business; the handle stays usable.
func TestDuckDB_Conn_Good_ClosingConnLeavesHandleOpen(t *testing.T) {
	duck, _ := newDuck(t)
	if err := duck.Conn().Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := duck.QueryRows(`SELECT 1 AS one`); err != nil {
		t.Fatalf("handle after Conn().Close(): %v", err)
	}
}

// Goroutines sharing Conn and the handle's methods never corrupt each other.
func TestDuckDB_Conn_Ugly_ConcurrentUse(t *testing.T) {
	duck, _ := newDuck(t)
	if err := duck.Exec(`CREATE TABLE n (i INTEGER)`); err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 16)
	for g := 0; g < 8; g++ {
		go func(g int) {
			for i := 0; i < 25; i++ {
				if _, err := duck.Conn().Exec(`INSERT INTO n VALUES (?)`, g*100+i); err != nil {
					errs <- err
					return
				}
				if _, err := duck.QueryRows(`SELECT count(*) FROM n`); err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}(g)
	}
	for g := 0; g < 8; g++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	var n int
	if err := duck.Conn().QueryRow(`SELECT count(DISTINCT i) FROM n`).Scan(&n); err != nil || n != 200 {
		t.Fatalf("rows = %d, %v", n, err)
	}
}
