/*
 * Scoped namespaces and quotas through the C ABI (contract §17.5 and
 * issue 3): namespace validation, `ns:group` storage, local group names in
 * results and events, isolation of `Tenant-A` and `tenant-a`, confined
 * purge and DeletePrefix(""), MaxKeys / MaxGroups / MaxBytes, usage, and
 * a two-thread quota race that must never exceed the limit.
 */
#include "check.h"

#include <pthread.h>
#include <stdio.h>

/* Opens `ns` on db with `quota` (NULL = none), or fails the test. */
#define OPEN_SCOPE(scope, db, ns, quota) \
    store_scope *scope = NULL; \
    CHECK_OK(store_scope_open((db), STORE_STR(ns), (quota), &scope))

#define CHECK_QUOTA_ERR(expr, needle) CHECK_ERR(expr, STORE_QUOTA_EXCEEDED, needle)

static void namespace_validation(void) {
    static const char *const good[] = {"abc", "ABC", "123", "a-b-c", "tenant-42", "A1-B2"};
    static const char *const bad[] = {"foo.bar", "foo:bar", "foo bar", "foo/bar", "foo_bar", "tenant!", "@ns", ""};
    OPEN_MEMORY(db);
    store_scope *scope = NULL;
    store_slice ns;
    size_t i;
    for (i = 0; i < sizeof good / sizeof good[0]; i++) {
        CHECK_OK(store_scope_validate(STORE_STR(good[i]), NULL));
        CHECK_OK(store_scope_open(db, STORE_STR(good[i]), NULL, &scope));
        CHECK_OK(store_scope_namespace(scope, &ns));
        CHECK_SLICE(ns, good[i]);
        store_scope_free(scope);
        scope = NULL;
    }
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK_ERR(store_scope_validate(STORE_STR(bad[i]), NULL), STORE_INVALID_ARGUMENT, "namespace");
        CHECK_ERR(store_scope_open(db, STORE_STR(bad[i]), NULL, &scope), STORE_INVALID_ARGUMENT, "is invalid");
        CHECK(scope == NULL);
    }
    CHECK_ERR(store_scope_open(db, (const uint8_t *)"a\0b", 3, NULL, &scope), STORE_INVALID_ARGUMENT, "namespace");
    store_free(db);
}

static void stores_under_namespace_with_local_names(void) {
    OPEN_MEMORY(db);
    OPEN_SCOPE(scope, db, "tenant-a", NULL);
    store_kv *kv = store_scope_kv(scope), *raw = store_db_kv(db);
    store_strings s = {0};
    store_pairs p = {0};
    store_bytes b = {0};
    bool found = false;
    SET(kv, "config", "colour", "blue");
    SET(kv, STORE_DEFAULT_GROUP, "k", "d");
    SET(kv, "cache", "x", "1");
    SET(kv, "cache-warm", "y", "2");
    CHECK_GET(raw, "tenant-a:config", "colour", "blue");
    CHECK_GET(raw, "tenant-a:default", "k", "d");
    CHECK_MISSING(raw, "config", "colour");
    CHECK_GET(kv, "config", "colour", "blue");
    CHECK_OK(store_groups(kv, NULL, 0, &s));
    CHECK_STRINGS(&s, "cache", "cache-warm", "config", "default");
    store_strings_free(&s);
    CHECK_OK(store_groups(kv, STORE_STR("conf"), &s));
    CHECK_STRINGS(&s, "config");
    store_strings_free(&s);
    CHECK_COUNT_ALL(kv, 4, NULL, 0);
    CHECK_COUNT_ALL(kv, 2, STORE_STR("cache"));
    CHECK_OK(store_get_page(kv, STORE_STR("config"), 0, 10, &p));
    CHECK_INT(p.len, 1);
    CHECK_SLICE(p.items[0].key, "colour");
    store_pairs_free(&p);
    CHECK_OK(store_render(kv, STORE_STR("{{ .colour }}"), STORE_STR("config"), &b));
    CHECK_BYTES(b.ptr, b.len, "blue");
    store_bytes_free(&b);
    CHECK_OK(store_exists(kv, STORE_STR("config"), STORE_STR("colour"), &found));
    CHECK(found);
    CHECK_ERR(store_get(kv, STORE_STR("config"), STORE_STR("nope"), &b), STORE_NOT_FOUND, "tenant-a:config/nope");
    CHECK_OK(store_delete_prefix(kv, STORE_STR("cache")));
    CHECK_COUNT(kv, "cache", 0);
    CHECK_COUNT(kv, "cache-warm", 0);
    CHECK_COUNT(kv, "config", 1);
    store_scope_free(scope);
    store_free(db);
}

