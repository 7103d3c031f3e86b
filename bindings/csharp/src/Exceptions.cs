using System;

namespace Dappco.Store
{
    /// <summary>
    /// A failed store operation: the native status plus the library's message
    /// ("operation: message: cause"). Subclasses exist per status so callers
    /// can catch the case they handle.
    /// </summary>
    public class StoreException : Exception
    {
        /// <summary>Creates an exception for <paramref name="status"/>.</summary>
        public StoreException(StoreStatus status, string message) : base(message)
        {
            Status = status;
        }

        /// <summary>The native status code.</summary>
        public StoreStatus Status { get; private set; }

        /// <summary>
        /// The exception for a failed call. Must run on the thread that made the
        /// call, before any other native call, because the message is per-thread
        /// and replaced by the next call.
        /// </summary>
        internal static StoreException FromLastError(StoreStatus status)
        {
            string message = Utf8.FromCString(NativeMethods.store_last_error());
            if (message.Length == 0)
                message = Utf8.FromCString(NativeMethods.store_status_str((uint)status));
            return Create(status, message);
        }

        /// <summary>Maps a status to its exception type.</summary>
        internal static StoreException Create(StoreStatus status, string message)
        {
            switch (status)
            {
                case StoreStatus.NotFound: return new StoreNotFoundException(message);
                case StoreStatus.QuotaExceeded: return new StoreQuotaExceededException(message);
                case StoreStatus.Closed: return new StoreClosedException(message);
                case StoreStatus.InvalidArgument: return new StoreInvalidArgumentException(message);
                case StoreStatus.Busy: return new StoreBusyException(message);
                case StoreStatus.IO: return new StoreIOException(message);
                case StoreStatus.Corrupt: return new StoreCorruptException(message);
                case StoreStatus.Query: return new StoreQueryException(message);
                case StoreStatus.Template: return new StoreTemplateException(message);
                case StoreStatus.Internal: return new StoreInternalException(message);
                default: return new StoreException(status, message);
            }
        }

        /// <summary>Throws unless <paramref name="status"/> is Ok.</summary>
        internal static void Check(StoreStatus status)
        {
            if (status != StoreStatus.Ok)
                throw FromLastError(status);
        }
    }

    /// <summary>The key does not exist or has expired.</summary>
    public class StoreNotFoundException : StoreException
    {
        /// <summary>Creates the exception.</summary>
        public StoreNotFoundException(string message) : base(StoreStatus.NotFound, message) { }
    }

    /// <summary>A namespace quota would be exceeded; nothing was written.</summary>
    public class StoreQuotaExceededException : StoreException
    {
        /// <summary>Creates the exception.</summary>
        public StoreQuotaExceededException(string message) : base(StoreStatus.QuotaExceeded, message) { }
    }

    /// <summary>The store, transaction or watch is closed (or its object disposed).</summary>
    public class StoreClosedException : StoreException
    {
        /// <summary>Creates the exception.</summary>
        public StoreClosedException(string message) : base(StoreStatus.Closed, message) { }
    }

    /// <summary>An argument the library cannot use.</summary>
    public class StoreInvalidArgumentException : StoreException
    {
        /// <summary>Creates the exception.</summary>
        public StoreInvalidArgumentException(string message) : base(StoreStatus.InvalidArgument, message) { }
    }

    /// <summary>The database stayed locked, or this thread holds an open transaction.</summary>
    public class StoreBusyException : StoreException
    {
        /// <summary>Creates the exception.</summary>
        public StoreBusyException(string message) : base(StoreStatus.Busy, message) { }
    }

    /// <summary>The operating system refused a file operation.</summary>
    public class StoreIOException : StoreException
    {
        /// <summary>Creates the exception.</summary>
        public StoreIOException(string message) : base(StoreStatus.IO, message) { }
    }

    /// <summary>The file is not a database or is damaged.</summary>
    public class StoreCorruptException : StoreException
    {
        /// <summary>Creates the exception.</summary>
        public StoreCorruptException(string message) : base(StoreStatus.Corrupt, message) { }
    }

    /// <summary>The database rejected a statement.</summary>
    public class StoreQueryException : StoreException
    {
        /// <summary>Creates the exception.</summary>
        public StoreQueryException(string message) : base(StoreStatus.Query, message) { }
    }

    /// <summary>A template failed to parse or render.</summary>
    public class StoreTemplateException : StoreException
    {
        /// <summary>Creates the exception.</summary>
        public StoreTemplateException(string message) : base(StoreStatus.Template, message) { }
    }

    /// <summary>A bug inside the native library; the message says where.</summary>
    public class StoreInternalException : StoreException
    {
        /// <summary>Creates the exception.</summary>
        public StoreInternalException(string message) : base(StoreStatus.Internal, message) { }
    }
}
