// Bad input and closed handles: every case is an exception of the right type
// carrying the native status and message, never a crash.

using System;
using System.Linq;
using Dappco.Store;

namespace Dappco.Store.Tests
{
    internal static class ErrorTests
    {
        public static void Register(Runner r)
        {
            r.Add("closed store throws StoreClosedException", ClosedStore);
            r.Add("disposed objects throw StoreClosedException", Disposed);
            r.Add("null and unencodable arguments", BadArguments);
            r.Add("open failures and versions", OpenFailures);
        }

        private static void ClosedStore()
        {
            Store s = Program.Memory();
            s.Set("g", "k", "v");
            ScopedStore scope = s.Scope("tenant");
            Assert.True(!s.IsClosed, "open store");
            s.Close();
            Assert.True(s.IsClosed, "IsClosed after Close");
            s.Close(); // idempotent
            Assert.Fails<StoreClosedException>(StoreStatus.Closed, "closed", () => s.Get("g", "k"), "get after close");
            Assert.Throws<StoreClosedException>(() => s.Set("g", "k", "v"), "set after close");
            Assert.Throws<StoreClosedException>(() => s.Count("g"), "count after close");
            Assert.Throws<StoreClosedException>(() => s.GetAll("g"), "get all after close");
            Assert.Throws<StoreClosedException>(() => s.BeginTransaction(), "begin after close");
            Assert.Throws<StoreClosedException>(() => scope.Set("g", "k", "v"), "scope after its store closed");
            Assert.Throws<StoreClosedException>(() => { var u = scope.Usage; }, "usage after close");
            using (Watch w = s.Watch("*"))
            {
                StoreEvent e;
                Assert.Throws<StoreClosedException>(() => w.TryNext(0, out e), "watch opened on a closed store starts closed");
            }
            s.Dispose();
            scope.Dispose();
        }

        private static void Disposed()
        {
            Store s = Program.Memory();
            ScopedStore scope = s.Scope("tenant");
            Transaction txn = scope.BeginTransaction();
            txn.Set("g", "k", "v");
            txn.Dispose(); // rolls back
            Assert.Throws<StoreClosedException>(() => txn.Set("g", "k", "v"), "disposed transaction");
            Assert.Throws<StoreClosedException>(() => txn.Commit(), "commit after dispose");
            Assert.True(!scope.Exists("g", "k"), "dispose rolled back");
            scope.Dispose();
            Assert.Throws<StoreClosedException>(() => scope.Get("g", "k"), "disposed scope");
            Watch w = s.Watch("*");
            w.Dispose();
            w.Dispose(); // idempotent
            StoreEvent ev;
            Assert.Throws<StoreClosedException>(() => w.TryNext(0, out ev), "disposed watch");
            s.Dispose();
            s.Dispose(); // idempotent
            Assert.True(s.IsClosed, "disposed store reports closed");
            Assert.Fails<StoreClosedException>(StoreStatus.Closed, "disposed", () => s.Get("g", "k"), "disposed store");
            Assert.Throws<StoreClosedException>(() => s.Close(), "close after dispose");
        }

        private static void BadArguments()
        {
            using (Store s = Program.Memory())
            {
                Assert.Throws<ArgumentNullException>(() => s.Get(null, "k"), "null group");
                Assert.Throws<ArgumentNullException>(() => s.Set("g", null, "v"), "null key");
                Assert.Throws<ArgumentNullException>(() => s.Set("g", "k", (string)null), "null value");
                Assert.Throws<ArgumentNullException>(() => s.Set(new byte[0], new byte[0], (byte[])null), "null byte value");
                Assert.Throws<ArgumentNullException>(() => s.Iterate((string)null), "null iterate group (eager)");
                Assert.Throws<ArgumentNullException>(() => s.Subscribe("*", null), "null handler");
                Assert.Throws<ArgumentNullException>(() => s.InTransaction(null), "null body");
                Assert.Throws<ArgumentOutOfRangeException>(() => s.Watch("*", -1), "negative capacity");
                // A lone surrogate has no UTF-8 form: refused rather than silently replaced.
                Assert.Throws<StoreInvalidArgumentException>(() => s.Set("g", "\ud800", "v"), "lone surrogate");
                Assert.Equal(0L, s.CountAll(), "nothing written by the failed calls");

                Assert.Fails<StoreInvalidArgumentException>(StoreStatus.InvalidArgument, "", () => s.Scope("bad namespace!"), "namespace with a space");
                Assert.Throws<StoreInvalidArgumentException>(() => s.Scope(""), "empty namespace");
                Assert.Throws<StoreInvalidArgumentException>(() => s.Scope("ok", new StoreQuota { MaxKeys = -1 }), "negative quota");
                using (ScopedStore scope = s.Scope("ok"))
                {
                    Assert.Throws<StoreInvalidArgumentException>(() => scope.Quota = new StoreQuota { MaxBytes = -5 }, "negative quota update");
                    Assert.Throws<ArgumentNullException>(() => scope.Quota = null, "null quota");
                }
            }
        }

        private static void OpenFailures()
        {
            Assert.Throws<ArgumentNullException>(() => Store.Open((StoreOptions)null), "null options");
            Assert.Throws<ArgumentNullException>(() => Store.Open((string)null), "null path");
            var e = Assert.Throws<StoreException>(() => Store.Open("/nonexistent-dir-for-store-tests/sub/x.db"), "unopenable path");
            Assert.True(e.Status != StoreStatus.Ok && e.Message.Length > 0, "status and message: " + e.Status + " " + e.Message);
            Assert.Throws<StoreInvalidArgumentException>(
                () => Store.Open(new StoreOptions { PurgeInterval = TimeSpan.FromSeconds(-1) }), "negative purge interval");
            Assert.True(Store.Version.Count(c => c == '.') == 2, "version is MAJOR.MINOR.PATCH: " + Store.Version);
        }
    }
}
