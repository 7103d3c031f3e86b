using System;

namespace Dappco.Store
{
    /// <summary>SQLite synchronous mode (STORE_SYNC_*).</summary>
    public enum SyncMode : uint
    {
        /// <summary>The library default (Full, go-store's effective setting).</summary>
        Default = 0,
        /// <summary>No fsync on commit.</summary>
        Off = 1,
        /// <summary>WAL synced at checkpoints only.</summary>
        Normal = 2,
        /// <summary>One fsync per commit.</summary>
        Full = 3,
        /// <summary>Full plus a directory sync.</summary>
        Extra = 4,
    }

    /// <summary>Settings for <see cref="Store.Open(StoreOptions)"/> (go-store StoreConfig).</summary>
    public sealed class StoreOptions
    {
        /// <summary>Database file, or ":memory:" (the default). A leading ~/ expands to $HOME.</summary>
        public string DatabasePath { get; set; } = ":memory:";
        /// <summary>Background purge interval; zero means 60 s.</summary>
        public TimeSpan PurgeInterval { get; set; } = TimeSpan.Zero;
        /// <summary>Durability of commits.</summary>
        public SyncMode Synchronous { get; set; } = SyncMode.Default;
        /// <summary>Workspace state directory; empty means ".core/state".</summary>
        public string WorkspaceStateDirectory { get; set; } = "";
        /// <summary>Journal endpoint URL (all three journal fields empty = no journal).</summary>
        public string JournalEndpointUrl { get; set; } = "";
        /// <summary>Journal organisation.</summary>
        public string JournalOrganisation { get; set; } = "";
        /// <summary>Journal bucket name.</summary>
        public string JournalBucketName { get; set; } = "";
        /// <summary>Hold SQLite's exclusive lock while open (faster reads; no other process may open the file).</summary>
        public bool ExclusiveLocking { get; set; }
        /// <summary>Reader connections for file databases; 0 means 4.</summary>
        public uint ReaderConnections { get; set; }
        /// <summary>How long a write waits for another handle's transaction before
        /// StoreBusyException; zero means 5 seconds.</summary>
        public TimeSpan BusyTimeout { get; set; } = TimeSpan.Zero;
        /// <summary>Template fuel per Render (roughly instructions executed); 0 means 1,000,000.</summary>
        public ulong TemplateFuel { get; set; }
        /// <summary>Largest output of one Render in bytes; 0 means 16 MiB.</summary>
        public ulong TemplateMaxOutput { get; set; }
        /// <summary>
        /// Where the database file lives (go-store WithMedium): read from the medium at
        /// open when it exists there, written back whole at close. Null means the local
        /// filesystem; ":memory:" is never medium-backed.
        /// </summary>
        public IMedium Medium { get; set; }
    }
}
