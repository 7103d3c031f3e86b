/*
 * Change events through the C ABI (contract §17.4 and issue 3): callback
 * subscriptions (order, kinds, fields, snapshot semantics, unsubscribing
 * from inside a callback, release exactly once, calling the store from a
 * callback) and watch queues (capacity, drops, timeouts, close and drain,
 * waking a blocked reader from another thread, never blocking writers).
 */
#include "check.h"

#include <pthread.h>
#include <stdio.h>
#include <time.h>

/* ---- a recorder: remembers every event as "kind:group:key=value" ---- */

typedef struct recorder {
    pthread_mutex_t lock;
    char seen[64][96];
    int64_t stamps[64];
    int count;
    int releases;
    const char *tag; /* prefix for entries, e.g. "nested:" */
} recorder;

static void recorder_init(recorder *r, const char *tag) {
    memset(r, 0, sizeof *r);
    pthread_mutex_init(&r->lock, NULL);
    r->tag = tag;
}

static void record(void *user_data, const store_event *e) {
    recorder *r = user_data;
    pthread_mutex_lock(&r->lock);
    if (r->count < 64) {
        snprintf(r->seen[r->count], sizeof r->seen[0], "%s%s:%.*s:%.*s=%.*s", r->tag, store_event_kind_str(e->kind),
                 (int)e->group.len, (const char *)e->group.ptr, (int)e->key.len, (const char *)e->key.ptr,
                 (int)e->value.len, (const char *)e->value.ptr);
        r->stamps[r->count] = e->timestamp_ms;
        r->count++;
    }
    pthread_mutex_unlock(&r->lock);
}

static void release_recorder(void *user_data) {
    recorder *r = user_data;
    pthread_mutex_lock(&r->lock);
    r->releases++;
    pthread_mutex_unlock(&r->lock);
}

/* Fails unless the recorder saw exactly the given entries, in order. */
static void check_seen(const char *file, int line, recorder *r, const char *const *want) {
    int i = 0;
    pthread_mutex_lock(&r->lock);
    for (; want[i]; i++) {
        if (i >= r->count) {
            check_fail(file, line, "saw %d events; missing \"%s\"", r->count, want[i]);
            break;
        }
        if (strcmp(r->seen[i], want[i]) != 0) {
            check_fail(file, line, "event %d is \"%s\", want \"%s\"", i, r->seen[i], want[i]);
            break;
        }
    }
    if (!check_failed() && r->count != i) check_fail(file, line, "saw %d events, want %d (extra \"%s\")", r->count, i, r->seen[i]);
    pthread_mutex_unlock(&r->lock);
}

#define CHECK_SEEN(r, ...) \
    do { \
        static const char *const want_[] = {__VA_ARGS__, NULL}; \
        check_seen(__FILE__, __LINE__, (r), want_); \
        if (check_failed()) return; \
    } while (0)

static int64_t unix_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- callbacks ----------------------------------------------------- */

static void callbacks_see_every_kind_in_order(void) {
    OPEN_MEMORY(db);
    store_kv *kv = store_db_kv(db);
    recorder all, config;
    store_subscription *s1 = NULL, *s2 = NULL;
    int64_t before = unix_ms(), i;
    recorder_init(&all, "");
    recorder_init(&config, "");
    CHECK_OK(store_subscribe(kv, STORE_STR("*"), record, &all, release_recorder, &s1));
    CHECK_OK(store_subscribe(kv, STORE_STR("config"), record, &config, release_recorder, &s2));
    SET(kv, "config", "colour", "blue");
    CHECK_OK(store_set_with_ttl(kv, STORE_STR("session"), STORE_STR("token"), STORE_STR("abc"), 60000));
    CHECK_OK(store_delete(kv, STORE_STR("config"), STORE_STR("colour")));
    CHECK_OK(store_delete(kv, STORE_STR("config"), STORE_STR("never-there"))); /* no event */
    SET(kv, "tenant-b:x", "k", "v");
    SET(kv, "tenant-a:x", "k", "v");
    CHECK_OK(store_delete_group(kv, STORE_STR("session")));
    CHECK_OK(store_delete_group(kv, STORE_STR("session"))); /* nothing left: no event */
    CHECK_OK(store_delete_prefix(kv, STORE_STR("tenant-")));
    CHECK_SEEN(&all, "set:config:colour=blue", "set:session:token=abc", "delete:config:colour=",
               "set:tenant-b:x:k=v", "set:tenant-a:x:k=v", "delete_group:session:=",
               "delete_group:tenant-a:x:=", "delete_group:tenant-b:x:=");
    CHECK_SEEN(&config, "set:config:colour=blue", "delete:config:colour=");
    for (i = 0; i < all.count; i++) CHECK(all.stamps[i] >= before - 1000 && all.stamps[i] <= unix_ms() + 1000);
    store_unsubscribe(&s1);
    CHECK_INT(all.releases, 1);
    SET(kv, "config", "after", "x");
    CHECK_INT(all.count, 8);
    CHECK_INT(config.count, 3);
    store_unsubscribe(&s2);
    CHECK_INT(config.releases, 1);
    store_free(db);
    CHECK_INT(all.releases, 1);
    CHECK_INT(config.releases, 1);
}

