namespace Dappco.Store
{
    /// <summary>Result codes of the native library (store_status); numbers are stable.</summary>
    public enum StoreStatus : uint
    {
        /// <summary>Success.</summary>
        Ok = 0,
        /// <summary>The key does not exist or has expired.</summary>
        NotFound = 1,
        /// <summary>A namespace quota would be exceeded; nothing was written.</summary>
        QuotaExceeded = 2,
        /// <summary>The store, transaction or watch is closed.</summary>
        Closed = 3,
        /// <summary>Bad input: NULL, bad length, invalid UTF-8 where text is required.</summary>
        InvalidArgument = 4,
        /// <summary>A transaction on another handle (or another process's lock) outlasted the busy timeout.</summary>
        Busy = 5,
        /// <summary>The operating system refused a file operation.</summary>
        IO = 6,
        /// <summary>The file is not a database or is damaged.</summary>
        Corrupt = 7,
        /// <summary>The database rejected a statement.</summary>
        Query = 8,
        /// <summary>A template failed to parse or render.</summary>
        Template = 9,
        /// <summary>A bug inside the library.</summary>
        Internal = 10,
        /// <summary>No event arrived within a watch timeout.</summary>
        Timeout = 11,
        /// <summary>A transaction body returned a value that is not a status; rolled back.</summary>
        Aborted = 12,
    }
}
