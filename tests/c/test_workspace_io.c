/*
 * Workspace import and export through the C ABI: a caller's medium (a small
 * in-memory table of files) and the local filesystem (NULL medium), the
 * all-or-nothing import, an export that fails leaving the old file as it
 * was, argument errors, and the medium's release running exactly once per
 * call. Run plain and under ASan/UBSan.
 */
#include "check.h"

#include <stdio.h>
#include <stdlib.h>

#define S(s) STORE_STR(s)

#define FILES 8

typedef struct {
    bool used;
    char path[128];
    char *data;
    size_t len;
} file;

typedef struct {
    file files[FILES];
    bool fail_rename;
    int releases;
} medium;

static file *find(medium *m, const uint8_t *path, size_t len) {
    for (int i = 0; i < FILES; i++)
        if (m->files[i].used && strlen(m->files[i].path) == len && memcmp(m->files[i].path, path, len) == 0)
            return &m->files[i];
    return NULL;
}

static int32_t fail_with(store_medium_call *call, const char *message) {
    store_medium_call_set_error(call, S(message));
    return STORE_MEDIUM_ERROR;
}

static void put_bytes(medium *m, const char *path, const char *data, size_t len) {
    file *f = find(m, (const uint8_t *)path, strlen(path));
    for (int i = 0; !f && i < FILES; i++)
        if (!m->files[i].used) {
            f = &m->files[i];
            f->used = true;
            snprintf(f->path, sizeof f->path, "%s", path);
        }
    if (!f) return;
    free(f->data);
    f->data = malloc(len ? len : 1);
    memcpy(f->data, data, len);
    f->len = len;
}

static void put_file(medium *m, const char *path, const char *data) { put_bytes(m, path, data, strlen(data)); }

static int32_t m_read(void *ud, const uint8_t *path, size_t len, store_medium_call *call) {
    file *f = find(ud, path, len);
    if (!f) return STORE_MEDIUM_NOT_FOUND;
    return store_medium_call_write(call, (const uint8_t *)f->data, f->len) == STORE_OK ? STORE_MEDIUM_OK : STORE_MEDIUM_ERROR;
}

static int32_t m_write(void *ud, const uint8_t *path, size_t len, const uint8_t *data, size_t data_len,
                       store_medium_call *call) {
    char name[128];
    if (len >= sizeof name) return fail_with(call, "path too long");
    memcpy(name, path, len);
    name[len] = 0;
    put_bytes(ud, name, (const char *)data, data_len);
    return STORE_MEDIUM_OK;
}

static int32_t m_exists(void *ud, const uint8_t *path, size_t len) { return find(ud, path, len) != NULL; }

static int32_t m_ensure_dir(void *ud, const uint8_t *path, size_t len, store_medium_call *call) {
    (void)ud, (void)path, (void)len, (void)call;
    return STORE_MEDIUM_OK;
}

static int32_t m_delete(void *ud, const uint8_t *path, size_t len, store_medium_call *call) {
    (void)call;
    file *f = find(ud, path, len);
    if (!f) return STORE_MEDIUM_NOT_FOUND;
    free(f->data);
    memset(f, 0, sizeof *f);
    return STORE_MEDIUM_OK;
}

static int32_t m_rename(void *ud, const uint8_t *a, size_t an, const uint8_t *b, size_t bn, store_medium_call *call) {
    medium *m = ud;
    if (m->fail_rename) return fail_with(call, "rename refused (injected)");
    file *from = find(m, a, an);
    if (!from || bn >= sizeof from->path) return STORE_MEDIUM_NOT_FOUND;
    file *to = find(m, b, bn);
    if (to) {
        free(to->data);
        memset(to, 0, sizeof *to);
    }
    memcpy(from->path, b, bn);
    from->path[bn] = 0;
    return STORE_MEDIUM_OK;
}

static void m_release(void *ud) { ((medium *)ud)->releases++; }

static store_medium_vtable table(medium *m) {
    store_medium_vtable v;
    memset(&v, 0, sizeof v);
    v.struct_size = sizeof v;
    v.user_data = m;
    v.release = m_release;
    v.read = m_read;
    v.write = m_write;
    v.exists = m_exists;
    v.ensure_dir = m_ensure_dir;
    v.delete_path = m_delete;
    v.rename = m_rename;
    return v;
}

