//! Copying a file between media (go-io's `io.Copy`), streamed so any size
//! passes through in bounded memory.

use super::medium::Medium;
use crate::{Error, ErrorKind, Result};
use std::io;

/// Streams `source_path` on `source` to `destination_path` on
/// `destination` and returns the bytes copied. The destination is written
/// with `write_stream` and published by its `close` (atomically on the
/// local medium); on any failure the writer is abandoned, so a medium that
/// can discard an unfinished file leaves the old one in place. Errors read
/// `store.CopyMedium: <stage> <path>: <cause>`; a missing source is
/// `NotFound`.
pub fn copy(source: &dyn Medium, source_path: &str, destination: &dyn Medium, destination_path: &str) -> Result<u64> {
    const OP: &str = "store.CopyMedium";
    let fail = |stage: &str, path: &str, e: io::Error| {
        let kind = if e.kind() == io::ErrorKind::NotFound { ErrorKind::NotFound } else { ErrorKind::Io };
        Error::new(kind, format!("{OP}: {stage} {path}: {e}"))
    };
    let mut reader = source.read_stream(source_path).map_err(|e| fail("open source", source_path, e))?;
    let mut writer = destination.write_stream(destination_path).map_err(|e| fail("open destination", destination_path, e))?;
    let mut buf = vec![0u8; 64 * 1024];
    let mut copied = 0u64;
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(fail("read", source_path, e)),
        };
        writer.write_all(&buf[..n]).map_err(|e| fail("write", destination_path, e))?;
        copied += n as u64;
    }
    writer.close().map_err(|e| fail("publish", destination_path, e))?;
    Ok(copied)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::media::{LocalMedium, MemoryMedium};

    #[test]
    fn copies_between_media_both_ways() {
        let dir = tempfile::tempdir().unwrap();
        let local = LocalMedium::rooted(dir.path()).unwrap();
        let memory = MemoryMedium::new();
        let big: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
        memory.write("src/data.bin", &big).unwrap();
        assert_eq!(copy(&memory, "src/data.bin", &local, "backup/data.bin").unwrap(), big.len() as u64);
        assert_eq!(std::fs::read(dir.path().join("backup/data.bin")).unwrap(), big);
        assert_eq!(copy(&local, "backup/data.bin", &memory, "back.bin").unwrap(), big.len() as u64);
        assert_eq!(memory.read("back.bin").unwrap(), big);
        assert_eq!(copy(&memory, "empty", &memory, "x").unwrap_err().kind(), ErrorKind::NotFound);
    }

    #[test]
    fn missing_source_names_the_stage_and_writes_nothing() {
        let memory = MemoryMedium::new();
        let e = copy(&memory, "nope", &memory, "dest").unwrap_err();
        assert_eq!(e.message(), "store.CopyMedium: open source nope: path not found: nope");
        assert_eq!(e.kind(), ErrorKind::NotFound);
        assert!(memory.file_paths().is_empty());
    }
}
