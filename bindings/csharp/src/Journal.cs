// The journal and compaction: CommitToJournal, QueryJournal and Compact on
// a Store (and journal calls on a Transaction). Rows and entries come back
// as the library's JSON text, ready for System.Text.Json, Newtonsoft.Json or
// any other JSON reader the application already uses.

using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Text;

namespace Dappco.Store
{
    /// <summary>
    /// Options of <see cref="Journal.Compact"/> (go-store's CompactOptions).
    /// </summary>
    public sealed class CompactOptions
    {
        /// <summary>Rows committed before this time are archived. Required.</summary>
        public DateTimeOffset? Before { get; set; }

        /// <summary>Archive directory; empty means ".core/archive/".</summary>
        public string Output { get; set; } = "";

        /// <summary>"gzip" (default) or "zstd", any case.</summary>
        public string Format { get; set; } = "";

        /// <summary>When positive, archived rows committed longer ago than this are deleted after archiving.</summary>
        public TimeSpan Retention { get; set; } = TimeSpan.Zero;

        /// <summary>Throws StoreInvalidArgumentException with go-store's message when Before is unset or Format unknown.</summary>
        public void Validate()
        {
            using (var native = new NativeCompactOptions.Pinned(this))
                StoreException.Check(JournalNative.store_compact_options_validate(ref native.Options));
        }
    }

    /// <summary>store_compact_options.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct NativeCompactOptions
    {
        public uint StructSize;
        public long BeforeMs;
        public NativeSlice Output;
        public NativeSlice Format;
        public long RetentionMs;

        /// <summary>The options with their text pinned for one native call.</summary>
        internal sealed class Pinned : IDisposable
        {
            internal NativeCompactOptions Options;
            private GCHandle _output, _format;

            internal Pinned(CompactOptions o)
            {
                if (o == null)
                    throw new ArgumentNullException("options");
                if (o.Retention < TimeSpan.Zero)
                    throw new StoreInvalidArgumentException("store.Compact: retention must not be negative");
                StoreException.Check(JournalNative.store_compact_options_init(ref Options, (UIntPtr)Marshal.SizeOf(typeof(NativeCompactOptions))));
                Options.BeforeMs = o.Before.HasValue ? o.Before.Value.ToUnixTimeMilliseconds() : 0;
                Options.RetentionMs = (long)o.Retention.TotalMilliseconds;
                Options.Output = Pin(o.Output, "Output", out _output);
                Options.Format = Pin(o.Format, "Format", out _format);
            }

            private static NativeSlice Pin(string text, string name, out GCHandle handle)
            {
                byte[] bytes = Utf8.Encode(text ?? "", name);
                handle = GCHandle.Alloc(bytes, GCHandleType.Pinned);
                return new NativeSlice { Ptr = handle.AddrOfPinnedObject(), Len = Utf8.Len(bytes) };
            }

            public void Dispose()
            {
                if (_output.IsAllocated) _output.Free();
                if (_format.IsAllocated) _format.Free();
            }
        }
    }

