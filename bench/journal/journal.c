/*
 * Journal benchmarks through the C ABI, each against raw SQLite doing the
 * same work in the same run (same amalgamation, same table and index):
 *
 *   commit per row          store_journal_commit vs one INSERT per transaction (synchronous=FULL, WAL)
 *   commit batched 1000     1000 commits in one store transaction vs BEGIN; 1000 INSERT; COMMIT
 *   queries                 go-store's journal benchmark shape (200k rows over 24 h): range -1h +
 *                           measurement (+ tag), and QueryJournal("") returning every row, then the
 *                           range queries over ROWS rows, each vs raw SQLite running the same SQL
 *   compact gzip / zstd     MB/s of JSONL and peak RSS growth vs the gzip / zstd command-line tools
 *
 *   journal_bench [ROWS [SECTION]]   ROWS defaults to 1000000; SECTION is
 *                                    commits, queries or compact (default: all)
 */
#include "bench.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <store.h>

static const char SCHEMA[] =
    "CREATE TABLE IF NOT EXISTS journal_entries (entry_id INTEGER PRIMARY KEY AUTOINCREMENT, bucket_name TEXT NOT NULL, "
    "measurement TEXT NOT NULL, fields_json TEXT NOT NULL, tags_json TEXT NOT NULL, committed_at INTEGER NOT NULL, "
    "archived_at INTEGER);"
    "CREATE INDEX IF NOT EXISTS journal_entries_bucket_committed_at_idx ON journal_entries (bucket_name, committed_at);";
static const char INSERT[] =
    "INSERT INTO journal_entries (bucket_name, measurement, fields_json, tags_json, committed_at, archived_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, NULL)";
static const char FIELDS[] = "{\"load\":0.5,\"n\":42}";
static const char TAGS[] = "{\"host\":\"h7\"}";

static char tmpdir[512];

static void must(store_status st, const char *what) {
    if (st != STORE_OK) {
        fprintf(stderr, "%s: %s: %s\n", what, store_status_str(st), store_last_error());
        exit(2);
    }
}

static void must_sql(sqlite3 *db, int rc, const char *what) {
    if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
        fprintf(stderr, "%s: %s\n", what, sqlite3_errmsg(db));
        exit(2);
    }
}

static void path_of(char *buf, size_t cap, const char *name) {
    snprintf(buf, cap, "%s/%s", tmpdir, name);
}

static void remove_db(const char *path) {
    char buf[600];
    remove(path);
    snprintf(buf, sizeof buf, "%s-wal", path);
    remove(buf);
    snprintf(buf, sizeof buf, "%s-shm", path);
    remove(buf);
}

static store_db *ours_open(const char *path) {
    store_db *db = NULL;
    remove_db(path);
    must(store_open((const uint8_t *)path, strlen(path), NULL, &db), "store_open");
    return db;
}

