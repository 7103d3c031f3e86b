//! The journal: go-store's `journal_entries` table in the store's SQLite
//! file, commits (transactional with key-value writes) and queries (the
//! Flux subset, or one read-only SQL statement). The Flux subset lives in
//! [`flux`], which knows nothing of SQLite.

mod api;
pub(crate) mod canonical;
pub mod flux;
pub(crate) mod gojson;
mod query;
pub(crate) mod scan;
pub(crate) mod table;

pub use api::{JournalEntry, DEFAULT_JOURNAL_BUCKET};
pub(crate) use api::ensure_table;