/* go-store's reentrant test: a callback registered during dispatch first
 * fires on the next event; one unregistered during dispatch still gets the
 * current event. Expected: first, second, nested:second, third. */
typedef struct reentrant {
    recorder outer, nested;
    store_kv *kv;
    store_subscription *nested_sub;
    store_watch *nested_watch;
    store_status status;
} reentrant;

static void reentrant_outer(void *user_data, const store_event *e) {
    reentrant *r = user_data;
    record(&r->outer, e);
    if (check_bytes_eq(e->key.ptr, e->key.len, "first")) {
        r->status = store_subscribe(r->kv, STORE_STR("*"), record, &r->nested, release_recorder, &r->nested_sub);
        if (r->status == STORE_OK) r->status = store_watch_open(r->kv, STORE_STR("*"), 4, &r->nested_watch);
    } else if (check_bytes_eq(e->key.ptr, e->key.len, "second")) {
        store_unsubscribe(&r->nested_sub);
        r->nested_sub = NULL;
        store_watch_close(r->nested_watch);
    }
}

static void snapshot_semantics(void) {
    OPEN_MEMORY(db);
    reentrant r;
    store_subscription *sub = NULL;
    store_event ev = STORE_EVENT_INIT;
    memset(&r, 0, sizeof r);
    recorder_init(&r.outer, "");
    recorder_init(&r.nested, "nested:");
    r.kv = store_db_kv(db);
    CHECK_OK(store_subscribe(r.kv, STORE_STR("*"), reentrant_outer, &r, NULL, &sub));
    SET(r.kv, "g", "first", "1");
    CHECK_OK(r.status);
    SET(r.kv, "g", "second", "2");
    SET(r.kv, "g", "third", "3");
    CHECK_SEEN(&r.outer, "set:g:first=1", "set:g:second=2", "set:g:third=3");
    CHECK_SEEN(&r.nested, "nested:set:g:second=2");
    CHECK_INT(r.nested.releases, 1);
    /* The nested watch got only "second" (queues are filled before callbacks run). */
    CHECK_OK(store_watch_next(r.nested_watch, 0, &ev));
    CHECK_SLICE(ev.key, "second");
    CHECK_STATUS(store_watch_next(r.nested_watch, 0, &ev), STORE_CLOSED);
    store_watch_free(r.nested_watch);
    store_unsubscribe(&sub);
    store_free(db);
}

/* A callback that unsubscribes itself: release waits until it returns. */
typedef struct self_cancel {
    recorder rec;
    store_subscription *sub;
    int releases_seen_inside;
} self_cancel;

static void cancel_self(void *user_data, const store_event *e) {
    self_cancel *s = user_data;
    record(&s->rec, e);
    store_unsubscribe(&s->sub);
    s->releases_seen_inside = s->rec.releases;
}

static void release_self_cancel(void *user_data) {
    self_cancel *s = user_data;
    s->rec.releases++;
}

