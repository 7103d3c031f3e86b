using System;
using System.Runtime.InteropServices;
using System.Threading;

namespace Dappco.Store
{
    /// <summary>
    /// A callback registered with <see cref="ObservableView.Subscribe(string, Action{StoreEvent}, Action{Exception})"/>.
    /// The handler runs on the writing thread after commit and may call back
    /// into the store. Exceptions it throws never reach native code: they are
    /// counted, kept in <see cref="LastException"/> and passed to the optional
    /// error handler. The subscription stays active, even if unreferenced,
    /// until disposed or until its store closes.
    /// </summary>
    public sealed class Subscription : IDisposable
    {
        private readonly StoreSubscriptionHandle _handle;
        private readonly CallbackState _state;

        private Subscription(StoreSubscriptionHandle handle, CallbackState state)
        {
            _handle = handle;
            _state = state;
        }

        /// <summary>How many times the handler threw.</summary>
        public int FailureCount
        {
            get { return Volatile.Read(ref _state.Failures); }
        }

        /// <summary>The last exception the handler threw, or null.</summary>
        public Exception LastException
        {
            get { return Volatile.Read(ref _state.Last); }
        }

        /// <summary>Unsubscribes; waits for running calls of the handler unless called from inside it.</summary>
        public void Dispose()
        {
            _handle.Dispose();
        }

        // The native side holds a GCHandle to this state (the user_data) until it
        // calls Release, so the delegates stay reachable for as long as native
        // code may call them. The trampolines are static fields: never collected.
        private sealed class CallbackState
        {
            internal Action<StoreEvent> Handler;
            internal Action<Exception> OnError;
            internal int Failures;
            internal Exception Last;
            internal Subscription Owner; // keeps an unreferenced subscription alive while registered

            internal void Deliver(StoreEvent e)
            {
                try
                {
                    Handler(e);
                }
                catch (Exception ex)
                {
                    Interlocked.Increment(ref Failures);
                    Volatile.Write(ref Last, ex);
                    if (OnError != null)
                    {
                        try { OnError(ex); }
                        catch { /* an error handler's own failure has nowhere else to go */ }
                    }
                }
            }
        }

        private static readonly NativeEventCallback Dispatch = OnEvent;
        private static readonly NativeReleaseCallback Release = OnRelease;

        private static void OnEvent(IntPtr userData, IntPtr nativeEvent)
        {
            try
            {
                var state = (CallbackState)GCHandle.FromIntPtr(userData).Target;
                state.Deliver(StoreEvent.FromNative(nativeEvent));
            }
            catch
            {
                // Nothing may unwind into the library (Deliver already catches the
                // handler's exceptions; this covers copying the event).
            }
        }

        private static void OnRelease(IntPtr userData)
        {
            try
            {
                GCHandle h = GCHandle.FromIntPtr(userData);
                var state = (CallbackState)h.Target;
                state.Owner = null;
                h.Free();
            }
            catch
            {
                // As above: never unwind into native code.
            }
        }

        internal static Subscription Create(KeyValueView view, byte[] group, Action<StoreEvent> handler, Action<Exception> onError)
        {
            if (handler == null)
                throw new ArgumentNullException("handler");
            var state = new CallbackState { Handler = handler, OnError = onError };
            IntPtr userData = GCHandle.ToIntPtr(GCHandle.Alloc(state));
            StoreSubscriptionHandle handle;
            // On failure the library has already called Release, freeing userData.
            using (view.Enter())
                StoreException.Check(NativeMethods.store_subscribe(view.Kv, group, Utf8.Len(group), Dispatch, userData, Release, out handle));
            var subscription = new Subscription(handle, state);
            state.Owner = subscription;
            return subscription;
        }
    }
}
