/*
 * DuckDB analytics benchmarks through the C ABI. compare.py runs this
 * program and the same statements through DuckDB's own Python package (same
 * DuckDB version), alternating, and prints the ratios.
 *
 *   bench_duck setup <db> <rows>     probe_results with <rows> rows: 16 models,
 *                                    1000 run ids, ~60-byte responses
 *   bench_duck setup-ws <dir> <rows> a store at <dir>/store.db whose state
 *                                    directory <dir>/state holds the closed
 *                                    workspace "agg": <rows> entries, 16 kinds
 *   bench_duck <op> <db> <out>       one timed run; prints "<op> <seconds> <rows>"
 *
 * ops: export (one zstd file), split16 (by model), split1000 (by run_id),
 *      rows100k (QueryRows of 100 000 rows as one JSON buffer),
 *      wsaggregate (<db> is setup-ws's <dir>: the workspace is recovered,
 *      then only its Aggregate is timed; rows = the counts' sum)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <store.h>

#define S(s) STORE_STR(s)

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void check(store_status st, const char *what) {
    if (st != STORE_OK) {
        fprintf(stderr, "%s: %s: %s\n", what, store_status_str(st), store_last_error());
        exit(1);
    }
}

/* The store of setup-ws's <dir>, its workspaces under <dir>/state. */
static store_db *open_ws_store(const char *dir) {
    char path[4096], state[4096];
    store_options options;
    store_db *db = NULL;
    snprintf(path, sizeof path, "%s/store.db", dir);
    snprintf(state, sizeof state, "%s/state", dir);
    check(store_options_init(&options, sizeof options), "options");
    options.workspace_state_directory.ptr = (const uint8_t *)state;
    options.workspace_state_directory.len = strlen(state);
    check(store_open(S(path), &options, &db), "open store");
    return db;
}

static int setup_ws(const char *dir, uint64_t rows) {
    store_db *db = open_ws_store(dir);
    store_workspace *ws = NULL;
    char kind[32], data[160];
    check(store_workspace_new(db, S("agg"), &ws), "new workspace");
    for (uint64_t i = 0; i < rows; i++) {
        snprintf(kind, sizeof kind, "kind-%llu", (unsigned long long)(i % 16));
        snprintf(data, sizeof data, "{\"i\":%llu,\"model\":\"model-%llu\",\"passed\":%s,\"score\":%.1f}",
                 (unsigned long long)i, (unsigned long long)(i % 16), i % 3 == 0 ? "true" : "false", (double)(i % 100) / 10);
        check(store_workspace_put(ws, S(kind), S(data)), "put");
    }
    check(store_workspace_close(ws), "close workspace");
    store_workspace_free(ws);
    store_free(db);
    printf("setup-ws %llu rows\n", (unsigned long long)rows);
    return 0;
}

/* Sum of the counts in an aggregate document {"kind":n,...}. */
static uint64_t sum_counts(const store_bytes *doc) {
    uint64_t total = 0;
    for (size_t i = 0; i < doc->len; i++) {
        if (doc->ptr[i] == ':') {
            total += strtoull((const char *)doc->ptr + i + 1, NULL, 10);
        }
    }
    return total;
}

static int ws_aggregate(const char *dir) {
    store_db *db = open_ws_store(dir);
    store_workspace **orphans = NULL;
    size_t n = 0;
    store_bytes doc = {0};
    double t0, t1;
    check(store_recover_orphans(db, NULL, 0, &orphans, &n), "recover orphans");
    if (n != 1) {
        fprintf(stderr, "wsaggregate: %zu workspaces recovered, want 1\n", n);
        return 1;
    }
    t0 = now();
    check(store_workspace_aggregate(orphans[0], &doc), "aggregate");
    t1 = now();
    printf("wsaggregate %.6f %llu\n", t1 - t0, (unsigned long long)sum_counts(&doc));
    store_bytes_free(&doc);
    store_workspace_free(orphans[0]);
    store_workspace_array_free(orphans, n);
    store_free(db);
    return 0;
}

int main(int argc, char **argv) {
    store_duckdb *db = NULL;
    uint64_t rows = 0;
    double t0, t1;
    if (argc != 4) {
        fprintf(stderr, "usage: %s setup <db> <rows> | %s <op> <db> <out>\n", argv[0], argv[0]);
        return 2;
    }
    const char *op = argv[1], *path = argv[2], *out = argv[3];
    if (strcmp(op, "setup-ws") == 0) {
        return setup_ws(path, strtoull(out, NULL, 10));
    }
    if (strcmp(op, "wsaggregate") == 0) {
        return ws_aggregate(path);
    }
    if (strcmp(op, "setup") == 0) {
        char params[64];
        check(store_duckdb_open_read_write(S(path), &db), "open");
        check(store_duckdb_ensure_scoring_tables(db), "ensure scoring tables");
        snprintf(params, sizeof params, "[%s]", out);
        check(store_duckdb_exec(db,
                                S("INSERT INTO probe_results (model, run_id, label, probe_id, passed, response, iteration) "
                                  "SELECT 'model-' || (i % 16), 'run-' || (i % 1000), 'label', 'probe-' || i, i % 3 = 0, "
                                  "'response text for probe ' || i || ' with some padding words', (i % 50)::INTEGER "
                                  "FROM range(?) t(i)"),
                                S(params), &rows),
              "insert");
        check(store_duckdb_exec(db, S("CHECKPOINT"), NULL, 0, NULL), "checkpoint");
        store_duckdb_free(db);
        printf("setup %llu rows\n", (unsigned long long)rows);
        return 0;
    }
    check(store_duckdb_open(S(path), &db), "open");
    t0 = now();
    if (strcmp(op, "export") == 0) {
        check(store_duckdb_export_parquet(db, S("probe_results"), S(out), STORE_PARQUET_ZSTD, &rows), op);
    } else if (strcmp(op, "split16") == 0) {
        check(store_duckdb_export_split_parquet(db, S(out), S("probe_results"), S("model"), STORE_PARQUET_ZSTD, &rows), op);
    } else if (strcmp(op, "split1000") == 0) {
        check(store_duckdb_export_split_parquet(db, S(out), S("probe_results"), S("run_id"), STORE_PARQUET_ZSTD, &rows), op);
    } else if (strcmp(op, "rows100k") == 0) {
        store_bytes json = {0};
        check(store_duckdb_query_rows(db, S("SELECT * FROM probe_results LIMIT 100000"), NULL, 0, &json), op);
        rows = 100000;
        if (json.len < 100000) {
            fprintf(stderr, "rows100k: short result (%zu bytes)\n", json.len);
            return 1;
        }
        store_bytes_free(&json);
    } else {
        fprintf(stderr, "unknown op %s\n", op);
        return 2;
    }
    t1 = now();
    store_duckdb_free(db);
    printf("%s %.6f %llu\n", op, t1 - t0, (unsigned long long)rows);
    return 0;
}
