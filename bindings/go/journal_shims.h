/*
 * C shims for the Go binding's journal and compaction calls (included by
 * journal.go's cgo preamble only); same rules as shims.h: one libstore
 * call per shim, the last error copied on failure.
 */
#ifndef STORE_GO_JOURNAL_SHIMS_H
#define STORE_GO_JOURNAL_SHIMS_H
#include "shims.h"

typedef struct { uint32_t status; char *err; store_bytes out; } go_bytes_res;

static go_bytes_res go_journal_commit(store_kv *kv, _GoString_ measurement, _GoString_ fields, _GoString_ tags) {
	go_bytes_res r = { 0 };
	r.status = store_journal_commit(kv, GS(measurement), GS(fields), GS(tags), &r.out);
	r.err = go_err(r.status);
	return r;
}

static go_bytes_res go_journal_query(store_kv *kv, _GoString_ query) {
	go_bytes_res r = { 0 };
	r.status = store_journal_query(kv, GS(query), &r.out);
	r.err = go_err(r.status);
	return r;
}

static store_compact_options go_compact_options(int64_t before_ms, _GoString_ output, _GoString_ format, int64_t retention_ms) {
	store_compact_options o;
	store_compact_options_init(&o, sizeof o);
	o.before_ms = before_ms;
	o.output.ptr = (const uint8_t *)_GoStringPtr(output);
	o.output.len = _GoStringLen(output);
	o.format.ptr = (const uint8_t *)_GoStringPtr(format);
	o.format.len = _GoStringLen(format);
	o.retention_ms = retention_ms;
	return o;
}

static go_bytes_res go_compact(store_db *db, int64_t before_ms, _GoString_ output, _GoString_ format, int64_t retention_ms) {
	store_compact_options o = go_compact_options(before_ms, output, format, retention_ms);
	go_bytes_res r = { 0 };
	r.status = store_compact(db, &o, &r.out);
	r.err = go_err(r.status);
	return r;
}

static go_res go_compact_validate(int64_t before_ms, _GoString_ output, _GoString_ format, int64_t retention_ms) {
	store_compact_options o = go_compact_options(before_ms, output, format, retention_ms);
	return go_status(store_compact_options_validate(&o));
}
#endif
