/*
 * C ABI benchmarks: every cell runs through libstore and, in the same run,
 * either raw SQLite doing the same SQL (bench.h) or our own baseline
 * (no subscriber, single Sets, plain Set), and prints ns/op and the ratio.
 *
 *   bench                  every cell
 *   bench WORD...          only cells whose name contains one of the words
 *   bench --profile NAME N only our side of the first matching cell, N
 *                          iterations, no timing (for valgrind/perf)
 *
 * File cells write to $TMPDIR (default /tmp); fsync-bound cells run fewer
 * iterations.
 */
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <store.h>

enum { N_KEYS = 200000, KEY_LEN = 16, BIG_GROUP = 10000, N_GROUPS = 1000, TPL_KEYS = 50 };

static char keys[N_KEYS][KEY_LEN];
static const char VALUE[] = "value-0123456789";
#define VLEN (sizeof VALUE - 1)
#define KEY(i) keys[(i) % N_KEYS], strlen(keys[(i) % N_KEYS])
#define GROUP "bench"
#define GLEN (sizeof GROUP - 1)
static const char TEMPLATE[] = "Hello {{ .k00 }}, your {{ .k01 }} is at {{ .k02 }}!";

static char tmpdir[512];

static void must(store_status st, const char *what) {
    if (st != STORE_OK) {
        fprintf(stderr, "bench: %s: %s: %s\n", what, store_status_str((uint32_t)st), store_last_error());
        exit(2);
    }
}

/* Removes a database file and its WAL companions. */
static void remove_db(const char *path) {
    char side[700];
    unlink(path);
    snprintf(side, sizeof side, "%.600s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%.600s-shm", path);
    unlink(side);
}

/* A fresh database path in the run's directory. */
static const char *db_path(char *buf, size_t cap, const char *name) {
    snprintf(buf, cap, "%s/%s", tmpdir, name);
    remove_db(buf);
    return buf;
}

static store_db *ours_open(const char *path, uint32_t synchronous) {
    store_options o;
    store_db *db = NULL;
    store_options_init(&o, sizeof o);
    o.synchronous = synchronous;
    must(store_open((const uint8_t *)path, strlen(path), &o, &db), "open");
    return db;
}

/* ---- contexts and operations ---------------------------------------------- */

typedef struct ours {
    store_db *db;
    store_kv *kv;
    const char *group;
} ours;

typedef struct raw {
    raw_db *db;
    raw_arena arena;
    const char *group;
} raw;

#define U8(s) ((const uint8_t *)(s))

