/*
 * Bad input through the C ABI: NULL handles and out-parameters, NULL
 * pointers with non-zero lengths, closed handles, double close, freeing
 * NULL, invalid UTF-8 where text is required, bad options, and the static
 * name functions.
 */
#include "check.h"

#include <stdio.h>

/* A NULL handle or out-parameter: STORE_INVALID_ARGUMENT naming the NULL. */
#define CHECK_NULL_ARG(expr) CHECK_ERR(expr, STORE_INVALID_ARGUMENT, "NULL")

static const uint8_t bad_utf8[] = {'a', 0xff, 0xfe, 'b'};

static int releases;
static void count_release(void *user_data) {
    (void)user_data;
    releases++;
}
static void ignore_event(void *user_data, const store_event *event) {
    (void)user_data;
    (void)event;
}
static int commit_body(void *user_data, store_kv *txn) {
    (void)user_data;
    return store_set(txn, STORE_STR("g"), STORE_STR("k"), STORE_STR("v"));
}

static void null_handles_on_kv_functions(void) {
    store_bytes b = {0};
    store_pairs p = {0};
    store_strings s = {0};
    bool flag = false;
    int64_t n = 0;
    size_t len = 0;
    uint8_t buf[8];
    store_iter *it = NULL;
    store_txn *txn = NULL;
    store_subscription *sub = NULL;
    store_watch *w = NULL;

    CHECK(store_db_kv(NULL) == NULL);
    CHECK(store_scope_kv(NULL) == NULL);
    CHECK(store_txn_kv(NULL) == NULL);
    CHECK_NULL_ARG(store_get(NULL, STORE_STR("g"), STORE_STR("k"), &b));
    CHECK_NULL_ARG(store_get_into(NULL, STORE_STR("g"), STORE_STR("k"), buf, sizeof buf, &len, NULL));
    CHECK_NULL_ARG(store_set(NULL, STORE_STR("g"), STORE_STR("k"), STORE_STR("v")));
    CHECK_NULL_ARG(store_set_with_ttl(NULL, STORE_STR("g"), STORE_STR("k"), STORE_STR("v"), 1000));
    CHECK_NULL_ARG(store_delete(NULL, STORE_STR("g"), STORE_STR("k")));
    CHECK_NULL_ARG(store_exists(NULL, STORE_STR("g"), STORE_STR("k"), &flag));
    CHECK_NULL_ARG(store_group_exists(NULL, STORE_STR("g"), &flag));
    CHECK_NULL_ARG(store_count(NULL, STORE_STR("g"), &n));
    CHECK_NULL_ARG(store_count_all(NULL, STORE_STR("g"), &n));
    CHECK_NULL_ARG(store_delete_group(NULL, STORE_STR("g")));
    CHECK_NULL_ARG(store_delete_prefix(NULL, STORE_STR("g")));
    CHECK_NULL_ARG(store_get_all(NULL, STORE_STR("g"), &p));
    CHECK_NULL_ARG(store_get_page(NULL, STORE_STR("g"), 0, 10, &p));
    CHECK_NULL_ARG(store_groups(NULL, STORE_STR(""), &s));
    CHECK_NULL_ARG(store_get_split(NULL, STORE_STR("g"), STORE_STR("k"), STORE_STR(","), &s));
    CHECK_NULL_ARG(store_get_fields(NULL, STORE_STR("g"), STORE_STR("k"), &s));
    CHECK_NULL_ARG(store_render(NULL, STORE_STR("x"), STORE_STR("g"), &b));
    CHECK_NULL_ARG(store_purge_expired(NULL, &n));
    CHECK_NULL_ARG(store_iter_open(NULL, STORE_STR("g"), &it));
    CHECK_NULL_ARG(store_txn_begin(NULL, &txn));
    CHECK_NULL_ARG(store_scope_usage(NULL, NULL));
    CHECK_NULL_ARG(store_watch_open(NULL, STORE_STR("*"), 4, &w));
    CHECK_ERR(store_transaction(NULL, commit_body, NULL), STORE_INVALID_ARGUMENT, "NULL");
    releases = 0;
    CHECK_NULL_ARG(store_subscribe(NULL, STORE_STR("*"), ignore_event, NULL, count_release, &sub));
    CHECK_INT(releases, 1);
    /* Nothing was written to the out-parameters. */
    CHECK(b.ptr == NULL && p.items == NULL && s.items == NULL && it == NULL && txn == NULL && sub == NULL && w == NULL);
    CHECK(!flag);
    CHECK_INT(n, 0);
}

