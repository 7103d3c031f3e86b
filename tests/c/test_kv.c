/*
 * Key-value behaviour through the C ABI (contract test catalogue
 * §17.2–17.3): CRUD, not-found, TTL layers, purge, prefixes, ordering,
 * paging, groups, binary-safe round trips, split/fields/render, and
 * iteration that calls the store from inside the loop.
 */
#include "check.h"

#include <stdio.h>
#include <stdlib.h>

/* Fails unless the group's GetAll keys are exactly `want`, in order. */
static void check_keys(const char *file, int line, store_kv *kv, const char *group, const char *const *want) {
    store_pairs p = {0};
    size_t i = 0;
    store_status st = store_get_all(kv, STORE_STR(group), &p);
    if (st != STORE_OK) {
        check_status_fail(file, line, "store_get_all", st, STORE_OK, store_last_error());
        return;
    }
    for (; want[i] && i < p.len; i++)
        if (!check_bytes_eq(p.items[i].key.ptr, p.items[i].key.len, want[i]))
            check_fail(file, line, "key %zu is \"%.*s\", want \"%s\"", i, (int)p.items[i].key.len,
                       (const char *)p.items[i].key.ptr, want[i]);
    while (want[i]) i++;
    if (p.len != i) check_fail(file, line, "%s has %zu rows, want %zu", group, p.len, i);
    store_pairs_free(&p);
}

#define CHECK_KEYS(kv, group, ...) \
    do { \
        static const char *const want_[] = {__VA_ARGS__, NULL}; \
        check_keys(__FILE__, __LINE__, (kv), (group), want_); \
        if (check_failed()) return; \
    } while (0)

static void set_get_upsert_delete(void) {
    OPEN_MEMORY(db);
    store_kv *kv = store_db_kv(db);
    bool found = false;
    SET(kv, "config", "colour", "blue");
    CHECK_GET(kv, "config", "colour", "blue");
    SET(kv, "config", "colour", "red");
    CHECK_GET(kv, "config", "colour", "red");
    CHECK_COUNT(kv, "config", 1);
    CHECK_OK(store_exists(kv, STORE_STR("config"), STORE_STR("colour"), &found));
    CHECK(found);
    CHECK_OK(store_exists(kv, STORE_STR("config"), STORE_STR("size"), &found));
    CHECK(!found);
    CHECK_OK(store_group_exists(kv, STORE_STR("config"), &found));
    CHECK(found);
    CHECK_OK(store_delete(kv, STORE_STR("config"), STORE_STR("colour")));
    CHECK_MISSING(kv, "config", "colour");
    CHECK_OK(store_group_exists(kv, STORE_STR("config"), &found));
    CHECK(!found);
    CHECK_OK(store_delete(kv, STORE_STR("config"), STORE_STR("never-there")));
    CHECK_COUNT(kv, "config", 0);
    store_free(db);
}

static void not_found_message_names_group_and_key(void) {
    OPEN_MEMORY(db);
    store_kv *kv = store_db_kv(db);
    store_bytes b = {0};
    store_strings s = {0};
    CHECK_ERR(store_get(kv, STORE_STR("g"), STORE_STR("k"), &b), STORE_NOT_FOUND, "store.Get: g/k: store: not found");
    SET(kv, "g", "other", "v");
    CHECK_ERR(store_get(kv, STORE_STR("g"), STORE_STR("k"), &b), STORE_NOT_FOUND, "g/k");
    CHECK_ERR(store_get(kv, STORE_STR("nope"), STORE_STR("k"), &b), STORE_NOT_FOUND, "nope/k");
    CHECK_ERR(store_get_split(kv, STORE_STR("g"), STORE_STR("k"), STORE_STR(","), &s), STORE_NOT_FOUND, "g/k");
    CHECK_ERR(store_get_fields(kv, STORE_STR("g"), STORE_STR("k"), &s), STORE_NOT_FOUND, "g/k");
    CHECK(b.ptr == NULL && s.items == NULL);
    store_free(db);
}

