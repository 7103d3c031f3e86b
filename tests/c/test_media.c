/*
 * Media through the C ABI: a medium given as a callback table
 * (store_medium_vtable) holding the database (copied in at open, written
 * back at close, go-store's failure handling), `release` run exactly once
 * on every path, the libgit2 size rule, and journal rows as InfluxDB line
 * protocol (store_export_line_protocol).
 */
#include "check.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

/* ---- an in-memory medium written in C ---------------------------------- */

#define MEM_FILES 8

typedef struct mem_file {
    char path[256];
    uint8_t *data;
    size_t len;
    bool used;
} mem_file;

typedef struct mem_medium {
    pthread_mutex_t lock;
    mem_file files[MEM_FILES];
    int releases;
    int writes;
    bool fail_writes;
    bool fail_reads;
    int commits;        /* stream writers closed with commit */
    int abandons;       /* stream writers closed without commit */
    int readers_closed;
    size_t fail_stream_after; /* writer_write fails once this many bytes were written (0 = never) */
} mem_medium;

static void mem_init(mem_medium *m) {
    memset(m, 0, sizeof *m);
    pthread_mutex_init(&m->lock, NULL);
}

static void mem_destroy(mem_medium *m) {
    for (int i = 0; i < MEM_FILES; i++) free(m->files[i].data);
    pthread_mutex_destroy(&m->lock);
}

/* The slot holding `path` (paths arrive NUL-terminated), or NULL. */
static mem_file *mem_find(mem_medium *m, const uint8_t *path, size_t len) {
    for (int i = 0; i < MEM_FILES; i++)
        if (m->files[i].used && strlen(m->files[i].path) == len && memcmp(m->files[i].path, path, len) == 0)
            return &m->files[i];
    return NULL;
}

static int32_t fail_with(store_medium_call *call, const char *message) {
    store_medium_call_set_error(call, STORE_STR(message));
    return STORE_MEDIUM_ERROR;
}

static int32_t mem_read(void *ud, const uint8_t *path, size_t len, store_medium_call *call) {
    mem_medium *m = ud;
    pthread_mutex_lock(&m->lock);
    int32_t rc = STORE_MEDIUM_OK;
    mem_file *f = mem_find(m, path, len);
    if (m->fail_reads) rc = fail_with(call, "injected read failure");
    else if (!f) rc = STORE_MEDIUM_NOT_FOUND;
    else if (store_medium_call_write(call, f->data, f->len) != STORE_OK) rc = STORE_MEDIUM_ERROR;
    pthread_mutex_unlock(&m->lock);
    return rc;
}

static int32_t mem_write(void *ud, const uint8_t *path, size_t len, const uint8_t *data, size_t data_len,
                         store_medium_call *call) {
    mem_medium *m = ud;
    pthread_mutex_lock(&m->lock);
    int32_t rc = STORE_MEDIUM_OK;
    m->writes++;
    mem_file *f = mem_find(m, path, len);
    for (int i = 0; !f && i < MEM_FILES; i++)
        if (!m->files[i].used) {
            f = &m->files[i];
            f->used = true;
            snprintf(f->path, sizeof f->path, "%s", (const char *)path);
        }
    if (m->fail_writes) rc = fail_with(call, "disk full (injected)");
    else if (!f) rc = fail_with(call, "medium is full");
    else {
        uint8_t *copy = malloc(data_len ? data_len : 1);
        memcpy(copy, data, data_len);
        free(f->data);
        f->data = copy;
        f->len = data_len;
    }
    pthread_mutex_unlock(&m->lock);
    return rc;
}

static int32_t mem_exists(void *ud, const uint8_t *path, size_t len) {
    mem_medium *m = ud;
    pthread_mutex_lock(&m->lock);
    int32_t yes = mem_find(m, path, len) != NULL;
    pthread_mutex_unlock(&m->lock);
    return yes;
}

static int32_t mem_ok(void *ud, const uint8_t *path, size_t len, store_medium_call *call) {
    (void)ud, (void)path, (void)len, (void)call;
    return STORE_MEDIUM_OK;
}

static int32_t mem_rename(void *ud, const uint8_t *a, size_t an, const uint8_t *b, size_t bn, store_medium_call *call) {
    (void)ud, (void)a, (void)an, (void)b, (void)bn;
    return fail_with(call, "rename is not used by these tests");
}

static void mem_release(void *ud) {
    mem_medium *m = ud;
    pthread_mutex_lock(&m->lock);
    m->releases++;
    pthread_mutex_unlock(&m->lock);
}

/* ---- stream callbacks ---- */

