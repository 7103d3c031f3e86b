using System;
using System.Runtime.InteropServices;

namespace Dappco.Store
{
    /// <summary>
    /// A store or scoped store: a key-value view that also delivers change events
    /// and starts transactions.
    /// </summary>
    public abstract class ObservableView : KeyValueView
    {
        internal ObservableView(SafeHandle owner, IntPtr kv, string name) : base(owner, kv, name) { }

        /// <summary>
        /// Calls <paramref name="handler"/> for each committed change to
        /// <paramref name="group"/> ("*" for every group), on the writing thread.
        /// Exceptions from the handler go to <paramref name="onError"/> (if given)
        /// and <see cref="Subscription.LastException"/>, never to the writer.
        /// </summary>
        public Subscription Subscribe(string group, Action<StoreEvent> handler, Action<Exception> onError = null)
        {
            return Subscription.Create(this, Utf8.Encode(group, "group"), handler, onError);
        }

        /// <summary>Subscribes to every group (see <see cref="Subscribe(string, Action{StoreEvent}, Action{Exception})"/>).</summary>
        public Subscription Subscribe(Action<StoreEvent> handler, Action<Exception> onError = null)
        {
            return Subscribe("*", handler, onError);
        }

        /// <summary>Opens a bounded event queue on group ("*" for all); capacity 0 means 16.</summary>
        public Watch Watch(string group, int capacity = 0)
        {
            if (capacity < 0)
                throw new ArgumentOutOfRangeException("capacity");
            byte[] g = Utf8.Encode(group, "group");
            StoreWatchHandle handle;
            using (Enter())
                StoreException.Check(NativeMethods.store_watch_open(Kv, g, Utf8.Len(g), new UIntPtr((uint)capacity), out handle));
            return new Watch(handle);
        }

        /// <summary>Begins the native transaction; the subclass wraps the handle.</summary>
        internal StoreTxnHandle BeginNative()
        {
            StoreTxnHandle handle;
            using (Enter())
                StoreException.Check(NativeMethods.store_txn_begin(Kv, out handle));
            return handle;
        }

        /// <summary>Begins a transaction of the right kind for this view.</summary>
        internal abstract Transaction BeginAny();

        /// <summary>
        /// Runs <paramref name="body"/> inside a transaction: commits when it
        /// returns, rolls back when it throws (the exception propagates).
        /// </summary>
        public void InTransaction(Action<Transaction> body)
        {
            if (body == null)
                throw new ArgumentNullException("body");
            using (Transaction txn = BeginAny())
            {
                body(txn);
                txn.Commit();
            }
        }
    }
}
