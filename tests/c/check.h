/*
 * A small test harness for the C ABI tests: assertions that report
 * file:line, the status name and store_last_error(), a named-test runner,
 * and helpers for temporary directories and byte comparisons.
 *
 * Assertions return from the current test function on failure, so every
 * test is a `static void name(void)` and helpers that assert return void
 * too. After a failure the test's resources may leak; the run fails anyway.
 */
#ifndef STORE_TEST_CHECK_H
#define STORE_TEST_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <store.h>

/** One named test. */
typedef struct check_test {
    const char *name;
    void (*fn)(void);
} check_test;

/** Builds a check_test entry from a function name. */
#define TEST(fn) { #fn, fn }

/**
 * Runs every test (or only those named on the command line), prints one
 * line per test and a summary, and returns the process exit status:
 * 0 when all passed, 1 otherwise.
 */
int check_run(const char *suite, const check_test *tests, size_t count, int argc, char **argv);

/** Records a failure of the running test and prints where and why. */
void check_fail(const char *file, int line, const char *fmt, ...);

/** True once the running test has failed (for helpers that loop). */
bool check_failed(void);

/** Reports a status mismatch with the status names and the last error. */
void check_status_fail(const char *file, int line, const char *expr, store_status got, store_status want,
                       const char *last_error);

/** True when `haystack` contains the NUL-terminated `needle`. */
bool check_contains(const char *haystack, const char *needle);

/** True when the byte range equals the NUL-terminated string `want`. */
bool check_bytes_eq(const uint8_t *ptr, size_t len, const char *want);

/**
 * A fresh private directory for this process, removed (with its contents)
 * at exit. Returns the same directory on every call.
 */
const char *check_tmpdir(void);

/** Writes `<tmpdir>/<name>` into `buf` (size `cap`) and returns `buf`. */
const char *check_path(char *buf, size_t cap, const char *name);

/** Sleeps for `ms` milliseconds. */
void check_sleep_ms(long ms);

/** Monotonic clock in milliseconds. */
int64_t check_now_ms(void);

/** Opens a store at `path` with the given `synchronous` value; NULL on failure (reported). */
store_db *check_open(const char *file, int line, const char *path, uint32_t synchronous);

/**
 * Opens `<tmpdir>/<name>.db` with the workspace state directory
 * `<tmpdir>/<name>-state` (written to `state`, size `cap`); NULL on failure (reported).
 */
store_db *check_open_with_state(const char *name, char *state, size_t cap);

/** Opens a private `:memory:` store, or fails the test and returns. */
#define OPEN_MEMORY(db) \
    store_db *db = check_open(__FILE__, __LINE__, ":memory:", STORE_SYNC_DEFAULT); \
    if (!(db)) return

/** Opens a file store at `path` with `sync`, or fails the test and returns. */
#define OPEN_FILE(db, path, sync) \
    store_db *db = check_open(__FILE__, __LINE__, (path), (sync)); \
    if (!(db)) return

