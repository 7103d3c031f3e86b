/*
 * The DuckDB analytics handle through the C ABI: open modes, statements with
 * JSON parameters, JSON rows and scalars, go-store's scoring helpers,
 * Parquet export/split/import, training JSONL export, the extension and
 * read-only safety rules, and argument errors (NULLs, bad UTF-8, closed
 * handles, unknown codecs). Run plain and under ASan/UBSan.
 */
#include "check.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#define S(s) STORE_STR(s)
#define NOPARAMS NULL, 0

/* Opens `<tmpdir>/<name>` read-write, or fails the test. */
#define OPEN_RW(db, name) \
    store_duckdb *db = NULL; \
    do { \
        char path_[512]; \
        check_path(path_, sizeof path_, (name)); \
        CHECK_OK(store_duckdb_open_read_write(S(path_), &db)); \
    } while (0)

/* Fails unless the query's JSON rows equal `want` exactly. */
#define CHECK_ROWS(db, sql, params, want) \
    do { \
        store_bytes rows_ = {0}; \
        CHECK_OK(store_duckdb_query_rows((db), S(sql), S(params), &rows_)); \
        bool same_ = check_bytes_eq(rows_.ptr, rows_.len, (want)); \
        if (!same_) check_fail(__FILE__, __LINE__, "rows: got %s, want %s", (const char *)rows_.ptr, (want)); \
        store_bytes_free(&rows_); \
        if (!same_) return; \
    } while (0)

/* Fails unless the scalar query yields the JSON text `want`. */
#define CHECK_SCALAR(db, sql, want) \
    do { \
        store_bytes v_ = {0}; \
        CHECK_OK(store_duckdb_query_scalar((db), S(sql), NOPARAMS, &v_)); \
        CHECK_BYTES(v_.ptr, v_.len, (want)); \
        store_bytes_free(&v_); \
    } while (0)

static bool exists(const char *path) {
    struct stat st;
    return stat(path, &st) == 0;
}

static void open_modes_and_close(void) {
    char path[512];
    store_duckdb *db = NULL;
    check_path(path, sizeof path, "modes.duckdb");
    CHECK_ERR(store_duckdb_open(S(path), &db), STORE_IO, "store.OpenDuckDB: open duckdb ");
    CHECK(db == NULL);
    CHECK(!exists(path));
    CHECK_OK(store_duckdb_open_read_write(S(path), &db));
    CHECK_OK(store_duckdb_exec(db, S("CREATE TABLE t (i INTEGER); INSERT INTO t VALUES (1), (2)"), NOPARAMS, NULL));
    CHECK_OK(store_duckdb_close(db));
    CHECK_OK(store_duckdb_close(db));
    CHECK_ERR(store_duckdb_exec(db, S("SELECT 1"), NOPARAMS, NULL), STORE_CLOSED, "store.DuckDB.Exec: duckdb is closed");
    store_duckdb_free(db);

    store_duckdb *ro = NULL;
    CHECK_OK(store_duckdb_open(S(path), &ro));
    CHECK_SCALAR(ro, "SELECT sum(i) FROM t", "3");
    CHECK_ERR(store_duckdb_exec(ro, S("INSERT INTO t VALUES (3)"), NOPARAMS, NULL), STORE_QUERY, "read-only");
    /* Another handle in this process cannot take the write lock while ro is open. */
    store_duckdb_free(ro);
    store_duckdb_free(NULL);
}

