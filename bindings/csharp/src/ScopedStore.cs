using System;

namespace Dappco.Store
{
    /// <summary>Limits for a namespace; 0 means unlimited.</summary>
    public sealed class StoreQuota
    {
        /// <summary>Live keys across the namespace.</summary>
        public long MaxKeys { get; set; }
        /// <summary>Distinct groups with live keys.</summary>
        public long MaxGroups { get; set; }
        /// <summary>Sum of key and value byte lengths of live rows.</summary>
        public long MaxBytes { get; set; }

        internal NativeTriple ToNative()
        {
            return new NativeTriple { StructSize = NativeTriple.Size, A = MaxKeys, B = MaxGroups, C = MaxBytes };
        }
    }

    /// <summary>What a namespace holds (live rows only).</summary>
    public struct StoreUsage
    {
        /// <summary>Live keys.</summary>
        public long Keys;
        /// <summary>Distinct groups with live keys.</summary>
        public long Groups;
        /// <summary>Sum of key and value byte lengths.</summary>
        public long Bytes;

        /// <summary>Reads the usage of a scoped store or scoped transaction view.</summary>
        internal static StoreUsage Of(KeyValueView view)
        {
            NativeTriple usage = new NativeTriple { StructSize = NativeTriple.Size };
            using (view.Enter())
                StoreException.Check(NativeMethods.store_scope_usage(view.Kv, ref usage));
            return new StoreUsage { Keys = usage.A, Groups = usage.B, Bytes = usage.C };
        }
    }

    /// <summary>
    /// A view of a store whose groups live under "namespace:" (go-store
    /// ScopedStore), with optional quotas checked inside each write's
    /// transaction. Safe to share across threads. After its store closes,
    /// calls throw StoreClosedException.
    /// </summary>
    public sealed class ScopedStore : ObservableView, IDisposable
    {
        /// <summary>The group used by the single-key helpers (STORE_DEFAULT_GROUP).</summary>
        public const string DefaultGroup = "default";

        private readonly StoreScopeHandle _handle;

        /// <summary>Opens a scoped view of <paramref name="store"/>.</summary>
        public ScopedStore(Store store, string ns, StoreQuota quota = null)
            : this(Open(store, ns, quota))
        {
        }

        private ScopedStore(StoreScopeHandle handle) : base(handle, NativeMethods.store_scope_kv(handle), "store.ScopedStore")
        {
            _handle = handle;
        }

        private static StoreScopeHandle Open(Store store, string ns, StoreQuota quota)
        {
            if (store == null)
                throw new ArgumentNullException("store");
            byte[] name = Utf8.Encode(ns, "ns");
            NativeTriple limits = (quota ?? new StoreQuota()).ToNative();
            StoreScopeHandle handle;
            using (HandleLease.Acquire(store.Handle, "store.Store"))
                StoreException.Check(NativeMethods.store_scope_open(store.Handle, name, Utf8.Len(name), ref limits, out handle));
            return handle;
        }

        /// <summary>The namespace.</summary>
        public string Namespace
        {
            get
            {
                using (HandleLease.Acquire(_handle, "store.ScopedStore"))
                {
                    NativeSlice ns;
                    StoreException.Check(NativeMethods.store_scope_namespace(_handle, out ns));
                    return Utf8.Decode(Utf8.Copy(ns));
                }
            }
        }

        /// <summary>The current limits; setting them applies to writes that start afterwards.</summary>
        public StoreQuota Quota
        {
            get
            {
                using (HandleLease.Acquire(_handle, "store.ScopedStore"))
                {
                    NativeTriple q = new NativeTriple { StructSize = NativeTriple.Size };
                    StoreException.Check(NativeMethods.store_scope_get_quota(_handle, ref q));
                    return new StoreQuota { MaxKeys = q.A, MaxGroups = q.B, MaxBytes = q.C };
                }
            }
            set
            {
                if (value == null)
                    throw new ArgumentNullException("value");
                NativeTriple q = value.ToNative();
                using (HandleLease.Acquire(_handle, "store.ScopedStore"))
                    StoreException.Check(NativeMethods.store_scope_set_quota(_handle, ref q));
            }
        }

        /// <summary>The namespace's live keys, groups and bytes.</summary>
        public StoreUsage Usage
        {
            get { return StoreUsage.Of(this); }
        }

        /// <summary>The value of key in the default group.</summary>
        public string Get(string key)
        {
            return Get(DefaultGroup, key);
        }

        /// <summary>Writes key in the default group.</summary>
        public void Set(string key, string value)
        {
            Set(DefaultGroup, key, value);
        }

        /// <summary>Begins a scoped transaction: quotas count its pending writes.</summary>
        public ScopedTransaction BeginTransaction()
        {
            return new ScopedTransaction(BeginNative());
        }

        internal override Transaction BeginAny()
        {
            return BeginTransaction();
        }

        /// <summary>Frees the scoped view (the store stays open).</summary>
        public void Dispose()
        {
            _handle.Dispose();
        }
    }
}
