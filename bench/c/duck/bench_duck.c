/*
 * DuckDB analytics benchmarks through the C ABI. compare.py runs this
 * program and the same statements through DuckDB's own Python package (same
 * DuckDB version), alternating, and prints the ratios.
 *
 *   bench_duck setup <db> <rows>     probe_results with <rows> rows: 16 models,
 *                                    1000 run ids, ~60-byte responses
 *   bench_duck <op> <db> <out>       one timed run; prints "<op> <seconds> <rows>"
 *
 * ops: export (one zstd file), split16 (by model), split1000 (by run_id),
 *      rows100k (QueryRows of 100 000 rows as one JSON buffer)
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

int main(int argc, char **argv) {
    store_duckdb *db = NULL;
    uint64_t rows = 0;
    double t0, t1;
    if (argc != 4) {
        fprintf(stderr, "usage: %s setup <db> <rows> | %s <op> <db> <out>\n", argv[0], argv[0]);
        return 2;
    }
    const char *op = argv[1], *path = argv[2], *out = argv[3];
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
