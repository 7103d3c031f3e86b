//! Every key-value operation, written once and shared by the store, scoped
//! stores, transactions and scoped transactions. A [`Target`] says where an
//! operation runs (autocommit on the store, or inside a transaction) and how
//! group names map (plain, or under a namespace).

use crate::clock::now_ms;
use crate::error::{Error, Op, Result, Stage};
use crate::events::{Emit, EventKind, Filter};
use crate::prefix::PrefixRange;
use crate::quota;
use crate::render;
use crate::scope::ScopeSpec;
use crate::store::{Inner, Subscription, Watcher};
use crate::text;
use crate::txn::TxnCore;
use crate::statement::{Conn, Param, Sql};
use std::borrow::Cow;
use std::sync::Arc;
use std::time::Duration;

/// Rows fetched per page by iterators; the connection is released between pages.
pub const ITER_PAGE_SIZE: usize = 256;

/// A key and its value, as returned by list operations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyValue {
    /// The key.
    pub key: Vec<u8>,
    /// The value.
    pub value: Vec<u8>,
}

/// Where an operation runs.
#[derive(Clone, Copy)]
pub enum Exec<'a> {
    /// Autocommit on the store (reads may use a reader connection).
    Store(&'a Arc<Inner>),
    /// Inside an open transaction.
    Txn(&'a Arc<TxnCore>),
}

/// An operation's destination: where it runs and the namespace, if any.
#[derive(Clone, Copy)]
pub struct Target<'a> {
    pub(crate) exec: Exec<'a>,
    pub(crate) scope: Option<&'a Arc<ScopeSpec>>,
}

impl<'a> Target<'a> {
    pub(crate) fn op(&self, method: &'static str) -> Op {
        let base = match (self.exec, self.scope.is_some()) {
            (Exec::Store(_), false) => "store",
            (Exec::Store(_), true) => "store.ScopedStore",
            (Exec::Txn(_), false) => "store.Transaction",
            (Exec::Txn(_), true) => "store.ScopedStoreTransaction",
        };
        Op { base, method }
    }

    pub(crate) fn inner(&self) -> &'a Arc<Inner> {
        match self.exec {
            Exec::Store(inner) => inner,
            Exec::Txn(core) => &core.inner,
        }
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

    pub(crate) fn read<R>(&self, op: Op, f: impl FnOnce(&Conn) -> Result<R>) -> Result<R> {
        match self.exec {
            Exec::Store(inner) => {
                inner.ensure_ready(op)?;
                inner.db.with_reader(|| inner.is_closed(), f).map_err(|e| e.wrap(op))
            }
            Exec::Txn(core) => core.run(op, |conn, _| f(conn)),
        }
    }

    /// Runs a write; `atomic` wraps a multi-statement write in its own
    /// transaction when not already inside one. Events go out after commit
    /// (store) or are staged (transaction).
    pub(crate) fn write<R>(&self, op: Op, atomic: bool, f: impl FnOnce(&Conn, &mut Emit) -> Result<R>) -> Result<R> {
        match self.exec {
            Exec::Store(inner) => {
                inner.ensure_ready(op)?;
                let mut events = Vec::new();
                let active = inner.bus.active();
                let result = inner
                    .db
                    .with_writer(
                        || inner.is_closed(),
                        |conn| {
                            let mut emit = Emit { active, events: &mut events, usage: &inner.usage };
                            if atomic {
                                in_transaction(conn, |c| f(c, &mut emit))
                            } else {
                                f(conn, &mut emit)
                            }
                        },
                    )
                    .map_err(|e| e.wrap(op))?;
                if !events.is_empty() {
                    inner.bus.dispatch(events);
                }
                Ok(result)
            }
            Exec::Txn(core) => core.run(op, f),
        }
    }
}

fn in_transaction<R>(conn: &Conn, f: impl FnOnce(&Conn) -> Result<R>) -> Result<R> {
    conn.stmt(Sql::Begin).and_then(|mut s| s.execute()).stage("begin transaction")?;
    let rollback = || {
        let _ = conn.stmt(Sql::Rollback).and_then(|mut s| s.execute());
    };
    match f(conn) {
        Ok(r) => match conn.stmt(Sql::Commit).and_then(|mut s| s.execute()) {
            Ok(_) => Ok(r),
            Err(e) => {
                rollback();
                Err(Error::sqlite("commit transaction", e))
            }
        },
        Err(e) => {
            rollback();
            Err(e)
        }
    }
}