static void null_out_params(void) {
    OPEN_MEMORY(db);
    store_kv *kv = store_db_kv(db);
    uint8_t buf[4];
    size_t len = 0;
    SET(kv, "g", "k", "v");
    CHECK_NULL_ARG(store_open(STORE_STR(":memory:"), NULL, NULL));
    CHECK_NULL_ARG(store_get(kv, STORE_STR("g"), STORE_STR("k"), NULL));
    CHECK_NULL_ARG(store_get_into(kv, STORE_STR("g"), STORE_STR("k"), buf, sizeof buf, NULL, NULL));
    CHECK_ERR(store_get_into(kv, STORE_STR("g"), STORE_STR("k"), NULL, 4, &len, NULL), STORE_INVALID_ARGUMENT,
              "buf is NULL");
    CHECK_NULL_ARG(store_exists(kv, STORE_STR("g"), STORE_STR("k"), NULL));
    CHECK_NULL_ARG(store_group_exists(kv, STORE_STR("g"), NULL));
    CHECK_NULL_ARG(store_count(kv, STORE_STR("g"), NULL));
    CHECK_NULL_ARG(store_count_all(kv, STORE_STR("g"), NULL));
    CHECK_NULL_ARG(store_get_all(kv, STORE_STR("g"), NULL));
    CHECK_NULL_ARG(store_get_page(kv, STORE_STR("g"), 0, 1, NULL));
    CHECK_NULL_ARG(store_groups(kv, STORE_STR(""), NULL));
    CHECK_NULL_ARG(store_get_split(kv, STORE_STR("g"), STORE_STR("k"), STORE_STR(","), NULL));
    CHECK_NULL_ARG(store_get_fields(kv, STORE_STR("g"), STORE_STR("k"), NULL));
    CHECK_NULL_ARG(store_render(kv, STORE_STR("x"), STORE_STR("g"), NULL));
    CHECK_NULL_ARG(store_iter_open(kv, STORE_STR("g"), NULL));
    CHECK_NULL_ARG(store_txn_begin(kv, NULL));
    CHECK_NULL_ARG(store_watch_open(kv, STORE_STR("*"), 1, NULL));
    CHECK_NULL_ARG(store_scope_open(db, STORE_STR("ns"), NULL, NULL));
    CHECK_NULL_ARG(store_database_path(db, NULL));
    CHECK_NULL_ARG(store_get_options(db, NULL));
    CHECK_NULL_ARG(store_options_normalise(NULL));
    releases = 0;
    CHECK_NULL_ARG(store_subscribe(kv, STORE_STR("*"), ignore_event, NULL, count_release, NULL));
    CHECK_INT(releases, 1);
    /* A NULL out_removed is allowed. */
    CHECK_OK(store_purge_expired(kv, NULL));
    /* The writes above must not have happened through a failed call. */
    CHECK_COUNT(kv, "g", 1);
    store_free(db);
}

