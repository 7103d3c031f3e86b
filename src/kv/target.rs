//! Where a key-value operation runs. The store and its transactions
//! implement [`Backend`]; `kv` reaches them only through it, so the operations
//! are written once for every view without naming store internals.

use super::namespace::ScopeSpec;
use super::quota::{UsageAfter, UsageCache};
use crate::base::config::Config;
use crate::base::error::{Op, Result};
use crate::engine::statement::Conn;
use crate::events::{Event, EventBus, EventKind};
use std::borrow::Cow;
use std::sync::Arc;

/// What the key-value operations need from whoever runs them: the store
/// (autocommit writes, pooled reads) or an open transaction.
pub(crate) trait Backend: Send + Sync {
    /// `Closed` (named for `op`) once the store or transaction has ended.
    fn ensure_ready(&self, op: Op) -> Result<()>;
    /// Runs a read.
    fn read(&self, op: Op, f: &mut dyn FnMut(&Conn) -> Result<()>) -> Result<()>;
    /// Runs a write; `atomic` asks for a transaction around a multi-statement
    /// write when not already inside one. Events collected in the [`Emit`]
    /// are delivered after commit (store) or staged (transaction).
    fn write(&self, op: Op, atomic: bool, f: &mut dyn FnMut(&Conn, &mut Emit) -> Result<()>) -> Result<()>;
    /// True inside a transaction (quota checks then count pending writes).
    fn in_transaction(&self) -> bool;
    /// The event bus, for subscriptions; `None` for a transaction.
    fn events(&self) -> Option<&Arc<EventBus>>;
    /// The store's normalised configuration (limits such as template fuel).
    fn config(&self) -> &Config;
    /// An owned handle on the same backend, for iterators that outlive the borrow.
    fn to_owned(&self) -> Box<dyn Backend>;
}

/// An operation's destination: where it runs and the namespace, if any.
#[derive(Clone, Copy)]
pub struct Target<'a> {
    pub(crate) backend: &'a dyn Backend,
    pub(crate) scope: Option<&'a Arc<ScopeSpec>>,
    /// go-store's operation prefix: `store`, `store.ScopedStore`, …
    pub(crate) base: &'static str,
}

impl<'a> Target<'a> {
    pub(crate) fn new(backend: &'a dyn Backend, scope: Option<&'a Arc<ScopeSpec>>) -> Target<'a> {
        let base = match (backend.in_transaction(), scope.is_some()) {
            (false, false) => "store",
            (false, true) => "store.ScopedStore",
            (true, false) => "store.Transaction",
            (true, true) => "store.ScopedStoreTransaction",
        };
        Target { backend, scope, base }
    }

    pub(crate) fn op(&self, method: &'static str) -> Op {
        Op { base: self.base, method }
    }

    /// Maps a caller's group to the stored group (`namespace:group` when scoped).
    pub(crate) fn group<'g>(&self, group: &'g [u8]) -> Cow<'g, [u8]> {
        match self.scope {
            None => Cow::Borrowed(group),
            Some(spec) => Cow::Owned([spec.prefix(), group].concat()),
        }
    }

    /// Strips the namespace from a stored group name.
    pub(crate) fn local<'g>(&self, group: &'g [u8]) -> &'g [u8] {
        match self.scope {
            Some(spec) => group.strip_prefix(spec.prefix()).unwrap_or(group),
            None => group,
        }
    }

    pub(crate) fn ensure_ready(&self, op: Op) -> Result<()> {
        self.backend.ensure_ready(op)
    }

    pub(crate) fn read<R>(&self, op: Op, f: impl FnOnce(&Conn) -> Result<R>) -> Result<R> {
        let mut f = Some(f);
        let mut out = None;
        self.backend.read(op, &mut |conn| {
            if let Some(f) = f.take() {
                out = Some(f(conn)?);
            }
            Ok(())
        })?;
        out.ok_or_else(|| crate::Error::new(crate::ErrorKind::Internal, "read body did not run"))
    }

    pub(crate) fn write<R>(&self, op: Op, atomic: bool, f: impl FnOnce(&Conn, &mut Emit) -> Result<R>) -> Result<R> {
        let mut f = Some(f);
        let mut out = None;
        self.backend.write(op, atomic, &mut |conn, emit| {
            if let Some(f) = f.take() {
                out = Some(f(conn, emit)?);
            }
            Ok(())
        })?;
        out.ok_or_else(|| crate::Error::new(crate::ErrorKind::Internal, "write body did not run"))
    }
}

/// Collects the events of one write (or transaction) until they can be
/// delivered; builds nothing when nobody listens.
pub(crate) struct Emit<'a> {
    pub active: bool,
    pub events: &'a mut Vec<Event>,
    /// The usage cache quota checks read: the store's, or a transaction's own.
    /// Every change passes here, so cached namespace usage never goes stale.
    pub usage: &'a UsageCache,
    /// Inside a transaction, the store's cache, which its changes make stale too.
    pub store_usage: Option<&'a UsageCache>,
    /// Usage after a quota-checked write, recorded by the backend once the
    /// write has committed (or at once into a transaction's own cache).
    pub usage_after: Option<UsageAfter>,
}

impl<'a> Emit<'a> {
    pub(crate) fn new(active: bool, events: &'a mut Vec<Event>, usage: &'a UsageCache, store_usage: Option<&'a UsageCache>) -> Emit<'a> {
        Emit { active, events, usage, store_usage, usage_after: None }
    }

    pub(crate) fn push(&mut self, kind: EventKind, group: &[u8], key: &[u8], value: &[u8]) {
        self.usage.touch(group);
        if let Some(store) = self.store_usage {
            store.touch(group);
        }
        if self.active {
            self.events.push(Event::new(kind, group, key, value));
        }
    }
}