static void exec_params_rows_and_scalars(void) {
    OPEN_RW(db, "rows.duckdb");
    uint64_t changed = 0;
    CHECK_OK(store_duckdb_exec(db, S("CREATE TABLE t (s VARCHAR, i BIGINT, d DOUBLE, b BOOLEAN, x INTEGER)"), NOPARAMS, NULL));
    const char *params = "[\"it's\", 9007199254740993, 2.5, true, null]";
    CHECK_OK(store_duckdb_exec(db, S("INSERT INTO t VALUES (?, ?, ?, ?, ?)"), S(params), &changed));
    CHECK_INT(changed, 1);
    CHECK_ROWS(db, "SELECT * FROM t WHERE i > ?", "[1]",
               "{\"columns\":[{\"name\":\"s\",\"type\":\"VARCHAR\"},{\"name\":\"i\",\"type\":\"BIGINT\"},"
               "{\"name\":\"d\",\"type\":\"DOUBLE\"},{\"name\":\"b\",\"type\":\"BOOLEAN\"},{\"name\":\"x\",\"type\":\"INTEGER\"}],"
               "\"rows\":[[\"it's\",9007199254740993,2.5,true,null]]}");
    CHECK_ROWS(db, "SELECT [1, 2] l, {'a': 1.50::DECIMAL(4,2)} s, TIMESTAMP '2026-01-02 03:04:05' ts", "[]",
               "{\"columns\":[{\"name\":\"l\",\"type\":\"INTEGER[]\"},{\"name\":\"s\",\"type\":\"STRUCT(a DECIMAL(4,2))\"},"
               "{\"name\":\"ts\",\"type\":\"TIMESTAMP\"}],\"rows\":[[[1,2],{\"a\":1.50},\"2026-01-02 03:04:05\"]]}");
    CHECK_SCALAR(db, "SELECT count(*) FROM t", "1");
    store_bytes v = {0};
    CHECK_ERR(store_duckdb_query_scalar(db, S("SELECT 1 WHERE false"), NOPARAMS, &v), STORE_NOT_FOUND, "no rows");
    CHECK(v.ptr == NULL);
    CHECK_ERR(store_duckdb_query_rows(db, S("SELECT * FROM missing_table"), NOPARAMS, &v), STORE_QUERY, "missing_table");
    CHECK_ERR(store_duckdb_query_rows(db, S("SELECT nope FROM t"), NOPARAMS, &v), STORE_QUERY, "nope");
    CHECK_ERR(store_duckdb_exec(db, S("INSERT INTO t (s) VALUES (?)"), S("{\"a\":1}"), NULL), STORE_INVALID_ARGUMENT,
              "expected a JSON array");
    CHECK_ERR(store_duckdb_exec(db, S("INSERT INTO t (s) VALUES (?)"), S("[1,"), NULL), STORE_INVALID_ARGUMENT,
              "invalid JSON");
    CHECK_ERR(store_duckdb_exec(db, S("INSERT INTO t (s) VALUES (?)"), NOPARAMS, NULL), STORE_INVALID_ARGUMENT,
              "1 parameters, 0 given");
    store_duckdb_free(db);
}

static void extensions_and_network_are_refused(void) {
    OPEN_RW(db, "safe.duckdb");
    CHECK_ERR(store_duckdb_exec(db, S("INSTALL httpfs"), NOPARAMS, NULL), STORE_QUERY, "extensions is disabled");
    CHECK_ERR(store_duckdb_exec(db, S("LOAD httpfs"), NOPARAMS, NULL), STORE_QUERY, "extensions is disabled");
    store_bytes v = {0};
    CHECK_ERR(store_duckdb_query_rows(db, S("SELECT * FROM 'http://127.0.0.1:9/x.parquet'"), NOPARAMS, &v), STORE_QUERY,
              "httpfs");
    CHECK_ERR(store_duckdb_exec(db, S("SET autoinstall_known_extensions = true"), NOPARAMS, NULL), STORE_QUERY, "locked");
    store_duckdb_free(db);
}

