using System;

namespace Dappco.Store
{
    /// <summary>
    /// An open transaction with the same key-value operations as the store; its
    /// reads see its own pending writes. Events are delivered after Commit and
    /// discarded on rollback. Dispose rolls back unless committed. Use it from
    /// one thread (the one that began it).
    /// </summary>
    public class Transaction : KeyValueView, IDisposable
    {
        private readonly StoreTxnHandle _handle;
        private readonly string _name;

        internal Transaction(StoreTxnHandle handle, string name) : base(handle, NativeMethods.store_txn_kv(handle), name)
        {
            _handle = handle;
            _name = name;
        }

        /// <summary>Commits and delivers the staged events on this thread. A second commit throws StoreClosedException.</summary>
        public void Commit()
        {
            using (HandleLease.Acquire(_handle, _name))
                StoreException.Check(NativeMethods.store_txn_commit(_handle));
        }

        /// <summary>Rolls back and discards staged events.</summary>
        public void Rollback()
        {
            using (HandleLease.Acquire(_handle, _name))
                StoreException.Check(NativeMethods.store_txn_rollback(_handle));
        }

        /// <summary>Rolls back if still open, then frees the transaction.</summary>
        public void Dispose()
        {
            _handle.Dispose();
        }
    }

    /// <summary>A transaction on a scoped store; quotas count its pending writes.</summary>
    public sealed class ScopedTransaction : Transaction
    {
        internal ScopedTransaction(StoreTxnHandle handle) : base(handle, "store.ScopedStoreTransaction") { }

        /// <summary>The namespace's usage including this transaction's pending writes.</summary>
        public StoreUsage Usage
        {
            get { return StoreUsage.Of(this); }
        }
    }
}
