/*
 * Transactions through the C ABI (contract §17.6 and issue 3):
 * read-your-writes, events after commit in order and never after rollback,
 * use after commit, other threads waiting instead of failing, store close
 * rolling back, scoped quotas against pending writes, and the
 * store_transaction callback form.
 */
#include "check.h"

#include <pthread.h>
#include <stdio.h>

static void reads_see_pending_writes(void) {
    OPEN_MEMORY(db);
    store_kv *kv = store_db_kv(db);
    store_txn *txn = NULL;
    store_kv *t;
    store_strings s = {0};
    store_pairs p = {0};
    store_bytes b = {0};
    bool found = false;
    SET(kv, "config", "old", "x");
    CHECK_OK(store_txn_begin(kv, &txn));
    t = store_txn_kv(txn);
    SET(t, "config", "colour", "blue");
    SET(t, "config", "list", "a,b c");
    SET(t, "audit", "k", "v");
    CHECK_OK(store_delete(t, STORE_STR("config"), STORE_STR("old")));
    CHECK_GET(t, "config", "colour", "blue");
    CHECK_MISSING(t, "config", "old");
    CHECK_OK(store_exists(t, STORE_STR("config"), STORE_STR("colour"), &found));
    CHECK(found);
    CHECK_OK(store_group_exists(t, STORE_STR("audit"), &found));
    CHECK(found);
    CHECK_COUNT_ALL(t, 3, NULL, 0);
    CHECK_OK(store_groups(t, NULL, 0, &s));
    CHECK_STRINGS(&s, "audit", "config");
    store_strings_free(&s);
    CHECK_OK(store_get_all(t, STORE_STR("config"), &p));
    CHECK_INT(p.len, 2);
    store_pairs_free(&p);
    CHECK_OK(store_render(t, STORE_STR("{{ .colour }}"), STORE_STR("config"), &b));
    CHECK_BYTES(b.ptr, b.len, "blue");
    store_bytes_free(&b);
    CHECK_OK(store_get_split(t, STORE_STR("config"), STORE_STR("list"), STORE_STR(","), &s));
    CHECK_STRINGS(&s, "a", "b c");
    store_strings_free(&s);
    CHECK_OK(store_get_fields(t, STORE_STR("config"), STORE_STR("list"), &s));
    CHECK_STRINGS(&s, "a,b", "c");
    store_strings_free(&s);
    CHECK_ERR(store_get(t, STORE_STR("config"), STORE_STR("nope"), &b), STORE_NOT_FOUND,
              "store.Transaction.Get: config/nope");
    CHECK_OK(store_txn_commit(txn));
    store_txn_free(txn);
    CHECK_GET(kv, "config", "colour", "blue");
    CHECK_MISSING(kv, "config", "old");
    store_free(db);
}

static void events_after_commit_never_after_rollback(void) {
    OPEN_MEMORY(db);
    store_kv *kv = store_db_kv(db);
    store_txn *txn = NULL;
    store_watch *w = NULL;
    store_event ev = STORE_EVENT_INIT;
    int64_t removed = -1;
    CHECK_OK(store_watch_open(kv, STORE_STR("*"), 16, &w));
    CHECK_OK(store_set_with_ttl(kv, STORE_STR("g"), STORE_STR("exp"), STORE_STR("x"), 1));
    CHECK_EVENT(w, STORE_EVENT_SET, "g", "exp");
    check_sleep_ms(5);

    CHECK_OK(store_txn_begin(kv, &txn));
    SET(store_txn_kv(txn), "g", "a", "1");
    SET(store_txn_kv(txn), "g", "b", "2");
    CHECK_OK(store_purge_expired(store_txn_kv(txn), &removed));
    CHECK_INT(removed, 1);
    CHECK_OK(store_delete_prefix(store_txn_kv(txn), STORE_STR("zz")));
    CHECK_STATUS(store_watch_next(w, 0, &ev), STORE_TIMEOUT); /* staged, not sent */
    CHECK_OK(store_txn_commit(txn));
    store_txn_free(txn);
    CHECK_EVENT(w, STORE_EVENT_SET, "g", "a");
    CHECK_EVENT(w, STORE_EVENT_SET, "g", "b");
    CHECK_EVENT(w, STORE_EVENT_DELETE, "g", "exp");
    CHECK_STATUS(store_watch_next(w, 0, &ev), STORE_TIMEOUT);

    CHECK_OK(store_txn_begin(kv, &txn));
    SET(store_txn_kv(txn), "g", "c", "3");
    CHECK_OK(store_delete_group(store_txn_kv(txn), STORE_STR("g")));
    CHECK_OK(store_txn_rollback(txn));
    store_txn_free(txn);
    CHECK_STATUS(store_watch_next(w, 0, &ev), STORE_TIMEOUT);
    CHECK_GET(kv, "g", "a", "1");
    CHECK_MISSING(kv, "g", "c");

    /* Freeing an open transaction rolls it back, silently. */
    CHECK_OK(store_txn_begin(kv, &txn));
    SET(store_txn_kv(txn), "g", "d", "4");
    store_txn_free(txn);
    CHECK_MISSING(kv, "g", "d");
    CHECK_STATUS(store_watch_next(w, 0, &ev), STORE_TIMEOUT);
    store_watch_free(w);
    store_free(db);
}

