// Scoped stores: namespace isolation, quotas and usage.

using System;
using System.Linq;
using Dappco.Store;

namespace Dappco.Store.Tests
{
    internal static class ScopeTests
    {
        public static void Register(Runner r)
        {
            r.Add("scoped isolation", Isolation);
            r.Add("quota exceeded writes nothing", Quotas);
            r.Add("usage", Usage);
        }

        private static void Isolation()
        {
            using (Store s = Program.Memory())
            using (ScopedStore a = s.Scope("tenant-a"))
            using (ScopedStore b = new ScopedStore(s, "tenant-b"))
            {
                Assert.Equal("tenant-a", a.Namespace, "namespace");
                a.Set("prefs", "locale", "en-GB");
                b.Set("prefs", "locale", "fr-FR");
                Assert.Equal("en-GB", a.Get("prefs", "locale"), "a sees its own value");
                Assert.Equal("fr-FR", b.Get("prefs", "locale"), "b sees its own value");
                Assert.Equal("en-GB", s.Get("tenant-a:prefs", "locale"), "stored under namespace:group");
                Assert.True(!s.Exists("prefs", "locale"), "unprefixed lookup misses");
                Assert.Sequence(new[] { "prefs" }, a.Groups(), "scoped groups are namespace-local");
                Assert.Equal(1L, a.CountAll(), "scoped count all");
                a.Set("token", "t1");
                Assert.Equal("t1", a.Get("token"), "default group helper");
                Assert.Equal("t1", s.Get("tenant-a:default", "token"), "default group is ns:default");
                a.DeletePrefix("");
                Assert.Equal(0L, a.CountAll(), "scoped delete prefix empties the namespace");
                Assert.Equal("fr-FR", b.Get("prefs", "locale"), "other namespace untouched");
                Assert.Throws<StoreNotFoundException>(() => a.Get("prefs", "locale"), "deleted in a");
            }
        }

        private static void Quotas()
        {
            using (Store s = Program.Memory())
            using (ScopedStore q = s.Scope("capped", new StoreQuota { MaxKeys = 2 }))
            {
                q.Set("g", "k1", "v");
                q.Set("g", "k2", "v");
                Assert.Fails<StoreQuotaExceededException>(StoreStatus.QuotaExceeded, "quota exceeded", () => q.Set("g", "k3", "v"), "third key");
                Assert.True(!q.Exists("g", "k3"), "nothing written past the limit");
                q.Set("g", "k1", "updated"); // an upsert does not grow the key count
                Assert.Equal("updated", q.Get("g", "k1"), "upsert allowed at the limit");
                Assert.Throws<StoreQuotaExceededException>(() => q.SetWithTtl("g", "k4", "v", TimeSpan.FromHours(1)), "TTL write counts too");

                q.Quota = new StoreQuota { MaxKeys = 0, MaxGroups = 2 };
                Assert.Equal(2L, q.Quota.MaxGroups, "quota read back");
                q.Set("g", "k3", "v");
                q.Set("h", "k", "v");
                Assert.Throws<StoreQuotaExceededException>(() => q.Set("i", "k", "v"), "third group");
                Assert.True(!q.GroupExists("i"), "no third group");

                q.Quota = new StoreQuota { MaxBytes = 20 };
                q.DeletePrefix("");
                q.Set("g", "12345", "1234567890"); // 15 bytes
                Assert.Throws<StoreQuotaExceededException>(() => q.Set("g", "abc", "def"), "bytes limit (15 + 6 > 20)");
                q.Set("g", "ab", "c"); // 18 bytes
                Assert.Equal(18L, q.Usage.Bytes, "bytes counted as key + value");

                using (ScopedStore other = s.Scope("free"))
                    for (int i = 0; i < 10; i++)
                        other.Set("g", "k" + i, "v"); // another namespace is not limited by q
            }
        }

        private static void Usage()
        {
            using (Store s = Program.Memory())
            using (ScopedStore sc = s.Scope("u"))
            {
                StoreUsage empty = sc.Usage;
                Assert.Equal(0L, empty.Keys + empty.Groups + empty.Bytes, "empty namespace");
                sc.Set("a", "k", "vv");
                sc.Set("b", "key", "v");
                sc.SetWithTtl("b", "old", "x", TimeSpan.Zero); // expired rows do not count
                s.Set("outside", "k", "v");
                StoreUsage u = sc.Usage;
                Assert.Equal(2L, u.Keys, "keys");
                Assert.Equal(2L, u.Groups, "groups");
                Assert.Equal(7L, u.Bytes, "bytes");
            }
        }
    }
}
