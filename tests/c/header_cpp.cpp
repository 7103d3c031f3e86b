// The public header compiles as C++17 (extern "C" linkage, no C-only
// constructs) and tolerates being included twice.
#include <store.h>
#include <store.h>

#include <cstdio>
#include <string>

int main() {
    std::string expected = std::to_string(STORE_VERSION_MAJOR) + "." + std::to_string(STORE_VERSION_MINOR) + "." +
                           std::to_string(STORE_VERSION_PATCH);
    store_db *db = nullptr;
    store_status st = store_open(STORE_STR(":memory:"), nullptr, &db);
    bool ok = st == STORE_OK && expected == store_version() && store_abi_version() == STORE_ABI_VERSION;
    if (ok) {
        store_kv *kv = store_db_kv(db);
        store_bytes value{};
        ok = store_set(kv, STORE_STR("g"), STORE_STR("k"), STORE_STR("v")) == STORE_OK &&
             store_get(kv, STORE_STR("g"), STORE_STR("k"), &value) == STORE_OK &&
             std::string(reinterpret_cast<const char *>(value.ptr), value.len) == "v";
        store_bytes_free(&value);
    }
    store_free(db);
    // The initialiser macros are valid C++ aggregate initialisers too.
    store_quota quota = STORE_QUOTA_INIT;
    store_usage usage = STORE_USAGE_INIT;
    store_event event = STORE_EVENT_INIT;
    ok = ok && quota.struct_size == sizeof quota && usage.struct_size == sizeof usage &&
         event.struct_size == sizeof event && STORE_OPTIONS_SIZE_V1 <= sizeof(store_options);
    if (!ok) {
        std::fprintf(stderr, "header_cpp: failed: %s\n", store_last_error());
        return 1;
    }
    std::puts("[pass] header/c++17");
    return 0;
}
