using System;
using System.Collections.Generic;

namespace Dappco.Store
{
    /// <summary>
    /// A storage backend for the database file (go-store's Medium): local disk,
    /// memory, object storage, a remote host. Set <see cref="StoreOptions.Medium"/>
    /// and the store copies its database from the medium at open and writes it
    /// back at close.
    /// </summary>
    /// <remarks>
    /// Contents are bytes, paths are the medium's own text. The methods are go-store's
    /// Medium methods the C ABI carries (its stream methods are served by the
    /// library over Read and Write). They may be called from any thread, several at
    /// once, and must not call the store that uses them. Throw
    /// <see cref="System.IO.FileNotFoundException"/> or
    /// <see cref="System.IO.DirectoryNotFoundException"/> for a missing path; any
    /// other exception is reported as the operation's error with its message.
    /// </remarks>
    public interface IMedium
    {
        /// <summary>The whole content of a file.</summary>
        byte[] Read(string path);
        /// <summary>Replaces a file's content (mode 0644 for a new file).</summary>
        void Write(string path, byte[] content);
        /// <summary>Replaces a file's content with permission bits <paramref name="mode"/>.</summary>
        void WriteMode(string path, byte[] content, uint mode);
        /// <summary>Creates a directory and its parents if missing.</summary>
        void EnsureDir(string path);
        /// <summary>True when the path exists and is a regular file.</summary>
        bool IsFile(string path);
        /// <summary>Removes a file or an empty directory.</summary>
        void Delete(string path);
        /// <summary>Removes a file or a directory with everything below it.</summary>
        void DeleteAll(string path);
        /// <summary>Moves a file or directory.</summary>
        void Rename(string oldPath, string newPath);
        /// <summary>The entries of a directory.</summary>
        IList<MediumFileInfo> List(string path);
        /// <summary>Facts about one path.</summary>
        MediumFileInfo Stat(string path);
        /// <summary>True when the path exists (file or directory).</summary>
        bool Exists(string path);
        /// <summary>True when the path exists and is a directory.</summary>
        bool IsDir(string path);
    }

    /// <summary>What <see cref="IMedium.Stat"/> and <see cref="IMedium.List"/> report about a path.</summary>
    public sealed class MediumFileInfo
    {
        /// <summary>Base name.</summary>
        public string Name { get; set; } = "";
        /// <summary>Length in bytes.</summary>
        public long Size { get; set; }
        /// <summary>Permission bits, e.g. 0644 (octal).</summary>
        public uint Mode { get; set; }
        /// <summary>Last modification in Unix milliseconds; 0 when unknown.</summary>
        public long ModifiedMs { get; set; }
        /// <summary>True for a directory.</summary>
        public bool IsDirectory { get; set; }
    }
}
