package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"math/big"
	"strings"
)

// Conn returns a *sql.DB over this DuckDB handle, for code written against
// go-store's Conn (database/sql with the DuckDB driver). Statements run on
// the same DuckDB connection as the handle's own methods, one at a time,
// with the same read-only and no-extension rules; the pool holds exactly
// one connection, so a transaction begun through it (Begin ... Commit)
// also covers calls made meanwhile through the handle's methods: keep
// both on one goroutine while a transaction is open. Scanned values have
// the Go types QueryRows documents, except that database/sql converts
// them to the destination's type; HUGEINT arrives as its decimal text.
// Closing the DuckDB closes the *sql.DB; closing the *sql.DB leaves the
// DuckDB open. Safe for concurrent use.
func (db *DuckDB) Conn() *sql.DB {
	if db == nil {
		return nil
	}
	db.sqlOnce.Do(func() {
		db.sqlDB = sql.OpenDB(duckConnector{db})
		db.sqlDB.SetMaxOpenConns(1)
		db.sqlDB.SetMaxIdleConns(1)
	})
	return db.sqlDB
}

// closeConn closes Conn's *sql.DB, if one was made, and stops Conn from
// making another.
func (db *DuckDB) closeConn() {
	db.sqlOnce.Do(func() {})
	if db.sqlDB != nil {
		db.sqlDB.Close()
	}
}

// duckConnector hands database/sql connections that all run on one handle.
type duckConnector struct{ db *DuckDB }

func (c duckConnector) Connect(context.Context) (driver.Conn, error) { return &duckConn{db: c.db}, nil }
func (c duckConnector) Driver() driver.Driver                        { return duckDriver{} }

// duckDriver exists because database/sql asks a connector for its driver;
// it cannot open a database by name (use OpenDuckDB, then Conn).
type duckDriver struct{}

func (duckDriver) Open(string) (driver.Conn, error) {
	return nil, errors.New("store: open DuckDB with OpenDuckDB or OpenDuckDBReadWrite, then use its Conn")
}

// duckConn is one database/sql connection; the handle belongs to the DuckDB.
type duckConn struct {
	db     *DuckDB
	closed bool
}

var (
	_ driver.ExecerContext                  = (*duckConn)(nil)
	_ driver.QueryerContext                 = (*duckConn)(nil)
	_ driver.ConnBeginTx                    = (*duckConn)(nil)
	_ driver.NamedValueChecker              = (*duckConn)(nil)
	_ driver.SessionResetter                = (*duckConn)(nil)
	_ driver.RowsColumnTypeDatabaseTypeName = (*duckRows)(nil)
)

func (c *duckConn) Prepare(query string) (driver.Stmt, error) {
	return &duckStmt{conn: c, query: query}, nil
}

func (c *duckConn) Close() error {
	c.closed = true
	return nil
}

func (c *duckConn) Begin() (driver.Tx, error) {
	return c.BeginTx(context.Background(), driver.TxOptions{})
}

func (c *duckConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	if opts.Isolation != driver.IsolationLevel(sql.LevelDefault) {
		return nil, errors.New("store.DuckDB.Conn: DuckDB offers only its default isolation level")
	}
	statement := "BEGIN TRANSACTION"
	if opts.ReadOnly {
		statement = "BEGIN TRANSACTION READ ONLY"
	}
	if err := c.run(ctx, statement); err != nil {
		return nil, err
	}
	return duckTx{c}, nil
}

// ResetSession keeps a connection out of the pool once the handle is closed.
func (c *duckConn) ResetSession(context.Context) error {
	if c.closed {
		return driver.ErrBadConn
	}
	return nil
}

// CheckNamedValue passes every argument to encodeArgs, which accepts the
// same types as the handle's Exec and QueryRows; named arguments are refused.
func (c *duckConn) CheckNamedValue(v *driver.NamedValue) error {
	if v.Name != "" {
		return errors.New("store.DuckDB.Conn: named arguments are not supported; use ? placeholders")
	}
	if valuer, ok := v.Value.(driver.Valuer); ok {
		value, err := valuer.Value()
		if err != nil {
			return err
		}
		v.Value = value
	}
	return nil
}

func (c *duckConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	params, err := encodeArgs("store.DuckDB.Conn", values(args))
	if err != nil {
		return nil, err
	}
	var changed int64
	err = c.db.handle("store.DuckDB.Conn", func(h duckHandle) error {
		changed, err = cDuckExec(h, query, params)
		return err
	})
	if err != nil {
		return nil, err
	}
	return driver.RowsAffected(changed), nil
}

func (c *duckConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	doc, err := c.db.queryJSON("store.DuckDB.Conn", query, values(args), false)
	if err != nil {
		return nil, err
	}
	table, err := decodeDuckTable("store.DuckDB.Conn", doc)
	if err != nil {
		return nil, err
	}
	return &duckRows{table: table}, nil
}

func (c *duckConn) run(ctx context.Context, statement string) error {
	_, err := c.ExecContext(ctx, statement, nil)
	return err
}

func values(args []driver.NamedValue) []any {
	out := make([]any, len(args))
	for i, a := range args {
		out[i] = a.Value
	}
	return out
}

type duckTx struct{ conn *duckConn }

func (t duckTx) Commit() error {
	return t.conn.run(context.Background(), "COMMIT")
}

func (t duckTx) Rollback() error {
	return t.conn.run(context.Background(), "ROLLBACK")
}

// duckStmt keeps only the text: the library prepares and caches statements
// itself, so a database/sql prepared statement costs nothing extra.
type duckStmt struct {
	conn  *duckConn
	query string
}

func (s *duckStmt) Close() error  { return nil }
func (s *duckStmt) NumInput() int { return -1 }

func (s *duckStmt) Exec(args []driver.Value) (driver.Result, error) {
	return s.conn.ExecContext(context.Background(), s.query, named(args))
}

func (s *duckStmt) Query(args []driver.Value) (driver.Rows, error) {
	return s.conn.QueryContext(context.Background(), s.query, named(args))
}

func named(args []driver.Value) []driver.NamedValue {
	out := make([]driver.NamedValue, len(args))
	for i, a := range args {
		out[i] = driver.NamedValue{Ordinal: i + 1, Value: a}
	}
	return out
}

// duckRows walks a result that arrived in one buffer.
type duckRows struct {
	table duckTable
	next  int
}

func (r *duckRows) Columns() []string {
	names := make([]string, len(r.table.columns))
	for i, c := range r.table.columns {
		names[i] = c.Name
	}
	return names
}

func (r *duckRows) ColumnTypeDatabaseTypeName(index int) string {
	return strings.ToUpper(r.table.columns[index].Type)
}

func (r *duckRows) Close() error {
	r.next = len(r.table.rows)
	return nil
}

func (r *duckRows) Next(dest []driver.Value) error {
	if r.next >= len(r.table.rows) {
		return io.EOF
	}
	for i, v := range r.table.rows[r.next] {
		dest[i] = driverValue(v)
	}
	r.next++
	return nil
}

// driverValue widens QueryRows' values to database/sql's value types where
// they differ (sized integers, float32, *big.Int); lists, structs and maps
// stay Go values, which Scan hands to an *any destination.
func driverValue(v any) driver.Value {
	switch t := v.(type) {
	case int8:
		return int64(t)
	case int16:
		return int64(t)
	case int32:
		return int64(t)
	case uint8:
		return int64(t)
	case uint16:
		return int64(t)
	case uint32:
		return int64(t)
	case uint64:
		return t // database/sql scans uint64 into integer destinations
	case float32:
		return float64(t)
	case *big.Int:
		return t.String()
	}
	return v
}
