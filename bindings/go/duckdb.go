package store

import (
	"bytes"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Canonical DuckDB table names (go-store).
const (
	TableCheckpointScores = "checkpoint_scores"
	TableProbeResults     = "probe_results"
)

// ParquetCompression selects the codec of written Parquet files.
type ParquetCompression uint32

// Parquet codecs. Zstd is the default of ExportParquet and ExportSplitParquet.
const (
	ParquetZstd   ParquetCompression = parquetZstd
	ParquetSnappy ParquetCompression = parquetSnappy
	ParquetGzip   ParquetCompression = parquetGzip
)

// DuckDB is an open DuckDB database (go-store's analytics handle). Safe for
// concurrent use; calls run one at a time. The library never installs or
// loads DuckDB extensions and never reaches the network: INSTALL and LOAD
// fail, and the configuration is locked.
type DuckDB struct {
	mu   sync.RWMutex
	h    duckHandle
	path string

	sqlOnce sync.Once
	sqlDB   *sql.DB // Conn's database/sql view, made on first use
}

// GoldenSetRow is one row of golden_set.
type GoldenSetRow struct {
	Idx       int     `json:"idx"`
	SeedID    string  `json:"seed_id"`
	Domain    string  `json:"domain"`
	Voice     string  `json:"voice"`
	Prompt    string  `json:"prompt"`
	Response  string  `json:"response"`
	GenTime   float64 `json:"gen_time"`
	CharCount int     `json:"char_count"`
}

// ExpansionPromptRow is one row of expansion_prompts.
type ExpansionPromptRow struct {
	Idx      int64  `json:"idx"`
	SeedID   string `json:"seed_id"`
	Region   string `json:"region"`
	Domain   string `json:"domain"`
	Language string `json:"language"`
	Prompt   string `json:"prompt"`
	PromptEn string `json:"prompt_en"`
	Priority int    `json:"priority"`
	Status   string `json:"status"`
}

// OpenDuckDB opens an existing DuckDB file read-only; a missing file is an
// error, and other processes may keep reading it too.
func OpenDuckDB(path string) (*DuckDB, error) { return openDuck(path, false) }

// OpenDuckDBReadWrite opens a DuckDB file read-write, creating it if absent.
func OpenDuckDBReadWrite(path string) (*DuckDB, error) { return openDuck(path, true) }

func openDuck(path string, readWrite bool) (*DuckDB, error) {
	h, err := cDuckOpen(path, readWrite)
	if err != nil {
		return nil, err
	}
	return &DuckDB{h: h, path: path}, nil
}

// handle runs f with the open handle held against Close.
func (db *DuckDB) handle(op string, f func(duckHandle) error) error {
	if db == nil {
		return usageError(op, "duckdb is nil")
	}
	db.mu.RLock()
	defer db.mu.RUnlock()
	if db.h == nil {
		return &Error{Status: StatusClosed, message: op + ": duckdb is closed"}
	}
	return f(db.h)
}

// Close closes the database. Closing twice returns nil.
func (db *DuckDB) Close() error {
	if db == nil {
		return nil
	}
	db.closeConn()
	db.mu.Lock()
	defer db.mu.Unlock()
	if db.h == nil {
		return nil
	}
	h := db.h
	db.h = nil
	return cDuckClose(h)
}

// Path returns the path given at open.
func (db *DuckDB) Path() string {
	if db == nil {
		return ""
	}
	return db.path
}

// Exec runs a statement (several, separated by semicolons, when there are
// no args) with args bound to its ? placeholders.
func (db *DuckDB) Exec(query string, args ...any) error {
	params, err := encodeArgs("store.DuckDB.Exec", args)
	if err != nil {
		return err
	}
	return db.handle("store.DuckDB.Exec", func(h duckHandle) error {
		_, err := cDuckExec(h, query, params)
		return err
	})
}

// QueryRows runs a query and returns each row as a map from column name to
// value. Values have Go types following the column's DuckDB type: TINYINT
// to BIGINT as int8..int64, unsigned as uint8..uint64, HUGEINT as
// *big.Int, FLOAT float32, DOUBLE float64, DECIMAL float64, VARCHAR and
// ENUM string, BLOB []byte, BOOLEAN bool, DATE/TIME/TIMESTAMP time.Time
// (UTC), UUID string, INTERVAL map, LIST []any, STRUCT and MAP as decoded
// JSON (map[string]any / []any), NULL nil.
func (db *DuckDB) QueryRows(query string, args ...any) ([]map[string]any, error) {
	doc, err := db.queryJSON("store.DuckDB.QueryRows", query, args, false)
	if err != nil {
		return nil, err
	}
	return decodeDuckRows(doc)
}

// QueryRowScan stores the first column of the first row in dest (a pointer
// to string, bool, an integer or float type, time.Time, []byte or any).
// Without a row it returns sql.ErrNoRows, as database/sql does.
func (db *DuckDB) QueryRowScan(query string, dest any, args ...any) error {
	doc, err := db.queryJSON("store.DuckDB.QueryRowScan", query, args, true)
	if err != nil {
		if e, ok := err.(*Error); ok && e.Status == StatusNotFound {
			return sql.ErrNoRows
		}
		return err
	}
	return scanInto(doc, dest)
}

func (db *DuckDB) queryJSON(op, query string, args []any, scalar bool) ([]byte, error) {
	params, err := encodeArgs(op, args)
	if err != nil {
		return nil, err
	}
	var doc []byte
	err = db.handle(op, func(h duckHandle) error {
		var err error
		doc, err = cDuckQuery(h, query, params, scalar)
		return err
	})
	return doc, err
}

// EnsureScoringTables creates checkpoint_scores, probe_results and
// scoring_results if they are missing.
func (db *DuckDB) EnsureScoringTables() error {
	return db.handle("store.DuckDB.EnsureScoringTables", cDuckEnsureScoringTables)
}

// WriteScoringResult inserts one scoring_results row, stamped now.
func (db *DuckDB) WriteScoringResult(model, promptID, suite, dimension string, score float64) error {
	return db.handle("store.DuckDB.WriteScoringResult", func(h duckHandle) error {
		return cDuckWriteScoringResult(h, model, promptID, suite, dimension, score)
	})
}

// TableCounts returns the row counts of go-store's known tables; missing
// tables are left out.
func (db *DuckDB) TableCounts() (map[string]int, error) {
	var counts map[string]int
	err := db.handle("store.DuckDB.TableCounts", func(h duckHandle) error {
		doc, err := cDuckTableCounts(h)
		if err != nil {
			return err
		}
		return json.Unmarshal(doc, &counts)
	})
	return counts, err
}

// QueryGoldenSet returns golden_set rows with at least minChars characters,
// ordered by idx (nil when there are none).
func (db *DuckDB) QueryGoldenSet(minChars int) ([]GoldenSetRow, error) {
	var rows []GoldenSetRow
	err := db.handle("store.DuckDB.QueryGoldenSet", func(h duckHandle) error {
		doc, err := cDuckGoldenSet(h, int64(minChars))
		if err != nil {
			return err
		}
		return json.Unmarshal(doc, &rows)
	})
	if len(rows) == 0 {
		rows = nil
	}
	return rows, err
}

// CountGoldenSet returns the number of golden_set rows.
func (db *DuckDB) CountGoldenSet() (int, error) {
	var n int64
	err := db.handle("store.DuckDB.CountGoldenSet", func(h duckHandle) error {
		var err error
		n, err = cDuckCountGoldenSet(h)
		return err
	})
	return int(n), err
}

// QueryExpansionPrompts returns expansion_prompts rows with the given status
// (all when empty), ordered by priority then idx, at most limit when limit > 0.
func (db *DuckDB) QueryExpansionPrompts(status string, limit int) ([]ExpansionPromptRow, error) {
	var rows []ExpansionPromptRow
	err := db.handle("store.DuckDB.QueryExpansionPrompts", func(h duckHandle) error {
		doc, err := cDuckExpansionPrompts(h, status, int64(limit))
		if err != nil {
			return err
		}
		return json.Unmarshal(doc, &rows)
	})
	if len(rows) == 0 {
		rows = nil
	}
	return rows, err
}

// CountExpansionPrompts returns the total and pending expansion_prompts rows.
func (db *DuckDB) CountExpansionPrompts() (total int, pending int, err error) {
	var t, p int64
	err = db.handle("store.DuckDB.CountExpansionPrompts", func(h duckHandle) error {
		var err error
		t, p, err = cDuckCountExpansionPrompts(h)
		return err
	})
	return int(t), int(p), err
}

// UpdateExpansionStatus sets one prompt's status; no matching row is not an error.
func (db *DuckDB) UpdateExpansionStatus(idx int64, status string) error {
	return db.handle("store.DuckDB.UpdateExpansionStatus", func(h duckHandle) error {
		return cDuckUpdateExpansionStatus(h, idx, status)
	})
}

// ExportParquet writes a table (or a query starting with SELECT, WITH, FROM
// or VALUES) to one zstd-compressed Parquet file, atomically, and returns
// the rows written.
func (db *DuckDB) ExportParquet(file, table string) (int, error) {
	return db.ExportParquetWith(file, table, ParquetZstd)
}

// ExportParquetWith is ExportParquet with a chosen codec.
func (db *DuckDB) ExportParquetWith(file, table string, compression ParquetCompression) (int, error) {
	var n int64
	err := db.handle("store.DuckDB.ExportParquet", func(h duckHandle) error {
		var err error
		n, err = cDuckExportParquet(h, table, file, compression)
		return err
	})
	return int(n), err
}

// ExportSplitParquet writes a table as a hive-partitioned dataset under dir,
// one directory per distinct value of column (dir/column=value/…parquet,
// values escaped, NULL as __HIVE_DEFAULT_PARTITION__), replacing an earlier
// dataset atomically, and returns the rows written.
func (db *DuckDB) ExportSplitParquet(dir, table, column string) (int, error) {
	return db.ExportSplitParquetWith(dir, table, column, ParquetZstd)
}

// ExportSplitParquetWith is ExportSplitParquet with a chosen codec.
func (db *DuckDB) ExportSplitParquetWith(dir, table, column string, compression ParquetCompression) (int, error) {
	var n int64
	err := db.handle("store.DuckDB.ExportSplitParquet", func(h duckHandle) error {
		var err error
		n, err = cDuckExportSplitParquet(h, dir, table, column, compression)
		return err
	})
	return int(n), err
}

// ImportParquet loads a Parquet file, glob or hive dataset directory into
// table (created when absent, else appended by column name), all or
// nothing, and returns the rows read.
func (db *DuckDB) ImportParquet(table, path string) (int, error) {
	var n int64
	err := db.handle("store.DuckDB.ImportParquet", func(h duckHandle) error {
		var err error
		n, err = cDuckImportParquet(h, table, path)
		return err
	})
	return int(n), err
}

// encodeArgs turns Exec/Query arguments into the C ABI's JSON array.
func encodeArgs(op string, args []any) (string, error) {
	if len(args) == 0 {
		return "", nil
	}
	values := make([]any, len(args))
	for i, a := range args {
		switch v := a.(type) {
		case nil, bool, string, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, float32, float64:
			values[i] = v
		case []byte:
			values[i] = string(v)
		case time.Time:
			values[i] = v.UTC().Format("2006-01-02 15:04:05.999999")
		case fmt.Stringer:
			values[i] = v.String()
		default:
			return "", usageError(op, fmt.Sprintf("argument %d has unsupported type %T", i+1, a))
		}
	}
	out, err := json.Marshal(values)
	if err != nil {
		return "", usageError(op, "encode arguments: "+err.Error())
	}
	return string(out), nil
}

// generic decodes nested JSON with integers as int64 and other numbers as float64.
func generic(raw json.RawMessage) (any, error) {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	return numbers(v), nil
}

func numbers(v any) any {
	switch t := v.(type) {
	case json.Number:
		if i, err := t.Int64(); err == nil {
			return i
		}
		f, _ := t.Float64()
		return f
	case []any:
		for i := range t {
			t[i] = numbers(t[i])
		}
	case map[string]any:
		for k := range t {
			t[k] = numbers(t[k])
		}
	}
	return v
}

var timeLayouts = []string{"2006-01-02 15:04:05.999999999", "2006-01-02 15:04:05.999999999-07", "2006-01-02", "15:04:05.999999999"}

func convert(typ string, raw json.RawMessage) (any, error) {
	if string(raw) == "null" {
		return nil, nil
	}
	text := string(raw)
	unquote := func() (string, error) { var s string; err := json.Unmarshal(raw, &s); return s, err }
	switch {
	case typ == "TINYINT":
		v, err := strconv.ParseInt(text, 10, 8)
		return int8(v), err
	case typ == "SMALLINT":
		v, err := strconv.ParseInt(text, 10, 16)
		return int16(v), err
	case typ == "INTEGER":
		v, err := strconv.ParseInt(text, 10, 32)
		return int32(v), err
	case typ == "BIGINT":
		return strconv.ParseInt(text, 10, 64)
	case typ == "UTINYINT":
		v, err := strconv.ParseUint(text, 10, 8)
		return uint8(v), err
	case typ == "USMALLINT":
		v, err := strconv.ParseUint(text, 10, 16)
		return uint16(v), err
	case typ == "UINTEGER":
		v, err := strconv.ParseUint(text, 10, 32)
		return uint32(v), err
	case typ == "UBIGINT":
		return strconv.ParseUint(text, 10, 64)
	case typ == "HUGEINT" || typ == "UHUGEINT":
		v, ok := new(big.Int).SetString(text, 10)
		if !ok {
			return nil, fmt.Errorf("bad integer %s", text)
		}
		return v, nil
	case typ == "FLOAT" || typ == "DOUBLE" || strings.HasPrefix(typ, "DECIMAL"):
		f, err := float(raw)
		if typ == "FLOAT" {
			return float32(f), err
		}
		return f, err
	case typ == "BOOLEAN":
		return text == "true", nil
	case typ == "BLOB":
		s, err := unquote()
		if err != nil {
			return nil, err
		}
		return base64.StdEncoding.DecodeString(s)
	case typ == "DATE" || typ == "TIME" || strings.HasPrefix(typ, "TIMESTAMP"):
		s, err := unquote()
		if err != nil {
			return nil, err
		}
		for _, layout := range timeLayouts {
			if t, err := time.Parse(layout, s); err == nil {
				return t.UTC(), nil
			}
		}
		return s, nil // infinity and dates outside Go's range stay text
	case typ == "VARCHAR" || typ == "ENUM" || typ == "UUID":
		return unquote()
	default:
		return generic(raw)
	}
}

func float(raw json.RawMessage) (float64, error) {
	switch string(raw) {
	case `"NaN"`:
		return math.NaN(), nil
	case `"Infinity"`:
		return math.Inf(1), nil
	case `"-Infinity"`:
		return math.Inf(-1), nil
	}
	return strconv.ParseFloat(string(raw), 64)
}

// scanInto stores one JSON value in dest.
func scanInto(raw []byte, dest any) error {
	null := string(raw) == "null"
	var s string
	_ = json.Unmarshal(raw, &s)
	asText := func() string {
		if s != "" || strings.HasPrefix(string(raw), `"`) {
			return s
		}
		return string(raw)
	}
	fail := func(err error) error {
		return fmt.Errorf("store.DuckDB.QueryRowScan: scan %s into %T: %w", raw, dest, err)
	}
	switch d := dest.(type) {
	case *string:
		if null {
			return fail(fmt.Errorf("NULL"))
		}
		*d = asText()
	case *bool:
		if null {
			return fail(fmt.Errorf("NULL"))
		}
		*d = string(raw) == "true"
	case *int, *int8, *int16, *int32, *int64, *uint, *uint8, *uint16, *uint32, *uint64:
		if null {
			return fail(fmt.Errorf("NULL"))
		}
		f, err := float(raw)
		if err != nil {
			return fail(err)
		}
		i, err := strconv.ParseInt(string(raw), 10, 64)
		if err != nil {
			i = int64(f)
		}
		switch d := dest.(type) {
		case *int:
			*d = int(i)
		case *int8:
			*d = int8(i)
		case *int16:
			*d = int16(i)
		case *int32:
			*d = int32(i)
		case *int64:
			*d = i
		case *uint:
			*d = uint(i)
		case *uint8:
			*d = uint8(i)
		case *uint16:
			*d = uint16(i)
		case *uint32:
			*d = uint32(i)
		case *uint64:
			*d = uint64(i)
		}
	case *float64, *float32:
		if null {
			return fail(fmt.Errorf("NULL"))
		}
		f, err := float(raw)
		if err != nil {
			return fail(err)
		}
		if p, ok := d.(*float64); ok {
			*p = f
		} else {
			*d.(*float32) = float32(f)
		}
	case *time.Time:
		v, err := convert("TIMESTAMP", raw)
		if err != nil || null {
			return fail(fmt.Errorf("not a time"))
		}
		t, ok := v.(time.Time)
		if !ok {
			return fail(fmt.Errorf("not a time"))
		}
		*d = t
	case *[]byte:
		if null {
			*d = nil
		} else {
			*d = []byte(asText())
		}
	case *any:
		v, err := generic(raw)
		if err != nil {
			return fail(err)
		}
		*d = v
	default:
		return fail(fmt.Errorf("unsupported destination"))
	}
	return nil
}

// ChatMessage is one message of a training conversation.
type ChatMessage struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// ParquetRow is one row of the Parquet files ExportParquet writes.
type ParquetRow struct {
	Prompt   string `parquet:"prompt"`
	Response string `parquet:"response"`
	System   string `parquet:"system"`
	Messages string `parquet:"messages"`
}

// ExportParquet converts train.jsonl, valid.jsonl and test.jsonl found in
// trainingDir (chat rows, {"messages":[{"role":..,"content":..}]}) to
// outputDir/<split>.parquet with ParquetRow's columns, and returns the rows
// written. go-store ships this as a stub that always fails.
func ExportParquet(trainingDir, outputDir string) (int, error) {
	n, err := cExportTrainingParquet(trainingDir, outputDir)
	return int(n), err
}

// ExportSplitParquet converts one training JSONL file to
// outputDir/<split>.parquet and returns the rows written.
func ExportSplitParquet(jsonlPath, outputDir, split string) (int, error) {
	n, err := cExportTrainingSplitParquet(jsonlPath, outputDir, split)
	return int(n), err
}
