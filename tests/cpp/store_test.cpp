// Tests of the C++ wrapper (bindings/c/store.hpp), run under ASan and UBSan.
// Each CHECK prints what failed; the program exits non-zero on any failure.

#include "check.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

using namespace std::chrono_literals;
using namespace std::string_literals;

static std::vector<std::string> keys(const std::vector<std::pair<std::string, std::string>> &rows) {
    std::vector<std::string> out;
    for (auto &r : rows) out.push_back(r.first);
    return out;
}

static void test_crud() {
    auto db = store::db::open(":memory:");
    CHECK(!db.exists("config", "colour"), "absent before set");
    db.set("config", "colour", "blue");
    CHECK(db.get("config", "colour") == "blue", "get after set");
    db.set("config", "colour", "red");
    CHECK(db.get("config", "colour") == "red", "overwrite");
    CHECK(db.count("config") == 1, "count");
    CHECK(db.group_exists("config") && !db.group_exists("Config"), "group exists is case-sensitive");
    CHECK(db.try_get("config", "missing") == std::nullopt, "try_get misses");
    CHECK(db.try_get("config", "colour") == std::optional<std::string>("red"), "try_get finds");
    expect_error(STORE_NOT_FOUND, [&] { db.get("config", "missing"); }, "get missing", "config/missing");
    db.del("config", "colour");
    db.del("config", "colour");
    CHECK(!db.exists("config", "colour"), "deleted");
    db.set("g", "a", "1");
    db.set("h", "b", "2");
    db.delete_group("g");
    CHECK(db.count_all() == 1, "delete group leaves other groups");
    db.set("h", "empty", "");
    CHECK(db.get("h", "empty").empty(), "empty value");
}

static void test_ttl() {
    auto db = store::db::open(":memory:");
    db.set_with_ttl("s", "short", "x", 100ms);
    db.set_with_ttl("s", "neg", "x", -1ms);
    db.set_with_ttl("s", "long", "x", 1h);
    CHECK(db.exists("s", "short") && !db.exists("s", "neg"), "live and already expired");
    std::this_thread::sleep_for(250ms);
    expect_error(STORE_NOT_FOUND, [&] { db.get("s", "short"); }, "expired get");
    CHECK(db.count("s") == 1, "only the long row counts");
    CHECK(db.purge_expired() == 1, "purge removes the remaining expired row");
}

static void test_prefix_order_binary() {
    auto db = store::db::open(":memory:");
    db.set("Tenant-A:x", "k", "1");
    db.set("tenant-a:y", "k", "2");
    db.set("tenant-a%", "k", "3");
    CHECK(db.count_all("Tenant-A") == 1, "upper-case prefix");
    CHECK(db.count_all("tenant-a") == 2, "lower-case prefix");
    CHECK(db.count_all("tenant-a%") == 1, "percent is literal");
    CHECK((db.groups("tenant") == std::vector<std::string>{"tenant-a%", "tenant-a:y"}), "groups ascending by prefix");
    db.delete_prefix("tenant-a");
    CHECK(db.groups() == std::vector<std::string>{"Tenant-A:x"}, "delete prefix is case-sensitive");

    for (auto k : {"b", "a", "B", "aa", "\xc3\xa9", "1"}) db.set("o", k, k);
    std::vector<std::string> sorted{"1", "B", "a", "aa", "b", "\xc3\xa9"};
    CHECK(keys(db.get_all("o")) == sorted, "bytewise key order");
    CHECK((keys(db.get_page("o", 2, 2)) == std::vector<std::string>{"a", "aa"}), "page");
    expect_error(STORE_INVALID_ARGUMENT, [&] { db.get_page("o", -1, 1); }, "negative offset");

    const std::string group("bin\0g"s), key("\0k\xff"s), value("\0\xc3\x28\0"s);
    db.set(group, key, value);
    CHECK(db.get(group, key) == value, "binary round-trip");
    CHECK(!db.exists("bin", key), "group not cut at NUL");
    CHECK(!db.exists(group, std::string_view("\0k", 2)), "key not cut");
    auto rows = db.get_all(group);
    CHECK(rows.size() == 1 && rows[0].first == key && rows[0].second == value, "binary get_all");
    CHECK(db.groups(std::string_view("bin\0", 4)) == std::vector<std::string>{group}, "binary prefix");
}

