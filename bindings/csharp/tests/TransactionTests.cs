// Transactions: commit, rollback, dispose, isolation of pending writes.

using System;
using System.Collections.Generic;
using System.Threading;
using Dappco.Store;

namespace Dappco.Store.Tests
{
    internal static class TransactionTests
    {
        public static void Register(Runner r)
        {
            r.Add("transaction commit", Commit);
            r.Add("transaction rollback and dispose", Rollback);
            r.Add("InTransaction commits or rolls back", InTransaction);
            r.Add("scoped transaction quotas and usage", Scoped);
            r.Add("a transaction belongs to its handle, not its thread", HandleAcrossThreads);
            r.Add("writes behind a transaction time out busy", BusyTimeout);
        }

        private static void HandleAcrossThreads()
        {
            using (Store s = Program.Memory())
            using (Transaction t = s.BeginTransaction())
            {
                // An async continuation may resume on another thread: the
                // transaction goes with the handle.
                Exception failed = null;
                var other = new Thread(() =>
                {
                    try { t.Set("g", "from-thread", "v"); t.Commit(); }
                    catch (Exception e) { failed = e; }
                });
                t.Set("g", "here", "v");
                other.Start();
                other.Join();
                Assert.True(failed == null, "the other thread used the transaction: " + failed);
                Assert.Equal(2L, s.Count("g"), "both writes committed");
            }
        }

        private static void BusyTimeout()
        {
            var options = new StoreOptions { DatabasePath = ":memory:", BusyTimeout = TimeSpan.FromMilliseconds(100) };
            using (Store s = Store.Open(options))
            using (Transaction t = s.BeginTransaction())
            {
                DateTime started = DateTime.UtcNow;
                Assert.Fails<StoreBusyException>(StoreStatus.Busy, "a transaction is open on another handle",
                    () => s.Set("g", "k", "v"), "store write behind an open transaction");
                Assert.True(DateTime.UtcNow - started >= TimeSpan.FromMilliseconds(90), "waited the busy timeout");
                t.Rollback();
                s.Set("g", "k", "v");
            }
        }

        private static void Commit()
        {
            using (Store s = Program.Memory())
            {
                var events = new List<string>();
                using (s.Subscribe("*", e => events.Add(e.Kind + ":" + e.Key)))
                using (Transaction t = s.BeginTransaction())
                {
                    t.Set("g", "a", "1");
                    t.Set("g", "b", "2");
                    t.Delete("g", "a");
                    Assert.Equal("2", t.Get("g", "b"), "transaction reads its own writes");
                    Assert.True(!t.Exists("g", "a"), "its own delete");
                    Assert.Equal(1L, t.Count("g"), "count inside");
                    Assert.Equal(0, events.Count, "no events before commit");
                    t.Commit();
                    Assert.Sequence(new[] { "Set:a", "Set:b", "Delete:a" }, events, "events delivered in order after commit");
                    Assert.Fails<StoreClosedException>(StoreStatus.Closed, "", () => t.Commit(), "second commit");
                    Assert.Throws<StoreClosedException>(() => t.Rollback(), "rollback after commit");
                    Assert.Throws<StoreClosedException>(() => t.Set("g", "x", "y"), "write after commit");
                }
                Assert.Equal("2", s.Get("g", "b"), "committed value");
                Assert.True(!s.Exists("g", "a"), "committed delete");
                s.Set("g", "c", "3"); // the store is writable again
            }
        }

        private static void Rollback()
        {
            using (Store s = Program.Memory())
            {
                s.Set("g", "keep", "1");
                var events = new List<StoreEvent>();
                using (s.Subscribe(events.Add))
                {
                    using (Transaction t = s.BeginTransaction())
                    {
                        t.Set("g", "new", "x");
                        t.DeleteGroup("g");
                        t.Rollback();
                        Assert.Throws<StoreClosedException>(() => t.Commit(), "commit after rollback");
                    }
                    Assert.Equal("1", s.Get("g", "keep"), "rollback kept the old row");
                    Assert.True(!s.Exists("g", "new"), "rollback dropped the new row");

                    using (Transaction t = s.BeginTransaction())
                        t.Set("g", "disposed", "x"); // never committed
                    Assert.True(!s.Exists("g", "disposed"), "dispose rolls back");
                    Assert.Equal(0, events.Count, "no events from rolled-back work");
                }

                // An abandoned transaction is rolled back by the finalizer, on another thread.
                Abandon(s);
                GC.Collect();
                GC.WaitForPendingFinalizers();
                s.Set("g", "after", "1");
                Assert.True(!s.Exists("g", "abandoned"), "finalizer rolled back");
            }
        }

        private static void Abandon(Store s)
        {
            var t = new Thread(() => s.BeginTransaction().Set("g", "abandoned", "x"));
            t.Start();
            t.Join();
        }

        private static void InTransaction()
        {
            using (Store s = Program.Memory())
            {
                s.InTransaction(t =>
                {
                    t.Set("g", "a", "1");
                    t.Set("g", "b", "2");
                });
                Assert.Equal(2L, s.Count("g"), "body committed");
                var boom = new InvalidOperationException("boom");
                var thrown = Assert.Throws<InvalidOperationException>(() => s.InTransaction(t =>
                {
                    t.Set("g", "c", "3");
                    throw boom;
                }), "body exception propagates");
                Assert.True(ReferenceEquals(boom, thrown), "the same exception");
                Assert.True(!s.Exists("g", "c"), "rolled back on exception");
            }
        }

        private static void Scoped()
        {
            using (Store s = Program.Memory())
            using (ScopedStore sc = s.Scope("t", new StoreQuota { MaxKeys = 3 }))
            {
                sc.Set("g", "a", "1");
                using (ScopedTransaction t = sc.BeginTransaction())
                {
                    t.Set("g", "b", "22");
                    Assert.Equal(2L, t.Usage.Keys, "usage counts pending writes");
                    t.Set("g", "c", "3");
                    Assert.Throws<StoreQuotaExceededException>(() => t.Set("g", "d", "4"), "quota counts pending writes");
                    t.Commit();
                }
                Assert.Equal(3L, sc.Count("g"), "scoped commit");
                Assert.Equal("22", s.Get("t:g", "b"), "stored under the namespace");
                sc.InTransaction(t => t.Delete("g", "a"));
                Assert.Equal(2L, sc.Usage.Keys, "scoped InTransaction");
            }
        }
    }
}
