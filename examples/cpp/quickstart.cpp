// go-store's Quick Start in C++ (bindings/c/store.hpp).
//
//   quickstart [DATABASE]      (default ":memory:")
//
// Prints:
//   blue
//   map[colour:blue]
//   smtp.example.com:587

#include <store.hpp>

#include <chrono>
#include <cstdio>
#include <iostream>

using namespace std::chrono_literals;

int main(int argc, char **argv) try {
    // Open a file for persistence, or use ":memory:" for ephemeral data.
    store::options options;
    options.purge_interval = 30s;
    auto db = store::db::open(argc > 1 ? argv[1] : ":memory:", options);

    // Store "blue" under config/colour and read it back.
    db.set("config", "colour", "blue");
    std::cout << db.get("config", "colour") << "\n";

    // Store a session token that expires after 24 hours.
    db.set_with_ttl("session", "token", "abc123", 24h);

    // Read config back, printed the way Go prints a map[string]string.
    std::cout << "map[";
    const char *sep = "";
    for (auto &[key, value] : db.get_all("config")) {
        std::cout << sep << key << ":" << value;
        sep = " ";
    }
    std::cout << "]\n";

    // Render the mail host and port into smtp.example.com:587.
    db.set("mail", "host", "smtp.example.com");
    db.set("mail", "port", "587");
    std::cout << db.render("{{ .host }}:{{ .port }}", "mail") << "\n";

    // Store tenant-42 preferences under the tenant-42: namespace prefix.
    db.scoped("tenant-42").set("preferences", "locale", "en-GB");

    // Cap tenant-99 at 100 keys and 5 groups; a write past the limit throws
    // store::error with status STORE_QUOTA_EXCEEDED.
    db.scoped("tenant-99", store::quota{100, 5, 0}).set("g", "k", "v");

    // Watch "config" changes, and register a synchronous callback for the same
    // mutations. Nothing changes after this point, so neither prints.
    auto events = db.open_watch("config");
    auto subscription = db.subscribe("*", [](const store::event &e) {
        std::cout << "changed " << e.group << " " << e.key << " " << e.value << "\n";
    });
    while (auto e = events.next(0ms)) std::cout << "event " << e->kind_name() << " " << e->key << "\n";
    return 0;
} catch (const store::error &e) {
    std::fprintf(stderr, "%s: %s\n", e.status_name(), e.what());
    return 1;
}
