// A managed IMedium as the C ABI's store_medium_vtable. The table's
// user_data is a GCHandle to the medium, freed by the library's single
// release call; the trampolines are static delegates, never collected.

using System;
using System.IO;
using System.Runtime.InteropServices;

namespace Dappco.Store
{
    /// <summary>store_medium_vtable: function pointers as IntPtr so the struct stays blittable.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct NativeMediumVTable
    {
        public uint StructSize;
        public IntPtr UserData;
        public IntPtr Release;
        public IntPtr Read;
        public IntPtr Write;
        public IntPtr WriteMode;
        public IntPtr EnsureDir;
        public IntPtr IsFile;
        public IntPtr DeletePath;
        public IntPtr DeleteAll;
        public IntPtr Rename;
        public IntPtr List;
        public IntPtr Stat;
        public IntPtr Exists;
        public IntPtr IsDir;
        // Stream members (open_writer … reader_close): left NULL, so the
        // library buffers streams through Read and Write.
        public IntPtr OpenWriter;
        public IntPtr WriterWrite;
        public IntPtr WriterClose;
        public IntPtr OpenReader;
        public IntPtr ReaderRead;
        public IntPtr ReaderClose;
    }

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    internal delegate int MediumPathCallback(IntPtr userData, IntPtr path, UIntPtr pathLen, IntPtr call);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    internal delegate int MediumWriteCallback(IntPtr userData, IntPtr path, UIntPtr pathLen, IntPtr content, UIntPtr contentLen, IntPtr call);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    internal delegate int MediumWriteModeCallback(IntPtr userData, IntPtr path, UIntPtr pathLen, IntPtr content, UIntPtr contentLen, uint mode, IntPtr call);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    internal delegate int MediumTestCallback(IntPtr userData, IntPtr path, UIntPtr pathLen);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    internal delegate int MediumRenameCallback(IntPtr userData, IntPtr oldPath, UIntPtr oldLen, IntPtr newPath, UIntPtr newLen, IntPtr call);

    internal static class MediumAdapter
    {
        private const int Ok = 0, NotFound = 1, Failed = 2;

        private static readonly NativeReleaseCallback ReleaseFn = OnRelease;
        private static readonly MediumPathCallback ReadFn = OnRead;
        private static readonly MediumWriteCallback WriteFn = OnWrite;
        private static readonly MediumWriteModeCallback WriteModeFn = OnWriteMode;
        private static readonly MediumPathCallback EnsureDirFn = (u, p, n, c) => Run(c, () => Of(u).EnsureDir(Text(p, n)));
        private static readonly MediumTestCallback IsFileFn = (u, p, n) => Test(() => Of(u).IsFile(Text(p, n)));
        private static readonly MediumPathCallback DeleteFn = (u, p, n, c) => Run(c, () => Of(u).Delete(Text(p, n)));
        private static readonly MediumPathCallback DeleteAllFn = (u, p, n, c) => Run(c, () => Of(u).DeleteAll(Text(p, n)));
        private static readonly MediumRenameCallback RenameFn = (u, a, an, b, bn, c) => Run(c, () => Of(u).Rename(Text(a, an), Text(b, bn)));
        private static readonly MediumPathCallback ListFn = OnList;
        private static readonly MediumPathCallback StatFn = OnStat;
        private static readonly MediumTestCallback ExistsFn = (u, p, n) => Test(() => Of(u).Exists(Text(p, n)));
        private static readonly MediumTestCallback IsDirFn = (u, p, n) => Test(() => Of(u).IsDir(Text(p, n)));

