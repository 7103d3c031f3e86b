using System;

namespace Dappco.Store
{
    /// <summary>Journal rows as InfluxDB line protocol, to feed InfluxDB or Telegraf.</summary>
    public static class LineProtocol
    {
        /// <summary>
        /// Converts journal rows, given as JSON (an array of row objects, or one row
        /// object per line as in an archive), to line protocol: one line per row,
        /// tags and fields sorted, integers with the i suffix, committed_at (ms) as a
        /// nanosecond timestamp. Rows line protocol cannot carry throw
        /// <see cref="StoreInvalidArgumentException"/> naming the row.
        /// </summary>
        public static string FromRows(string rowsJson)
        {
            byte[] rows = Utf8.Encode(rowsJson ?? "", "rowsJson");
            NativeBytes output;
            StoreException.Check(NativeMediaMethods.store_export_line_protocol(rows, Utf8.Len(rows), out output));
            return Utf8.Decode(Utf8.Take(ref output));
        }
    }
}
