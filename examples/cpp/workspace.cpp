// A workspace with the C++ wrapper: put a few entries, aggregate them,
// export them as JSON lines, import a CSV file, commit the counts to the
// journal and read the summary the commit left in the store.
//
//   workspace <directory>

#include <store.hpp>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <iterator>

int main(int argc, char **argv) {
    if (argc != 2) {
        std::cerr << "usage: " << argv[0] << " <directory>\n";
        return 2;
    }
    const std::string dir = argv[1];
    try {
        store::options opts;
        opts.workspace_state_directory = dir + "/state";
        auto db = store::db::open(dir + "/store.db", opts);
        auto ws = store::workspace::create(db, "reviews");
        ws.put("like", R"({"user":"@alice"})");
        ws.put("like", R"({"user":"@bob"})");
        ws.put("profile_match", R"({"user":"@carol"})");
        std::cout << "aggregate: " << ws.aggregate_json() << "\n";

        // No medium: the local filesystem.
        ws.export_to(dir + "/entries.jsonl");
        std::ifstream exported(dir + "/entries.jsonl");
        std::cout << "exported "
                  << std::count(std::istreambuf_iterator<char>(exported), std::istreambuf_iterator<char>(), '\n')
                  << " entries to entries.jsonl\n";

        std::ofstream(dir + "/findings.csv") << "tool,severity\ngosec,high\ngolint,low\n";
        ws.import_from(dir + "/findings.csv");
        std::cout << "imported findings.csv: " << ws.aggregate_json() << "\n";

        std::cout << "committed: " << ws.commit() << "\n";
        std::cout << "summary: " << db.get("workspace:reviews", "summary") << "\n";
    } catch (const store::error &e) {
        std::cerr << e.status_name() << ": " << e.what() << "\n";
        return 1;
    }
    return 0;
}