static void scoring_helpers(void) {
    OPEN_RW(db, "scores.duckdb");
    store_bytes counts = {0};
    CHECK_OK(store_duckdb_table_counts(db, &counts));
    CHECK_BYTES(counts.ptr, counts.len, "{}");
    store_bytes_free(&counts);
    CHECK_OK(store_duckdb_ensure_scoring_tables(db));
    CHECK_OK(store_duckdb_write_scoring_result(db, S("m"), S("p1"), S("suite"), S("dim"), 0.5));
    CHECK_OK(store_duckdb_table_counts(db, &counts));
    CHECK_BYTES(counts.ptr, counts.len, "{\"checkpoint_scores\":0,\"probe_results\":0,\"scoring_results\":1}");
    store_bytes_free(&counts);
    CHECK_OK(store_duckdb_exec(db,
                               S("CREATE TABLE golden_set (idx INT, seed_id VARCHAR, domain VARCHAR, voice VARCHAR, "
                                 "prompt VARCHAR, response VARCHAR, gen_time DOUBLE, char_count INT);"
                                 "INSERT INTO golden_set VALUES (1, 's', 'd', 'v', 'p', 'resp', 0.5, 4);"
                                 "CREATE TABLE expansion_prompts (idx BIGINT, seed_id VARCHAR, region VARCHAR, domain VARCHAR, "
                                 "language VARCHAR, prompt VARCHAR, prompt_en VARCHAR, priority INT, status VARCHAR);"
                                 "INSERT INTO expansion_prompts VALUES (7, 's', 'r', 'd', 'en', 'p', 'p', 1, 'pending')"),
                               NOPARAMS, NULL));
    store_bytes rows = {0};
    CHECK_OK(store_duckdb_query_golden_set(db, 2, &rows));
    CHECK(check_contains((const char *)rows.ptr, "\"seed_id\":\"s\""));
    CHECK(check_contains((const char *)rows.ptr, "\"char_count\":4"));
    store_bytes_free(&rows);
    int64_t n = -1, pending = -1;
    CHECK_OK(store_duckdb_count_golden_set(db, &n));
    CHECK_INT(n, 1);
    CHECK_OK(store_duckdb_query_expansion_prompts(db, S("pending"), 0, &rows));
    CHECK(check_contains((const char *)rows.ptr, "\"idx\":7"));
    store_bytes_free(&rows);
    CHECK_OK(store_duckdb_update_expansion_status(db, 7, S("done")));
    CHECK_OK(store_duckdb_count_expansion_prompts(db, &n, &pending));
    CHECK_INT(n, 1);
    CHECK_INT(pending, 0);
    CHECK_ERR(store_duckdb_count_expansion_prompts(db, &n, NULL), STORE_INVALID_ARGUMENT, "out_pending is NULL");
    store_duckdb_free(db);
}

static void parquet_round_trip(void) {
    OPEN_RW(db, "pq.duckdb");
    char file[512], dir[512];
    uint64_t rows = 0;
    check_path(file, sizeof file, "probes.parquet");
    check_path(dir, sizeof dir, "shards");
    CHECK_OK(store_duckdb_ensure_scoring_tables(db));
    CHECK_OK(store_duckdb_exec(db,
                               S("INSERT INTO probe_results (model, run_id, label, probe_id, passed) "
                                 "SELECT 'm' || (i % 4), 'r', 'l', 'p' || i, true FROM range(100) t(i)"),
                               NOPARAMS, NULL));
    CHECK_OK(store_duckdb_export_parquet(db, S("probe_results"), S(file), STORE_PARQUET_ZSTD, &rows));
    CHECK_INT(rows, 100);
    CHECK_OK(store_duckdb_export_parquet(db, S("SELECT * FROM probe_results LIMIT 5"), S(file), STORE_PARQUET_SNAPPY, &rows));
    CHECK_INT(rows, 5);
    CHECK_OK(store_duckdb_export_split_parquet(db, S(dir), S("probe_results"), S("model"), STORE_PARQUET_GZIP, &rows));
    CHECK_INT(rows, 100);
    char part[600];
    snprintf(part, sizeof part, "%s/model=m3", dir);
    CHECK(exists(part));
    CHECK_OK(store_duckdb_import_parquet(db, S("back"), S(dir), &rows));
    CHECK_INT(rows, 100);
    CHECK_SCALAR(db, "SELECT count(DISTINCT model) FROM back", "4");
    CHECK_ERR(store_duckdb_export_parquet(db, S("probe_results"), S(file), 99, &rows), STORE_INVALID_ARGUMENT,
              "unknown Parquet compression 99");
    CHECK_ERR(store_duckdb_export_parquet(db, S("no_such_table"), S(file), STORE_PARQUET_ZSTD, &rows), STORE_QUERY,
              "no_such_table");
    CHECK_ERR(store_duckdb_export_split_parquet(db, S(dir), S("probe_results"), S("nope"), STORE_PARQUET_ZSTD, NULL),
              STORE_QUERY, "nope");
    CHECK(exists(part)); /* the earlier dataset survives a failed export */
    CHECK_ERR(store_duckdb_export_parquet(db, S("probe_results"), S("/nonexistent-store-dir/x.parquet"), STORE_PARQUET_ZSTD,
                                          NULL),
              STORE_IO, "does not exist");
    store_duckdb_free(db);
}

