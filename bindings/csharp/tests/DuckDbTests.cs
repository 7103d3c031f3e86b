// The DuckDB analytics handle from C#: seed 003's flow, typed rows, the
// scoring helpers, Parquet, training export and the error paths.

using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Dappco.Store;

namespace Dappco.Store.Tests
{
    internal static class DuckDbTests
    {
        public static void Register(Runner r)
        {
            r.Add("duckdb: seed 003 flow", Seed003Flow);
            r.Add("duckdb: typed rows and scalars", TypedRows);
            r.Add("duckdb: open modes and closed handles", OpenModes);
            r.Add("duckdb: extensions refused, clear errors", Safety);
            r.Add("duckdb: training JSONL export", TrainingExport);
        }

        private static string TempDir()
        {
            string dir = Path.Combine(Path.GetTempPath(), "store-duck-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(dir);
            return dir;
        }

        private static void Seed003Flow()
        {
            string dir = TempDir();
            try
            {
                using (DuckDb ws = DuckDb.OpenReadWrite(Path.Combine(dir, "workspace.duckdb")))
                {
                    ws.EnsureScoringTables();
                    ws.Exec("INSERT INTO " + DuckDb.TableCheckpointScores + " (model, run_id, label, accuracy) VALUES (?, ?, ?, ?), (?, ?, ?, ?)",
                        "m1", "run", "a", 0.9, "m2", "run", "b", 0.4);
                    DuckRows rows = ws.QueryRows("SELECT model, accuracy FROM " + DuckDb.TableCheckpointScores + " WHERE accuracy > ?", 0.8);
                    Assert.Equal(1, rows.Rows.Count, "rows above 0.8");
                    Assert.Equal("m1", (string)rows.RowMap(0)["model"], "model");
                    Assert.Equal(0.9, (double)rows.Rows[0][1], "accuracy");
                    Assert.Equal(2L, ws.ExportParquet(Path.Combine(dir, "scores.parquet"), DuckDb.TableCheckpointScores), "export rows");
                    Assert.True(File.Exists(Path.Combine(dir, "scores.parquet")), "file written");
                    Assert.Equal(2L, ws.ExportSplitParquet(Path.Combine(dir, "shards"), DuckDb.TableCheckpointScores, "model", ParquetCompression.Snappy),
                        "split rows");
                    Assert.Sequence(new[] { "model=m1", "model=m2" },
                        Directory.GetDirectories(Path.Combine(dir, "shards")).Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal), "partitions");
                    Assert.Equal(2L, ws.ImportParquet("back", Path.Combine(dir, "shards")), "import rows");
                    ws.WriteScoringResult("m1", "p", "suite", "dim", 0.5);
                    Dictionary<string, long> counts = ws.TableCounts();
                    Assert.Equal(2L, counts[DuckDb.TableCheckpointScores], "checkpoint count");
                    Assert.Equal(1L, counts["scoring_results"], "scoring count");
                    Assert.True(!counts.ContainsKey("golden_set"), "missing tables left out");
                }
            }
            finally
            {
                Directory.Delete(dir, true);
            }
        }

        private static void TypedRows()
        {
            using (DuckDb db = DuckDb.OpenReadWrite(":memory:"))
            {
                DuckRows rows = db.QueryRows("SELECT 1::INTEGER i, 2.5 d, 'x' s, true b, NULL n, [1, 2] l, {'k': 'v'} st, " +
                    "TIMESTAMP '2026-12-07 09:37:55' ts, 12.50::DECIMAL(5,2) amount");
                Assert.Sequence(new[] { "INTEGER", "DECIMAL(2,1)", "VARCHAR", "BOOLEAN", "INTEGER", "INTEGER[]", "STRUCT(k VARCHAR)", "TIMESTAMP", "DECIMAL(5,2)" },
                    rows.Types, "types");
                object[] r = rows.Rows[0];
                Assert.Equal(1L, (long)r[0], "int");
                Assert.Equal(2.5, (double)r[1], "decimal as double");
                Assert.Equal("x", (string)r[2], "text");
                Assert.Equal(true, (bool)r[3], "bool");
                Assert.True(r[4] == null, "null");
                Assert.Sequence(new object[] { 1L, 2L }, (List<object>)r[5], "list");
                Assert.Equal("v", (string)((Dictionary<string, object>)r[6])["k"], "struct");
                Assert.Equal("2026-12-07 09:37:55", (string)r[7], "timestamp text");
                Assert.Equal(42L, (long)db.QueryScalar("SELECT 40 + ?", 2), "scalar");
                Assert.Equal("a\"b", (string)db.QueryScalar("SELECT ?", "a\"b"), "string argument");
                Assert.Fails<StoreNotFoundException>(StoreStatus.NotFound, "no rows", () => db.QueryScalar("SELECT 1 WHERE false"), "no row");
                Assert.True(db.QueryJson("SELECT 1 AS x").Contains("\"rows\":[[1]]"), "raw JSON");
            }
        }