static void ours_set(void *c, long i) {
    ours *o = c;
    must(store_set(o->kv, U8(o->group), strlen(o->group), U8(keys[i % N_KEYS]), strlen(keys[i % N_KEYS]), U8(VALUE),
                   VLEN),
         "set");
}
static void raw_set_op(void *c, long i) {
    raw *r = c;
    raw_set(r->db, r->group, strlen(r->group), KEY(i), VALUE, VLEN);
}
static void ours_set_ttl(void *c, long i) {
    ours *o = c;
    must(store_set_with_ttl(o->kv, U8(GROUP), GLEN, U8(keys[i % N_KEYS]), strlen(keys[i % N_KEYS]), U8(VALUE), VLEN,
                            60000),
         "set ttl");
}
static void raw_set_ttl_op(void *c, long i) {
    raw *r = c;
    raw_set_with_expiry(r->db, GROUP, GLEN, KEY(i), VALUE, VLEN, raw_now_ms() + 60000);
}
static void ours_get(void *c, long i) {
    ours *o = c;
    store_bytes b;
    store_status st = store_get(o->kv, U8(o->group), strlen(o->group), U8(keys[i % BIG_GROUP]),
                                strlen(keys[i % BIG_GROUP]), &b);
    if (st == STORE_OK)
        store_bytes_free(&b);
    else if (st != STORE_NOT_FOUND)
        must(st, "get");
}
static void raw_get_op(void *c, long i) {
    raw *r = c;
    char *v;
    size_t n;
    if (raw_get(r->db, r->group, strlen(r->group), keys[i % BIG_GROUP], strlen(keys[i % BIG_GROUP]), &v, &n)) free(v);
}
static void ours_delete(void *c, long i) {
    ours *o = c;
    must(store_delete(o->kv, U8(GROUP), GLEN, U8(keys[i % N_KEYS]), strlen(keys[i % N_KEYS])), "delete");
}
static void ours_delete_setup(void *c, long first, long n) {
    long i;
    for (i = first; i < first + n; i++) ours_set(c, i);
}
static void raw_delete_op(void *c, long i) {
    raw *r = c;
    raw_delete(r->db, GROUP, GLEN, KEY(i));
}
static void raw_delete_setup(void *c, long first, long n) {
    long i;
    for (i = first; i < first + n; i++) raw_set_op(c, i);
}
static void ours_get_all(void *c, long i) {
    ours *o = c;
    store_pairs p;
    (void)i;
    must(store_get_all(o->kv, U8(o->group), strlen(o->group), &p), "get all");
    store_pairs_free(&p);
}
static void raw_get_all(void *c, long i) {
    raw *r = c;
    (void)i;
    raw_scan(r->db, r->group, strlen(r->group), -1, &r->arena);
}
static void ours_page(void *c, long i) {
    ours *o = c;
    store_pairs p;
    (void)i;
    must(store_get_page(o->kv, U8(o->group), strlen(o->group), 0, 100, &p), "get page");
    store_pairs_free(&p);
}
static void raw_page(void *c, long i) {
    raw *r = c;
    (void)i;
    raw_scan(r->db, r->group, strlen(r->group), 100, &r->arena);
}
static void ours_count(void *c, long i) {
    ours *o = c;
    int64_t n;
    (void)i;
    must(store_count(o->kv, U8(o->group), strlen(o->group), &n), "count");
}
static void raw_count_op(void *c, long i) {
    raw *r = c;
    (void)i;
    raw_count(r->db, r->group, strlen(r->group));
}
static void ours_groups(void *c, long i) {
    ours *o = c;
    store_strings s;
    (void)i;
    must(store_groups(o->kv, NULL, 0, &s), "groups");
    store_strings_free(&s);
}
static void raw_groups_op(void *c, long i) {
    raw *r = c;
    (void)i;
    raw_groups(r->db, &r->arena);
}
static void ours_count_all(void *c, long i) {
    ours *o = c;
    int64_t n;
    (void)i;
    must(store_count_all(o->kv, U8("grp-"), 4, &n), "count all");
}
static void raw_count_all_op(void *c, long i) {
    raw *r = c;
    (void)i;
    raw_count_all(r->db, "grp-");
}
static void ours_render(void *c, long i) {
    ours *o = c;
    store_bytes b;
    (void)i;
    must(store_render(o->kv, U8(TEMPLATE), sizeof TEMPLATE - 1, U8("tpl"), 3, &b), "render");
    store_bytes_free(&b);
}

/* The raw side of Render: the rows, then a plain `{{ .name }}` substitution. */
static void raw_render(void *c, long i) {
    raw *r = c;
    const char *t = TEMPLATE;
    char *out = malloc(sizeof TEMPLATE + 256);
    size_t len = 0;
    (void)i;
    raw_scan(r->db, "tpl", 3, -1, &r->arena);
    while (*t) {
        const char *open = strstr(t, "{{ .");
        const char *close = open ? strstr(open, " }}") : NULL;
        size_t row, name_len;
        const char *p = r->arena.data;
        if (!open || !close) {
            memcpy(out + len, t, strlen(t));
            len += strlen(t);
            break;
        }
        memcpy(out + len, t, (size_t)(open - t));
        len += (size_t)(open - t);
        name_len = (size_t)(close - open - 4);
        for (row = 0; row < r->arena.rows; row++) {
            size_t kl = strlen(p), vl = strlen(p + kl + 1);
            if (kl == name_len && memcmp(p, open + 4, kl) == 0) {
                memcpy(out + len, p + kl + 1, vl);
                len += vl;
                break;
            }
            p += kl + vl + 2;
        }
        t = close + 3;
    }
    out[len] = 0;
    free(out);
}

/* Set with drained watch queue. */
typedef struct watched {
    ours o;
    store_watch *w;
} watched;

