/*
 * C shims for the Go workspace binding (workspace.go), included by
 * ffi_workspace.go's cgo preamble. Same rules as shims.h: one libstore call
 * per shim, the last error copied on failure, results on the C stack.
 */
#ifndef STORE_GO_WORKSPACE_SHIMS_H
#define STORE_GO_WORKSPACE_SHIMS_H
#include "duckdb_shims.h"

typedef struct { uint32_t status; char *err; store_workspace **list; size_t len; } go_orphans_res;

static go_handle_res go_workspace_new(void *db, _GoString_ name) {
	store_workspace *ws = NULL;
	go_handle_res r = { 0 };
	r.status = store_workspace_new((store_db *)db, GS(name), &ws);
	r.err = go_err(r.status);
	r.handle = ws;
	return r;
}

static go_res go_workspace_put(void *ws, _GoString_ kind, _GoString_ data) {
	return go_status(store_workspace_put((store_workspace *)ws, GS(kind), GS(data)));
}

static go_res go_workspace_count(void *ws) {
	int64_t n = 0;
	go_res r = go_status(store_workspace_count((store_workspace *)ws, &n));
	r.n = n;
	return r;
}

/* what: 0 aggregate, 1 commit, 2 database path. */
static go_bytes_res go_workspace_bytes(void *ws, int what) {
	go_bytes_res r = { 0 };
	store_workspace *w = (store_workspace *)ws;
	r.status = what == 0 ? store_workspace_aggregate(w, &r.out)
	         : what == 1 ? store_workspace_commit(w, &r.out)
	                     : store_workspace_database_path(w, &r.out);
	r.err = go_err(r.status);
	return r;
}

static go_bytes_res go_workspace_query(void *ws, _GoString_ sql) {
	go_bytes_res r = { 0 };
	r.status = store_workspace_query((store_workspace *)ws, GS(sql), &r.out);
	r.err = go_err(r.status);
	return r;
}

static go_res go_workspace_close(void *ws) { return go_status(store_workspace_close((store_workspace *)ws)); }

static go_res go_workspace_discard(void *ws) { return go_status(store_workspace_discard((store_workspace *)ws)); }

static void go_workspace_free(void *ws) { store_workspace_free((store_workspace *)ws); }

static go_res go_wait_for_orphan_scan(void *db) { return go_status(store_wait_for_orphan_scan((store_db *)db)); }

static go_orphans_res go_recover_orphans(void *db, _GoString_ dir) {
	go_orphans_res r = { 0 };
	r.status = store_recover_orphans((store_db *)db, GS(dir), &r.list, &r.len);
	r.err = go_err(r.status);
	return r;
}

static void *go_orphan_at(store_workspace **list, size_t i) { return list[i]; }

static void go_workspace_array_free(store_workspace **list, size_t len) { store_workspace_array_free(list, len); }
#endif
