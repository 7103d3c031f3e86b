// Key-value behaviour: CRUD, TTL, prefixes, ordering, binary data, helpers.

using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using Dappco.Store;

namespace Dappco.Store.Tests
{
    internal static class KvTests
    {
        public static void Register(Runner r)
        {
            r.Add("crud", Crud);
            r.Add("ttl expiry and purge", Ttl);
            r.Add("prefixes are case-sensitive", Prefixes);
            r.Add("rows come back in key order", Ordering);
            r.Add("binary keys and values with NUL bytes", Binary);
            r.Add("split, fields and render", Helpers);
            r.Add("iteration across pages while writing in the loop", IterateWhileWriting);
            r.Add("file store persists across reopen", Persistence);
        }

        private static void Crud()
        {
            using (Store s = Program.Memory())
            {
                Assert.True(!s.Exists("config", "colour"), "absent before set");
                s.Set("config", "colour", "blue");
                Assert.Equal("blue", s.Get("config", "colour"), "get after set");
                Assert.True(s.Exists("config", "colour"), "exists after set");
                Assert.True(s.GroupExists("config"), "group exists");
                Assert.True(!s.GroupExists("Config"), "group names are case-sensitive");
                s.Set("config", "colour", "red");
                Assert.Equal("red", s.Get("config", "colour"), "overwrite");
                Assert.Equal(1L, s.Count("config"), "count after overwrite");

                string value;
                Assert.True(s.TryGet("config", "colour", out value) && value == "red", "TryGet finds");
                Assert.True(!s.TryGet("config", "missing", out value) && value == null, "TryGet misses");

                var e = Assert.Fails<StoreNotFoundException>(StoreStatus.NotFound, "not found",
                    () => s.Get("config", "missing"), "get missing");
                Assert.True(e.Message.Contains("config/missing"), "message names group/key: " + e.Message);

                s.Delete("config", "colour");
                Assert.True(!s.Exists("config", "colour"), "gone after delete");
                s.Delete("config", "colour"); // a missing key is not an error
                Assert.Equal(0L, s.Count("config"), "count after delete");

                s.Set("g", "a", "1");
                s.Set("g", "b", "2");
                s.Set("h", "c", "3");
                Assert.Equal(3L, s.CountAll(), "count all");
                s.DeleteGroup("g");
                Assert.Equal(0L, s.Count("g"), "group deleted");
                Assert.Equal("3", s.Get("h", "c"), "other group untouched");
                Assert.Equal("", s.Render("", "h"), "empty template renders empty");
                s.Set("h", "empty", "");
                Assert.Equal("", s.Get("h", "empty"), "empty value round-trips");
            }
        }

        private static void Ttl()
        {
            using (Store s = Program.Memory())
            {
                s.SetWithTtl("session", "token", "abc123", TimeSpan.FromMilliseconds(150));
                Assert.Equal("abc123", s.Get("session", "token"), "live before expiry");
                s.SetWithTtl("session", "gone", "x", TimeSpan.FromMilliseconds(-1));
                Assert.True(!s.Exists("session", "gone"), "negative TTL stores an expired row");
                s.SetWithTtl("session", "long", "y", TimeSpan.FromHours(1));
                Thread.Sleep(300);
                Assert.True(!s.Exists("session", "token"), "expired row is not live");
                Assert.Throws<StoreNotFoundException>(() => s.Get("session", "token"), "get expired");
                Assert.Equal(1L, s.Count("session"), "only the long-lived row counts");
                s.SetWithTtl("purge", "a", "1", TimeSpan.Zero);
                s.SetWithTtl("purge", "b", "2", TimeSpan.Zero);
                // "gone", "a" and "b" are still stored (Exists never deletes); "token" was
                // deleted by the Get that found it expired.
                Assert.Equal(3L, s.PurgeExpired(), "purge removes the expired rows still stored");
                Assert.Equal(0L, s.PurgeExpired(), "second purge finds nothing");
                s.Set("session", "long", "z");
                Thread.Sleep(10);
                Assert.Equal("z", s.Get("session", "long"), "plain set clears the TTL");
            }
        }

