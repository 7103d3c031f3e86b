/*
 * ABI hygiene: structs that may grow (libgit2's size rule, checked with
 * canary bytes under AddressSanitizer), transaction bodies returning any
 * int, empty reads into a NULL buffer, the last error after callbacks that
 * failed inside a successful call, batch sizes after single steps, and
 * unsubscribing twice.
 */
#include "check.h"

#include <stdio.h>
#include <stdlib.h>

#define CANARY 0xA5
#define CANARY_LEN 32

/* A heap block of exactly `size` bytes followed by CANARY_LEN canary bytes,
 * with `struct_size` (a uint32_t at `size_offset`) set to `declared`.
 * AddressSanitizer reports any access past size + CANARY_LEN. */
static unsigned char *sized_block(size_t size, size_t size_offset, uint32_t declared) {
    unsigned char *block = malloc(size + CANARY_LEN);
    if (!block) abort();
    memset(block, CANARY, size + CANARY_LEN);
    memcpy(block + size_offset, &declared, sizeof declared);
    return block;
}

static bool canary_intact(const unsigned char *from, size_t len) {
    size_t i;
    for (i = 0; i < len; i++)
        if (from[i] != CANARY) return false;
    return true;
}

static uint32_t declared_size(const unsigned char *block, size_t size_offset) {
    uint32_t size;
    memcpy(&size, block + size_offset, sizeof size);
    return size;
}

/* A caller compiled against a future header with one more options field. */
typedef struct future_options {
    store_options base;
    uint64_t added;
} future_options;

static void options_size_rule(void) {
    const size_t at = offsetof(store_options, struct_size);
    unsigned char *block;
    future_options future;
    store_db *db = NULL;

    /* Below the first published layout: refused, nothing written. */
    block = sized_block(STORE_OPTIONS_SIZE_V1, at, 0);
    CHECK_ERR(store_options_init((store_options *)block, STORE_OPTIONS_SIZE_V1 - 1), STORE_INVALID_ARGUMENT,
              "struct_size");
    CHECK(declared_size(block, at) == 0);
    CHECK(canary_intact(block + at + 4, STORE_OPTIONS_SIZE_V1 + CANARY_LEN - at - 4));
    CHECK_ERR(store_open(STORE_STR(":memory:"), (store_options *)block, &db), STORE_INVALID_ARGUMENT,
              "options.struct_size is 0");
    CHECK(db == NULL);

    /* Exactly the first published size: init, open and read back stay inside it. */
    CHECK_OK(store_options_init((store_options *)block, STORE_OPTIONS_SIZE_V1));
    CHECK_INT(declared_size(block, at), STORE_OPTIONS_SIZE_V1);
    CHECK(canary_intact(block + STORE_OPTIONS_SIZE_V1, CANARY_LEN));
    CHECK_OK(store_open(STORE_STR(":memory:"), (store_options *)block, &db));
    memset(block, CANARY, STORE_OPTIONS_SIZE_V1 + CANARY_LEN);
    {
        uint32_t v1 = (uint32_t)STORE_OPTIONS_SIZE_V1;
        memcpy(block + at, &v1, sizeof v1);
    }
    CHECK_OK(store_get_options(db, (store_options *)block));
    CHECK(canary_intact(block + STORE_OPTIONS_SIZE_V1, CANARY_LEN));
    CHECK_INT(declared_size(block, at), STORE_OPTIONS_SIZE_V1);
    {
        int64_t purge;
        memcpy(&purge, block + offsetof(store_options, purge_interval_ms), sizeof purge);
        CHECK_INT(purge, 60000);
    }
    store_free(db);
    db = NULL;
    free(block);

    /* A larger future layout: the library fills what it knows, says how
     * much, and leaves the rest; an unknown tail is ignored on input. */
    memset(&future, CANARY, sizeof future);
    CHECK_OK(store_options_init(&future.base, sizeof future));
    CHECK_INT(future.base.struct_size, sizeof(store_options));
    CHECK(canary_intact((const unsigned char *)&future.added, sizeof future.added));
    CHECK_INT(future.base.synchronous, STORE_SYNC_DEFAULT);
    future.base.struct_size = (uint32_t)sizeof future;
    future.added = 0xDEADBEEFu;
    future.base.purge_interval_ms = 1234;
    CHECK_OK(store_options_validate(STORE_STR(":memory:"), &future.base));
    CHECK_OK(store_open(STORE_STR(":memory:"), &future.base, &db));
    memset(&future, CANARY, sizeof future);
    future.base.struct_size = (uint32_t)sizeof future;
    CHECK_OK(store_get_options(db, &future.base));
    CHECK_INT(future.base.struct_size, sizeof(store_options));
    CHECK_INT(future.base.purge_interval_ms, 1234);
    CHECK(canary_intact((const unsigned char *)&future.added, sizeof future.added));

    /* An output struct below the first layout is refused and untouched. */
    memset(&future, CANARY, sizeof future);
    future.base.struct_size = 8;
    CHECK_ERR(store_get_options(db, &future.base), STORE_INVALID_ARGUMENT, "out.struct_size is 8");
    CHECK(canary_intact((const unsigned char *)&future + 4, sizeof future - 4));
    store_free(db);
}