static void null_other_handles(void) {
    store_event ev = STORE_EVENT_INIT;
    store_slice sl;
    store_quota q = STORE_QUOTA_INIT;
    store_usage u = STORE_USAGE_INIT;
    store_pairs p = {0};
    store_scope *scope = NULL;
    bool has_row = false;
    CHECK_NULL_ARG(store_close(NULL));
    CHECK(store_is_closed(NULL));
    CHECK_NULL_ARG(store_database_path(NULL, &sl));
    CHECK_NULL_ARG(store_get_options(NULL, NULL));
    CHECK_NULL_ARG(store_watch_next(NULL, 0, &ev));
    CHECK_INT(store_watch_dropped(NULL), 0);
    CHECK_NULL_ARG(store_iter_next(NULL, &sl, &sl, &has_row));
    CHECK_NULL_ARG(store_iter_next_batch(NULL, 0, &p));
    CHECK_NULL_ARG(store_txn_commit(NULL));
    CHECK_NULL_ARG(store_txn_rollback(NULL));
    CHECK_NULL_ARG(store_scope_open(NULL, STORE_STR("ns"), NULL, &scope));
    CHECK(scope == NULL);
    CHECK_NULL_ARG(store_scope_namespace(NULL, &sl));
    CHECK_NULL_ARG(store_scope_get_quota(NULL, &q));
    CHECK_NULL_ARG(store_scope_set_quota(NULL, &q));
    CHECK_NULL_ARG(store_scope_usage(NULL, &u));
}

static void null_pointer_with_length(void) {
    OPEN_MEMORY(db);
    store_kv *kv = store_db_kv(db);
    store_bytes b = {0};
    store_strings s = {0};
    store_db *other = NULL;
    store_scope *scope = NULL;
    CHECK_ERR(store_set(kv, NULL, 3, STORE_STR("k"), STORE_STR("v")), STORE_INVALID_ARGUMENT,
              "group is NULL but its length is 3");
    CHECK_ERR(store_set(kv, STORE_STR("g"), NULL, 1, STORE_STR("v")), STORE_INVALID_ARGUMENT, "key is NULL");
    CHECK_ERR(store_set(kv, STORE_STR("g"), STORE_STR("k"), NULL, 2), STORE_INVALID_ARGUMENT, "value is NULL");
    CHECK_ERR(store_set_with_ttl(kv, STORE_STR("g"), STORE_STR("k"), NULL, 5, 1000), STORE_INVALID_ARGUMENT,
              "value is NULL");
    CHECK_ERR(store_get(kv, NULL, 1, STORE_STR("k"), &b), STORE_INVALID_ARGUMENT, "group is NULL");
    CHECK_ERR(store_count_all(kv, NULL, 9, &(int64_t){0}), STORE_INVALID_ARGUMENT, "prefix is NULL");
    CHECK_ERR(store_get_split(kv, STORE_STR("g"), STORE_STR("k"), NULL, 1, &s), STORE_INVALID_ARGUMENT,
              "separator is NULL");
    CHECK_ERR(store_render(kv, NULL, 4, STORE_STR("g"), &b), STORE_INVALID_ARGUMENT, "NULL");
    CHECK_ERR(store_open(NULL, 5, NULL, &other), STORE_INVALID_ARGUMENT, "path is NULL");
    CHECK_ERR(store_scope_open(db, NULL, 2, NULL, &scope), STORE_INVALID_ARGUMENT, "namespace is NULL");
    CHECK(other == NULL && scope == NULL);
    CHECK_COUNT(kv, "g", 0);
    store_free(db);
}

/* NULL with length 0 is the empty string, for groups, keys and values. */
static void null_with_zero_length_is_empty(void) {
    OPEN_MEMORY(db);
    store_kv *kv = store_db_kv(db);
    store_bytes b = {0};
    int64_t n = -1;
    CHECK_OK(store_set(kv, NULL, 0, NULL, 0, NULL, 0));
    CHECK_OK(store_get(kv, NULL, 0, NULL, 0, &b));
    CHECK(b.ptr != NULL);
    CHECK_INT(b.len, 0);
    CHECK_INT(b.ptr[0], 0);
    store_bytes_free(&b);
    CHECK_GET(kv, "", "", "");
    CHECK_OK(store_count(kv, NULL, 0, &n));
    CHECK_INT(n, 1);
    CHECK_COUNT_ALL(kv, 1, NULL, 0);
    CHECK_OK(store_delete(kv, NULL, 0, NULL, 0));
    CHECK_MISSING(kv, "", "");
    store_free(db);
}

