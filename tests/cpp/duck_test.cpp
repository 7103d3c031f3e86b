// Tests of the C++ DuckDB wrapper (store::duckdb in bindings/c/store.hpp),
// run under ASan and UBSan. Exits non-zero on any failure.

#include "check.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

static bool exists(const std::string &path) {
    struct stat st;
    return stat(path.c_str(), &st) == 0;
}

int main() {
    char tmpl[] = "/tmp/store-duck-cpp-XXXXXX";
    const std::string dir = mkdtemp(tmpl);
    {
        auto ws = store::duckdb::open_read_write(dir + "/workspace.duckdb");
        ws.ensure_scoring_tables();
        CHECK(ws.exec("INSERT INTO probe_results (model, run_id, label, probe_id, passed) VALUES (?, ?, ?, ?, ?), "
                      "(?, ?, ?, ?, ?)",
                      R"(["m1", "r", "l", "p1", true, "m2", "r", "l", "p2", false])") == 2,
              "insert two rows");
        CHECK(ws.query_json("SELECT model FROM probe_results WHERE passed = ?", "[true]") ==
                  R"({"columns":[{"name":"model","type":"VARCHAR"}],"rows":[["m1"]]})",
              "query rows as JSON");
        CHECK(ws.query_scalar("SELECT count(*) FROM probe_results") == "2", "scalar");
        CHECK(ws.export_parquet(dir + "/probes.parquet", "probe_results") == 2, "export rows");
        CHECK(exists(dir + "/probes.parquet"), "export file");
        CHECK(ws.export_split_parquet(dir + "/shards", "probe_results", "model", store::parquet_compression::gzip) == 2,
              "split rows");
        CHECK(exists(dir + "/shards/model=m1") && exists(dir + "/shards/model=m2"), "partitions");
        CHECK(ws.import_parquet("back", dir + "/shards") == 2, "import rows");
        ws.write_scoring_result("m1", "p1", "suite", "dim", 0.5);
        CHECK(ws.table_counts_json() == R"({"checkpoint_scores":0,"probe_results":2,"scoring_results":1})", "counts");
        expect_error(STORE_NOT_FOUND, [&] { ws.query_scalar("SELECT 1 WHERE false"); }, "no row", "no rows");
        expect_error(STORE_QUERY, [&] { ws.exec("INSTALL httpfs"); }, "install refused", "extensions is disabled");
        expect_error(STORE_QUERY, [&] { ws.query_json("SELECT * FROM missing_table"); }, "missing table", "missing_table");
        expect_error(STORE_INVALID_ARGUMENT, [&] { ws.exec("SELECT ?", "[1,"); }, "bad params", "invalid JSON");
        ws.close();
        expect_error(STORE_CLOSED, [&] { ws.exec("SELECT 1"); }, "closed", "closed");
    }
    expect_error(STORE_IO, [&] { store::duckdb::open(dir + "/missing.duckdb"); }, "missing read-only", "OpenDuckDB");
    {
        auto ro = store::duckdb::open(dir + "/workspace.duckdb");
        expect_error(STORE_QUERY, [&] { ro.exec("DELETE FROM probe_results"); }, "read-only", "read-only");
    }
    std::string cmd = "rm -rf '" + dir + "'";
    if (std::system(cmd.c_str()) != 0) std::fprintf(stderr, "could not remove %s\n", dir.c_str());
    std::printf("duck C++: %d checks, %d failed\n", checks, failures);
    return failures == 0 ? 0 : 1;
}
