//! # store
//!
//! A group-namespaced key-value store over SQLite with TTL expiry, scoped
//! namespaces with quotas, change events and transactions — go-store's
//! behaviour and file format, usable from Rust directly and through a stable
//! C ABI (`include/store.h`) from C, C++, Go and C#.
//!
//! ```
//! use store::{Kv, Store};
//! let db = Store::open_in_memory().unwrap();
//! db.set("config", "colour", "blue").unwrap();
//! assert_eq!(db.get("config", "colour").unwrap(), b"blue");
//! ```

mod archive;
mod base;
#[cfg(feature = "duckdb")]
mod duck;
mod engine;
mod events;
pub mod export;
mod journal;
mod kv;
mod media;
mod store;

pub mod ffi;

pub use base::config::{normalise_directory, Config, JournalConfig, Synchronous, DEFAULT_PURGE_INTERVAL, DEFAULT_WORKSPACE_STATE_DIRECTORY, MEMORY_PATH};
pub use base::error::{Error, ErrorKind, Result, NOT_FOUND_TEXT, QUOTA_EXCEEDED_TEXT};
pub use archive::{ArchiveFormat, ArchiveReader, ArchivedEntry, CompactOptions, DEFAULT_ARCHIVE_OUTPUT};
/// Test support: fault injection into compaction steps (not a stable API).
#[doc(hidden)]
pub use archive::publish::{set_fault_hook as set_compact_fault_hook, Step as CompactStep};
pub use journal::{flux, JournalEntry, DEFAULT_JOURNAL_BUCKET};
pub use events::{Event, EventKind, Subscription, WatchEnd, WatchQueue, Watcher, DEFAULT_WATCH_CAPACITY};
pub use media::{copy as copy_medium, FileInfo, LocalMedium, Medium, MemoryMedium, SharedMedium, WriteCloser, DEFAULT_FILE_MODE};
pub use kv::{is_valid_namespace, validate_scope, KeyValue, Kv, KvIter, Quota, Target, Usage, DEFAULT_GROUP, ITER_PAGE_SIZE};
pub use store::{ScopedStore, ScopedTransaction, Store, Transaction};

#[cfg(feature = "duckdb")]
pub use duck::{
    export_training_parquet, export_training_split_parquet, parse_training_line, ChatMessage, ColumnInfo, DuckDb,
    DuckParam, ExpansionPromptRow, GoldenSetRow, ParquetCompression, ParquetRow, QueryRows, COUNTED_TABLES,
    DUCKDB_MEMORY, TABLE_CHECKPOINT_SCORES, TABLE_PROBE_RESULTS, TABLE_SCORING_RESULTS, TRAINING_SPLITS,
};
#[cfg(feature = "duckdb")]
pub use duck::{CopyFn, ImportConfig, ImportTotals, DEFAULT_M3_HOST};
#[cfg(feature = "duckdb")]
pub use duck::{Workspace, FLUSH_BYTES as WORKSPACE_FLUSH_BYTES, FLUSH_ROWS as WORKSPACE_FLUSH_ROWS};
/// Test support: a hook run between a workspace commit's transaction and its file removal (not a stable API).
#[cfg(feature = "duckdb")]
#[doc(hidden)]
pub use duck::set_commit_hook as set_workspace_commit_hook;

/// Version of this library (`MAJOR.MINOR.PATCH`).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
