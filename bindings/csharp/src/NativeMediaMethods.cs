// P/Invoke declarations for media and exports, mirroring include/store.h
// (same conventions as NativeMethods).

using System;
using System.Runtime.InteropServices;

namespace Dappco.Store
{
    internal static class NativeMediaMethods
    {
        [DllImport(NativeMethods.Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern StoreStatus store_open_with_medium(byte[] path, UIntPtr pathLen, ref NativeOptions options,
            ref NativeMediumVTable medium, out StoreDbHandle db);
        [DllImport(NativeMethods.Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern StoreStatus store_medium_call_write(IntPtr call, byte[] data, UIntPtr len);
        [DllImport(NativeMethods.Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern StoreStatus store_medium_call_add_entry(IntPtr call, byte[] name, UIntPtr nameLen, ulong size,
            uint mode, long modifiedMs, [MarshalAs(UnmanagedType.U1)] bool isDir);
        [DllImport(NativeMethods.Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern StoreStatus store_medium_call_set_error(IntPtr call, byte[] message, UIntPtr len);
        [DllImport(NativeMethods.Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern StoreStatus store_export_line_protocol(byte[] rows, UIntPtr rowsLen, out NativeBytes output);
    }
}