static void test_helpers() {
    auto db = store::db::open(":memory:");
    db.set("l", "csv", "a,b,,c");
    db.set("l", "words", " one  two\tthree ");
    CHECK((db.get_split("l", "csv", ",") == std::vector<std::string>{"a", "b", "", "c"}), "split");
    CHECK((db.get_fields("l", "words") == std::vector<std::string>{"one", "two", "three"}), "fields");
    db.set("mail", "host", "smtp.example.com");
    db.set("mail", "port", "587");
    CHECK(db.render("{{ .host }}:{{ .port }}", "mail") == "smtp.example.com:587", "render");
    CHECK(db.render("{{ .nope }}", "mail") == "<no value>", "missing variable");
    expect_error(STORE_TEMPLATE, [&] { db.render("{{ .host ", "mail"); }, "broken template");
    expect_error(STORE_NOT_FOUND, [&] { db.get_fields("l", "missing"); }, "fields of missing key");
}

static void test_iteration() {
    auto db = store::db::open(":memory:");
    char key[8];
    for (int i = 0; i < 600; i++) {
        std::snprintf(key, sizeof key, "%04d", i);
        db.set("big", key, key);
    }
    std::vector<std::string> seen;
    for (auto &[k, v] : db.iterate("big")) {
        CHECK(k == v, "value follows key");
        seen.push_back(k);
        db.set("copy", k, v);  // writes inside the loop must not deadlock
        if (k == "0100") db.del("big", "0500");
    }
    CHECK(seen.size() == 599, "each row once, minus the one deleted ahead");
    CHECK(std::is_sorted(seen.begin(), seen.end()), "key order");
    CHECK(db.count("copy") == 599, "loop writes landed");

    auto it = db.iterate("big");
    std::string k, v;
    CHECK(it.next(k, v) && k == "0000", "manual next");
    db.close();
    expect_error(STORE_CLOSED, [&] { while (it.next(k, v)) {} }, "iterator after close");
    expect_error(STORE_CLOSED, [&] { for (auto &row : db.iterate("big")) (void)row; }, "iterate on a closed store");
}

static void test_closed_and_moved() {
    auto db = store::db::open(":memory:");
    auto sc = db.scoped("tenant");
    db.close();
    db.close();
    CHECK(db.is_closed(), "closed");
    expect_error(STORE_CLOSED, [&] { db.get("g", "k"); }, "get after close", "closed");
    expect_error(STORE_CLOSED, [&] { db.set("g", "k", "v"); }, "set after close");
    expect_error(STORE_CLOSED, [&] { sc.set("g", "k", "v"); }, "scope after close");
    expect_error(STORE_CLOSED, [&] { db.begin(); }, "begin after close");
    auto w = db.open_watch("*");
    expect_error(STORE_CLOSED, [&] { w.next(0ms); }, "watch on a closed store");

    auto a = store::db::open(":memory:");
    a.set("g", "k", "v");
    store::db b = std::move(a);
    CHECK(b.get("g", "k") == "v", "moved-to store works");
    expect_error(STORE_INVALID_ARGUMENT, [&] { a.get("g", "k"); }, "moved-from store");
    static_assert(!std::is_copy_constructible_v<store::db>, "db is move-only");
    static_assert(!std::is_copy_constructible_v<store::txn>, "txn is move-only");
    static_assert(!std::is_copy_constructible_v<store::watch>, "watch is move-only");
    static_assert(!std::is_copy_constructible_v<store::subscription>, "subscription is move-only");

    expect_error(STORE_INVALID_ARGUMENT, [&] { b.scoped("bad ns"); }, "invalid namespace");
    store::quota negative{-1, 0, 0};
    expect_error(STORE_INVALID_ARGUMENT, [&] { b.scoped("ok", negative); }, "negative quota");
    store::options bad;
    bad.purge_interval = -5ms;
    expect_error(STORE_INVALID_ARGUMENT, [&] { store::db::open(":memory:", bad); }, "negative purge interval");
    expect_error(STORE_INVALID_ARGUMENT, [&] { store::db::open("bad\xff" "path"); }, "path not UTF-8");
}

