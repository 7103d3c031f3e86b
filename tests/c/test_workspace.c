/*
 * Workspaces through the C ABI: create, buffered put, count, aggregate and
 * query as JSON, commit (summary row and journal), close and recovery, the
 * reused-name rule, and argument errors (NULLs, bad JSON, invalid names,
 * closed handles). Run plain and under ASan/UBSan.
 */
#include "check.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#define S(s) STORE_STR(s)

static bool exists(const char *path) {
    struct stat st;
    return stat(path, &st) == 0;
}

#define CHECK_JSON(call, want) \
    do { \
        store_bytes j_ = {0}; \
        CHECK_OK(call); \
        bool same_ = check_bytes_eq(j_.ptr, j_.len, (want)); \
        if (!same_) check_fail(__FILE__, __LINE__, "got %.*s, want %s", (int)j_.len, (const char *)j_.ptr, (want)); \
        store_bytes_free(&j_); \
        if (!same_) return; \
    } while (0)

static void put_count_aggregate_query_commit(void) {
    char state[600], file[700];
    store_db *db = check_open_with_state("ws1", state, sizeof state);
    if (!db) return;
    store_workspace *ws = NULL;
    int64_t n = -1;
    CHECK_OK(store_workspace_new(db, S("scores"), &ws));
    snprintf(file, sizeof file, "%s/scores.duckdb", state);
    CHECK(exists(file));
    CHECK_JSON(store_workspace_database_path(ws, &j_), file);
    CHECK_JSON(store_workspace_name(ws, &j_), "scores");
    CHECK_OK(store_workspace_put(ws, S("like"), S("{\"user\":\"@alice\"}")));
    CHECK_OK(store_workspace_put(ws, S("like"), NULL, 0));
    CHECK_OK(store_workspace_put(ws, S("profile_match"), S("{\"score\":0.5}")));
    CHECK_OK(store_workspace_count(ws, &n));
    CHECK_INT(n, 3);
    CHECK_JSON(store_workspace_aggregate(ws, &j_), "{\"like\":2,\"profile_match\":1}");
    CHECK_JSON(store_workspace_query(ws, S("SELECT kind, count(*) AS n FROM entries GROUP BY 1 ORDER BY 1"), &j_),
               "{\"columns\":[{\"name\":\"kind\",\"type\":\"VARCHAR\"},{\"name\":\"n\",\"type\":\"BIGINT\"}],"
               "\"rows\":[[\"like\",2],[\"profile_match\",1]]}");
    CHECK_JSON(store_workspace_commit(ws, &j_), "{\"like\":2,\"profile_match\":1}");
    CHECK(!exists(file));
    CHECK_GET(store_db_kv(db), "workspace:scores", "summary", "{\"like\":2,\"profile_match\":1}");
    CHECK_ERR(store_workspace_put(ws, S("like"), NULL, 0), STORE_CLOSED, "workspace is closed");
    store_workspace_free(ws);
    store_close(db);
    store_free(db);
}

static void close_recover_and_reuse(void) {
    char state[600];
    store_db *db = check_open_with_state("ws2", state, sizeof state);
    if (!db) return;
    store_workspace *ws = NULL, *again = NULL, **list = NULL;
    size_t len = 99;
    CHECK_OK(store_workspace_new(db, S("daily"), &ws));
    CHECK_OK(store_workspace_put(ws, S("a"), S("{}")));
    CHECK_OK(store_workspace_commit(ws, NULL));
    store_workspace_free(ws);
    /* A new workspace under the committed name survives recovery. */
    CHECK_OK(store_workspace_new(db, S("daily"), &again));
    CHECK_OK(store_workspace_put(again, S("b"), S("{\"i\":1}")));
    CHECK_OK(store_workspace_close(again));
    CHECK_OK(store_workspace_close(again));
    CHECK_ERR(store_workspace_count(again, &(int64_t){0}), STORE_CLOSED, "workspace is closed");
    store_workspace_free(again);
    CHECK_OK(store_recover_orphans(db, S(""), &list, &len));
    CHECK_INT(len, 1);
    CHECK_JSON(store_workspace_name(list[0], &j_), "daily");
    CHECK_JSON(store_workspace_aggregate(list[0], &j_), "{\"b\":1}");
    CHECK_OK(store_workspace_discard(list[0]));
    CHECK_OK(store_workspace_discard(list[0]));
    store_workspace_free(list[0]);
    store_workspace_array_free(list, len);
    CHECK_OK(store_recover_orphans(db, NULL, 0, &list, &len));
    CHECK_INT(len, 0);
    CHECK(list == NULL);
    store_workspace_array_free(NULL, 0);
    store_close(db);
    store_free(db);
}