static void count_groups_and_isolation(void) {
    OPEN_MEMORY(db);
    store_kv *kv = store_db_kv(db);
    int i;
    for (i = 0; i < 500; i++) {
        char k[16];
        snprintf(k, sizeof k, "k%d", i);
        SET(kv, "bulk", k, "v");
    }
    CHECK_COUNT(kv, "bulk", 500);
    CHECK_COUNT(kv, "empty", 0);
    SET(kv, "a", "same", "1");
    SET(kv, "b", "same", "2");
    CHECK_GET(kv, "a", "same", "1");
    CHECK_GET(kv, "b", "same", "2");
    CHECK_OK(store_delete_group(kv, STORE_STR("bulk")));
    CHECK_COUNT(kv, "bulk", 0);
    CHECK_KEYS(kv, "bulk", NULL);
    CHECK_GET(kv, "a", "same", "1");
    CHECK_KEYS(kv, "a", "same");
    store_free(db);
}

static void ttl_expiry_layers(void) {
    OPEN_MEMORY(db);
    store_kv *kv = store_db_kv(db);
    store_watch *w = NULL;
    store_bytes b = {0};
    store_strings s = {0};
    bool found = true;

    CHECK_OK(store_watch_open(kv, STORE_STR("*"), 64, &w));
    SET(kv, "g", "live", "L");
    CHECK_OK(store_set_with_ttl(kv, STORE_STR("g"), STORE_STR("ephemeral"), STORE_STR("E"), 1));
    CHECK_OK(store_set_with_ttl(kv, STORE_STR("only-expired"), STORE_STR("x"), STORE_STR("X"), 1));
    CHECK_OK(store_set_with_ttl(kv, STORE_STR("g"), STORE_STR("future"), STORE_STR("F"), 60000));
    CHECK_EVENT(w, STORE_EVENT_SET, "g", "live");
    CHECK_EVENT(w, STORE_EVENT_SET, "g", "ephemeral");
    CHECK_EVENT(w, STORE_EVENT_SET, "only-expired", "x");
    CHECK_EVENT(w, STORE_EVENT_SET, "g", "future");
    check_sleep_ms(10);

    /* Bulk reads skip expired rows without deleting them. */
    CHECK_COUNT(kv, "g", 2);
    CHECK_COUNT_ALL(kv, 2, STORE_STR(""));
    CHECK_KEYS(kv, "g", "future", "live");
    CHECK_OK(store_exists(kv, STORE_STR("g"), STORE_STR("ephemeral"), &found));
    CHECK(!found);
    CHECK_OK(store_group_exists(kv, STORE_STR("only-expired"), &found));
    CHECK(!found);
    CHECK_OK(store_groups(kv, STORE_STR(""), &s));
    CHECK_STRINGS(&s, "g");
    store_strings_free(&s);
    CHECK_OK(store_render(kv, STORE_STR("{{ .live }}|{{ .ephemeral }}|{{ future }}"), STORE_STR("g"), &b));
    CHECK_BYTES(b.ptr, b.len, "L|<no value>|F");
    store_bytes_free(&b);
    CHECK_STATUS(store_watch_next(w, 0, &(store_event)STORE_EVENT_INIT), STORE_TIMEOUT);

    /* Get deletes lazily, reports not-found and sends one delete event. */
    CHECK_ERR(store_get(kv, STORE_STR("g"), STORE_STR("ephemeral"), &b), STORE_NOT_FOUND, "g/ephemeral");
    CHECK_EVENT(w, STORE_EVENT_DELETE, "g", "ephemeral");
    CHECK_STATUS(store_get(kv, STORE_STR("g"), STORE_STR("ephemeral"), &b), STORE_NOT_FOUND);
    CHECK_STATUS(store_watch_next(w, 0, &(store_event)STORE_EVENT_INIT), STORE_TIMEOUT);

    /* A plain Set clears the TTL; a zero TTL stores an expired row. */
    CHECK_OK(store_set_with_ttl(kv, STORE_STR("g"), STORE_STR("k"), STORE_STR("v1"), 1));
    SET(kv, "g", "k", "v2");
    CHECK_OK(store_set_with_ttl(kv, STORE_STR("g"), STORE_STR("zero"), STORE_STR("z"), 0));
    CHECK_OK(store_set_with_ttl(kv, STORE_STR("g"), STORE_STR("negative"), STORE_STR("z"), -5000));
    check_sleep_ms(5);
    CHECK_GET(kv, "g", "k", "v2");
    CHECK_MISSING(kv, "g", "zero");
    CHECK_MISSING(kv, "g", "negative");
    /* TTL upserts keep one row. */
    CHECK_OK(store_set_with_ttl(kv, STORE_STR("g"), STORE_STR("future"), STORE_STR("F2"), 60000));
    CHECK_GET(kv, "g", "future", "F2");
    CHECK_COUNT(kv, "g", 3);
    store_watch_free(w);
    store_free(db);
}