static void case_distinct_namespaces_are_isolated(void) {
    OPEN_MEMORY(db);
    OPEN_SCOPE(upper, db, "Tenant-A", NULL);
    OPEN_SCOPE(lower, db, "tenant-a", NULL);
    store_kv *u = store_scope_kv(upper), *l = store_scope_kv(lower), *raw = store_db_kv(db);
    store_strings s = {0};
    store_watch *wl = NULL;
    store_event ev = STORE_EVENT_INIT;
    int64_t removed = -1;
    SET(u, "config", "k", "upper");
    SET(l, "config", "k", "lower");
    SET(raw, "other", "k", "unscoped");
    CHECK_GET(u, "config", "k", "upper");
    CHECK_GET(l, "config", "k", "lower");
    CHECK_OK(store_watch_open(l, STORE_STR("*"), 16, &wl));
    CHECK_OK(store_set_with_ttl(u, STORE_STR("config"), STORE_STR("exp"), STORE_STR("x"), 1));
    CHECK_OK(store_set_with_ttl(l, STORE_STR("config"), STORE_STR("exp"), STORE_STR("x"), 1));
    check_sleep_ms(5);
    /* Scoped purge removes only its own namespace's expired rows. */
    CHECK_OK(store_purge_expired(l, &removed));
    CHECK_INT(removed, 1);
    CHECK_COUNT_ALL(raw, 1, STORE_STR("Tenant-A:"));
    /* DeletePrefix("") is confined to the namespace. */
    CHECK_OK(store_delete_prefix(l, NULL, 0));
    CHECK_MISSING(l, "config", "k");
    CHECK_GET(u, "config", "k", "upper");
    CHECK_GET(raw, "other", "k", "unscoped");
    CHECK_OK(store_groups(raw, NULL, 0, &s));
    CHECK_STRINGS(&s, "Tenant-A:config", "other");
    store_strings_free(&s);
    /* The lower-case watcher saw only its own events, with local names. */
    CHECK_EVENT(wl, STORE_EVENT_SET, "config", "exp");
    CHECK_EVENT(wl, STORE_EVENT_DELETE, "config", "exp");
    CHECK_OK(store_watch_next(wl, 0, &ev));
    CHECK_INT(ev.kind, STORE_EVENT_DELETE_GROUP);
    CHECK_SLICE(ev.group, "config");
    CHECK_STATUS(store_watch_next(wl, 0, &ev), STORE_TIMEOUT);
    store_watch_free(wl);
    store_scope_free(upper);
    store_scope_free(lower);
    store_free(db);
}

static int scoped_events;
static char scoped_group[64];
static void scoped_callback(void *user_data, const store_event *e) {
    (void)user_data;
    scoped_events++;
    snprintf(scoped_group, sizeof scoped_group, "%.*s", (int)e->group.len, (const char *)e->group.ptr);
}

static void scoped_subscription_sees_own_namespace(void) {
    OPEN_MEMORY(db);
    OPEN_SCOPE(a, db, "tenant-a", NULL);
    OPEN_SCOPE(b, db, "tenant-b", NULL);
    store_subscription *sub = NULL;
    store_watch *store_level = NULL;
    scoped_events = 0;
    CHECK_OK(store_subscribe(store_scope_kv(a), STORE_STR("config"), scoped_callback, NULL, NULL, &sub));
    CHECK_OK(store_watch_open(store_db_kv(db), STORE_STR("tenant-a:config"), 4, &store_level));
    SET(store_scope_kv(b), "config", "k", "v");
    SET(store_scope_kv(a), "other", "k", "v");
    CHECK_INT(scoped_events, 0);
    SET(store_scope_kv(a), "config", "k", "v");
    CHECK_INT(scoped_events, 1);
    CHECK(strcmp(scoped_group, "config") == 0);
    /* A store-level watcher sees the full group name. */
    CHECK_EVENT(store_level, STORE_EVENT_SET, "tenant-a:config", "k");
    store_unsubscribe(&sub);
    store_watch_free(store_level);
    store_scope_free(a);
    store_scope_free(b);
    store_free(db);
}