static void test_scopes() {
    auto db = store::db::open(":memory:");
    auto a = db.scoped("tenant-a");
    auto b = db.scoped("tenant-b", store::quota{2, 0, 0});
    CHECK(a.name() == "tenant-a", "namespace");
    a.set("prefs", "locale", "en-GB");
    b.set("prefs", "locale", "fr-FR");
    CHECK(a.get("prefs", "locale") == "en-GB" && b.get("prefs", "locale") == "fr-FR", "isolated");
    CHECK(db.get("tenant-a:prefs", "locale") == "en-GB", "stored under ns:group");
    CHECK(a.groups() == std::vector<std::string>{"prefs"}, "local group names");
    b.set("prefs", "k2", "v");
    expect_error(STORE_QUOTA_EXCEEDED, [&] { b.set("prefs", "k3", "v"); }, "quota", "quota exceeded");
    CHECK(!b.exists("prefs", "k3"), "nothing written past quota");
    auto u = b.usage();
    CHECK(u.keys == 2 && u.groups == 1 && u.bytes == 6 + 5 + 2 + 1, "usage");
    b.set_quota(store::quota{0, 0, 0});
    CHECK(b.get_quota().max_keys == 0, "quota updated");
    b.set("prefs", "k3", "v");
}

static void test_transactions() {
    store::options short_wait;
    short_wait.busy_timeout = 100ms;
    auto db = store::db::open(":memory:", short_wait);
    std::vector<std::string> events;
    auto sub = db.subscribe("*", [&](const store::event &e) { events.push_back(e.kind_name() + (":" + e.key)); });
    {
        auto t = db.begin();
        t.set("g", "a", "1");
        t.set("g", "b", "2");
        CHECK(t.get("g", "a") == "1", "reads own writes");
        CHECK(events.empty(), "no events before commit");
        expect_error(STORE_BUSY, [&] { db.set("g", "c", "3"); }, "store write behind an open transaction",
                     "a transaction is open on another handle; gave up after 100 ms");
        t.commit();
        expect_error(STORE_CLOSED, [&] { t.commit(); }, "second commit");
    }
    CHECK((events == std::vector<std::string>{"set:a", "set:b"}), "events after commit, in order");
    {
        auto t = db.begin();
        t.set("g", "rolled", "x");
        t.rollback();
    }
    {
        auto t = db.begin();
        t.set("g", "dropped", "x");  // destructor rolls back
    }
    CHECK(!db.exists("g", "rolled") && !db.exists("g", "dropped"), "rollback and destructor");
    bool threw = false;
    try {
        db.transaction([](store::txn &t) {
            t.set("g", "body", "x");
            throw std::runtime_error("boom");
        });
    } catch (const std::runtime_error &e) {
        threw = std::string(e.what()) == "boom";
    }
    CHECK(threw && !db.exists("g", "body"), "transaction body exception rolls back");
    db.transaction([](store::txn &t) { t.set("g", "body", "y"); });
    CHECK(db.get("g", "body") == "y", "transaction body commits");
    CHECK(events.size() == 3, "no events from rolled-back work");

    auto sc = db.scoped("t", store::quota{1, 0, 0});
    auto t = sc.begin();
    t.set("g", "k", "v");
    CHECK(t.usage().keys == 1, "scoped txn usage counts pending writes");
    expect_error(STORE_QUOTA_EXCEEDED, [&] { t.set("g", "k2", "v"); }, "scoped txn quota");
    t.commit();
}