static void purge_expired_counts_and_notifies(void) {
    OPEN_MEMORY(db);
    store_kv *kv = store_db_kv(db);
    store_watch *w = NULL;
    int64_t removed = -1;
    int deletes = 0;
    store_event ev = STORE_EVENT_INIT;

    CHECK_OK(store_purge_expired(kv, &removed));
    CHECK_INT(removed, 0);
    SET(kv, "g", "keep", "v");
    CHECK_OK(store_purge_expired(kv, &removed));
    CHECK_INT(removed, 0);
    CHECK_OK(store_set_with_ttl(kv, STORE_STR("g"), STORE_STR("a"), STORE_STR("v"), 1));
    CHECK_OK(store_set_with_ttl(kv, STORE_STR("h"), STORE_STR("b"), STORE_STR("v"), 1));
    CHECK_OK(store_set_with_ttl(kv, STORE_STR("h"), STORE_STR("later"), STORE_STR("v"), 60000));
    check_sleep_ms(5);
    CHECK_OK(store_watch_open(kv, STORE_STR("*"), 16, &w));
    CHECK_OK(store_purge_expired(kv, &removed));
    CHECK_INT(removed, 2);
    while (store_watch_next(w, 0, &ev) == STORE_OK) {
        CHECK_INT(ev.kind, STORE_EVENT_DELETE);
        CHECK(check_bytes_eq(ev.key.ptr, ev.key.len, "a") || check_bytes_eq(ev.key.ptr, ev.key.len, "b"));
        CHECK_INT(ev.value.len, 0);
        deletes++;
    }
    CHECK_INT(deletes, 2);
    CHECK_KEYS(kv, "g", "keep");
    CHECK_KEYS(kv, "h", "later");
    store_watch_free(w);
    store_free(db);
}

static void background_purge_removes_rows(void) {
    store_options o;
    store_db *db = NULL;
    store_watch *w = NULL;
    store_event ev = STORE_EVENT_INIT;
    store_options_init(&o, sizeof o);
    o.purge_interval_ms = 20;
    CHECK_OK(store_open(STORE_STR(":memory:"), &o, &db));
    CHECK_OK(store_watch_open(store_db_kv(db), STORE_STR("*"), 4, &w));
    CHECK_OK(store_set_with_ttl(store_db_kv(db), STORE_STR("g"), STORE_STR("k"), STORE_STR("v"), 1));
    CHECK_OK(store_watch_next(w, 0, &ev));
    CHECK_INT(ev.kind, STORE_EVENT_SET);
    /* The purge thread, not a read, deletes the row and sends the event. */
    CHECK_OK(store_watch_next(w, 2000, &ev));
    CHECK_INT(ev.kind, STORE_EVENT_DELETE);
    CHECK_SLICE(ev.key, "k");
    store_watch_free(w);
    store_free(db);
}

static void prefix_wildcards_are_literal(void) {
    OPEN_MEMORY(db);
    store_kv *kv = store_db_kv(db);
    store_strings s = {0};
    SET(kv, "user_1", "k", "v");
    SET(kv, "user_2", "k", "v");
    SET(kv, "user_test", "k", "v");
    SET(kv, "user%test", "k", "v");
    SET(kv, "userXtest", "k", "v");
    CHECK_COUNT_ALL(kv, 3, STORE_STR("user_"));
    CHECK_COUNT_ALL(kv, 1, STORE_STR("user%"));
    CHECK_COUNT_ALL(kv, 5, STORE_STR("user"));
    CHECK_OK(store_groups(kv, STORE_STR("user_"), &s));
    CHECK_STRINGS(&s, "user_1", "user_2", "user_test");
    store_strings_free(&s);
    CHECK_OK(store_delete_prefix(kv, STORE_STR("user%")));
    CHECK_COUNT_ALL(kv, 4, STORE_STR("user"));
    store_free(db);
}