        private static void Prefixes()
        {
            using (Store s = Program.Memory())
            {
                s.Set("Tenant-A:x", "k", "1");
                s.Set("tenant-a:y", "k", "2");
                s.Set("tenant-a:z", "k", "3");
                s.Set("tenant-b:z", "k", "4");
                Assert.Equal(1L, s.CountAll("Tenant-A"), "upper-case prefix");
                Assert.Equal(2L, s.CountAll("tenant-a"), "lower-case prefix");
                Assert.Equal(4L, s.CountAll(""), "empty prefix counts everything");
                Assert.Sequence(new[] { "tenant-a:y", "tenant-a:z" }, s.Groups("tenant-a"), "groups by prefix");
                Assert.Sequence(new[] { "Tenant-A:x", "tenant-a:y", "tenant-a:z", "tenant-b:z" }, s.Groups(), "all groups ascending");
                Assert.Equal(0L, s.CountAll("tenant-a%"), "LIKE wildcards are literal");
                Assert.Equal(0L, s.CountAll("tenant_a"), "underscore is literal");
                s.DeletePrefix("tenant-a");
                Assert.Sequence(new[] { "Tenant-A:x", "tenant-b:z" }, s.Groups(), "delete prefix is case-sensitive");
                s.DeletePrefix("");
                Assert.Equal(0L, s.CountAll(), "empty prefix deletes all");
            }
        }

        private static void Ordering()
        {
            using (Store s = Program.Memory())
            {
                string[] keys = { "b", "a", "B", "aa", "é", "1", "z" };
                foreach (string k in keys)
                    s.Set("g", k, "v" + k);
                // Bytewise UTF-8 order: digits < upper < lower < multi-byte.
                string[] sorted = { "1", "B", "a", "aa", "b", "z", "é" };
                Assert.Sequence(sorted, s.GetAll("g").Select(p => p.Key), "GetAll order");
                Assert.Sequence(sorted.Select(k => "v" + k), s.GetAll("g").Select(p => p.Value), "GetAll values follow keys");
                Assert.Sequence(new[] { "a", "aa" }, s.GetPage("g", 2, 2).Select(p => p.Key), "GetPage window");
                Assert.Equal(0, s.GetPage("g", 0, 0).Count, "limit 0 is empty");
                Assert.Equal(0, s.GetPage("g", 100, 5).Count, "offset past the end is empty");
                Assert.Fails<StoreInvalidArgumentException>(StoreStatus.InvalidArgument, "", () => s.GetPage("g", -1, 2), "negative offset");
                Assert.Fails<StoreInvalidArgumentException>(StoreStatus.InvalidArgument, "", () => s.GetPage("g", 0, -2), "negative limit");
                Assert.Sequence(sorted, s.Iterate("g").Select(p => p.Key), "Iterate order");
                Assert.Equal(0, s.GetAll("empty").Count, "GetAll of an empty group");
                Assert.Equal(0, s.Iterate("empty").Count(), "Iterate of an empty group");
            }
        }

        private static void Binary()
        {
            using (Store s = Program.Memory())
            {
                byte[] group = { 0x67, 0x00, 0xFF };
                byte[] key = { 0x00, 0x01, 0x00 };
                byte[] value = { 0xC3, 0x28, 0x00, 0xFE, 0x00 }; // invalid UTF-8 and NULs
                s.Set(group, key, value);
                Assert.Bytes(value, s.Get(group, key), "binary get");
                Assert.True(s.Exists(group, key), "binary exists");
                Assert.True(!s.Exists(group, new byte[] { 0x00, 0x01 }), "a shorter key is another key");
                Assert.True(!s.Exists(new byte[] { 0x67 }, key), "the NUL in the group is significant");
                s.Set(group, new byte[0], new byte[] { 0x00 });
                var rows = s.GetAll(group);
                Assert.Equal(2, rows.Count, "two binary rows");
                Assert.Bytes(new byte[0], rows[0].Key, "empty key sorts first");
                Assert.Bytes(key, rows[1].Key, "binary key in list");
                Assert.Bytes(value, rows[1].Value, "binary value in list");
                Assert.Bytes(value, s.Iterate(group).Last().Value, "binary value through the iterator");
                Assert.Bytes(group, s.Groups(new byte[] { 0x67, 0x00 }).Single(), "binary group prefix");
                Assert.Equal(2L, s.CountAll(new byte[] { 0x67, 0x00 }), "binary count all");

                s.Set("text", "nul\0key", "a\0b");
                Assert.Equal("a\0b", s.Get("text", "nul\0key"), "string with NUL round-trips");
                Assert.True(!s.Exists("text", "nul"), "string key is not cut at the NUL");
                s.Set("text", "k", "héllo ✓ 😀");
                Assert.Equal("héllo ✓ 😀", s.Get("text", "k"), "non-ASCII text");
                Assert.Bytes(Encoding.UTF8.GetBytes("héllo ✓ 😀"), s.Get(Encoding.UTF8.GetBytes("text"), Encoding.UTF8.GetBytes("k")), "strings are stored as UTF-8");
                s.Delete(group, key);
                Assert.True(!s.Exists(group, key), "binary delete");
                s.DeleteGroup(group);
                Assert.True(!s.GroupExists(group), "binary delete group");
            }
        }

