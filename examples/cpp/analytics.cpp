// Seed 003's analytics flow with the C++ wrapper: open a DuckDB workspace,
// ensure the scoring tables, insert, query, export, split export.
//
//   analytics <directory>

#include <store.hpp>

#include <iostream>

int main(int argc, char **argv) {
    if (argc != 2) {
        std::cerr << "usage: " << argv[0] << " <directory>\n";
        return 2;
    }
    const std::string dir = argv[1];
    try {
        auto ws = store::duckdb::open_read_write(dir + "/workspace.duckdb");
        ws.ensure_scoring_tables();
        ws.exec("INSERT INTO checkpoint_scores (model, run_id, label, accuracy) VALUES (?, ?, ?, ?), (?, ?, ?, ?)",
                R"(["model-a", "run-1", "step-100", 0.91, "model-b", "run-1", "step-200", 0.42])");
        std::cout << ws.query_json("SELECT model, accuracy FROM checkpoint_scores WHERE accuracy > ? ORDER BY model", "[0.8]")
                  << "\n";
        std::cout << "exported " << ws.export_parquet(dir + "/scores.parquet", "checkpoint_scores")
                  << " rows to scores.parquet\n";
        std::cout << "exported " << ws.export_split_parquet(dir + "/shards", "checkpoint_scores", "model")
                  << " rows to shards/model=*/\n";
    } catch (const store::error &e) {
        std::cerr << e.status_name() << ": " << e.what() << "\n";
        return 1;
    }
    return 0;
}