static void handle_after_commit_fails(void) {
    OPEN_MEMORY(db);
    store_kv *kv = store_db_kv(db);
    store_txn *txn = NULL;
    store_bytes b = {0};
    CHECK_OK(store_txn_begin(kv, &txn));
    SET(store_txn_kv(txn), "g", "k", "v");
    CHECK_OK(store_txn_commit(txn));
    CHECK_ERR(store_set(store_txn_kv(txn), STORE_STR("g"), STORE_STR("k2"), STORE_STR("v")), STORE_CLOSED,
              "already been committed or rolled back");
    CHECK_ERR(store_get(store_txn_kv(txn), STORE_STR("g"), STORE_STR("k"), &b), STORE_CLOSED, "committed");
    CHECK_STATUS(store_txn_commit(txn), STORE_CLOSED);
    store_txn_free(txn);
    /* The store itself is usable again, and a new transaction works. */
    SET(kv, "g", "k3", "v");
    CHECK_OK(store_txn_begin(kv, &txn));
    CHECK_OK(store_txn_rollback(txn));
    CHECK_ERR(store_set(store_txn_kv(txn), STORE_STR("g"), STORE_STR("k"), STORE_STR("v")), STORE_CLOSED,
              "rolled back");
    store_txn_free(txn);
    store_free(db);
}

/* Another thread's write waits for the open transaction, then succeeds. */
typedef struct waiter {
    store_kv *kv;
    store_status status;
    int64_t done_at;
} waiter;

static void *write_while_txn_open(void *arg) {
    waiter *w = arg;
    w->status = store_set(w->kv, STORE_STR("g"), STORE_STR("from-thread"), STORE_STR("v"));
    w->done_at = check_now_ms();
    return NULL;
}

static void other_thread_waits_for_transaction(void) {
    int file;
    for (file = 0; file < 2; file++) {
        char path[600];
        store_db *db = check_open(__FILE__, __LINE__, file ? check_path(path, sizeof path, "wait.db") : ":memory:",
                                  STORE_SYNC_OFF);
        store_txn *txn = NULL;
        waiter w;
        pthread_t t;
        int64_t committed_at;
        CHECK(db != NULL);
        w.kv = store_db_kv(db);
        w.status = STORE_INTERNAL;
        w.done_at = 0;
        CHECK_OK(store_txn_begin(w.kv, &txn));
        SET(store_txn_kv(txn), "g", "in-txn", "v");
        CHECK(pthread_create(&t, NULL, write_while_txn_open, &w) == 0);
        check_sleep_ms(150);
        committed_at = check_now_ms();
        CHECK_OK(store_txn_commit(txn));
        pthread_join(t, NULL);
        CHECK_OK(w.status);
        CHECK(w.done_at >= committed_at);
        CHECK_GET(w.kv, "g", "from-thread", "v");
        CHECK_GET(w.kv, "g", "in-txn", "v");
        store_txn_free(txn);
        store_free(db);
    }
}

