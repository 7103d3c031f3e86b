using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace Dappco.Store
{
    /// <summary>
    /// An open store: a group-namespaced SQLite key-value store with TTL expiry.
    /// Safe to use from any number of threads. Dispose closes and frees it;
    /// <see cref="Close"/> closes it but keeps the object (later calls throw
    /// StoreClosedException).
    /// </summary>
    public sealed class Store : ObservableView, IDisposable
    {
        private readonly StoreDbHandle _handle;
        private readonly IMedium _medium;

        private Store(StoreDbHandle handle, IMedium medium) : base(handle, NativeMethods.store_db_kv(handle), "store.Store")
        {
            _handle = handle;
            _medium = medium;
        }

        /// <summary>The medium the store was opened with (go-store Medium()), or null.</summary>
        public IMedium Medium
        {
            get { return _medium; }
        }

        /// <summary>The loaded library's version, "MAJOR.MINOR.PATCH".</summary>
        public static string Version
        {
            get
            {
                NativeLibraryCheck.Ensure();
                return Utf8.FromCString(NativeMethods.store_version());
            }
        }

        /// <summary>Opens (creating if needed) the database at path, or a private one for ":memory:".</summary>
        public static Store Open(string path)
        {
            return Open(new StoreOptions { DatabasePath = path });
        }

        /// <summary>Opens a store from options.</summary>
        /// <exception cref="StoreLibraryNotFoundException">libstore could not be loaded; the message says where it was looked for.</exception>
        public static Store Open(StoreOptions options)
        {
            if (options == null)
                throw new ArgumentNullException("options");
            // The first native call: a missing library or another ABI fails
            // here, before any call could misread a struct.
            NativeLibraryCheck.Ensure();
            byte[] path = Utf8.Encode(options.DatabasePath, "DatabasePath");
            var native = new NativeOptions();
            StoreException.Check(NativeMethods.store_options_init(ref native, (UIntPtr)Marshal.SizeOf(typeof(NativeOptions))));
            native.Synchronous = (uint)options.Synchronous;
            native.PurgeIntervalMs = (long)options.PurgeInterval.TotalMilliseconds;
            native.ExclusiveLocking = options.ExclusiveLocking ? (byte)1 : (byte)0;
            native.ReaderConnections = options.ReaderConnections;
            native.BusyTimeoutMs = (uint)Math.Min(uint.MaxValue, Math.Max(0, Math.Ceiling(options.BusyTimeout.TotalMilliseconds)));
            native.TemplateFuel = options.TemplateFuel;
            native.TemplateMaxOutput = options.TemplateMaxOutput;

            // The text fields point into managed arrays, pinned until store_open
            // has copied them.
            var pins = new List<GCHandle>(4);
            try
            {
                native.WorkspaceStateDirectory = Pin(pins, options.WorkspaceStateDirectory, "WorkspaceStateDirectory");
                native.JournalEndpointUrl = Pin(pins, options.JournalEndpointUrl, "JournalEndpointUrl");
                native.JournalOrganisation = Pin(pins, options.JournalOrganisation, "JournalOrganisation");
                native.JournalBucketName = Pin(pins, options.JournalBucketName, "JournalBucketName");
                StoreDbHandle handle;
                if (options.Medium == null)
                {
                    StoreException.Check(NativeMethods.store_open(path, Utf8.Len(path), ref native, out handle));
                }
                else
                {
                    // The library owns the table's GCHandle from here and releases it
                    // exactly once, also when opening fails.
                    NativeMediumVTable medium = MediumAdapter.Table(options.Medium);
                    StoreException.Check(NativeMediaMethods.store_open_with_medium(path, Utf8.Len(path), ref native, ref medium, out handle));
                }
                return new Store(handle, options.Medium);
            }
            finally
            {
                foreach (GCHandle pin in pins)
                    pin.Free();
            }
        }

        private static NativeSlice Pin(List<GCHandle> pins, string text, string name)
        {
            byte[] bytes = Utf8.Encode(text ?? "", name);
            if (bytes.Length == 0)
                return new NativeSlice();
            GCHandle pin = GCHandle.Alloc(bytes, GCHandleType.Pinned);
            pins.Add(pin);
            return new NativeSlice { Ptr = pin.AddrOfPinnedObject(), Len = Utf8.Len(bytes) };
        }

        /// <summary>The database path as given to Open.</summary>
        public string DatabasePath
        {
            get
            {
                using (HandleLease.Acquire(_handle, "store.Store"))
                {
                    NativeSlice path;
                    StoreException.Check(NativeMethods.store_database_path(_handle, out path));
                    return Utf8.Decode(Utf8.Copy(path));
                }
            }
        }

        /// <summary>True once closed (or disposed).</summary>
        public bool IsClosed
        {
            get
            {
                if (_handle.IsClosed)
                    return true;
                using (HandleLease.Acquire(_handle, "store.Store"))
                    return NativeMethods.store_is_closed(_handle);
            }
        }

        /// <summary>
        /// Closes the store: stops the purge, closes watches, drops subscriptions
        /// and rolls back an open transaction. Idempotent.
        /// </summary>
        public void Close()
        {
            using (HandleLease.Acquire(_handle, "store.Store"))
                StoreException.Check(NativeMethods.store_close(_handle));
        }

        /// <summary>Closes and frees the native store.</summary>
        public void Dispose()
        {
            _handle.Dispose();
        }

        /// <summary>A view of this store under namespace (^[a-zA-Z0-9-]+$), with optional quotas.</summary>
        public ScopedStore Scope(string ns, StoreQuota quota = null)
        {
            return new ScopedStore(this, ns, quota);
        }

        /// <summary>
        /// Begins a transaction. It belongs to the returned handle, not to a thread:
        /// any thread (an async continuation included) may use it, one call at a time.
        /// While it is open, writes through the store wait at most
        /// StoreOptions.BusyTimeout and then throw StoreBusyException.
        /// </summary>
        public Transaction BeginTransaction()
        {
            return new Transaction(BeginNative(), "store.Transaction");
        }

        internal override Transaction BeginAny()
        {
            return BeginTransaction();
        }

        internal StoreDbHandle Handle
        {
            get { return _handle; }
        }
    }
}