static void prefixes_are_case_sensitive(void) {
    OPEN_MEMORY(db);
    store_kv *kv = store_db_kv(db);
    store_strings s = {0};
    SET(kv, "Tenant-A:config", "k", "upper");
    SET(kv, "tenant-a:config", "k", "lower");
    SET(kv, "tenant-a:cache", "k", "lower");
    SET(kv, "tenant-b:config", "k", "other");
    CHECK_COUNT_ALL(kv, 2, STORE_STR("tenant-a:"));
    CHECK_COUNT_ALL(kv, 1, STORE_STR("Tenant-A:"));
    CHECK_OK(store_groups(kv, STORE_STR("tenant-a:"), &s));
    CHECK_STRINGS(&s, "tenant-a:cache", "tenant-a:config");
    store_strings_free(&s);
    CHECK_OK(store_delete_prefix(kv, STORE_STR("tenant-a:")));
    CHECK_GET(kv, "Tenant-A:config", "k", "upper");
    CHECK_GET(kv, "tenant-b:config", "k", "other");
    CHECK_MISSING(kv, "tenant-a:config", "k");
    CHECK_OK(store_groups(kv, STORE_STR(""), &s));
    CHECK_STRINGS(&s, "Tenant-A:config", "tenant-b:config");
    store_strings_free(&s);
    /* An empty prefix deletes everything. */
    CHECK_OK(store_delete_prefix(kv, NULL, 0));
    CHECK_COUNT_ALL(kv, 0, NULL, 0);
    store_free(db);
}

static void keys_order_bytewise_and_pages(void) {
    OPEN_MEMORY(db);
    store_kv *kv = store_db_kv(db);
    store_pairs p = {0};
    SET(kv, "g", "charlie", "3");
    SET(kv, "g", "alpha", "1");
    SET(kv, "g", "delta", "4");
    SET(kv, "g", "bravo", "2");
    SET(kv, "g", "Zulu", "0");
    SET(kv, "g", "\xc3\xa9t\xc3\xa9", "5");
    SET(kv, "g", "a", "0");
    CHECK_KEYS(kv, "g", "Zulu", "a", "alpha", "bravo", "charlie", "delta", "\xc3\xa9t\xc3\xa9");
    CHECK_OK(store_get_page(kv, STORE_STR("g"), 2, 2, &p));
    CHECK_INT(p.len, 2);
    CHECK_SLICE(p.items[0].key, "alpha");
    CHECK_SLICE(p.items[0].value, "1");
    CHECK_SLICE(p.items[1].key, "bravo");
    CHECK_INT(p.items[1].value.ptr[p.items[1].value.len], 0);
    store_pairs_free(&p);
    CHECK_OK(store_get_page(kv, STORE_STR("g"), 0, 0, &p));
    CHECK_INT(p.len, 0);
    store_pairs_free(&p);
    CHECK_OK(store_get_page(kv, STORE_STR("g"), 6, 100, &p));
    CHECK_INT(p.len, 1);
    store_pairs_free(&p);
    CHECK_OK(store_get_page(kv, STORE_STR("g"), 7, 100, &p));
    CHECK_INT(p.len, 0);
    CHECK(p.items == NULL);
    store_pairs_free(&p);
    CHECK_OK(store_get_page(kv, STORE_STR("missing"), 0, 10, &p));
    CHECK_INT(p.len, 0);
    store_pairs_free(&p);
    CHECK_ERR(store_get_page(kv, STORE_STR("g"), -1, 1, &p), STORE_INVALID_ARGUMENT, "offset must be zero or positive");
    CHECK_ERR(store_get_page(kv, STORE_STR("g"), 0, -1, &p), STORE_INVALID_ARGUMENT, "limit must be zero or positive");
    CHECK_ERR(store_get_page(kv, STORE_STR("g"), -1, -1, &p), STORE_INVALID_ARGUMENT, "offset");
    store_free(db);
}

