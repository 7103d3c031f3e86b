// Tests of store.hpp's media support: a C++ medium_interface holding the
// database (copied in at open, written back at close, go-store's failure
// handling) and export_line_protocol. Run under ASan and UBSan.

#include "check.hpp"

#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <string>

// An in-memory medium; writes can be made to fail.
class memory_medium : public store::medium_interface {
public:
    std::string read(const std::string &path) override {
        std::lock_guard<std::mutex> g(m_);
        auto it = files_.find(path);
        if (it == files_.end()) throw store::medium_not_found("no such file: " + path);
        return it->second;
    }
    void write(const std::string &path, std::string_view content) override {
        std::lock_guard<std::mutex> g(m_);
        writes++;
        if (fail_writes) throw std::runtime_error("remote storage unavailable");
        files_[path] = std::string(content);
    }
    bool exists(const std::string &path) override {
        std::lock_guard<std::mutex> g(m_);
        return files_.count(path) != 0;
    }
    void ensure_dir(const std::string &) override {}
    void delete_path(const std::string &path) override {
        std::lock_guard<std::mutex> g(m_);
        if (files_.erase(path) == 0) throw store::medium_not_found(path);
    }
    void rename(const std::string &a, const std::string &b) override {
        std::string content = read(a);
        std::lock_guard<std::mutex> g(m_);
        files_.erase(a);
        files_[b] = content;
    }

    bool fail_writes = false;
    int writes = 0;

private:
    std::mutex m_;
    std::map<std::string, std::string> files_;
};

static void test_persistence() {
    auto medium = std::make_shared<memory_medium>();
    {
        auto db = store::db::open("stores/app.db", medium);
        db.set("config", "colour", "blue");
        CHECK(!medium->exists("stores/app.db"), "nothing before close");
        db.close();
        CHECK(medium->read("stores/app.db").compare(0, 15, "SQLite format 3") == 0, "a SQLite file");
        CHECK(medium.use_count() == 2, "the store still shares the medium");
    }
    CHECK(medium.use_count() == 1, "released when the store is destroyed");
    auto again = store::db::open("stores/app.db", medium);
    CHECK(again.get("config", "colour") == "blue", "value after reopen");
}

static void test_write_back_failure() {
    auto medium = std::make_shared<memory_medium>();
    auto db = store::db::open("app.db", medium);
    db.set("g", "k", "v");
    medium->fail_writes = true;
    expect_error(STORE_IO, [&] { db.close(); }, "close with a failing medium", "store.Close: sync medium-backed database: remote storage unavailable");
    CHECK(!db.is_closed(), "still closing");
    expect_error(STORE_CLOSED, [&] { db.get("g", "k"); }, "get while closing", "store is closed");
    medium->fail_writes = false;
    db.close();
    CHECK(db.is_closed(), "closed after retry");
}

static void test_open_failure_releases() {
    auto medium = std::make_shared<memory_medium>();
    expect_error(STORE_INVALID_ARGUMENT, [&] { store::db::open("", medium); }, "empty path", "database path is empty");
    CHECK(medium.use_count() == 1, "released after a failed open");
    auto memory = store::db::open(":memory:", medium);
    memory.set("g", "k", "v");
    memory.close();
    CHECK(medium->writes == 0, ":memory: is not medium-backed");
}

static void test_line_protocol() {
    CHECK(store::export_line_protocol(R"([{"measurement":"m","tags":{"t":"a=b"},"fields":{"x":1.5},"committed_at":2}])") ==
              "m,t=a\\=b x=1.5 2000000\n",
          "line protocol");
    expect_error(STORE_INVALID_ARGUMENT, [] { store::export_line_protocol(R"([{"measurement":"m","fields":{}}])"); }, "row without fields", "no field");
}

int main() {
    test_persistence();
    test_write_back_failure();
    test_open_failure_releases();
    test_line_protocol();
    std::printf("%s media_test\n%d checks, %d failed\n", failures ? "FAIL" : "ok  ", checks, failures);
    return failures ? 1 : 0;
}
