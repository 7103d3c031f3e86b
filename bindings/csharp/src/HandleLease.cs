using System;
using System.Runtime.InteropServices;

namespace Dappco.Store
{
    /// <summary>
    /// Keeps a SafeHandle from being released while a native call uses it (or
    /// a pointer borrowed from it, such as a store_kv view). Using a disposed
    /// object raises StoreClosedException, like using a closed store.
    /// </summary>
    internal struct HandleLease : IDisposable
    {
        private SafeHandle _handle;
        private bool _added;

        /// <summary>Adds a reference to <paramref name="handle"/>.</summary>
        internal static HandleLease Acquire(SafeHandle handle, string owner)
        {
            var lease = new HandleLease { _handle = handle };
            try
            {
                handle.DangerousAddRef(ref lease._added);
            }
            catch (ObjectDisposedException)
            {
                throw new StoreClosedException(owner + ": object is disposed");
            }
            return lease;
        }

        /// <summary>Drops the reference; the handle may be released now.</summary>
        public void Dispose()
        {
            if (_added)
            {
                _added = false;
                _handle.DangerousRelease();
            }
        }
    }
}
