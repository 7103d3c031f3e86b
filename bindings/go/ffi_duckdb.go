package store

// The cgo layer of the DuckDB binding: one shim call per operation (see
// duckdb_shims.h), JSON documents copied out of the library's buffer.

/*
#cgo CFLAGS: -I${SRCDIR}/../../include
#include "duckdb_shims.h"
*/
import "C"

import "unsafe"

// duckHandle is an open store_duckdb.
type duckHandle = unsafe.Pointer

// takeBytes copies a library buffer into Go memory and frees it.
func takeBytes(b C.store_bytes) []byte {
	out := C.GoBytes(unsafe.Pointer(b.ptr), C.int(b.len))
	C.go_bytes_free(b)
	return out
}

func bytesResult(r C.go_bytes_res) ([]byte, error) {
	if err := failure(r.status, r.err); err != nil {
		return nil, err
	}
	return takeBytes(r.out), nil
}

func cDuckOpen(path string, readWrite bool) (duckHandle, error) {
	rw := C.int(0)
	if readWrite {
		rw = 1
	}
	r := C.go_duckdb_open(path, rw)
	if err := failure(r.status, r.err); err != nil {
		return nil, err
	}
	return r.handle, nil
}

func cDuckClose(h duckHandle) error { return resultErr(C.go_duckdb_close(h)) }

func cDuckExec(h duckHandle, sql, params string) (int64, error) {
	r := C.go_duckdb_exec(h, sql, params)
	return int64(r.n), resultErr(r)
}

func cDuckQuery(h duckHandle, sql, params string, scalar bool) ([]byte, error) {
	s := C.int(0)
	if scalar {
		s = 1
	}
	return bytesResult(C.go_duckdb_query(h, sql, params, s))
}

func cDuckEnsureScoringTables(h duckHandle) error {
	return resultErr(C.go_duckdb_ensure_scoring_tables(h))
}

func cDuckWriteScoringResult(h duckHandle, model, promptID, suite, dimension string, score float64) error {
	return resultErr(C.go_duckdb_write_scoring_result(h, model, promptID, suite, dimension, C.double(score)))
}

func cDuckTableCounts(h duckHandle) ([]byte, error) { return bytesResult(C.go_duckdb_table_counts(h)) }

func cDuckGoldenSet(h duckHandle, minChars int64) ([]byte, error) {
	return bytesResult(C.go_duckdb_golden_set(h, C.int64_t(minChars)))
}

func cDuckCountGoldenSet(h duckHandle) (int64, error) {
	r := C.go_duckdb_count_golden_set(h)
	return int64(r.n), resultErr(r)
}

func cDuckExpansionPrompts(h duckHandle, status string, limit int64) ([]byte, error) {
	return bytesResult(C.go_duckdb_expansion_prompts(h, status, C.int64_t(limit)))
}

func cDuckCountExpansionPrompts(h duckHandle) (int64, int64, error) {
	r := C.go_duckdb_count_expansion_prompts(h)
	return int64(r.a), int64(r.b), failure(r.status, r.err)
}

func cDuckUpdateExpansionStatus(h duckHandle, idx int64, status string) error {
	return resultErr(C.go_duckdb_update_expansion_status(h, C.int64_t(idx), status))
}

func cDuckExportParquet(h duckHandle, source, file string, codec ParquetCompression) (int64, error) {
	r := C.go_duckdb_export_parquet(h, source, file, C.uint32_t(codec))
	return int64(r.n), resultErr(r)
}

func cDuckExportSplitParquet(h duckHandle, dir, source, column string, codec ParquetCompression) (int64, error) {
	r := C.go_duckdb_export_split_parquet(h, dir, source, column, C.uint32_t(codec))
	return int64(r.n), resultErr(r)
}

func cDuckImportParquet(h duckHandle, table, path string) (int64, error) {
	r := C.go_duckdb_import_parquet(h, table, path)
	return int64(r.n), resultErr(r)
}

func cExportTrainingParquet(dir, out string) (int64, error) {
	r := C.go_export_training_parquet(dir, out)
	return int64(r.n), resultErr(r)
}

func cExportTrainingSplitParquet(jsonl, out, split string) (int64, error) {
	r := C.go_export_training_split_parquet(jsonl, out, split)
	return int64(r.n), resultErr(r)
}

// Compression codes of the C ABI (STORE_PARQUET_* in store.h).
const (
	parquetZstd   = C.STORE_PARQUET_ZSTD
	parquetSnappy = C.STORE_PARQUET_SNAPPY
	parquetGzip   = C.STORE_PARQUET_GZIP
)