        private static void Helpers()
        {
            using (Store s = Program.Memory())
            {
                s.Set("list", "csv", "a,b,,c");
                s.Set("list", "words", "  one two\tthree\n");
                Assert.Sequence(new[] { "a", "b", "", "c" }, s.GetSplit("list", "csv", ","), "split keeps empty items");
                Assert.Sequence(new[] { "o", "n", "e" }, Split(s, "one", ""), "empty separator splits characters");
                Assert.Sequence(new[] { "one", "two", "three" }, s.GetFields("list", "words"), "fields");
                Assert.Throws<StoreNotFoundException>(() => s.GetSplit("list", "missing", ","), "split of a missing key");
                Assert.Throws<StoreNotFoundException>(() => s.GetFields("list", "missing"), "fields of a missing key");

                s.Set("mail", "host", "smtp.example.com");
                s.Set("mail", "port", "587");
                Assert.Equal("smtp.example.com:587", s.Render("{{ .host }}:{{ .port }}", "mail"), "go-store template form");
                Assert.Equal("smtp.example.com:587", s.Render("{{ host }}:{{ port }}", "mail"), "minijinja form");
                Assert.Equal("<no value>", s.Render("{{ .nope }}", "mail"), "missing variable");
                Assert.Fails<StoreTemplateException>(StoreStatus.Template, "", () => s.Render("{{ .host ", "mail"), "broken template");
            }
        }

        private static List<string> Split(Store s, string value, string sep)
        {
            s.Set("list", "tmp", value);
            return s.GetSplit("list", "tmp", sep);
        }

        private static void IterateWhileWriting()
        {
            using (Store s = Program.Memory())
            {
                const int n = 600; // more than two native pages of 256 rows
                for (int i = 0; i < n; i++)
                    s.Set("big", i.ToString("D4"), "v" + i);
                var seen = new List<string>();
                foreach (var row in s.Iterate("big"))
                {
                    seen.Add(row.Key);
                    Assert.Equal("v" + int.Parse(row.Key.Substring(0, 4)), row.Value, "value of " + row.Key);
                    // Writing, reading and deleting inside the loop must not deadlock.
                    s.Set("copy", row.Key, row.Value);
                    Assert.Equal((long)seen.Count, s.Count("copy"), "read inside the loop");
                    if (row.Key == "0100")
                    {
                        // Rows are read a page (at most 256) at a time, so changes
                        // far enough ahead are seen by the running loop.
                        s.Delete("big", "0500");
                        s.Set("big", "0550a", "v550");
                    }
                }
                Assert.True(!seen.Contains("0500"), "a row deleted ahead is not visited");
                Assert.True(seen.Contains("0550a"), "a row added ahead is visited");
                Assert.Equal(n, seen.Count, "visited each row once");
                var ordered = seen.OrderBy(k => k, StringComparer.Ordinal).ToList();
                Assert.Sequence(ordered, seen, "iteration stays in key order");
                Assert.Equal((long)n, s.Count("copy"), "every loop write landed");

                // An abandoned enumeration frees its iterator; enumerating again restarts.
                Assert.Equal("0000", s.Iterate("big").First().Key, "first row");
                Assert.Equal("0000", s.Iterate("big").First().Key, "enumeration restarts");

                IEnumerator<KeyValuePair<string, string>> open = s.Iterate("big").GetEnumerator();
                Assert.True(open.MoveNext(), "started before close");
                s.Close();
                Assert.Throws<StoreClosedException>(() => { while (open.MoveNext()) { } }, "iterator after the store closed");
                open.Dispose();
                Assert.Throws<StoreClosedException>(() => s.Iterate("big").Count(), "new iteration on a closed store");
            }
        }

        private static void Persistence()
        {
            string path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "store-csharp-" + Guid.NewGuid().ToString("N") + ".db");
            try
            {
                using (Store s = Store.Open(new StoreOptions { DatabasePath = path, Synchronous = SyncMode.Normal }))
                {
                    s.Set("config", "colour", "blue");
                    Assert.Equal(path, s.DatabasePath, "path as given");
                }
                using (Store s = Store.Open(path))
                    Assert.Equal("blue", s.Get("config", "colour"), "value survives reopen");
            }
            finally
            {
                foreach (string suffix in new[] { "", "-wal", "-shm" })
                    System.IO.File.Delete(path + suffix);
            }
        }
    }
}