static void closed_store_fails_every_operation(void) {
    OPEN_MEMORY(db);
    store_kv *kv = store_db_kv(db);
    store_bytes b = {0};
    store_pairs p = {0};
    store_strings s = {0};
    bool flag;
    int64_t n;
    size_t len;
    uint8_t buf[4];
    store_iter *it = NULL;
    store_txn *txn = NULL;
    store_subscription *sub = NULL;
    store_options o;
    store_slice path;

    SET(kv, "g", "k", "v");
    CHECK(!store_is_closed(db));
    CHECK_OK(store_close(db));
    CHECK(store_is_closed(db));
    CHECK_OK(store_close(db)); /* idempotent */
    CHECK_ERR(store_get(kv, STORE_STR("g"), STORE_STR("k"), &b), STORE_CLOSED, "store.Get: store is closed");
    CHECK_STATUS(store_get_into(kv, STORE_STR("g"), STORE_STR("k"), buf, sizeof buf, &len, NULL), STORE_CLOSED);
    CHECK_ERR(store_set(kv, STORE_STR("g"), STORE_STR("k"), STORE_STR("v")), STORE_CLOSED, "store is closed");
    CHECK_STATUS(store_set_with_ttl(kv, STORE_STR("g"), STORE_STR("k"), STORE_STR("v"), 10), STORE_CLOSED);
    CHECK_STATUS(store_delete(kv, STORE_STR("g"), STORE_STR("k")), STORE_CLOSED);
    CHECK_STATUS(store_exists(kv, STORE_STR("g"), STORE_STR("k"), &flag), STORE_CLOSED);
    CHECK_STATUS(store_group_exists(kv, STORE_STR("g"), &flag), STORE_CLOSED);
    CHECK_STATUS(store_count(kv, STORE_STR("g"), &n), STORE_CLOSED);
    CHECK_STATUS(store_count_all(kv, STORE_STR(""), &n), STORE_CLOSED);
    CHECK_STATUS(store_delete_group(kv, STORE_STR("g")), STORE_CLOSED);
    CHECK_STATUS(store_delete_prefix(kv, STORE_STR("")), STORE_CLOSED);
    CHECK_STATUS(store_get_all(kv, STORE_STR("g"), &p), STORE_CLOSED);
    CHECK_STATUS(store_get_page(kv, STORE_STR("g"), 0, 5, &p), STORE_CLOSED);
    CHECK_STATUS(store_get_page(kv, STORE_STR("g"), 0, 0, &p), STORE_CLOSED);
    CHECK_STATUS(store_groups(kv, STORE_STR(""), &s), STORE_CLOSED);
    CHECK_STATUS(store_get_split(kv, STORE_STR("g"), STORE_STR("k"), STORE_STR(","), &s), STORE_CLOSED);
    CHECK_STATUS(store_get_fields(kv, STORE_STR("g"), STORE_STR("k"), &s), STORE_CLOSED);
    CHECK_STATUS(store_render(kv, STORE_STR("{{ k }}"), STORE_STR("g"), &b), STORE_CLOSED);
    CHECK_STATUS(store_purge_expired(kv, &n), STORE_CLOSED);
    CHECK_STATUS(store_txn_begin(kv, &txn), STORE_CLOSED);
    CHECK_STATUS(store_transaction(kv, commit_body, NULL), STORE_CLOSED);
    releases = 0;
    CHECK_STATUS(store_subscribe(kv, STORE_STR("*"), ignore_event, NULL, count_release, &sub), STORE_CLOSED);
    CHECK_INT(releases, 1);
    /* An iterator opened on a closed store fails on first use. */
    {
        store_status st = store_iter_open(kv, STORE_STR("g"), &it);
        bool has_row = true;
        if (st == STORE_OK) {
            st = store_iter_next(it, NULL, NULL, &has_row);
            store_iter_free(it);
        }
        CHECK_INT(st, STORE_CLOSED);
    }
    CHECK(b.ptr == NULL && p.items == NULL && s.items == NULL && txn == NULL && sub == NULL);
    /* Accessors keep working after close. */
    CHECK_OK(store_database_path(db, &path));
    CHECK_SLICE(path, ":memory:");
    CHECK_OK(store_options_init(&o, sizeof o));
    CHECK_OK(store_get_options(db, &o));
    CHECK_INT(o.purge_interval_ms, 60000);
    store_free(db);
}

