//! Storage media: where a store's database file and archives live when they
//! are not plain local files — go-store's `Medium`.
//!
//! [`Medium`] has go-io's method set; [`LocalMedium`] is the local
//! filesystem (atomic, durable whole-file writes) and [`MemoryMedium`] keeps
//! files in memory. C, Go and C# callers supply their own media through the
//! C ABI (`store_medium_vtable`).

mod backing;
mod copy;
mod local;
mod medium;
mod memory;

pub(crate) use backing::MediumBacking;
pub use copy::copy;
pub use local::LocalMedium;
pub use medium::{FileInfo, Medium, SharedMedium, WriteCloser, DEFAULT_FILE_MODE};
pub use memory::MemoryMedium;
