/*
 * Four threads doing mixed operations on one file store (plus a scoped view,
 * a callback subscriber and a watch queue), then checks that every thread's
 * view of its own keys matches the store and that every write was announced.
 */
#include "check.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

enum { THREADS = 4, OPS = 3000, KEYS = 200 };

typedef struct worker {
    store_db *db;
    store_scope *scope;
    int id;
    int failures;
    char first_failure[256];
    bool present[KEYS]; /* what this thread expects for its own keys */
    long sets;          /* successful writes (set events expected) */
    long deletes;       /* deletes that removed a row */
} worker;

static pthread_mutex_t events_lock = PTHREAD_MUTEX_INITIALIZER;
static long set_events, delete_events;

static void count_event(void *user_data, const store_event *e) {
    (void)user_data;
    pthread_mutex_lock(&events_lock);
    if (e->kind == STORE_EVENT_SET) set_events++;
    if (e->kind == STORE_EVENT_DELETE) delete_events++;
    pthread_mutex_unlock(&events_lock);
}

static void fail(worker *w, const char *what, store_status st) {
    if (w->failures++ == 0)
        snprintf(w->first_failure, sizeof w->first_failure, "thread %d: %s: %s: %s", w->id, what,
                 store_status_str((uint32_t)st), store_last_error());
}

static void *work(void *arg) {
    worker *w = arg;
    store_kv *kv = store_db_kv(w->db), *scoped = store_scope_kv(w->scope);
    char group[32], key[32], value[48];
    int i;
    snprintf(group, sizeof group, "thread-%d", w->id);
    for (i = 0; i < OPS; i++) {
        int k = (i * 7 + w->id) % KEYS;
        store_status st;
        snprintf(key, sizeof key, "k%03d", k);
        snprintf(value, sizeof value, "t%d-op%d", w->id, i);
        switch (i % 6) {
        case 0:
        case 1: /* write then read back */
            if ((st = store_set(kv, STORE_STR(group), STORE_STR(key), STORE_STR(value))) != STORE_OK) {
                fail(w, "set", st);
                break;
            }
            w->sets++;
            w->present[k] = true;
            {
                store_bytes b = {0};
                if ((st = store_get(kv, STORE_STR(group), STORE_STR(key), &b)) != STORE_OK)
                    fail(w, "get", st);
                else if (!check_bytes_eq(b.ptr, b.len, value))
                    fail(w, "get returned another value", STORE_OK);
                store_bytes_free(&b);
            }
            break;
        case 2: /* delete */
            if ((st = store_delete(kv, STORE_STR(group), STORE_STR(key))) != STORE_OK) fail(w, "delete", st);
            if (w->present[k]) w->deletes++;
            w->present[k] = false;
            break;
        case 3: /* shared group, everyone upserts the same keys */
            if ((st = store_set_with_ttl(kv, STORE_STR("shared"), STORE_STR(key), STORE_STR(value), 600000)) != STORE_OK)
                fail(w, "set shared", st);
            else
                w->sets++;
            break;
        case 4: { /* reads across groups */
            store_pairs p = {0};
            int64_t n = 0;
            if ((st = store_get_page(kv, STORE_STR("shared"), 0, 20, &p)) != STORE_OK) fail(w, "get_page", st);
            store_pairs_free(&p);
            if ((st = store_count_all(kv, STORE_STR("thread-"), &n)) != STORE_OK) fail(w, "count_all", st);
            break;
        }
        default: /* scoped writes */
            if ((st = store_set(scoped, STORE_STR(group), STORE_STR(key), STORE_STR(value))) != STORE_OK)
                fail(w, "scoped set", st);
            else
                w->sets++;
            break;
        }
    }
    return NULL;
}

static void four_threads_mixed_operations(void) {
    char path[600];
    worker w[THREADS];
    pthread_t t[THREADS];
    store_subscription *sub = NULL;
    store_watch *watch = NULL;
    long total_sets = 0, total_deletes = 0;
    int i, k;
    OPEN_FILE(db, check_path(path, sizeof path, "threads.db"), STORE_SYNC_NORMAL);
    store_scope *scope = NULL;
    CHECK_OK(store_scope_open(db, STORE_STR("tenant"), NULL, &scope));
    CHECK_OK(store_subscribe(store_db_kv(db), STORE_STR("*"), count_event, NULL, NULL, &sub));
    CHECK_OK(store_watch_open(store_db_kv(db), STORE_STR("*"), 8, &watch));
    set_events = delete_events = 0;
    for (i = 0; i < THREADS; i++) {
        memset(&w[i], 0, sizeof w[i]);
        w[i].db = db;
        w[i].scope = scope;
        w[i].id = i;
        CHECK(pthread_create(&t[i], NULL, work, &w[i]) == 0);
    }
    for (i = 0; i < THREADS; i++) pthread_join(t[i], NULL);
    for (i = 0; i < THREADS; i++) {
        char group[32];
        store_pairs p = {0};
        int expected = 0;
        size_t row;
        if (w[i].failures) check_fail(__FILE__, __LINE__, "%d failures; first: %s", w[i].failures, w[i].first_failure);
        CHECK(w[i].failures == 0);
        snprintf(group, sizeof group, "thread-%d", i);
        for (k = 0; k < KEYS; k++) expected += w[i].present[k];
        CHECK_COUNT(store_db_kv(db), group, expected);
        CHECK_OK(store_get_all(store_db_kv(db), STORE_STR(group), &p));
        CHECK_INT(p.len, expected);
        for (row = 0; row < p.len; row++) {
            int key = atoi((const char *)p.items[row].key.ptr + 1);
            CHECK(key >= 0 && key < KEYS && w[i].present[key]);
        }
        store_pairs_free(&p);
        total_sets += w[i].sets;
        total_deletes += w[i].deletes;
    }
    CHECK_COUNT(store_db_kv(db), "shared", KEYS);
    {
        int64_t scoped = 0;
        CHECK_OK(store_count_all(store_scope_kv(scope), NULL, 0, &scoped));
        CHECK(scoped > 0 && scoped <= THREADS * KEYS);
    }
    /* Every dispatch finished before its writer's call returned. */
    CHECK_INT(set_events, total_sets);
    CHECK_INT(delete_events, total_deletes);
    CHECK_INT(store_watch_dropped(watch), total_sets + total_deletes - 8);
    store_unsubscribe(&sub);
    store_watch_free(watch);
    store_scope_free(scope);
    store_free(db);
}

int main(int argc, char **argv) {
    static const check_test tests[] = {
        TEST(four_threads_mixed_operations),
    };
    return check_run("threads", tests, sizeof tests / sizeof tests[0], argc, argv);
}
