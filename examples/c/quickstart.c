/*
 * The KV part of go-store's Quick Start, in C.
 *
 *   quickstart [DATABASE]      (default ":memory:")
 *
 * Prints:
 *   blue
 *   map[colour:blue]
 *   smtp.example.com:587
 */
#include <stdio.h>
#include <stdlib.h>
#include <store.h>

static int fail(const char *what, store_status status) {
    fprintf(stderr, "%s failed: %s: %s\n", what, store_status_str(status), store_last_error());
    return 1;
}

int main(int argc, char **argv) {
    const char *path = argc > 1 ? argv[1] : ":memory:";
    if (store_abi_version() != STORE_ABI_VERSION) {
        fprintf(stderr, "libstore ABI %u does not match store.h (%u)\n", store_abi_version(), STORE_ABI_VERSION);
        return 1;
    }

    store_options options;
    store_options_init(&options, sizeof options);
    options.purge_interval_ms = 30 * 1000;

    store_db *db = NULL;
    store_status st = store_open(STORE_STR(path), &options, &db);
    if (st != STORE_OK) return fail("open", st);
    store_kv *kv = store_db_kv(db);

    /* Store "blue" under config/colour and read it back. */
    if ((st = store_set(kv, STORE_STR("config"), STORE_STR("colour"), STORE_STR("blue"))) != STORE_OK)
        return fail("set", st);
    store_bytes colour = {0};
    if ((st = store_get(kv, STORE_STR("config"), STORE_STR("colour"), &colour)) != STORE_OK)
        return fail("get", st);
    printf("%.*s\n", (int)colour.len, (const char *)colour.ptr);
    store_bytes_free(&colour);

    /* A session token that expires after 24 hours. */
    if ((st = store_set_with_ttl(kv, STORE_STR("session"), STORE_STR("token"), STORE_STR("abc123"),
                                 24LL * 60 * 60 * 1000)) != STORE_OK)
        return fail("set with ttl", st);

    /* Read config back as a map, printed the way Go prints map[string]string. */
    store_pairs entries = {0};
    if ((st = store_get_all(kv, STORE_STR("config"), &entries)) != STORE_OK) return fail("get all", st);
    printf("map[");
    for (size_t i = 0; i < entries.len; i++) {
        printf("%s%.*s:%.*s", i ? " " : "", (int)entries.items[i].key.len, (const char *)entries.items[i].key.ptr,
               (int)entries.items[i].value.len, (const char *)entries.items[i].value.ptr);
    }
    printf("]\n");
    store_pairs_free(&entries);

    /* Render the mail host and port. */
    if ((st = store_set(kv, STORE_STR("mail"), STORE_STR("host"), STORE_STR("smtp.example.com"))) != STORE_OK ||
        (st = store_set(kv, STORE_STR("mail"), STORE_STR("port"), STORE_STR("587"))) != STORE_OK)
        return fail("set mail", st);
    store_bytes rendered = {0};
    if ((st = store_render(kv, STORE_STR("{{ .host }}:{{ .port }}"), STORE_STR("mail"), &rendered)) != STORE_OK)
        return fail("render", st);
    printf("%s\n", (const char *)rendered.ptr);
    store_bytes_free(&rendered);

    st = store_close(db);
    store_free(db);
    return st == STORE_OK ? 0 : fail("close", st);
}
