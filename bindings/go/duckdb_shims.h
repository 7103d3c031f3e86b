/*
 * C shims for the Go DuckDB binding (duckdb.go), included by ffi.go's cgo
 * preamble after shims.h. Same rules: one libstore call per shim, the last
 * error copied on failure, results on the C stack.
 */
#ifndef STORE_GO_DUCKDB_SHIMS_H
#define STORE_GO_DUCKDB_SHIMS_H
#include "shims.h"

typedef struct { uint32_t status; char *err; store_bytes out; } go_bytes_res;
typedef struct { uint32_t status; char *err; int64_t a; int64_t b; } go_pair_res;

static go_handle_res go_duckdb_open(_GoString_ path, int read_write) {
	store_duckdb *db = NULL;
	go_handle_res r = { 0 };
	r.status = read_write ? store_duckdb_open_read_write(GS(path), &db) : store_duckdb_open(GS(path), &db);
	r.err = go_err(r.status);
	r.handle = db;
	return r;
}

static go_res go_duckdb_close(void *db) {
	go_res r = go_status(store_duckdb_close((store_duckdb *)db));
	store_duckdb_free((store_duckdb *)db);
	return r;
}

static go_res go_duckdb_exec(void *db, _GoString_ sql, _GoString_ params) {
	uint64_t changed = 0;
	go_res r = go_status(store_duckdb_exec((store_duckdb *)db, GS(sql), GS(params), &changed));
	r.n = (int64_t)changed;
	return r;
}

static go_bytes_res go_duckdb_query(void *db, _GoString_ sql, _GoString_ params, int scalar) {
	go_bytes_res r = { 0 };
	r.status = scalar ? store_duckdb_query_scalar((store_duckdb *)db, GS(sql), GS(params), &r.out)
	                  : store_duckdb_query_rows((store_duckdb *)db, GS(sql), GS(params), &r.out);
	r.err = go_err(r.status);
	return r;
}

static go_res go_duckdb_ensure_scoring_tables(void *db) {
	return go_status(store_duckdb_ensure_scoring_tables((store_duckdb *)db));
}

static go_res go_duckdb_write_scoring_result(void *db, _GoString_ model, _GoString_ prompt, _GoString_ suite,
                                             _GoString_ dimension, double score) {
	return go_status(store_duckdb_write_scoring_result((store_duckdb *)db, GS(model), GS(prompt), GS(suite),
	                                                   GS(dimension), score));
}

static go_bytes_res go_duckdb_table_counts(void *db) {
	go_bytes_res r = { 0 };
	r.status = store_duckdb_table_counts((store_duckdb *)db, &r.out);
	r.err = go_err(r.status);
	return r;
}

static go_bytes_res go_duckdb_golden_set(void *db, int64_t min_chars) {
	go_bytes_res r = { 0 };
	r.status = store_duckdb_query_golden_set((store_duckdb *)db, min_chars, &r.out);
	r.err = go_err(r.status);
	return r;
}

static go_res go_duckdb_count_golden_set(void *db) {
	int64_t n = 0;
	go_res r = go_status(store_duckdb_count_golden_set((store_duckdb *)db, &n));
	r.n = n;
	return r;
}

static go_bytes_res go_duckdb_expansion_prompts(void *db, _GoString_ status, int64_t limit) {
	go_bytes_res r = { 0 };
	r.status = store_duckdb_query_expansion_prompts((store_duckdb *)db, GS(status), limit, &r.out);
	r.err = go_err(r.status);
	return r;
}

static go_pair_res go_duckdb_count_expansion_prompts(void *db) {
	go_pair_res r = { 0 };
	r.status = store_duckdb_count_expansion_prompts((store_duckdb *)db, &r.a, &r.b);
	r.err = go_err(r.status);
	return r;
}

static go_res go_duckdb_update_expansion_status(void *db, int64_t idx, _GoString_ status) {
	return go_status(store_duckdb_update_expansion_status((store_duckdb *)db, idx, GS(status)));
}

static go_res go_duckdb_export_parquet(void *db, _GoString_ source, _GoString_ file, uint32_t codec) {
	uint64_t rows = 0;
	go_res r = go_status(store_duckdb_export_parquet((store_duckdb *)db, GS(source), GS(file), codec, &rows));
	r.n = (int64_t)rows;
	return r;
}

static go_res go_duckdb_export_split_parquet(void *db, _GoString_ dir, _GoString_ source, _GoString_ column,
                                             uint32_t codec) {
	uint64_t rows = 0;
	go_res r = go_status(
	    store_duckdb_export_split_parquet((store_duckdb *)db, GS(dir), GS(source), GS(column), codec, &rows));
	r.n = (int64_t)rows;
	return r;
}

static go_res go_duckdb_import_parquet(void *db, _GoString_ table, _GoString_ path) {
	uint64_t rows = 0;
	go_res r = go_status(store_duckdb_import_parquet((store_duckdb *)db, GS(table), GS(path), &rows));
	r.n = (int64_t)rows;
	return r;
}

static go_res go_export_training_parquet(_GoString_ dir, _GoString_ out) {
	uint64_t rows = 0;
	go_res r = go_status(store_export_training_parquet(GS(dir), GS(out), &rows));
	r.n = (int64_t)rows;
	return r;
}

static go_res go_export_training_split_parquet(_GoString_ jsonl, _GoString_ out, _GoString_ split) {
	uint64_t rows = 0;
	go_res r = go_status(store_export_training_split_parquet(GS(jsonl), GS(out), GS(split), &rows));
	r.n = (int64_t)rows;
	return r;
}

#endif /* STORE_GO_DUCKDB_SHIMS_H */