/// Runs a statement with `params` and returns the number of rows changed.
fn execute(conn: &Conn, sql: Sql, params: &[Param<'_>], stage: &str) -> Result<i64> {
    let mut stmt = conn.stmt(sql).stage(stage)?;
    stmt.bind(params).stage(stage)?;
    stmt.execute().stage(stage)
}

/// Runs a query and reports whether it returned a row.
fn any_row(conn: &Conn, sql: Sql, params: &[Param<'_>], stage: &str) -> Result<bool> {
    let mut stmt = conn.stmt(sql).stage(stage)?;
    stmt.bind(params).stage(stage)?;
    stmt.step().stage(stage)
}

/// Runs a one-row integer query.
fn query_int(conn: &Conn, sql: Sql, params: &[Param<'_>], stage: &str) -> Result<i64> {
    let mut stmt = conn.stmt(sql).stage(stage)?;
    stmt.bind(params).stage(stage)?;
    stmt.step().stage(stage)?;
    Ok(stmt.int(0))
}

/// Visits every row of a query, passing its first two columns as bytes.
fn each_row(conn: &Conn, sql: Sql, params: &[Param<'_>], stage: &str, visit: &mut dyn FnMut(&[u8], &[u8])) -> Result<()> {
    let mut stmt = conn.stmt(sql).stage(stage)?;
    stmt.bind(params).stage(stage)?;
    while stmt.step().stage("rows iteration")? {
        visit(stmt.bytes(0), stmt.bytes(1));
    }
    Ok(())
}

enum Lookup<R> {
    Found(R),
    Missing,
    Expired,
}

/// Visits the live rows of `group` in key order, `limit` rows from `offset`
/// (`limit < 0` means all).
fn scan_group(
    conn: &Conn,
    group: &[u8],
    now: i64,
    offset: i64,
    limit: i64,
    visit: &mut dyn FnMut(&[u8], &[u8]),
) -> Result<()> {
    let params = [Param::Text(group), Param::Int(now), Param::Int(limit), Param::Int(offset)];
    each_row(conn, Sql::ScanGroup, &params, "query rows", visit)
}

/// The operations every key-value view offers: [`Store`](crate::Store),
/// [`ScopedStore`](crate::ScopedStore), [`Transaction`](crate::Transaction)
/// and [`ScopedTransaction`](crate::ScopedTransaction). Groups, keys and
/// values are byte strings; `&str` works wherever `AsRef<[u8]>` is asked.
pub trait Kv {
    /// Where this view's operations run. Implementation detail of the crate.
    #[doc(hidden)]
    fn target(&self) -> Target<'_>;

    /// Reads a value and hands it to `f` without copying it first. Absent or
    /// expired → `NotFound`; an expired row is deleted and an `EventDelete` sent.
    ///
    /// `f` (like the visitors of the other `_with` methods) runs while a
    /// database connection is held: it must not call the store (such calls
    /// fail with `Busy` where they would otherwise wait for that connection).
    fn get_with<R>(&self, group: impl AsRef<[u8]>, key: impl AsRef<[u8]>, f: impl FnOnce(&[u8]) -> R) -> Result<R> {
        let group = group.as_ref();
        let key = key.as_ref();
        match self.lookup_with(group, key, f)? {
            Some(r) => Ok(r),
            None => {
                let t = self.target();
                Err(Error::not_found_at(t.op("Get"), &t.group(group), key))
            }
        }
    }

    /// Like [`Kv::get_with`], but a missing or expired key is `Ok(None)`
    /// rather than an error (an expired row is still deleted, with its event).
    fn lookup_with<R>(&self, group: impl AsRef<[u8]>, key: impl AsRef<[u8]>, f: impl FnOnce(&[u8]) -> R) -> Result<Option<R>> {
        let t = self.target();
        let op = t.op("Get");
        let group = t.group(group.as_ref());
        let key = key.as_ref();
        let lookup = t.read(op, |conn| {
            let mut stmt = conn.stmt(Sql::Get).stage("query row")?;
            stmt.bind(&[Param::Text(&group), Param::Text(key)]).stage("query row")?;
            if !stmt.step().stage("query row")? {
                return Ok(Lookup::Missing);
            }
            // The clock is read only for rows that can expire.
            if !stmt.is_null(1) && stmt.int(1) <= now_ms() {
                return Ok(Lookup::Expired);
            }
            Ok(Lookup::Found(f(stmt.bytes(0))))
        })?;
        match lookup {
            Lookup::Found(r) => Ok(Some(r)),
            Lookup::Missing => Ok(None),
            Lookup::Expired => {
                t.write(op, false, |conn, emit| {
                    let params = [Param::Text(&group), Param::Text(key), Param::Int(now_ms())];
                    let removed = execute(conn, Sql::DeleteIfExpired, &params, "delete expired row")?;
                    if removed > 0 {
                        emit.push(EventKind::Delete, &group, key, b"");
                    }
                    Ok(())
                })?;
                Ok(None)
            }
        }
    }

    /// Reads a value (see [`Kv::get_with`]).
    fn get(&self, group: impl AsRef<[u8]>, key: impl AsRef<[u8]>) -> Result<Vec<u8>> {
        self.get_with(group, key, |v| v.to_vec())
    }

    /// Writes a value with no expiry (clearing any earlier TTL).
    fn set(&self, group: impl AsRef<[u8]>, key: impl AsRef<[u8]>, value: impl AsRef<[u8]>) -> Result<()> {
        upsert(self.target(), "Set", group.as_ref(), key.as_ref(), value.as_ref(), None)
    }

    /// Writes a value that expires `ttl_ms` milliseconds from now. Zero or
    /// negative TTLs store an already-expired row, as go-store does.
    fn set_with_ttl_ms(
        &self,
        group: impl AsRef<[u8]>,
        key: impl AsRef<[u8]>,
        value: impl AsRef<[u8]>,
        ttl_ms: i64,
    ) -> Result<()> {
        let expires = now_ms().saturating_add(ttl_ms);
        upsert(self.target(), "SetWithTTL", group.as_ref(), key.as_ref(), value.as_ref(), Some(expires))
    }

    /// Writes a value that expires after `ttl`.
    fn set_with_ttl(&self, group: impl AsRef<[u8]>, key: impl AsRef<[u8]>, value: impl AsRef<[u8]>, ttl: Duration) -> Result<()> {
        self.set_with_ttl_ms(group, key, value, i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX))
    }

    /// Deletes a key, live or expired. A missing key is not an error.
    fn delete(&self, group: impl AsRef<[u8]>, key: impl AsRef<[u8]>) -> Result<()> {
        let t = self.target();
        let group = t.group(group.as_ref());
        let key = key.as_ref();
        t.write(t.op("Delete"), false, |conn, emit| {
            let removed = execute(conn, Sql::Delete, &[Param::Text(&group), Param::Text(key)], "delete row")?;
            if removed > 0 {
                emit.push(EventKind::Delete, &group, key, b"");
            }
            Ok(())
        })
    }

    /// True when a live row exists. Never deletes.
    fn exists(&self, group: impl AsRef<[u8]>, key: impl AsRef<[u8]>) -> Result<bool> {
        let t = self.target();
        let group = t.group(group.as_ref());
        let key = key.as_ref();
        t.read(t.op("Exists"), |conn| {
            any_row(conn, Sql::Exists, &[Param::Text(&group), Param::Text(key), Param::Int(now_ms())], "query row")
        })
    }

    /// True when the group has at least one live row.
    fn group_exists(&self, group: impl AsRef<[u8]>) -> Result<bool> {
        let t = self.target();
        let group = t.group(group.as_ref());
        t.read(t.op("GroupExists"), |conn| {
            any_row(conn, Sql::GroupExists, &[Param::Text(&group), Param::Int(now_ms())], "count rows")
        })
    }

    /// Live rows in the group.
    fn count(&self, group: impl AsRef<[u8]>) -> Result<i64> {
        let t = self.target();
        let group = t.group(group.as_ref());
        t.read(t.op("Count"), |conn| {
            query_int(conn, Sql::Count, &[Param::Text(&group), Param::Int(now_ms())], "count rows")
        })
    }

    /// Live rows in every group whose name starts with `prefix` (bytewise,
    /// case-sensitive); `""` counts all (all of the namespace when scoped).
    fn count_all(&self, prefix: impl AsRef<[u8]>) -> Result<i64> {
        let t = self.target();
        let range = PrefixRange::new(&t.group(prefix.as_ref()));
        t.read(t.op("CountAll"), |conn| {
            query_int(conn, Sql::CountRange, &[range.lower(), range.upper(), Param::Int(now_ms())], "count rows")
        })
    }

    /// Deletes every row of the group; one `DeleteGroup` event if any was removed.
    fn delete_group(&self, group: impl AsRef<[u8]>) -> Result<()> {
        let t = self.target();
        let group = t.group(group.as_ref());
        t.write(t.op("DeleteGroup"), false, |conn, emit| {
            let removed = execute(conn, Sql::DeleteGroup, &[Param::Text(&group)], "delete group")?;
            if removed > 0 {
                emit.push(EventKind::DeleteGroup, &group, b"", b"");
            }
            Ok(())
        })
    }

    /// Deletes every group whose name starts with `prefix`, atomically; one
    /// `DeleteGroup` event per group in ascending name order.
    fn delete_prefix(&self, prefix: impl AsRef<[u8]>) -> Result<()> {
        let t = self.target();
        let range = PrefixRange::new(&t.group(prefix.as_ref()));
        t.write(t.op("DeletePrefix"), true, |conn, emit| {
            let mut groups: Vec<Vec<u8>> = Vec::new();
            let bounds = [range.lower(), range.upper()];
            each_row(conn, Sql::GroupsInRangeAny, &bounds, "list groups", &mut |g, _| groups.push(g.to_vec()))?;
            if groups.is_empty() {
                return Ok(());
            }
            execute(conn, Sql::DeleteRange, &bounds, "delete group")?;
            for group in &groups {
                emit.push(EventKind::DeleteGroup, group, b"", b"");
            }
            Ok(())
        })
    }

    /// Visits live rows of the group in key order without per-row allocation.
    fn get_all_with(&self, group: impl AsRef<[u8]>, visit: &mut dyn FnMut(&[u8], &[u8])) -> Result<()> {
        let t = self.target();
        page(t, t.op("GetAll"), group.as_ref(), 0, -1, visit)
    }

    /// Live rows of the group in key order.
    fn get_all(&self, group: impl AsRef<[u8]>) -> Result<Vec<KeyValue>> {
        let mut out = Vec::new();
        self.get_all_with(group, &mut |k, v| out.push(KeyValue { key: k.to_vec(), value: v.to_vec() }))?;
        Ok(out)
    }

    /// Visits up to `limit` live rows from `offset`, in key order. A negative
    /// offset or limit is an error; a zero limit visits nothing.
    fn get_page_with(
        &self,
        group: impl AsRef<[u8]>,
        offset: i64,
        limit: i64,
        visit: &mut dyn FnMut(&[u8], &[u8]),
    ) -> Result<()> {
        let t = self.target();
        let op = t.op("GetPage");
        if offset < 0 {
            return Err(Error::invalid("offset must be zero or positive").wrap(op));
        }
        if limit < 0 {
            return Err(Error::invalid("limit must be zero or positive").wrap(op));
        }
        if limit == 0 {
            return t.inner().ensure_ready(op);
        }
        page(t, op, group.as_ref(), offset, limit, visit)
    }

    /// Up to `limit` live rows from `offset`, in key order.
    fn get_page(&self, group: impl AsRef<[u8]>, offset: i64, limit: i64) -> Result<Vec<KeyValue>> {
        let mut out = Vec::new();
        self.get_page_with(group, offset, limit, &mut |k, v| out.push(KeyValue { key: k.to_vec(), value: v.to_vec() }))?;
        Ok(out)
    }

    /// A lazy, key-ordered iterator over the group's live rows. It reads
    /// pages of [`ITER_PAGE_SIZE`] rows and holds no connection between
    /// them, so the loop body may call the store.
    fn iter(&self, group: impl AsRef<[u8]>) -> KvIter {
        let t = self.target();
        KvIter {
            target: OwnedTarget::from(t),
            group: t.group(group.as_ref()).into_owned(),
            after: None,
            page: std::collections::VecDeque::new(),
            done: false,
        }
    }

    /// Like [`Kv::iter`], but fails at once (rather than on the first row)
    /// when the store is closed.
    fn try_iter(&self, group: impl AsRef<[u8]>) -> Result<KvIter> {
        let t = self.target();
        t.inner().ensure_ready(t.op("All"))?;
        Ok(self.iter(group))
    }

    /// Distinct names of groups with live rows starting with `prefix`, ascending
    /// (namespace-local when scoped).
    fn groups(&self, prefix: impl AsRef<[u8]>) -> Result<Vec<Vec<u8>>> {
        let mut out = Vec::new();
        self.groups_with(prefix, &mut |g| out.push(g.to_vec()))?;
        Ok(out)
    }

    /// Visits the names `groups` returns without per-name allocation.
    fn groups_with(&self, prefix: impl AsRef<[u8]>, visit: &mut dyn FnMut(&[u8])) -> Result<()> {
        let t = self.target();
        let range = PrefixRange::new(&t.group(prefix.as_ref()));
        t.read(t.op("Groups"), |conn| {
            let params = [range.lower(), range.upper(), Param::Int(now_ms())];
            each_row(conn, Sql::GroupsInRangeLive, &params, "query group names", &mut |g, _| visit(t.local(g)))
        })
    }

    /// The value split on `separator` with Go `strings.Split` semantics.
    fn get_split(&self, group: impl AsRef<[u8]>, key: impl AsRef<[u8]>, separator: impl AsRef<[u8]>) -> Result<Vec<Vec<u8>>> {
        let sep = separator.as_ref();
        self.get_with(group, key, |v| text::split(v, sep).into_iter().map(<[u8]>::to_vec).collect())
    }

    /// The value's whitespace-separated fields (Go `strings.Fields`).
    fn get_fields(&self, group: impl AsRef<[u8]>, key: impl AsRef<[u8]>) -> Result<Vec<Vec<u8>>> {
        self.get_with(group, key, |v| text::fields(v).into_iter().map(<[u8]>::to_vec).collect())
    }

    /// Renders a template with the group's live rows as variables. Accepts
    /// minijinja syntax and go-store's `{{ .name }}` form; a missing
    /// variable renders `<no value>`, as in Go.
    fn render(&self, template: &str, group: impl AsRef<[u8]>) -> Result<String> {
        let t = self.target();
        let op = t.op("Render");
        let mut vars = render::Vars::default();
        self.get_all_with(group, &mut |k, v| vars.push(k, v)).map_err(|e| e.wrap(format!("{op}: iterate rows")))?;
        render::render(template, vars).map_err(|e| e.wrap(op))
    }

    /// Deletes every expired row (of the namespace when scoped); one
    /// `Delete` event per row. Returns how many were removed.
    fn purge_expired(&self) -> Result<i64> {
        let t = self.target();
        let range = PrefixRange::new(&t.group(b""));
        t.write(t.op("PurgeExpired"), false, |conn, emit| {
            let mut removed = 0;
            let params = [Param::Int(now_ms()), range.lower(), range.upper()];
            each_row(conn, Sql::PurgeRange, &params, "delete expired rows", &mut |group, key| {
                removed += 1;
                emit.push(EventKind::Delete, group, key, b"");
            })?;
            Ok(removed)
        })
    }

    /// Registers a callback for changes to `group` (`"*"` for every group;
    /// namespace-local when scoped). It runs on the writing thread after
    /// commit, outside every lock, and may call the store.
    fn subscribe(&self, group: impl AsRef<[u8]>, callback: impl Fn(&crate::Event) + Send + Sync + 'static) -> Result<Subscription> {
        let t = self.target();
        let Exec::Store(inner) = t.exec else {
            return Err(Error::invalid("store.OnChange: subscribe on the store or scoped store, not a transaction"));
        };
        let filter = Filter::new(t.scope.map(|s| s.prefix().to_vec()), group.as_ref());
        Subscription::register(inner, filter, Box::new(callback))
    }

    /// Opens a bounded watch queue on `group` (`"*"` for all); `capacity` 0 means 16.
    /// On a closed store the queue comes back already closed.
    fn watch(&self, group: impl AsRef<[u8]>, capacity: usize) -> Result<Watcher> {
        let t = self.target();
        let Exec::Store(inner) = t.exec else {
            return Err(Error::invalid("store.Watch: watch the store or scoped store, not a transaction"));
        };
        let filter = Filter::new(t.scope.map(|s| s.prefix().to_vec()), group.as_ref());
        Ok(Watcher::register(inner, filter, capacity))
    }
}

/// Reads `limit` live rows from `offset` (`limit` -1 = all) under `op`.
fn page(t: Target<'_>, op: Op, group: &[u8], offset: i64, limit: i64, visit: &mut dyn FnMut(&[u8], &[u8])) -> Result<()> {
    let group = t.group(group);
    t.read(op, |conn| scan_group(conn, &group, now_ms(), offset, limit, visit))
}

fn upsert(t: Target<'_>, method: &'static str, group: &[u8], key: &[u8], value: &[u8], expires: Option<i64>) -> Result<()> {
    let op = t.op(if t.scope.is_some() { scoped_method(method) } else { method });
    let stored = t.group(group);
    let quota = t.scope.and_then(|s| s.quota_if_limited());
    t.write(op, quota.is_some() && matches!(t.exec, Exec::Store(_)), |conn, emit| {
        let checked = match (quota, t.scope) {
            (Some(quota), Some(spec)) => {
                let cache = matches!(t.exec, Exec::Store(_)).then_some(emit.usage);
                Some((spec, quota::check(conn, cache, spec, &quota, &stored, key, value)?))
            }
            _ => None,
        };
        match expires {
            None => execute(conn, Sql::Set, &[Param::Text(&stored), Param::Text(key), Param::Text(value)], "execute upsert")?,
            Some(at) => {
                let params = [Param::Text(&stored), Param::Text(key), Param::Text(value), Param::Int(at)];
                execute(conn, Sql::SetWithExpiry, &params, "execute upsert with expiry")?
            }
        };
        emit.push(EventKind::Set, &stored, key, value);
        if let Some((spec, checked)) = checked {
            checked.record(emit.usage, spec, (key.len() + value.len()) as i64, expires);
        }
        Ok(())
    })
}

fn scoped_method(method: &'static str) -> &'static str {
    match method {
        "Set" => "SetIn",
        other => other,
    }
}

/// An owned [`Target`], for iterators that outlive the borrow.
#[derive(Clone)]
pub(crate) enum OwnedExec {
    Store(Arc<Inner>),
    Txn(Arc<TxnCore>),
}

#[derive(Clone)]
pub(crate) struct OwnedTarget {
    exec: OwnedExec,
    scope: Option<Arc<ScopeSpec>>,
}

impl From<Target<'_>> for OwnedTarget {
    fn from(t: Target<'_>) -> Self {
        OwnedTarget {
            exec: match t.exec {
                Exec::Store(i) => OwnedExec::Store(i.clone()),
                Exec::Txn(c) => OwnedExec::Txn(c.clone()),
            },
            scope: t.scope.cloned(),
        }
    }
}

impl OwnedTarget {
    fn borrow(&self) -> Target<'_> {
        Target {
            exec: match &self.exec {
                OwnedExec::Store(i) => Exec::Store(i),
                OwnedExec::Txn(c) => Exec::Txn(c),
            },
            scope: self.scope.as_ref(),
        }
    }
}

/// Key-ordered iterator over a group's live rows, fetched a page at a time.
/// Yields `Err` once (then ends) if a page cannot be read.
pub struct KvIter {
    target: OwnedTarget,
    group: Vec<u8>,
    after: Option<Vec<u8>>,
    page: std::collections::VecDeque<KeyValue>,
    done: bool,
}

impl KvIter {
    /// Fetches the next page; returns how many rows it holds (0 at the end).
    pub fn fill(&mut self, max: usize) -> Result<usize> {
        if self.done {
            return Ok(0);
        }
        let t = self.target.borrow();
        let op = t.op("All");
        let group = &self.group;
        let after = self.after.take();
        let page = &mut self.page;
        let limit = max.max(1) as i64;
        let fetched = t.read(op, |conn| {
            let mut n = 0;
            let mut visit = |k: &[u8], v: &[u8]| {
                page.push_back(KeyValue { key: k.to_vec(), value: v.to_vec() });
                n += 1;
            };
            match &after {
                None => scan_group(conn, group, now_ms(), 0, limit, &mut visit)?,
                Some(last) => {
                    let params = [Param::Text(group), Param::Text(last), Param::Int(now_ms()), Param::Int(limit)];
                    each_row(conn, Sql::ScanGroupAfter, &params, "query rows", &mut visit)?
                }
            }
            Ok(n)
        });
        match fetched {
            Ok(n) => {
                if n < limit as usize {
                    self.done = true;
                }
                self.after = self.page.back().map(|kv| kv.key.clone()).or(after);
                Ok(n)
            }
            Err(e) => {
                self.done = true;
                Err(e)
            }
        }
    }

    /// Takes up to `max` next rows: those still buffered (after `next`)
    /// first, else a fresh page of `max`. Never more than `max`.
    pub fn take_page(&mut self, max: usize) -> Result<std::collections::vec_deque::Drain<'_, KeyValue>> {
        if self.page.is_empty() {
            self.fill(max)?;
        }
        let n = self.page.len().min(max);
        Ok(self.page.drain(..n))
    }
}

impl Iterator for KvIter {
    type Item = Result<KeyValue>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(kv) = self.page.pop_front() {
            return Some(Ok(kv));
        }
        match self.fill(ITER_PAGE_SIZE) {
            Ok(0) => None,
            Ok(_) => self.page.pop_front().map(Ok),
            Err(e) => Some(Err(e)),
        }
    }
}