typedef struct mem_writer {
    char path[256];
    uint8_t *buf;
    size_t len;
} mem_writer;

typedef struct mem_reader {
    uint8_t *data;
    size_t len, pos;
} mem_reader;

static int32_t mem_open_writer(void *ud, const uint8_t *path, size_t len, uint32_t flags, store_medium_call *call) {
    mem_medium *m = ud;
    mem_writer *w = calloc(1, sizeof *w);
    snprintf(w->path, sizeof w->path, "%.*s", (int)len, (const char *)path);
    if (flags == STORE_MEDIUM_APPEND) {
        pthread_mutex_lock(&m->lock);
        mem_file *f = mem_find(m, path, len);
        if (f && f->len) {
            w->buf = malloc(f->len);
            memcpy(w->buf, f->data, f->len);
            w->len = f->len;
        }
        pthread_mutex_unlock(&m->lock);
    }
    return store_medium_call_set_handle(call, w) == STORE_OK ? STORE_MEDIUM_OK : STORE_MEDIUM_ERROR;
}

static int32_t mem_writer_write(void *ud, void *writer, const uint8_t *data, size_t len, store_medium_call *call) {
    mem_medium *m = ud;
    mem_writer *w = writer;
    if (m->fail_stream_after && w->len + len > m->fail_stream_after) return fail_with(call, "quota exceeded on the medium");
    w->buf = realloc(w->buf, w->len + len ? w->len + len : 1);
    memcpy(w->buf + w->len, data, len);
    w->len += len;
    return STORE_MEDIUM_OK;
}

static int32_t mem_writer_close(void *ud, void *writer, bool commit, store_medium_call *call) {
    mem_medium *m = ud;
    mem_writer *w = writer;
    int32_t rc = STORE_MEDIUM_OK;
    if (commit) {
        rc = mem_write(ud, (const uint8_t *)w->path, strlen(w->path), w->buf ? w->buf : (const uint8_t *)"", w->len, call);
        pthread_mutex_lock(&m->lock);
        m->commits++;
        pthread_mutex_unlock(&m->lock);
    } else {
        pthread_mutex_lock(&m->lock);
        m->abandons++;
        pthread_mutex_unlock(&m->lock);
    }
    free(w->buf);
    free(w);
    return rc;
}

static int32_t mem_open_reader(void *ud, const uint8_t *path, size_t len, store_medium_call *call) {
    mem_medium *m = ud;
    pthread_mutex_lock(&m->lock);
    mem_file *f = mem_find(m, path, len);
    mem_reader *r = NULL;
    if (f) {
        r = calloc(1, sizeof *r);
        r->data = malloc(f->len ? f->len : 1);
        memcpy(r->data, f->data, f->len);
        r->len = f->len;
    }
    pthread_mutex_unlock(&m->lock);
    if (!r) return STORE_MEDIUM_NOT_FOUND;
    store_medium_call_set_handle(call, r);
    return STORE_MEDIUM_OK;
}

static int64_t mem_reader_read(void *ud, void *reader, uint8_t *buf, size_t cap, store_medium_call *call) {
    (void)ud, (void)call;
    mem_reader *r = reader;
    size_t n = r->len - r->pos < cap ? r->len - r->pos : cap;
    memcpy(buf, r->data + r->pos, n);
    r->pos += n;
    return (int64_t)n;
}

static void mem_reader_close(void *ud, void *reader) {
    mem_medium *m = ud;
    mem_reader *r = reader;
    free(r->data);
    free(r);
    pthread_mutex_lock(&m->lock);
    m->readers_closed++;
    pthread_mutex_unlock(&m->lock);
}

static store_medium_vtable mem_vtable(mem_medium *m) {
    store_medium_vtable v;
    memset(&v, 0, sizeof v);
    v.struct_size = sizeof v;
    v.user_data = m;
    v.release = mem_release;
    v.read = mem_read;
    v.write = mem_write;
    v.exists = mem_exists;
    v.ensure_dir = mem_ok;
    v.delete_path = mem_ok;
    v.rename = mem_rename;
    return v;
}

/* The same medium with stream callbacks. */
static store_medium_vtable mem_stream_vtable(mem_medium *m) {
    store_medium_vtable v = mem_vtable(m);
    v.open_writer = mem_open_writer;
    v.writer_write = mem_writer_write;
    v.writer_close = mem_writer_close;
    v.open_reader = mem_open_reader;
    v.reader_read = mem_reader_read;
    v.reader_close = mem_reader_close;
    return v;
}

