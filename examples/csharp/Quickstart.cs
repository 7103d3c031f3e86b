// go-store's Quick Start in C#.
//
//   mono Quickstart.exe [DATABASE]      (default ":memory:")
//
// Prints:
//   blue
//   map[colour:blue]
//   smtp.example.com:587

using System;
using System.Linq;
using Dappco.Store;

internal static class Quickstart
{
    private static int Main(string[] args)
    {
        // Open a file for persistence, or use ":memory:" for ephemeral data.
        using (Store store = Store.Open(new StoreOptions
        {
            DatabasePath = args.Length > 0 ? args[0] : ":memory:",
            PurgeInterval = TimeSpan.FromSeconds(30),
        }))
        {
            // Store "blue" under config/colour and read it back.
            store.Set("config", "colour", "blue");
            Console.WriteLine(store.Get("config", "colour"));

            // Store a session token that expires after 24 hours.
            store.SetWithTtl("session", "token", "abc123", TimeSpan.FromHours(24));

            // Read config back, printed the way Go prints a map[string]string.
            var entries = store.GetAll("config");
            Console.WriteLine("map[" + string.Join(" ", entries.Select(e => e.Key + ":" + e.Value)) + "]");

            // Render the mail host and port into smtp.example.com:587.
            store.Set("mail", "host", "smtp.example.com");
            store.Set("mail", "port", "587");
            Console.WriteLine(store.Render("{{ .host }}:{{ .port }}", "mail"));

            // Store tenant-42 preferences under the tenant-42: namespace prefix
            // (stored internally as group "tenant-42:preferences", key "locale").
            using (ScopedStore tenant = store.Scope("tenant-42"))
                tenant.Set("preferences", "locale", "en-GB");

            // Cap tenant-99 at 100 keys and 5 groups; a write past the limit
            // throws StoreQuotaExceededException.
            using (ScopedStore capped = store.Scope("tenant-99", new StoreQuota { MaxKeys = 100, MaxGroups = 5 }))
                capped.Set("g", "k", "v");

            // Watch "config" changes, and register a synchronous callback for the
            // same mutations. Nothing changes after this point, so neither prints.
            using (Watch events = store.Watch("config"))
            using (store.Subscribe(e => Console.WriteLine("changed " + e.Group + " " + e.Key + " " + e.Value)))
            {
                StoreEvent e;
                while (events.TryNext(TimeSpan.Zero, out e))
                    Console.WriteLine("event " + e);
            }
        }
        return 0;
    }
}
