//! Archive compression: gzip (flate2, default level) or zstd (default
//! level), streamed in both directions so memory stays bounded.

use crate::base::error::{Error, Result};
use std::io::{self, BufRead, Read, Write};

/// An archive's compression.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ArchiveFormat {
    /// `.jsonl.gz` (go-store's default).
    #[default]
    Gzip,
    /// `.jsonl.zst`.
    Zstd,
}

impl ArchiveFormat {
    /// The file extension, with its leading dot.
    pub fn extension(self) -> &'static str {
        match self {
            ArchiveFormat::Gzip => ".jsonl.gz",
            ArchiveFormat::Zstd => ".jsonl.zst",
        }
    }

    /// The format's name as `CompactOptions.Format` spells it.
    pub fn name(self) -> &'static str {
        match self {
            ArchiveFormat::Gzip => "gzip",
            ArchiveFormat::Zstd => "zstd",
        }
    }

    /// go-store's format rule: trimmed, lower-cased; empty means gzip.
    pub fn parse(format: &str) -> Option<ArchiveFormat> {
        match format.trim().to_lowercase().as_str() {
            "" | "gzip" => Some(ArchiveFormat::Gzip),
            "zstd" => Some(ArchiveFormat::Zstd),
            _ => None,
        }
    }

    /// The format an archive's file name says (`….jsonl.gz` / `….jsonl.zst`).
    pub fn of_path(path: &std::path::Path) -> Option<ArchiveFormat> {
        let name = path.file_name()?.to_str()?;
        if name.ends_with(".gz") {
            Some(ArchiveFormat::Gzip)
        } else if name.ends_with(".zst") {
            Some(ArchiveFormat::Zstd)
        } else {
            None
        }
    }
}

/// A compressing writer; `finish` flushes the trailer and returns the sink.
pub(crate) enum Encoder<W: Write> {
    Gzip(flate2::write::GzEncoder<W>),
    Zstd(zstd::stream::write::Encoder<'static, W>),
}

impl<W: Write> Encoder<W> {
    pub(crate) fn new(format: ArchiveFormat, sink: W) -> Result<Encoder<W>> {
        Ok(match format {
            ArchiveFormat::Gzip => Encoder::Gzip(flate2::write::GzEncoder::new(sink, flate2::Compression::default())),
            ArchiveFormat::Zstd => Encoder::Zstd(
                zstd::stream::write::Encoder::new(sink, zstd::DEFAULT_COMPRESSION_LEVEL)
                    .map_err(|e| Error::new(crate::ErrorKind::Internal, format!("create zstd encoder: {e}")))?,
            ),
        })
    }

    pub(crate) fn finish(self) -> io::Result<W> {
        match self {
            Encoder::Gzip(e) => e.finish(),
            Encoder::Zstd(e) => e.finish(),
        }
    }
}

impl<W: Write> Write for Encoder<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Encoder::Gzip(e) => e.write(buf),
            Encoder::Zstd(e) => e.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Encoder::Gzip(e) => e.flush(),
            Encoder::Zstd(e) => e.flush(),
        }
    }
}

/// A decompressing reader over `source`.
pub(crate) fn decoder<'a, R: BufRead + 'a>(format: ArchiveFormat, source: R) -> io::Result<Box<dyn Read + 'a>> {
    Ok(match format {
        ArchiveFormat::Gzip => Box::new(flate2::bufread::MultiGzDecoder::new(source)),
        ArchiveFormat::Zstd => Box::new(zstd::stream::read::Decoder::with_buffer(source)?),
    })
}