static void quota_and_usage_size_rule(void) {
    const size_t qat = offsetof(store_quota, struct_size), uat = offsetof(store_usage, struct_size);
    store_scope *scope = NULL;
    unsigned char *q, *u;
    int64_t v;
    struct {
        store_quota base;
        int64_t added;
    } future_quota;
    OPEN_MEMORY(db);

    /* A first-layout quota of exactly its size limits the namespace. */
    q = sized_block(STORE_QUOTA_SIZE_V1, qat, (uint32_t)STORE_QUOTA_SIZE_V1);
    v = 1;
    memcpy(q + offsetof(store_quota, max_keys), &v, sizeof v);
    v = 0;
    memcpy(q + offsetof(store_quota, max_groups), &v, sizeof v);
    memcpy(q + offsetof(store_quota, max_bytes), &v, sizeof v);
    CHECK_OK(store_quota_validate((store_quota *)q));
    CHECK_OK(store_scope_open(db, STORE_STR("ns"), (store_quota *)q, &scope));
    SET(store_scope_kv(scope), "g", "a", "1");
    CHECK_STATUS(store_set(store_scope_kv(scope), STORE_STR("g"), STORE_STR("b"), STORE_STR("2")), STORE_QUOTA_EXCEEDED);

    /* Outputs stay inside a first-layout block. */
    memset(q, CANARY, STORE_QUOTA_SIZE_V1 + CANARY_LEN);
    {
        uint32_t v1 = (uint32_t)STORE_QUOTA_SIZE_V1;
        memcpy(q + qat, &v1, sizeof v1);
    }
    CHECK_OK(store_scope_get_quota(scope, (store_quota *)q));
    CHECK(canary_intact(q + STORE_QUOTA_SIZE_V1, CANARY_LEN));
    memcpy(&v, q + offsetof(store_quota, max_keys), sizeof v);
    CHECK_INT(v, 1);
    u = sized_block(STORE_USAGE_SIZE_V1, uat, (uint32_t)STORE_USAGE_SIZE_V1);
    CHECK_OK(store_scope_usage(store_scope_kv(scope), (store_usage *)u));
    CHECK(canary_intact(u + STORE_USAGE_SIZE_V1, CANARY_LEN));
    memcpy(&v, u + offsetof(store_usage, keys), sizeof v);
    CHECK_INT(v, 1);
    memcpy(&v, u + offsetof(store_usage, bytes), sizeof v);
    CHECK_INT(v, 2);

    /* Below the first layout: refused, nothing read or written. */
    memset(u, CANARY, STORE_USAGE_SIZE_V1 + CANARY_LEN);
    {
        uint32_t small = 4;
        memcpy(u + uat, &small, sizeof small);
        memcpy(q + qat, &small, sizeof small);
    }
    CHECK_ERR(store_scope_usage(store_scope_kv(scope), (store_usage *)u), STORE_INVALID_ARGUMENT, "struct_size is 4");
    CHECK(canary_intact(u + uat + 4, STORE_USAGE_SIZE_V1 + CANARY_LEN - uat - 4));
    CHECK_ERR(store_scope_set_quota(scope, (store_quota *)q), STORE_INVALID_ARGUMENT, "quota.struct_size is 4");
    CHECK_ERR(store_scope_validate(STORE_STR("ns"), (store_quota *)q), STORE_INVALID_ARGUMENT, "STORE_QUOTA_INIT");

    /* A future, larger quota: the unknown tail is ignored. */
    memset(&future_quota, CANARY, sizeof future_quota);
    future_quota.base.struct_size = (uint32_t)sizeof future_quota;
    future_quota.base.max_keys = 5;
    future_quota.base.max_groups = 0;
    future_quota.base.max_bytes = 0;
    CHECK_OK(store_scope_set_quota(scope, &future_quota.base));
    memset(&future_quota, CANARY, sizeof future_quota);
    future_quota.base.struct_size = (uint32_t)sizeof future_quota;
    CHECK_OK(store_scope_get_quota(scope, &future_quota.base));
    CHECK_INT(future_quota.base.struct_size, sizeof(store_quota));
    CHECK_INT(future_quota.base.max_keys, 5);
    CHECK(canary_intact((const unsigned char *)&future_quota.added, sizeof future_quota.added));
    free(q);
    free(u);
    store_scope_free(scope);
    store_free(db);
}