static int releases(mem_medium *m) {
    pthread_mutex_lock(&m->lock);
    int n = m->releases;
    pthread_mutex_unlock(&m->lock);
    return n;
}

static store_db *open_on(mem_medium *m, const char *path, store_status *status) {
    store_medium_vtable v = mem_vtable(m);
    store_db *db = NULL;
    *status = store_open_with_medium(STORE_STR(path), NULL, &v, &db);
    return db;
}

/* ---- persistence --------------------------------------------------------- */

static void persists_through_medium(void) {
    mem_medium m;
    mem_init(&m);
    store_status st;
    store_db *db = open_on(&m, "stores/app.db", &st);
    CHECK_OK(st);
    SET(store_db_kv(db), "config", "colour", "blue");
    CHECK(mem_find(&m, (const uint8_t *)"stores/app.db", 13) == NULL); /* nothing before close */
    CHECK_OK(store_close(db));
    CHECK(store_is_closed(db));
    mem_file *f = mem_find(&m, (const uint8_t *)"stores/app.db", 13);
    CHECK(f != NULL);
    CHECK(f->len > 100 && memcmp(f->data, "SQLite format 3", 16) == 0);
    CHECK_INT(releases(&m), 0); /* the handle still holds the medium */
    store_free(db);
    CHECK_INT(releases(&m), 1);

    store_db *again = open_on(&m, "stores/app.db", &st);
    CHECK_OK(st);
    CHECK_GET(store_db_kv(again), "config", "colour", "blue");
    store_free(again); /* free closes, which writes back */
    CHECK_INT(releases(&m), 2);
    mem_destroy(&m);
}

static void memory_path_is_not_medium_backed(void) {
    mem_medium m;
    mem_init(&m);
    store_status st;
    store_db *db = open_on(&m, ":memory:", &st);
    CHECK_OK(st);
    SET(store_db_kv(db), "g", "k", "v");
    CHECK_OK(store_close(db));
    CHECK_INT(m.writes, 0);
    store_free(db);
    CHECK_INT(releases(&m), 1);
    mem_destroy(&m);
}

static void write_back_failure_keeps_closing_and_retries(void) {
    mem_medium m;
    mem_init(&m);
    store_status st;
    store_db *db = open_on(&m, "app.db", &st);
    CHECK_OK(st);
    SET(store_db_kv(db), "g", "k", "v");
    m.fail_writes = true;
    CHECK_ERR(store_close(db), STORE_IO, "store.Close: sync medium-backed database: disk full (injected)");
    CHECK(!store_is_closed(db));
    store_bytes v = {0};
    CHECK_ERR(store_get(store_db_kv(db), STORE_STR("g"), STORE_STR("k"), &v), STORE_CLOSED, "store is closed");
    m.fail_writes = false;
    CHECK_OK(store_close(db));
    CHECK(store_is_closed(db));
    store_free(db);
    CHECK_INT(releases(&m), 1);

    store_db *again = open_on(&m, "app.db", &st);
    CHECK_OK(st);
    CHECK_GET(store_db_kv(again), "g", "k", "v");
    store_free(again);
    mem_destroy(&m);
}

static void read_failure_at_open(void) {
    mem_medium m;
    mem_init(&m);
    store_status st;
    store_db *db = open_on(&m, "app.db", &st);
    CHECK_OK(st);
    store_free(db); /* creates app.db on the medium */
    m.fail_reads = true;
    store_db *broken = open_on(&m, "app.db", &st);
    CHECK(broken == NULL);
    CHECK_INT(st, STORE_IO);
    CHECK(check_contains(store_last_error(), "store.New: read database from medium: injected read failure"));
    CHECK_INT(releases(&m), 2);
    mem_destroy(&m);
}

/* ---- release exactly once, the size rule --------------------------------- */