static void ours_set_watched(void *c, long i) {
    watched *w = c;
    store_event ev = STORE_EVENT_INIT;
    ours_set(&w->o, i);
    must(store_watch_next(w->w, 0, &ev), "watch next");
}

static void noop_callback(void *user_data, const store_event *e) {
    (void)e;
    ++*(long *)user_data;
}

/* 1 000 Sets, one transaction or one commit each. */
static void ours_batch_txn(void *c, long i) {
    ours *o = c;
    store_txn *txn = NULL;
    long j;
    must(store_txn_begin(o->kv, &txn), "begin");
    for (j = 0; j < 1000; j++)
        must(store_set(store_txn_kv(txn), U8(GROUP), GLEN, U8(keys[(i * 1000 + j) % N_KEYS]),
                       strlen(keys[(i * 1000 + j) % N_KEYS]), U8(VALUE), VLEN),
             "txn set");
    must(store_txn_commit(txn), "commit");
    store_txn_free(txn);
}
static void ours_batch_single(void *c, long i) {
    long j;
    for (j = 0; j < 1000; j++) ours_set(c, i * 1000 + j);
}
static void raw_batch_txn(void *c, long i) {
    raw *r = c;
    long j;
    raw_begin(r->db);
    for (j = 0; j < 1000; j++) raw_set(r->db, GROUP, GLEN, KEY(i * 1000 + j), VALUE, VLEN);
    raw_commit(r->db);
}

/* 10 000 scoped Sets under three quotas: one transaction, or one commit each.
 * The keys repeat across rounds (upserts into a namespace of 10 000 keys). */
static void ours_scoped_batch_txn(void *c, long i) {
    ours *o = c;
    store_txn *txn = NULL;
    long j;
    (void)i;
    must(store_txn_begin(o->kv, &txn), "begin");
    for (j = 0; j < BIG_GROUP; j++)
        must(store_set(store_txn_kv(txn), U8("scoped"), 6, U8(keys[j]), strlen(keys[j]), U8(VALUE), VLEN),
             "scoped txn set");
    must(store_txn_commit(txn), "commit");
    store_txn_free(txn);
}
static void ours_scoped_batch_single(void *c, long i) {
    ours *o = c;
    long j;
    (void)i;
    for (j = 0; j < BIG_GROUP; j++)
        must(store_set(o->kv, U8("scoped"), 6, U8(keys[j]), strlen(keys[j]), U8(VALUE), VLEN), "scoped set");
}

/* ---- cells ------------------------------------------------------------------ */

typedef struct cell {
    const char *name;
    bench_side ours, other;
    const char *other_kind;
    int rounds, round_ms;
} cell;

static int selected(const char *name, int argc, char **argv, int first) {
    int i;
    if (argc <= first) return 1;
    for (i = first; i < argc; i++)
        if (strstr(name, argv[i])) return 1;
    return 0;
}

static void populate_ours(store_kv *kv, const char *group, long n) {
    long i;
    for (i = 0; i < n; i++)
        must(store_set(kv, U8(group), strlen(group), U8(keys[i]), strlen(keys[i]), U8(VALUE), VLEN), "populate");
}
static void populate_raw(raw_db *db, const char *group, long n) {
    long i;
    raw_begin(db);
    for (i = 0; i < n; i++) raw_set(db, group, strlen(group), KEY(i), VALUE, VLEN);
    raw_commit(db);
}