typedef struct size_seen {
    uint32_t struct_size;
    int calls;
} size_seen;

static void note_size(void *user_data, const store_event *e) {
    size_seen *s = user_data;
    s->struct_size = e->struct_size;
    s->calls++;
}

static void event_size_rule(void) {
    const size_t at = offsetof(store_event, struct_size);
    store_watch *w = NULL;
    store_subscription *sub = NULL;
    size_seen seen = {0, 0};
    unsigned char *block;
    struct {
        store_event base;
        uint64_t added;
    } future;
    store_slice key;
    OPEN_MEMORY(db);
    store_kv *kv = store_db_kv(db);

    CHECK_OK(store_watch_open(kv, STORE_STR("*"), 8, &w));
    CHECK_OK(store_subscribe(kv, STORE_STR("*"), note_size, &seen, NULL, &sub));
    SET(kv, "g", "one", "1");
    SET(kv, "g", "two", "2");
    /* Callbacks see the library's own size. */
    CHECK_INT(seen.calls, 2);
    CHECK_INT(seen.struct_size, sizeof(store_event));

    /* Too small: refused before an event is taken, so none is lost. */
    block = sized_block(STORE_EVENT_SIZE_V1, at, 4);
    CHECK_ERR(store_watch_next(w, 0, (store_event *)block), STORE_INVALID_ARGUMENT, "STORE_EVENT_INIT");
    CHECK(canary_intact(block + at + 4, STORE_EVENT_SIZE_V1 + CANARY_LEN - at - 4));

    /* Exactly the first published size. */
    {
        uint32_t v1 = (uint32_t)STORE_EVENT_SIZE_V1;
        memcpy(block + at, &v1, sizeof v1);
    }
    CHECK_OK(store_watch_next(w, 0, (store_event *)block));
    CHECK(canary_intact(block + STORE_EVENT_SIZE_V1, CANARY_LEN));
    CHECK_INT(declared_size(block, at), STORE_EVENT_SIZE_V1);
    memcpy(&key, block + offsetof(store_event, key), sizeof key);
    CHECK_SLICE(key, "one");

    /* A future, larger layout. */
    memset(&future, CANARY, sizeof future);
    future.base.struct_size = (uint32_t)sizeof future;
    CHECK_OK(store_watch_next(w, 0, &future.base));
    CHECK_INT(future.base.struct_size, sizeof(store_event));
    CHECK_SLICE(future.base.key, "two");
    CHECK(canary_intact((const unsigned char *)&future.added, sizeof future.added));
    free(block);
    store_unsubscribe(&sub);
    store_watch_free(w);
    store_free(db);
}

