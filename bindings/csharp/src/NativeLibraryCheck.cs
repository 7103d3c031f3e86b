// Turns "the native library is missing" into an exception that says which
// file was looked for, where, and how to make it findable, instead of a
// TypeInitializationException around DllNotFoundException: store.

using System;
using System.IO;

namespace Dappco.Store
{
    /// <summary>
    /// The native library (libstore.so, libstore.dylib or store.dll) could not
    /// be loaded. The message names the file, the places searched and the
    /// ways to fix it; <see cref="Exception.InnerException"/> is the runtime's
    /// own exception. Derives from DllNotFoundException, so handlers written
    /// for that still catch it.
    /// </summary>
    public class StoreLibraryNotFoundException : DllNotFoundException
    {
        /// <summary>Creates the exception.</summary>
        public StoreLibraryNotFoundException(string message, Exception inner) : base(message, inner) { }
    }

    /// <summary>
    /// Loads the native library once, on first use, and checks its ABI. Every
    /// public entry point that can be the first native call goes through
    /// <see cref="Ensure"/>; a failure is reported the same way on every call
    /// (no type is left half-initialised).
    /// </summary>
    internal static class NativeLibraryCheck
    {
        private static readonly Lazy<Func<Exception>> Failure = new Lazy<Func<Exception>>(Probe);

        /// <summary>Throws StoreLibraryNotFoundException or an ABI mismatch error if the library is unusable.</summary>
        internal static void Ensure()
        {
            Func<Exception> failure = Failure.Value;
            if (failure != null)
                throw failure();
        }

        // Returns null when the library loaded and speaks our ABI, otherwise a
        // factory, so each call throws a fresh exception with its own stack.
        private static Func<Exception> Probe()
        {
            uint loaded;
            try
            {
                loaded = NativeMethods.store_abi_version();
            }
            catch (DllNotFoundException e)
            {
                string message = NotFoundMessage(e);
                return () => new StoreLibraryNotFoundException(message, e);
            }
            catch (EntryPointNotFoundException e)
            {
                string message = "store: the loaded native library has no store_abi_version; it is not libstore "
                    + "or is older than this binding (" + e.Message + ")";
                return () => new StoreLibraryNotFoundException(message, e);
            }
            catch (BadImageFormatException e)
            {
                string message = "store: the native library could not be loaded (" + e.Message + "); it was "
                    + "built for another architecture than this process (" + (IntPtr.Size * 8) + "-bit)";
                return () => new StoreLibraryNotFoundException(message, e);
            }
            if (loaded != NativeMethods.AbiVersion)
            {
                string message = "store: libstore ABI " + loaded + " does not match the binding's ABI "
                    + NativeMethods.AbiVersion + "; build the binding and the library from the same checkout";
                return () => new StoreInternalException(message);
            }
            return null;
        }

        private static string NotFoundMessage(DllNotFoundException e)
        {
            string file, variable;
            if (Path.DirectorySeparatorChar == '\\')
            {
                file = "store.dll";
                variable = "PATH";
            }
            else if (Directory.Exists("/System/Library/Frameworks"))
            {
                file = "libstore.dylib";
                variable = "DYLD_LIBRARY_PATH";
            }
            else
            {
                file = "libstore.so";
                variable = "LD_LIBRARY_PATH";
            }
            string searchPath = Environment.GetEnvironmentVariable(variable);
            string appDirectory = AppDomain.CurrentDomain.BaseDirectory;
            return "store: the native library " + file + " was not found. Looked in the application directory ("
                + appDirectory + "), in " + variable + " ("
                + (string.IsNullOrEmpty(searchPath) ? "not set" : searchPath)
                + ") and in the system library directories. Fix: run `make build` in the store checkout and set "
                + variable + "=<checkout>/build/lib, or copy " + file + " next to the application, or install it "
                + "(`make install PREFIX=/usr/local`, then `sudo ldconfig`). The runtime said: " + e.Message;
        }
    }
}
