// Every P/Invoke declaration of the binding, mirroring include/store.h.
//
// Conventions: byte strings are passed as byte[] (pinned by the marshaller for
// the duration of the call) plus an explicit length, so embedded NUL bytes and
// non-UTF-8 data cross unchanged. size_t is UIntPtr. C bool is one byte, so
// every bool crossing the boundary is marshalled as U1. Handles are passed as
// SafeHandles, which keeps them alive (reference-counted) while a call runs.
// Key-value functions take the raw store_kv pointer because it is borrowed
// from a handle; KeyValueView pins that handle around each call instead.

using System;
using System.Runtime.InteropServices;

namespace Dappco.Store
{
    /// <summary>A borrowed byte string (store_slice).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct NativeSlice
    {
        public IntPtr Ptr;
        public UIntPtr Len;
    }

    /// <summary>An owned byte string (store_bytes), freed with store_bytes_free.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct NativeBytes
    {
        public IntPtr Ptr;
        public UIntPtr Len;
    }

    /// <summary>One key/value row of a store_pairs list.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct NativePair
    {
        public NativeSlice Key;
        public NativeSlice Value;
    }

    /// <summary>A packed key/value list (store_pairs), freed with store_pairs_free.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct NativePairs
    {
        public IntPtr Items;
        public UIntPtr Len;
        public IntPtr Internal;
    }

    /// <summary>A packed string list (store_strings), freed with store_strings_free.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct NativeStrings
    {
        public IntPtr Items;
        public UIntPtr Len;
        public IntPtr Internal;
    }

    /// <summary>store_options; the bool is a byte so the struct stays blittable.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct NativeOptions
    {
        public uint StructSize;
        public uint Synchronous;
        public long PurgeIntervalMs;
        public NativeSlice WorkspaceStateDirectory;
        public NativeSlice JournalEndpointUrl;
        public NativeSlice JournalOrganisation;
        public NativeSlice JournalBucketName;
        public byte ExclusiveLocking;
        public uint ReaderConnections;
        public uint BusyTimeoutMs;
        public ulong TemplateFuel;
        public ulong TemplateMaxOutput;
    }

    /// <summary>store_event: the slices are borrowed (see StoreEvent.FromNative).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct NativeEvent
    {
        public uint Kind;
        public uint StructSize;
        public NativeSlice Group;
        public NativeSlice Key;
        public NativeSlice Value;
        public long TimestampMs;
        public ulong Seq;

        /// <summary>sizeof(store_event).</summary>
        internal static readonly uint Size = (uint)Marshal.SizeOf(typeof(NativeEvent));
    }

    /// <summary>store_quota and store_usage share this layout (struct_size, then three int64).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct NativeTriple
    {
        public uint StructSize;
        public long A;
        public long B;
        public long C;

        /// <summary>sizeof(store_quota) and sizeof(store_usage).</summary>
        internal static readonly uint Size = (uint)Marshal.SizeOf(typeof(NativeTriple));
    }

    /// <summary>store_event_callback.</summary>
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    internal delegate void NativeEventCallback(IntPtr userData, IntPtr nativeEvent);

    /// <summary>store_release_callback.</summary>
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    internal delegate void NativeReleaseCallback(IntPtr userData);

    internal static class NativeMethods
    {
        /// <summary>
        /// Resolved by the runtime as libstore.so / libstore.dylib / store.dll.
        /// Under Mono the make targets put build/lib on LD_LIBRARY_PATH; .NET
        /// users ship the library next to the application or under runtimes/RID/native.
        /// </summary>
        internal const string Library = "store";

        /// <summary>STORE_ABI_VERSION of the header this binding was written against.</summary>
        internal const uint AbiVersion = 1;

        // Errors and versions.
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern IntPtr store_last_error();
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern IntPtr store_status_str(uint status);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern IntPtr store_version();
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern uint store_abi_version();
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern IntPtr store_event_kind_str(uint kind);

        // Store lifecycle.
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern StoreStatus store_options_init(ref NativeOptions options, UIntPtr size);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern StoreStatus store_open(byte[] path, UIntPtr pathLen, ref NativeOptions options, out StoreDbHandle db);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern StoreStatus store_close(StoreDbHandle db);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void store_free(IntPtr db);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        [return: MarshalAs(UnmanagedType.U1)]
        internal static extern bool store_is_closed(StoreDbHandle db);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern StoreStatus store_database_path(StoreDbHandle db, out NativeSlice path);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern IntPtr store_db_kv(StoreDbHandle db);

