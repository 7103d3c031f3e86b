// Change events: callback subscriptions and watch queues.

using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using Dappco.Store;

namespace Dappco.Store.Tests
{
    internal static class EventTests
    {
        public static void Register(Runner r)
        {
            r.Add("callbacks see committed changes", Callbacks);
            r.Add("events carry commit-order sequence numbers across threads", SequenceAcrossThreads);
            r.Add("callback may call back into the store", Reentrant);
            r.Add("callback exceptions never reach the writer", CallbackExceptions);
            r.Add("unreferenced subscription stays alive until disposed or closed", SubscriptionLifetime);
            r.Add("watch with timeout, drops and close", WatchQueue);
            r.Add("scoped events are namespace-local", ScopedEvents);
        }

        private static void Callbacks()
        {
            using (Store s = Program.Memory())
            {
                var all = new List<StoreEvent>();
                var config = new List<StoreEvent>();
                int writer = Thread.CurrentThread.ManagedThreadId, seenOn = -1;
                using (s.Subscribe(e => { all.Add(e); seenOn = Thread.CurrentThread.ManagedThreadId; }))
                using (Subscription sub = s.Subscribe("config", config.Add))
                {
                    s.Set("config", "colour", "blue");
                    Assert.Equal(1, config.Count, "callback ran before Set returned");
                    Assert.Equal(writer, seenOn, "callback runs on the writing thread");
                    StoreEvent e = config[0];
                    Assert.Equal(StoreEventKind.Set, e.Kind, "kind");
                    Assert.Equal("config", e.Group, "group");
                    Assert.Equal("colour", e.Key, "key");
                    Assert.Equal("blue", e.Value, "value");
                    long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                    Assert.True(Math.Abs(now - e.TimestampMs) < 60000, "timestamp is recent: " + e.TimestampMs);
                    Assert.Equal("set config colour blue", e.ToString(), "go-store kind name");

                    s.Set("other", "k", "v");
                    s.Delete("config", "colour");
                    s.Delete("config", "colour"); // nothing removed: no event
                    s.Set("config", "a", "1");
                    s.DeleteGroup("config");
                    Assert.Sequence(new[] { StoreEventKind.Set, StoreEventKind.Delete, StoreEventKind.Set, StoreEventKind.DeleteGroup },
                        config.Select(x => x.Kind), "group filter and kinds");
                    Assert.Equal("", config.Last().Key, "delete group has an empty key");
                    Assert.Equal(5, all.Count, "wildcard sees every group");

                    s.Set(new byte[] { 0x63, 0x00 }, new byte[] { 0xFF, 0x00 }, new byte[] { 0x00 });
                    Assert.Bytes(new byte[] { 0xFF, 0x00 }, all.Last().KeyBytes, "binary key in an event");
                    Assert.Bytes(new byte[] { 0x00 }, all.Last().ValueBytes, "binary value in an event");

                    sub.Dispose();
                    s.Set("config", "after", "x");
                    Assert.Equal(4, config.Count, "no delivery after dispose");
                    sub.Dispose(); // idempotent
                }
            }
        }

        private static void Reentrant()
        {
            using (Store s = Program.Memory())
            {
                var seen = new List<string>();
                Subscription self = null;
                using (s.Subscribe("in", e =>
                {
                    // Reads and writes from inside the callback must not deadlock.
                    seen.Add(s.Get(e.Group, e.Key));
                    s.Set("out", e.Key, e.Value.ToUpperInvariant());
                }))
                {
                    self = s.Subscribe("in", e => self.Dispose()); // unsubscribe from inside its own callback
                    s.Set("in", "k", "abc");
                    Assert.Sequence(new[] { "abc" }, seen, "read inside the callback");
                    Assert.Equal("ABC", s.Get("out", "k"), "write inside the callback");
                    s.Set("in", "k2", "x");
                    Assert.Equal(2, seen.Count, "first subscription still active");
                }

                // Closing the store from inside a callback.
                var closer = Program.Memory();
                closer.Subscribe("*", e => closer.Close());
                closer.Set("g", "k", "v");
                Assert.True(closer.IsClosed, "closed from a callback");
                closer.Dispose();
            }
        }

        private static void CallbackExceptions()
        {
            using (Store s = Program.Memory())
            {
                var reported = new List<Exception>();
                int after = 0;
                using (Subscription bad = s.Subscribe("*", e => { throw new InvalidOperationException("bad " + e.Key); }, reported.Add))
                using (s.Subscribe("*", e => after++))
                using (Subscription worse = s.Subscribe("*", e => { throw new Exception("x"); }, ex => { throw ex; }))
                {
                    s.Set("g", "k1", "v");
                    s.Set("g", "k2", "v");
                    Assert.Equal("v", s.Get("g", "k2"), "the writer was not affected");
                    Assert.Equal(2, bad.FailureCount, "failures counted");
                    Assert.Equal("bad k2", bad.LastException.Message, "last exception kept");
                    Assert.Equal(2, reported.Count, "error handler called");
                    Assert.Equal(2, after, "later callbacks still ran");
                    Assert.Equal(2, worse.FailureCount, "a throwing error handler is contained too");
                }
            }
        }

