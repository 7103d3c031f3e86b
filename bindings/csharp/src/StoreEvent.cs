using System;
using System.Runtime.InteropServices;

namespace Dappco.Store
{
    /// <summary>What a change did.</summary>
    public enum StoreEventKind : uint
    {
        /// <summary>A key was written.</summary>
        Set = 0,
        /// <summary>A key was deleted (explicitly, by lazy expiry, or by a purge).</summary>
        Delete = 1,
        /// <summary>A group was deleted.</summary>
        DeleteGroup = 2,
    }

    /// <summary>One committed change, copied out of native memory.</summary>
    public sealed class StoreEvent
    {
        private StoreEvent(StoreEventKind kind, byte[] group, byte[] key, byte[] value, long timestampMs, ulong seq)
        {
            Seq = seq;
            Kind = kind;
            GroupBytes = group;
            KeyBytes = key;
            ValueBytes = value;
            TimestampMs = timestampMs;
        }

        /// <summary>Set, Delete or DeleteGroup.</summary>
        public StoreEventKind Kind { get; private set; }
        /// <summary>The group (namespace-local for scoped subscriptions), as bytes.</summary>
        public byte[] GroupBytes { get; private set; }
        /// <summary>The key (empty for DeleteGroup), as bytes.</summary>
        public byte[] KeyBytes { get; private set; }
        /// <summary>The value for Set (empty otherwise), as bytes.</summary>
        public byte[] ValueBytes { get; private set; }
        /// <summary>When the change was made, Unix milliseconds.</summary>
        public long TimestampMs { get; private set; }
        /// <summary>Commit-order sequence number: strictly increasing per store from 1,
        /// so every subscription and watch sees changes in the order they committed.</summary>
        public ulong Seq { get; private set; }

        /// <summary>The group decoded as UTF-8.</summary>
        public string Group { get { return Utf8.Decode(GroupBytes); } }
        /// <summary>The key decoded as UTF-8.</summary>
        public string Key { get { return Utf8.Decode(KeyBytes); } }
        /// <summary>The value decoded as UTF-8.</summary>
        public string Value { get { return Utf8.Decode(ValueBytes); } }

        /// <summary>The kind's name as go-store spells it: set, delete, delete_group.</summary>
        public override string ToString()
        {
            return Utf8.FromCString(NativeMethods.store_event_kind_str((uint)Kind)) + " " + Group + " " + Key + " " + Value;
        }

        /// <summary>Copies a borrowed native event before its memory goes away.</summary>
        internal static StoreEvent FromNative(NativeEvent e)
        {
            return new StoreEvent((StoreEventKind)e.Kind, Utf8.Copy(e.Group), Utf8.Copy(e.Key), Utf8.Copy(e.Value), e.TimestampMs, e.Seq);
        }

        internal static StoreEvent FromNative(IntPtr e)
        {
            return FromNative((NativeEvent)Marshal.PtrToStructure(e, typeof(NativeEvent)));
        }
    }
}
