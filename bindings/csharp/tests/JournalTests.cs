// The journal and compaction through the C# binding.

using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using Dappco.Store;

namespace Dappco.Store.Tests
{
    internal static class JournalTests
    {
        public static void Register(Runner r)
        {
            r.Add("journal commit and query", CommitAndQuery);
            r.Add("journal rows follow the transaction", InTransaction);
            r.Add("journal refuses unsupported queries", Refusals);
            r.Add("compact archives old rows", Compact);
        }

        private static void CommitAndQuery()
        {
            using (Store s = Program.Memory())
            {
                string entry = s.CommitToJournal("session-a", "{\"like\":4}", new Dictionary<string, string> { { "workspace", "session-a" } });
                Assert.True(entry.Contains("\"bucket\":\"store\""), "entry bucket: " + entry);
                Assert.True(entry.Contains("\"fields\":{\"like\":4}"), "entry fields: " + entry);
                Assert.True(entry.Contains("\"committed_at\":"), "entry time: " + entry);
                s.CommitToJournal("session-b", null, new Dictionary<string, string> { { "workspace", "quote\"d" } });
                string rows = s.QueryJournal("from(bucket: \"store\") |> range(start: -1h) |> filter(fn: (r) => r.workspace == \"quote\\\"d\")");
                Assert.True(rows.Contains("\"measurement\":\"session-b\"") && !rows.Contains("session-a"), "flux rows: " + rows);
                Assert.Equal("[{\"n\":2}]", s.QueryJournal("SELECT COUNT(*) AS n FROM journal_entries"), "raw SQL");
                List<Dictionary<string, object>> typed = s.QueryJournalRows("");
                Assert.Equal(2, typed.Count, "typed rows");
                Assert.Equal("session-a", (string)typed[0]["measurement"], "typed measurement");
                var fields = (Dictionary<string, object>)typed[0]["fields"];
                Assert.Equal(4L, (long)fields["like"], "typed field value");
                var tags = (Dictionary<string, object>)typed[1]["tags"];
                Assert.Equal("quote\"d", (string)tags["workspace"], "typed tag value");
                Assert.True(typed[0]["committed_at"] is long, "committed_at is a long");
                Assert.Fails<StoreInvalidArgumentException>(StoreStatus.InvalidArgument, "measurement is empty",
                    () => s.CommitToJournal("", "{}"), "empty measurement");
                Assert.Fails<StoreInvalidArgumentException>(StoreStatus.InvalidArgument, "marshal fields",
                    () => s.CommitToJournal("m", "[1]"), "fields not an object");
            }
        }

        private static void InTransaction()
        {
            using (Store s = Program.Memory())
            {
                using (Transaction t = s.BeginTransaction())
                {
                    t.CommitToJournal("gone", "{}");
                    Assert.True(t.QueryJournal("").Contains("gone"), "visible inside");
                    t.Rollback();
                }
                Assert.Equal("[]", s.QueryJournal(""), "rolled back");
                using (Transaction t = s.BeginTransaction())
                {
                    t.CommitToJournal("kept", "{}");
                    t.Set("g", "k", "v");
                    t.Commit();
                }
                Assert.True(s.QueryJournal("").Contains("kept"), "committed");
                Assert.Equal("v", s.Get("g", "k"), "kv write beside it");
            }
        }

        private static void Refusals()
        {
            using (Store s = Program.Memory())
            {
                Assert.Fails<StoreQueryException>(StoreStatus.Query, "1:26: unsupported function `group()`",
                    () => s.QueryJournal("from(bucket: \"store\") |> group()"), "unsupported flux");
                Assert.Fails<StoreQueryException>(StoreStatus.Query, "exactly one statement",
                    () => s.QueryJournal("SELECT 1; DELETE FROM journal_entries"), "two statements");
                Assert.Fails<StoreQueryException>(StoreStatus.Query, "may change state",
                    () => s.QueryJournal("PRAGMA query_only=0"), "state-changing pragma");
            }
        }

        private static void Compact()
        {
            string dir = Path.Combine(Path.GetTempPath(), "store-cs-compact-" + Guid.NewGuid().ToString("N"));
            try
            {
                using (Store s = Program.Memory())
                {
                    s.CommitToJournal("old", "{\"n\":1}");
                    Thread.Sleep(5);
                    DateTimeOffset cutoff = DateTimeOffset.UtcNow;
                    Thread.Sleep(5);
                    s.CommitToJournal("new", "{\"n\":2}");
                    Assert.Fails<StoreInvalidArgumentException>(StoreStatus.InvalidArgument, "before cutoff time is empty",
                        () => new CompactOptions().Validate(), "missing cutoff");
                    Assert.Fails<StoreInvalidArgumentException>(StoreStatus.InvalidArgument, "format must be \"gzip\" or \"zstd\"; got lz4",
                        () => new CompactOptions { Before = cutoff, Format = "lz4" }.Validate(), "bad format");
                    string path = s.Compact(new CompactOptions { Before = cutoff, Output = dir, Format = "ZSTD" });
                    Assert.True(path.EndsWith(".jsonl.zst") && File.Exists(path), "archive path: " + path);
                    string rows = s.QueryJournal("");
                    Assert.True(rows.Contains("\"new\"") && !rows.Contains("\"old\""), "old row hidden: " + rows);
                    Assert.Equal("", s.Compact(new CompactOptions { Before = cutoff, Output = dir }), "nothing left to archive");
                }
            }
            finally
            {
                if (Directory.Exists(dir))
                    Directory.Delete(dir, true);
            }
        }
    }
}
