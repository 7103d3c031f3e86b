/*
 * The raw-SQLite baseline: the store's schema, SQL text and pragmas, run
 * directly with prepared statements (prepared once, reset after use) and
 * SQLITE_STATIC bindings. File databases get a writer and a query-only
 * reader connection like the library's; `:memory:` uses one connection.
 */
#include "bench.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Statement texts, verbatim from src/sql.rs. */
enum { GET, SET, SET_WITH_EXPIRY, DELETE, COUNT, COUNT_RANGE, SCAN_GROUP, GROUPS_LIVE, BEGIN, COMMIT, N_STMT };

static const char *const SQL[N_STMT] = {
    "SELECT entry_value, expires_at FROM entries WHERE group_name = ?1 AND entry_key = ?2",
    "INSERT INTO entries (group_name, entry_key, entry_value, expires_at) VALUES (?1, ?2, ?3, NULL) "
    "ON CONFLICT (group_name, entry_key) DO UPDATE SET entry_value = excluded.entry_value, expires_at = NULL",
    "INSERT INTO entries (group_name, entry_key, entry_value, expires_at) VALUES (?1, ?2, ?3, ?4) "
    "ON CONFLICT (group_name, entry_key) DO UPDATE SET entry_value = excluded.entry_value, expires_at = "
    "excluded.expires_at",
    "DELETE FROM entries WHERE group_name = ?1 AND entry_key = ?2",
    "SELECT COUNT(*) FROM entries WHERE group_name = ?1 AND (expires_at IS NULL OR expires_at > ?2)",
    "SELECT COUNT(*) FROM entries WHERE group_name >= ?1 AND group_name < ?2 "
    "AND (expires_at IS NULL OR expires_at > ?3)",
    "SELECT entry_key, entry_value FROM entries WHERE group_name = ?1 "
    "AND (expires_at IS NULL OR expires_at > ?2) ORDER BY entry_key LIMIT ?3 OFFSET ?4",
    "SELECT DISTINCT group_name FROM entries "
    "WHERE group_name >= ?1 AND group_name < ?2 AND (expires_at IS NULL OR expires_at > ?3) ORDER BY group_name",
    "BEGIN IMMEDIATE",
    "COMMIT",
};

/* From src/schema.rs. */
static const char SCHEMA[] =
    "CREATE TABLE IF NOT EXISTS entries (group_name TEXT NOT NULL, entry_key TEXT NOT NULL, "
    "entry_value TEXT NOT NULL, expires_at INTEGER, PRIMARY KEY (group_name, entry_key)) WITHOUT ROWID;"
    "CREATE INDEX IF NOT EXISTS entries_expires_at_idx ON entries (expires_at) WHERE expires_at IS NOT NULL;";

typedef struct conn {
    sqlite3 *db;
    sqlite3_stmt *stmt[N_STMT];
} conn;

struct raw_db {
    conn writer, reader;
    conn *read; /* the reader for files, the writer for :memory: */
};

static void die(sqlite3 *db, const char *what) {
    fprintf(stderr, "raw sqlite: %s: %s\n", what, db ? sqlite3_errmsg(db) : "?");
    exit(2);
}

static void exec(sqlite3 *db, const char *sql) {
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
        fprintf(stderr, "raw sqlite: %s: %s\n", sql, err ? err : "?");
        exit(2);
    }
}

/* The pragmas of src/database.rs open_connection. */
static void open_conn(conn *c, const char *path, const char *synchronous, int reader) {
    char pragma[64];
    int memory = strcmp(path, ":memory:") == 0;
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI | (reader ? 0 : SQLITE_OPEN_CREATE);
    int i;
    memset(c, 0, sizeof *c);
    if (sqlite3_open_v2(path, &c->db, flags, NULL) != SQLITE_OK) die(c->db, "open");
    if (!memory) exec(c->db, "PRAGMA journal_mode=WAL");
    sqlite3_busy_timeout(c->db, 5000);
    snprintf(pragma, sizeof pragma, "PRAGMA synchronous=%s", synchronous);
    exec(c->db, pragma);
    if (reader)
        exec(c->db, "PRAGMA query_only=1");
    else
        exec(c->db, SCHEMA);
    for (i = 0; i < N_STMT; i++)
        if (sqlite3_prepare_v3(c->db, SQL[i], -1, SQLITE_PREPARE_PERSISTENT, &c->stmt[i], NULL) != SQLITE_OK)
            die(c->db, SQL[i]);
}

static void close_conn(conn *c) {
    int i;
    if (!c->db) return;
    for (i = 0; i < N_STMT; i++) sqlite3_finalize(c->stmt[i]);
    sqlite3_close(c->db);
}

raw_db *raw_open(const char *path, const char *synchronous) {
    raw_db *db = calloc(1, sizeof *db);
    if (!db) exit(2);
    open_conn(&db->writer, path, synchronous, 0);
    if (strcmp(path, ":memory:") == 0) {
        db->read = &db->writer;
    } else {
        open_conn(&db->reader, path, synchronous, 1);
        db->read = &db->reader;
    }
    return db;
}

void raw_close(raw_db *db) {
    close_conn(&db->writer);
    close_conn(&db->reader);
    free(db);
}

const char *raw_sqlite_version(void) {
    return sqlite3_libversion();
}

int64_t raw_now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Steps a write statement to completion and resets it. */
static void run(conn *c, sqlite3_stmt *s) {
    if (sqlite3_step(s) != SQLITE_DONE) die(c->db, sqlite3_sql(s));
    sqlite3_reset(s);
}

