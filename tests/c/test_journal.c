/*
 * The journal and compaction through the C ABI: commit results as JSON,
 * journal rows inside transactions, the three query classes, every
 * refusal with STORE_QUERY, compaction options and archives.
 */
#include "check.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>

#define COMMIT(kv, m, f, t, out) \
    store_journal_commit((kv), STORE_STR(m), STORE_STR(f), STORE_STR(t), (out))

/** Fails unless the query's JSON contains `needle`. */
#define CHECK_QUERY_HAS(kv, q, needle) \
    do { \
        store_bytes check_j_ = {0}; \
        CHECK_OK(store_journal_query((kv), STORE_STR(q), &check_j_)); \
        bool check_has_ = check_j_.ptr && check_contains((const char *)check_j_.ptr, (needle)); \
        if (!check_has_) \
            check_fail(__FILE__, __LINE__, "query %s: %s lacks %s", (q), \
                       check_j_.ptr ? (const char *)check_j_.ptr : "(null)", (needle)); \
        store_bytes_free(&check_j_); \
        if (!check_has_) return; \
    } while (0)

/** Fails unless the query returns exactly the JSON text `want`. */
#define CHECK_QUERY_IS(kv, q, want) \
    do { \
        store_bytes check_j_ = {0}; \
        CHECK_OK(store_journal_query((kv), STORE_STR(q), &check_j_)); \
        bool check_same_ = check_bytes_eq(check_j_.ptr, check_j_.len, (want)); \
        if (!check_same_) \
            check_fail(__FILE__, __LINE__, "query %s: got %.*s, want %s", (q), (int)check_j_.len, \
                       (const char *)check_j_.ptr, (want)); \
        store_bytes_free(&check_j_); \
        if (!check_same_) return; \
    } while (0)

static store_slice slice_of(const char *s) {
    store_slice out = {(const uint8_t *)s, strlen(s)};
    return out;
}

static int64_t now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void commit_returns_the_entry(void) {
    OPEN_MEMORY(db);
    store_kv *kv = store_db_kv(db);
    store_bytes out = {0};
    CHECK_OK(COMMIT(kv, "session-a", "{\"like\":4,\"a\":\"<\"}", "{\"workspace\":\"session-a\"}", &out));
    CHECK(check_contains((const char *)out.ptr, "\"bucket\":\"store\""));
    CHECK(check_contains((const char *)out.ptr, "\"measurement\":\"session-a\""));
    CHECK(check_contains((const char *)out.ptr, "\"fields\":{\"a\":\"<\",\"like\":4}"));
    CHECK(check_contains((const char *)out.ptr, "\"tags\":{\"workspace\":\"session-a\"}"));
    CHECK(check_contains((const char *)out.ptr, "\"committed_at\":"));
    store_bytes_free(&out);
    CHECK(out.ptr == NULL);
    CHECK_OK(COMMIT(kv, "no-result", "", "", NULL));
    CHECK_QUERY_IS(kv, "SELECT fields_json FROM journal_entries ORDER BY entry_id LIMIT 1",
                   "[{\"fields_json\":\"{\\\"a\\\":\\\"\\\\u003c\\\",\\\"like\\\":4}\",\"fields\":{\"a\":\"\\u003c\",\"like\":4}}]");
    store_free(db);
}

static void commit_refuses_bad_input(void) {
    OPEN_MEMORY(db);
    store_kv *kv = store_db_kv(db);
    store_scope *scope = NULL;
    store_bytes out = {0};
    CHECK_ERR(COMMIT(kv, "", "{}", "{}", &out), STORE_INVALID_ARGUMENT,
              "store.CommitToJournal: measurement is empty");
    CHECK(out.ptr == NULL);
    CHECK_ERR(COMMIT(kv, "m", "[1]", "{}", &out), STORE_INVALID_ARGUMENT, "marshal fields");
    CHECK_ERR(COMMIT(kv, "m", "{}", "{\"a\":1}", &out), STORE_INVALID_ARGUMENT, "marshal tags");
    CHECK_ERR(store_journal_commit(kv, (const uint8_t *)"m", 1, NULL, 3, NULL, 0, &out), STORE_INVALID_ARGUMENT,
              "fields_json is NULL");
    CHECK_ERR(store_journal_commit(kv, (const uint8_t *)"\xff", 1, NULL, 0, NULL, 0, &out), STORE_INVALID_ARGUMENT,
              "not valid UTF-8");
    CHECK_ERR(COMMIT(NULL, "m", "{}", "{}", &out), STORE_INVALID_ARGUMENT, "kv handle is NULL");
    CHECK_ERR(store_journal_query(kv, STORE_STR(""), NULL), STORE_INVALID_ARGUMENT, "out is NULL");
    CHECK_OK(store_scope_open(db, STORE_STR("tenant"), NULL, &scope));
    CHECK_ERR(COMMIT(store_scope_kv(scope), "m", "{}", "{}", &out), STORE_INVALID_ARGUMENT,
              "not available on scoped views");
    store_scope_free(scope);
    CHECK_QUERY_IS(kv, "", "[]");
    CHECK_OK(store_close(db));
    CHECK_ERR(COMMIT(kv, "m", "{}", "{}", &out), STORE_CLOSED, "store.CommitToJournal: store is closed");
    CHECK_ERR(store_journal_query(kv, STORE_STR(""), &out), STORE_CLOSED, "store.QueryJournal: store is closed");
    store_free(db);
}

