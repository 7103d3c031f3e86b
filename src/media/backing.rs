//! A database kept on a medium (go-store's medium-backed mode): copied from
//! the medium into a private temp directory at open, written back whole at
//! close. Nothing reaches the medium in between.

use super::medium::SharedMedium;
use crate::{Config, Error, ErrorKind, Result};
use std::path::{Path, PathBuf};

/// The temp copy of a medium-backed database and where it goes back to.
pub(crate) struct MediumBacking {
    medium: SharedMedium,
    /// The database path on the medium, as configured.
    path: String,
    /// The private directory holding the working copy.
    dir: PathBuf,
    /// `dir/store.db`, the file SQLite runs on.
    local: PathBuf,
}

fn io_error(stage: &str, e: impl std::fmt::Display) -> Error {
    Error::new(ErrorKind::Io, format!("{stage}: {e}"))
}

impl MediumBacking {
    /// `None` unless `config` names a medium and a real path (`:memory:`
    /// with a medium is not medium-backed). Otherwise makes the temp
    /// directory and seeds it from the medium when the medium has the file.
    /// Errors read `<operation>: read database from medium: …` or
    /// `<operation>: seed sqlite file from medium: …`; a failure leaves no
    /// temp directory behind.
    pub(crate) fn prepare(operation: &str, config: &Config) -> Result<Option<MediumBacking>> {
        MediumBacking::prepare_in(operation, config, &std::env::temp_dir())
    }

    fn prepare_in(operation: &str, config: &Config, temp_root: &Path) -> Result<Option<MediumBacking>> {
        let Some(medium) = config.medium.clone() else { return Ok(None) };
        if config.database_path.is_empty() || config.is_memory() {
            return Ok(None);
        }
        let dir = tempfile::Builder::new()
            .prefix("go-store")
            .tempdir_in(temp_root)
            .map_err(|e| io_error(&format!("{operation}: create temp directory"), e))?
            .keep();
        let backing = MediumBacking { medium, path: config.database_path.clone(), local: dir.join("store.db"), dir };
        if let Err(e) = backing.seed(operation) {
            backing.discard();
            return Err(e);
        }
        Ok(Some(backing))
    }

    fn seed(&self, operation: &str) -> Result<()> {
        if !self.medium.exists(&self.path) {
            return Ok(());
        }
        let content = self
            .medium
            .read(&self.path)
            .map_err(|e| io_error(&format!("{operation}: read database from medium"), e))?;
        std::fs::write(&self.local, content).map_err(|e| io_error(&format!("{operation}: seed sqlite file from medium"), e))
    }

    /// The configuration SQLite opens with: the original, on the temp file.
    pub(crate) fn local_config(&self, config: &Config) -> Config {
        let mut local = config.clone();
        local.database_path = self.local.to_string_lossy().into_owned();
        local.medium = None;
        local
    }

    /// Writes the working copy back to the medium (after SQLite has closed)
    /// and removes the temp directory. On failure the temp directory stays,
    /// so the data survives and a retry can succeed. The error is the
    /// cause alone; the store adds `store.Close: sync medium-backed database`.
    pub(crate) fn sync(&self) -> Result<()> {
        self.checkpoint_leftover_wal()?;
        let content = std::fs::read(&self.local).map_err(|e| io_error("read local database", e))?;
        self.medium.write(&self.path, &content).map_err(|e| Error::new(ErrorKind::Io, e.to_string()))?;
        let _ = std::fs::remove_dir_all(&self.dir);
        Ok(())
    }

