//! The journal operations, written once over a [`Target`] so the store and
//! a transaction share them: inside a transaction a journal row commits or
//! rolls back with the key-value writes beside it.

use super::gojson::{self, Numbers};
use super::{query, table};
use crate::base::clock::now_ms;
use crate::base::error::{Error, Op, Result, Stage};
use crate::kv::{Kv, Target};
use crate::store::Inner;
use crate::{Store, Transaction};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::sync::atomic::Ordering;

/// go-store's bucket when no journal bucket is configured.
pub const DEFAULT_JOURNAL_BUCKET: &str = "store";

/// What `commit_to_journal` recorded (go-store's result map).
#[derive(Debug, Clone, PartialEq)]
pub struct JournalEntry {
    /// The bucket the row went to.
    pub bucket: String,
    /// The measurement.
    pub measurement: String,
    /// A copy of the fields.
    pub fields: Map<String, Value>,
    /// A copy of the tags.
    pub tags: BTreeMap<String, String>,
    /// Commit time, Unix milliseconds.
    pub committed_at: i64,
}

/// The journal methods of [`Store`] and [`Transaction`]; inside a
/// transaction the row commits or rolls back with it.
macro_rules! journal_methods {
    ($ty:ty, |$this:ident| $inner:expr) => {
        impl $ty {
            /// Records one row in `journal_entries` (go-store
            /// `CommitToJournal`): fields and tags are stored as Go's
            /// `encoding/json` writes them; the bucket is the configured
            /// journal bucket, else `store`.
            pub fn commit_to_journal(
                &self,
                measurement: &str,
                fields: &Map<String, Value>,
                tags: &BTreeMap<String, String>,
            ) -> Result<JournalEntry> {
                let $this = self;
                commit(self.target(), $inner, measurement, fields, tags)
            }

            /// Like `commit_to_journal`, with fields and tags as JSON object
            /// text (the C ABI's form); empty text or `null` means none.
            /// Anything else that is not an object (of strings, for tags) is
            /// `InvalidArgument`.
            pub fn commit_to_journal_json(&self, measurement: &str, fields_json: &str, tags_json: &str) -> Result<JournalEntry> {
                let $this = self;
                let op = self.target().op("CommitToJournal");
                check_measurement(op, measurement)?;
                let fields = parse_object::<Map<String, Value>>(fields_json, "fields", "a JSON object").map_err(|e| e.wrap(op))?;
                let tags = parse_object::<BTreeMap<String, String>>(tags_json, "tags", "a JSON object of strings")
                    .map_err(|e| e.wrap(op))?;
                commit(self.target(), $inner, measurement, &fields, &tags)
            }

            /// Journal rows as one JSON array (go-store `QueryJournal`):
            /// empty text → every unarchived row in (committed_at, entry_id)
            /// order; SELECT/WITH/EXPLAIN/PRAGMA → one read-only statement;
            /// anything else → the Flux subset ([`crate::flux`]).
            pub fn query_journal_json(&self, query: &str) -> Result<String> {
                let $this = self;
                query_json(self.target(), $inner, query)
            }

            /// The rows of [`Self::query_journal_json`], decoded (integers stay
            /// integers; `fields` and `tags` are objects).
            pub fn query_journal(&self, query: &str) -> Result<Vec<Map<String, Value>>> {
                let json = self.query_journal_json(query)?;
                serde_json::from_str(&json)
                    .map_err(|e| Error::new(crate::ErrorKind::Internal, format!("store.QueryJournal: decode rows: {e}")))
            }
        }
    };
}

journal_methods!(Store, |store| &store.inner);
journal_methods!(Transaction, |txn| &txn.core().inner);

fn query_json(target: Target<'_>, inner: &Inner, query: &str) -> Result<String> {
    let op = target.op("QueryJournal");
    target.ensure_ready(op)?;
    let compiled = query::compile(query, now_ms()).map_err(|e| e.wrap(op))?;
    ensure_table(target, inner, op)?;
    let mut out = String::new();
    target.read(op, |conn| query::run(conn.rusqlite(), &compiled, &mut out))?;
    Ok(out)
}

fn check_measurement(op: Op, measurement: &str) -> Result<()> {
    if measurement.is_empty() {
        return Err(Error::invalid(format!("{op}: measurement is empty")));
    }
    Ok(())
}

fn parse_object<T: serde::de::DeserializeOwned + Default>(text: &str, what: &str, shape: &str) -> Result<T> {
    if text.trim().is_empty() || text.trim() == "null" {
        return Ok(T::default());
    }
    serde_json::from_str(text).map_err(|e| Error::invalid(format!("marshal {what}: {what} must be {shape}: {e}")))
}

fn commit(
    target: Target<'_>,
    inner: &Inner,
    measurement: &str,
    fields: &Map<String, Value>,
    tags: &BTreeMap<String, String>,
) -> Result<JournalEntry> {
    let op = target.op("CommitToJournal");
    target.ensure_ready(op)?;
    check_measurement(op, measurement)?;
    let mut fields_json = String::new();
    gojson::write_map(&mut fields_json, fields, Numbers::AsGiven);
    let mut tags_json = String::from("{");
    for (i, (k, v)) in tags.iter().enumerate() {
        if i > 0 {
            tags_json.push(',');
        }
        gojson::write_str(&mut tags_json, k);
        tags_json.push(':');
        gojson::write_str(&mut tags_json, v);
    }
    tags_json.push('}');
    let bucket = match inner.config.journal.bucket_name.as_str() {
        "" => DEFAULT_JOURNAL_BUCKET,
        b => b,
    };
    let ready = inner.journal_ready.load(Ordering::Acquire);
    let committed_at = target.write(op, false, |conn, _| {
        let conn = conn.rusqlite();
        if !ready {
            table::ensure(conn)?;
        }
        let at = now_ms();
        conn.prepare_cached(
            "INSERT INTO journal_entries (bucket_name, measurement, fields_json, tags_json, committed_at, archived_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, NULL)",
        )
        .and_then(|mut s| s.execute(rusqlite::params![bucket, measurement, fields_json, tags_json, at]))
        .stage("insert journal entry")?;
        Ok(at)
    })?;
    mark_ready(target, inner);
    Ok(JournalEntry {
        bucket: bucket.to_string(),
        measurement: measurement.to_string(),
        fields: fields.clone(),
        tags: tags.clone(),
        committed_at,
    })
}

/// Creates the table on first use. Reader connections are read-only, so
/// this runs on the writer (or in the caller's transaction).
pub(crate) fn ensure_table(target: Target<'_>, inner: &Inner, op: Op) -> Result<()> {
    if inner.journal_ready.load(Ordering::Acquire) {
        return Ok(());
    }
    target.write(op, false, |conn, _| table::ensure(conn.rusqlite()))?;
    mark_ready(target, inner);
    Ok(())
}

/// Remembers that the table exists, once that is committed: a table
/// created inside a transaction disappears if it rolls back.
fn mark_ready(target: Target<'_>, inner: &Inner) {
    if !target.backend.in_transaction() {
        inner.journal_ready.store(true, Ordering::Release);
    }
}
