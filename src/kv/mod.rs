//! Every key-value operation once (the [`Kv`] trait over a [`Target`]),
//! paged iteration, namespaces, quotas and template rendering.

mod iter;
pub(crate) mod namespace;
mod ops;
pub(crate) mod quota;
pub(crate) mod render;
pub(crate) mod target;

pub use iter::{KvIter, ITER_PAGE_SIZE};
pub use namespace::{is_valid_namespace, validate_scope, DEFAULT_GROUP};
pub use ops::{KeyValue, Kv};
pub use quota::{Quota, Usage};
pub use target::Target;
pub(crate) use ops::in_transaction;
