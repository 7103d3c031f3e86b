//! Reading an archive back, one row at a time, whatever its size.

use super::codec::{decoder, ArchiveFormat};
use crate::base::error::{Error, ErrorKind, Result};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

/// One archived journal row.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ArchivedEntry {
    /// Bucket name.
    pub bucket: String,
    /// Commit time, Unix milliseconds.
    pub committed_at: i64,
    /// Fields as go-store archived them (numbers are floats).
    #[serde(default, deserialize_with = "null_as_empty")]
    pub fields: serde_json::Map<String, serde_json::Value>,
    /// Measurement name.
    pub measurement: String,
    /// Tags.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub tags: BTreeMap<String, String>,
}

fn null_as_empty<'de, D, T>(d: D) -> std::result::Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// Streams the rows of an archive written by compaction (gzip or zstd,
/// chosen by the file name). Memory stays at one line plus the decoder.
pub struct ArchiveReader {
    lines: BufReader<Box<dyn Read>>,
    line: String,
    number: u64,
    failed: bool,
}

impl ArchiveReader {
    /// Opens `path` (`….jsonl.gz` or `….jsonl.zst`).
    pub fn open(path: impl AsRef<Path>) -> Result<ArchiveReader> {
        const OP: &str = "store.ReadArchive";
        let path = path.as_ref();
        let format = ArchiveFormat::of_path(path).ok_or_else(|| {
            Error::invalid(format!("{OP}: {}: not a .jsonl.gz or .jsonl.zst archive", path.display()))
        })?;
        let file = std::fs::File::open(path)
            .map_err(|e| Error::new(ErrorKind::Io, format!("{OP}: open {}: {e}", path.display())))?;
        let source = decoder(format, BufReader::new(file))
            .map_err(|e| Error::new(ErrorKind::Corrupt, format!("{OP}: {}: {e}", path.display())))?;
        Ok(ArchiveReader { lines: BufReader::new(source), line: String::new(), number: 0, failed: false })
    }
}

impl Iterator for ArchiveReader {
    type Item = Result<ArchivedEntry>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        self.line.clear();
        self.number += 1;
        match self.lines.read_line(&mut self.line) {
            Ok(0) => None,
            Ok(_) => Some(serde_json::from_str(self.line.trim_end_matches('\n')).map_err(|e| {
                Error::new(ErrorKind::Corrupt, format!("store.ReadArchive: line {}: {e}", self.number))
            })),
            Err(e) => {
                // A damaged stream cannot resynchronise: stop after reporting it.
                self.failed = true;
                Some(Err(Error::new(
                ErrorKind::Corrupt,
                    format!("store.ReadArchive: line {}: {e}", self.number),
                )))
            }
        }
    }
}
