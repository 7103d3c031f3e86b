/*
 * go-store's ImportAll through the C ABI: the sized config, the copy
 * callbacks (remote specs, user_data, error messages in the WARNING line,
 * ignored failures), the output callback, the all-or-nothing transaction
 * and argument errors. Run plain and under ASan/UBSan.
 */
#include "check.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#define S(s) STORE_STR(s)
#define SLICE(s) ((store_slice){(const uint8_t *)(s), strlen(s)})

/* What the callbacks saw. */
typedef struct seen {
    char out[8192];
    size_t out_len;
    int scp_calls;
    int scp_dir_calls;
    char first_remote[256];
    char first_local[512];
    char last_dir_remote[256];
    const char *data_dir;
} seen;

static void on_write(void *user_data, const uint8_t *text, size_t len) {
    seen *s = user_data;
    if (s->out_len + len < sizeof s->out) {
        memcpy(s->out + s->out_len, text, len);
        s->out_len += len;
        s->out[s->out_len] = '\0';
    }
}

static void write_file(const char *path, const char *text) {
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

/* Fails the golden set with a message; "pulls" training/train.jsonl; fails everything else silently. */
static int on_scp(void *user_data, const uint8_t *remote, size_t remote_len, const uint8_t *local, size_t local_len,
                  store_import_call *call) {
    seen *s = user_data;
    if (s->scp_calls++ == 0) {
        snprintf(s->first_remote, sizeof s->first_remote, "%.*s", (int)remote_len, (const char *)remote);
        snprintf(s->first_local, sizeof s->first_local, "%.*s", (int)local_len, (const char *)local);
        store_import_call_set_error(call, S("host unreachable"));
        return 1;
    }
    /* The texts are NUL-terminated too. */
    if (strcmp((const char *)remote, "lab:/Volumes/Data/lem/training/train.jsonl") == 0) {
        write_file((const char *)local, "{\"messages\":[{\"role\":\"user\",\"content\":\"q\"},{\"role\":\"assistant\",\"content\":\"a\"}]}\n");
        return 0;
    }
    return 2;
}

static int on_scp_dir(void *user_data, const uint8_t *remote, size_t remote_len, const uint8_t *local, size_t local_len,
                      store_import_call *call) {
    (void)local;
    (void)local_len;
    (void)call;
    seen *s = user_data;
    s->scp_dir_calls++;
    snprintf(s->last_dir_remote, sizeof s->last_dir_remote, "%.*s", (int)remote_len, (const char *)remote);
    return 0;
}

static void make_dir(const char *name, char *out, size_t cap) {
    check_path(out, cap, name);
    mkdir(out, 0700);
}

static void copies_and_output(void) {
    char dir[512], dbpath[512], want[600];
    make_dir("copies", dir, sizeof dir);
    check_path(dbpath, sizeof dbpath, "copies.duckdb");
    store_duckdb *db = NULL;
    CHECK_OK(store_duckdb_open_read_write(S(dbpath), &db));

    store_import_config config;
    CHECK_OK(store_import_config_init(&config, sizeof config));
    CHECK_INT(config.struct_size, sizeof config);
    CHECK(!config.skip_m3 && config.scp == NULL && config.m3_host.len == 0);
    config.data_dir = SLICE(dir);
    config.m3_host = SLICE("lab");
    config.scp = on_scp;
    config.scp_dir = on_scp_dir;
    seen s = {0};
    CHECK_OK(store_duckdb_import_all(db, &config, on_write, &s));

    CHECK(strcmp(s.first_remote, "lab:/Volumes/Data/lem/responses/gold-15k.jsonl") == 0);
    snprintf(want, sizeof want, "%s/gold-15k.jsonl", dir);
    CHECK(strcmp(s.first_local, want) == 0);
    CHECK_INT(s.scp_calls, 1 + 32 + 4 + 6);
    CHECK_INT(s.scp_dir_calls, 4);
    CHECK(strcmp(s.last_dir_remote, "lab:/Volumes/Data/lem/benchmarks/deepseek-r1-7b/") == 0);
    CHECK(check_contains(s.out, "  Pulling golden set from M3...\n  WARNING: could not pull golden set from M3: host unreachable\n"));
    CHECK(check_contains(s.out, "  training_examples: 1 rows\n"));
    CHECK(check_contains(s.out, "  training_examples                1\n  benchmark_results                0\n"));
    snprintf(want, sizeof want, "\nDatabase: %s\n", dbpath);
    CHECK(check_contains(s.out, want));

    store_bytes v = {0};
    CHECK_OK(store_duckdb_query_scalar(db, S("SELECT split || ':' || prompt FROM training_examples"), NULL, 0, &v));
    CHECK_BYTES(v.ptr, v.len, "\"train:q\"");
    store_bytes_free(&v);
    CHECK_OK(store_duckdb_close(db));
    store_duckdb_free(db);
}

static void bad_line_rolls_back(void) {
    char dir[512], sub[600], file[700], dbpath[512];
    make_dir("rollback", dir, sizeof dir);
    snprintf(sub, sizeof sub, "%s/benchmarks", dir);
    mkdir(sub, 0700);
    snprintf(file, sizeof file, "%s/toxigen.jsonl", sub);
    write_file(file, "{\"id\":1}\n");
    check_path(dbpath, sizeof dbpath, "rollback.duckdb");
    store_duckdb *db = NULL;
    CHECK_OK(store_duckdb_open_read_write(S(dbpath), &db));

    store_import_config config;
    CHECK_OK(store_import_config_init(&config, sizeof config));
    config.skip_m3 = true;
    config.data_dir = SLICE(dir);
    /* A NULL writer discards the output. */
    CHECK_OK(store_duckdb_import_all(db, &config, NULL, NULL));

    write_file(file, "{\"id\":2}\n{\"id\":3}\nnot json\n");
    seen s = {0};
    CHECK_ERR(store_duckdb_import_all(db, &config, on_write, &s), STORE_INVALID_ARGUMENT,
              "store.ImportAll: import benchmark questions ");
    CHECK(check_contains(store_last_error(), "toxigen.jsonl line 3: "));
    CHECK(!check_contains(s.out, "rows"));
    store_bytes v = {0};
    CHECK_OK(store_duckdb_query_scalar(db, S("SELECT string_agg(id, ',') FROM benchmark_questions"), NULL, 0, &v));
    CHECK_BYTES(v.ptr, v.len, "\"1\"");
    store_bytes_free(&v);
    store_duckdb_free(db);
}

static void argument_errors(void) {
    store_import_config config;
    CHECK_ERR(store_import_config_init(NULL, sizeof config), STORE_INVALID_ARGUMENT, "config");
    CHECK_ERR(store_import_config_init(&config, 4), STORE_INVALID_ARGUMENT, "store_import_config");
    CHECK_OK(store_import_config_init(&config, sizeof config));
    CHECK_ERR(store_duckdb_import_all(NULL, &config, NULL, NULL), STORE_INVALID_ARGUMENT, "duckdb handle is NULL");

    store_duckdb *db = NULL;
    CHECK_OK(store_duckdb_open_read_write(S(":memory:"), &db));
    config.skip_m3 = true;
    config.data_dir = (store_slice){(const uint8_t *)"\xff", 1};
    CHECK_ERR(store_duckdb_import_all(db, &config, NULL, NULL), STORE_INVALID_ARGUMENT, "config.data_dir");
    config.struct_size = 3;
    CHECK_ERR(store_duckdb_import_all(db, &config, NULL, NULL), STORE_INVALID_ARGUMENT, "struct_size");
    CHECK_ERR(store_import_call_set_error(NULL, S("x")), STORE_INVALID_ARGUMENT, "NULL");
    CHECK_OK(store_duckdb_close(db));
    CHECK_OK(store_import_config_init(&config, sizeof config));
    config.skip_m3 = true;
    CHECK_ERR(store_duckdb_import_all(db, &config, NULL, NULL), STORE_CLOSED, "store.ImportAll");
    store_duckdb_free(db);
}

int main(int argc, char **argv) {
    static const check_test tests[] = {
        TEST(copies_and_output),
        TEST(bad_line_rolls_back),
        TEST(argument_errors),
    };
    return check_run("duck_import", tests, sizeof tests / sizeof tests[0], argc, argv);
}
