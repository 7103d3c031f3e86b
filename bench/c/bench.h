/*
 * Benchmark plumbing shared by the C ABI benchmarks: a timing runner, the
 * result table, and a raw-SQLite twin of the store that runs the same SQL
 * (src/sql.rs) with prepared statements and the same pragmas
 * (src/database.rs), on the same SQLite amalgamation.
 */
#ifndef STORE_BENCH_H
#define STORE_BENCH_H

#include <stddef.h>
#include <stdint.h>

/* ---- timing ------------------------------------------------------------ */

/** One measured operation: `op(ctx, i)` does iteration `i`. */
typedef void (*bench_op)(void *ctx, long i);

/** Optional untimed preparation of `n` iterations starting at `first`. */
typedef void (*bench_setup)(void *ctx, long first, long n);

/** What to measure: the operation, its context and an optional setup. */
typedef struct bench_side {
    bench_op op;
    bench_setup setup;
    void *ctx;
} bench_side;

/** Monotonic nanoseconds. */
int64_t bench_now_ns(void);

/**
 * Measures two sides in alternating rounds (so drift hits both) and returns
 * the best ns/op of each over `rounds` rounds of about `round_ms` each.
 * `b.op` may be NULL (then `*ns_b` is 0).
 */
void bench_pair(bench_side a, bench_side b, int rounds, int round_ms, double *ns_a, double *ns_b);

/** Prints the table header. */
void bench_table_header(void);

/** Prints one row: name, ours, the other side, ratio and what the other side is. */
void bench_table_row(const char *name, double ours, double other, const char *other_kind);

/* ---- raw SQLite --------------------------------------------------------- */

/** One or two raw connections (writer, plus a reader for file databases). */
typedef struct raw_db raw_db;

/** A reusable buffer raw reads copy rows into (as the C ABI's lists do). */
typedef struct raw_arena {
    char *data;
    size_t len, cap;
    size_t rows;
} raw_arena;

/** Opens `path` (":memory:" = one connection) with `synchronous` ("FULL", "NORMAL", ...). Exits on failure. */
raw_db *raw_open(const char *path, const char *synchronous);
void raw_close(raw_db *db);

void raw_set(raw_db *db, const char *g, size_t gl, const char *k, size_t kl, const char *v, size_t vl);
void raw_set_with_expiry(raw_db *db, const char *g, size_t gl, const char *k, size_t kl, const char *v, size_t vl,
                         int64_t expires_at_ms);
/** Copies the live value into a new malloc'd buffer (*out, NUL-terminated); returns 0 when absent. */
int raw_get(raw_db *db, const char *g, size_t gl, const char *k, size_t kl, char **out, size_t *out_len);
void raw_delete(raw_db *db, const char *g, size_t gl, const char *k, size_t kl);
int64_t raw_count(raw_db *db, const char *g, size_t gl);
/** Live rows in groups starting with `prefix` ("" = every group). */
int64_t raw_count_all(raw_db *db, const char *prefix);
/** Live rows of a group in key order, `limit` rows from 0 (-1 = all), copied into `arena`. */
void raw_scan(raw_db *db, const char *g, size_t gl, int64_t limit, raw_arena *arena);
/** Distinct live group names, copied into `arena`. */
void raw_groups(raw_db *db, raw_arena *arena);
void raw_begin(raw_db *db);
void raw_commit(raw_db *db);

/** The SQLite version of the amalgamation compiled in. */
const char *raw_sqlite_version(void);

/** Unix milliseconds, as the library's clock. */
int64_t raw_now_ms(void);

#endif /* STORE_BENCH_H */
