//! Cold archives of the journal: compaction into compressed JSONL
//! (`compact`), the codecs (`codec`), the line format (`line`), atomic
//! publishing (`publish`) and reading archives back (`reader`).

mod codec;
mod compact;
mod line;
pub(crate) mod publish;
mod reader;

pub use codec::ArchiveFormat;
pub use compact::{CompactOptions, DEFAULT_ARCHIVE_OUTPUT};
pub use reader::{ArchiveReader, ArchivedEntry};