/* ---- transaction bodies return a plain int ------------------------------ */

static int body_returns(void *user_data, store_kv *txn) {
    store_set(txn, STORE_STR("g"), STORE_STR("k"), STORE_STR("v"));
    return *(const int *)user_data;
}

static int body_fails_inside_then_commits(void *user_data, store_kv *txn) {
    store_bytes b = {0};
    (void)user_data;
    /* A failed call inside the body leaves a last error behind... */
    if (store_get(txn, STORE_STR("g"), STORE_STR("absent"), &b) != STORE_NOT_FOUND) return 1;
    return store_set(txn, STORE_STR("g"), STORE_STR("k"), STORE_STR("v"));
}

static void transaction_body_returns_any_int(void) {
    int result;
    OPEN_MEMORY(db);
    store_kv *kv = store_db_kv(db);

    result = 12345;
    CHECK_ERR(store_transaction(kv, body_returns, &result), STORE_ABORTED, "body returned 12345");
    CHECK_MISSING(kv, "g", "k");
    result = -1;
    CHECK_ERR(store_transaction(kv, body_returns, &result), STORE_ABORTED, "body returned -1");
    CHECK_MISSING(kv, "g", "k");
    /* A known status passes through. */
    result = STORE_QUOTA_EXCEEDED;
    CHECK_ERR(store_transaction(kv, body_returns, &result), STORE_QUOTA_EXCEEDED, "store.Transaction: execute transaction");
    CHECK_MISSING(kv, "g", "k");
    CHECK(strcmp(store_status_str(STORE_ABORTED), "STORE_ABORTED") == 0);
    result = 0;
    CHECK_OK(store_transaction(kv, body_returns, &result));
    CHECK_GET(kv, "g", "k", "v");
    /* ...but the successful transaction reports none. */
    CHECK_OK(store_transaction(kv, body_fails_inside_then_commits, NULL));
    CHECK(strcmp(store_last_error(), "") == 0);
    store_free(db);
}

/* ---- the last error belongs to the outer call --------------------------- */

static void failing_lookup(void *user_data, const store_event *e) {
    store_db *db = user_data;
    store_bytes b = {0};
    (void)e;
    store_get(store_db_kv(db), STORE_STR("nowhere"), STORE_STR("nothing"), &b);
}

static void last_error_after_failed_callback(void) {
    store_subscription *sub = NULL;
    OPEN_MEMORY(db);
    store_kv *kv = store_db_kv(db);

    CHECK_OK(store_subscribe(kv, STORE_STR("*"), failing_lookup, db, NULL, &sub));
    CHECK_OK(store_set(kv, STORE_STR("g"), STORE_STR("k"), STORE_STR("v")));
    CHECK(strcmp(store_last_error(), "") == 0);
    CHECK_OK(store_delete(kv, STORE_STR("g"), STORE_STR("k")));
    CHECK(strcmp(store_last_error(), "") == 0);
    /* A failure of the outer call still reports its own message. */
    CHECK_ERR(store_set(kv, NULL, 3, STORE_STR("k"), STORE_STR("v")), STORE_INVALID_ARGUMENT, "group is NULL");
    store_unsubscribe(&sub);
    store_free(db);
}

/* ---- reads --------------------------------------------------------------- */

static void get_into_null_buffer_empty_value(void) {
    size_t len = 99;
    store_bytes spill = {0};
    OPEN_MEMORY(db);
    store_kv *kv = store_db_kv(db);

    CHECK_OK(store_set(kv, STORE_STR("g"), STORE_STR("empty"), NULL, 0));
    CHECK_OK(store_get_into(kv, STORE_STR("g"), STORE_STR("empty"), NULL, 0, &len, NULL));
    CHECK_INT(len, 0);
    len = 99;
    CHECK_OK(store_get_into(kv, STORE_STR("g"), STORE_STR("empty"), NULL, 0, &len, &spill));
    CHECK_INT(len, 0);
    CHECK(spill.ptr == NULL);
    /* A non-empty value with no room goes to the overflow buffer. */
    SET(kv, "g", "full", "abc");
    CHECK_OK(store_get_into(kv, STORE_STR("g"), STORE_STR("full"), NULL, 0, &len, &spill));
    CHECK_INT(len, 3);
    CHECK_BYTES(spill.ptr, spill.len, "abc");
    store_bytes_free(&spill);
    store_free(db);
}