static void groups_distinct_sorted_live(void) {
    OPEN_MEMORY(db);
    store_kv *kv = store_db_kv(db);
    store_strings s = {0};
    CHECK_OK(store_groups(kv, STORE_STR(""), &s));
    CHECK_INT(s.len, 0);
    CHECK(s.items == NULL);
    store_strings_free(&s);
    SET(kv, "zeta", "a", "v");
    SET(kv, "alpha", "a", "v");
    SET(kv, "alpha", "b", "v");
    SET(kv, "beta", "a", "v");
    CHECK_OK(store_set_with_ttl(kv, STORE_STR("gone"), STORE_STR("a"), STORE_STR("v"), 1));
    check_sleep_ms(5);
    CHECK_OK(store_groups(kv, NULL, 0, &s));
    CHECK_STRINGS(&s, "alpha", "beta", "zeta");
    store_strings_free(&s);
    CHECK_OK(store_groups(kv, STORE_STR("be"), &s));
    CHECK_STRINGS(&s, "beta");
    store_strings_free(&s);
    CHECK_OK(store_groups(kv, STORE_STR("nothing"), &s));
    CHECK_INT(s.len, 0);
    store_strings_free(&s);
    store_free(db);
}

/* Writes (group, key, value) of any bytes and reads each back every way. */
static void round_trip(store_kv *kv, const uint8_t *g, size_t gl, const uint8_t *k, size_t kl, const uint8_t *v,
                       size_t vl) {
    store_bytes b = {0};
    store_pairs p = {0};
    store_strings s = {0};
    CHECK_OK(store_set(kv, g, gl, k, kl, v, vl));
    CHECK_OK(store_get(kv, g, gl, k, kl, &b));
    CHECK_INT(b.len, vl);
    CHECK(vl == 0 || memcmp(b.ptr, v, vl) == 0);
    CHECK_INT(b.ptr[vl], 0);
    store_bytes_free(&b);
    CHECK_OK(store_get_all(kv, g, gl, &p));
    CHECK_INT(p.len, 1);
    CHECK_INT(p.items[0].key.len, kl);
    CHECK(kl == 0 || memcmp(p.items[0].key.ptr, k, kl) == 0);
    CHECK_INT(p.items[0].value.len, vl);
    CHECK(vl == 0 || memcmp(p.items[0].value.ptr, v, vl) == 0);
    store_pairs_free(&p);
    CHECK_OK(store_groups(kv, g, gl, &s));
    CHECK(s.len >= 1);
    CHECK_INT(s.items[0].len, gl);
    CHECK(gl == 0 || memcmp(s.items[0].ptr, g, gl) == 0);
    store_strings_free(&s);
    CHECK_OK(store_delete_group(kv, g, gl));
}

static void edge_case_round_trips(void) {
    static const struct {
        const char *group, *key, *value;
        size_t gl, kl, vl;
    } cases[] = {
        {"", "", "", 0, 0, 0},
        {"g", "", "empty key", 1, 0, 9},
        {"g", "k", "", 1, 1, 0},
        {"", "k", "empty group", 0, 1, 11},
        {"  spaced group ", " key ", " value ", 15, 5, 7},
        {"new\nline", "tab\tkey", "cr\r\nlf", 8, 7, 6},
        {"unicode", "\xc3\xa9\xc3\xa8", "\xe4\xb8\xad\xe6\x96\x87 \xd8\xb9\xd8\xb1\xd8\xa8\xd9\x8a", 7, 4, 15},
        {"emoji", "\xf0\x9f\x94\x91", "\xf0\x9f\x98\x80\xf0\x9f\x8e\x89", 5, 4, 8},
        {"nul\0group", "nul\0key", "nul\0value\0", 9, 7, 10},
        {"bad\xff\xfeutf8", "\xc3\x28", "\x80\x81\xff", 9, 2, 3},
        {"sql'; DROP TABLE entries; --", "' OR '1'='1", "\"; DELETE FROM entries; --", 28, 11, 26},
        {"back\\slash", "per%cent_under", "%_^\\", 10, 14, 4},
    };
    OPEN_MEMORY(db);
    store_kv *kv = store_db_kv(db);
    size_t i, big = 100000;
    uint8_t *g = malloc(10000), *k = malloc(10000), *v = malloc(big);
    CHECK(g && k && v);
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        round_trip(kv, (const uint8_t *)cases[i].group, cases[i].gl, (const uint8_t *)cases[i].key, cases[i].kl,
                   (const uint8_t *)cases[i].value, cases[i].vl);
        if (check_failed()) {
            fprintf(stderr, "  in case %zu\n", i);
            break;
        }
    }
    for (i = 0; i < 10000; i++) {
        g[i] = (uint8_t)('a' + i % 26);
        k[i] = (uint8_t)(i % 251); /* every byte value, NUL included */
    }
    for (i = 0; i < big; i++) v[i] = (uint8_t)(i * 7 % 256);
    if (!check_failed()) round_trip(kv, g, 10000, k, 10000, v, big);
    free(g);
    free(k);
    free(v);
    if (check_failed()) return;
    /* The SQL text stored nothing but itself. */
    SET(kv, "survivor", "k", "v");
    CHECK_COUNT_ALL(kv, 1, NULL, 0);
    store_free(db);
}

