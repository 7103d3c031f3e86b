// Tests of the C++ workspace wrapper (store::workspace in bindings/c/store.hpp),
// run under ASan and UBSan. Exits non-zero on any failure.

#include "check.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

static void write_file(const std::string &path, const std::string &content) {
    std::ofstream(path, std::ios::binary) << content;
}

static std::string read_file(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

static bool exists(const std::string &path) {
    struct stat st;
    return stat(path.c_str(), &st) == 0;
}

int main() {
    char tmpl[] = "/tmp/store-ws-cpp-XXXXXX";
    const std::string dir = mkdtemp(tmpl);
    store::options opts;
    opts.workspace_state_directory = dir + "/state";
    {
        auto db = store::db::open(dir + "/store.db", opts);
        {
            auto ws = store::workspace::create(db, "scores");
            CHECK(ws.name() == "scores", "name");
            CHECK(ws.database_path() == dir + "/state/scores.duckdb", "path");
            CHECK(exists(ws.database_path()), "file created");
            ws.put("like", R"({"user":"@alice"})");
            ws.put("like");
            ws.put("profile_match", R"({"score":0.5})");
            CHECK(ws.count() == 3, "count");
            CHECK(ws.aggregate_json() == R"({"like":2,"profile_match":1})", "aggregate");
            CHECK(ws.query_json("SELECT count(*) AS n FROM entries") ==
                      R"({"columns":[{"name":"n","type":"BIGINT"}],"rows":[[3]]})",
                  "query");
            expect_error(STORE_QUERY, [&] { ws.query_json("DELETE FROM workspace_entries"); }, "write refused", "read-only");
            expect_error(STORE_INVALID_ARGUMENT, [&] { ws.put("", "{}"); }, "empty kind", "kind is empty");
            CHECK(ws.commit() == R"({"like":2,"profile_match":1})", "commit");
            CHECK(!exists(dir + "/state/scores.duckdb"), "file removed");
            CHECK(db.get("workspace:scores", "summary") == R"({"like":2,"profile_match":1})", "summary");
            expect_error(STORE_CLOSED, [&] { ws.put("like"); }, "after commit", "workspace is closed");
        }
        {
            auto kept = store::workspace::create(db, "kept");
            kept.put("row", R"({"i":1})");
            kept.close();
        }
        expect_error(STORE_INVALID_ARGUMENT, [&] { store::workspace::create(db, "kept"); }, "exists", "already exists");
        auto orphans = store::workspace::recover_orphans(db);
        CHECK(orphans.size() == 1, "one orphan");
        if (orphans.size() == 1) {
            CHECK(orphans[0].name() == "kept", "orphan name");
            CHECK(orphans[0].aggregate_json() == R"({"row":1})", "orphan aggregate");
            orphans[0].discard();
            CHECK(!exists(dir + "/state/kept.duckdb"), "discarded");
        }
    }
    {
        // Orphans found by the scan at open outlive the state directory.
        {
            auto db = store::db::open(dir + "/store.db", opts);
            auto left = store::workspace::create(db, "left");
            left.put("row");
            left.close();
        }
        auto db = store::db::open(dir + "/store.db", opts);
        store::workspace::wait_for_orphan_scan(db);
        std::string rm_state = "rm -rf '" + dir + "/state'";
        CHECK(std::system(rm_state.c_str()) == 0, "state directory removed");
        auto orphans = store::workspace::recover_orphans(db);
        CHECK(orphans.size() == 1, "orphan from the scan");
        if (orphans.size() == 1) CHECK(orphans[0].aggregate_json() == R"({"row":1})", "aggregate kept by the scan");
    }
    {
        // Import and export on the local filesystem (no medium).
        auto db = store::db::open(dir + "/io.db", opts);
        auto ws = store::workspace::create(db, "io");
        write_file(dir + "/data.jsonl", "{\"user\":\"@alice\"}\n{\"user\":\"@bob\"}\n");
        ws.import_from(dir + "/data.jsonl");
        write_file(dir + "/notes.csv", "name,note\nAlice,\"two\nlines\"\n");
        ws.import_from(dir + "/notes.csv");
        CHECK(ws.aggregate_json() == R"({"data":2,"notes":1})", "imported");
        write_file(dir + "/bad.jsonl", "{\"a\":1}\n{\"a\":2}\n{\"a\":\n");
        expect_error(STORE_INVALID_ARGUMENT, [&] { ws.import_from(dir + "/bad.jsonl"); }, "bad line", "parse jsonl line 3");
        CHECK(ws.count() == 3, "a bad line adds nothing");
        expect_error(STORE_IO, [&] { ws.import_from(dir + "/ghost.jsonl"); }, "missing file", "read from medium");
        ws.export_to(dir + "/out/report.json");
        CHECK(read_file(dir + "/out/report.json") == R"({"data":2,"notes":1})", "exported aggregate");
        ws.export_to(dir + "/out/entries.csv");
        CHECK(read_file(dir + "/out/entries.csv").rfind("entry_kind,entry_data,created_at\ndata,", 0) == 0, "exported csv");
        ws.close();
        expect_error(STORE_CLOSED, [&] { ws.export_to(dir + "/out/report.json"); }, "closed", "aggregate workspace");
        CHECK(read_file(dir + "/out/report.json") == R"({"data":2,"notes":1})", "old file kept");
    }
    std::string cmd = "rm -rf '" + dir + "'";
    if (std::system(cmd.c_str()) != 0) std::fprintf(stderr, "could not remove %s\n", dir.c_str());
    std::printf("workspace C++: %d checks, %d failed\n", checks, failures);
    return failures == 0 ? 0 : 1;
}