static void batch_never_exceeds_max_after_next(void) {
    store_iter *it = NULL;
    store_pairs p = {0};
    store_slice key, value;
    bool has_row = false;
    char k[16];
    int i;
    size_t total = 0;
    OPEN_MEMORY(db);
    store_kv *kv = store_db_kv(db);

    for (i = 0; i < 10; i++) {
        snprintf(k, sizeof k, "k%02d", i);
        CHECK_OK(store_set(kv, STORE_STR("g"), STORE_STR(k), STORE_STR("v")));
    }
    CHECK_OK(store_iter_open(kv, STORE_STR("g"), &it));
    CHECK_OK(store_iter_next(it, &key, &value, &has_row));
    CHECK(has_row);
    CHECK_SLICE(key, "k00");
    /* The page the single step read holds nine more rows; a batch of 3 takes 3. */
    CHECK_OK(store_iter_next_batch(it, 3, &p));
    CHECK_INT(p.len, 3);
    CHECK_SLICE(p.items[0].key, "k01");
    CHECK_SLICE(p.items[2].key, "k03");
    store_pairs_free(&p);
    CHECK_OK(store_iter_next(it, &key, &value, &has_row));
    CHECK_SLICE(key, "k04");
    for (;;) {
        size_t n;
        CHECK_OK(store_iter_next_batch(it, 2, &p));
        n = p.len;
        store_pairs_free(&p);
        if (n == 0) break;
        CHECK(n <= 2);
        total += n;
    }
    CHECK_INT(total, 5);
    store_iter_free(it);
    store_free(db);
}

/* ---- handles -------------------------------------------------------------- */

static int releases;

static void count_release(void *user_data) {
    (void)user_data;
    releases++;
}

static void ignore(void *user_data, const store_event *e) {
    (void)user_data;
    (void)e;
}

static void unsubscribe_twice_is_harmless(void) {
    store_subscription *sub = NULL;
    OPEN_MEMORY(db);

    releases = 0;
    CHECK_OK(store_subscribe(store_db_kv(db), STORE_STR("*"), ignore, NULL, count_release, &sub));
    store_unsubscribe(&sub);
    CHECK(sub == NULL);
    store_unsubscribe(&sub);
    store_unsubscribe(NULL);
    CHECK_INT(releases, 1);
    store_free(db);
}

static void kv_views_are_stable_addresses(void) {
    store_scope *scope = NULL;
    store_txn *txn = NULL;
    OPEN_MEMORY(db);

    CHECK(store_db_kv(NULL) == NULL && store_scope_kv(NULL) == NULL && store_txn_kv(NULL) == NULL);
    CHECK(store_db_kv(db) == store_db_kv(db));
    CHECK_OK(store_scope_open(db, STORE_STR("ns"), NULL, &scope));
    CHECK(store_scope_kv(scope) == store_scope_kv(scope));
    CHECK_OK(store_txn_begin(store_db_kv(db), &txn));
    CHECK(store_txn_kv(txn) == store_txn_kv(txn));
    store_txn_free(txn);
    store_scope_free(scope);
    store_free(db);
}

int main(int argc, char **argv) {
    static const check_test tests[] = {
        TEST(options_size_rule),
        TEST(quota_and_usage_size_rule),
        TEST(event_size_rule),
        TEST(transaction_body_returns_any_int),
        TEST(last_error_after_failed_callback),
        TEST(get_into_null_buffer_empty_value),
        TEST(batch_never_exceeds_max_after_next),
        TEST(unsubscribe_twice_is_harmless),
        TEST(kv_views_are_stable_addresses),
    };
    return check_run("abi", tests, sizeof tests / sizeof tests[0], argc, argv);
}