static void get_into_small_and_overflow(void) {
    OPEN_MEMORY(db);
    store_kv *kv = store_db_kv(db);
    uint8_t buf[8];
    size_t len = 0;
    store_bytes spill = {0};
    SET(kv, "g", "short", "abc");
    SET(kv, "g", "long", "0123456789");
    memset(buf, 'x', sizeof buf);
    CHECK_OK(store_get_into(kv, STORE_STR("g"), STORE_STR("short"), buf, sizeof buf, &len, &spill));
    CHECK_INT(len, 3);
    CHECK(memcmp(buf, "abcx", 4) == 0);
    CHECK(spill.ptr == NULL);
    memset(buf, 'x', sizeof buf);
    CHECK_OK(store_get_into(kv, STORE_STR("g"), STORE_STR("long"), buf, sizeof buf, &len, &spill));
    CHECK_INT(len, 10);
    CHECK(buf[0] == 'x');
    CHECK_BYTES(spill.ptr, spill.len, "0123456789");
    store_bytes_free(&spill);
    CHECK_OK(store_get_into(kv, STORE_STR("g"), STORE_STR("long"), NULL, 0, &len, NULL));
    CHECK_INT(len, 10);
    CHECK_STATUS(store_get_into(kv, STORE_STR("g"), STORE_STR("none"), buf, sizeof buf, &len, NULL), STORE_NOT_FOUND);
    store_free(db);
}

static void split_fields_render(void) {
    OPEN_MEMORY(db);
    store_kv *kv = store_db_kv(db);
    store_strings s = {0};
    store_bytes b = {0};
    SET(kv, "g", "csv", "a,b,,c");
    SET(kv, "g", "words", "  alpha beta\tgamma\n");
    SET(kv, "g", "empty", "");
    SET(kv, "g", "host", "smtp.example.com");
    SET(kv, "g", "port", "587");
    CHECK_OK(store_get_split(kv, STORE_STR("g"), STORE_STR("csv"), STORE_STR(","), &s));
    CHECK_STRINGS(&s, "a", "b", "", "c");
    store_strings_free(&s);
    CHECK_OK(store_get_split(kv, STORE_STR("g"), STORE_STR("empty"), STORE_STR(","), &s));
    CHECK_STRINGS(&s, "");
    store_strings_free(&s);
    CHECK_OK(store_get_split(kv, STORE_STR("g"), STORE_STR("port"), NULL, 0, &s));
    CHECK_STRINGS(&s, "5", "8", "7");
    store_strings_free(&s);
    CHECK_OK(store_get_fields(kv, STORE_STR("g"), STORE_STR("words"), &s));
    CHECK_STRINGS(&s, "alpha", "beta", "gamma");
    store_strings_free(&s);
    CHECK_OK(store_render(kv, STORE_STR("{{ .host }}:{{ .port }}"), STORE_STR("g"), &b));
    CHECK_BYTES(b.ptr, b.len, "smtp.example.com:587");
    store_bytes_free(&b);
    CHECK_OK(store_render(kv, STORE_STR("{{ host }}/{{ .missing }}"), STORE_STR("g"), &b));
    CHECK_BYTES(b.ptr, b.len, "smtp.example.com/<no value>");
    store_bytes_free(&b);
    CHECK_OK(store_render(kv, STORE_STR("static text"), STORE_STR("empty-group"), &b));
    CHECK_BYTES(b.ptr, b.len, "static text");
    store_bytes_free(&b);
    CHECK_ERR(store_render(kv, STORE_STR("{{ .host "), STORE_STR("g"), &b), STORE_TEMPLATE, "store.Render");
    CHECK(b.ptr == NULL);
    store_free(db);
}

