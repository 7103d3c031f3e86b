// A workspace from C#: put a few entries, aggregate them, export them as
// JSON lines, import a CSV file, commit the counts to the journal and read
// the summary the commit left in the store.
//
//   mono Workspace.exe <directory>

using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Dappco.Store;

internal static class WorkspaceExample
{
    // {"kind":count,...} with the kinds in order, as the library writes it.
    private static string Counts(Dictionary<string, long> counts)
    {
        return "{" + string.Join(",", counts.OrderBy(c => c.Key, StringComparer.Ordinal)
            .Select(c => "\"" + c.Key + "\":" + c.Value)) + "}";
    }

    private static int Main(string[] args)
    {
        if (args.Length != 1)
        {
            Console.Error.WriteLine("usage: Workspace.exe <directory>");
            return 2;
        }
        string dir = args[0];
        var options = new StoreOptions
        {
            DatabasePath = Path.Combine(dir, "store.db"),
            WorkspaceStateDirectory = Path.Combine(dir, "state"),
        };
        using (Store store = Store.Open(options))
        using (Workspace ws = Workspace.Create(store, "reviews"))
        {
            ws.Put("like", "{\"user\":\"@alice\"}");
            ws.Put("like", "{\"user\":\"@bob\"}");
            ws.Put("profile_match", "{\"user\":\"@carol\"}");
            Console.WriteLine("aggregate: " + Counts(ws.Aggregate()));

            // No medium: the local filesystem.
            string jsonl = Path.Combine(dir, "entries.jsonl");
            ws.Export(jsonl);
            int lines = File.ReadAllText(jsonl).Count(c => c == '\n');
            Console.WriteLine("exported " + lines + " entries to entries.jsonl");

            string csv = Path.Combine(dir, "findings.csv");
            File.WriteAllText(csv, "tool,severity\ngosec,high\ngolint,low\n");
            ws.Import(csv);
            Console.WriteLine("imported findings.csv: " + Counts(ws.Aggregate()));

            Console.WriteLine("committed: " + Counts(ws.Commit()));
            Console.WriteLine("summary: " + store.Get("workspace:reviews", "summary"));
        }
        return 0;
    }
}
