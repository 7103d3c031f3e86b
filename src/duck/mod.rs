//! The DuckDB analytics layer (feature `duckdb`): go-store's `DuckDB` handle
//! with its canonical scoring tables and helpers, Parquet export (one file,
//! or hive-partitioned by a column) and import, and the training-JSONL to
//! Parquet conversion. Built on DuckDB's C API (`libduckdb-sys`).

mod analytics;
mod civil;
mod import;
mod params;
mod parquet;
mod raw;
mod rows;
mod scoring;
mod training;
pub(crate) mod workspace;

pub use analytics::{ColumnInfo, DuckDb, QueryRows, DUCKDB_MEMORY};
pub use import::{CopyFn, ImportConfig, ImportTotals, DEFAULT_M3_HOST};
pub use params::DuckParam;
pub use parquet::ParquetCompression;
pub use scoring::{
    ExpansionPromptRow, GoldenSetRow, COUNTED_TABLES, TABLE_CHECKPOINT_SCORES, TABLE_PROBE_RESULTS, TABLE_SCORING_RESULTS,
};
pub use workspace::{set_commit_hook, Workspace, FLUSH_BYTES, FLUSH_ROWS};
pub use training::{
    export_training_parquet, export_training_split_parquet, parse_training_line, ChatMessage, ParquetRow, TRAINING_SPLITS,
};
