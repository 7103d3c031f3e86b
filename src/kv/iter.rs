//! Lazy, paged iteration over a group: no connection is held between pages,
//! so a loop body may call the store.

use super::ops::{each_row, scan_group};
use super::target::{Backend, Target};
use super::namespace::ScopeSpec;
use super::KeyValue;
use crate::base::clock::now_ms;
use crate::base::error::Result;
use crate::engine::statement::{Param, Sql};
use std::sync::Arc;

pub use super::ops::ITER_PAGE_SIZE;

/// Key-ordered iterator over a group's live rows, fetched a page at a time.
/// Yields `Err` once (then ends) if a page cannot be read.
pub struct KvIter {
    backend: Box<dyn Backend>,
    scope: Option<Arc<ScopeSpec>>,
    group: Vec<u8>,
    after: Option<Vec<u8>>,
    page: std::collections::VecDeque<KeyValue>,
    done: bool,
}

impl KvIter {
    pub(crate) fn new(t: Target<'_>, group: Vec<u8>) -> KvIter {
        KvIter {
            backend: t.backend.to_owned(),
            scope: t.scope.cloned(),
            group,
            after: None,
            page: std::collections::VecDeque::new(),
            done: false,
        }
    }

    /// Fetches the next page; returns how many rows it holds (0 at the end).
    pub fn fill(&mut self, max: usize) -> Result<usize> {
        if self.done {
            return Ok(0);
        }
        let t = Target::new(&*self.backend, self.scope.as_ref());
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
