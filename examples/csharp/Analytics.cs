// Seed 003's analytics flow from C#: open a DuckDB workspace, ensure the
// scoring tables, insert, query, export, split export.
//
//   mono Analytics.exe <directory>

using System;
using System.IO;
using Dappco.Store;

internal static class Analytics
{
    private static int Main(string[] args)
    {
        if (args.Length != 1)
        {
            Console.Error.WriteLine("usage: Analytics.exe <directory>");
            return 2;
        }
        string dir = args[0];
        using (DuckDb ws = DuckDb.OpenReadWrite(Path.Combine(dir, "workspace.duckdb")))
        {
            ws.EnsureScoringTables();
            ws.Exec("INSERT INTO checkpoint_scores (model, run_id, label, accuracy) VALUES (?, ?, ?, ?), (?, ?, ?, ?)",
                "model-a", "run-1", "step-100", 0.91, "model-b", "run-1", "step-200", 0.42);
            Console.WriteLine(ws.QueryJson("SELECT model, accuracy FROM checkpoint_scores WHERE accuracy > ? ORDER BY model", 0.8));
            long rows = ws.ExportParquet(Path.Combine(dir, "scores.parquet"), DuckDb.TableCheckpointScores);
            Console.WriteLine("exported " + rows + " rows to scores.parquet");
            rows = ws.ExportSplitParquet(Path.Combine(dir, "shards"), DuckDb.TableCheckpointScores, "model");
            Console.WriteLine("exported " + rows + " rows to shards/model=*/");
        }
        return 0;
    }
}