int main(int argc, char **argv) {
    const char *base = getenv("TMPDIR");
    char p[8][600];
    long i, profile_iters = 0;
    int first_filter = 1;
    size_t c, n_cells = 0;
    cell cells[32];
    long callbacks_hit = 0;
    store_subscription *subs[11];
    int64_t t_start = bench_now_ns();

    /* Stores: ours and raw twins. */
    store_db *mem, *mem_read, *mem_groups, *mem_sub1, *mem_sub10, *mem_watch, *mem_scoped, *full, *normal, *file_read,
        *full_txn;
    raw_db *rmem, *rmem_read, *rmem_groups, *rfull, *rnormal, *rfile_read, *rfull_txn;
    store_scope *scope;
    store_quota quota = {(uint32_t)sizeof(store_quota), 1000000000, 1000000000, (int64_t)1 << 40};
    ours o_mem, o_mem_read, o_groups, o_sub1, o_sub10, o_scoped, o_full, o_normal, o_file_read, o_full_txn;
    raw r_mem, r_mem_read, r_groups, r_full, r_normal, r_file_read, r_full_txn, r_miss;
    ours o_miss;
    watched w;

    if (argc > 1 && strcmp(argv[1], "--profile") == 0) {
        if (argc < 4) {
            fprintf(stderr, "usage: bench --profile NAME ITERATIONS\n");
            return 2;
        }
        profile_iters = atol(argv[3]);
        first_filter = 2;
        argc = 3;
    }
    snprintf(tmpdir, sizeof tmpdir, "%s/store-bench-XXXXXX", base && *base ? base : "/tmp");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 2;
    }
    for (i = 0; i < N_KEYS; i++) snprintf(keys[i], KEY_LEN, "key-%06ld", i);

    mem = ours_open(":memory:", STORE_SYNC_DEFAULT);
    mem_read = ours_open(":memory:", STORE_SYNC_DEFAULT);
    mem_groups = ours_open(":memory:", STORE_SYNC_DEFAULT);
    mem_sub1 = ours_open(":memory:", STORE_SYNC_DEFAULT);
    mem_sub10 = ours_open(":memory:", STORE_SYNC_DEFAULT);
    mem_watch = ours_open(":memory:", STORE_SYNC_DEFAULT);
    mem_scoped = ours_open(":memory:", STORE_SYNC_DEFAULT);
    full = ours_open(db_path(p[0], sizeof p[0], "ours-full.db"), STORE_SYNC_FULL);
    normal = ours_open(db_path(p[1], sizeof p[1], "ours-normal.db"), STORE_SYNC_NORMAL);
    file_read = ours_open(db_path(p[2], sizeof p[2], "ours-read.db"), STORE_SYNC_NORMAL);
    full_txn = ours_open(db_path(p[3], sizeof p[3], "ours-txn.db"), STORE_SYNC_FULL);
    rmem = raw_open(":memory:", "FULL");
    rmem_read = raw_open(":memory:", "FULL");
    rmem_groups = raw_open(":memory:", "FULL");
    rfull = raw_open(db_path(p[4], sizeof p[4], "raw-full.db"), "FULL");
    rnormal = raw_open(db_path(p[5], sizeof p[5], "raw-normal.db"), "NORMAL");
    rfile_read = raw_open(db_path(p[6], sizeof p[6], "raw-read.db"), "NORMAL");
    rfull_txn = raw_open(db_path(p[7], sizeof p[7], "raw-txn.db"), "FULL");

    /* Read fixtures: 10 000 keys in "bench", 1 000 groups, a 50-key template group. */
    populate_ours(store_db_kv(mem_read), GROUP, BIG_GROUP);
    populate_raw(rmem_read, GROUP, BIG_GROUP);
    populate_ours(store_db_kv(file_read), GROUP, BIG_GROUP);
    populate_raw(rfile_read, GROUP, BIG_GROUP);
    for (i = 0; i < N_GROUPS; i++) {
        char g[16];
        snprintf(g, sizeof g, "grp-%04ld", i);
        must(store_set(store_db_kv(mem_groups), U8(g), strlen(g), U8("k"), 1, U8(VALUE), VLEN), "groups");
        raw_set(rmem_groups, g, strlen(g), "k", 1, VALUE, VLEN);
    }
    for (i = 0; i < TPL_KEYS; i++) {
        char k[8];
        snprintf(k, sizeof k, "k%02ld", i);
        must(store_set(store_db_kv(mem_read), U8("tpl"), 3, U8(k), strlen(k), U8(VALUE), VLEN), "tpl");
        raw_set(rmem_read, "tpl", 3, k, strlen(k), VALUE, VLEN);
    }
    for (i = 0; i < 11; i++)
        must(store_subscribe(store_db_kv(i == 0 ? mem_sub1 : mem_sub10), U8("*"), 1, noop_callback, &callbacks_hit,
                             NULL, &subs[i]),
             "subscribe");
    must(store_watch_open(store_db_kv(mem_watch), U8("*"), 1, 16, &w.w), "watch");
    must(store_scope_open(mem_scoped, U8("tenant-a"), 8, &quota, &scope), "scope");

