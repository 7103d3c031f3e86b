/* The test harness behind check.h. */
#define _XOPEN_SOURCE 700
#include "check.h"

#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static const char *current_test = "?";
static bool current_failed = false;

void check_fail(const char *file, int line, const char *fmt, ...) {
    va_list args;
    current_failed = true;
    fprintf(stderr, "%s:%d: [%s] ", file, line, current_test);
    va_start(args, fmt);
    vfprintf(stderr, fmt, args);
    va_end(args);
    fputc('\n', stderr);
}

bool check_failed(void) {
    return current_failed;
}

void check_status_fail(const char *file, int line, const char *expr, store_status got, store_status want,
                       const char *last_error) {
    check_fail(file, line, "%s: got %s, want %s; last error: \"%s\"", expr, store_status_str((uint32_t)got),
               store_status_str((uint32_t)want), last_error ? last_error : "(null)");
}

bool check_contains(const char *haystack, const char *needle) {
    return haystack != NULL && needle != NULL && strstr(haystack, needle) != NULL;
}

bool check_bytes_eq(const uint8_t *ptr, size_t len, const char *want) {
    size_t n = strlen(want);
    if (len != n) return false;
    return n == 0 || (ptr != NULL && memcmp(ptr, want, n) == 0);
}

void check_strings(const char *file, int line, const store_strings *list, const char *const *want) {
    size_t i = 0;
    for (; want[i]; i++) {
        if (i >= list->len) {
            check_fail(file, line, "list has %zu items, want more (next \"%s\")", list->len, want[i]);
            return;
        }
        if (!check_bytes_eq(list->items[i].ptr, list->items[i].len, want[i])) {
            check_fail(file, line, "item %zu is \"%.*s\", want \"%s\"", i, (int)list->items[i].len,
                       (const char *)list->items[i].ptr, want[i]);
            return;
        }
        if (list->items[i].ptr[list->items[i].len] != 0) check_fail(file, line, "item %zu is not NUL-terminated", i);
    }
    if (list->len != i) check_fail(file, line, "list has %zu items, want %zu", list->len, i);
}

static char tmpdir[512];

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw) {
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void remove_tmpdir(void) {
    if (tmpdir[0]) nftw(tmpdir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

const char *check_tmpdir(void) {
    if (!tmpdir[0]) {
        const char *base = getenv("TMPDIR");
        snprintf(tmpdir, sizeof tmpdir, "%s/store-ctest-XXXXXX", base && *base ? base : "/tmp");
        if (!mkdtemp(tmpdir)) {
            perror("mkdtemp");
            exit(2);
        }
        atexit(remove_tmpdir);
    }
    return tmpdir;
}

const char *check_path(char *buf, size_t cap, const char *name) {
    snprintf(buf, cap, "%s/%s", check_tmpdir(), name);
    return buf;
}

void check_sleep_ms(long ms) {
    struct timespec ts;
    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (ms % 1000) * 1000000L;
    while (nanosleep(&ts, &ts) != 0) {
    }
}

int64_t check_now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

store_db *check_open(const char *file, int line, const char *path, uint32_t synchronous) {
    store_options options;
    store_db *db = NULL;
    store_status st;
    store_options_init(&options, sizeof options);
    options.synchronous = synchronous;
    st = store_open(STORE_STR(path), &options, &db);
    if (st != STORE_OK) {
        check_status_fail(file, line, "store_open", st, STORE_OK, store_last_error());
        return NULL;
    }
    return db;
}

store_db *check_open_with_state(const char *name, char *state, size_t cap) {
    char path[512], file[600];
    store_options options;
    store_db *db = NULL;
    check_path(path, sizeof path, name);
    snprintf(state, cap, "%s-state", path);
    snprintf(file, sizeof file, "%s.db", path);
    store_options_init(&options, sizeof options);
    options.workspace_state_directory.ptr = (const uint8_t *)state;
    options.workspace_state_directory.len = strlen(state);
    if (store_open(STORE_STR(file), &options, &db) != STORE_OK) {
        check_fail(__FILE__, __LINE__, "store_open %s: %s", file, store_last_error());
        return NULL;
    }
    return db;
}

static bool selected(const char *name, int argc, char **argv) {
    int i;
    if (argc < 2) return true;
    for (i = 1; i < argc; i++)
        if (strcmp(argv[i], name) == 0) return true;
    return false;
}

int check_run(const char *suite, const check_test *tests, size_t count, int argc, char **argv) {
    size_t i, run = 0, failed = 0;
    for (i = 0; i < count; i++) {
        if (!selected(tests[i].name, argc, argv)) continue;
        current_test = tests[i].name;
        current_failed = false;
        tests[i].fn();
        run++;
        if (current_failed) failed++;
        printf("%s %s/%s\n", current_failed ? "FAIL" : "ok  ", suite, tests[i].name);
        fflush(stdout);
    }
    printf("%s: %zu tests, %zu failed\n", suite, run, failed);
    return failed == 0 && run > 0 ? 0 : 1;
}
