// Run with the loader unable to find libstore (LD_LIBRARY_PATH set to an
// empty directory, nothing installed): the first call must throw
// StoreLibraryNotFoundException naming the file, the search path and the
// fix, and so must every later call (no TypeInitializationException).
//
//   LD_LIBRARY_PATH=/empty/dir mono MissingLibrary.exe
//
// Prints one "[pass] …" or "[FAIL] …" line per check; exits 1 on a failure.

using System;
using Dappco.Store;

internal static class MissingLibrary
{
    private static int _failed;

    private static void Check(string name, bool ok, string detail)
    {
        Console.WriteLine((ok ? "[pass] " : "[FAIL] ") + "missing native library: " + name + (ok ? "" : ": " + detail));
        if (!ok)
            _failed++;
    }

    private static Exception Attempt(Action action)
    {
        try
        {
            action();
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }

    private static int Main()
    {
        string searchPath = Environment.GetEnvironmentVariable("LD_LIBRARY_PATH") ?? "";
        Exception first = Attempt(() => Store.Open(":memory:").Dispose());
        string text = first == null ? "(nothing thrown)" : first.GetType().FullName + ": " + first.Message;

        Check("Store.Open throws StoreLibraryNotFoundException", first is StoreLibraryNotFoundException, text);
        Check("it is a DllNotFoundException", first is DllNotFoundException, text);
        if (first != null)
        {
            Check("message names libstore.so", first.Message.Contains("libstore.so"), text);
            Check("message shows LD_LIBRARY_PATH", first.Message.Contains("LD_LIBRARY_PATH (" + searchPath + ")"), text);
            Check("message says how to fix it", first.Message.Contains("make build") && first.Message.Contains("ldconfig"), text);
            Check("inner exception is the runtime's", first.InnerException is DllNotFoundException, text);
        }

        Exception second = Attempt(() => Console.WriteLine(Store.Version));
        Check("a later call throws the same way", second is StoreLibraryNotFoundException,
            second == null ? "(nothing thrown)" : second.GetType().FullName + ": " + second.Message);
        return _failed == 0 ? 0 : 1;
    }
}
