//! The journal: go-store's `journal_entries` table, commits and queries.
//! The Flux subset lives in [`flux`], which knows nothing of SQLite.

pub mod flux;
