/*
 * File databases through the C ABI: persistence across reopen, WAL mode,
 * the on-disk format shared with go-store (checked with raw SQLite from the
 * same amalgamation), the legacy `kv` table migration, corrupt and
 * non-SQLite files, a missing directory and `~/` expansion.
 */
#include "check.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>

/* Runs `sql` on the file at `path` with a private raw SQLite connection. */
static void raw_exec(const char *file, int line, const char *path, const char *sql) {
    sqlite3 *db = NULL;
    char *err = NULL;
    if (sqlite3_open(path, &db) != SQLITE_OK || sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
        check_fail(file, line, "raw sqlite on %s: %s", path, err ? err : sqlite3_errmsg(db));
    sqlite3_free(err);
    sqlite3_close(db);
}

/* The first column of the first row of `sql` as an integer (-1 if no row). */
static long long raw_int(const char *path, const char *sql) {
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;
    long long v = -1;
    if (sqlite3_open(path, &db) == SQLITE_OK && sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW)
        v = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return v;
}

/* The first column of the first row of `sql` as text, into buf. */
static const char *raw_text(const char *path, const char *sql, char *buf, size_t cap) {
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;
    buf[0] = 0;
    if (sqlite3_open(path, &db) == SQLITE_OK && sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0))
        snprintf(buf, cap, "%s", (const char *)sqlite3_column_text(stmt, 0));
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return buf;
}

#define RAW_EXEC(path, sql) \
    do { \
        raw_exec(__FILE__, __LINE__, (path), (sql)); \
        if (check_failed()) return; \
    } while (0)

static void persists_across_reopen(void) {
    char path[600];
    check_path(path, sizeof path, "persist.db");
    {
        OPEN_FILE(db, path, STORE_SYNC_FULL);
        SET(store_db_kv(db), "config", "colour", "blue");
        CHECK_OK(store_set(store_db_kv(db), (const uint8_t *)"bin\0ary", 7, (const uint8_t *)"k\0\xff", 3,
                           (const uint8_t *)"v\0\xfe", 3));
        CHECK_OK(store_close(db));
        store_free(db);
    }
    {
        OPEN_FILE(db, path, STORE_SYNC_NORMAL);
        store_bytes b = {0};
        CHECK_GET(store_db_kv(db), "config", "colour", "blue");
        CHECK_OK(store_get(store_db_kv(db), (const uint8_t *)"bin\0ary", 7, (const uint8_t *)"k\0\xff", 3, &b));
        CHECK_INT(b.len, 3);
        CHECK(memcmp(b.ptr, "v\0\xfe", 3) == 0);
        store_bytes_free(&b);
        store_free(db);
    }
    /* The rows are plain go-store rows: TEXT columns, no expiry. */
    CHECK_INT(raw_int(path, "SELECT COUNT(*) FROM entries WHERE group_name = 'config' AND entry_key = 'colour' "
                            "AND entry_value = 'blue' AND expires_at IS NULL AND typeof(entry_value) = 'text'"),
              1);
}

static void file_store_uses_wal(void) {
    char path[600], wal[620], mode[32];
    struct stat st;
    check_path(path, sizeof path, "wal.db");
    snprintf(wal, sizeof wal, "%s-wal", path);
    {
        OPEN_FILE(db, path, STORE_SYNC_DEFAULT);
        SET(store_db_kv(db), "g", "k", "v");
        CHECK(stat(wal, &st) == 0);
        store_free(db);
    }
    CHECK(strcmp(raw_text(path, "PRAGMA journal_mode", mode, sizeof mode), "wal") == 0);
}

static void expiry_is_unix_milliseconds(void) {
    char path[600];
    long long before = (long long)time(NULL) * 1000, at;
    check_path(path, sizeof path, "expiry.db");
    {
        OPEN_FILE(db, path, STORE_SYNC_OFF);
        CHECK_OK(store_set_with_ttl(store_db_kv(db), STORE_STR("g"), STORE_STR("k"), STORE_STR("v"), 3600 * 1000));
        store_free(db);
    }
    at = raw_int(path, "SELECT expires_at FROM entries WHERE group_name = 'g' AND entry_key = 'k'");
    CHECK(at >= before + 3600 * 1000 - 1000);
    CHECK(at <= before + 3600 * 1000 + 5000);
}

/* A database written by go-store (same schema, ms expiry) reads back unchanged. */
static void reads_go_store_file(void) {
    char path[600];
    check_path(path, sizeof path, "gostore.db");
    RAW_EXEC(path, "PRAGMA journal_mode=WAL;"
                   "CREATE TABLE entries (group_name TEXT NOT NULL, entry_key TEXT NOT NULL, entry_value TEXT NOT NULL,"
                   " expires_at INTEGER, PRIMARY KEY (group_name, entry_key));"
                   "INSERT INTO entries VALUES ('config', 'colour', 'blue', NULL);"
                   "INSERT INTO entries VALUES ('session', 'old', 'x', 1000);"
                   "INSERT INTO entries VALUES ('session', 'new', 'y', 32503680000000);");
    {
        OPEN_FILE(db, path, STORE_SYNC_DEFAULT);
        store_kv *kv = store_db_kv(db);
        CHECK_GET(kv, "config", "colour", "blue");
        CHECK_GET(kv, "session", "new", "y");
        CHECK_MISSING(kv, "session", "old");
        CHECK_COUNT(kv, "session", 1);
        store_free(db);
    }
}