static void closed_scope_txn_iter_watch(void) {
    OPEN_MEMORY(db);
    store_kv *kv = store_db_kv(db);
    store_scope *scope = NULL;
    store_txn *txn = NULL;
    store_iter *it = NULL;
    store_watch *w = NULL;
    store_slice key, value;
    store_event ev = STORE_EVENT_INIT;
    store_usage u = STORE_USAGE_INIT;
    bool has_row = false;
    int i;

    for (i = 0; i < 300; i++) {
        char k[16];
        snprintf(k, sizeof k, "k%03d", i);
        SET(kv, "g", k, "v");
    }
    CHECK_OK(store_scope_open(db, STORE_STR("tenant"), NULL, &scope));
    SET(store_scope_kv(scope), "g", "k", "v");
    CHECK_OK(store_iter_open(kv, STORE_STR("g"), &it));
    CHECK_OK(store_iter_next(it, &key, &value, &has_row));
    CHECK(has_row);
    CHECK_SLICE(key, "k000");
    CHECK_OK(store_watch_open(kv, STORE_STR("*"), 4, &w));
    SET(kv, "g", "after-watch", "v");
    CHECK_OK(store_txn_begin(store_scope_kv(scope), &txn));
    SET(store_txn_kv(txn), "g", "pending", "v");

    CHECK_OK(store_close(db));
    /* Scope */
    CHECK_ERR(store_set(store_scope_kv(scope), STORE_STR("g"), STORE_STR("k"), STORE_STR("v")), STORE_CLOSED,
              "store is closed");
    CHECK_STATUS(store_scope_usage(store_scope_kv(scope), &u), STORE_CLOSED);
    /* Transaction: rolled back by the close; every later use fails. */
    CHECK_STATUS(store_set(store_txn_kv(txn), STORE_STR("g"), STORE_STR("k2"), STORE_STR("v")), STORE_CLOSED);
    CHECK_STATUS(store_txn_commit(txn), STORE_CLOSED);
    CHECK_STATUS(store_txn_rollback(txn), STORE_CLOSED);
    /* Iterator: the next page cannot be read (256 rows were buffered). */
    for (i = 1; i < 256; i++) CHECK_OK(store_iter_next(it, &key, NULL, &has_row));
    CHECK_STATUS(store_iter_next(it, &key, &value, &has_row), STORE_CLOSED);
    /* Watch: buffered event first, then closed. */
    CHECK_OK(store_watch_next(w, 0, &ev));
    CHECK_SLICE(ev.key, "after-watch");
    CHECK_ERR(store_watch_next(w, 0, &ev), STORE_CLOSED, "closed");
    CHECK_STATUS(store_watch_next(w, 1000, &ev), STORE_CLOSED);
    /* A watch opened on a closed store starts closed. */
    store_watch_free(w);
    w = NULL;
    CHECK_OK(store_watch_open(kv, STORE_STR("*"), 4, &w));
    CHECK_STATUS(store_watch_next(w, -1, &ev), STORE_CLOSED);

    store_watch_free(w);
    store_txn_free(txn);
    store_iter_free(it);
    /* Freeing the store before its dependants is allowed too. */
    store_free(db);
    CHECK_STATUS(store_count(store_scope_kv(scope), STORE_STR("g"), &(int64_t){0}), STORE_CLOSED);
    store_scope_free(scope);
}

