/*
 * C shims for the Go binding (included by ffi.go's cgo preamble only).
 *
 * Each shim makes one libstore call and, on failure, copies the thread's
 * last error into a malloc'd string returned with the status, so a Go call
 * costs one cgo crossing and never needs runtime.LockOSThread. Out-parameters
 * live here on the C stack and come back inside the returned struct.
 * _GoString_ arguments are Go strings passed without copying.
 */
#ifndef STORE_GO_SHIMS_H
#define STORE_GO_SHIMS_H
#include <stdlib.h>
#include <string.h>
#include <store.h>

#if STORE_ABI_VERSION != 1
#error "bindings/go targets STORE_ABI_VERSION 1; include/store.h has another"
#endif

#define GS(s) ((const uint8_t *)_GoStringPtr(s)), ((size_t)_GoStringLen(s))

// go_res is the status of a call plus, on failure, a malloc'd copy of the
// thread's last error (freed by the Go side) and the call's scalar result.
typedef struct { uint32_t status; char *err; int64_t n; } go_res;
typedef struct { uint32_t status; char *err; size_t len; store_bytes spill; } go_get_res;
typedef struct { uint32_t status; char *err; store_pairs list; } go_pairs_res;
typedef struct { uint32_t status; char *err; store_strings list; } go_strings_res;
typedef struct { uint32_t status; char *err; void *handle; store_kv *kv; } go_handle_res;
typedef struct { uint32_t status; char *err; int64_t purge_ms; store_slice dir; } go_options_res;

// GO_LIST is the body of a shim returning a packed list: make the call
// (writing r.list), then copy the error message on failure.
#define GO_LIST(type, call) type r = { 0 }; r.status = (call); r.err = go_err(r.status); return r

static char *go_err(uint32_t status) {
	if (status == STORE_OK) return NULL;
	const char *m = store_last_error();
	size_t n = strlen(m);
	char *c = malloc(n + 1);
	if (c) memcpy(c, m, n + 1);
	return c;
}

static go_res go_status(uint32_t status) {
	go_res r = { status, go_err(status), 0 };
	return r;
}

static store_options go_options(int64_t purge_ms, uint32_t busy_ms, _GoString_ dir, _GoString_ endpoint, _GoString_ org, _GoString_ bucket) {
	store_options o;
	store_options_init(&o, sizeof o);
	o.purge_interval_ms = purge_ms;
	o.busy_timeout_ms = busy_ms;
	o.workspace_state_directory.ptr = (const uint8_t *)_GoStringPtr(dir);
	o.workspace_state_directory.len = _GoStringLen(dir);
	o.journal_endpoint_url.ptr = (const uint8_t *)_GoStringPtr(endpoint);
	o.journal_endpoint_url.len = _GoStringLen(endpoint);
	o.journal_organisation.ptr = (const uint8_t *)_GoStringPtr(org);
	o.journal_organisation.len = _GoStringLen(org);
	o.journal_bucket_name.ptr = (const uint8_t *)_GoStringPtr(bucket);
	o.journal_bucket_name.len = _GoStringLen(bucket);
	return o;
}

static go_handle_res go_open(_GoString_ path, int64_t purge_ms, uint32_t busy_ms, _GoString_ dir, _GoString_ endpoint, _GoString_ org, _GoString_ bucket) {
	store_options o = go_options(purge_ms, busy_ms, dir, endpoint, org, bucket);
	store_db *db = NULL;
	go_handle_res r = { 0 };
	r.status = store_open(GS(path), &o, &db);
	r.err = go_err(r.status);
	r.handle = db;
	r.kv = store_db_kv(db);
	return r;
}

static go_res go_validate(_GoString_ path, int64_t purge_ms, uint32_t busy_ms, _GoString_ dir, _GoString_ endpoint, _GoString_ org, _GoString_ bucket) {
	store_options o = go_options(purge_ms, busy_ms, dir, endpoint, org, bucket);
	return go_status(store_options_validate(GS(path), &o));
}

