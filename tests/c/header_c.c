/*
 * The public header compiles as strict C99 and tolerates being included
 * twice; the declarations link against the library and agree with it.
 */
#include <store.h>
#include <store.h>

#include <stdio.h>
#include <string.h>

int main(void) {
    char expected[32];
    store_options options;
    /* The initialisers name every field: -Wextra fails here if one is stale. */
    store_quota quota = STORE_QUOTA_INIT;
    store_usage usage = STORE_USAGE_INIT;
    store_event event = STORE_EVENT_INIT;
    snprintf(expected, sizeof expected, "%d.%d.%d", STORE_VERSION_MAJOR, STORE_VERSION_MINOR, STORE_VERSION_PATCH);
    store_options_init(&options, sizeof options);
    if (strcmp(store_version(), expected) != 0 || store_version_number() != STORE_VERSION_NUMBER ||
        store_abi_version() != STORE_ABI_VERSION || options.struct_size != sizeof(store_options) ||
        quota.struct_size != sizeof quota || usage.struct_size != sizeof usage || event.struct_size != sizeof event ||
        STORE_OPTIONS_SIZE_V1 > sizeof options || STORE_QUOTA_SIZE_V1 > sizeof quota ||
        STORE_USAGE_SIZE_V1 > sizeof usage || STORE_EVENT_SIZE_V1 > sizeof event) {
        fprintf(stderr, "header_c: header and library disagree (library %s, header %s)\n", store_version(), expected);
        return 1;
    }
    puts("[pass] header/c99");
    return 0;
}