static void close_rolls_back_open_transaction(void) {
    char path[600];
    store_txn *txn = NULL;
    check_path(path, sizeof path, "close-txn.db");
    {
        OPEN_FILE(db, path, STORE_SYNC_OFF);
        SET(store_db_kv(db), "g", "committed", "v");
        CHECK_OK(store_txn_begin(store_db_kv(db), &txn));
        SET(store_txn_kv(txn), "g", "pending", "v");
        CHECK_OK(store_close(db));
        CHECK_STATUS(store_txn_commit(txn), STORE_CLOSED);
        store_txn_free(txn);
        store_free(db);
    }
    {
        OPEN_FILE(db, path, STORE_SYNC_OFF);
        CHECK_GET(store_db_kv(db), "g", "committed", "v");
        CHECK_MISSING(store_db_kv(db), "g", "pending");
        store_free(db);
    }
}

static void scoped_transaction_quota_counts_pending(void) {
    store_quota q = {(uint32_t)sizeof(store_quota), 2, 0, 0};
    store_scope *scope = NULL;
    store_txn *txn = NULL;
    store_usage u = STORE_USAGE_INIT;
    store_strings s = {0};
    OPEN_MEMORY(db);
    CHECK_OK(store_scope_open(db, STORE_STR("tenant-a"), &q, &scope));
    CHECK_OK(store_txn_begin(store_scope_kv(scope), &txn));
    SET(store_txn_kv(txn), STORE_DEFAULT_GROUP, "a", "1");
    SET(store_txn_kv(txn), "preferences", "b", "2");
    CHECK_OK(store_scope_usage(store_txn_kv(txn), &u));
    CHECK_INT(u.keys, 2);
    CHECK_INT(u.groups, 2);
    CHECK_ERR(store_set(store_txn_kv(txn), STORE_STR("preferences"), STORE_STR("c"), STORE_STR("3")),
              STORE_QUOTA_EXCEEDED, "store.ScopedStoreTransaction");
    CHECK_OK(store_groups(store_txn_kv(txn), NULL, 0, &s));
    CHECK_STRINGS(&s, "default", "preferences");
    store_strings_free(&s);
    CHECK_OK(store_txn_commit(txn));
    store_txn_free(txn);
    CHECK_GET(store_db_kv(db), "tenant-a:default", "a", "1");
    CHECK_GET(store_db_kv(db), "tenant-a:preferences", "b", "2");
    CHECK_OK(store_scope_usage(store_scope_kv(scope), &u));
    CHECK_INT(u.keys, 2);
    store_scope_free(scope);
    store_free(db);
}

/* store_transaction: commit on STORE_OK, roll back and pass the status on otherwise. */
typedef struct body_state {
    int calls;
    bool exceed;
} body_state;

static int scoped_body(void *user_data, store_kv *txn) {
    body_state *b = user_data;
    store_status st;
    b->calls++;
    if ((st = store_set(txn, STORE_STR("g"), STORE_STR("one"), STORE_STR("1"))) != STORE_OK) return st;
    if ((st = store_set(txn, STORE_STR("g"), STORE_STR("two"), STORE_STR("2"))) != STORE_OK) return st;
    if (b->exceed) return store_set(txn, STORE_STR("g"), STORE_STR("three"), STORE_STR("3"));
    return STORE_OK;
}

static int failing_body(void *user_data, store_kv *txn) {
    (void)user_data;
    store_set(txn, STORE_STR("g"), STORE_STR("k"), STORE_STR("v"));
    return STORE_NOT_FOUND;
}