#define OURS(var, db_, group_) \
    var.db = (db_); \
    var.kv = store_db_kv(db_); \
    var.group = (group_)
#define RAW(var, db_, group_) \
    memset(&var, 0, sizeof var); \
    var.db = (db_); \
    var.group = (group_)
    OURS(o_mem, mem, GROUP);
    OURS(o_mem_read, mem_read, GROUP);
    OURS(o_miss, mem_read, "no-such-group");
    OURS(o_groups, mem_groups, GROUP);
    OURS(o_sub1, mem_sub1, GROUP);
    OURS(o_sub10, mem_sub10, GROUP);
    OURS(w.o, mem_watch, GROUP);
    OURS(o_scoped, mem_scoped, GROUP);
    o_scoped.kv = store_scope_kv(scope);
    OURS(o_full, full, GROUP);
    OURS(o_normal, normal, GROUP);
    OURS(o_file_read, file_read, GROUP);
    OURS(o_full_txn, full_txn, GROUP);
    RAW(r_mem, rmem, GROUP);
    RAW(r_mem_read, rmem_read, GROUP);
    RAW(r_miss, rmem_read, "no-such-group");
    RAW(r_groups, rmem_groups, GROUP);
    RAW(r_full, rfull, GROUP);
    RAW(r_normal, rnormal, GROUP);
    RAW(r_file_read, rfile_read, GROUP);
    RAW(r_full_txn, rfull_txn, GROUP);