static void unsubscribe_inside_own_callback(void) {
    OPEN_MEMORY(db);
    store_kv *kv = store_db_kv(db);
    self_cancel s;
    memset(&s, 0, sizeof s);
    recorder_init(&s.rec, "");
    CHECK_OK(store_subscribe(kv, STORE_STR("*"), cancel_self, &s, release_self_cancel, &s.sub));
    SET(kv, "g", "one", "1");
    SET(kv, "g", "two", "2");
    CHECK_SEEN(&s.rec, "set:g:one=1");
    CHECK_INT(s.releases_seen_inside, 0);
    CHECK_INT(s.rec.releases, 1);
    store_free(db);
    CHECK_INT(s.rec.releases, 1);
}

static void release_runs_once_at_close(void) {
    OPEN_MEMORY(db);
    store_kv *kv = store_db_kv(db);
    recorder a, b, c;
    store_subscription *sa = NULL, *sb = NULL, *sc = NULL;
    recorder_init(&a, "");
    recorder_init(&b, "");
    recorder_init(&c, "");
    CHECK_OK(store_subscribe(kv, STORE_STR("*"), record, &a, release_recorder, &sa));
    CHECK_OK(store_subscribe(kv, STORE_STR("g"), record, &b, release_recorder, &sb));
    CHECK_OK(store_subscribe(kv, STORE_STR("*"), record, &c, release_recorder, &sc));
    store_unsubscribe(&sc);
    CHECK_INT(c.releases, 1);
    CHECK_OK(store_close(db));
    CHECK_INT(a.releases, 1);
    CHECK_INT(b.releases, 1);
    store_unsubscribe(&sa);
    store_unsubscribe(&sb);
    store_free(db);
    CHECK_INT(a.releases, 1);
    CHECK_INT(b.releases, 1);
    CHECK_INT(c.releases, 1);
    /* Failing subscriptions release at once. */
    {
        OPEN_MEMORY(db2);
        store_subscription *none = NULL;
        recorder d;
        recorder_init(&d, "");
        CHECK_STATUS(store_subscribe(store_db_kv(db2), STORE_STR("*"), NULL, &d, release_recorder, &none),
                     STORE_INVALID_ARGUMENT);
        CHECK_INT(d.releases, 1);
        CHECK_OK(store_close(db2));
        CHECK_STATUS(store_subscribe(store_db_kv(db2), STORE_STR("*"), record, &d, release_recorder, &none),
                     STORE_CLOSED);
        CHECK_INT(d.releases, 2);
        CHECK(none == NULL);
        store_free(db2);
        CHECK_INT(d.releases, 2);
    }
}

/* A callback may read and write the store, and even close it. */
typedef struct reenter {
    store_db *db;
    store_status get_status, set_status, close_status;
    char got[32];
} reenter;

static void call_back_into_store(void *user_data, const store_event *e) {
    reenter *r = user_data;
    store_kv *kv = store_db_kv(r->db);
    if (check_bytes_eq(e->group.ptr, e->group.len, "in")) {
        store_bytes b = {0};
        r->get_status = store_get(kv, e->group.ptr, e->group.len, e->key.ptr, e->key.len, &b);
        if (r->get_status == STORE_OK) snprintf(r->got, sizeof r->got, "%.*s", (int)b.len, (const char *)b.ptr);
        store_bytes_free(&b);
        r->set_status = store_set(kv, STORE_STR("out"), e->key.ptr, e->key.len, e->value.ptr, e->value.len);
    } else if (check_bytes_eq(e->group.ptr, e->group.len, "close")) {
        r->close_status = store_close(r->db);
    }
}

static void callback_calls_store(void) {
    reenter r;
    store_subscription *sub = NULL;
    memset(&r, 0, sizeof r);
    r.db = check_open(__FILE__, __LINE__, ":memory:", STORE_SYNC_DEFAULT);
    CHECK(r.db != NULL);
    r.get_status = r.set_status = r.close_status = STORE_INTERNAL;
    CHECK_OK(store_subscribe(store_db_kv(r.db), STORE_STR("*"), call_back_into_store, &r, NULL, &sub));
    SET(store_db_kv(r.db), "in", "k", "hello");
    CHECK_OK(r.get_status);
    CHECK_OK(r.set_status);
    CHECK(strcmp(r.got, "hello") == 0);
    CHECK_GET(store_db_kv(r.db), "out", "k", "hello");
    SET(store_db_kv(r.db), "close", "k", "now");
    CHECK_OK(r.close_status);
    CHECK(store_is_closed(r.db));
    CHECK_STATUS(store_set(store_db_kv(r.db), STORE_STR("in"), STORE_STR("k"), STORE_STR("v")), STORE_CLOSED);
    store_unsubscribe(&sub);
    store_free(r.db);
}

