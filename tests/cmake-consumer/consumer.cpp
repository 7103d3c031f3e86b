// The same program through the installed C++ wrapper (store.hpp).
#include <store.hpp>

#include <iostream>

int main() try {
    auto db = store::db::open(":memory:");
    db.set("config", "colour", "blue");
    std::cout << db.get("config", "colour") << "\n";
    db.set("mail", "host", "smtp.example.com");
    db.set("mail", "port", "587");
    std::cout << db.render("{{ .host }}:{{ .port }}", "mail") << "\n";
    return 0;
} catch (const store::error &e) {
    std::cerr << e.status_name() << ": " << e.what() << "\n";
    return 1;
}
