using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace Dappco.Store
{
    /// <summary>
    /// The key-value operations shared by <see cref="Store"/>, <see cref="ScopedStore"/>
    /// and <see cref="Transaction"/> (one native store_kv view each).
    /// String arguments travel as UTF-8; the byte[] overloads pass any bytes,
    /// including NUL and non-UTF-8 data. Results come back in key order.
    /// </summary>
    public abstract class KeyValueView
    {
        private readonly SafeHandle _owner;
        private readonly IntPtr _kv;
        private readonly string _name;

        internal KeyValueView(SafeHandle owner, IntPtr kv, string name)
        {
            _owner = owner;
            _kv = kv;
            _name = name;
        }

        /// <summary>The borrowed store_kv pointer; use only inside <see cref="Enter"/>.</summary>
        internal IntPtr Kv
        {
            get { return _kv; }
        }

        /// <summary>Keeps the owning handle alive for the duration of a native call.</summary>
        internal HandleLease Enter()
        {
            return HandleLease.Acquire(_owner, _name);
        }

        private static byte[] E(string text, string name)
        {
            return Utf8.Encode(text, name);
        }

        private static byte[] R(byte[] bytes, string name)
        {
            return Utf8.Require(bytes, name);
        }

        /// <summary>The value at (group, key); StoreNotFoundException when absent or expired.</summary>
        public string Get(string group, string key)
        {
            return Utf8.Decode(Get(E(group, "group"), E(key, "key")));
        }

        /// <summary>The value at (group, key) as bytes; StoreNotFoundException when absent or expired.</summary>
        public byte[] Get(byte[] group, byte[] key)
        {
            byte[] value;
            if (!TryGet(group, key, out value))
                throw StoreException.FromLastError(StoreStatus.NotFound);
            return value;
        }

        /// <summary>Reads (group, key); false when absent or expired.</summary>
        public bool TryGet(string group, string key, out string value)
        {
            byte[] bytes;
            bool found = TryGet(E(group, "group"), E(key, "key"), out bytes);
            value = found ? Utf8.Decode(bytes) : null;
            return found;
        }

        /// <summary>Reads (group, key) as bytes; false when absent or expired.</summary>
        public bool TryGet(byte[] group, byte[] key, out byte[] value)
        {
            R(group, "group");
            R(key, "key");
            NativeBytes raw;
            using (Enter())
            {
                StoreStatus status = NativeMethods.store_get(_kv, group, Utf8.Len(group), key, Utf8.Len(key), out raw);
                if (status == StoreStatus.NotFound)
                {
                    value = null;
                    return false;
                }
                StoreException.Check(status);
            }
            value = Utf8.Take(ref raw);
            return true;
        }

        /// <summary>Writes value at (group, key) with no expiry.</summary>
        public void Set(string group, string key, string value)
        {
            Set(E(group, "group"), E(key, "key"), E(value, "value"));
        }

        /// <summary>Writes value at (group, key) with no expiry.</summary>
        public void Set(byte[] group, byte[] key, byte[] value)
        {
            R(group, "group");
            R(key, "key");
            R(value, "value");
            using (Enter())
                StoreException.Check(NativeMethods.store_set(_kv, group, Utf8.Len(group), key, Utf8.Len(key), value, Utf8.Len(value)));
        }

        /// <summary>Writes value at (group, key), expiring after ttl (zero or negative: already expired).</summary>
        public void SetWithTtl(string group, string key, string value, TimeSpan ttl)
        {
            SetWithTtl(E(group, "group"), E(key, "key"), E(value, "value"), ttl);
        }

        /// <summary>Writes value at (group, key), expiring after ttl (zero or negative: already expired).</summary>
        public void SetWithTtl(byte[] group, byte[] key, byte[] value, TimeSpan ttl)
        {
            R(group, "group");
            R(key, "key");
            R(value, "value");
            long ms = (long)ttl.TotalMilliseconds;
            using (Enter())
                StoreException.Check(NativeMethods.store_set_with_ttl(_kv, group, Utf8.Len(group), key, Utf8.Len(key), value, Utf8.Len(value), ms));
        }

        /// <summary>Deletes (group, key); a missing key is not an error.</summary>
        public void Delete(string group, string key)
        {
            Delete(E(group, "group"), E(key, "key"));
        }

        /// <summary>Deletes (group, key); a missing key is not an error.</summary>
        public void Delete(byte[] group, byte[] key)
        {
            R(group, "group");
            R(key, "key");
            using (Enter())
                StoreException.Check(NativeMethods.store_delete(_kv, group, Utf8.Len(group), key, Utf8.Len(key)));
        }

        /// <summary>Whether a live row exists at (group, key).</summary>
        public bool Exists(string group, string key)
        {
            return Exists(E(group, "group"), E(key, "key"));
        }

        /// <summary>Whether a live row exists at (group, key).</summary>
        public bool Exists(byte[] group, byte[] key)
        {
            R(group, "group");
            R(key, "key");
            bool exists;
            using (Enter())
                StoreException.Check(NativeMethods.store_exists(_kv, group, Utf8.Len(group), key, Utf8.Len(key), out exists));
            return exists;
        }

        /// <summary>Whether group has at least one live row.</summary>
        public bool GroupExists(string group)
        {
            return GroupExists(E(group, "group"));
        }

        /// <summary>Whether group has at least one live row.</summary>
        public bool GroupExists(byte[] group)
        {
            R(group, "group");
            bool exists;
            using (Enter())
                StoreException.Check(NativeMethods.store_group_exists(_kv, group, Utf8.Len(group), out exists));
            return exists;
        }

        /// <summary>The number of live rows in group.</summary>
        public long Count(string group)
        {
            return Count(E(group, "group"));
        }

        /// <summary>The number of live rows in group.</summary>
        public long Count(byte[] group)
        {
            R(group, "group");
            long count;
            using (Enter())
                StoreException.Check(NativeMethods.store_count(_kv, group, Utf8.Len(group), out count));
            return count;
        }

        /// <summary>Live rows in groups starting with prefix (case-sensitive; "" = all).</summary>
        public long CountAll(string prefix = "")
        {
            return CountAll(E(prefix, "prefix"));
        }

        /// <summary>Live rows in groups starting with prefix (bytewise; empty = all).</summary>
        public long CountAll(byte[] prefix)
        {
            R(prefix, "prefix");
            long count;
            using (Enter())
                StoreException.Check(NativeMethods.store_count_all(_kv, prefix, Utf8.Len(prefix), out count));
            return count;
        }

        /// <summary>Deletes every row of group.</summary>
        public void DeleteGroup(string group)
        {
            DeleteGroup(E(group, "group"));
        }

        /// <summary>Deletes every row of group.</summary>
        public void DeleteGroup(byte[] group)
        {
            R(group, "group");
            using (Enter())
                StoreException.Check(NativeMethods.store_delete_group(_kv, group, Utf8.Len(group)));
        }

        /// <summary>Deletes every group whose name starts with prefix ("" = all groups of the view).</summary>
        public void DeletePrefix(string prefix)
        {
            DeletePrefix(E(prefix, "prefix"));
        }

        /// <summary>Deletes every group whose name starts with prefix (empty = all groups of the view).</summary>
        public void DeletePrefix(byte[] prefix)
        {
            R(prefix, "prefix");
            using (Enter())
                StoreException.Check(NativeMethods.store_delete_prefix(_kv, prefix, Utf8.Len(prefix)));
        }

        /// <summary>The live rows of group, ordered by key (bytewise).</summary>
        public List<KeyValuePair<string, string>> GetAll(string group)
        {
            return GetAll(E(group, "group"), Utf8.Decode);
        }

        /// <summary>The live rows of group as bytes, ordered by key.</summary>
        public List<KeyValuePair<byte[], byte[]>> GetAll(byte[] group)
        {
            return GetAll(R(group, "group"), Utf8.Same);
        }

        private List<KeyValuePair<T, T>> GetAll<T>(byte[] group, Func<byte[], T> convert)
        {
            return ReadPairs((IntPtr kv, out NativePairs rows) => NativeMethods.store_get_all(kv, group, Utf8.Len(group), out rows), convert);
        }

        private delegate StoreStatus PairsCall(IntPtr kv, out NativePairs rows);
        private delegate StoreStatus StringsCall(IntPtr kv, out NativeStrings items);

        /// <summary>Makes a call that returns a key/value list and copies it out.</summary>
        private List<KeyValuePair<T, T>> ReadPairs<T>(PairsCall call, Func<byte[], T> convert)
        {
            NativePairs rows;
            using (Enter())
                StoreException.Check(call(_kv, out rows));
            return Utf8.Take(ref rows, convert);
        }

        /// <summary>Makes a call that returns a string list and copies it out.</summary>
        private List<T> ReadStrings<T>(StringsCall call, Func<byte[], T> convert)
        {
            NativeStrings items;
            using (Enter())
                StoreException.Check(call(_kv, out items));
            return Utf8.Take(ref items, convert);
        }

        /// <summary>At most limit rows of group from offset, in key order.</summary>
        public List<KeyValuePair<string, string>> GetPage(string group, long offset, long limit)
        {
            return GetPage(E(group, "group"), offset, limit, Utf8.Decode);
        }

        /// <summary>At most limit rows of group from offset, as bytes, in key order.</summary>
        public List<KeyValuePair<byte[], byte[]>> GetPage(byte[] group, long offset, long limit)
        {
            return GetPage(R(group, "group"), offset, limit, Utf8.Same);
        }

        private List<KeyValuePair<T, T>> GetPage<T>(byte[] group, long offset, long limit, Func<byte[], T> convert)
        {
            return ReadPairs((IntPtr kv, out NativePairs rows) => NativeMethods.store_get_page(kv, group, Utf8.Len(group), offset, limit, out rows), convert);
        }

        /// <summary>Distinct groups with live rows starting with prefix ("" = all), ascending.</summary>
        public List<string> Groups(string prefix = "")
        {
            return Groups(E(prefix, "prefix"), Utf8.Decode);
        }

        /// <summary>Distinct groups with live rows starting with prefix, as bytes, ascending.</summary>
        public List<byte[]> Groups(byte[] prefix)
        {
            return Groups(R(prefix, "prefix"), Utf8.Same);
        }

        private List<T> Groups<T>(byte[] prefix, Func<byte[], T> convert)
        {
            return ReadStrings((IntPtr kv, out NativeStrings groups) => NativeMethods.store_groups(kv, prefix, Utf8.Len(prefix), out groups), convert);
        }

        /// <summary>The value split on separator (Go strings.Split semantics).</summary>
        public List<string> GetSplit(string group, string key, string separator)
        {
            byte[] g = E(group, "group"), k = E(key, "key"), sep = E(separator, "separator");
            return ReadStrings((IntPtr kv, out NativeStrings parts) =>
                NativeMethods.store_get_split(kv, g, Utf8.Len(g), k, Utf8.Len(k), sep, Utf8.Len(sep), out parts), Utf8.Decode);
        }

        /// <summary>The value split into whitespace-separated fields (Go strings.Fields).</summary>
        public List<string> GetFields(string group, string key)
        {
            byte[] g = E(group, "group"), k = E(key, "key");
            return ReadStrings((IntPtr kv, out NativeStrings fields) =>
                NativeMethods.store_get_fields(kv, g, Utf8.Len(g), k, Utf8.Len(k), out fields), Utf8.Decode);
        }

        /// <summary>Renders template with the live rows of group as variables ({{ .name }} or {{ name }}).</summary>
        public string Render(string template, string group)
        {
            byte[] t = E(template, "template"), g = E(group, "group");
            NativeBytes rendered;
            using (Enter())
                StoreException.Check(NativeMethods.store_render(_kv, t, Utf8.Len(t), g, Utf8.Len(g), out rendered));
            return Utf8.Decode(Utf8.Take(ref rendered));
        }

        /// <summary>Deletes every expired row of the view; returns how many.</summary>
        public long PurgeExpired()
        {
            long removed;
            using (Enter())
                StoreException.Check(NativeMethods.store_purge_expired(_kv, out removed));
            return removed;
        }

        /// <summary>
        /// The live rows of group in key order, read lazily a page at a time. The
        /// loop body may write to the store: no database connection is held
        /// between pages. Each enumeration starts a new native iterator.
        /// </summary>
        public IEnumerable<KeyValuePair<string, string>> Iterate(string group)
        {
            return GroupIterator.Rows(this, E(group, "group"), Utf8.Decode);
        }

        /// <summary>The live rows of group as bytes, in key order (see the string overload).</summary>
        public IEnumerable<KeyValuePair<byte[], byte[]>> Iterate(byte[] group)
        {
            return GroupIterator.Rows(this, (byte[])R(group, "group").Clone(), Utf8.Same);
        }
    }
}