/* ---- watch queues -------------------------------------------------- */

static void watch_filters_and_fields(void) {
    OPEN_MEMORY(db);
    store_kv *kv = store_db_kv(db);
    store_watch *config = NULL, *all = NULL;
    store_event ev = STORE_EVENT_INIT;
    CHECK_OK(store_watch_open(kv, STORE_STR("config"), 0, &config));
    CHECK_OK(store_watch_open(kv, STORE_STR("*"), 0, &all));
    SET(kv, "config", "a", "1");
    SET(kv, "other", "b", "2");
    SET(kv, "config", "c", "3");
    CHECK_OK(store_delete(kv, STORE_STR("config"), STORE_STR("a")));
    CHECK_OK(store_delete_group(kv, STORE_STR("other")));
    CHECK_OK(store_watch_next(config, 0, &ev));
    CHECK_INT(ev.kind, STORE_EVENT_SET);
    CHECK_SLICE(ev.group, "config");
    CHECK_SLICE(ev.key, "a");
    CHECK_SLICE(ev.value, "1");
    CHECK(ev.timestamp_ms > 0);
    CHECK_EVENT(config, STORE_EVENT_SET, "config", "c");
    CHECK_OK(store_watch_next(config, 0, &ev));
    CHECK_INT(ev.kind, STORE_EVENT_DELETE);
    CHECK_INT(ev.value.len, 0);
    CHECK_STATUS(store_watch_next(config, 0, &ev), STORE_TIMEOUT);
    CHECK_EVENT(all, STORE_EVENT_SET, "config", "a");
    CHECK_EVENT(all, STORE_EVENT_SET, "other", "b");
    CHECK_EVENT(all, STORE_EVENT_SET, "config", "c");
    CHECK_EVENT(all, STORE_EVENT_DELETE, "config", "a");
    CHECK_OK(store_watch_next(all, 0, &ev));
    CHECK_INT(ev.kind, STORE_EVENT_DELETE_GROUP);
    CHECK_SLICE(ev.group, "other");
    CHECK_INT(ev.key.len, 0);
    CHECK_INT(store_watch_dropped(all), 0);
    store_watch_free(config);
    store_watch_free(all);
    store_free(db);
}

static void watch_capacity_drops_and_counts(void) {
    OPEN_MEMORY(db);
    store_kv *kv = store_db_kv(db);
    store_watch *small = NULL, *dflt = NULL;
    store_event ev = STORE_EVENT_INIT;
    int i, got = 0;
    CHECK_OK(store_watch_open(kv, STORE_STR("*"), 4, &small));
    CHECK_OK(store_watch_open(kv, STORE_STR("*"), 0, &dflt));
    for (i = 0; i < 24; i++) {
        char k[16];
        snprintf(k, sizeof k, "k%02d", i);
        SET(kv, "g", k, "v");
    }
    CHECK_INT(store_watch_dropped(small), 20);
    CHECK_INT(store_watch_dropped(dflt), 24 - STORE_WATCH_DEFAULT_CAPACITY);
    /* The oldest events are kept, in order. */
    CHECK_EVENT(small, STORE_EVENT_SET, "g", "k00");
    CHECK_EVENT(small, STORE_EVENT_SET, "g", "k01");
    CHECK_EVENT(small, STORE_EVENT_SET, "g", "k02");
    CHECK_EVENT(small, STORE_EVENT_SET, "g", "k03");
    CHECK_STATUS(store_watch_next(small, 0, &ev), STORE_TIMEOUT);
    while (store_watch_next(dflt, 0, &ev) == STORE_OK) got++;
    CHECK_INT(got, STORE_WATCH_DEFAULT_CAPACITY);
    /* Room again: new events are queued. */
    SET(kv, "g", "later", "v");
    CHECK_EVENT(small, STORE_EVENT_SET, "g", "later");
    store_watch_free(small);
    store_watch_free(dflt);
    store_free(db);
}