static void migrates_legacy_kv_table(void) {
    char path[600];
    check_path(path, sizeof path, "legacy.db");
    RAW_EXEC(path, "CREATE TABLE kv (grp TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (grp, key));"
                   "INSERT INTO kv VALUES ('config', 'colour', 'blue');"
                   "INSERT INTO kv VALUES ('config', 'size', 'large');"
                   "INSERT INTO kv VALUES ('other', 'k', 'v');");
    {
        OPEN_FILE(db, path, STORE_SYNC_DEFAULT);
        store_kv *kv = store_db_kv(db);
        CHECK_GET(kv, "config", "colour", "blue");
        CHECK_GET(kv, "config", "size", "large");
        CHECK_GET(kv, "other", "k", "v");
        /* TTL works on migrated data. */
        CHECK_OK(store_set_with_ttl(kv, STORE_STR("config"), STORE_STR("size"), STORE_STR("tmp"), 1));
        check_sleep_ms(5);
        CHECK_MISSING(kv, "config", "size");
        store_free(db);
    }
    CHECK_INT(raw_int(path, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'kv'"), 0);
}

static void migrates_legacy_beside_current_rows(void) {
    char path[600];
    check_path(path, sizeof path, "both.db");
    RAW_EXEC(path, "CREATE TABLE entries (group_name TEXT NOT NULL, entry_key TEXT NOT NULL, entry_value TEXT NOT NULL,"
                   " PRIMARY KEY (group_name, entry_key));"
                   "INSERT INTO entries VALUES ('config', 'colour', 'current');"
                   "CREATE TABLE kv (grp TEXT, key TEXT, value TEXT, expires_at INTEGER);"
                   "INSERT INTO kv VALUES ('config', 'colour', 'legacy', NULL);"
                   "INSERT INTO kv VALUES ('config', 'shape', 'round', NULL);"
                   "INSERT INTO kv VALUES ('config', 'expired', 'x', 1000);");
    {
        OPEN_FILE(db, path, STORE_SYNC_DEFAULT);
        store_kv *kv = store_db_kv(db);
        CHECK_GET(kv, "config", "colour", "current"); /* existing rows win */
        CHECK_GET(kv, "config", "shape", "round");
        CHECK_MISSING(kv, "config", "expired");
        /* The pre-TTL entries table gained expires_at. */
        CHECK_OK(store_set_with_ttl(kv, STORE_STR("config"), STORE_STR("ttl"), STORE_STR("v"), 60000));
        CHECK_COUNT(kv, "config", 3);
        store_free(db);
    }
    CHECK_INT(raw_int(path, "SELECT COUNT(*) FROM pragma_table_info('entries') WHERE name = 'expires_at'"), 1);
    CHECK_INT(raw_int(path, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'kv'"), 0);
}

static void reopen_is_a_no_op(void) {
    char path[600];
    int i;
    check_path(path, sizeof path, "reopen.db");
    for (i = 0; i < 3; i++) {
        OPEN_FILE(db, path, STORE_SYNC_OFF);
        CHECK_COUNT(store_db_kv(db), "g", i);
        {
            char k[16];
            snprintf(k, sizeof k, "k%d", i);
            SET(store_db_kv(db), "g", k, "v");
        }
        store_free(db);
    }
}

static void rejects_non_sqlite_and_corrupt_files(void) {
    char path[600];
    store_db *db = NULL;
    FILE *f;
    int i;
    check_path(path, sizeof path, "not-a-db.txt");
    f = fopen(path, "wb");
    CHECK(f != NULL);
    for (i = 0; i < 200; i++) fputs("this is not an SQLite database file. ", f);
    fclose(f);
    CHECK_ERR(store_open(STORE_STR(path), NULL, &db), STORE_CORRUPT, "store.New");
    CHECK(db == NULL);

    /* A real database whose header was overwritten. */
    check_path(path, sizeof path, "corrupt.db");
    RAW_EXEC(path, "CREATE TABLE entries (group_name TEXT, entry_key TEXT, entry_value TEXT, expires_at INTEGER);");
    f = fopen(path, "r+b");
    CHECK(f != NULL);
    fputs("garbage garbage garbage!", f);
    fclose(f);
    CHECK_ERR(store_open(STORE_STR(path), NULL, &db), STORE_CORRUPT, "store.New");
    CHECK(db == NULL);
}

static void missing_directory_fails(void) {
    char path[600];
    store_db *db = NULL;
    check_path(path, sizeof path, "no/such/dir/store.db");
    CHECK_ERR(store_open(STORE_STR(path), NULL, &db), STORE_IO, "store.New");
    CHECK(db == NULL);
}

static void expands_home_directory(void) {
    char want[600];
    store_db *db = NULL;
    store_slice given;
    struct stat st;
    const char *old = getenv("HOME");
    char saved[600];
    snprintf(saved, sizeof saved, "%s", old ? old : "");
    CHECK(setenv("HOME", check_tmpdir(), 1) == 0);
    CHECK_OK(store_open(STORE_STR("~/home.db"), NULL, &db));
    if (old) setenv("HOME", saved, 1);
    CHECK_OK(store_database_path(db, &given));
    CHECK_SLICE(given, "~/home.db");
    SET(store_db_kv(db), "g", "k", "v");
    store_free(db);
    CHECK(stat(check_path(want, sizeof want, "home.db"), &st) == 0);
}

int main(int argc, char **argv) {
    static const check_test tests[] = {
        TEST(persists_across_reopen),
        TEST(file_store_uses_wal),
        TEST(expiry_is_unix_milliseconds),
        TEST(reads_go_store_file),
        TEST(migrates_legacy_kv_table),
        TEST(migrates_legacy_beside_current_rows),
        TEST(reopen_is_a_no_op),
        TEST(rejects_non_sqlite_and_corrupt_files),
        TEST(missing_directory_fails),
        TEST(expands_home_directory),
    };
    return check_run("persist", tests, sizeof tests / sizeof tests[0], argc, argv);
}