static void training_export(void) {
    char dir[512], out[512], train[600];
    uint64_t rows = 0;
    check_path(dir, sizeof dir, "training");
    check_path(out, sizeof out, "training-out");
    CHECK(mkdir(dir, 0700) == 0);
    snprintf(train, sizeof train, "%s/train.jsonl", dir);
    FILE *f = fopen(train, "w");
    CHECK(f != NULL);
    fputs("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"assistant\",\"content\":\"hello\"}]}\n", f);
    fputs("{\"messages\":[{\"role\":\"system\",\"content\":\"s\"},{\"role\":\"user\",\"content\":\"q\"}]}\n", f);
    fclose(f);
    CHECK_OK(store_export_training_parquet(S(dir), S(out), &rows));
    CHECK_INT(rows, 2);
    CHECK_OK(store_export_training_split_parquet(S(train), S(out), S("eval"), &rows));
    CHECK_INT(rows, 2);
    char written[700];
    snprintf(written, sizeof written, "%s/eval.parquet", out);
    CHECK(exists(written));
    CHECK_ERR(store_export_training_parquet(S(out), S(out), &rows), STORE_INVALID_ARGUMENT, "no train.jsonl");
}

static void argument_errors(void) {
    store_duckdb *db = NULL;
    store_bytes v = {0};
    CHECK_ERR(store_duckdb_open_read_write(NULL, 3, &db), STORE_INVALID_ARGUMENT, "path is NULL");
    CHECK_ERR(store_duckdb_open_read_write(S(":memory:"), NULL), STORE_INVALID_ARGUMENT, "out is NULL");
    CHECK_ERR(store_duckdb_open_read_write((const uint8_t *)"\xff", 1, &db), STORE_INVALID_ARGUMENT, "UTF-8");
    CHECK_ERR(store_duckdb_open_read_write(S(""), &db), STORE_INVALID_ARGUMENT, "path is empty");
    CHECK_ERR(store_duckdb_exec(NULL, S("SELECT 1"), NOPARAMS, NULL), STORE_INVALID_ARGUMENT, "duckdb handle is NULL");
    CHECK_ERR(store_duckdb_query_rows(NULL, S("SELECT 1"), NOPARAMS, &v), STORE_INVALID_ARGUMENT, "NULL");
    CHECK_OK(store_duckdb_open_read_write(S(":memory:"), &db));
    CHECK_ERR(store_duckdb_query_rows(db, S("SELECT 1"), NOPARAMS, NULL), STORE_INVALID_ARGUMENT, "out is NULL");
    CHECK_ERR(store_duckdb_exec(db, (const uint8_t *)"SELECT 1\0x", 10, NOPARAMS, NULL), STORE_INVALID_ARGUMENT, "NUL");
    CHECK_ERR(store_duckdb_query_rows(db, S(""), NOPARAMS, &v), STORE_INVALID_ARGUMENT, "no statement");
    CHECK_OK(store_duckdb_close(db));
    CHECK_ERR(store_duckdb_query_rows(db, S("SELECT 1"), NOPARAMS, &v), STORE_CLOSED, "closed");
    CHECK_ERR(store_duckdb_table_counts(db, &v), STORE_CLOSED, "closed");
    store_duckdb_free(db);
}

int main(int argc, char **argv) {
    static const check_test tests[] = {
        TEST(open_modes_and_close),
        TEST(exec_params_rows_and_scalars),
        TEST(extensions_and_network_are_refused),
        TEST(scoring_helpers),
        TEST(parquet_round_trip),
        TEST(training_export),
        TEST(argument_errors),
    };
    return check_run("duck", tests, sizeof tests / sizeof tests[0], argc, argv);
}