static void journal_rows_follow_the_transaction(void) {
    OPEN_MEMORY(db);
    store_kv *kv = store_db_kv(db);
    store_txn *txn = NULL;
    CHECK_OK(store_txn_begin(kv, &txn));
    CHECK_OK(COMMIT(store_txn_kv(txn), "rolled-back", "{}", "{}", NULL));
    CHECK_QUERY_HAS(store_txn_kv(txn), "", "rolled-back");
    CHECK_OK(store_txn_rollback(txn));
    store_txn_free(txn);
    CHECK_QUERY_IS(kv, "", "[]");
    CHECK_OK(store_txn_begin(kv, &txn));
    CHECK_OK(COMMIT(store_txn_kv(txn), "kept", "{}", "{}", NULL));
    CHECK_OK(store_set(store_txn_kv(txn), STORE_STR("g"), STORE_STR("k"), STORE_STR("v")));
    CHECK_OK(store_txn_commit(txn));
    store_txn_free(txn);
    CHECK_QUERY_HAS(kv, "", "\"measurement\":\"kept\"");
    CHECK_GET(kv, "g", "k", "v");
    store_free(db);
}

static void queries_and_refusals(void) {
    OPEN_MEMORY(db);
    store_kv *kv = store_db_kv(db);
    store_bytes out = {0};
    CHECK_OK(COMMIT(kv, "cpu", "{\"load\":0.5}", "{\"host\":\"a\"}", NULL));
    CHECK_OK(COMMIT(kv, "mem", "{\"used\":7}", "{\"host\":\"b\"}", NULL));
    CHECK_QUERY_HAS(kv, "from(bucket: \"store\") |> range(start: -1h) |> filter(fn: (r) => r.host == \"b\")",
                    "\"measurement\":\"mem\"");
    CHECK_QUERY_IS(kv, "from(bucket: \"store\") |> filter(fn: (r) => r.load > 1)", "[]");
    CHECK_QUERY_IS(kv, "SELECT measurement, 1.5 AS r, 2 AS i, NULL AS n FROM journal_entries ORDER BY entry_id LIMIT 1",
                   "[{\"measurement\":\"cpu\",\"r\":1.5,\"i\":2,\"n\":null}]");
    CHECK_QUERY_HAS(kv, "PRAGMA table_info(journal_entries)", "\"name\":\"archived_at\"");
    CHECK_ERR(store_journal_query(kv, STORE_STR("from(bucket: \"store\") |> group()"), &out), STORE_QUERY,
              "1:26: unsupported function `group()`");
    CHECK_ERR(store_journal_query(kv, STORE_STR("from(bucket: \"store\")\n  |> filter(fn: (r) => r.a =~ /x/)"), &out),
              STORE_QUERY, "2:28: regular-expression operator `=~`");
    CHECK_ERR(store_journal_query(kv, STORE_STR("SELECT 1; DELETE FROM journal_entries"), &out), STORE_QUERY,
              "exactly one statement");
    CHECK_ERR(store_journal_query(kv, STORE_STR("WITH x AS (SELECT 1) DELETE FROM journal_entries"), &out),
              STORE_QUERY, "the statement writes");
    CHECK_ERR(store_journal_query(kv, STORE_STR("PRAGMA query_only=0"), &out), STORE_QUERY, "may change state");
    CHECK_ERR(store_journal_query(kv, STORE_STR("ATTACH ':memory:' AS x"), &out), STORE_QUERY, "ATTACH is refused");
    CHECK(out.ptr == NULL);
    CHECK_QUERY_HAS(kv, "SELECT COUNT(*) AS n FROM journal_entries", "\"n\":2");
    store_free(db);
}

