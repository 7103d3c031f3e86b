// The small harness every C++ test shares: CHECK counts and reports a
// failed condition, expect_error checks that a call throws store::error with
// a given status and message fragment, and check_summary prints the line the
// test summary reads ("N checks, N failed").
#ifndef STORE_TEST_CHECK_HPP
#define STORE_TEST_CHECK_HPP

#include <store.hpp>

#include <cstdio>
#include <cstring>

static int failures = 0;
static int checks = 0;

#define CHECK(cond, what)                                                                 \
    do {                                                                                  \
        checks++;                                                                         \
        if (!(cond)) {                                                                    \
            failures++;                                                                   \
            std::fprintf(stderr, "%s:%d: FAILED: %s (%s)\n", __FILE__, __LINE__, what, #cond); \
        }                                                                                 \
    } while (0)

// Runs f and checks that it throws store::error with `status` and a message
// containing `fragment`.
template <class F>
static void expect_error(store_status status, F &&f, const char *what, const char *fragment = "") {
    checks++;
    try {
        f();
    } catch (const store::error &e) {
        if (e.status() != status || std::strstr(e.what(), fragment) == nullptr) {
            failures++;
            std::fprintf(stderr, "FAILED: %s: got %s \"%s\", wanted %s containing \"%s\"\n", what, e.status_name(),
                         e.what(), store_status_str(status), fragment);
        }
        return;
    }
    failures++;
    std::fprintf(stderr, "FAILED: %s: nothing thrown, wanted %s\n", what, store_status_str(status));
}

#endif
