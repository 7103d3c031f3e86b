// A minimal test runner: no NuGet, so it builds with mcs alone. Each test is a
// named action; a failed assertion throws, the runner reports it and moves on,
// and the closing line reads "N passed, N failed".

using System;
using System.Collections.Generic;
using System.Linq;
using Dappco.Store;

namespace Dappco.Store.Tests
{
    /// <summary>Thrown by a failed assertion.</summary>
    internal sealed class AssertionFailed : Exception
    {
        public AssertionFailed(string message) : base(message) { }
    }

    /// <summary>Assertions with messages that say what was expected.</summary>
    internal static class Assert
    {
        public static void True(bool condition, string what)
        {
            if (!condition)
                throw new AssertionFailed(what);
        }

        public static void Equal<T>(T expected, T actual, string what)
        {
            if (!EqualityComparer<T>.Default.Equals(expected, actual))
                throw new AssertionFailed(what + ": expected <" + expected + ">, got <" + actual + ">");
        }

        public static void Bytes(byte[] expected, byte[] actual, string what)
        {
            if (actual == null || !expected.SequenceEqual(actual))
                throw new AssertionFailed(what + ": expected [" + Hex(expected) + "], got [" + Hex(actual) + "]");
        }

        public static void Sequence<T>(IEnumerable<T> expected, IEnumerable<T> actual, string what)
        {
            var e = expected.ToList();
            var a = actual.ToList();
            if (!e.SequenceEqual(a))
                throw new AssertionFailed(what + ": expected [" + string.Join(", ", e) + "], got [" + string.Join(", ", a) + "]");
        }

        /// <summary>Runs action and returns the exception of type T it must throw.</summary>
        public static T Throws<T>(Action action, string what) where T : Exception
        {
            try
            {
                action();
            }
            catch (T e)
            {
                return e;
            }
            catch (Exception e)
            {
                throw new AssertionFailed(what + ": expected " + typeof(T).Name + ", got " + e.GetType().Name + ": " + e.Message);
            }
            throw new AssertionFailed(what + ": expected " + typeof(T).Name + ", nothing was thrown");
        }

        /// <summary>Like Throws, and checks the status and that the native message mentions <paramref name="fragment"/>.</summary>
        public static T Fails<T>(StoreStatus status, string fragment, Action action, string what) where T : StoreException
        {
            T e = Throws<T>(action, what);
            Equal(status, e.Status, what + ": status");
            True(e.Message.Contains(fragment), what + ": message \"" + e.Message + "\" should contain \"" + fragment + "\"");
            return e;
        }

        private static string Hex(byte[] bytes)
        {
            return bytes == null ? "null" : BitConverter.ToString(bytes);
        }
    }

    /// <summary>Collects and runs the tests.</summary>
    internal sealed class Runner
    {
        private readonly List<KeyValuePair<string, Action>> _tests = new List<KeyValuePair<string, Action>>();

        public void Add(string name, Action test)
        {
            _tests.Add(new KeyValuePair<string, Action>(name, test));
        }

        public int Run()
        {
            int passed = 0, failed = 0;
            foreach (var test in _tests)
            {
                try
                {
                    test.Value();
                    passed++;
                    Console.WriteLine("ok   " + test.Key);
                }
                catch (Exception e)
                {
                    failed++;
                    Console.WriteLine("FAIL " + test.Key + ": " + e);
                }
            }
            Console.WriteLine(passed + " passed, " + failed + " failed");
            return failed == 0 ? 0 : 1;
        }
    }

    internal static class Program
    {
        private static int Main()
        {
            var runner = new Runner();
            KvTests.Register(runner);
            ErrorTests.Register(runner);
            ScopeTests.Register(runner);
            TransactionTests.Register(runner);
            EventTests.Register(runner);
            ConcurrencyTests.Register(runner);
            JournalTests.Register(runner);
            MediumTests.Register(runner);
            DuckDbTests.Register(runner);
            WorkspaceTests.Register(runner);
            return runner.Run();
        }

        /// <summary>A fresh private in-memory store.</summary>
        public static Store Memory()
        {
            return Store.Open(":memory:");
        }
    }
}
