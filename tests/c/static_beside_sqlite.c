/*
 * libstore.a linked into one program together with another SQLite: the
 * system's libsqlite3 (static or shared) or the amalgamation object the C
 * tests build. Both must work side by side, each on its own database file:
 * the program's sqlite3_* calls reach the other SQLite (its version says so),
 * and the store keeps using its own bundled copy.
 *
 * Built three ways by mk/abi.mk. Before libstore.a kept SQLite's symbols
 * local, the links either bound the program's sqlite3_* calls to the
 * store's copy (the version check below fails) or let the store run on the
 * program's SQLite, with its compile options and global state (the memory
 * check below fails: the store's allocations showed up in the program's
 * SQLite).
 */
#include <sqlite3.h>
#include <store.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int fail(const char *what, const char *detail) {
    fprintf(stderr, "static_beside_sqlite: %s: %s\n", what, detail ? detail : "");
    return 1;
}

int main(void) {
    char dir[] = "/tmp/store-beside-XXXXXX";
    char store_path[128], other_path[128];
    store_db *db = NULL;
    store_bytes value = {0};
    sqlite3 *other = NULL;
    sqlite3_stmt *stmt = NULL;
    int rc = 0, count = -1;

    if (!mkdtemp(dir)) return fail("mkdtemp", NULL);
    snprintf(store_path, sizeof store_path, "%s/store.db", dir);
    snprintf(other_path, sizeof other_path, "%s/other.db", dir);

    /* The other SQLite is the one this program was compiled against. */
    if (strcmp(sqlite3_libversion(), SQLITE_VERSION) != 0)
        return fail("sqlite3_libversion() is not the linked SQLite's", sqlite3_libversion());

    /* The store's work must not allocate through the program's SQLite. */
    {
        sqlite3_int64 before = sqlite3_memory_used();
        int i;
        if (store_open((const uint8_t *)store_path, strlen(store_path), NULL, &db) != STORE_OK)
            return fail("store_open", store_last_error());
        for (i = 0; i < 200; i++) {
            char key[32];
            snprintf(key, sizeof key, "key-%d", i);
            if (store_set(store_db_kv(db), STORE_STR("bulk"), STORE_STR(key), STORE_STR("a value")) != STORE_OK)
                return fail("store_set", store_last_error());
        }
        if (sqlite3_memory_used() != before) return fail("the store allocated through the program's SQLite", NULL);
    }
    if (sqlite3_open(other_path, &other) != SQLITE_OK) return fail("sqlite3_open", sqlite3_errmsg(other));
    if (sqlite3_memory_used() == 0) return fail("sqlite3_memory_used() does not count", "(memstatus off?)");

    /* Interleave writes through both libraries. */
    if (sqlite3_exec(other, "CREATE TABLE t(k TEXT PRIMARY KEY, v TEXT); INSERT INTO t VALUES('a', '1');", NULL,
                     NULL, NULL) != SQLITE_OK)
        return fail("sqlite3_exec", sqlite3_errmsg(other));
    if (store_set(store_db_kv(db), STORE_STR("config"), STORE_STR("colour"), STORE_STR("blue")) != STORE_OK)
        return fail("store_set", store_last_error());
    if (sqlite3_exec(other, "INSERT INTO t VALUES('b', '2');", NULL, NULL, NULL) != SQLITE_OK)
        return fail("sqlite3_exec", sqlite3_errmsg(other));

    if (sqlite3_prepare_v2(other, "SELECT count(*) FROM t", -1, &stmt, NULL) != SQLITE_OK ||
        sqlite3_step(stmt) != SQLITE_ROW)
        return fail("count", sqlite3_errmsg(other));
    count = sqlite3_column_int(stmt, 0);
    sqlite3_finalize(stmt);
    if (count != 2) rc = fail("other SQLite row count", "want 2");

    if (store_get(store_db_kv(db), STORE_STR("config"), STORE_STR("colour"), &value) != STORE_OK)
        return fail("store_get", store_last_error());
    if (value.len != 4 || memcmp(value.ptr, "blue", 4) != 0) rc = fail("store_get", "want blue");
    store_bytes_free(&value);

    sqlite3_close(other);
    if (store_close(db) != STORE_OK) rc = fail("store_close", store_last_error());
    store_free(db);
    unlink(store_path);
    unlink(other_path);
    {
        char wal[160];
        snprintf(wal, sizeof wal, "%s-wal", store_path);
        unlink(wal);
        snprintf(wal, sizeof wal, "%s-shm", store_path);
        unlink(wal);
    }
    rmdir(dir);
    if (rc == 0) printf("ok   libstore.a beside SQLite %s\n", sqlite3_libversion());
    return rc;
}
