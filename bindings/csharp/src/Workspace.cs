// Workspaces (go-store's Workspace): a DuckDB file under the store's state
// directory that collects entries and commits their per-kind counts to the
// journal. One P/Invoke per call; aggregates and rows come back as JSON.

using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace Dappco.Store
{
    /// <summary>store_workspace*, freed with store_workspace_free (which closes first, keeping the file).</summary>
    internal sealed class WorkspaceHandle : StoreHandle
    {
        internal WorkspaceHandle() { }

        internal WorkspaceHandle(IntPtr raw)
        {
            SetHandle(raw);
        }

        protected override bool ReleaseHandle()
        {
            WorkspaceNative.store_workspace_free(handle);
            return true;
        }
    }

    /// <summary>
    /// A workspace. Put is buffered: entries are written every 65536 rows and
    /// by Flush, Count, Aggregate, Query, Commit and Close, so a crash loses at
    /// most the entries put since the last of those. Thread-safe (calls run
    /// one at a time). Dispose closes it and keeps the file for recovery.
    /// </summary>
    public sealed class Workspace : IDisposable
    {
        private readonly WorkspaceHandle _handle;

        /// <summary>The workspace name.</summary>
        public string Name { get; private set; }

        /// <summary>&lt;stateDir&gt;/&lt;name&gt;.duckdb.</summary>
        public string DatabasePath { get; private set; }

        private Workspace(WorkspaceHandle handle)
        {
            _handle = handle;
            NativeBytes b;
            StoreException.Check(WorkspaceNative.store_workspace_name(_handle, out b));
            Name = Utf8.Decode(Utf8.Take(ref b));
            StoreException.Check(WorkspaceNative.store_workspace_database_path(_handle, out b));
            DatabasePath = Utf8.Decode(Utf8.Take(ref b));
        }

        /// <summary>Creates &lt;stateDir&gt;/&lt;name&gt;.duckdb (go-store NewWorkspace).</summary>
        public static Workspace Create(Store store, string name)
        {
            byte[] n = Utf8.Encode(name, "name");
            WorkspaceHandle h;
            StoreException.Check(WorkspaceNative.store_workspace_new(store.Handle, n, Utf8.Len(n), out h));
            return new Workspace(h);
        }

        /// <summary>
        /// Blocks until the scan for orphaned workspaces that opening the store
        /// started has finished (opening never waits for it). Call it for
        /// go-store's behaviour of caching orphans during open, e.g. before
        /// removing the state directory: <see cref="RecoverOrphans"/> then
        /// returns what the scan found even if the files are gone.
        /// </summary>
        public static void WaitForOrphanScan(Store store)
        {
            StoreException.Check(WorkspaceNative.store_wait_for_orphan_scan(store.Handle));
        }

        /// <summary>
        /// The uncommitted workspaces in <paramref name="dir"/> ("" = the state
        /// directory; go-store RecoverOrphans). Files whose own id was committed
        /// are deleted, unreadable ones quarantined.
        /// </summary>
        public static List<Workspace> RecoverOrphans(Store store, string dir = "")
        {
            byte[] d = Utf8.Encode(dir, "dir");
            IntPtr array;
            UIntPtr len;
            StoreException.Check(WorkspaceNative.store_recover_orphans(store.Handle, d, Utf8.Len(d), out array, out len));
            var list = new List<Workspace>();
            try
            {
                for (int i = 0; i < (int)len; i++)
                    list.Add(new Workspace(new WorkspaceHandle(Marshal.ReadIntPtr(array, i * IntPtr.Size))));
            }
            finally
            {
                WorkspaceNative.store_workspace_array_free(array, len);
            }
            return list;
        }

        private void Live()
        {
            if (_handle.IsClosed)
                throw new StoreClosedException("store.Workspace: object is disposed");
        }

        /// <summary>Buffers one entry; <paramref name="dataJson"/> is a JSON object ("" or "null" = {}).</summary>
        public void Put(string kind, string dataJson)
        {
            byte[] k = Utf8.Encode(kind, "kind"), d = Utf8.Encode(dataJson ?? "", "dataJson");
            Live();
            StoreException.Check(WorkspaceNative.store_workspace_put(_handle, k, Utf8.Len(k), d, Utf8.Len(d)));
        }

        /// <summary>Writes the buffered entries now.</summary>
        public void Flush()
        {
            Live();
            StoreException.Check(WorkspaceNative.store_workspace_flush(_handle));
        }

        /// <summary>Number of entries.</summary>
        public long Count()
        {
            long n;
            Live();
            StoreException.Check(WorkspaceNative.store_workspace_count(_handle, out n));
            return n;
        }

        private static Dictionary<string, long> Counts(ref NativeBytes json)
        {
            var doc = (Dictionary<string, object>)Json.Parse(Utf8.Decode(Utf8.Take(ref json)));
            var counts = new Dictionary<string, long>();
            foreach (var kv in doc)
                counts[kv.Key] = (long)kv.Value;
            return counts;
        }

        /// <summary>kind → count; never throws for a closed workspace (then empty, or a recovered orphan's counts).</summary>
        public Dictionary<string, long> Aggregate()
        {
            NativeBytes json;
            Live();
            StoreException.Check(WorkspaceNative.store_workspace_aggregate(_handle, out json));
            return Counts(ref json);
        }

        /// <summary>One read-only SELECT on the workspace (no file, network or extension access).</summary>
        public DuckRows Query(string sql)
        {
            byte[] q = Utf8.Encode(sql, "sql");
            NativeBytes json;
            Live();
            StoreException.Check(WorkspaceNative.store_workspace_query(_handle, q, Utf8.Len(q), out json));
            return DuckRows.FromJson(Utf8.Decode(Utf8.Take(ref json)));
        }

        /// <summary>
        /// Adds one entry per record of <paramref name="path"/> (go-store Import), read from
        /// <paramref name="medium"/> or, when it is null, the local filesystem. The kind is the
        /// file's base name without its last extension; <c>.csv</c> (header row, string values),
        /// <c>.json</c> (array of objects, or one under entries/records/data, or one object) and
        /// anything else as JSON lines. All or nothing: on any error (a bad line, a malformed CSV)
        /// the workspace is left as it was.
        /// </summary>
        public void Import(string path, IMedium medium = null)
        {
            Transfer(path, medium, false);
        }

        /// <summary>
        /// Writes the workspace to <paramref name="path"/> (go-store Export) on
        /// <paramref name="medium"/> or the local filesystem: <c>.jsonl</c>/<c>.ndjson</c> one JSON
        /// line per entry, <c>.csv</c> one row per entry, anything else the aggregate as JSON. The
        /// file is written under a temporary name and renamed, so a failure keeps an existing file.
        /// </summary>
        public void Export(string path, IMedium medium = null)
        {
            Transfer(path, medium, true);
        }

        private void Transfer(string path, IMedium medium, bool export)
        {
            byte[] p = Utf8.Encode(path, "path");
            Live();
            StoreStatus status;
            if (medium == null)
            {
                status = export
                    ? WorkspaceNative.store_workspace_export(_handle, IntPtr.Zero, p, Utf8.Len(p))
                    : WorkspaceNative.store_workspace_import(_handle, IntPtr.Zero, p, Utf8.Len(p));
            }
            else
            {
                // The library owns the table's GCHandle from here and releases it
                // exactly once before the call returns.
                NativeMediumVTable table = MediumAdapter.Table(medium);
                status = export
                    ? WorkspaceNative.store_workspace_export(_handle, ref table, p, Utf8.Len(p))
                    : WorkspaceNative.store_workspace_import(_handle, ref table, p, Utf8.Len(p));
            }
            StoreException.Check(status);
        }

        /// <summary>Commits the counts to the journal and the workspace:&lt;name&gt;/summary entry, removes the files.</summary>
        public Dictionary<string, long> Commit()
        {
            NativeBytes json;
            Live();
            StoreException.Check(WorkspaceNative.store_workspace_commit(_handle, out json));
            return Counts(ref json);
        }

        /// <summary>Closes the workspace and deletes its files; a second call does nothing.</summary>
        public void Discard()
        {
            Live();
            StoreException.Check(WorkspaceNative.store_workspace_discard(_handle));
        }

        /// <summary>Writes buffered entries and closes the file, keeping it for recovery.</summary>
        public void Close()
        {
            Live();
            StoreException.Check(WorkspaceNative.store_workspace_close(_handle));
        }

        /// <summary>Closes (keeping the file) and releases the native handle.</summary>
        public void Dispose()
        {
            _handle.Dispose();
        }
    }

    internal static class WorkspaceNative
    {
        private const string Library = NativeMethods.Library;

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern StoreStatus store_workspace_new(StoreDbHandle db, byte[] name, UIntPtr nameLen, out WorkspaceHandle ws);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void store_workspace_free(IntPtr ws);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern StoreStatus store_workspace_close(WorkspaceHandle ws);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern StoreStatus store_workspace_discard(WorkspaceHandle ws);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern StoreStatus store_workspace_put(WorkspaceHandle ws, byte[] kind, UIntPtr kindLen, byte[] data, UIntPtr dataLen);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern StoreStatus store_workspace_flush(WorkspaceHandle ws);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern StoreStatus store_workspace_count(WorkspaceHandle ws, out long n);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern StoreStatus store_workspace_aggregate(WorkspaceHandle ws, out NativeBytes json);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern StoreStatus store_workspace_query(WorkspaceHandle ws, byte[] sql, UIntPtr sqlLen, out NativeBytes json);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern StoreStatus store_workspace_commit(WorkspaceHandle ws, out NativeBytes json);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern StoreStatus store_workspace_name(WorkspaceHandle ws, out NativeBytes name);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern StoreStatus store_workspace_database_path(WorkspaceHandle ws, out NativeBytes path);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern StoreStatus store_wait_for_orphan_scan(StoreDbHandle db);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern StoreStatus store_recover_orphans(StoreDbHandle db, byte[] dir, UIntPtr dirLen, out IntPtr array, out UIntPtr len);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern StoreStatus store_workspace_import(WorkspaceHandle ws, ref NativeMediumVTable medium, byte[] path, UIntPtr pathLen);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern StoreStatus store_workspace_import(WorkspaceHandle ws, IntPtr localFilesystem, byte[] path, UIntPtr pathLen);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern StoreStatus store_workspace_export(WorkspaceHandle ws, ref NativeMediumVTable medium, byte[] path, UIntPtr pathLen);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern StoreStatus store_workspace_export(WorkspaceHandle ws, IntPtr localFilesystem, byte[] path, UIntPtr pathLen);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void store_workspace_array_free(IntPtr array, UIntPtr len);
    }
}
