using System;
using System.Collections.Generic;

namespace Dappco.Store
{
    /// <summary>Enumerates a group through store_iter, one native call per page of rows.</summary>
    internal static class GroupIterator
    {
        internal static IEnumerable<KeyValuePair<T, T>> Rows<T>(KeyValueView view, byte[] group, Func<byte[], T> convert)
        {
            StoreIterHandle iter;
            using (view.Enter())
                StoreException.Check(NativeMethods.store_iter_open(view.Kv, group, Utf8.Len(group), out iter));
            using (iter)
            {
                while (true)
                {
                    NativePairs page;
                    using (HandleLease.Acquire(iter, "store.Iterate"))
                        StoreException.Check(NativeMethods.store_iter_next_batch(iter, UIntPtr.Zero, out page));
                    List<KeyValuePair<T, T>> rows = Utf8.Take(ref page, convert);
                    if (rows.Count == 0)
                        yield break;
                    foreach (KeyValuePair<T, T> row in rows)
                        yield return row;
                }
            }
        }
    }
}