        private static void SubscriptionLifetime()
        {
            Store s = Program.Memory();
            int count = 0;
            SubscribeAndForget(s, () => Interlocked.Increment(ref count));
            for (int i = 0; i < 3; i++)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
            s.Set("g", "k", "v");
            Assert.Equal(1, count, "the delegate survived garbage collection");
            s.Close(); // releases the subscription's delegate
            GC.Collect();
            GC.WaitForPendingFinalizers();
            s.Dispose();
        }

        private static void SubscribeAndForget(Store s, Action onEvent)
        {
            s.Subscribe("*", e => onEvent());
        }

        private static void WatchQueue()
        {
            using (Store s = Program.Memory())
            {
                using (Watch w = s.Watch("config"))
                {
                    StoreEvent e;
                    var clock = Stopwatch.StartNew();
                    Assert.True(!w.TryNext(TimeSpan.FromMilliseconds(100), out e), "timeout without events");
                    Assert.True(clock.ElapsedMilliseconds >= 90, "waited for the timeout: " + clock.ElapsedMilliseconds);
                    Assert.True(e == null, "no event on timeout");

                    s.Set("config", "a", "1");
                    s.Set("other", "b", "2");
                    s.Delete("config", "a");
                    Assert.True(w.TryNext(0, out e) && e.Kind == StoreEventKind.Set && e.Key == "a" && e.Value == "1", "first event");
                    Assert.True(w.TryNext(0, out e) && e.Kind == StoreEventKind.Delete && e.Key == "a", "second event (other group filtered)");
                    Assert.True(!w.TryNext(0, out e), "queue drained");

                    // A blocked reader is woken by an event from another thread.
                    var writer = new Thread(() => { Thread.Sleep(50); s.Set("config", "late", "x"); });
                    writer.Start();
                    Assert.True(w.TryNext(5000, out e) && e.Key == "late", "blocking read gets the event");
                    writer.Join();

                    // Close from another thread wakes a reader waiting forever.
                    s.Set("config", "buffered", "y");
                    var closer = new Thread(() => { Thread.Sleep(50); w.Close(); });
                    Assert.True(w.TryNext(-1, out e) && e.Key == "buffered", "buffered event");
                    closer.Start();
                    Assert.Fails<StoreClosedException>(StoreStatus.Closed, "closed", () => w.TryNext(-1, out e), "closed and drained");
                    closer.Join();
                }

                using (Watch small = s.Watch("*", 2))
                {
                    for (int i = 0; i < 5; i++)
                        s.Set("d", "k" + i, "v");
                    Assert.Equal(3UL, small.Dropped, "writers never wait: overflow is dropped and counted");
                    StoreEvent e;
                    Assert.True(small.TryNext(0, out e) && e.Key == "k0", "oldest kept");
                    Assert.True(small.TryNext(0, out e) && e.Key == "k1", "second kept");
                    Assert.True(!small.TryNext(0, out e), "the rest were dropped");
                }

                Watch open = s.Watch("*");
                s.Set("g", "k", "v");
                s.Close();
                StoreEvent last;
                Assert.True(open.TryNext(0, out last) && last.Key == "k", "buffered event readable after store close");
                Assert.Throws<StoreClosedException>(() => open.TryNext(1000, out last), "store close closes the queue");
                open.Dispose();
            }
        }

        private static void ScopedEvents()
        {
            using (Store s = Program.Memory())
            using (ScopedStore a = s.Scope("a"))
            using (ScopedStore b = s.Scope("b"))
            {
                var seen = new List<string>();
                using (a.Subscribe("*", e => seen.Add(e.Group + "/" + e.Key)))
                using (Watch w = a.Watch("prefs"))
                {
                    a.Set("prefs", "k", "1");
                    b.Set("prefs", "k", "2");
                    s.Set("unscoped", "k", "3");
                    Assert.Sequence(new[] { "prefs/k" }, seen, "only the namespace's events, with local group names");
                    StoreEvent e;
                    Assert.True(w.TryNext(0, out e) && e.Group == "prefs" && e.Value == "1", "scoped watch");
                    Assert.True(!w.TryNext(0, out e), "nothing from the other namespace");
                }
            }
        }

        private static void SequenceAcrossThreads()
        {
            using (Store s = Program.Memory())
            {
                var seen = new List<ulong>();
                using (s.Subscribe("*", e => { lock (seen) seen.Add(e.Seq); }))
                {
                    var threads = new List<Thread>();
                    for (int t = 0; t < 4; t++)
                    {
                        int id = t;
                        var thread = new Thread(() =>
                        {
                            for (int i = 0; i < 50; i++)
                                s.Set("g" + id, "k" + i, "v");
                        });
                        threads.Add(thread);
                        thread.Start();
                    }
                    foreach (Thread thread in threads)
                        thread.Join();
                }
                lock (seen)
                {
                    Assert.Equal(200, seen.Count, "every change seen");
                    for (int i = 0; i < seen.Count; i++)
                        Assert.Equal((ulong)(i + 1), seen[i], "sequence number " + i);
                }
            }
        }
    }
}