    /// Closing the last connection checkpoints the WAL into the main file;
    /// if a connection outlived the close, fold the WAL in explicitly so the
    /// copy sent to the medium is complete.
    fn checkpoint_leftover_wal(&self) -> Result<()> {
        let mut wal = self.local.clone().into_os_string();
        wal.push("-wal");
        if std::fs::metadata(&wal).map_or(true, |m| m.len() == 0) {
            return Ok(());
        }
        let conn = rusqlite::Connection::open(&self.local).map_err(|e| io_error("checkpoint local database", e))?;
        let busy: i64 = conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))
            .map_err(|e| io_error("checkpoint local database", e))?;
        if busy != 0 {
            return Err(Error::new(ErrorKind::Busy, "checkpoint local database: a connection is still reading"));
        }
        Ok(())
    }

    /// Removes the temp directory without writing back (a failed open).
    pub(crate) fn discard(&self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::media::{Medium, MemoryMedium};

    fn entries(dir: &Path) -> usize {
        std::fs::read_dir(dir).unwrap().count()
    }

    #[test]
    fn not_backed_without_medium_or_in_memory() {
        let root = tempfile::tempdir().unwrap();
        let medium = SharedMedium::new(MemoryMedium::new());
        assert!(MediumBacking::prepare_in("op", &Config::new("a.db"), root.path()).unwrap().is_none());
        let memory = Config::new(":memory:").medium(medium);
        assert!(MediumBacking::prepare_in("op", &memory, root.path()).unwrap().is_none());
        assert_eq!(entries(root.path()), 0);
    }

    #[test]
    fn seeds_from_medium_and_syncs_back_then_cleans_up() {
        let root = tempfile::tempdir().unwrap();
        let memory = MemoryMedium::new();
        memory.write("dbs/app.db", b"old bytes").unwrap();
        let config = Config::new("dbs/app.db").medium(SharedMedium::new(memory.clone()));
        let backing = MediumBacking::prepare_in("store.New", &config, root.path()).unwrap().unwrap();
        assert_eq!(std::fs::read(&backing.local).unwrap(), b"old bytes");
        assert_eq!(backing.local_config(&config).database_path, backing.local.to_string_lossy());
        assert!(backing.local_config(&config).medium.is_none());
        std::fs::write(&backing.local, b"new bytes").unwrap();
        backing.sync().unwrap();
        assert_eq!(memory.read("dbs/app.db").unwrap(), b"new bytes");
        assert_eq!(entries(root.path()), 0, "temp directory removed");
    }

    #[test]
    fn absent_file_starts_empty() {
        let root = tempfile::tempdir().unwrap();
        let config = Config::new("new.db").medium(SharedMedium::new(MemoryMedium::new()));
        let backing = MediumBacking::prepare_in("store.New", &config, root.path()).unwrap().unwrap();
        assert!(!backing.local.exists());
        backing.discard();
        assert_eq!(entries(root.path()), 0);
    }

    /// Reports that every path exists and fails every read.
    struct Unreadable;
    impl Unreadable {
        fn fail<T>(&self) -> std::io::Result<T> {
            Err(std::io::Error::other("boom"))
        }
    }
    impl Medium for Unreadable {
        fn read(&self, _: &str) -> std::io::Result<Vec<u8>> { self.fail() }
        fn write(&self, _: &str, _: &[u8]) -> std::io::Result<()> { self.fail() }
        fn write_mode(&self, _: &str, _: &[u8], _: u32) -> std::io::Result<()> { self.fail() }
        fn ensure_dir(&self, _: &str) -> std::io::Result<()> { self.fail() }
        fn is_file(&self, _: &str) -> bool { true }
        fn delete(&self, _: &str) -> std::io::Result<()> { self.fail() }
        fn delete_all(&self, _: &str) -> std::io::Result<()> { self.fail() }
        fn rename(&self, _: &str, _: &str) -> std::io::Result<()> { self.fail() }
        fn list(&self, _: &str) -> std::io::Result<Vec<crate::media::FileInfo>> { self.fail() }
        fn stat(&self, _: &str) -> std::io::Result<crate::media::FileInfo> { self.fail() }
        fn open(&self, _: &str) -> std::io::Result<Box<dyn std::io::Read + Send>> { self.fail() }
        fn create(&self, _: &str) -> std::io::Result<Box<dyn crate::media::WriteCloser>> { self.fail() }
        fn append(&self, _: &str) -> std::io::Result<Box<dyn crate::media::WriteCloser>> { self.fail() }
        fn read_stream(&self, _: &str) -> std::io::Result<Box<dyn std::io::Read + Send>> { self.fail() }
        fn write_stream(&self, _: &str) -> std::io::Result<Box<dyn crate::media::WriteCloser>> { self.fail() }
        fn exists(&self, _: &str) -> bool { true }
        fn is_dir(&self, _: &str) -> bool { false }
    }

    #[test]
    fn read_failure_names_the_stage_and_leaves_nothing() {
        let root = tempfile::tempdir().unwrap();
        let config = Config::new("x.db").medium(SharedMedium::new(Unreadable));
        let e = MediumBacking::prepare_in("store.NewConfigured", &config, root.path()).err().unwrap();
        assert_eq!(e.message(), "store.NewConfigured: read database from medium: boom");
        assert_eq!(e.kind(), ErrorKind::Io);
        assert_eq!(entries(root.path()), 0);
    }

    #[test]
    fn failed_sync_keeps_the_working_copy() {
        let root = tempfile::tempdir().unwrap();
        let memory = MemoryMedium::new();
        let config = Config::new("x.db").medium(SharedMedium::new(memory));
        let mut backing = MediumBacking::prepare_in("store.New", &config, root.path()).unwrap().unwrap();
        std::fs::write(&backing.local, b"data").unwrap();
        backing.medium = SharedMedium::new(Unreadable);
        assert_eq!(backing.sync().unwrap_err().message(), "boom");
        assert_eq!(std::fs::read(&backing.local).unwrap(), b"data");
        let unseeded = tempfile::tempdir().unwrap();
        let bad_root = unseeded.path().join("missing/dir");
        let e = MediumBacking::prepare_in("store.New", &config, &bad_root).err().unwrap();
        assert!(e.message().starts_with("store.New: create temp directory: "), "{e}");
    }
}
