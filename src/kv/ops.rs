//! Every key-value operation, written once and shared by the store, scoped
//! stores, transactions and scoped transactions. A [`Target`] says where an
//! operation runs (autocommit on the store, or inside a transaction) and how
//! group names map (plain, or under a namespace).

use super::iter::KvIter;
use super::target::Target;
use super::{quota, render};
use crate::base::clock::now_ms;
use crate::base::error::{Error, Op, Result, Stage};
use crate::base::text;
use crate::engine::prefix::PrefixRange;
use crate::engine::statement::{Conn, Param, Sql};
use crate::events::{Delivery, EventKind, Filter, Subscription, Watcher};
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

pub(crate) fn in_transaction<R>(conn: &Conn, f: impl FnOnce(&Conn) -> Result<R>) -> Result<R> {
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
pub(crate) fn each_row(conn: &Conn, sql: Sql, params: &[Param<'_>], stage: &str, visit: &mut dyn FnMut(&[u8], &[u8])) -> Result<()> {
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
pub(crate) fn scan_group(
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
            return t.ensure_ready(op);
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
        KvIter::new(t, t.group(group.as_ref()).into_owned())
    }

    /// Like [`Kv::iter`], but fails at once (rather than on the first row)
    /// when the store is closed.
    fn try_iter(&self, group: impl AsRef<[u8]>) -> Result<KvIter> {
        let t = self.target();
        t.ensure_ready(t.op("All"))?;
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
        let config = t.backend.config();
        let limits = render::Limits { fuel: config.template_fuel, max_output: config.template_max_output };
        render::render(template, vars, limits).map_err(|e| e.wrap(op))
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
        let Some(bus) = t.backend.events() else {
            return Err(Error::invalid("store.OnChange: subscribe on the store or scoped store, not a transaction"));
        };
        let filter = Filter::new(t.scope.map(|s| s.prefix().to_vec()), group.as_ref());
        Subscription::register(bus, filter, Box::new(callback), Delivery::Ordered)
    }

    /// Registers a watch callback: it runs at commit time, under the store's
    /// writer lock, before ordered callbacks, in commit order — the way
    /// go-store serves its channels. It must hand the event on without
    /// blocking (a bounded queue, a non-blocking channel send); store calls
    /// made from it fail with `Busy`. Bindings use it to feed native queues.
    fn watch_with(&self, group: impl AsRef<[u8]>, callback: impl Fn(&crate::Event) + Send + Sync + 'static) -> Result<Subscription> {
        let t = self.target();
        let Some(bus) = t.backend.events() else {
            return Err(Error::invalid("store.Watch: watch the store or scoped store, not a transaction"));
        };
        let filter = Filter::new(t.scope.map(|s| s.prefix().to_vec()), group.as_ref());
        Subscription::register(bus, filter, Box::new(callback), Delivery::Immediate)
    }

    /// Opens a bounded watch queue on `group` (`"*"` for all); `capacity` 0 means 16.
    /// On a closed store the queue comes back already closed.
    fn watch(&self, group: impl AsRef<[u8]>, capacity: usize) -> Result<Watcher> {
        let t = self.target();
        let Some(bus) = t.backend.events() else {
            return Err(Error::invalid("store.Watch: watch the store or scoped store, not a transaction"));
        };
        let filter = Filter::new(t.scope.map(|s| s.prefix().to_vec()), group.as_ref());
        Ok(Watcher::register(bus, filter, capacity))
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
    let in_txn = t.backend.in_transaction();
    t.write(op, quota.is_some() && !in_txn, |conn, emit| {
        let checked = match (quota, t.scope) {
            (Some(quota), Some(spec)) => {
                Some((spec, quota::check(conn, emit.usage, spec, &quota, &stored, key, value)?))
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
            emit.usage_after = Some(checked.after(spec, (key.len() + value.len()) as i64, expires));
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

