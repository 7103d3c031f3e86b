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
    snprintf(expected, sizeof expected, "%d.%d.%d", STORE_VERSION_MAJOR, STORE_VERSION_MINOR, STORE_VERSION_PATCH);
    store_options_init(&options);
    if (strcmp(store_version(), expected) != 0 || store_version_number() != STORE_VERSION_NUMBER ||
        store_abi_version() != STORE_ABI_VERSION || options.struct_size != sizeof(store_options)) {
        fprintf(stderr, "header_c: header and library disagree (library %s, header %s)\n", store_version(), expected);
        return 1;
    }
    puts("[pass] header/c99");
    return 0;
}