static int count_files(const char *dir, const char *suffix) {
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;
    size_t sl = strlen(suffix);
    if (!d) return -1;
    while ((e = readdir(d)) != NULL) {
        size_t l = strlen(e->d_name);
        if (l >= sl && strcmp(e->d_name + l - sl, suffix) == 0) n++;
    }
    closedir(d);
    return n;
}

static void compaction(void) {
    char path[512], out_dir[512], sql[128];
    store_compact_options o;
    store_bytes archive = {0};
    check_path(path, sizeof path, "journal.db");
    check_path(out_dir, sizeof out_dir, "archive");
    OPEN_FILE(db, path, STORE_SYNC_DEFAULT);
    store_kv *kv = store_db_kv(db);
    CHECK_OK(COMMIT(kv, "old", "{\"n\":1}", "{}", NULL));
    CHECK_OK(COMMIT(kv, "new", "{\"n\":2}", "{}", NULL));

    CHECK_OK(store_compact_options_init(&o, sizeof o));
    CHECK_INT(o.struct_size, sizeof o);
    CHECK_ERR(store_compact_options_validate(&o), STORE_INVALID_ARGUMENT, "before cutoff time is empty");
    CHECK_ERR(store_compact(db, &o, &archive), STORE_INVALID_ARGUMENT,
              "store.Compact: validate options: store.CompactOptions.Validate: before cutoff time is empty");
    o.before_ms = now_ms() + 60000;
    o.format = slice_of("brotli");
    CHECK_ERR(store_compact_options_validate(&o), STORE_INVALID_ARGUMENT, "format must be \"gzip\" or \"zstd\"; got brotli");
    CHECK_ERR(store_compact_options_validate(NULL), STORE_INVALID_ARGUMENT, "options is NULL");
    o.format = slice_of(" ZSTD ");
    CHECK_OK(store_compact_options_validate(&o));

    /* Nothing old enough: empty path, directory created, no file. */
    o.before_ms = 1;
    o.output = slice_of(out_dir);
    CHECK_OK(store_compact(db, &o, &archive));
    CHECK_INT(archive.len, 0);
    store_bytes_free(&archive);
    CHECK_INT(count_files(out_dir, ".zst"), 0);

    /* Archive everything before "now + 1 min". */
    o.before_ms = now_ms() + 60000;
    CHECK_OK(store_compact(db, &o, &archive));
    CHECK(archive.len > 0);
    CHECK(check_contains((const char *)archive.ptr, out_dir));
    CHECK(check_contains((const char *)archive.ptr, ".jsonl.zst"));
    store_bytes_free(&archive);
    CHECK_INT(count_files(out_dir, ".jsonl.zst"), 1);
    CHECK_INT(count_files(out_dir, ".tmp"), 0);
    CHECK_QUERY_IS(kv, "", "[]");
    snprintf(sql, sizeof sql, "SELECT COUNT(*) AS n FROM journal_entries WHERE archived_at IS NOT NULL");
    CHECK_QUERY_HAS(kv, sql, "\"n\":2");

    /* A struct_size below the first published layout is refused. */
    CHECK_OK(COMMIT(kv, "later", "{}", "{}", NULL));
    o.struct_size = (uint32_t)offsetof(store_compact_options, retention_ms);
    o.retention_ms = -5;
    o.before_ms = now_ms() + 60000;
    CHECK_ERR(store_compact(db, &o, &archive), STORE_INVALID_ARGUMENT, "below the first published");
    CHECK(archive.ptr == NULL);
    CHECK_INT(count_files(out_dir, ".jsonl.zst"), 1);

    o.struct_size = sizeof o;
    CHECK_ERR(store_compact(db, &o, &archive), STORE_INVALID_ARGUMENT, "retention_ms must not be negative");
    o.retention_ms = 1;
    check_sleep_ms(20); /* every row is now older than the retention */
    CHECK_OK(store_compact(db, &o, &archive));
    store_bytes_free(&archive);
    CHECK_QUERY_HAS(kv, "SELECT COUNT(*) AS n FROM journal_entries", "\"n\":0");
    CHECK_ERR(store_compact(NULL, &o, &archive), STORE_INVALID_ARGUMENT, "NULL");
    CHECK_ERR(store_compact(db, &o, NULL), STORE_INVALID_ARGUMENT, "out_path is NULL");
    store_free(db);
}

int main(int argc, char **argv) {
    static const check_test tests[] = {
        TEST(commit_returns_the_entry),
        TEST(commit_refuses_bad_input),
        TEST(journal_rows_follow_the_transaction),
        TEST(queries_and_refusals),
        TEST(compaction),
    };
    return check_run("journal", tests, sizeof tests / sizeof tests[0], argc, argv);
}
