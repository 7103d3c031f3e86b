// One SafeHandle subclass per native handle type. ReleaseHandle calls the
// matching free function exactly once, whether from Dispose or the finalizer;
// the native free functions are documented as safe on any thread.

using System;
using System.Runtime.InteropServices;

namespace Dappco.Store
{
    /// <summary>Base for the handles: invalid when zero.</summary>
    internal abstract class StoreHandle : SafeHandle
    {
        protected StoreHandle() : base(IntPtr.Zero, true) { }

        public override bool IsInvalid
        {
            get { return handle == IntPtr.Zero; }
        }
    }

    /// <summary>store_db*, freed with store_free (which closes first).</summary>
    internal sealed class StoreDbHandle : StoreHandle
    {
        protected override bool ReleaseHandle()
        {
            NativeMethods.store_free(handle);
            return true;
        }
    }

    /// <summary>store_scope*, freed with store_scope_free.</summary>
    internal sealed class StoreScopeHandle : StoreHandle
    {
        protected override bool ReleaseHandle()
        {
            NativeMethods.store_scope_free(handle);
            return true;
        }
    }

    /// <summary>store_txn*, freed with store_txn_free (which rolls back if open).</summary>
    internal sealed class StoreTxnHandle : StoreHandle
    {
        protected override bool ReleaseHandle()
        {
            NativeMethods.store_txn_free(handle);
            return true;
        }
    }

    /// <summary>store_iter*, freed with store_iter_free.</summary>
    internal sealed class StoreIterHandle : StoreHandle
    {
        protected override bool ReleaseHandle()
        {
            NativeMethods.store_iter_free(handle);
            return true;
        }
    }

    /// <summary>store_watch*, freed with store_watch_free.</summary>
    internal sealed class StoreWatchHandle : StoreHandle
    {
        protected override bool ReleaseHandle()
        {
            NativeMethods.store_watch_free(handle);
            return true;
        }
    }

    /// <summary>store_subscription*, released with store_unsubscribe.</summary>
    internal sealed class StoreSubscriptionHandle : StoreHandle
    {
        protected override bool ReleaseHandle()
        {
            IntPtr subscription = handle;
            NativeMethods.store_unsubscribe(ref subscription);
            return true;
        }
    }
}