        private static void OpenModes()
        {
            string dir = TempDir();
            try
            {
                string path = Path.Combine(dir, "a.duckdb");
                Assert.Fails<StoreIOException>(StoreStatus.IO, "store.OpenDuckDB", () => DuckDb.Open(path), "missing file read-only");
                DuckDb rw = DuckDb.OpenReadWrite(path);
                rw.Exec("CREATE TABLE t (i INTEGER)");
                Assert.Equal(1L, rw.Exec("INSERT INTO t VALUES (?)", 1), "rows changed");
                rw.Close();
                Assert.Fails<StoreClosedException>(StoreStatus.Closed, "closed", () => rw.Exec("SELECT 1"), "after close");
                rw.Dispose();
                Assert.Throws<StoreClosedException>(() => rw.Exec("SELECT 1"), "after dispose");
                using (DuckDb ro = DuckDb.Open(path))
                {
                    Assert.Fails<StoreQueryException>(StoreStatus.Query, "read-only", () => ro.Exec("INSERT INTO t VALUES (2)"), "read-only write");
                    Assert.Equal(path, ro.Path, "path");
                }
            }
            finally
            {
                Directory.Delete(dir, true);
            }
        }

        private static void Safety()
        {
            using (DuckDb db = DuckDb.OpenReadWrite(":memory:"))
            {
                Assert.Fails<StoreQueryException>(StoreStatus.Query, "extensions is disabled", () => db.Exec("INSTALL httpfs"), "install");
                Assert.Fails<StoreQueryException>(StoreStatus.Query, "httpfs", () => db.QueryRows("SELECT * FROM 'http://127.0.0.1:9/x.parquet'"), "http");
                Assert.Fails<StoreQueryException>(StoreStatus.Query, "nope", () => db.QueryRows("SELECT * FROM nope"), "missing table");
                Assert.Throws<StoreInvalidArgumentException>(() => db.Exec("SELECT ?", new object()), "unsupported argument");
                Assert.Throws<ArgumentNullException>(() => db.Exec(null), "null sql");
                Assert.Fails<StoreIOException>(StoreStatus.IO, "does not exist",
                    () => db.ExportParquet("/nonexistent-store-dir/x.parquet", "SELECT 1"), "bad path");
            }
        }

        private static void TrainingExport()
        {
            string dir = TempDir();
            try
            {
                File.WriteAllText(Path.Combine(dir, "train.jsonl"),
                    "{\"messages\":[{\"role\":\"user\",\"content\":\"q\"},{\"role\":\"assistant\",\"content\":\"a\"}]}\n");
                string output = Path.Combine(dir, "out");
                Assert.Equal(1L, DuckDb.ExportTrainingParquet(dir, output), "rows");
                Assert.True(File.Exists(Path.Combine(output, "train.parquet")), "train.parquet");
                Assert.Equal(1L, DuckDb.ExportTrainingSplitParquet(Path.Combine(dir, "train.jsonl"), output, "valid"), "split rows");
                Assert.Fails<StoreInvalidArgumentException>(StoreStatus.InvalidArgument, "no train.jsonl",
                    () => DuckDb.ExportTrainingParquet(output, output), "no splits");
            }
            finally
            {
                Directory.Delete(dir, true);
            }
        }
    }
}