/* Iterates a 600-row group (three pages) while writing and reading the
 * same store from the loop body: nothing may deadlock or skip rows. */
static void iterate_and_call_store(store_db *db) {
    store_kv *kv = store_db_kv(db);
    store_iter *it = NULL;
    store_slice key, value;
    store_pairs batch = {0};
    bool has_row = false;
    char prev[16] = "";
    int i, seen = 0;
    for (i = 0; i < 600; i++) {
        char k[16];
        snprintf(k, sizeof k, "k%04d", i);
        SET(kv, "it", k, "v");
    }
    CHECK_OK(store_iter_open(kv, STORE_STR("it"), &it));
    for (;;) {
        char k[16];
        CHECK_OK(store_iter_next(it, &key, &value, &has_row));
        if (!has_row) break;
        CHECK(key.len < sizeof k);
        memcpy(k, key.ptr, key.len);
        k[key.len] = 0;
        CHECK(strcmp(prev, k) < 0);
        strcpy(prev, k);
        CHECK_SLICE(value, "v");
        /* The loop body uses the same store. */
        SET(kv, "side", k, "seen");
        CHECK_GET(kv, "side", k, "seen");
        CHECK_OK(store_set(kv, STORE_STR("it"), key.ptr, key.len, STORE_STR("v")));
        seen++;
    }
    CHECK_INT(seen, 600);
    CHECK_OK(store_iter_next(it, &key, &value, &has_row));
    CHECK(!has_row);
    store_iter_free(it);
    CHECK_COUNT(kv, "side", 600);

    /* Batches: 256 + 256 + 88, then an empty list. */
    CHECK_OK(store_iter_open(kv, STORE_STR("it"), &it));
    CHECK_OK(store_iter_next_batch(it, 0, &batch));
    CHECK_INT(batch.len, 256);
    CHECK_SLICE(batch.items[0].key, "k0000");
    store_pairs_free(&batch);
    SET(kv, "side", "during-batch", "x");
    CHECK_OK(store_iter_next_batch(it, 300, &batch));
    CHECK_INT(batch.len, 300);
    CHECK_SLICE(batch.items[0].key, "k0256");
    store_pairs_free(&batch);
    CHECK_OK(store_iter_next_batch(it, 300, &batch));
    CHECK_INT(batch.len, 44);
    store_pairs_free(&batch);
    CHECK_OK(store_iter_next_batch(it, 300, &batch));
    CHECK_INT(batch.len, 0);
    store_pairs_free(&batch);
    store_iter_free(it);
}

static void iteration_memory(void) {
    OPEN_MEMORY(db);
    iterate_and_call_store(db);
    store_free(db);
}

static void iteration_file(void) {
    char path[600];
    OPEN_FILE(db, check_path(path, sizeof path, "iter.db"), STORE_SYNC_OFF);
    iterate_and_call_store(db);
    store_free(db);
}

int main(int argc, char **argv) {
    static const check_test tests[] = {
        TEST(set_get_upsert_delete),
        TEST(not_found_message_names_group_and_key),
        TEST(count_groups_and_isolation),
        TEST(ttl_expiry_layers),
        TEST(purge_expired_counts_and_notifies),
        TEST(background_purge_removes_rows),
        TEST(prefix_wildcards_are_literal),
        TEST(prefixes_are_case_sensitive),
        TEST(keys_order_bytewise_and_pages),
        TEST(groups_distinct_sorted_live),
        TEST(edge_case_round_trips),
        TEST(get_into_small_and_overflow),
        TEST(split_fields_render),
        TEST(iteration_memory),
        TEST(iteration_file),
    };
    return check_run("kv", tests, sizeof tests / sizeof tests[0], argc, argv);
}
