/*
 * C side of Go media (included by the cgo preambles of medium_ffi.go and
 * line_protocol.go): the callback table whose entries call the trampolines
 * exported from medium_callbacks.go, and the line-protocol export. The Go medium travels as a runtime/cgo handle in
 * user_data; goStoreRelease deletes it when the library lets go.
 */
#ifndef STORE_GO_MEDIUM_SHIMS_H
#define STORE_GO_MEDIUM_SHIMS_H
#include "shims.h"

extern int32_t goMediumRead(uintptr_t h, uint8_t *path, size_t path_len, store_medium_call *call);
extern int32_t goMediumWrite(uintptr_t h, uint8_t *path, size_t path_len, uint8_t *content, size_t content_len, store_medium_call *call);
extern int32_t goMediumWriteMode(uintptr_t h, uint8_t *path, size_t path_len, uint8_t *content, size_t content_len, uint32_t mode, store_medium_call *call);
extern int32_t goMediumEnsureDir(uintptr_t h, uint8_t *path, size_t path_len, store_medium_call *call);
extern int32_t goMediumIsFile(uintptr_t h, uint8_t *path, size_t path_len);
extern int32_t goMediumDelete(uintptr_t h, uint8_t *path, size_t path_len, store_medium_call *call);
extern int32_t goMediumDeleteAll(uintptr_t h, uint8_t *path, size_t path_len, store_medium_call *call);
extern int32_t goMediumRename(uintptr_t h, uint8_t *old_path, size_t old_len, uint8_t *new_path, size_t new_len, store_medium_call *call);
extern int32_t goMediumList(uintptr_t h, uint8_t *path, size_t path_len, store_medium_call *call);
extern int32_t goMediumStat(uintptr_t h, uint8_t *path, size_t path_len, store_medium_call *call);
extern int32_t goMediumExists(uintptr_t h, uint8_t *path, size_t path_len);
extern int32_t goMediumIsDir(uintptr_t h, uint8_t *path, size_t path_len);
extern int32_t goMediumOpenWriter(uintptr_t h, uint8_t *path, size_t path_len, uint32_t flags, store_medium_call *call, uintptr_t *writer);
extern int32_t goMediumWriterWrite(uintptr_t h, uintptr_t writer, uint8_t *data, size_t len, store_medium_call *call);
extern int32_t goMediumWriterClose(uintptr_t h, uintptr_t writer, uint8_t commit, store_medium_call *call);
extern int32_t goMediumOpenReader(uintptr_t h, uint8_t *path, size_t path_len, store_medium_call *call, uintptr_t *reader);
extern int64_t goMediumReaderRead(uintptr_t h, uintptr_t reader, uint8_t *buf, size_t cap, store_medium_call *call);
extern void goMediumReaderClose(uintptr_t h, uintptr_t reader);

#define GM_H(u) ((uintptr_t)(u))
#define GM_P(p) ((uint8_t *)(p))

static int32_t gm_read(void *u, const uint8_t *p, size_t n, store_medium_call *c) { return goMediumRead(GM_H(u), GM_P(p), n, c); }
static int32_t gm_write(void *u, const uint8_t *p, size_t n, const uint8_t *d, size_t dn, store_medium_call *c) {
	return goMediumWrite(GM_H(u), GM_P(p), n, GM_P(d), dn, c);
}
static int32_t gm_write_mode(void *u, const uint8_t *p, size_t n, const uint8_t *d, size_t dn, uint32_t m, store_medium_call *c) {
	return goMediumWriteMode(GM_H(u), GM_P(p), n, GM_P(d), dn, m, c);
}
static int32_t gm_ensure_dir(void *u, const uint8_t *p, size_t n, store_medium_call *c) { return goMediumEnsureDir(GM_H(u), GM_P(p), n, c); }
static int32_t gm_is_file(void *u, const uint8_t *p, size_t n) { return goMediumIsFile(GM_H(u), GM_P(p), n); }
static int32_t gm_delete(void *u, const uint8_t *p, size_t n, store_medium_call *c) { return goMediumDelete(GM_H(u), GM_P(p), n, c); }
static int32_t gm_delete_all(void *u, const uint8_t *p, size_t n, store_medium_call *c) { return goMediumDeleteAll(GM_H(u), GM_P(p), n, c); }
static int32_t gm_rename(void *u, const uint8_t *a, size_t an, const uint8_t *b, size_t bn, store_medium_call *c) {
	return goMediumRename(GM_H(u), GM_P(a), an, GM_P(b), bn, c);
}
static int32_t gm_list(void *u, const uint8_t *p, size_t n, store_medium_call *c) { return goMediumList(GM_H(u), GM_P(p), n, c); }
static int32_t gm_stat(void *u, const uint8_t *p, size_t n, store_medium_call *c) { return goMediumStat(GM_H(u), GM_P(p), n, c); }
static int32_t gm_exists(void *u, const uint8_t *p, size_t n) { return goMediumExists(GM_H(u), GM_P(p), n); }
static int32_t gm_is_dir(void *u, const uint8_t *p, size_t n) { return goMediumIsDir(GM_H(u), GM_P(p), n); }

