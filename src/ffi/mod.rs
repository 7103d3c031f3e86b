//! The C ABI. This layer only converts: pointers and lengths to slices,
//! boxed handles to Rust values, errors to `store_status` codes plus a
//! per-thread message, and panics to `STORE_INTERNAL`. Every behaviour lives
//! in the Rust API above it.
//!
//! Conventions (see `include/store.h`): every symbol starts with `store_`;
//! fallible functions return `store_status` and write out-parameters only on
//! success; inputs are pointer + length (binary-safe; NULL is allowed only
//! with length 0); owned outputs are freed by exactly one `*_free`
//! function, which accepts NULL.

#![allow(non_camel_case_types)]
#![allow(clippy::missing_safety_doc)]

mod boundary;
mod db;
#[cfg(feature = "duckdb")]
mod duck;
#[cfg(feature = "duckdb")]
mod duck_import;
mod events;
mod export;
mod handles;
mod iter;
mod journal;
mod kv;
mod media;
mod scope;
mod sized;
mod txn;
mod types;
mod version;
#[cfg(feature = "duckdb")]
mod workspace;
#[cfg(feature = "duckdb")]
mod workspace_io;

pub use boundary::*;
pub use db::*;
#[cfg(feature = "duckdb")]
pub use duck::*;
#[cfg(feature = "duckdb")]
pub use duck_import::*;
pub use events::*;
pub use export::*;
pub use handles::*;
pub use iter::*;
pub use journal::*;
pub use kv::*;
pub use media::*;
pub use scope::*;
pub use txn::*;
pub use types::*;
pub use version::*;
#[cfg(feature = "duckdb")]
pub use workspace::*;
#[cfg(feature = "duckdb")]
pub use workspace_io::*;