    internal static class JournalNative
    {
        [DllImport(NativeMethods.Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern StoreStatus store_journal_commit(IntPtr kv, byte[] measurement, UIntPtr measurementLen,
            byte[] fields, UIntPtr fieldsLen, byte[] tags, UIntPtr tagsLen, out NativeBytes entry);
        [DllImport(NativeMethods.Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern StoreStatus store_journal_query(IntPtr kv, byte[] query, UIntPtr queryLen, out NativeBytes rows);
        [DllImport(NativeMethods.Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern StoreStatus store_compact_options_init(ref NativeCompactOptions options, UIntPtr size);
        [DllImport(NativeMethods.Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern StoreStatus store_compact_options_validate(ref NativeCompactOptions options);
        [DllImport(NativeMethods.Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern StoreStatus store_compact(StoreDbHandle db, ref NativeCompactOptions options, out NativeBytes path);
    }

    /// <summary>Journal and compaction methods of <see cref="Store"/> and <see cref="Transaction"/>.</summary>
    public static class Journal
    {
        /// <summary>
        /// Records a journal row: fieldsJson is a JSON object (null or "" for none), tags a string map.
        /// Returns the recorded entry as JSON: bucket, measurement, fields, tags, committed_at (Unix ms).
        /// </summary>
        public static string CommitToJournal(this Store store, string measurement, string fieldsJson, IDictionary<string, string> tags = null)
        {
            return Commit(store, measurement, fieldsJson, tags);
        }

        /// <summary>Records a journal row inside the transaction (it commits or rolls back with it).</summary>
        public static string CommitToJournal(this Transaction txn, string measurement, string fieldsJson, IDictionary<string, string> tags = null)
        {
            return Commit(txn, measurement, fieldsJson, tags);
        }

        /// <summary>
        /// Journal rows as a JSON array: "" for every unarchived row, SELECT/WITH/EXPLAIN/PRAGMA for one
        /// read-only SQL statement, otherwise the Flux subset. Unsupported input throws StoreQueryException.
        /// </summary>
        public static string QueryJournal(this Store store, string query)
        {
            return Query(store, query);
        }

        /// <summary>Queries the journal inside the transaction, seeing its pending rows.</summary>
        public static string QueryJournal(this Transaction txn, string query)
        {
            return Query(txn, query);
        }

        /// <summary>
        /// Journal rows as dictionaries (go-store's row maps): column name to long, double, string,
        /// bool or null; "fields" is a Dictionary&lt;string, object&gt; and "tags" a
        /// Dictionary&lt;string, object&gt; of strings. Same queries as <see cref="QueryJournal(Store, string)"/>.
        /// </summary>
        public static List<Dictionary<string, object>> QueryJournalRows(this Store store, string query)
        {
            return Rows(Query(store, query));
        }

        /// <summary>Like <see cref="QueryJournalRows(Store, string)"/>, inside the transaction.</summary>
        public static List<Dictionary<string, object>> QueryJournalRows(this Transaction txn, string query)
        {
            return Rows(Query(txn, query));
        }

        private static List<Dictionary<string, object>> Rows(string json)
        {
            var rows = new List<Dictionary<string, object>>();
            var parsed = Json.Parse(json) as List<object>;
            if (parsed == null)
                throw new StoreInternalException("store: journal rows from the library are not a JSON array");
            foreach (object row in parsed)
            {
                var map = row as Dictionary<string, object>;
                if (map == null)
                    throw new StoreInternalException("store: a journal row from the library is not a JSON object");
                rows.Add(map);
            }
            return rows;
        }

        /// <summary>
        /// Archives journal rows committed before options.Before into a compressed JSONL file, published
        /// atomically before the rows are marked archived. Returns the archive path, or "" when no row qualified.
        /// </summary>
        public static string Compact(this Store store, CompactOptions options)
        {
            if (store == null)
                throw new ArgumentNullException("store");
            NativeBytes path;
            using (var native = new NativeCompactOptions.Pinned(options))
            using (store.Enter())
                StoreException.Check(JournalNative.store_compact(store.Handle, ref native.Options, out path));
            return Utf8.Decode(Utf8.Take(ref path));
        }

        private static string Commit(KeyValueView view, string measurement, string fieldsJson, IDictionary<string, string> tags)
        {
            if (view == null)
                throw new ArgumentNullException("view");
            byte[] m = Utf8.Encode(measurement, "measurement");
            byte[] f = Utf8.Encode(fieldsJson ?? "", "fieldsJson");
            byte[] t = Utf8.Encode(TagsJson(tags), "tags");
            NativeBytes entry;
            using (view.Enter())
                StoreException.Check(JournalNative.store_journal_commit(view.Kv, m, Utf8.Len(m), f, Utf8.Len(f), t, Utf8.Len(t), out entry));
            return Utf8.Decode(Utf8.Take(ref entry));
        }

        private static string Query(KeyValueView view, string query)
        {
            if (view == null)
                throw new ArgumentNullException("view");
            byte[] q = Utf8.Encode(query ?? "", "query");
            NativeBytes rows;
            using (view.Enter())
                StoreException.Check(JournalNative.store_journal_query(view.Kv, q, Utf8.Len(q), out rows));
            return Utf8.Decode(Utf8.Take(ref rows));
        }

        /// <summary>A string map as a JSON object (the library re-encodes it in Go's form).</summary>
        internal static string TagsJson(IDictionary<string, string> tags)
        {
            var sb = new StringBuilder("{");
            if (tags != null)
            {
                bool first = true;
                foreach (var pair in tags)
                {
                    if (!first) sb.Append(',');
                    first = false;
                    Quote(sb, pair.Key ?? throw new ArgumentException("tag names must not be null", "tags"));
                    sb.Append(':');
                    Quote(sb, pair.Value ?? "");
                }
            }
            return sb.Append('}').ToString();
        }

        private static void Quote(StringBuilder sb, string s)
        {
            sb.Append('"');
            foreach (char c in s)
            {
                switch (c)
                {
                    case '"': sb.Append("\\\""); break;
                    case '\\': sb.Append("\\\\"); break;
                    default:
                        if (c < 0x20) sb.Append("\\u").Append(((int)c).ToString("x4"));
                        else sb.Append(c);
                        break;
                }
            }
            sb.Append('"');
        }
    }
}
