/*
 * store_get_into(buf = NULL, capacity = 0) on an empty value must not hand
 * NULL to memcpy (undefined behaviour in C, whatever the length). This
 * program interposes memcpy for the whole process, libstore.so included,
 * and counts calls with a NULL pointer. Built without sanitizers (they
 * interpose memcpy themselves) by mk/abi.mk.
 */
#include <store.h>

#include <stdio.h>
#include <string.h>

static volatile int null_copies;

/* Byte by byte through volatile pointers, so the compiler cannot turn the
 * loop back into a call to memcpy. string.h declares the arguments nonnull,
 * so they are tested through volatile copies the compiler cannot fold. */
void *memcpy(void *restrict dst, const void *restrict src, size_t n) {
    volatile unsigned char *d = dst;
    const volatile unsigned char *s = src;
    volatile uintptr_t dst_addr = (uintptr_t)dst, src_addr = (uintptr_t)src;
    size_t i;
    if (dst_addr == 0 || src_addr == 0) null_copies++;
    for (i = 0; i < n; i++) d[i] = s[i];
    return dst;
}

int main(void) {
    store_db *db = NULL;
    size_t len = 99;
    int failed = 0;

    if (store_open(STORE_STR(":memory:"), NULL, &db) != STORE_OK ||
        store_set(store_db_kv(db), STORE_STR("g"), STORE_STR("empty"), NULL, 0) != STORE_OK) {
        fprintf(stderr, "null_copy: setup failed: %s\n", store_last_error());
        return 1;
    }
    null_copies = 0;
    if (store_get_into(store_db_kv(db), STORE_STR("g"), STORE_STR("empty"), NULL, 0, &len, NULL) != STORE_OK || len != 0) {
        fprintf(stderr, "null_copy: store_get_into failed: %s\n", store_last_error());
        failed = 1;
    }
    if (null_copies != 0) {
        fprintf(stderr, "null_copy: store_get_into passed NULL to memcpy %d time(s)\n", null_copies);
        failed = 1;
    }
    store_free(db);
    if (!failed) puts("ok   store_get_into with a NULL buffer copies nothing");
    return failed;
}
