using System;

namespace Dappco.Store
{
    /// <summary>
    /// A bounded queue of change events (go-store Watch). Writers never wait for
    /// it: when it is full, new events are dropped and counted. Read it from one
    /// thread; any thread may <see cref="Close"/> it.
    /// </summary>
    public sealed class Watch : IDisposable
    {
        private readonly StoreWatchHandle _handle;

        internal Watch(StoreWatchHandle handle)
        {
            _handle = handle;
        }

        /// <summary>
        /// Waits up to <paramref name="timeout"/> for the next event (zero polls,
        /// negative waits forever). False on timeout; StoreClosedException once the
        /// queue is closed and drained.
        /// </summary>
        public bool TryNext(TimeSpan timeout, out StoreEvent evt)
        {
            return TryNext((long)timeout.TotalMilliseconds, out evt);
        }

        /// <summary>As <see cref="TryNext(TimeSpan, out StoreEvent)"/> with milliseconds (-1 = forever).</summary>
        public bool TryNext(long timeoutMs, out StoreEvent evt)
        {
            evt = null;
            using (HandleLease.Acquire(_handle, "store.Watch"))
            {
                NativeEvent raw = new NativeEvent { StructSize = NativeEvent.Size };
                StoreStatus status = NativeMethods.store_watch_next(_handle, timeoutMs, ref raw);
                if (status == StoreStatus.Timeout)
                    return false;
                StoreException.Check(status);
                // The slices are borrowed until the next call on the watch: copy now.
                evt = StoreEvent.FromNative(raw);
                return true;
            }
        }

        /// <summary>Events dropped because the queue was full.</summary>
        public ulong Dropped
        {
            get
            {
                using (HandleLease.Acquire(_handle, "store.Watch"))
                    return NativeMethods.store_watch_dropped(_handle);
            }
        }

        /// <summary>Stops delivery; buffered events stay readable. Wakes a blocked reader.</summary>
        public void Close()
        {
            using (HandleLease.Acquire(_handle, "store.Watch"))
                NativeMethods.store_watch_close(_handle);
        }

        /// <summary>Closes and frees the queue. Closing first wakes a reader blocked
        /// in TryNext, whose call holds the handle until it returns.</summary>
        public void Dispose()
        {
            if (!_handle.IsClosed)
            {
                try { Close(); }
                catch (StoreClosedException) { /* disposed concurrently */ }
            }
            _handle.Dispose();
        }
    }
}
