/* Timing runner and result table for the benchmarks. */
#include "bench.h"

#include <stdio.h>
#include <time.h>

int64_t bench_now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Runs n iterations from `*next` (setup untimed) and returns the elapsed ns. */
static int64_t timed(bench_side s, long *next, long n) {
    int64_t t0;
    long i, end = *next + n;
    if (s.setup) s.setup(s.ctx, *next, n);
    t0 = bench_now_ns();
    for (i = *next; i < end; i++) s.op(s.ctx, i);
    *next = end;
    return bench_now_ns() - t0;
}

/* Doubles the batch until it takes 10 ms, then sizes it to `round_ms`. */
static long calibrate(bench_side s, long *next, int round_ms) {
    long n = 1;
    for (;;) {
        int64_t ns = timed(s, next, n);
        if (ns >= 10000000 || n >= (1L << 24)) {
            double per = (double)ns / (double)n;
            long want = (long)((double)round_ms * 1e6 / (per > 1 ? per : 1));
            return want < 1 ? 1 : want;
        }
        n *= 2;
    }
}

void bench_pair(bench_side a, bench_side b, int rounds, int round_ms, double *ns_a, double *ns_b) {
    long next_a = 0, next_b = 0, n_a, n_b = 0;
    int r;
    double best_a = 0, best_b = 0;
    n_a = calibrate(a, &next_a, round_ms);
    if (b.op) n_b = calibrate(b, &next_b, round_ms);
    for (r = 0; r < rounds; r++) {
        double per = (double)timed(a, &next_a, n_a) / (double)n_a;
        if (r == 0 || per < best_a) best_a = per;
        if (b.op) {
            per = (double)timed(b, &next_b, n_b) / (double)n_b;
            if (r == 0 || per < best_b) best_b = per;
        }
    }
    *ns_a = best_a;
    *ns_b = b.op ? best_b : 0;
}

void bench_table_header(void) {
    printf("%-40s %14s %14s %8s  %s\n", "cell", "ours ns/op", "other ns/op", "ratio", "other");
    printf("%-40s %14s %14s %8s  %s\n", "----", "----------", "-----------", "-----", "-----");
}

void bench_table_row(const char *name, double ours, double other, const char *other_kind) {
    printf("%-40s %14.0f %14.0f %7.2fx  %s\n", name, ours, other, other > 0 ? ours / other : 0.0, other_kind);
    fflush(stdout);
}