static void test_callbacks() {
    auto db = store::db::open(":memory:");
    auto counter = std::make_shared<int>(0);
    std::vector<store::event> seen;
    {
        auto sub = db.subscribe("in", [&db, &seen, counter](const store::event &e) {
            seen.push_back(e);
            db.set("out", e.key, db.get(e.group, e.key) + "!");  // call back into the store
        });
        CHECK(counter.use_count() == 2, "the library holds the callback");
        db.set("in", "k", "v");
        db.set("other", "k", "v");
        CHECK(seen.size() == 1 && seen[0].kind == STORE_EVENT_SET && seen[0].value == "v", "filtered event");
        CHECK(db.get("out", "k") == "v!", "callback wrote through the store");
    }
    CHECK(counter.use_count() == 1, "unsubscribe released the std::function");
    db.set("in", "k2", "v");
    CHECK(seen.size() == 1, "no delivery after unsubscribe");

    int errors = 0;
    auto bad = db.subscribe("*", [](const store::event &) { throw std::runtime_error("callback failure"); },
                            [&](std::exception_ptr) { errors++; });
    db.set("g", "k", "v");
    CHECK(db.get("g", "k") == "v", "writer unaffected by a throwing callback");
    CHECK(bad.failures() == 1 && errors == 1, "callback exception counted and reported");

    auto held = std::make_shared<int>(0);
    auto kept = db.subscribe("*", [held](const store::event &) {});
    db.close();
    CHECK(held.use_count() == 1, "store close released the callback");
    kept.reset();
}

static void test_watch() {
    auto db = store::db::open(":memory:");
    auto w = db.open_watch("config");
    auto start = std::chrono::steady_clock::now();
    CHECK(!w.next(100ms).has_value(), "timeout");
    CHECK(std::chrono::steady_clock::now() - start >= 90ms, "waited for the timeout");
    db.set("config", "a", "1");
    db.set("x", "b", "2");
    auto e = w.next(0ms);
    CHECK(e && e->key == "a" && e->value == "1" && e->group == "config", "first event");
    CHECK(!w.next(0ms), "filtered");
    std::thread writer([&] {
        std::this_thread::sleep_for(50ms);
        db.set("config", "late", "x");
    });
    e = w.next(5000ms);
    writer.join();
    CHECK(e && e->key == "late", "blocking read woken by a writer thread");
    std::thread closer([&] {
        std::this_thread::sleep_for(50ms);
        w.close();
    });
    expect_error(STORE_CLOSED, [&] { w.next(-1ms); }, "close wakes a blocked reader");
    closer.join();

    auto small = db.open_watch("*", 2);
    for (int i = 0; i < 5; i++) db.set("d", std::to_string(i), "v");
    CHECK(small.dropped() == 3, "dropped count");
}

static void test_threads() {
    auto db = store::db::open(":memory:");
    auto sc = db.scoped("shared");
    std::atomic<int> errors{0}, events{0};
    auto sub = db.subscribe("*", [&](const store::event &) { events++; });
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; t++) {
        threads.emplace_back([&, t] {
            try {
                std::string group = "w" + std::to_string(t);
                for (int i = 0; i < 200; i++) {
                    std::string k = std::to_string(i);
                    db.set(group, k, k);
                    if (db.get(group, k) != k) errors++;
                    sc.set("all", group + k, "x");
                }
            } catch (const std::exception &e) {
                std::fprintf(stderr, "thread %d: %s\n", t, e.what());
                errors++;
            }
        });
    }
    for (auto &th : threads) th.join();
    CHECK(errors == 0, "no errors in threads");
    CHECK(db.count_all("w") == 800, "all writes landed");
    CHECK(sc.count("all") == 800, "scoped writes landed");
    CHECK(events == 1600, "one event per write");
}

