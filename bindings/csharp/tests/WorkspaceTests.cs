// Workspaces from C#: put, count, aggregate, query, commit into the journal
// and summary, close and recovery, and the error paths.

using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using Dappco.Store;

namespace Dappco.Store.Tests
{
    internal static class WorkspaceTests
    {
        public static void Register(Runner r)
        {
            r.Add("workspace: put, aggregate, query, commit", PutAndCommit);
            r.Add("workspace: close, recover, errors", CloseAndRecover);
            r.Add("workspace: orphans found at open outlive the state directory", ScanAtOpen);
            r.Add("workspace: import and export", ImportExport);
        }

        private static Store OpenIn(string dir)
        {
            return Store.Open(new StoreOptions
            {
                DatabasePath = Path.Combine(dir, "store.db"),
                WorkspaceStateDirectory = Path.Combine(dir, "state"),
            });
        }

        private static string TempDir()
        {
            string dir = Path.Combine(Path.GetTempPath(), "store-ws-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(dir);
            return dir;
        }

        private static void PutAndCommit()
        {
            string dir = TempDir();
            try
            {
                using (Store store = OpenIn(dir))
                using (Workspace ws = Workspace.Create(store, "scores"))
                {
                    Assert.Equal("scores", ws.Name, "name");
                    Assert.Equal(Path.Combine(dir, "state", "scores.duckdb"), ws.DatabasePath, "path");
                    ws.Put("like", "{\"user\":\"@alice\"}");
                    ws.Put("like", "");
                    ws.Put("profile_match", "{\"score\":0.5}");
                    Assert.Equal(3L, ws.Count(), "count");
                    Assert.Equal(2L, ws.Aggregate()["like"], "aggregate like");
                    DuckRows rows = ws.Query("SELECT kind, count(*) AS n FROM entries GROUP BY 1 ORDER BY 1");
                    Assert.Equal(2L, (long)rows.RowMap(0)["n"], "query count");
                    Dictionary<string, long> done = ws.Commit();
                    Assert.Equal(1L, done["profile_match"], "commit result");
                    Assert.True(!File.Exists(ws.DatabasePath), "file removed");
                    Assert.Equal("{\"like\":2,\"profile_match\":1}", store.Get("workspace:scores", "summary"), "summary");
                    Assert.Fails<StoreClosedException>(StoreStatus.Closed, "workspace is closed", () => ws.Put("like", "{}"), "put after commit");
                }
            }
            finally
            {
                Directory.Delete(dir, true);
            }
        }

        private static void ImportExport()
        {
            string dir = TempDir();
            try
            {
                using (Store store = OpenIn(dir))
                using (Workspace ws = Workspace.Create(store, "io"))
                {
                    var medium = new MemoryMedium();
                    medium.Write("data.jsonl", Encoding.UTF8.GetBytes("{\"user\":\"@alice\"}\n{\"user\":\"@bob\"}\n"));
                    ws.Import("data.jsonl", medium);
                    medium.Write("notes.csv", Encoding.UTF8.GetBytes("name,note\nAlice,\"hello\nworld\"\n"));
                    ws.Import("notes.csv", medium);
                    Assert.Equal(2L, ws.Aggregate()["data"], "jsonl rows");
                    Assert.Equal(1L, ws.Aggregate()["notes"], "csv rows");

                    // All or nothing: a bad third line adds none of the lines.
                    medium.Write("bad.jsonl", Encoding.UTF8.GetBytes("{\"a\":1}\n{\"a\":2}\n{\"a\":\n"));
                    Assert.Fails<StoreInvalidArgumentException>(StoreStatus.InvalidArgument, "parse jsonl line 3",
                        () => ws.Import("bad.jsonl", medium), "bad line");
                    Assert.Equal(3L, ws.Count(), "count unchanged");
                    Assert.Fails<StoreIOException>(StoreStatus.IO, "read from medium",
                        () => ws.Import("ghost.jsonl", medium), "missing file");

                    ws.Export("report.json", medium);
                    Assert.Equal("{\"data\":2,\"notes\":1}", Encoding.UTF8.GetString(medium.Get("report.json")), "aggregate export");
                    // The local filesystem when no medium is given.
                    string csv = Path.Combine(dir, "out", "entries.csv");
                    ws.Export(csv);
                    Assert.True(File.ReadAllText(csv).StartsWith("entry_kind,entry_data,created_at\ndata,"), "csv export");

                    medium.Write("keep.json", Encoding.UTF8.GetBytes("{\"previous\":true}"));
                    ws.Close();
                    Assert.Fails<StoreClosedException>(StoreStatus.Closed, "aggregate workspace",
                        () => ws.Export("keep.json", medium), "closed workspace");
                    Assert.Equal("{\"previous\":true}", Encoding.UTF8.GetString(medium.Get("keep.json")), "old file kept");
                    Assert.Fails<StoreInvalidArgumentException>(StoreStatus.InvalidArgument, "path is empty",
                        () => ws.Export("", medium), "empty path");
                }
            }
            finally
            {
                Directory.Delete(dir, true);
            }
        }

        private static void ScanAtOpen()
        {
            string dir = TempDir();
            try
            {
                using (Store store = OpenIn(dir))
                using (Workspace ws = Workspace.Create(store, "left"))
                {
                    ws.Put("row", "{}");
                    ws.Put("row", "{}");
                    ws.Close();
                }
                using (Store store = OpenIn(dir))
                {
                    Workspace.WaitForOrphanScan(store);
                    Directory.Delete(Path.Combine(dir, "state"), true);
                    List<Workspace> orphans = Workspace.RecoverOrphans(store);
                    Assert.Equal(1, orphans.Count, "one orphan from the scan");
                    Assert.Equal("left", orphans[0].Name, "orphan name");
                    Assert.Equal(2L, orphans[0].Aggregate()["row"], "aggregate kept by the scan");
                    foreach (Workspace o in orphans)
                        o.Dispose();
                }
            }
            finally
            {
                Directory.Delete(dir, true);
            }
        }

        private static void CloseAndRecover()
        {
            string dir = TempDir();
            try
            {
                using (Store store = OpenIn(dir))
                {
                    using (Workspace ws = Workspace.Create(store, "kept"))
                    {
                        ws.Put("row", "{\"i\":1}");
                        ws.Close();
                        Assert.True(File.Exists(ws.DatabasePath), "close keeps the file");
                    }
                    Assert.Fails<StoreInvalidArgumentException>(StoreStatus.InvalidArgument, "path separator",
                        () => Workspace.Create(store, "a/b"), "bad name");
                    Assert.Fails<StoreInvalidArgumentException>(StoreStatus.InvalidArgument, "already exists",
                        () => Workspace.Create(store, "kept"), "existing file");
                    List<Workspace> orphans = Workspace.RecoverOrphans(store);
                    Assert.Equal(1, orphans.Count, "one orphan");
                    Assert.Equal("kept", orphans[0].Name, "orphan name");
                    Assert.Equal(1L, orphans[0].Aggregate()["row"], "orphan aggregate");
                    using (Workspace ws = Workspace.Create(store, "bad"))
                        Assert.Fails<StoreQueryException>(StoreStatus.Query, "read-only",
                            () => ws.Query("DELETE FROM workspace_entries"), "write refused");
                    orphans[0].Discard();
                    orphans[0].Dispose();
                    Assert.True(!File.Exists(Path.Combine(dir, "state", "kept.duckdb")), "discard deletes");
                }
            }
            finally
            {
                Directory.Delete(dir, true);
            }
        }
    }
}