static void watch_timeouts(void) {
    OPEN_MEMORY(db);
    store_watch *w = NULL;
    store_event ev = STORE_EVENT_INIT;
    int64_t t0;
    CHECK_OK(store_watch_open(store_db_kv(db), STORE_STR("*"), 1, &w));
    t0 = check_now_ms();
    CHECK_ERR(store_watch_next(w, 0, &ev), STORE_TIMEOUT, "no event within the timeout");
    CHECK(check_now_ms() - t0 < 50);
    t0 = check_now_ms();
    CHECK_STATUS(store_watch_next(w, 60, &ev), STORE_TIMEOUT);
    CHECK(check_now_ms() - t0 >= 55);
    store_watch_free(w);
    store_free(db);
}

static void watch_close_drains_then_closed(void) {
    OPEN_MEMORY(db);
    store_kv *kv = store_db_kv(db);
    store_watch *w = NULL;
    store_event ev = STORE_EVENT_INIT;
    CHECK_OK(store_watch_open(kv, STORE_STR("*"), 8, &w));
    SET(kv, "g", "a", "1");
    SET(kv, "g", "b", "2");
    store_watch_close(w);
    SET(kv, "g", "c", "3"); /* after close: not delivered, writer unaffected */
    CHECK_EVENT(w, STORE_EVENT_SET, "g", "a");
    CHECK_EVENT_WITHIN(w, -1, STORE_EVENT_SET, "g", "b");
    CHECK_ERR(store_watch_next(w, -1, &ev), STORE_CLOSED, "closed");
    CHECK_STATUS(store_watch_next(w, 0, &ev), STORE_CLOSED);
    store_watch_free(w);
    /* Store close closes queues too, after their buffered events. */
    CHECK_OK(store_watch_open(kv, STORE_STR("*"), 8, &w));
    SET(kv, "g", "d", "4");
    CHECK_OK(store_close(db));
    CHECK_EVENT(w, STORE_EVENT_SET, "g", "d");
    CHECK_STATUS(store_watch_next(w, -1, &ev), STORE_CLOSED);
    store_watch_free(w);
    store_free(db);
}

/* A reader blocked in store_watch_next(-1) wakes when another thread closes. */
typedef struct blocked_reader {
    store_watch *w;
    store_status status;
    int64_t returned_at;
} blocked_reader;

static void *read_until_closed(void *arg) {
    blocked_reader *r = arg;
    store_event ev = STORE_EVENT_INIT;
    r->status = store_watch_next(r->w, -1, &ev);
    r->returned_at = check_now_ms();
    return NULL;
}

static void close_wakes_blocked_reader(void) {
    int how;
    for (how = 0; how < 2; how++) {
        OPEN_MEMORY(db);
        blocked_reader r;
        pthread_t t;
        int64_t closed_at;
        memset(&r, 0, sizeof r);
        r.status = STORE_INTERNAL;
        CHECK_OK(store_watch_open(store_db_kv(db), STORE_STR("*"), 4, &r.w));
        CHECK(pthread_create(&t, NULL, read_until_closed, &r) == 0);
        check_sleep_ms(100);
        closed_at = check_now_ms();
        if (how == 0)
            store_watch_close(r.w);
        else
            CHECK_OK(store_close(db));
        pthread_join(t, NULL);
        CHECK_INT(r.status, STORE_CLOSED);
        CHECK(r.returned_at >= closed_at);
        store_watch_free(r.w);
        store_free(db);
    }
}

/* A slow consumer never slows the writer: its queue just drops. */
typedef struct slow_reader {
    store_watch *w;
    int received;
} slow_reader;

static void *read_slowly(void *arg) {
    slow_reader *r = arg;
    store_event ev = STORE_EVENT_INIT;
    while (store_watch_next(r->w, -1, &ev) == STORE_OK) {
        r->received++;
        check_sleep_ms(20);
    }
    return NULL;
}

