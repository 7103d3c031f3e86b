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

mod clock;
mod config;
mod database;
#[cfg(feature = "duckdb")]
mod duck;
mod error;
mod events;
mod kv;
mod prefix;
mod quota;
mod render;
mod schema;
mod scope;
mod sql;
mod statement;
mod store;
mod text;
mod txn;

pub mod ffi;

pub use config::{normalise_directory, Config, JournalConfig, Synchronous, DEFAULT_PURGE_INTERVAL, DEFAULT_WORKSPACE_STATE_DIRECTORY, MEMORY_PATH};
#[cfg(feature = "duckdb")]
pub use duck::{
    export_training_parquet, export_training_split_parquet, parse_training_line, ChatMessage, ColumnInfo, DuckDb,
    DuckParam, ExpansionPromptRow, GoldenSetRow, ParquetCompression, ParquetRow, QueryRows, COUNTED_TABLES,
    DUCKDB_MEMORY, TABLE_CHECKPOINT_SCORES, TABLE_PROBE_RESULTS, TABLE_SCORING_RESULTS, TRAINING_SPLITS,
};
pub use error::{Error, ErrorKind, Result, NOT_FOUND_TEXT, QUOTA_EXCEEDED_TEXT};
pub use events::{Event, EventKind, WatchEnd, WatchQueue, DEFAULT_WATCH_CAPACITY};
pub use kv::{KeyValue, Kv, KvIter, Target, ITER_PAGE_SIZE};
pub use quota::{Quota, Usage};
pub use scope::{is_valid_namespace, validate_scope, ScopedStore, ScopedTransaction, DEFAULT_GROUP};
pub use store::{Store, Subscription, Watcher};
pub use txn::Transaction;

/// Version of this library (`MAJOR.MINOR.PATCH`).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
