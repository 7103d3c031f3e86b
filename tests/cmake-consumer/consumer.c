/*
 * A program that uses an installed libstore: built by tests/cmake-consumer/run.sh
 * through find_package(store) and through pkg-config, linked shared and static.
 * Prints:
 *   blue
 *   smtp.example.com:587
 */
#include <stdio.h>
#include <store.h>

static int fail(const char *what, store_status status) {
    fprintf(stderr, "%s: %s: %s\n", what, store_status_str(status), store_last_error());
    return 1;
}

int main(void) {
    if (store_abi_version() != STORE_ABI_VERSION) {
        fprintf(stderr, "ABI %u, header %u\n", store_abi_version(), STORE_ABI_VERSION);
        return 1;
    }
    store_db *db = NULL;
    store_status st = store_open(STORE_STR(":memory:"), NULL, &db);
    if (st != STORE_OK) return fail("open", st);
    store_kv *kv = store_db_kv(db);
    store_bytes value = {0}, rendered = {0};
    if ((st = store_set(kv, STORE_STR("config"), STORE_STR("colour"), STORE_STR("blue"))) != STORE_OK ||
        (st = store_get(kv, STORE_STR("config"), STORE_STR("colour"), &value)) != STORE_OK)
        return fail("set/get", st);
    printf("%s\n", (const char *)value.ptr);
    store_bytes_free(&value);
    if ((st = store_set(kv, STORE_STR("mail"), STORE_STR("host"), STORE_STR("smtp.example.com"))) != STORE_OK ||
        (st = store_set(kv, STORE_STR("mail"), STORE_STR("port"), STORE_STR("587"))) != STORE_OK ||
        (st = store_render(kv, STORE_STR("{{ .host }}:{{ .port }}"), STORE_STR("mail"), &rendered)) != STORE_OK)
        return fail("render", st);
    printf("%s\n", (const char *)rendered.ptr);
    store_bytes_free(&rendered);
    store_free(db);
    return 0;
}