static void clear(medium *m) {
    for (int i = 0; i < FILES; i++) free(m->files[i].data);
    memset(m, 0, sizeof *m);
}

static int file_count(medium *m) {
    int n = 0;
    for (int i = 0; i < FILES; i++) n += m->files[i].used;
    return n;
}

static store_db *open_store(const char *name) {
    char state[600];
    return check_open_with_state(name, state, sizeof state);
}

#define CHECK_FILE(m, path, want) \
    do { \
        file *f_ = find((m), (const uint8_t *)(path), strlen(path)); \
        CHECK(f_ != NULL); \
        if (!check_bytes_eq((const uint8_t *)f_->data, f_->len, (want))) { \
            check_fail(__FILE__, __LINE__, "%s holds %.*s, want %s", (path), (int)f_->len, f_->data, (want)); \
            return; \
        } \
    } while (0)

#define CHECK_AGGREGATE(ws, want) \
    do { \
        store_bytes a_ = {0}; \
        CHECK_OK(store_workspace_aggregate((ws), &a_)); \
        bool same_ = check_bytes_eq(a_.ptr, a_.len, (want)); \
        if (!same_) check_fail(__FILE__, __LINE__, "aggregate %.*s, want %s", (int)a_.len, (const char *)a_.ptr, (want)); \
        store_bytes_free(&a_); \
        if (!same_) return; \
    } while (0)

static void import_and_export_through_a_medium(void) {
    store_db *db = open_store("io1");
    if (!db) return;
    store_workspace *ws = NULL;
    medium m = {0};
    store_medium_vtable v = table(&m);
    CHECK_OK(store_workspace_new(db, S("io"), &ws));
    put_file(&m, "in/data.jsonl", "{\"user\":\"@alice\"}\n{\"user\":\"@bob\"}\n");
    CHECK_OK(store_workspace_import(ws, &v, S("in/data.jsonl")));
    CHECK_INT(m.releases, 1);
    put_file(&m, "findings.csv", "tool,note\ngosec,\"two\nlines\"\n");
    CHECK_OK(store_workspace_import(ws, &v, S("findings.csv")));
    CHECK_AGGREGATE(ws, "{\"data\":2,\"findings\":1}");

    CHECK_OK(store_workspace_export(ws, &v, S("out/report.json")));
    CHECK_FILE(&m, "out/report.json", "{\"data\":2,\"findings\":1}");
    CHECK_OK(store_workspace_export(ws, &v, S("out/kinds.csv")));
    CHECK_INT(m.releases, 4);
    int64_t n = 0;
    CHECK_OK(store_workspace_count(ws, &n));
    CHECK_INT(n, 3);
    /* Only the two inputs and two outputs: no temporary file stays. */
    CHECK_INT(file_count(&m), 4);
    store_workspace_free(ws);
    store_close(db);
    store_free(db);
    clear(&m);
}

static void a_bad_line_adds_nothing(void) {
    store_db *db = open_store("io2");
    if (!db) return;
    store_workspace *ws = NULL;
    medium m = {0};
    store_medium_vtable v = table(&m);
    CHECK_OK(store_workspace_new(db, S("all-or-nothing"), &ws));
    CHECK_OK(store_workspace_put(ws, S("mine"), S("{\"n\":1}")));
    put_file(&m, "data.jsonl", "{\"a\":1}\n{\"a\":2}\n{\"a\":\n");
    CHECK_ERR(store_workspace_import(ws, &v, S("data.jsonl")), STORE_INVALID_ARGUMENT,
              "store.Import: parse jsonl line 3");
    put_file(&m, "users.json", "[{\"a\":1},7]");
    CHECK_ERR(store_workspace_import(ws, &v, S("users.json")), STORE_INVALID_ARGUMENT,
              "json array element is not an object at index 1");
    put_file(&m, "bad.csv", "a,b\n1,\"2\n");
    CHECK_ERR(store_workspace_import(ws, &v, S("bad.csv")), STORE_INVALID_ARGUMENT, "store.Import: parse csv: ");
    CHECK_INT(m.releases, 3);
    CHECK_AGGREGATE(ws, "{\"mine\":1}");
    store_workspace_free(ws);
    store_close(db);
    store_free(db);
    clear(&m);
}

