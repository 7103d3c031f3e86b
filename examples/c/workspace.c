/*
 * A workspace from C: put a few entries, aggregate them, export them as
 * JSON lines, import a CSV file, commit the counts to the journal and read
 * the summary the commit left in the store.
 *
 *   workspace <directory>     writes store.db, state/, entries.jsonl, findings.csv
 */
#include <stdio.h>
#include <string.h>

#include <store.h>

#define S(s) STORE_STR(s)

static int fail(const char *what, store_status st) {
    fprintf(stderr, "%s: %s: %s\n", what, store_status_str(st), store_last_error());
    return 1;
}

static int write_text(const char *path, const char *text) {
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    size_t n = fwrite(text, 1, strlen(text), f);
    return fclose(f) == 0 && n == strlen(text) ? 0 : -1;
}

static long count_lines(const char *path) {
    FILE *f = fopen(path, "rb");
    long n = 0;
    int c;
    if (!f) return -1;
    while ((c = fgetc(f)) != EOF) n += c == '\n';
    fclose(f);
    return n;
}

int main(int argc, char **argv) {
    char db_path[4096], state[4096], jsonl[4096], csv[4096];
    store_options options;
    store_db *db = NULL;
    store_workspace *ws = NULL;
    store_bytes json = {0};
    store_status st;
    if (argc != 2) {
        fprintf(stderr, "usage: %s <directory>\n", argv[0]);
        return 2;
    }
    snprintf(db_path, sizeof db_path, "%s/store.db", argv[1]);
    snprintf(state, sizeof state, "%s/state", argv[1]);
    snprintf(jsonl, sizeof jsonl, "%s/entries.jsonl", argv[1]);
    snprintf(csv, sizeof csv, "%s/findings.csv", argv[1]);

    store_options_init(&options, sizeof options);
    options.workspace_state_directory.ptr = (const uint8_t *)state;
    options.workspace_state_directory.len = strlen(state);
    if ((st = store_open(S(db_path), &options, &db)) != STORE_OK) return fail("open", st);
    if ((st = store_workspace_new(db, S("reviews"), &ws)) != STORE_OK) return fail("new workspace", st);

    const char *entries[][2] = {
        {"like", "{\"user\":\"@alice\"}"},
        {"like", "{\"user\":\"@bob\"}"},
        {"profile_match", "{\"user\":\"@carol\"}"},
    };
    for (size_t i = 0; i < sizeof entries / sizeof entries[0]; i++)
        if ((st = store_workspace_put(ws, S(entries[i][0]), S(entries[i][1]))) != STORE_OK) return fail("put", st);
    if ((st = store_workspace_aggregate(ws, &json)) != STORE_OK) return fail("aggregate", st);
    printf("aggregate: %.*s\n", (int)json.len, (const char *)json.ptr);
    store_bytes_free(&json);

    /* NULL medium: the local filesystem. */
    if ((st = store_workspace_export(ws, NULL, S(jsonl))) != STORE_OK) return fail("export", st);
    printf("exported %ld entries to entries.jsonl\n", count_lines(jsonl));

    if (write_text(csv, "tool,severity\ngosec,high\ngolint,low\n") != 0) {
        perror(csv);
        return 1;
    }
    if ((st = store_workspace_import(ws, NULL, S(csv))) != STORE_OK) return fail("import", st);
    if ((st = store_workspace_aggregate(ws, &json)) != STORE_OK) return fail("aggregate", st);
    printf("imported findings.csv: %.*s\n", (int)json.len, (const char *)json.ptr);
    store_bytes_free(&json);

    if ((st = store_workspace_commit(ws, &json)) != STORE_OK) return fail("commit", st);
    printf("committed: %.*s\n", (int)json.len, (const char *)json.ptr);
    store_bytes_free(&json);
    if ((st = store_get(store_db_kv(db), S("workspace:reviews"), S("summary"), &json)) != STORE_OK)
        return fail("get summary", st);
    printf("summary: %.*s\n", (int)json.len, (const char *)json.ptr);
    store_bytes_free(&json);

    store_workspace_free(ws);
    if ((st = store_close(db)) != STORE_OK) return fail("close", st);
    store_free(db);
    return 0;
}