static void argument_errors(void) {
    char state[600];
    store_db *db = check_open_with_state("ws3", state, sizeof state);
    if (!db) return;
    store_workspace *ws = NULL;
    store_bytes v = {0};
    CHECK_ERR(store_workspace_new(NULL, S("x"), &ws), STORE_INVALID_ARGUMENT, "NULL");
    CHECK_ERR(store_wait_for_orphan_scan(NULL), STORE_INVALID_ARGUMENT, "NULL");
    CHECK_OK(store_wait_for_orphan_scan(db));
    CHECK_ERR(store_workspace_new(db, S("x"), NULL), STORE_INVALID_ARGUMENT, "out is NULL");
    CHECK_ERR(store_workspace_new(db, S(""), &ws), STORE_INVALID_ARGUMENT, "validate workspace name");
    CHECK_ERR(store_workspace_new(db, S("a/b"), &ws), STORE_INVALID_ARGUMENT, "path separator");
    CHECK_ERR(store_workspace_new(db, (const uint8_t *)"a\0b", 3, &ws), STORE_INVALID_ARGUMENT, "");
    CHECK_ERR(store_workspace_new(db, (const uint8_t *)"\xff", 1, &ws), STORE_INVALID_ARGUMENT, "UTF-8");
    CHECK(ws == NULL);
    CHECK_OK(store_workspace_new(db, S("w"), &ws));
    CHECK_ERR(store_workspace_new(db, S("w"), &(store_workspace *){NULL}), STORE_INVALID_ARGUMENT, "already exists");
    CHECK_ERR(store_workspace_put(ws, S(""), S("{}")), STORE_INVALID_ARGUMENT, "kind is empty");
    CHECK_ERR(store_workspace_put(ws, S("k"), S("[1]")), STORE_INVALID_ARGUMENT, "JSON object");
    CHECK_ERR(store_workspace_put(NULL, S("k"), S("{}")), STORE_INVALID_ARGUMENT, "workspace handle is NULL");
    CHECK_ERR(store_workspace_query(ws, S("DELETE FROM workspace_entries"), &v), STORE_QUERY, "read-only");
    CHECK_ERR(store_workspace_query(ws, S("SELECT * FROM read_csv('/etc/passwd')"), &v), STORE_QUERY, "");
    CHECK_ERR(store_workspace_query(ws, S("SELECT 1"), NULL), STORE_INVALID_ARGUMENT, "out is NULL");
    CHECK_ERR(store_workspace_count(ws, NULL), STORE_INVALID_ARGUMENT, "out is NULL");
    CHECK_OK(store_workspace_flush(ws));
    store_close(db);
    CHECK_ERR(store_workspace_put(ws, S("k"), S("{}")), STORE_CLOSED, "store is closed");
    CHECK_JSON(store_workspace_aggregate(ws, &j_), "{}");
    store_workspace_free(ws);
    store_workspace_free(NULL);
    store_free(db);
}

int main(int argc, char **argv) {
    static const check_test tests[] = {
        TEST(put_count_aggregate_query_commit),
        TEST(close_recover_and_reuse),
        TEST(argument_errors),
    };
    return check_run("workspace", tests, sizeof tests / sizeof tests[0], argc, argv);
}
