using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Text;

namespace Dappco.Store
{
    /// <summary>
    /// Conversions between .NET values and the library's byte strings, and
    /// copying of owned native outputs into managed memory (then freeing them).
    /// </summary>
    internal static class Utf8
    {
        // Strict encoder: a lone surrogate in a .NET string has no UTF-8 form,
        // so it is reported instead of being silently replaced.
        private static readonly UTF8Encoding Strict = new UTF8Encoding(false, true);

        /// <summary>The UTF-8 bytes of <paramref name="text"/>.</summary>
        internal static byte[] Encode(string text, string name)
        {
            if (text == null)
                throw new ArgumentNullException(name);
            try
            {
                return Strict.GetBytes(text);
            }
            catch (EncoderFallbackException e)
            {
                throw new StoreInvalidArgumentException(name + ": string is not valid UTF-16: " + e.Message);
            }
        }

        /// <summary>Rejects a null byte array with the parameter's name.</summary>
        internal static byte[] Require(byte[] bytes, string name)
        {
            if (bytes == null)
                throw new ArgumentNullException(name);
            return bytes;
        }

        /// <summary>The length argument for a byte string.</summary>
        internal static UIntPtr Len(byte[] bytes)
        {
            return new UIntPtr((uint)bytes.Length);
        }

        /// <summary>Decodes bytes as UTF-8 (invalid sequences become U+FFFD).</summary>
        internal static string Decode(byte[] bytes)
        {
            return Encoding.UTF8.GetString(bytes);
        }

        /// <summary>Copies a borrowed slice into a new array.</summary>
        internal static byte[] Copy(NativeSlice slice)
        {
            return Copy(slice.Ptr, slice.Len);
        }

        /// <summary>Copies <paramref name="len"/> bytes at <paramref name="ptr"/>.</summary>
        internal static byte[] Copy(IntPtr ptr, UIntPtr len)
        {
            ulong n = len.ToUInt64();
            if (n > int.MaxValue)
                throw new StoreInternalException("store: byte string too large for a .NET array");
            byte[] result = new byte[(int)n];
            if (n > 0)
                Marshal.Copy(ptr, result, 0, (int)n);
            return result;
        }

        /// <summary>A NUL-terminated UTF-8 string owned by the library (not freed).</summary>
        internal static string FromCString(IntPtr ptr)
        {
            if (ptr == IntPtr.Zero)
                return string.Empty;
            int n = 0;
            while (Marshal.ReadByte(ptr, n) != 0)
                n++;
            return Decode(Copy(ptr, new UIntPtr((uint)n)));
        }

        /// <summary>Copies and frees an owned store_bytes.</summary>
        internal static byte[] Take(ref NativeBytes bytes)
        {
            try
            {
                return Copy(bytes.Ptr, bytes.Len);
            }
            finally
            {
                NativeMethods.store_bytes_free(ref bytes);
            }
        }

        /// <summary>Copies and frees an owned store_pairs list, converting each row.</summary>
        internal static List<KeyValuePair<T, T>> Take<T>(ref NativePairs pairs, Func<byte[], T> convert)
        {
            try
            {
                int n = checked((int)pairs.Len.ToUInt64());
                var result = new List<KeyValuePair<T, T>>(n);
                int size = Marshal.SizeOf(typeof(NativePair));
                for (int i = 0; i < n; i++)
                {
                    var row = (NativePair)Marshal.PtrToStructure(new IntPtr(pairs.Items.ToInt64() + (long)i * size), typeof(NativePair));
                    result.Add(new KeyValuePair<T, T>(convert(Copy(row.Key)), convert(Copy(row.Value))));
                }
                return result;
            }
            finally
            {
                NativeMethods.store_pairs_free(ref pairs);
            }
        }

        /// <summary>Copies and frees an owned store_strings list, converting each item.</summary>
        internal static List<T> Take<T>(ref NativeStrings strings, Func<byte[], T> convert)
        {
            try
            {
                int n = checked((int)strings.Len.ToUInt64());
                var result = new List<T>(n);
                int size = Marshal.SizeOf(typeof(NativeSlice));
                for (int i = 0; i < n; i++)
                {
                    var item = (NativeSlice)Marshal.PtrToStructure(new IntPtr(strings.Items.ToInt64() + (long)i * size), typeof(NativeSlice));
                    result.Add(convert(Copy(item)));
                }
                return result;
            }
            finally
            {
                NativeMethods.store_strings_free(ref strings);
            }
        }

        /// <summary>Identity conversion for byte[] results.</summary>
        internal static byte[] Same(byte[] bytes)
        {
            return bytes;
        }
    }
}
