// Media: a managed IMedium holding the database (copied in at open, written
// back at close, go-store's failure handling) and journal rows as InfluxDB
// line protocol.

using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Dappco.Store;

namespace Dappco.Store.Tests
{
    /// <summary>An in-memory medium whose reads and writes can be made to fail.</summary>
    internal sealed class MemoryMedium : IMedium
    {
        private readonly Dictionary<string, byte[]> _files = new Dictionary<string, byte[]>();
        public volatile bool FailWrites;
        public volatile bool FailReads;
        public int Writes;

        public bool Has(string path) { lock (_files) return _files.ContainsKey(path); }
        public byte[] Get(string path) { lock (_files) return _files[path]; }

        public byte[] Read(string path)
        {
            if (FailReads) throw new IOException("injected read failure");
            lock (_files)
            {
                byte[] content;
                if (!_files.TryGetValue(path, out content)) throw new FileNotFoundException("no such file: " + path);
                return content;
            }
        }

        public void Write(string path, byte[] content)
        {
            lock (_files)
            {
                Writes++;
                if (FailWrites) throw new IOException("remote storage unavailable");
                _files[path] = content;
            }
        }

        public void WriteMode(string path, byte[] content, uint mode) { Write(path, content); }
        public void EnsureDir(string path) { }
        public bool IsFile(string path) { return Has(path); }
        public void Delete(string path) { lock (_files) if (!_files.Remove(path)) throw new FileNotFoundException(path); }
        public void DeleteAll(string path) { lock (_files) _files.Remove(path); }

        public void Rename(string oldPath, string newPath)
        {
            lock (_files)
            {
                byte[] content = Read(oldPath);
                _files.Remove(oldPath);
                _files[newPath] = content;
            }
        }

        public IList<MediumFileInfo> List(string path)
        {
            lock (_files)
                return _files.Select(f => new MediumFileInfo { Name = f.Key, Size = f.Value.Length, Mode = 420 }).ToList();
        }

        public MediumFileInfo Stat(string path)
        {
            return new MediumFileInfo { Name = path, Size = Read(path).Length, Mode = 420 };
        }

        public bool Exists(string path) { return Has(path); }
        public bool IsDir(string path) { return false; }
    }

    internal static class MediumTests
    {
        public static void Register(Runner r)
        {
            r.Add("Medium_WithMedium_Good", WithMedium);
            r.Add("Medium_WithMedium_Good_PersistsDatabaseThroughMedium", Persists);
            r.Add("Medium_MemoryPathIsNotMediumBacked", MemoryPath);
            r.Add("Medium_Close_Bad_WriteBackFailureRetries", WriteBackFailure);
            r.Add("Medium_Open_Bad_ReadFailure", ReadFailure);
            r.Add("LineProtocol_FromRows", LineProtocolRows);
        }

        private static Store OpenOn(IMedium medium, string path)
        {
            return Store.Open(new StoreOptions { DatabasePath = path, Medium = medium });
        }

        private static void WithMedium()
        {
            var medium = new MemoryMedium();
            using (Store s = OpenOn(medium, ":memory:"))
                Assert.True(ReferenceEquals(medium, s.Medium), "Medium returns the same object");
            using (Store s = Program.Memory())
                Assert.True(s.Medium == null, "no medium by default");
        }

        private static void Persists()
        {
            var medium = new MemoryMedium();
            using (Store s = OpenOn(medium, "stores/app.db"))
            {
                s.Set("config", "colour", "blue");
                Assert.True(!medium.Has("stores/app.db"), "nothing reaches the medium before close");
            }
            Assert.True(medium.Has("stores/app.db"), "written back at dispose");
            Assert.Equal("SQLite format 3", System.Text.Encoding.ASCII.GetString(medium.Get("stores/app.db"), 0, 15), "a SQLite file");
            using (Store s = OpenOn(medium, "stores/app.db"))
                Assert.Equal("blue", s.Get("config", "colour"), "value after reopen");
        }

        private static void MemoryPath()
        {
            var medium = new MemoryMedium();
            using (Store s = OpenOn(medium, ":memory:"))
                s.Set("g", "k", "v");
            Assert.Equal(0, medium.Writes, "no write-back");
        }

        private static void WriteBackFailure()
        {
            var medium = new MemoryMedium();
            using (Store s = OpenOn(medium, "app.db"))
            {
                s.Set("g", "k", "v");
                medium.FailWrites = true;
                Assert.Fails<StoreIOException>(StoreStatus.IO, "store.Close: sync medium-backed database: remote storage unavailable",
                    () => s.Close(), "close with failing medium");
                Assert.True(!s.IsClosed, "still closing");
                Assert.Throws<StoreClosedException>(() => s.Get("g", "k"), "operations refused while closing");
                medium.FailWrites = false;
                s.Close();
                Assert.True(s.IsClosed, "closed after retry");
            }
            using (Store s = OpenOn(medium, "app.db"))
                Assert.Equal("v", s.Get("g", "k"), "value survived the failed close");
        }

        private static void ReadFailure()
        {
            var medium = new MemoryMedium();
            using (OpenOn(medium, "app.db")) { }
            medium.FailReads = true;
            Assert.Fails<StoreIOException>(StoreStatus.IO, "store.New: read database from medium: injected read failure",
                () => OpenOn(medium, "app.db"), "open with unreadable medium");
        }

        private static void LineProtocolRows()
        {
            string rows = "[{\"measurement\":\"cpu\",\"tags\":{\"host\":\"a b\"},\"fields\":{\"v\":2,\"s\":\"x\\\"y\"},\"committed_at\":5}]";
            Assert.Equal("cpu,host=a\\ b s=\"x\\\"y\",v=2i 5000000\n", LineProtocol.FromRows(rows), "line protocol");
            Assert.Fails<StoreInvalidArgumentException>(StoreStatus.InvalidArgument, "row 0: fields are missing",
                () => LineProtocol.FromRows("[{\"measurement\":\"m\"}]"), "row without fields");
        }
    }
}