static sqlite3 *raw_open_journal(const char *path) {
    sqlite3 *db = NULL;
    remove_db(path);
    if (sqlite3_open(path, &db) != SQLITE_OK) must_sql(db, SQLITE_ERROR, "open");
    must_sql(db, sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=5000;", NULL, NULL, NULL), "pragmas");
    must_sql(db, sqlite3_exec(db, SCHEMA, NULL, NULL, NULL), "schema");
    return db;
}

static int64_t now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- commits ---------------------------------------------------------------- */

typedef struct { store_db *db; } ours_ctx;
typedef struct { sqlite3 *db; sqlite3_stmt *insert, *begin, *commit; } raw_ctx;

static void ours_commit(void *c, long i) {
    (void)i;
    must(store_journal_commit(store_db_kv(((ours_ctx *)c)->db), (const uint8_t *)"cpu", 3, (const uint8_t *)FIELDS,
                              sizeof FIELDS - 1, (const uint8_t *)TAGS, sizeof TAGS - 1, NULL),
         "commit");
}

static void raw_insert(raw_ctx *r, long i) {
    (void)i;
    sqlite3_bind_text(r->insert, 1, "store", 5, SQLITE_STATIC);
    sqlite3_bind_text(r->insert, 2, "cpu", 3, SQLITE_STATIC);
    sqlite3_bind_text(r->insert, 3, FIELDS, sizeof FIELDS - 1, SQLITE_STATIC);
    sqlite3_bind_text(r->insert, 4, TAGS, sizeof TAGS - 1, SQLITE_STATIC);
    sqlite3_bind_int64(r->insert, 5, now_ms());
    must_sql(r->db, sqlite3_step(r->insert), "insert");
    sqlite3_reset(r->insert);
}

static void raw_commit_op(void *c, long i) {
    raw_insert((raw_ctx *)c, i);
}

static void ours_batch(void *c, long i) {
    store_txn *txn = NULL;
    int k;
    (void)i;
    must(store_txn_begin(store_db_kv(((ours_ctx *)c)->db), &txn), "begin");
    for (k = 0; k < 1000; k++)
        must(store_journal_commit(store_txn_kv(txn), (const uint8_t *)"cpu", 3, (const uint8_t *)FIELDS,
                                  sizeof FIELDS - 1, (const uint8_t *)TAGS, sizeof TAGS - 1, NULL),
             "commit in txn");
    must(store_txn_commit(txn), "txn commit");
    store_txn_free(txn);
}

static void raw_batch(void *c, long i) {
    raw_ctx *r = c;
    int k;
    must_sql(r->db, sqlite3_step(r->begin), "begin");
    sqlite3_reset(r->begin);
    for (k = 0; k < 1000; k++) raw_insert(r, i);
    must_sql(r->db, sqlite3_step(r->commit), "commit");
    sqlite3_reset(r->commit);
}

static void bench_commits(void) {
    char ours_path[600], raw_path[600];
    ours_ctx o;
    raw_ctx r;
    double a, b;
    path_of(ours_path, sizeof ours_path, "journal-ours.db");
    path_of(raw_path, sizeof raw_path, "journal-raw.db");
    o.db = ours_open(ours_path);
    r.db = raw_open_journal(raw_path);
    sqlite3_prepare_v2(r.db, INSERT, -1, &r.insert, NULL);
    sqlite3_prepare_v2(r.db, "BEGIN IMMEDIATE", -1, &r.begin, NULL);
    sqlite3_prepare_v2(r.db, "COMMIT", -1, &r.commit, NULL);
    ours_commit(&o, 0); /* creates the table outside the timing */
    bench_pair((bench_side){ours_commit, NULL, &o}, (bench_side){raw_commit_op, NULL, &r}, 3, 300, &a, &b);
    bench_table_row("commit per row (sync FULL)", a, b, "raw SQLite INSERT");
    bench_pair((bench_side){ours_batch, NULL, &o}, (bench_side){raw_batch, NULL, &r}, 3, 500, &a, &b);
    bench_table_row("commit batched 1000/txn (per row)", a / 1000, b / 1000, "raw SQLite INSERT in txn");
    printf("  go-store anchor: 194000 ns per CommitToJournal; batched here is %.0fx faster than that per row\n",
           194000.0 / (a / 1000));
    sqlite3_finalize(r.insert);
    sqlite3_finalize(r.begin);
    sqlite3_finalize(r.commit);
    sqlite3_close(r.db);
    must(store_close(o.db), "close");
    store_free(o.db);
    remove_db(ours_path);
    remove_db(raw_path);
}

/* ---- a large journal ---------------------------------------------------------- */

/* Writes `rows` rows behind the store's back in the shape of go-store's
 * benchmark (perf-anchors addendum 2026-11-30): 20 measurements, 3 numeric
 * fields, tags host (10 values) and region, spread over the last 24 hours. */
static void populate(const char *path, long rows) {
    sqlite3 *db = raw_open_journal(path);
    sqlite3_stmt *ins;
    char m[16], f[96], t[48];
    long i;
    int64_t start = now_ms() - 86400000LL;
    sqlite3_exec(db, "PRAGMA synchronous=OFF; BEGIN", NULL, NULL, NULL);
    sqlite3_prepare_v2(db, INSERT, -1, &ins, NULL);
    for (i = 0; i < rows; i++) {
        int ml = snprintf(m, sizeof m, "m%ld", i % 20);
        int fl = snprintf(f, sizeof f, "{\"a\":%ld,\"b\":%ld.5,\"c\":%ld}", i % 100, i % 7, i);
        int tl = snprintf(t, sizeof t, "{\"host\":\"h%ld\",\"region\":\"r%ld\"}", (i / 20) % 10, i % 3);
        sqlite3_bind_text(ins, 1, "store", 5, SQLITE_STATIC);
        sqlite3_bind_text(ins, 2, m, ml, SQLITE_STATIC);
        sqlite3_bind_text(ins, 3, f, fl, SQLITE_STATIC);
        sqlite3_bind_text(ins, 4, t, tl, SQLITE_STATIC);
        sqlite3_bind_int64(ins, 5, start + (int64_t)((double)i * 86400000.0 / (double)rows));
        must_sql(db, sqlite3_step(ins), "populate");
        sqlite3_reset(ins);
    }
    sqlite3_finalize(ins);
    sqlite3_exec(db, "COMMIT; PRAGMA wal_checkpoint(TRUNCATE);", NULL, NULL, NULL);
    sqlite3_close(db);
    {
        /* The library adds its measurement index at the first journal call:
         * build it here, outside every measurement. */
        store_db *s = NULL;
        store_bytes out = {0};
        must(store_open((const uint8_t *)path, strlen(path), NULL, &s), "open");
        must(store_journal_query(store_db_kv(s), (const uint8_t *)"SELECT 1", 8, &out), "warm up");
        store_bytes_free(&out);
        store_close(s);
        store_free(s);
    }
}

typedef struct {
    store_db *db;
    char flux[512];
    sqlite3 *raw;
    sqlite3_stmt *stmt;
    int nparams;
    int64_t since;
    const char *measurement, *host;
    size_t rows, json_bytes, raw_bytes;
} query_ctx;

static void ours_query(void *c, long i) {
    query_ctx *q = c;
    store_bytes out = {0};
    (void)i;
    must(store_journal_query(store_db_kv(q->db), (const uint8_t *)q->flux, strlen(q->flux), &out), "query");
    q->json_bytes = out.len;
    store_bytes_free(&out);
}

/* The same rows, stepped and copied column by column (what a C caller of
 * raw SQLite would do before handing rows on). */
static void raw_query(void *c, long i) {
    query_ctx *q = c;
    size_t rows = 0;
    int col;
    (void)i;
    if (q->nparams >= 3) {
        sqlite3_bind_text(q->stmt, 1, "store", 5, SQLITE_STATIC);
        sqlite3_bind_int64(q->stmt, 2, now_ms() - 3600000);
        sqlite3_bind_text(q->stmt, 3, q->measurement, -1, SQLITE_STATIC);
    }
    if (q->nparams >= 4) sqlite3_bind_text(q->stmt, 4, q->host, -1, SQLITE_STATIC);
    while (sqlite3_step(q->stmt) == SQLITE_ROW) {
        for (col = 0; col < 6; col++) q->raw_bytes += (size_t)sqlite3_column_bytes(q->stmt, col);
        rows++;
    }
    sqlite3_reset(q->stmt);
    q->rows = rows;
}

static long max_rss_kb(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

/* Runs `f(arg)` in a child process and returns the child's peak RSS growth
 * over its state before the call, in KiB (-1 on failure); *cpu_ms gets the
 * call's user + system CPU time (robust when the machine is busy). */
static long rss_growth_in_child(void (*f)(void *), void *arg, double *cpu_ms) {
    int fds[2];
    double report[2] = {-1, 0};
    pid_t pid;
    if (pipe(fds) != 0) return -1;
    pid = fork();
    if (pid == 0) {
        struct rusage a, b;
        long before = max_rss_kb();
        getrusage(RUSAGE_SELF, &a);
        f(arg);
        getrusage(RUSAGE_SELF, &b);
        report[0] = (double)(max_rss_kb() - before);
        report[1] = (double)(b.ru_utime.tv_sec - a.ru_utime.tv_sec + b.ru_stime.tv_sec - a.ru_stime.tv_sec) * 1e3 +
                    (double)(b.ru_utime.tv_usec - a.ru_utime.tv_usec + b.ru_stime.tv_usec - a.ru_stime.tv_usec) / 1e3;
        if (write(fds[1], report, sizeof report) != (ssize_t)sizeof report) _exit(1);
        _exit(0);
    }
    close(fds[1]);
    if (read(fds[0], report, sizeof report) != (ssize_t)sizeof report) report[0] = -1;
    close(fds[0]);
    waitpid(pid, NULL, 0);
    if (cpu_ms) *cpu_ms = report[1];
    return (long)report[0];
}

static void query_once(void *c) {
    ours_query(c, 0);
}

/* One query cell: ours (Flux or "" through the C ABI, JSON out) against
 * raw SQLite running the equivalent SQL and reading every column. */
static void query_cell(query_ctx *q, const char *name, const char *flux, const char *raw_sql, int nparams,
                       double anchor_ns) {
    double ours, raw;
    snprintf(q->flux, sizeof q->flux, "%s", flux);
    q->nparams = nparams;
    q->measurement = "m7";
    q->host = "h3";
    if (sqlite3_prepare_v2(q->raw, raw_sql, -1, &q->stmt, NULL) != SQLITE_OK) must_sql(q->raw, SQLITE_ERROR, raw_sql);
    bench_pair((bench_side){ours_query, NULL, q}, (bench_side){raw_query, NULL, q}, 3, 300, &ours, &raw);
    bench_table_row(name, ours, raw, "raw SQLite same SQL, step+read");
    printf("  %zu rows, %zu bytes of JSON", q->rows, q->json_bytes);
    if (anchor_ns > 0) printf("; go-store %.2f ms -> %.1fx faster", anchor_ns / 1e6, anchor_ns / ours);
    printf("\n");
    sqlite3_finalize(q->stmt);
}

#define SIX "SELECT bucket_name, measurement, fields_json, tags_json, committed_at, archived_at FROM journal_entries "

static void bench_queries(const char *path, long rows, int all_rows) {
    query_ctx q;
    char name[64];
    memset(&q, 0, sizeof q);
    must(store_open((const uint8_t *)path, strlen(path), NULL, &q.db), "open");
    sqlite3_open_v2(path, &q.raw, SQLITE_OPEN_READONLY, NULL);
    snprintf(name, sizeof name, "range -1h + measurement, %ldk rows", rows / 1000);
    query_cell(&q, name, "from(bucket: \"store\") |> range(start: -1h) |> filter(fn: (r) => r._measurement == \"m7\")",
               SIX "WHERE archived_at IS NULL AND bucket_name = ?1 AND committed_at >= ?2 AND measurement = ?3 "
                   "ORDER BY committed_at, entry_id",
               3, rows == 200000 ? 3.74e6 : 0);
    snprintf(name, sizeof name, "range -1h + measurement + tag, %ldk rows", rows / 1000);
    query_cell(&q, name,
               "from(bucket: \"store\") |> range(start: -1h) |> filter(fn: (r) => r._measurement == \"m7\" and r.host == "
               "\"h3\")",
               SIX "WHERE archived_at IS NULL AND bucket_name = ?1 AND committed_at >= ?2 AND measurement = ?3 "
                   "AND json_extract(tags_json, '$.host') = ?4 ORDER BY committed_at, entry_id",
               4, rows == 200000 ? 2.62e6 : 0);
    if (all_rows) {
        snprintf(name, sizeof name, "QueryJournal(\"\") -> %ldk rows", rows / 1000);
        query_cell(&q, name, "", SIX "WHERE archived_at IS NULL ORDER BY committed_at, entry_id", 0,
                   rows == 200000 ? 1010e6 : 0);
        double cpu_ms = 0;
        long growth = rss_growth_in_child(query_once, &q, &cpu_ms);
        printf("  one call in a fresh process: %.0f ms CPU, peak RSS +%ld KiB (go-store: 1010 ms, 384 MiB)\n", cpu_ms,
               growth);
    }
    sqlite3_close(q.raw);
    must(store_close(q.db), "close");
    store_free(q.db);
}

/* ---- compaction ---------------------------------------------------------------- */

typedef struct {
    const char *path;
    const char *format;
    char out_dir[600];
    char archive[700];
    double seconds, cpu_seconds;
} compact_ctx;

/* User + system CPU seconds of this process (who = RUSAGE_SELF) or of its
 * waited-for children (RUSAGE_CHILDREN): robust when the machine is busy. */
static double cpu_seconds(int who) {
    struct rusage ru;
    getrusage(who, &ru);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static void compact_once(void *c) {
    compact_ctx *x = c;
    store_db *db = NULL;
    store_compact_options o;
    store_bytes out = {0};
    int64_t t0;
    FILE *f;
    must(store_open((const uint8_t *)x->path, strlen(x->path), NULL, &db), "open");
    must(store_compact_options_init(&o, sizeof o), "options init");
    o.before_ms = now_ms() + 60000; /* every row */
    o.output.ptr = (const uint8_t *)x->out_dir;
    o.output.len = strlen(x->out_dir);
    o.format.ptr = (const uint8_t *)x->format;
    o.format.len = strlen(x->format);
    x->cpu_seconds = cpu_seconds(RUSAGE_SELF);
    t0 = bench_now_ns();
    must(store_compact(db, &o, &out), "compact");
    x->seconds = (double)(bench_now_ns() - t0) / 1e9;
    x->cpu_seconds = cpu_seconds(RUSAGE_SELF) - x->cpu_seconds;
    /* Report the archive path and time to the parent through a file. */
    f = fopen("/dev/shm/store-journal-bench.out", "w");
    if (f) {
        fprintf(f, "%.*s\n%f %f\n", (int)out.len, (const char *)out.ptr, x->seconds, x->cpu_seconds);
        fclose(f);
    }
    store_bytes_free(&out);
    store_close(db);
    store_free(db);
}

static void copy_file(const char *from, const char *to) {
    char cmd[1400];
    snprintf(cmd, sizeof cmd, "cp '%s' '%s'", from, to);
    if (system(cmd) != 0) {
        fprintf(stderr, "copy failed\n");
        exit(2);
    }
}

/* Runs a shell command; returns its CPU seconds (wall seconds in *wall)
 * and the peak RSS (KiB) of children so far in *rss. */
static double time_command(const char *cmd, double *wall, long *rss) {
    int64_t t0 = bench_now_ns();
    double cpu0 = cpu_seconds(RUSAGE_CHILDREN);
    struct rusage ru;
    pid_t pid = fork();
    if (pid == 0) {
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    waitpid(pid, NULL, 0);
    getrusage(RUSAGE_CHILDREN, &ru);
    *rss = ru.ru_maxrss;
    *wall = (double)(bench_now_ns() - t0) / 1e9;
    return cpu_seconds(RUSAGE_CHILDREN) - cpu0;
}

static double file_mb(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 ? (double)st.st_size / 1e6 : 0;
}

static void bench_compaction(const char *path, long rows) {
    const char *formats[2] = {"gzip", "zstd"};
    int k;
    char copy[600], jsonl[600], cmd[1600];
    for (k = 0; k < 2; k++) {
        compact_ctx x;
        long growth, tool_rss;
        double mb, tool_s, tool_wall, ours_mbs, tool_mbs;
        FILE *f;
        memset(&x, 0, sizeof x);
        path_of(copy, sizeof copy, "journal-compact.db");
        remove_db(copy);
        copy_file(path, copy);
        x.path = copy;
        x.format = formats[k];
        path_of(x.out_dir, sizeof x.out_dir, "archive");
        growth = rss_growth_in_child(compact_once, &x, NULL);
        f = fopen("/dev/shm/store-journal-bench.out", "r");
        if (!f || !fgets(x.archive, sizeof x.archive, f) || fscanf(f, "%lf %lf", &x.seconds, &x.cpu_seconds) != 2) {
            fprintf(stderr, "compaction child reported nothing\n");
            exit(2);
        }
        fclose(f);
        x.archive[strcspn(x.archive, "\n")] = 0;
        path_of(jsonl, sizeof jsonl, "journal.jsonl");
        snprintf(cmd, sizeof cmd, "%s -dc '%s' > '%s'", k == 0 ? "gzip" : "zstd -q", x.archive, jsonl);
        if (system(cmd) != 0) {
            fprintf(stderr, "decompress failed: %s\n", cmd);
            exit(2);
        }
        mb = file_mb(jsonl);
        snprintf(cmd, sizeof cmd, "%s -c '%s' > /dev/null", k == 0 ? "gzip" : "zstd -q", jsonl);
        tool_s = time_command(cmd, &tool_wall, &tool_rss);
        ours_mbs = mb / x.cpu_seconds;
        tool_mbs = mb / tool_s;
        printf("compact %-5s %ld rows: %.1f MB JSONL, %.2f s CPU (%.2f s wall) = %.1f MB/s, peak RSS +%ld KiB; "
               "%s CLI %.1f MB/s (%.2f s CPU, RSS %ld KiB) -> %.2fx\n",
               formats[k], rows, mb, x.cpu_seconds, x.seconds, ours_mbs, growth, formats[k], tool_mbs, tool_s,
               tool_rss, ours_mbs / tool_mbs);
        if (k == 0)
            printf("  go-store anchor: 200000 rows in 2.76 s (+97 MiB) -> ours %.2f s wall per 200000 rows = %.1fx faster\n",
                   x.seconds * 200000.0 / (double)rows, 2.76 / (x.seconds * 200000.0 / (double)rows));
        remove(x.archive);
        remove(jsonl);
        remove_db(copy);
    }
}

int main(int argc, char **argv) {
    long rows = argc > 1 ? atol(argv[1]) : 1000000;
    const char *only = argc > 2 ? argv[2] : "";
    char big[600];
    const char *t = getenv("TMPDIR");
    snprintf(tmpdir, sizeof tmpdir, "%s/store-journal-bench-%d", t && *t ? t : "/tmp", (int)getpid());
    mkdir(tmpdir, 0700);
    printf("journal benchmarks: libstore %s, SQLite %s, %ld rows\n", store_version(), sqlite3_libversion(), rows);
    bench_table_header();
    if (!*only || strcmp(only, "commits") == 0) bench_commits();
    if (!*only || strcmp(only, "queries") == 0) {
        path_of(big, sizeof big, "journal-200k.db");
        populate(big, 200000);
        bench_queries(big, 200000, 1);
        remove_db(big);
    }
    path_of(big, sizeof big, "journal-big.db");
    if (!*only || strcmp(only, "commits") != 0) populate(big, rows);
    if (!*only || strcmp(only, "queries") == 0) bench_queries(big, rows, 0);
    if (!*only || strcmp(only, "compact") == 0) bench_compaction(big, rows);
    remove_db(big);
    path_of(big, sizeof big, "archive");
    rmdir(big);
    rmdir(tmpdir);
    return 0;
}
