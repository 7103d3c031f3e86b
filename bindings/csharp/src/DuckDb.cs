// The DuckDB analytics handle (go-store's DuckDB): open read-only or
// read-write, statements with arguments, rows, go-store's scoring helpers and
// Parquet export/import. One P/Invoke per call; results come back as one
// JSON document that is parsed here.

using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace Dappco.Store
{
    /// <summary>Codec of written Parquet files.</summary>
    public enum ParquetCompression : uint
    {
        /// <summary>Zstandard (the default).</summary>
        Zstd = 0,
        /// <summary>Snappy.</summary>
        Snappy = 1,
        /// <summary>gzip.</summary>
        Gzip = 2,
    }

    /// <summary>A query result: column names and DuckDB types, then rows of values.</summary>
    public sealed class DuckRows
    {
        /// <summary>Column names, in order.</summary>
        public IReadOnlyList<string> Columns { get; private set; }

        /// <summary>DuckDB type names (BIGINT, DECIMAL(18,3), VARCHAR[], ...), in column order.</summary>
        public IReadOnlyList<string> Types { get; private set; }

        /// <summary>
        /// One array per row. Values: integers long (decimal beyond 64 bits),
        /// doubles and decimals double, text, timestamps and UUIDs string, BLOB
        /// base64 string, booleans bool, NULL null, lists List&lt;object&gt;,
        /// structs Dictionary&lt;string, object&gt;.
        /// </summary>
        public IReadOnlyList<object[]> Rows { get; private set; }

        internal static DuckRows FromJson(string json)
        {
            var doc = (Dictionary<string, object>)Json.Parse(json);
            var names = new List<string>();
            var types = new List<string>();
            foreach (Dictionary<string, object> c in (List<object>)doc["columns"])
            {
                names.Add((string)c["name"]);
                types.Add((string)c["type"]);
            }
            var rows = new List<object[]>();
            foreach (List<object> r in (List<object>)doc["rows"])
                rows.Add(r.ToArray());
            return new DuckRows { Columns = names, Types = types, Rows = rows };
        }

        /// <summary>Row <paramref name="i"/> as a map from column name to value (go-store's row shape).</summary>
        public Dictionary<string, object> RowMap(int i)
        {
            var map = new Dictionary<string, object>(Columns.Count);
            for (int c = 0; c < Columns.Count; c++)
                map[Columns[c]] = Rows[i][c];
            return map;
        }
    }

    /// <summary>store_duckdb*, freed with store_duckdb_free (which closes first).</summary>
    internal sealed class DuckDbHandle : StoreHandle
    {
        protected override bool ReleaseHandle()
        {
            DuckNative.store_duckdb_free(handle);
            return true;
        }
    }

    /// <summary>
    /// An open DuckDB database. Thread-safe (calls run one at a time). The
    /// library never installs or loads extensions and never reaches the
    /// network: INSTALL and LOAD fail and the configuration is locked.
    /// </summary>
    public sealed class DuckDb : IDisposable
    {
        /// <summary>go-store TableCheckpointScores.</summary>
        public const string TableCheckpointScores = "checkpoint_scores";

        /// <summary>go-store TableProbeResults.</summary>
        public const string TableProbeResults = "probe_results";

        private readonly DuckDbHandle _handle;

        /// <summary>The path given at open.</summary>
        public string Path { get; private set; }

        private DuckDb(DuckDbHandle handle, string path)
        {
            _handle = handle;
            Path = path;
        }

        /// <summary>Opens an existing file read-only (go-store OpenDuckDB); a missing file throws StoreIOException.</summary>
        public static DuckDb Open(string path)
        {
            return OpenWith(path, false);
        }

        /// <summary>Opens a file read-write, creating it if absent (go-store OpenDuckDBReadWrite); ":memory:" is private and in memory.</summary>
        public static DuckDb OpenReadWrite(string path)
        {
            return OpenWith(path, true);
        }

        private static DuckDb OpenWith(string path, bool readWrite)
        {
            byte[] p = Utf8.Encode(path, "path");
            DuckDbHandle h;
            StoreException.Check(readWrite
                ? DuckNative.store_duckdb_open_read_write(p, Utf8.Len(p), out h)
                : DuckNative.store_duckdb_open(p, Utf8.Len(p), out h));
            return new DuckDb(h, path);
        }

        /// <summary>Throws StoreClosedException once the object is disposed.</summary>
        private void Live()
        {
            if (_handle.IsClosed)
                throw new StoreClosedException("store.DuckDB: object is disposed");
        }

        /// <summary>Closes the database; later calls throw StoreClosedException.</summary>
        public void Close()
        {
            Live();
            StoreException.Check(DuckNative.store_duckdb_close(_handle));
        }

        /// <summary>Closes and releases the native handle.</summary>
        public void Dispose()
        {
            _handle.Dispose();
        }

        /// <summary>Runs a statement (several when there are no arguments); returns the rows changed by the last.</summary>
        public long Exec(string sql, params object[] args)
        {
            byte[] q = Utf8.Encode(sql, "sql");
            byte[] a = Utf8.Encode(Json.EncodeArgs(args), "args");
            ulong changed;
            Live();
            StoreException.Check(DuckNative.store_duckdb_exec(_handle, q, Utf8.Len(q), a, Utf8.Len(a), out changed));
            return (long)changed;
        }

        /// <summary>Runs a query and returns the library's JSON document ({"columns":[..],"rows":[[..]]}).</summary>
        public string QueryJson(string sql, params object[] args)
        {
            return Query(sql, args, false);
        }

        /// <summary>Runs a query and returns its rows (go-store QueryRows).</summary>
        public DuckRows QueryRows(string sql, params object[] args)
        {
            return DuckRows.FromJson(Query(sql, args, false));
        }

        /// <summary>The first column of the first row (go-store QueryRowScan); StoreNotFoundException without a row.</summary>
        public object QueryScalar(string sql, params object[] args)
        {
            return Json.Parse(Query(sql, args, true));
        }

        private string Query(string sql, object[] args, bool scalar)
        {
            byte[] q = Utf8.Encode(sql, "sql");
            byte[] a = Utf8.Encode(Json.EncodeArgs(args), "args");
            NativeBytes json;
            Live();
            StoreException.Check(scalar
                ? DuckNative.store_duckdb_query_scalar(_handle, q, Utf8.Len(q), a, Utf8.Len(a), out json)
                : DuckNative.store_duckdb_query_rows(_handle, q, Utf8.Len(q), a, Utf8.Len(a), out json));
            return Utf8.Decode(Utf8.Take(ref json));
        }

        /// <summary>Creates checkpoint_scores, probe_results and scoring_results when missing.</summary>
        public void EnsureScoringTables()
        {
            Live();
            StoreException.Check(DuckNative.store_duckdb_ensure_scoring_tables(_handle));
        }

        /// <summary>Inserts one scoring_results row, stamped now.</summary>
        public void WriteScoringResult(string model, string promptId, string suite, string dimension, double score)
        {
            byte[] m = Utf8.Encode(model, "model"), p = Utf8.Encode(promptId, "promptId");
            byte[] s = Utf8.Encode(suite, "suite"), d = Utf8.Encode(dimension, "dimension");
            Live();
            StoreException.Check(DuckNative.store_duckdb_write_scoring_result(_handle, m, Utf8.Len(m), p, Utf8.Len(p),
                s, Utf8.Len(s), d, Utf8.Len(d), score));
        }

        /// <summary>Row counts of go-store's known tables; missing tables are left out.</summary>
        public Dictionary<string, long> TableCounts()
        {
            NativeBytes json;
            Live();
            StoreException.Check(DuckNative.store_duckdb_table_counts(_handle, out json));
            var doc = (Dictionary<string, object>)Json.Parse(Utf8.Decode(Utf8.Take(ref json)));
            var counts = new Dictionary<string, long>();
            foreach (var kv in doc)
                counts[kv.Key] = (long)kv.Value;
            return counts;
        }

        /// <summary>Writes a table (or a SELECT/WITH/FROM/VALUES query) to one Parquet file atomically; returns the rows written.</summary>
        public long ExportParquet(string file, string table, ParquetCompression compression = ParquetCompression.Zstd)
        {
            byte[] t = Utf8.Encode(table, "table"), f = Utf8.Encode(file, "file");
            ulong rows;
            Live();
            StoreException.Check(DuckNative.store_duckdb_export_parquet(_handle, t, Utf8.Len(t), f, Utf8.Len(f), (uint)compression, out rows));
            return (long)rows;
        }

        /// <summary>Writes a table as a hive-partitioned dataset (dir/column=value/...parquet), replacing an earlier one; returns the rows written.</summary>
        public long ExportSplitParquet(string dir, string table, string column, ParquetCompression compression = ParquetCompression.Zstd)
        {
            byte[] d = Utf8.Encode(dir, "dir"), t = Utf8.Encode(table, "table"), c = Utf8.Encode(column, "column");
            ulong rows;
            Live();
            StoreException.Check(DuckNative.store_duckdb_export_split_parquet(_handle, d, Utf8.Len(d), t, Utf8.Len(t), c, Utf8.Len(c),
                (uint)compression, out rows));
            return (long)rows;
        }

        /// <summary>Loads a Parquet file, glob or hive dataset directory into a table (created when absent), all or nothing.</summary>
        public long ImportParquet(string table, string path)
        {
            byte[] t = Utf8.Encode(table, "table"), p = Utf8.Encode(path, "path");
            ulong rows;
            Live();
            StoreException.Check(DuckNative.store_duckdb_import_parquet(_handle, t, Utf8.Len(t), p, Utf8.Len(p), out rows));
            return (long)rows;
        }

        /// <summary>go-store ExportParquet(trainingDir, outputDir): train/valid/test.jsonl chats to outputDir/&lt;split&gt;.parquet.</summary>
        public static long ExportTrainingParquet(string trainingDir, string outputDir)
        {
            byte[] d = Utf8.Encode(trainingDir, "trainingDir"), o = Utf8.Encode(outputDir, "outputDir");
            ulong rows;
            StoreException.Check(DuckNative.store_export_training_parquet(d, Utf8.Len(d), o, Utf8.Len(o), out rows));
            return (long)rows;
        }

        /// <summary>go-store ExportSplitParquet(jsonlPath, outputDir, split): one JSONL file to outputDir/&lt;split&gt;.parquet.</summary>
        public static long ExportTrainingSplitParquet(string jsonlPath, string outputDir, string split)
        {
            byte[] j = Utf8.Encode(jsonlPath, "jsonlPath"), o = Utf8.Encode(outputDir, "outputDir"), s = Utf8.Encode(split, "split");
            ulong rows;
            StoreException.Check(DuckNative.store_export_training_split_parquet(j, Utf8.Len(j), o, Utf8.Len(o), s, Utf8.Len(s), out rows));
            return (long)rows;
        }
    }

    /// <summary>P/Invoke declarations of the DuckDB functions in store.h.</summary>
    internal static class DuckNative
    {
        private const string Library = NativeMethods.Library;

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern StoreStatus store_duckdb_open(byte[] path, UIntPtr pathLen, out DuckDbHandle db);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern StoreStatus store_duckdb_open_read_write(byte[] path, UIntPtr pathLen, out DuckDbHandle db);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern StoreStatus store_duckdb_close(DuckDbHandle db);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void store_duckdb_free(IntPtr db);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern StoreStatus store_duckdb_exec(DuckDbHandle db, byte[] sql, UIntPtr sqlLen, byte[] args, UIntPtr argsLen, out ulong changed);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern StoreStatus store_duckdb_query_rows(DuckDbHandle db, byte[] sql, UIntPtr sqlLen, byte[] args, UIntPtr argsLen, out NativeBytes json);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern StoreStatus store_duckdb_query_scalar(DuckDbHandle db, byte[] sql, UIntPtr sqlLen, byte[] args, UIntPtr argsLen, out NativeBytes json);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern StoreStatus store_duckdb_ensure_scoring_tables(DuckDbHandle db);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern StoreStatus store_duckdb_write_scoring_result(DuckDbHandle db, byte[] model, UIntPtr modelLen,
            byte[] promptId, UIntPtr promptIdLen, byte[] suite, UIntPtr suiteLen, byte[] dimension, UIntPtr dimensionLen, double score);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern StoreStatus store_duckdb_table_counts(DuckDbHandle db, out NativeBytes json);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern StoreStatus store_duckdb_export_parquet(DuckDbHandle db, byte[] source, UIntPtr sourceLen,
            byte[] file, UIntPtr fileLen, uint compression, out ulong rows);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern StoreStatus store_duckdb_export_split_parquet(DuckDbHandle db, byte[] dir, UIntPtr dirLen,
            byte[] source, UIntPtr sourceLen, byte[] column, UIntPtr columnLen, uint compression, out ulong rows);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern StoreStatus store_duckdb_import_parquet(DuckDbHandle db, byte[] table, UIntPtr tableLen,
            byte[] path, UIntPtr pathLen, out ulong rows);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern StoreStatus store_export_training_parquet(byte[] dir, UIntPtr dirLen, byte[] output, UIntPtr outputLen, out ulong rows);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern StoreStatus store_export_training_split_parquet(byte[] jsonl, UIntPtr jsonlLen, byte[] output, UIntPtr outputLen,
            byte[] split, UIntPtr splitLen, out ulong rows);
    }
}