static void double_close_and_free_null(void) {
    OPEN_MEMORY(db);
    store_kv *kv = store_db_kv(db);
    store_txn *txn = NULL;
    store_watch *w = NULL;
    store_bytes b = {0};
    store_pairs p = {0};
    store_strings s = {0};

    CHECK_OK(store_watch_open(kv, STORE_STR("*"), 1, &w));
    store_watch_close(w);
    store_watch_close(w);
    store_watch_close(NULL);
    CHECK_STATUS(store_watch_next(w, 0, &(store_event)STORE_EVENT_INIT), STORE_CLOSED);
    store_watch_free(w);

    CHECK_OK(store_txn_begin(kv, &txn));
    CHECK_OK(store_txn_commit(txn));
    CHECK_ERR(store_txn_commit(txn), STORE_CLOSED, "already been committed or rolled back");
    CHECK_ERR(store_txn_rollback(txn), STORE_CLOSED, "already been committed or rolled back");
    store_txn_free(txn);

    SET(kv, "g", "k", "v");
    CHECK_OK(store_get(kv, STORE_STR("g"), STORE_STR("k"), &b));
    store_bytes_free(&b);
    CHECK(b.ptr == NULL && b.len == 0);
    store_bytes_free(&b); /* zeroed: ignored */
    CHECK_OK(store_get_all(kv, STORE_STR("g"), &p));
    store_pairs_free(&p);
    CHECK(p.items == NULL && p.internal == NULL);
    store_pairs_free(&p);
    CHECK_OK(store_groups(kv, STORE_STR(""), &s));
    store_strings_free(&s);
    CHECK(s.items == NULL && s.internal == NULL);
    store_strings_free(&s);

    store_bytes_free(NULL);
    store_pairs_free(NULL);
    store_strings_free(NULL);
    store_iter_free(NULL);
    store_txn_free(NULL);
    store_watch_free(NULL);
    store_scope_free(NULL);
    store_unsubscribe(NULL);
    store_free(NULL);
    CHECK_NULL_ARG(store_options_init(NULL, sizeof(store_options)));

    CHECK_OK(store_close(db));
    CHECK_OK(store_close(db));
    store_free(db);
}

static void invalid_utf8_text(void) {
    OPEN_MEMORY(db);
    store_kv *kv = store_db_kv(db);
    store_db *other = NULL;
    store_scope *scope = NULL;
    store_bytes b = {0};
    store_options o;

    CHECK_ERR(store_open(bad_utf8, sizeof bad_utf8, NULL, &other), STORE_INVALID_ARGUMENT, "path is not valid UTF-8");
    CHECK_ERR(store_options_validate(bad_utf8, sizeof bad_utf8, NULL), STORE_INVALID_ARGUMENT, "UTF-8");
    CHECK_ERR(store_scope_open(db, bad_utf8, sizeof bad_utf8, NULL, &scope), STORE_INVALID_ARGUMENT, "UTF-8");
    CHECK_ERR(store_scope_validate(bad_utf8, sizeof bad_utf8, NULL), STORE_INVALID_ARGUMENT, "namespace");
    SET(kv, "g", "k", "v");
    CHECK_ERR(store_render(kv, bad_utf8, sizeof bad_utf8, STORE_STR("g"), &b), STORE_INVALID_ARGUMENT, "UTF-8");
    store_options_init(&o, sizeof o);
    o.workspace_state_directory.ptr = bad_utf8;
    o.workspace_state_directory.len = sizeof bad_utf8;
    CHECK_ERR(store_open(STORE_STR(":memory:"), &o, &other), STORE_INVALID_ARGUMENT, "workspace_state_directory");
    CHECK_ERR(store_options_normalise(&o), STORE_INVALID_ARGUMENT, "UTF-8");
    store_options_init(&o, sizeof o);
    o.journal_bucket_name.ptr = bad_utf8;
    o.journal_bucket_name.len = sizeof bad_utf8;
    CHECK_ERR(store_open(STORE_STR(":memory:"), &o, &other), STORE_INVALID_ARGUMENT, "journal_bucket_name");
    CHECK(other == NULL && scope == NULL && b.ptr == NULL);
    /* Byte strings, unlike text, accept it. */
    CHECK_OK(store_set(store_db_kv(db), bad_utf8, sizeof bad_utf8, bad_utf8, sizeof bad_utf8, bad_utf8,
                       sizeof bad_utf8));
    store_free(db);
}

