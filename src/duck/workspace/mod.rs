//! Workspaces (go-store `workspace.go`): one DuckDB file per workspace under
//! the store's state directory, buffered appends, an aggregate committed to
//! the store's journal in one SQLite transaction with a commit marker that
//! names the workspace id, and orphan recovery that deletes only files whose
//! own id was committed. `import`/`export` move entries between a
//! workspace and JSON lines, JSON or CSV files on a medium.

mod commit;
mod csv;
mod database;
mod export;
mod handle;
mod import;
mod name;
mod recover;

pub use commit::set_commit_hook;
pub use database::{FLUSH_BYTES, FLUSH_ROWS};
pub use handle::Workspace;
pub(crate) use recover::OpenScan;