static void slow_watcher_never_blocks_writer(void) {
    OPEN_MEMORY(db);
    store_kv *kv = store_db_kv(db);
    slow_reader r = {NULL, 0};
    pthread_t t;
    int64_t t0, elapsed;
    int i;
    CHECK_OK(store_watch_open(kv, STORE_STR("*"), 2, &r.w));
    CHECK(pthread_create(&t, NULL, read_slowly, &r) == 0);
    t0 = check_now_ms();
    for (i = 0; i < 500; i++) {
        char k[16];
        snprintf(k, sizeof k, "k%d", i);
        SET(kv, "g", k, "v");
    }
    elapsed = check_now_ms() - t0;
    store_watch_close(r.w);
    pthread_join(t, NULL);
    /* 500 writes against a 20 ms-per-event reader would take 10 s if they waited. */
    CHECK(elapsed < 2000);
    CHECK(store_watch_dropped(r.w) > 0);
    CHECK_INT((uint64_t)r.received + store_watch_dropped(r.w), 500);
    store_watch_free(r.w);
    store_free(db);
}

/* ---- commit order, sequence numbers, freeing from callbacks --------------- */

typedef struct seq_log {
    pthread_mutex_t lock;
    uint64_t seqs[4096];
    size_t n;
} seq_log;

static void log_seq(void *user_data, const store_event *e) {
    seq_log *log = user_data;
    pthread_mutex_lock(&log->lock);
    if (log->n < sizeof log->seqs / sizeof log->seqs[0]) log->seqs[log->n++] = e->seq;
    pthread_mutex_unlock(&log->lock);
}

typedef struct writer_arg {
    store_kv *kv;
    int id;
} writer_arg;

static void *write_many(void *arg) {
    writer_arg *w = arg;
    char group[16], key[16];
    snprintf(group, sizeof group, "g%d", w->id);
    for (int i = 0; i < 200; i++) {
        snprintf(key, sizeof key, "k%d", i);
        if (store_set(w->kv, (const uint8_t *)group, strlen(group), (const uint8_t *)key, strlen(key),
                      (const uint8_t *)"v", 1) != STORE_OK)
            return (void *)1;
    }
    return NULL;
}

/* Four writer threads; a callback, a watch callback and a watch queue each
 * see strictly increasing, identical sequences (the commit order). */
static void events_arrive_in_commit_order_across_threads(void) {
    char path[512];
    OPEN_FILE(db, check_path(path, sizeof path, "order.db"), STORE_SYNC_NORMAL);
    store_kv *kv = store_db_kv(db);
    static seq_log by_callback, by_watcher;
    memset(&by_callback, 0, sizeof by_callback);
    memset(&by_watcher, 0, sizeof by_watcher);
    pthread_mutex_init(&by_callback.lock, NULL);
    pthread_mutex_init(&by_watcher.lock, NULL);
    store_subscription *sub = NULL, *watcher = NULL;
    store_watch *queue = NULL;
    CHECK_OK(store_subscribe(kv, STORE_STR("*"), log_seq, &by_callback, NULL, &sub));
    CHECK_OK(store_subscribe_watcher(kv, STORE_STR("*"), log_seq, &by_watcher, NULL, &watcher));
    CHECK_OK(store_watch_open(kv, STORE_STR("*"), 1000, &queue));
    pthread_t threads[4];
    writer_arg args[4];
    for (int i = 0; i < 4; i++) {
        args[i].kv = kv;
        args[i].id = i;
        CHECK(pthread_create(&threads[i], NULL, write_many, &args[i]) == 0);
    }
    for (int i = 0; i < 4; i++) {
        void *failed = NULL;
        pthread_join(threads[i], &failed);
        CHECK(failed == NULL);
    }
    CHECK_INT(by_callback.n, 800);
    CHECK_INT(by_watcher.n, 800);
    for (size_t i = 0; i < by_callback.n; i++) {
        CHECK_INT(by_callback.seqs[i], i + 1);
        CHECK_INT(by_watcher.seqs[i], i + 1);
    }
    size_t from_queue = 0;
    store_event e = STORE_EVENT_INIT;
    while (store_watch_next(queue, 0, &e) == STORE_OK) {
        CHECK_INT(e.seq, from_queue + 1);
        from_queue++;
    }
    CHECK_INT(from_queue, 800);
    store_unsubscribe(&sub);
    store_unsubscribe(&watcher);
    store_watch_free(queue);
    store_free(db);
}