static void release_runs_once_when_open_fails(void) {
    mem_medium m;
    mem_init(&m);
    store_db *db = NULL;

    store_medium_vtable v = mem_vtable(&m);
    v.read = NULL;
    CHECK_ERR(store_open_with_medium(STORE_STR("a.db"), NULL, &v, &db), STORE_INVALID_ARGUMENT, "medium.read is NULL");
    CHECK_INT(releases(&m), 1);

    v = mem_vtable(&m);
    CHECK_ERR(store_open_with_medium(STORE_STR(""), NULL, &v, &db), STORE_INVALID_ARGUMENT, "database path is empty");
    CHECK_INT(releases(&m), 2);

    v = mem_vtable(&m);
    CHECK_ERR(store_open_with_medium((const uint8_t *)"\xff", 1, NULL, &v, &db), STORE_INVALID_ARGUMENT, "UTF-8");
    CHECK_INT(releases(&m), 3);

    v = mem_vtable(&m);
    CHECK_ERR(store_open_with_medium(STORE_STR("a.db"), NULL, &v, NULL), STORE_INVALID_ARGUMENT, "out is NULL");
    CHECK_INT(releases(&m), 4);

    store_options o;
    store_options_init(&o, sizeof o);
    o.purge_interval_ms = -1;
    v = mem_vtable(&m);
    CHECK_ERR(store_open_with_medium(STORE_STR("a.db"), &o, &v, &db), STORE_INVALID_ARGUMENT,
              "purge interval must be zero or positive");
    CHECK_INT(releases(&m), 5);
    CHECK(db == NULL);

    CHECK_ERR(store_open_with_medium(STORE_STR("a.db"), NULL, NULL, &db), STORE_INVALID_ARGUMENT, "medium is NULL");
    CHECK_INT(m.writes, 0);
    mem_destroy(&m);
}

static void size_rule(void) {
    mem_medium m;
    mem_init(&m);
    store_db *db = NULL;

    /* Too small to hold `release`: refused, and nothing can be released. */
    store_medium_vtable v = mem_vtable(&m);
    v.struct_size = 4;
    CHECK_ERR(store_open_with_medium(STORE_STR("a.db"), NULL, &v, &db), STORE_INVALID_ARGUMENT, "struct_size is 4");
    CHECK_INT(releases(&m), 0);

    /* Shorter than the first published layout: refused, released once. */
    v = mem_vtable(&m);
    v.struct_size = (uint32_t)offsetof(store_medium_vtable, is_dir);
    CHECK_ERR(store_open_with_medium(STORE_STR("a.db"), NULL, &v, &db), STORE_INVALID_ARGUMENT,
              "below the first published store_medium_vtable layout");
    CHECK_INT(releases(&m), 1);
    CHECK(db == NULL);

    /* A newer caller's larger table: the library reads what it knows. */
    struct {
        store_medium_vtable v;
        void *later_members[4];
    } newer;
    memset(&newer, 0xA5, sizeof newer);
    newer.v = mem_vtable(&m);
    newer.v.struct_size = sizeof newer;
    CHECK_OK(store_open_with_medium(STORE_STR("a.db"), NULL, &newer.v, &db));
    SET(store_db_kv(db), "g", "k", "v");
    store_free(db);
    CHECK_INT(releases(&m), 2);
    CHECK(mem_find(&m, (const uint8_t *)"a.db", 4) != NULL);
    mem_destroy(&m);
}

static void call_helpers_reject_null(void) {
    CHECK_ERR(store_medium_call_write(NULL, (const uint8_t *)"x", 1), STORE_INVALID_ARGUMENT, "call is NULL");
    CHECK_ERR(store_medium_call_set_error(NULL, STORE_STR("x")), STORE_INVALID_ARGUMENT, "call is NULL");
    CHECK_ERR(store_medium_call_add_entry(NULL, STORE_STR("x"), 0, 0644, 0, false), STORE_INVALID_ARGUMENT,
              "call is NULL");
    CHECK_ERR(store_medium_call_set_handle(NULL, NULL), STORE_INVALID_ARGUMENT, "call is NULL");
}

/* ---- copying between media (streams) ------------------------------------- */

static void put_file(mem_medium *m, const char *path, size_t len) {
    uint8_t *data = malloc(len);
    for (size_t i = 0; i < len; i++) data[i] = (uint8_t)(i % 251);
    store_medium_call *no_call = NULL;
    mem_write(m, (const uint8_t *)path, strlen(path), data, len, no_call);
    free(data);
}

