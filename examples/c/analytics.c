/*
 * Seed 003's analytics flow through the C ABI: open a DuckDB workspace,
 * ensure the scoring tables, insert, query, export to Parquet, and export
 * split by a column.
 *
 *   analytics <directory>     writes workspace.duckdb, scores.parquet, shards/
 */
#include <stdio.h>
#include <string.h>

#include <store.h>

#define S(s) STORE_STR(s)

static int fail(const char *what, store_status st) {
    fprintf(stderr, "%s: %s: %s\n", what, store_status_str(st), store_last_error());
    return 1;
}

int main(int argc, char **argv) {
    char path[4096], file[4096], shards[4096];
    store_duckdb *ws = NULL;
    store_bytes rows = {0};
    uint64_t n = 0;
    store_status st;
    if (argc != 2) {
        fprintf(stderr, "usage: %s <directory>\n", argv[0]);
        return 2;
    }
    snprintf(path, sizeof path, "%s/workspace.duckdb", argv[1]);
    snprintf(file, sizeof file, "%s/scores.parquet", argv[1]);
    snprintf(shards, sizeof shards, "%s/shards", argv[1]);

    if ((st = store_duckdb_open_read_write(S(path), &ws)) != STORE_OK) return fail("open", st);
    if ((st = store_duckdb_ensure_scoring_tables(ws)) != STORE_OK) return fail("ensure scoring tables", st);
    st = store_duckdb_exec(ws, S("INSERT INTO checkpoint_scores (model, run_id, label, accuracy) VALUES (?, ?, ?, ?), (?, ?, ?, ?)"),
                           S("[\"model-a\", \"run-1\", \"step-100\", 0.91, \"model-b\", \"run-1\", \"step-200\", 0.42]"), &n);
    if (st != STORE_OK) return fail("insert", st);
    st = store_duckdb_query_rows(ws, S("SELECT model, accuracy FROM checkpoint_scores WHERE accuracy > ? ORDER BY model"),
                                 S("[0.8]"), &rows);
    if (st != STORE_OK) return fail("query", st);
    printf("%s\n", (const char *)rows.ptr);
    store_bytes_free(&rows);
    if ((st = store_duckdb_export_parquet(ws, S("checkpoint_scores"), S(file), STORE_PARQUET_ZSTD, &n)) != STORE_OK)
        return fail("export", st);
    printf("exported %llu rows to scores.parquet\n", (unsigned long long)n);
    st = store_duckdb_export_split_parquet(ws, S(shards), S("checkpoint_scores"), S("model"), STORE_PARQUET_ZSTD, &n);
    if (st != STORE_OK) return fail("split export", st);
    printf("exported %llu rows to shards/model=*/\n", (unsigned long long)n);
    store_duckdb_free(ws);
    return 0;
}