// Streams: Go readers and writers travel as cgo handles in the stream pointer.
static int32_t gm_open_writer(void *u, const uint8_t *p, size_t n, uint32_t flags, store_medium_call *c) {
	uintptr_t w = 0;
	int32_t rc = goMediumOpenWriter(GM_H(u), GM_P(p), n, flags, c, &w);
	if (rc == STORE_MEDIUM_OK) store_medium_call_set_handle(c, (void *)w);
	return rc;
}
static int32_t gm_writer_write(void *u, void *w, const uint8_t *d, size_t n, store_medium_call *c) {
	return goMediumWriterWrite(GM_H(u), (uintptr_t)w, GM_P(d), n, c);
}
static int32_t gm_writer_close(void *u, void *w, bool commit, store_medium_call *c) {
	return goMediumWriterClose(GM_H(u), (uintptr_t)w, commit ? 1 : 0, c);
}
static int32_t gm_open_reader(void *u, const uint8_t *p, size_t n, store_medium_call *c) {
	uintptr_t r = 0;
	int32_t rc = goMediumOpenReader(GM_H(u), GM_P(p), n, c, &r);
	if (rc == STORE_MEDIUM_OK) store_medium_call_set_handle(c, (void *)r);
	return rc;
}
static int64_t gm_reader_read(void *u, void *r, uint8_t *buf, size_t cap, store_medium_call *c) {
	return goMediumReaderRead(GM_H(u), (uintptr_t)r, buf, cap, c);
}
static void gm_reader_close(void *u, void *r) { goMediumReaderClose(GM_H(u), (uintptr_t)r); }

// The table for the Go medium behind handle `medium`; release deletes it.
static store_medium_vtable go_medium_table(uintptr_t medium) {
	store_medium_vtable v;
	memset(&v, 0, sizeof v);
	v.struct_size = sizeof v;
	v.user_data = (void *)medium;
	v.release = go_on_release;
	v.read = gm_read;
	v.write = gm_write;
	v.write_mode = gm_write_mode;
	v.ensure_dir = gm_ensure_dir;
	v.is_file = gm_is_file;
	v.delete_path = gm_delete;
	v.delete_all = gm_delete_all;
	v.rename = gm_rename;
	v.list = gm_list;
	v.stat = gm_stat;
	v.exists = gm_exists;
	v.is_dir = gm_is_dir;
	v.open_writer = gm_open_writer;
	v.writer_write = gm_writer_write;
	v.writer_close = gm_writer_close;
	v.open_reader = gm_open_reader;
	v.reader_read = gm_reader_read;
	v.reader_close = gm_reader_close;
	return v;
}

// One cgo call: build the table, open, copy the error. The library owns the
// handle from here on and releases it exactly once, also on failure.
static go_handle_res go_open_with_medium(_GoString_ path, int64_t purge_ms, uint32_t busy_ms, _GoString_ dir,
		_GoString_ endpoint, _GoString_ org, _GoString_ bucket, uintptr_t medium) {
	store_options o = go_options(purge_ms, busy_ms, dir, endpoint, org, bucket);
	store_medium_vtable v = go_medium_table(medium);
	store_db *db = NULL;
	go_handle_res r = { 0 };
	r.status = store_open_with_medium(GS(path), &o, &v, &db);
	r.err = go_err(r.status);
	r.handle = db;
	r.kv = store_db_kv(db);
	return r;
}

// A streamed copy between two Go media; both handles are released.
static go_res go_medium_copy(uintptr_t source, _GoString_ source_path, uintptr_t destination, _GoString_ destination_path) {
	store_medium_vtable from = go_medium_table(source), to = go_medium_table(destination);
	uint64_t copied = 0;
	go_res r = go_status(store_medium_copy(&from, GS(source_path), &to, GS(destination_path), &copied));
	r.n = (int64_t)copied;
	return r;
}

// Journal rows (JSON) to InfluxDB line protocol, in one crossing.
typedef struct { uint32_t status; char *err; store_bytes out; } go_bytes_res;

static go_bytes_res go_export_line_protocol(_GoString_ rows) {
	go_bytes_res r = { 0 };
	r.status = store_export_line_protocol(GS(rows), &r.out);
	r.err = go_err(r.status);
	return r;
}

#endif