static void copy_streams_between_media(void) {
    mem_medium a, b;
    mem_init(&a);
    mem_init(&b);
    const size_t size = 300000; /* several 64 KiB chunks */
    put_file(&a, "big.bin", size);
    int writes_before = b.writes;

    /* Streams on both sides. */
    store_medium_vtable va = mem_stream_vtable(&a), vb = mem_stream_vtable(&b);
    uint64_t copied = 0;
    CHECK_OK(store_medium_copy(&va, STORE_STR("big.bin"), &vb, STORE_STR("copy.bin"), &copied));
    CHECK_INT(copied, size);
    mem_file *f = mem_find(&b, (const uint8_t *)"copy.bin", 8);
    CHECK(f && f->len == size && f->data[size - 1] == (uint8_t)((size - 1) % 251));
    CHECK_INT(b.commits, 1);
    CHECK_INT(a.readers_closed, 1);
    CHECK_INT(releases(&a), 1);
    CHECK_INT(releases(&b), 1);
    CHECK_INT(b.writes - writes_before, 1); /* one publish at commit */

    /* No stream callbacks on the destination: buffered through write. */
    va = mem_stream_vtable(&a);
    store_medium_vtable plain = mem_vtable(&b);
    CHECK_OK(store_medium_copy(&va, STORE_STR("big.bin"), &plain, STORE_STR("plain.bin"), NULL));
    CHECK(mem_find(&b, (const uint8_t *)"plain.bin", 9) != NULL);

    /* A failing write abandons the stream: nothing is published. */
    b.fail_stream_after = 100000;
    va = mem_stream_vtable(&a);
    vb = mem_stream_vtable(&b);
    CHECK_ERR(store_medium_copy(&va, STORE_STR("big.bin"), &vb, STORE_STR("broken.bin"), NULL), STORE_IO,
              "store.CopyMedium: write broken.bin: quota exceeded on the medium");
    CHECK(mem_find(&b, (const uint8_t *)"broken.bin", 10) == NULL);
    CHECK_INT(b.abandons, 1);
    CHECK_INT(a.readers_closed, 3);

    /* A missing source. */
    va = mem_stream_vtable(&a);
    vb = mem_stream_vtable(&b);
    CHECK_ERR(store_medium_copy(&va, STORE_STR("nope"), &vb, STORE_STR("x"), NULL), STORE_NOT_FOUND,
              "store.CopyMedium: open source nope");
    CHECK_INT(releases(&a), 4);
    CHECK_INT(releases(&b), 4);

    /* A bad table releases the good one. */
    va = mem_stream_vtable(&a);
    vb = mem_stream_vtable(&b);
    vb.write = NULL;
    CHECK_ERR(store_medium_copy(&va, STORE_STR("big.bin"), &vb, STORE_STR("x"), NULL), STORE_INVALID_ARGUMENT,
              "store.CopyMedium: destination: store: medium.write is NULL");
    CHECK_INT(releases(&a), 5);
    CHECK_INT(releases(&b), 5);
    mem_destroy(&a);
    mem_destroy(&b);
}

/* ---- line protocol ------------------------------------------------------- */

static void line_protocol_from_rows(void) {
    const char *rows = "[{\"measurement\":\"cpu load\",\"tags\":{\"host\":\"a,b\"},"
                       "\"fields\":{\"v\":2,\"f\":0.5,\"s\":\"say \\\"hi\\\"\",\"ok\":true},\"committed_at\":1700000000123}]";
    store_bytes out = {0};
    CHECK_OK(store_export_line_protocol(STORE_STR(rows), &out));
    CHECK_BYTES(out.ptr, out.len, "cpu\\ load,host=a\\,b f=0.5,ok=true,s=\"say \\\"hi\\\"\",v=2i 1700000000123000000\n");
    store_bytes_free(&out);

    const char *lines = "{\"measurement\":\"m\",\"fields_json\":\"{\\\"x\\\":1}\",\"tags_json\":\"{}\"}\n";
    CHECK_OK(store_export_line_protocol(STORE_STR(lines), &out));
    CHECK_BYTES(out.ptr, out.len, "m x=1i\n");
    store_bytes_free(&out);

    CHECK_ERR(store_export_line_protocol(STORE_STR("[{\"measurement\":\"\",\"fields\":{\"x\":1}}]"), &out),
              STORE_INVALID_ARGUMENT, "store.ExportLineProtocol: row 0: measurement is empty");
    CHECK(out.ptr == NULL);
    CHECK_ERR(store_export_line_protocol(STORE_STR("[]"), NULL), STORE_INVALID_ARGUMENT, "out is NULL");
    CHECK_ERR(store_export_line_protocol(NULL, 3, &out), STORE_INVALID_ARGUMENT, "rows is NULL");
    CHECK_OK(store_export_line_protocol(NULL, 0, &out));
    CHECK_INT(out.len, 0);
    store_bytes_free(&out);
}

int main(int argc, char **argv) {
    static const check_test tests[] = {
        TEST(persists_through_medium),
        TEST(memory_path_is_not_medium_backed),
        TEST(write_back_failure_keeps_closing_and_retries),
        TEST(read_failure_at_open),
        TEST(release_runs_once_when_open_fails),
        TEST(size_rule),
        TEST(call_helpers_reject_null),
        TEST(copy_streams_between_media),
        TEST(line_protocol_from_rows),
    };
    return check_run("media", tests, sizeof tests / sizeof tests[0], argc, argv);
}