static void bind_gk(sqlite3_stmt *s, const char *g, size_t gl, const char *k, size_t kl) {
    sqlite3_bind_text(s, 1, g, (int)gl, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, k, (int)kl, SQLITE_STATIC);
}

void raw_set(raw_db *db, const char *g, size_t gl, const char *k, size_t kl, const char *v, size_t vl) {
    sqlite3_stmt *s = db->writer.stmt[SET];
    bind_gk(s, g, gl, k, kl);
    sqlite3_bind_text(s, 3, v, (int)vl, SQLITE_STATIC);
    run(&db->writer, s);
}

void raw_set_with_expiry(raw_db *db, const char *g, size_t gl, const char *k, size_t kl, const char *v, size_t vl,
                         int64_t expires_at_ms) {
    sqlite3_stmt *s = db->writer.stmt[SET_WITH_EXPIRY];
    bind_gk(s, g, gl, k, kl);
    sqlite3_bind_text(s, 3, v, (int)vl, SQLITE_STATIC);
    sqlite3_bind_int64(s, 4, expires_at_ms);
    run(&db->writer, s);
}

int raw_get(raw_db *db, const char *g, size_t gl, const char *k, size_t kl, char **out, size_t *out_len) {
    sqlite3_stmt *s = db->read->stmt[GET];
    int found = 0;
    bind_gk(s, g, gl, k, kl);
    if (sqlite3_step(s) == SQLITE_ROW &&
        (sqlite3_column_type(s, 1) == SQLITE_NULL || sqlite3_column_int64(s, 1) > raw_now_ms())) {
        const unsigned char *v = sqlite3_column_text(s, 0);
        size_t n = (size_t)sqlite3_column_bytes(s, 0);
        *out = malloc(n + 1);
        memcpy(*out, v, n);
        (*out)[n] = 0;
        *out_len = n;
        found = 1;
    }
    sqlite3_reset(s);
    return found;
}

void raw_delete(raw_db *db, const char *g, size_t gl, const char *k, size_t kl) {
    sqlite3_stmt *s = db->writer.stmt[DELETE];
    bind_gk(s, g, gl, k, kl);
    run(&db->writer, s);
}

static int64_t single_int(conn *c, sqlite3_stmt *s) {
    int64_t n;
    if (sqlite3_step(s) != SQLITE_ROW) die(c->db, sqlite3_sql(s));
    n = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    return n;
}

int64_t raw_count(raw_db *db, const char *g, size_t gl) {
    sqlite3_stmt *s = db->read->stmt[COUNT];
    sqlite3_bind_text(s, 1, g, (int)gl, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, raw_now_ms());
    return single_int(db->read, s);
}

/* Binds a prefix range like src/prefix.rs: [prefix, prefix with its last byte
 * incremented); the empty prefix's upper bound is the empty BLOB. Only
 * prefixes without 0xFF bytes are needed here. */
static void bind_range(sqlite3_stmt *s, const char *prefix, char *upper) {
    size_t n = strlen(prefix);
    sqlite3_bind_text(s, 1, prefix, (int)n, SQLITE_STATIC);
    if (n == 0) {
        sqlite3_bind_zeroblob(s, 2, 0);
    } else {
        memcpy(upper, prefix, n);
        upper[n - 1]++;
        sqlite3_bind_text(s, 2, upper, (int)n, SQLITE_STATIC);
    }
}

int64_t raw_count_all(raw_db *db, const char *prefix) {
    sqlite3_stmt *s = db->read->stmt[COUNT_RANGE];
    char upper[256];
    bind_range(s, prefix, upper);
    sqlite3_bind_int64(s, 3, raw_now_ms());
    return single_int(db->read, s);
}

/* Appends a column's bytes and a NUL to the arena. */
static void arena_push(raw_arena *a, const void *p, size_t n) {
    if (a->len + n + 1 > a->cap) {
        size_t cap = a->cap ? a->cap : 4096;
        while (cap < a->len + n + 1) cap *= 2;
        a->data = realloc(a->data, cap);
        if (!a->data) exit(2);
        a->cap = cap;
    }
    memcpy(a->data + a->len, p, n);
    a->len += n;
    a->data[a->len++] = 0;
}

void raw_scan(raw_db *db, const char *g, size_t gl, int64_t limit, raw_arena *arena) {
    sqlite3_stmt *s = db->read->stmt[SCAN_GROUP];
    arena->len = arena->rows = 0;
    sqlite3_bind_text(s, 1, g, (int)gl, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, raw_now_ms());
    sqlite3_bind_int64(s, 3, limit);
    sqlite3_bind_int64(s, 4, 0);
    while (sqlite3_step(s) == SQLITE_ROW) {
        arena_push(arena, sqlite3_column_text(s, 0), (size_t)sqlite3_column_bytes(s, 0));
        arena_push(arena, sqlite3_column_text(s, 1), (size_t)sqlite3_column_bytes(s, 1));
        arena->rows++;
    }
    sqlite3_reset(s);
}

void raw_groups(raw_db *db, raw_arena *arena) {
    sqlite3_stmt *s = db->read->stmt[GROUPS_LIVE];
    char upper[8];
    arena->len = arena->rows = 0;
    bind_range(s, "", upper);
    sqlite3_bind_int64(s, 3, raw_now_ms());
    while (sqlite3_step(s) == SQLITE_ROW) {
        arena_push(arena, sqlite3_column_text(s, 0), (size_t)sqlite3_column_bytes(s, 0));
        arena->rows++;
    }
    sqlite3_reset(s);
}

void raw_begin(raw_db *db) {
    run(&db->writer, db->writer.stmt[BEGIN]);
}

void raw_commit(raw_db *db) {
    run(&db->writer, db->writer.stmt[COMMIT]);
}