static void max_keys(void) {
    store_quota q = {(uint32_t)sizeof(store_quota), 3, 0, 0};
    store_usage u = STORE_USAGE_INIT;
    OPEN_MEMORY(db);
    OPEN_SCOPE(scope, db, "ns", &q);
    OPEN_SCOPE(other, db, "other", &q);
    store_kv *kv = store_scope_kv(scope);
    store_watch *w = NULL;
    SET(kv, "a", "1", "v");
    SET(kv, "b", "2", "v");
    CHECK_OK(store_set_with_ttl(kv, STORE_STR("c"), STORE_STR("3"), STORE_STR("v"), 60000));
    CHECK_QUOTA_ERR(store_set(kv, STORE_STR("a"), STORE_STR("4"), STORE_STR("v")), "key limit (3)");
    CHECK_QUOTA_ERR(store_set_with_ttl(kv, STORE_STR("d"), STORE_STR("4"), STORE_STR("v"), 60000), "quota exceeded");
    CHECK_MISSING(kv, "a", "4");
    SET(kv, "a", "1", "upsert at the limit is fine");
    SET(store_scope_kv(other), "a", "1", "other namespaces are independent");
    CHECK_OK(store_scope_usage(kv, &u));
    CHECK_INT(u.keys, 3);
    CHECK_INT(u.groups, 3);
    /* Deleting frees quota; expired rows count for nothing and an upsert over
     * one sends a single set event, no delete. */
    CHECK_OK(store_delete(kv, STORE_STR("b"), STORE_STR("2")));
    SET(kv, "b", "5", "v");
    CHECK_OK(store_set_with_ttl(kv, STORE_STR("c"), STORE_STR("3"), STORE_STR("v"), 1));
    check_sleep_ms(5);
    CHECK_OK(store_watch_open(store_db_kv(db), STORE_STR("*"), 8, &w));
    SET(kv, "c", "3", "revived");
    CHECK_EVENT(w, STORE_EVENT_SET, "ns:c", "3");
    CHECK_STATUS(store_watch_next(w, 0, &(store_event)STORE_EVENT_INIT), STORE_TIMEOUT);
    /* Zero means unlimited. */
    q.max_keys = 0;
    CHECK_OK(store_scope_set_quota(scope, &q));
    SET(kv, "a", "6", "v");
    CHECK_OK(store_scope_get_quota(scope, &q));
    CHECK_INT(q.max_keys, 0);
    store_watch_free(w);
    store_scope_free(scope);
    store_scope_free(other);
    store_free(db);
}

static void max_groups(void) {
    store_quota q = {(uint32_t)sizeof(store_quota), 0, 2, 0};
    OPEN_MEMORY(db);
    OPEN_SCOPE(scope, db, "ns", &q);
    store_kv *kv = store_scope_kv(scope);
    SET(kv, "g1", "a", "v");
    SET(kv, "g2", "a", "v");
    SET(kv, "g1", "b", "existing group is fine");
    CHECK_QUOTA_ERR(store_set(kv, STORE_STR("g3"), STORE_STR("a"), STORE_STR("v")), "group limit (2)");
    CHECK_OK(store_delete_group(kv, STORE_STR("g2")));
    SET(kv, "g3", "a", "recreated after delete");
    CHECK_OK(store_set_with_ttl(kv, STORE_STR("g3"), STORE_STR("a"), STORE_STR("v"), 1));
    check_sleep_ms(5);
    SET(kv, "g4", "a", "expired group excluded");
    CHECK_QUOTA_ERR(store_set(kv, STORE_STR("g5"), STORE_STR("a"), STORE_STR("v")), "group limit");
    store_scope_free(scope);
    store_free(db);
}