static go_options_res go_normalise(int64_t purge_ms, _GoString_ dir) {
	store_options o;
	store_options_init(&o, sizeof o);
	o.purge_interval_ms = purge_ms;
	o.workspace_state_directory.ptr = (const uint8_t *)_GoStringPtr(dir);
	o.workspace_state_directory.len = _GoStringLen(dir);
	go_options_res r = { 0 };
	r.status = store_options_normalise(&o);
	r.err = go_err(r.status);
	r.purge_ms = o.purge_interval_ms;
	r.dir = o.workspace_state_directory;
	return r;
}

static go_options_res go_store_options(store_db *db) {
	store_options o;
	store_options_init(&o, sizeof o);
	go_options_res r = { 0 };
	r.status = store_get_options(db, &o);
	r.err = go_err(r.status);
	r.purge_ms = o.purge_interval_ms;
	r.dir = o.workspace_state_directory;
	return r;
}

static go_res go_close(store_db *db) { return go_status(store_close(db)); }

static go_get_res go_get(store_kv *kv, _GoString_ g, _GoString_ k, uint8_t *buf, size_t cap) {
	go_get_res r = { 0 };
	r.status = store_get_into(kv, GS(g), GS(k), buf, cap, &r.len, &r.spill);
	r.err = go_err(r.status);
	return r;
}

static go_res go_set(store_kv *kv, _GoString_ g, _GoString_ k, _GoString_ v) {
	return go_status(store_set(kv, GS(g), GS(k), GS(v)));
}

static go_res go_set_ttl(store_kv *kv, _GoString_ g, _GoString_ k, _GoString_ v, int64_t ttl_ms) {
	return go_status(store_set_with_ttl(kv, GS(g), GS(k), GS(v), ttl_ms));
}

static go_res go_delete(store_kv *kv, _GoString_ g, _GoString_ k) {
	return go_status(store_delete(kv, GS(g), GS(k)));
}

static go_res go_exists(store_kv *kv, _GoString_ g, _GoString_ k) {
	bool found = false;
	go_res r = go_status(store_exists(kv, GS(g), GS(k), &found));
	r.n = found;
	return r;
}

static go_res go_group_exists(store_kv *kv, _GoString_ g) {
	bool found = false;
	go_res r = go_status(store_group_exists(kv, GS(g), &found));
	r.n = found;
	return r;
}

static go_res go_count(store_kv *kv, _GoString_ g) {
	int64_t n = 0;
	go_res r = go_status(store_count(kv, GS(g), &n));
	r.n = n;
	return r;
}

static go_res go_count_all(store_kv *kv, _GoString_ prefix) {
	int64_t n = 0;
	go_res r = go_status(store_count_all(kv, GS(prefix), &n));
	r.n = n;
	return r;
}

static go_res go_delete_group(store_kv *kv, _GoString_ g) { return go_status(store_delete_group(kv, GS(g))); }

static go_res go_delete_prefix(store_kv *kv, _GoString_ prefix) { return go_status(store_delete_prefix(kv, GS(prefix))); }

static go_res go_purge(store_kv *kv) {
	int64_t n = 0;
	go_res r = go_status(store_purge_expired(kv, &n));
	r.n = n;
	return r;
}

static go_pairs_res go_get_all(store_kv *kv, _GoString_ g) {
	GO_LIST(go_pairs_res, store_get_all(kv, GS(g), &r.list));
}

static go_pairs_res go_get_page(store_kv *kv, _GoString_ g, int64_t offset, int64_t limit) {
	GO_LIST(go_pairs_res, store_get_page(kv, GS(g), offset, limit, &r.list));
}

static go_strings_res go_groups(store_kv *kv, _GoString_ prefix) {
	GO_LIST(go_strings_res, store_groups(kv, GS(prefix), &r.list));
}

static go_strings_res go_get_split(store_kv *kv, _GoString_ g, _GoString_ k, _GoString_ sep) {
	GO_LIST(go_strings_res, store_get_split(kv, GS(g), GS(k), GS(sep), &r.list));
}

static go_strings_res go_get_fields(store_kv *kv, _GoString_ g, _GoString_ k) {
	GO_LIST(go_strings_res, store_get_fields(kv, GS(g), GS(k), &r.list));
}

static void go_pairs_free(store_pairs list) { store_pairs_free(&list); }
static void go_strings_free(store_strings list) { store_strings_free(&list); }
static void go_bytes_free(store_bytes b) { store_bytes_free(&b); }