static void local_filesystem_when_medium_is_null(void) {
    store_db *db = open_store("io3");
    if (!db) return;
    store_workspace *ws = NULL, *back = NULL;
    char jsonl[600];
    check_path(jsonl, sizeof jsonl, "io3-out/nested/entries.jsonl");
    CHECK_OK(store_workspace_new(db, S("local"), &ws));
    CHECK_OK(store_workspace_put(ws, S("like"), S("{\"user\":\"@alice\"}")));
    CHECK_OK(store_workspace_put(ws, S("like"), S("{\"user\":\"@bob\"}")));
    CHECK_OK(store_workspace_export(ws, NULL, S(jsonl)));
    CHECK_OK(store_workspace_new(db, S("back"), &back));
    CHECK_OK(store_workspace_import(back, NULL, S(jsonl)));
    CHECK_AGGREGATE(back, "{\"entries\":2}");
    store_workspace_free(ws);
    store_workspace_free(back);
    store_close(db);
    store_free(db);
}

static void failures_keep_the_old_file(void) {
    store_db *db = open_store("io4");
    if (!db) return;
    store_workspace *ws = NULL;
    medium m = {0};
    store_medium_vtable v = table(&m);
    CHECK_OK(store_workspace_new(db, S("keep"), &ws));
    CHECK_OK(store_workspace_put(ws, S("like"), S("{}")));
    put_file(&m, "r.json", "{\"previous\":true}");
    m.fail_rename = true;
    CHECK_ERR(store_workspace_export(ws, &v, S("r.json")), STORE_IO, "store.Export: write json: rename ");
    CHECK_FILE(&m, "r.json", "{\"previous\":true}");
    CHECK_INT(file_count(&m), 1);
    m.fail_rename = false;
    CHECK_OK(store_workspace_close(ws));
    CHECK_ERR(store_workspace_export(ws, &v, S("r.json")), STORE_CLOSED, "store.Export: aggregate workspace");
    CHECK_ERR(store_workspace_export(ws, &v, S("r.csv")), STORE_CLOSED, "store.Export: query workspace");
    CHECK_FILE(&m, "r.json", "{\"previous\":true}");
    CHECK_INT(m.releases, 3);
    store_workspace_free(ws);
    store_close(db);
    store_free(db);
    clear(&m);
}

static void argument_errors(void) {
    store_db *db = open_store("io5");
    if (!db) return;
    store_workspace *ws = NULL;
    medium m = {0};
    store_medium_vtable v = table(&m);
    CHECK_OK(store_workspace_new(db, S("args"), &ws));
    CHECK_ERR(store_workspace_import(NULL, &v, S("d.jsonl")), STORE_INVALID_ARGUMENT, "store.Import: store: workspace handle is NULL");
    CHECK_ERR(store_workspace_export(NULL, &v, S("d.json")), STORE_INVALID_ARGUMENT, "store.Export: store: workspace handle is NULL");
    CHECK_ERR(store_workspace_import(ws, &v, S("")), STORE_INVALID_ARGUMENT, "store.Import: path is empty");
    CHECK_ERR(store_workspace_export(ws, &v, S("")), STORE_INVALID_ARGUMENT, "store.Export: path is empty");
    CHECK_ERR(store_workspace_import(ws, &v, NULL, 3), STORE_INVALID_ARGUMENT, "path");
    CHECK_ERR(store_workspace_import(ws, &v, (const uint8_t *)"\xff", 1), STORE_INVALID_ARGUMENT, "UTF-8");
    CHECK_ERR(store_workspace_import(ws, &v, S("ghost.jsonl")), STORE_IO, "store.Import: read from medium: ");
    /* Every call above took the medium and released it once. */
    CHECK_INT(m.releases, 7);
    v.rename = NULL;
    CHECK_ERR(store_workspace_export(ws, &v, S("d.json")), STORE_INVALID_ARGUMENT, "medium.rename is NULL");
    CHECK_INT(m.releases, 8);
    store_workspace_free(ws);
    store_close(db);
    store_free(db);
    clear(&m);
}

int main(int argc, char **argv) {
    static const check_test tests[] = {
        TEST(import_and_export_through_a_medium),
        TEST(a_bad_line_adds_nothing),
        TEST(local_filesystem_when_medium_is_null),
        TEST(failures_keep_the_old_file),
        TEST(argument_errors),
    };
    return check_run("workspace_io", tests, sizeof tests / sizeof tests[0], argc, argv);
}