static void bad_options(void) {
    store_options o;
    store_db *db = NULL;

    store_options_init(&o, sizeof o);
    CHECK_INT(o.struct_size, sizeof(store_options));
    CHECK_INT(o.synchronous, STORE_SYNC_DEFAULT);
    o.struct_size = 8;
    CHECK_ERR(store_open(STORE_STR(":memory:"), &o, &db), STORE_INVALID_ARGUMENT, "struct_size is 8");
    CHECK_ERR(store_options_validate(STORE_STR(":memory:"), &o), STORE_INVALID_ARGUMENT, "struct_size");
    store_options_init(&o, sizeof o);
    o.synchronous = 99;
    CHECK_ERR(store_open(STORE_STR(":memory:"), &o, &db), STORE_INVALID_ARGUMENT, "synchronous 99");
    store_options_init(&o, sizeof o);
    o.purge_interval_ms = -1;
    CHECK_ERR(store_open(STORE_STR(":memory:"), &o, &db), STORE_INVALID_ARGUMENT, "purge interval must be zero or positive");
    CHECK_ERR(store_open(STORE_STR(""), NULL, &db), STORE_INVALID_ARGUMENT, "database path is empty");
    store_options_init(&o, sizeof o);
    o.journal_endpoint_url.ptr = (const uint8_t *)"http://127.0.0.1:8086";
    o.journal_endpoint_url.len = strlen("http://127.0.0.1:8086");
    CHECK_ERR(store_options_validate(STORE_STR(":memory:"), &o), STORE_INVALID_ARGUMENT, "organisation is empty");
    CHECK_ERR(store_open(STORE_STR(":memory:"), &o, &db), STORE_INVALID_ARGUMENT, "journal config");
    CHECK(db == NULL);
    CHECK_OK(store_options_validate(STORE_STR(":memory:"), NULL));
    /* Normalising fills the documented defaults. */
    store_options_init(&o, sizeof o);
    o.workspace_state_directory.ptr = (const uint8_t *)".core/state///";
    o.workspace_state_directory.len = strlen(".core/state///");
    CHECK_OK(store_options_normalise(&o));
    CHECK_INT(o.purge_interval_ms, 60000);
    CHECK_SLICE(o.workspace_state_directory, ".core/state");
}

/* SQLite says only "unable to open database file"; the message adds what the
 * file system shows is wrong, and the handle stays unwritten. */
static void unopenable_paths_say_why(void) {
    char path[600], want[600];
    store_db *db = NULL;
    check_path(path, sizeof path, "no/such/app.db");
    snprintf(want, sizeof want, "directory does not exist: %s/no/such", check_tmpdir());
    CHECK_ERR(store_open(STORE_STR(path), NULL, &db), STORE_IO, want);
    CHECK_ERR(store_open(STORE_STR(path), NULL, &db), STORE_IO, "store.New: open database: unable to open database file");
    CHECK(db == NULL);
    snprintf(want, sizeof want, "is a directory, not a database file: %s", check_tmpdir());
    CHECK_ERR(store_open(STORE_STR(check_tmpdir()), NULL, &db), STORE_IO, want);
    CHECK(db == NULL);
}