#define CELL(name_, oop, osetup, octx, rop, rsetup, rctx, kind_, rounds_, ms_) \
    cells[n_cells].name = (name_); \
    cells[n_cells].ours = (bench_side){(oop), (osetup), (octx)}; \
    cells[n_cells].other = (bench_side){(rop), (rsetup), (rctx)}; \
    cells[n_cells].other_kind = (kind_); \
    cells[n_cells].rounds = (rounds_); \
    cells[n_cells].round_ms = (ms_); \
    n_cells++
    CELL("Set :memory:", ours_set, NULL, &o_mem, raw_set_op, NULL, &r_mem, "raw SQLite", 5, 200);
    CELL("Set file synchronous=FULL", ours_set, NULL, &o_full, raw_set_op, NULL, &r_full, "raw SQLite", 3, 400);
    CELL("Set file synchronous=NORMAL", ours_set, NULL, &o_normal, raw_set_op, NULL, &r_normal, "raw SQLite", 5, 200);
    CELL("Get hit :memory:", ours_get, NULL, &o_mem_read, raw_get_op, NULL, &r_mem_read, "raw SQLite", 5, 200);
    CELL("Get miss :memory:", ours_get, NULL, &o_miss, raw_get_op, NULL, &r_miss, "raw SQLite", 5, 200);
    CELL("Get hit file (reader connection)", ours_get, NULL, &o_file_read, raw_get_op, NULL, &r_file_read,
         "raw SQLite", 5, 200);
    CELL("SetWithTTL :memory:", ours_set_ttl, NULL, &o_mem, raw_set_ttl_op, NULL, &r_mem, "raw SQLite", 5, 200);
    CELL("Delete :memory:", ours_delete, ours_delete_setup, &o_mem, raw_delete_op, raw_delete_setup, &r_mem,
         "raw SQLite", 5, 100);
    CELL("GetAll 10k keys :memory:", ours_get_all, NULL, &o_mem_read, raw_get_all, NULL, &r_mem_read, "raw SQLite", 5,
         300);
    CELL("Count 10k keys :memory:", ours_count, NULL, &o_mem_read, raw_count_op, NULL, &r_mem_read, "raw SQLite", 5,
         200);
    CELL("GetPage(0, 100) :memory:", ours_page, NULL, &o_mem_read, raw_page, NULL, &r_mem_read, "raw SQLite", 5, 200);
    CELL("Groups over 1000 groups :memory:", ours_groups, NULL, &o_groups, raw_groups_op, NULL, &r_groups,
         "raw SQLite", 5, 200);
    CELL("CountAll(grp-) 1000 groups :memory:", ours_count_all, NULL, &o_groups, raw_count_all_op, NULL, &r_groups,
         "raw SQLite", 5, 200);
    CELL("Render 3 vars over 50 keys :memory:", ours_render, NULL, &o_mem_read, raw_render, NULL, &r_mem_read,
         "raw SQLite + substitution", 5, 200);
    CELL("Set + 1 callback :memory:", ours_set, NULL, &o_sub1, ours_set, NULL, &o_mem, "our Set, no subscriber", 5,
         200);
    CELL("Set + 10 callbacks :memory:", ours_set, NULL, &o_sub10, ours_set, NULL, &o_mem, "our Set, no subscriber", 5,
         200);
    CELL("Set + watch queue (drained) :memory:", ours_set_watched, NULL, &w, ours_set, NULL, &o_mem,
         "our Set, no subscriber", 5, 200);
    CELL("1000 Sets in 1 txn :memory:", ours_batch_txn, NULL, &o_mem, ours_batch_single, NULL, &o_mem,
         "our 1000 single Sets", 5, 200);
    CELL("1000 Sets in 1 txn file FULL", ours_batch_txn, NULL, &o_full_txn, ours_batch_single, NULL, &o_full_txn,
         "our 1000 single Sets", 2, 300);
    CELL("1000 Sets in 1 txn file FULL vs raw", ours_batch_txn, NULL, &o_full_txn, raw_batch_txn, NULL, &r_full_txn,
         "raw SQLite, 1 txn", 3, 200);
    CELL("Scoped Set, 3 quotas, 10k keys :memory:", ours_set, NULL, &o_scoped, ours_set, NULL, &o_mem,
         "our plain Set", 3, 300);
    CELL("10k scoped Sets, 3 quotas, 1 txn :memory:", ours_scoped_batch_txn, NULL, &o_scoped, ours_scoped_batch_single,
         NULL, &o_scoped, "the same 10k Sets outside a txn", 3, 400);

    if (profile_iters > 0) {
        for (c = 0; c < n_cells; c++)
            if (strstr(cells[c].name, argv[2])) break;
        if (c == n_cells) {
            fprintf(stderr, "bench: no cell matches \"%s\"\n", argv[2]);
            return 2;
        }
        if (strstr(cells[c].name, "Scoped")) populate_ours(o_scoped.kv, GROUP, BIG_GROUP);
        if (cells[c].ours.setup) cells[c].ours.setup(cells[c].ours.ctx, 0, profile_iters);
        for (i = 0; i < profile_iters; i++) cells[c].ours.op(cells[c].ours.ctx, i);
        printf("profiled %ld iterations of \"%s\"\n", profile_iters, cells[c].name);
    } else {
        printf("store %s, SQLite %s (same amalgamation for both sides); best of N rounds\n\n", store_version(),
               raw_sqlite_version());
        bench_table_header();
        for (c = 0; c < n_cells; c++) {
            double ours_ns, other_ns;
            if (!selected(cells[c].name, argc, argv, first_filter)) continue;
            /* Scoped Sets are charged against a namespace of 10 000 live keys. */
            if (strstr(cells[c].name, "Scoped")) populate_ours(o_scoped.kv, GROUP, BIG_GROUP);
            bench_pair(cells[c].ours, cells[c].other, cells[c].rounds, cells[c].round_ms, &ours_ns, &other_ns);
            bench_table_row(cells[c].name, ours_ns, other_ns, cells[c].other_kind);
        }
        printf("\n%.1f s total; %ld callback calls\n", (double)(bench_now_ns() - t_start) / 1e9, callbacks_hit);
    }

    for (i = 0; i < 11; i++) store_unsubscribe(&subs[i]);
    store_watch_free(w.w);
    store_scope_free(scope);
    store_free(mem);
    store_free(mem_read);
    store_free(mem_groups);
    store_free(mem_sub1);
    store_free(mem_sub10);
    store_free(mem_watch);
    store_free(mem_scoped);
    store_free(full);
    store_free(normal);
    store_free(file_read);
    store_free(full_txn);
    raw_close(rmem);
    raw_close(rmem_read);
    raw_close(rmem_groups);
    raw_close(rfull);
    raw_close(rnormal);
    raw_close(rfile_read);
    raw_close(rfull_txn);
    for (i = 0; i < 8; i++) remove_db(p[i]);
    rmdir(tmpdir);
    return 0;
}
