//! The store handle and what ties the engine, key-value operations and
//! events together: transactions, scoped stores, the background purge.

mod purge;
mod scope;
#[allow(clippy::module_inception)]
mod store;
mod txn;

pub use scope::{ScopedStore, ScopedTransaction};
pub use store::Store;
pub(crate) use store::Inner;
pub use txn::Transaction;