static void transaction_callback_form(void) {
    store_quota q = {(uint32_t)sizeof(store_quota), 2, 0, 0};
    store_scope *scope = NULL;
    store_watch *w = NULL;
    body_state b = {0, true};
    OPEN_MEMORY(db);
    CHECK_OK(store_scope_open(db, STORE_STR("tenant-a"), &q, &scope));
    CHECK_OK(store_watch_open(store_scope_kv(scope), STORE_STR("*"), 8, &w));
    /* The third key breaks MaxKeys: everything rolls back. */
    CHECK_ERR(store_transaction(store_scope_kv(scope), scoped_body, &b), STORE_QUOTA_EXCEEDED,
              "store.Transaction: execute transaction:");
    CHECK_INT(b.calls, 1);
    CHECK_MISSING(store_scope_kv(scope), "g", "one");
    CHECK_STATUS(store_watch_next(w, 0, &(store_event)STORE_EVENT_INIT), STORE_TIMEOUT);
    b.exceed = false;
    CHECK_OK(store_transaction(store_scope_kv(scope), scoped_body, &b));
    CHECK_GET(store_scope_kv(scope), "g", "two", "2");
    CHECK_EVENT(w, STORE_EVENT_SET, "g", "one");
    CHECK_EVENT(w, STORE_EVENT_SET, "g", "two");
    CHECK_ERR(store_transaction(store_db_kv(db), failing_body, NULL), STORE_NOT_FOUND,
              "store.Transaction: execute transaction:");
    CHECK_MISSING(store_db_kv(db), "g", "k");
    store_watch_free(w);
    store_scope_free(scope);
    store_free(db);
}

/* ---- transactions belong to their handle -------------------------------- */

static store_db *open_with_busy_timeout(const char *path, uint32_t busy_ms, int64_t purge_ms) {
    store_options options;
    store_db *db = NULL;
    if (store_options_init(&options, sizeof options) != STORE_OK) return NULL;
    options.busy_timeout_ms = busy_ms;
    options.purge_interval_ms = purge_ms;
    if (store_open((const uint8_t *)path, strlen(path), &options, &db) != STORE_OK) return NULL;
    return db;
}

typedef struct txn_step {
    store_txn *txn;
    const char *key;
    store_status status;
} txn_step;

static void *set_through_txn(void *arg) {
    txn_step *step = arg;
    step->status = store_set(store_txn_kv(step->txn), STORE_STR("g"), (const uint8_t *)step->key,
                             strlen(step->key), STORE_STR("v"));
    return NULL;
}

static void *commit_txn(void *arg) {
    txn_step *step = arg;
    step->status = store_txn_commit(step->txn);
    return NULL;
}

/* Begun on this thread, written on two others, committed on a fourth. */
static void transaction_handle_moves_between_threads(void) {
    OPEN_MEMORY(db);
    store_txn *txn = NULL;
    CHECK_OK(store_txn_begin(store_db_kv(db), &txn));
    txn_step a = { txn, "a", STORE_INTERNAL }, b = { txn, "b", STORE_INTERNAL }, c = { txn, NULL, STORE_INTERNAL };
    pthread_t t;
    CHECK(pthread_create(&t, NULL, set_through_txn, &a) == 0);
    pthread_join(t, NULL);
    CHECK(pthread_create(&t, NULL, set_through_txn, &b) == 0);
    pthread_join(t, NULL);
    CHECK(pthread_create(&t, NULL, commit_txn, &c) == 0);
    pthread_join(t, NULL);
    CHECK_INT(a.status, STORE_OK);
    CHECK_INT(b.status, STORE_OK);
    CHECK_INT(c.status, STORE_OK);
    int64_t n = 0;
    CHECK_OK(store_count(store_db_kv(db), STORE_STR("g"), &n));
    CHECK_INT(n, 2);
    store_txn_free(txn);
    store_free(db);
}

static void store_write_during_a_transaction_times_out_busy(void) {
    store_db *db = open_with_busy_timeout(":memory:", 100, 0);
    CHECK(db != NULL);
    store_txn *txn = NULL;
    CHECK_OK(store_txn_begin(store_db_kv(db), &txn));
    int64_t t0 = check_now_ms();
    CHECK_ERR(store_set(store_db_kv(db), STORE_STR("g"), STORE_STR("k"), STORE_STR("v")), STORE_BUSY,
              "a transaction is open on another handle; gave up after 100 ms");
    CHECK(check_now_ms() - t0 >= 90);
    CHECK_OK(store_txn_rollback(txn));
    CHECK_OK(store_set(store_db_kv(db), STORE_STR("g"), STORE_STR("k"), STORE_STR("v")));
    store_txn_free(txn);
    store_free(db);
}