// A transaction belongs to its handle: written and committed from other
// threads; events carry consecutive sequence numbers in commit order.
static void test_transaction_handle_and_sequence() {
    auto db = store::db::open(":memory:");
    std::vector<uint64_t> seqs;
    auto sub = db.subscribe("*", [&](const store::event &e) { seqs.push_back(e.seq); });
    auto t = db.begin();
    t.set("g", "here", "v");
    std::thread([&] { t.set("g", "there", "v"); }).join();
    std::thread([&] { t.commit(); }).join();
    CHECK(db.count("g") == 2, "writes from two threads committed");
    db.set("g", "after", "v");
    CHECK((seqs == std::vector<uint64_t>{1, 2, 3}), "sequence numbers in commit order");
}

static void test_journal() {
    auto d = store::db::open(":memory:");
    std::string entry = d.commit_to_journal("cpu", R"({"load":0.5})", R"({"host":"a"})");
    CHECK(entry.find("\"bucket\":\"store\"") != std::string::npos, "entry bucket");
    d.commit_to_journal("mem");
    CHECK(d.query_journal(R"(from(bucket: "store") |> filter(fn: (r) => r.host == "a"))").find("\"cpu\"") != std::string::npos,
          "flux filter");
    CHECK(d.query_journal("SELECT COUNT(*) AS n FROM journal_entries") == R"([{"n":2}])", "raw count");
    expect_error(STORE_QUERY, [&] { d.query_journal(R"(from(bucket: "store") |> group())"); }, "unsupported flux",
                 "unsupported function `group()`");
    expect_error(STORE_INVALID_ARGUMENT, [&] { d.commit_to_journal(""); }, "empty measurement", "measurement is empty");
    {
        auto t = d.begin();
        t.commit_to_journal("rolled-back");
        t.rollback();
    }
    CHECK(d.query_journal("").find("rolled-back") == std::string::npos, "journal row rolled back");
    expect_error(STORE_INVALID_ARGUMENT, [&] { d.compact({}); }, "missing cutoff", "before cutoff time is empty");
    std::string dir = "/tmp/store-cpp-compact-" + std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
    std::string path = d.compact({std::chrono::system_clock::now() + 1min, dir, "zstd", 0ms});
    CHECK(path.find(".jsonl.zst") != std::string::npos, "archive path");
    CHECK(d.query_journal("") == "[]", "archived rows hidden");
    CHECK(d.compact({std::chrono::system_clock::now() + 1min, dir, "", 0ms}).empty(), "nothing left");
    std::remove(path.c_str());
    std::remove(dir.c_str());
}

int main() {
    if (store_abi_version() != STORE_ABI_VERSION) {
        std::fprintf(stderr, "ABI mismatch\n");
        return 1;
    }
    struct {
        const char *name;
        void (*run)();
    } tests[] = {
        {"crud", test_crud},
        {"ttl", test_ttl},
        {"prefix, order, binary", test_prefix_order_binary},
        {"split, fields, render", test_helpers},
        {"iteration while writing", test_iteration},
        {"closed and moved-from handles", test_closed_and_moved},
        {"scopes and quotas", test_scopes},
        {"transactions", test_transactions},
        {"transaction handle across threads, sequence numbers", test_transaction_handle_and_sequence},
        {"callbacks", test_callbacks},
        {"watch", test_watch},
        {"4 threads", test_threads},
        {"journal and compaction", test_journal},
    };
    for (auto &t : tests) {
        int before = failures;
        try {
            t.run();
        } catch (const std::exception &e) {
            failures++;
            std::fprintf(stderr, "FAILED: %s threw: %s\n", t.name, e.what());
        }
        std::printf("%s %s\n", failures == before ? "ok  " : "FAIL", t.name);
        std::fflush(stdout);
    }
    std::printf("%d checks, %d failed\n", checks, failures);
    return failures == 0 ? 0 : 1;
}