        // Scoped stores.
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern StoreStatus store_scope_open(StoreDbHandle db, byte[] ns, UIntPtr nsLen, ref NativeTriple quota, out StoreScopeHandle scope);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void store_scope_free(IntPtr scope);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern IntPtr store_scope_kv(StoreScopeHandle scope);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern StoreStatus store_scope_namespace(StoreScopeHandle scope, out NativeSlice ns);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern StoreStatus store_scope_get_quota(StoreScopeHandle scope, ref NativeTriple quota);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern StoreStatus store_scope_set_quota(StoreScopeHandle scope, ref NativeTriple quota);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern StoreStatus store_scope_usage(IntPtr kv, ref NativeTriple usage);

        // Transactions.
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern StoreStatus store_txn_begin(IntPtr kv, out StoreTxnHandle txn);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern IntPtr store_txn_kv(StoreTxnHandle txn);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern StoreStatus store_txn_commit(StoreTxnHandle txn);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern StoreStatus store_txn_rollback(StoreTxnHandle txn);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void store_txn_free(IntPtr txn);

        // Iteration.
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern StoreStatus store_iter_open(IntPtr kv, byte[] group, UIntPtr groupLen, out StoreIterHandle iter);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern StoreStatus store_iter_next_batch(StoreIterHandle iter, UIntPtr max, out NativePairs rows);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void store_iter_free(IntPtr iter);

        // Events.
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern StoreStatus store_subscribe(IntPtr kv, byte[] group, UIntPtr groupLen,
            NativeEventCallback callback, IntPtr userData, NativeReleaseCallback release, out StoreSubscriptionHandle subscription);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void store_unsubscribe(ref IntPtr subscription);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern StoreStatus store_watch_open(IntPtr kv, byte[] group, UIntPtr groupLen, UIntPtr capacity, out StoreWatchHandle watch);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern StoreStatus store_watch_next(StoreWatchHandle watch, long timeoutMs, ref NativeEvent evt);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern ulong store_watch_dropped(StoreWatchHandle watch);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void store_watch_close(StoreWatchHandle watch);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void store_watch_free(IntPtr watch);

        // Key-value operations on any store_kv view.
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern StoreStatus store_get(IntPtr kv, byte[] group, UIntPtr groupLen, byte[] key, UIntPtr keyLen, out NativeBytes value);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern StoreStatus store_set(IntPtr kv, byte[] group, UIntPtr groupLen, byte[] key, UIntPtr keyLen, byte[] value, UIntPtr valueLen);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern StoreStatus store_set_with_ttl(IntPtr kv, byte[] group, UIntPtr groupLen, byte[] key, UIntPtr keyLen, byte[] value, UIntPtr valueLen, long ttlMs);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern StoreStatus store_delete(IntPtr kv, byte[] group, UIntPtr groupLen, byte[] key, UIntPtr keyLen);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern StoreStatus store_exists(IntPtr kv, byte[] group, UIntPtr groupLen, byte[] key, UIntPtr keyLen, [MarshalAs(UnmanagedType.U1)] out bool exists);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern StoreStatus store_group_exists(IntPtr kv, byte[] group, UIntPtr groupLen, [MarshalAs(UnmanagedType.U1)] out bool exists);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern StoreStatus store_count(IntPtr kv, byte[] group, UIntPtr groupLen, out long count);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern StoreStatus store_count_all(IntPtr kv, byte[] prefix, UIntPtr prefixLen, out long count);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern StoreStatus store_delete_group(IntPtr kv, byte[] group, UIntPtr groupLen);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern StoreStatus store_delete_prefix(IntPtr kv, byte[] prefix, UIntPtr prefixLen);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern StoreStatus store_get_all(IntPtr kv, byte[] group, UIntPtr groupLen, out NativePairs rows);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern StoreStatus store_get_page(IntPtr kv, byte[] group, UIntPtr groupLen, long offset, long limit, out NativePairs rows);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern StoreStatus store_groups(IntPtr kv, byte[] prefix, UIntPtr prefixLen, out NativeStrings groups);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern StoreStatus store_get_split(IntPtr kv, byte[] group, UIntPtr groupLen, byte[] key, UIntPtr keyLen, byte[] sep, UIntPtr sepLen, out NativeStrings parts);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern StoreStatus store_get_fields(IntPtr kv, byte[] group, UIntPtr groupLen, byte[] key, UIntPtr keyLen, out NativeStrings fields);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern StoreStatus store_render(IntPtr kv, byte[] template, UIntPtr templateLen, byte[] group, UIntPtr groupLen, out NativeBytes rendered);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern StoreStatus store_purge_expired(IntPtr kv, out long removed);

        // Owned outputs.
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void store_bytes_free(ref NativeBytes bytes);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void store_pairs_free(ref NativePairs pairs);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void store_strings_free(ref NativeStrings strings);
    }
}