        /// <summary>
        /// A table for <paramref name="medium"/>. The caller must hand it to
        /// store_open_with_medium, which releases the handle exactly once.
        /// </summary>
        internal static NativeMediumVTable Table(IMedium medium)
        {
            return new NativeMediumVTable
            {
                StructSize = (uint)Marshal.SizeOf(typeof(NativeMediumVTable)),
                UserData = GCHandle.ToIntPtr(GCHandle.Alloc(medium)),
                Release = Marshal.GetFunctionPointerForDelegate(ReleaseFn),
                Read = Marshal.GetFunctionPointerForDelegate(ReadFn),
                Write = Marshal.GetFunctionPointerForDelegate(WriteFn),
                WriteMode = Marshal.GetFunctionPointerForDelegate(WriteModeFn),
                EnsureDir = Marshal.GetFunctionPointerForDelegate(EnsureDirFn),
                IsFile = Marshal.GetFunctionPointerForDelegate(IsFileFn),
                DeletePath = Marshal.GetFunctionPointerForDelegate(DeleteFn),
                DeleteAll = Marshal.GetFunctionPointerForDelegate(DeleteAllFn),
                Rename = Marshal.GetFunctionPointerForDelegate(RenameFn),
                List = Marshal.GetFunctionPointerForDelegate(ListFn),
                Stat = Marshal.GetFunctionPointerForDelegate(StatFn),
                Exists = Marshal.GetFunctionPointerForDelegate(ExistsFn),
                IsDir = Marshal.GetFunctionPointerForDelegate(IsDirFn),
            };
        }

        private static IMedium Of(IntPtr userData)
        {
            return (IMedium)GCHandle.FromIntPtr(userData).Target;
        }

        private static string Text(IntPtr ptr, UIntPtr len)
        {
            return Utf8.Decode(Utf8.Copy(ptr, len));
        }

        // Runs a medium method; exceptions become a status plus message and never
        // unwind into native code.
        private static int Run(IntPtr call, Action action)
        {
            try
            {
                action();
                return Ok;
            }
            catch (Exception e)
            {
                try
                {
                    byte[] message = System.Text.Encoding.UTF8.GetBytes(e.Message);
                    NativeMediaMethods.store_medium_call_set_error(call, message, Utf8.Len(message));
                }
                catch
                {
                    // The status alone still reports the failure.
                }
                return e is FileNotFoundException || e is DirectoryNotFoundException ? NotFound : Failed;
            }
        }

        private static int Test(Func<bool> question)
        {
            try
            {
                return question() ? 1 : 0;
            }
            catch
            {
                return 0;
            }
        }

        private static int OnRead(IntPtr u, IntPtr p, UIntPtr n, IntPtr call)
        {
            return Run(call, () =>
            {
                byte[] content = Of(u).Read(Text(p, n)) ?? new byte[0];
                StoreException.Check(NativeMediaMethods.store_medium_call_write(call, content, Utf8.Len(content)));
            });
        }

        private static int OnWrite(IntPtr u, IntPtr p, UIntPtr n, IntPtr content, UIntPtr contentLen, IntPtr call)
        {
            return Run(call, () => Of(u).Write(Text(p, n), Utf8.Copy(content, contentLen)));
        }

        private static int OnWriteMode(IntPtr u, IntPtr p, UIntPtr n, IntPtr content, UIntPtr contentLen, uint mode, IntPtr call)
        {
            return Run(call, () => Of(u).WriteMode(Text(p, n), Utf8.Copy(content, contentLen), mode));
        }

        private static void AddEntry(IntPtr call, MediumFileInfo info)
        {
            byte[] name = Utf8.Encode(info.Name ?? "", "Name");
            StoreException.Check(NativeMediaMethods.store_medium_call_add_entry(call, name, Utf8.Len(name),
                (ulong)Math.Max(info.Size, 0), info.Mode, info.ModifiedMs, info.IsDirectory));
        }

        private static int OnList(IntPtr u, IntPtr p, UIntPtr n, IntPtr call)
        {
            return Run(call, () =>
            {
                foreach (MediumFileInfo info in Of(u).List(Text(p, n)))
                    AddEntry(call, info);
            });
        }

        private static int OnStat(IntPtr u, IntPtr p, UIntPtr n, IntPtr call)
        {
            return Run(call, () => AddEntry(call, Of(u).Stat(Text(p, n))));
        }

        private static void OnRelease(IntPtr userData)
        {
            try
            {
                GCHandle.FromIntPtr(userData).Free();
            }
            catch
            {
                // Never unwind into native code.
            }
        }
    }
}
