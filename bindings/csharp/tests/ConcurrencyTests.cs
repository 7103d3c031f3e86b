// One store shared by four threads.

using System;
using System.Collections.Generic;
using System.Threading;
using Dappco.Store;

namespace Dappco.Store.Tests
{
    internal static class ConcurrencyTests
    {
        public static void Register(Runner r)
        {
            r.Add("concurrent use from 4 threads", FourThreads);
        }

        private static void FourThreads()
        {
            const int threads = 4, perThread = 250;
            using (Store s = Program.Memory())
            using (ScopedStore scope = s.Scope("shared"))
            {
                int events = 0;
                using (s.Subscribe("*", e => Interlocked.Increment(ref events)))
                {
                    var errors = new List<Exception>();
                    var workers = new List<Thread>();
                    for (int t = 0; t < threads; t++)
                    {
                        int id = t;
                        var worker = new Thread(() =>
                        {
                            try
                            {
                                string group = "worker-" + id;
                                for (int i = 0; i < perThread; i++)
                                {
                                    s.Set(group, "k" + i, id + ":" + i);
                                    if (s.Get(group, "k" + i) != id + ":" + i)
                                        throw new Exception("read back a different value in " + group);
                                    scope.Set("all", id + "-" + i, "x");
                                    if (i % 50 == 0)
                                        s.InTransaction(txn => txn.Set("txn", id + "-" + i, "y"));
                                }
                                if (s.Count(group) != perThread)
                                    throw new Exception("count of " + group);
                            }
                            catch (Exception e)
                            {
                                lock (errors)
                                    errors.Add(e);
                            }
                        });
                        workers.Add(worker);
                        worker.Start();
                    }
                    foreach (Thread w in workers)
                        w.Join();
                    Assert.Equal(0, errors.Count, "worker errors: " + string.Join("; ", errors));
                    Assert.Equal((long)(threads * perThread), s.CountAll("worker-"), "every write landed");
                    Assert.Equal((long)(threads * perThread), scope.Count("all"), "scoped writes from every thread");
                    Assert.Equal((long)(threads * perThread / 50), s.Count("txn"), "transactions from every thread");
                    Assert.Equal(threads * perThread * 2 + threads * perThread / 50, Volatile.Read(ref events), "one event per write");
                }
            }
        }
    }
}