/** Fails the test unless `cond` holds. */
#define CHECK(cond) \
    do { \
        if (!(cond)) { \
            check_fail(__FILE__, __LINE__, "CHECK(%s)", #cond); \
            return; \
        } \
    } while (0)

/** Fails the test unless `a == b` (both converted to long long). */
#define CHECK_INT(a, b) \
    do { \
        long long check_a_ = (long long)(a), check_b_ = (long long)(b); \
        if (check_a_ != check_b_) { \
            check_fail(__FILE__, __LINE__, "%s == %s: got %lld, want %lld", #a, #b, check_a_, check_b_); \
            return; \
        } \
    } while (0)

/** Fails the test unless `expr` returns `want`; prints both names and the last error. */
#define CHECK_STATUS(expr, want) \
    do { \
        store_status check_got_ = (expr); \
        if (check_got_ != (want)) { \
            check_status_fail(__FILE__, __LINE__, #expr, check_got_, (want), store_last_error()); \
            return; \
        } \
    } while (0)

/** Fails the test unless `expr` returns STORE_OK. */
#define CHECK_OK(expr) CHECK_STATUS(expr, STORE_OK)

/**
 * Fails the test unless `expr` returns `want` and store_last_error() then
 * contains `needle` (read before any other call can replace it).
 */
#define CHECK_ERR(expr, want, needle) \
    do { \
        store_status check_got_ = (expr); \
        const char *check_msg_ = store_last_error(); \
        if (check_got_ != (want)) { \
            check_status_fail(__FILE__, __LINE__, #expr, check_got_, (want), check_msg_); \
            return; \
        } \
        if (!check_contains(check_msg_, (needle))) { \
            check_fail(__FILE__, __LINE__, "%s: message \"%s\" lacks \"%s\"", #expr, check_msg_, (needle)); \
            return; \
        } \
    } while (0)

/** Fails the test unless the byte range (ptr, len) equals the C string `want`. */
#define CHECK_BYTES(ptr, len, want) \
    do { \
        const char *check_w_ = (want); \
        if (!check_bytes_eq((const uint8_t *)(ptr), (len), check_w_)) { \
            check_fail(__FILE__, __LINE__, "%s: got \"%.*s\" (%zu bytes), want \"%s\"", #ptr, \
                       (int)((len) > 200 ? 200 : (len)), (const char *)(ptr), (size_t)(len), check_w_); \
            return; \
        } \
    } while (0)

/** Fails the test unless the slice `s` holds exactly the C string `want`. */
#define CHECK_SLICE(s, want) CHECK_BYTES((s).ptr, (s).len, want)

/** Fails the test unless (group, key) reads back as the C string `want`. */
#define CHECK_GET(kv, group, key, want) \
    do { \
        store_bytes check_v_ = {0}; \
        CHECK_OK(store_get((kv), STORE_STR(group), STORE_STR(key), &check_v_)); \
        bool check_same_ = check_bytes_eq(check_v_.ptr, check_v_.len, (want)); \
        if (!check_same_) \
            check_fail(__FILE__, __LINE__, "get %s/%s: got \"%.*s\", want \"%s\"", (group), (key), \
                       (int)check_v_.len, (const char *)check_v_.ptr, (want)); \
        store_bytes_free(&check_v_); \
        if (!check_same_) return; \
    } while (0)

/** Fails the test unless (group, key) is absent (STORE_NOT_FOUND). */
#define CHECK_MISSING(kv, group, key) \
    do { \
        store_bytes check_v_ = {0}; \
        CHECK_STATUS(store_get((kv), STORE_STR(group), STORE_STR(key), &check_v_), STORE_NOT_FOUND); \
        CHECK(check_v_.ptr == NULL); \
    } while (0)

/** Fails the test unless `group` holds `want` live rows. */
#define CHECK_COUNT(kv, group, want) \
    do { \
        int64_t check_n_ = -1; \
        CHECK_OK(store_count((kv), STORE_STR(group), &check_n_)); \
        CHECK_INT(check_n_, (want)); \
    } while (0)

/** Fails unless the watch yields an event of `want_kind` on (`g`, `k`) within `timeout_ms`. */
#define CHECK_EVENT_WITHIN(w, timeout_ms, want_kind, g, k) \
    do { \
        store_event check_ev_ = STORE_EVENT_INIT; \
        CHECK_OK(store_watch_next((w), (timeout_ms), &check_ev_)); \
        CHECK_INT(check_ev_.kind, (want_kind)); \
        CHECK_SLICE(check_ev_.group, g); \
        CHECK_SLICE(check_ev_.key, k); \
    } while (0)

/** Fails unless the watch yields an event of `want_kind` on (`g`, `k`) right now. */
#define CHECK_EVENT(w, want_kind, g, k) CHECK_EVENT_WITHIN(w, 0, want_kind, g, k)

/** Fails unless `list` holds exactly the NULL-terminated `want` strings (NUL-terminated too). */
void check_strings(const char *file, int line, const store_strings *list, const char *const *want);

/** Fails the test unless the string list holds exactly the given C strings, in order. */
#define CHECK_STRINGS(list, ...) \
    do { \
        static const char *const check_want_[] = {__VA_ARGS__, NULL}; \
        check_strings(__FILE__, __LINE__, (list), check_want_); \
        if (check_failed()) return; \
    } while (0)

/** Fails the test unless groups starting with the prefix (pointer, length) hold `want` live rows. */
#define CHECK_COUNT_ALL(kv, want, ...) \
    do { \
        int64_t check_n_ = -1; \
        CHECK_OK(store_count_all((kv), __VA_ARGS__, &check_n_)); \
        CHECK_INT(check_n_, (want)); \
    } while (0)

/** Writes a C-string value, failing the test on error. */
#define SET(kv, group, key, value) CHECK_OK(store_set((kv), STORE_STR(group), STORE_STR(key), STORE_STR(value)))

#endif /* STORE_TEST_CHECK_H */