static void max_bytes_grow_and_shrink(void) {
    store_quota q = {(uint32_t)sizeof(store_quota), 0, 0, 20};
    store_usage u = STORE_USAGE_INIT;
    OPEN_MEMORY(db);
    OPEN_SCOPE(scope, db, "ns", &q);
    store_kv *kv = store_scope_kv(scope);
    SET(kv, "g", "k1", "12345678");      /* 10 bytes */
    SET(kv, "g", "k2", "123456");        /* 8 bytes: 18 */
    CHECK_OK(store_scope_usage(kv, &u));
    CHECK_INT(u.bytes, 18);
    CHECK_QUOTA_ERR(store_set(kv, STORE_STR("g"), STORE_STR("k3"), STORE_STR("12")), "byte limit (20)");
    SET(kv, "g", "k1", "1234567890");    /* grows by 2: exactly 20 */
    CHECK_QUOTA_ERR(store_set(kv, STORE_STR("g"), STORE_STR("k1"), STORE_STR("12345678901")), "byte limit");
    CHECK_GET(kv, "g", "k1", "1234567890");
    SET(kv, "g", "k1", "1");             /* shrinks: 3 + 8 = 11 */
    CHECK_OK(store_scope_usage(kv, &u));
    CHECK_INT(u.bytes, 11);
    CHECK_INT(u.keys, 2);
    CHECK_INT(u.groups, 1);
    SET(kv, "h", "k3", "1234567");       /* 9 bytes: 20 */
    CHECK_QUOTA_ERR(store_set(kv, STORE_STR("h"), STORE_STR("x"), NULL, 0), "byte limit");
    /* Expired rows count for nothing. */
    CHECK_OK(store_set_with_ttl(kv, STORE_STR("h"), STORE_STR("k3"), STORE_STR("1"), 1));
    check_sleep_ms(5);
    CHECK_OK(store_scope_usage(kv, &u));
    CHECK_INT(u.bytes, 11);
    SET(kv, "h", "k4", "1234567");
    CHECK_OK(store_scope_usage(kv, &u));
    CHECK_INT(u.bytes, 20);
    CHECK_INT(u.keys, 3);
    store_scope_free(scope);
    store_free(db);
}

/* Two threads race to add distinct keys under MaxKeys: exactly the limit wins. */
enum { RACE_LIMIT = 25, RACE_TRIES = 60 };

typedef struct racer {
    store_scope *scope;
    int id, ok, rejected, other;
} racer;

static void *race(void *arg) {
    racer *r = arg;
    int i;
    for (i = 0; i < RACE_TRIES; i++) {
        char k[32];
        store_status st;
        snprintf(k, sizeof k, "t%d-%d", r->id, i);
        st = store_set(store_scope_kv(r->scope), STORE_STR(i % 2 ? "odd" : "even"), STORE_STR(k), STORE_STR("v"));
        if (st == STORE_OK)
            r->ok++;
        else if (st == STORE_QUOTA_EXCEEDED)
            r->rejected++;
        else
            r->other++;
    }
    return NULL;
}

static void quota_race_never_exceeds_limit(void) {
    store_quota q = {(uint32_t)sizeof(store_quota), RACE_LIMIT, 0, 0};
    char path[600];
    store_usage u = STORE_USAGE_INIT;
    racer r[2];
    pthread_t t[2];
    int i;
    OPEN_FILE(db, check_path(path, sizeof path, "race.db"), STORE_SYNC_OFF);
    OPEN_SCOPE(scope, db, "race", &q);
    for (i = 0; i < 2; i++) {
        memset(&r[i], 0, sizeof r[i]);
        r[i].scope = scope;
        r[i].id = i;
        CHECK(pthread_create(&t[i], NULL, race, &r[i]) == 0);
    }
    for (i = 0; i < 2; i++) pthread_join(t[i], NULL);
    CHECK_INT(r[0].other + r[1].other, 0);
    CHECK_INT(r[0].ok + r[1].ok, RACE_LIMIT);
    CHECK_INT(r[0].rejected + r[1].rejected, 2 * RACE_TRIES - RACE_LIMIT);
    CHECK_OK(store_scope_usage(store_scope_kv(scope), &u));
    CHECK_INT(u.keys, RACE_LIMIT);
    store_scope_free(scope);
    store_free(db);
}

int main(int argc, char **argv) {
    static const check_test tests[] = {
        TEST(namespace_validation),
        TEST(stores_under_namespace_with_local_names),
        TEST(case_distinct_namespaces_are_isolated),
        TEST(scoped_subscription_sees_own_namespace),
        TEST(max_keys),
        TEST(max_groups),
        TEST(max_bytes_grow_and_shrink),
        TEST(quota_race_never_exceeds_limit),
    };
    return check_run("scope", tests, sizeof tests / sizeof tests[0], argc, argv);
}