static void free_store_inside_callback(void *user_data, const store_event *e) {
    (void)e;
    store_db **db = user_data;
    store_free(*db); /* the write that delivered this event is still running */
    *db = NULL;
}

/* Regression: store_free from inside a callback freed memory the delivering
 * call was still using (valgrind: invalid read in the event dispatch). */
static void store_freed_inside_a_callback_is_safe(void) {
    store_db *db = NULL;
    CHECK_OK(store_open(STORE_STR(":memory:"), NULL, &db));
    store_subscription *sub = NULL;
    CHECK_OK(store_subscribe(store_db_kv(db), STORE_STR("*"), free_store_inside_callback, &db, NULL, &sub));
    CHECK_OK(store_set(store_db_kv(db), STORE_STR("g"), STORE_STR("k"), STORE_STR("v")));
    CHECK(db == NULL);
    store_unsubscribe(&sub);
}

static void free_store_on_release(void *user_data) {
    store_db **db = user_data;
    store_free(*db);
    *db = NULL;
}

static void ignore_event(void *user_data, const store_event *e) {
    (void)user_data;
    (void)e;
}

/* A release function that drops the last reference during close. */
static void release_may_free_the_store_during_close(void) {
    store_db *db = NULL;
    CHECK_OK(store_open(STORE_STR(":memory:"), NULL, &db));
    store_subscription *sub = NULL;
    CHECK_OK(store_subscribe(store_db_kv(db), STORE_STR("*"), ignore_event, &db, free_store_on_release, &sub));
    store_db *same = db;
    CHECK_OK(store_close(same)); /* runs the release, which frees the handle */
    CHECK(db == NULL);
    store_unsubscribe(&sub);
}

/* Watch callbacks run under the writer lock: store calls from them fail
 * with STORE_BUSY instead of deadlocking. */
typedef struct busy_probe {
    store_kv *kv;
    store_status got;
} busy_probe;

static void probe_store(void *user_data, const store_event *e) {
    (void)e;
    busy_probe *p = user_data;
    store_bytes value = {0};
    p->got = store_get(p->kv, STORE_STR("g"), STORE_STR("k"), &value);
    store_bytes_free(&value);
}

static void watcher_callbacks_cannot_deadlock_the_writer(void) {
    OPEN_MEMORY(db);
    busy_probe probe = { store_db_kv(db), STORE_OK };
    store_subscription *sub = NULL;
    CHECK_OK(store_subscribe_watcher(store_db_kv(db), STORE_STR("g"), probe_store, &probe, NULL, &sub));
    CHECK_OK(store_set(store_db_kv(db), STORE_STR("g"), STORE_STR("k"), STORE_STR("v")));
    CHECK_INT(probe.got, STORE_BUSY);
    store_unsubscribe(&sub);
    store_free(db);
}

int main(int argc, char **argv) {
    static const check_test tests[] = {
        TEST(callbacks_see_every_kind_in_order),
        TEST(snapshot_semantics),
        TEST(unsubscribe_inside_own_callback),
        TEST(release_runs_once_at_close),
        TEST(callback_calls_store),
        TEST(watch_filters_and_fields),
        TEST(watch_capacity_drops_and_counts),
        TEST(watch_timeouts),
        TEST(watch_close_drains_then_closed),
        TEST(close_wakes_blocked_reader),
        TEST(slow_watcher_never_blocks_writer),
        TEST(events_arrive_in_commit_order_across_threads),
        TEST(store_freed_inside_a_callback_is_safe),
        TEST(release_may_free_the_store_during_close),
        TEST(watcher_callbacks_cannot_deadlock_the_writer),
    };
    return check_run("events", tests, sizeof tests / sizeof tests[0], argc, argv);
}