static go_handle_res go_iter_open(store_kv *kv, _GoString_ g) {
	store_iter *it = NULL;
	go_handle_res r = { 0 };
	r.status = store_iter_open(kv, GS(g), &it);
	r.err = go_err(r.status);
	r.handle = it;
	return r;
}

static go_pairs_res go_iter_next(void *it, size_t max) {
	GO_LIST(go_pairs_res, store_iter_next_batch((store_iter *)it, max, &r.list));
}

static void go_iter_free(void *it) { store_iter_free((store_iter *)it); }

static go_handle_res go_scope_open(store_db *db, _GoString_ ns, int64_t keys, int64_t groups, int64_t bytes) {
	store_quota q = { (uint32_t)sizeof(store_quota), keys, groups, bytes };
	store_scope *scope = NULL;
	go_handle_res r = { 0 };
	r.status = store_scope_open(db, GS(ns), &q, &scope);
	r.err = go_err(r.status);
	r.handle = scope;
	r.kv = store_scope_kv(scope);
	return r;
}

static go_res go_scope_validate(_GoString_ ns, int64_t keys, int64_t groups, int64_t bytes) {
	store_quota q = { (uint32_t)sizeof(store_quota), keys, groups, bytes };
	return go_status(store_scope_validate(GS(ns), &q));
}

static go_res go_quota_validate(int64_t keys, int64_t groups, int64_t bytes) {
	store_quota q = { (uint32_t)sizeof(store_quota), keys, groups, bytes };
	return go_status(store_quota_validate(&q));
}

static go_res go_journal_validate(_GoString_ endpoint, _GoString_ org, _GoString_ bucket) {
	return go_status(store_journal_validate(GS(endpoint), GS(org), GS(bucket)));
}

static go_res go_scope_set_quota(void *scope, int64_t keys, int64_t groups, int64_t bytes) {
	store_quota q = { (uint32_t)sizeof(store_quota), keys, groups, bytes };
	return go_status(store_scope_set_quota((store_scope *)scope, &q));
}

static void go_scope_free(void *scope) { store_scope_free((store_scope *)scope); }

static go_handle_res go_txn_begin(store_kv *kv) {
	store_txn *txn = NULL;
	go_handle_res r = { 0 };
	r.status = store_txn_begin(kv, &txn);
	r.err = go_err(r.status);
	r.handle = txn;
	r.kv = store_txn_kv(txn);
	return r;
}

static go_res go_txn_commit(void *txn) { return go_status(store_txn_commit((store_txn *)txn)); }
static go_res go_txn_rollback(void *txn) { return go_status(store_txn_rollback((store_txn *)txn)); }
static void go_txn_free(void *txn) { store_txn_free((store_txn *)txn); }

// The trampolines are exported from callbacks.go.
extern void goStoreEvent(uintptr_t handle, store_event *event);
extern void goStoreRelease(uintptr_t handle);

static void go_on_event(void *user_data, const store_event *event) {
	goStoreEvent((uintptr_t)user_data, (store_event *)event);
}

static void go_on_release(void *user_data) { goStoreRelease((uintptr_t)user_data); }

// The handle travels as an integer and becomes user_data here, so Go never
// turns an integer into an unsafe.Pointer.
static go_handle_res go_subscribe(store_kv *kv, _GoString_ g, uintptr_t handle) {
	store_subscription *sub = NULL;
	go_handle_res r = { 0 };
	r.status = store_subscribe(kv, GS(g), go_on_event, (void *)handle, go_on_release, &sub);
	r.err = go_err(r.status);
	r.handle = sub;
	return r;
}

static go_handle_res go_subscribe_watcher(store_kv *kv, _GoString_ g, uintptr_t handle) {
	store_subscription *sub = NULL;
	go_handle_res r = { 0 };
	r.status = store_subscribe_watcher(kv, GS(g), go_on_event, (void *)handle, go_on_release, &sub);
	r.err = go_err(r.status);
	r.handle = sub;
	return r;
}

static void go_unsubscribe(void *sub) {
	store_subscription *s = (store_subscription *)sub;
	store_unsubscribe(&s);
}

#endif