static void bad_values_and_wrong_handle_kinds(void) {
    OPEN_MEMORY(db);
    store_kv *kv = store_db_kv(db);
    store_scope *scope = NULL;
    store_txn *txn = NULL, *nested = NULL;
    store_quota neg = {(uint32_t)sizeof(store_quota), -1, 0, 0};
    store_usage u = STORE_USAGE_INIT;
    store_subscription *sub = NULL;
    store_watch *w = NULL;

    CHECK_ERR(store_scope_open(db, STORE_STR("ns"), &neg, &scope), STORE_INVALID_ARGUMENT, "zero or positive");
    CHECK_ERR(store_scope_validate(STORE_STR("ns"), &neg), STORE_INVALID_ARGUMENT, "zero or positive");
    CHECK_OK(store_scope_open(db, STORE_STR("ns"), NULL, &scope));
    CHECK_ERR(store_scope_set_quota(scope, &neg), STORE_INVALID_ARGUMENT, "zero or positive");
    CHECK_NULL_ARG(store_scope_set_quota(scope, NULL));
    CHECK_ERR(store_scope_usage(kv, &u), STORE_INVALID_ARGUMENT, "scoped");
    CHECK_ERR(store_transaction(kv, NULL, NULL), STORE_INVALID_ARGUMENT, "operation is nil");
    CHECK_OK(store_txn_begin(kv, &txn));
    CHECK_ERR(store_txn_begin(store_txn_kv(txn), &nested), STORE_INVALID_ARGUMENT, "do not nest");
    releases = 0;
    CHECK_STATUS(store_subscribe(store_txn_kv(txn), STORE_STR("*"), ignore_event, NULL, count_release, &sub),
                 STORE_INVALID_ARGUMENT);
    CHECK_INT(releases, 1);
    CHECK_STATUS(store_watch_open(store_txn_kv(txn), STORE_STR("*"), 1, &w), STORE_INVALID_ARGUMENT);
    CHECK_ERR(store_count(kv, STORE_STR("g"), &(int64_t){0}), STORE_BUSY, "transaction is open");
    CHECK_OK(store_txn_rollback(txn));
    CHECK(nested == NULL && sub == NULL && w == NULL);
    store_txn_free(txn);
    store_scope_free(scope);
    store_free(db);
}

static void status_and_kind_names(void) {
    static const char *const names[] = {
        "STORE_OK",     "STORE_NOT_FOUND", "STORE_QUOTA_EXCEEDED", "STORE_CLOSED",
        "STORE_INVALID_ARGUMENT", "STORE_BUSY", "STORE_IO", "STORE_CORRUPT",
        "STORE_QUERY",  "STORE_TEMPLATE",  "STORE_INTERNAL",       "STORE_TIMEOUT",
        "STORE_ABORTED",
    };
    uint32_t i;
    for (i = 0; i < sizeof names / sizeof names[0]; i++) CHECK(strcmp(store_status_str(i), names[i]) == 0);
    CHECK_INT(STORE_TIMEOUT, 11);
    CHECK_INT(STORE_ABORTED, 12);
    CHECK(strcmp(store_status_str(13), "STORE_UNKNOWN") == 0);
    CHECK(strcmp(store_status_str(0xffffffffu), "STORE_UNKNOWN") == 0);
    CHECK(strcmp(store_event_kind_str(STORE_EVENT_SET), "set") == 0);
    CHECK(strcmp(store_event_kind_str(STORE_EVENT_DELETE), "delete") == 0);
    CHECK(strcmp(store_event_kind_str(STORE_EVENT_DELETE_GROUP), "delete_group") == 0);
    CHECK(strcmp(store_event_kind_str(3), "unknown") == 0);
    CHECK(strcmp(store_event_kind_str(99), "unknown") == 0);
}

static void last_error_is_per_call(void) {
    OPEN_MEMORY(db);
    store_kv *kv = store_db_kv(db);
    store_bytes b = {0};
    CHECK_ERR(store_get(kv, STORE_STR("g"), STORE_STR("k"), &b), STORE_NOT_FOUND, "g/k");
    SET(kv, "g", "k", "v");
    CHECK(strcmp(store_last_error(), "") == 0);
    store_free(db);
}

int main(int argc, char **argv) {
    static const check_test tests[] = {
        TEST(null_handles_on_kv_functions),
        TEST(null_out_params),
        TEST(null_other_handles),
        TEST(null_pointer_with_length),
        TEST(null_with_zero_length_is_empty),
        TEST(closed_store_fails_every_operation),
        TEST(closed_scope_txn_iter_watch),
        TEST(double_close_and_free_null),
        TEST(invalid_utf8_text),
        TEST(bad_options),
        TEST(unopenable_paths_say_why),
        TEST(bad_values_and_wrong_handle_kinds),
        TEST(status_and_kind_names),
        TEST(last_error_is_per_call),
    };
    return check_run("args", tests, sizeof tests / sizeof tests[0], argc, argv);
}