typedef struct waiting_writer {
    store_db *db;
    store_status status;
} waiting_writer;

static void *write_and_wait(void *arg) {
    waiting_writer *w = arg;
    w->status = store_set(store_db_kv(w->db), STORE_STR("g"), STORE_STR("k"), STORE_STR("v"));
    return NULL;
}

static void close_wakes_writers_waiting_for_a_transaction(void) {
    store_db *db = open_with_busy_timeout(":memory:", 60000, 0);
    CHECK(db != NULL);
    store_txn *txn = NULL;
    CHECK_OK(store_txn_begin(store_db_kv(db), &txn));
    waiting_writer w = { db, STORE_INTERNAL };
    pthread_t t;
    CHECK(pthread_create(&t, NULL, write_and_wait, &w) == 0);
    check_sleep_ms(100);
    int64_t t0 = check_now_ms();
    CHECK_OK(store_close(db));
    pthread_join(t, NULL);
    CHECK(check_now_ms() - t0 < 5000);
    CHECK_INT(w.status, STORE_CLOSED);
    CHECK_ERR(store_txn_commit(txn), STORE_CLOSED, "closed");
    store_txn_free(txn);
    store_free(db);
}

/* Regression: close joined the purge thread, which waited for the writer
 * the open transaction held: close never returned. */
static void close_returns_while_the_purge_waits_for_a_transaction(void) {
    char path[512];
    store_db *db = open_with_busy_timeout(check_path(path, sizeof path, "purge-wait.db"), 120000, 10);
    CHECK(db != NULL);
    store_txn *txn = NULL;
    CHECK_OK(store_txn_begin(store_db_kv(db), &txn));
    SET(store_txn_kv(txn), "g", "k", "v");
    check_sleep_ms(100);
    int64_t t0 = check_now_ms();
    CHECK_OK(store_close(db));
    CHECK(check_now_ms() - t0 < 5000);
    store_txn_free(txn);
    store_free(db);
}

typedef struct body_probe {
    store_db *db;
    store_status outside;
} body_probe;

static int write_outside_the_transaction(void *user_data, store_kv *txn) {
    body_probe *p = user_data;
    p->outside = store_set(store_db_kv(p->db), STORE_STR("g"), STORE_STR("outside"), STORE_STR("v"));
    return store_set(txn, STORE_STR("g"), STORE_STR("inside"), STORE_STR("v"));
}

/* Inside store_transaction's body a store write fails at once (it could
 * only run after the transaction it is waiting for). */
static void store_write_inside_the_body_fails_at_once(void) {
    OPEN_MEMORY(db);
    body_probe p = { db, STORE_OK };
    int64_t t0 = check_now_ms();
    CHECK_OK(store_transaction(store_db_kv(db), write_outside_the_transaction, &p));
    CHECK(check_now_ms() - t0 < 1000);
    CHECK_INT(p.outside, STORE_BUSY);
    CHECK_GET(store_db_kv(db), "g", "inside", "v");
    CHECK_MISSING(store_db_kv(db), "g", "outside");
    store_free(db);
}

int main(int argc, char **argv) {
    static const check_test tests[] = {
        TEST(reads_see_pending_writes),
        TEST(events_after_commit_never_after_rollback),
        TEST(handle_after_commit_fails),
        TEST(other_thread_waits_for_transaction),
        TEST(close_rolls_back_open_transaction),
        TEST(scoped_transaction_quota_counts_pending),
        TEST(transaction_callback_form),
        TEST(transaction_handle_moves_between_threads),
        TEST(store_write_during_a_transaction_times_out_busy),
        TEST(close_wakes_writers_waiting_for_a_transaction),
        TEST(close_returns_while_the_purge_waits_for_a_transaction),
        TEST(store_write_inside_the_body_fails_at_once),
    };
    return check_run("txn", tests, sizeof tests / sizeof tests[0], argc, argv);
}
