//! The journal and compaction through the C ABI. Results come back as one
//! JSON buffer each (`store_bytes`), decoded by the bindings.

use super::sized::{init, own_size, read_in, Growable};
use super::boundary::{call, store_status};
use super::handles::{db_ref, kv_ref, store_db, store_kv, KvObject};
use super::types::{need, put, store_bytes, store_slice, text};
use crate::archive::CompactOptions;
use crate::base::error::{Error, Result};
use crate::journal::JournalEntry;
use std::time::Duration;

/// The journal lives on a store or a (non-scoped) transaction.
enum JournalView<'a> {
    Store(&'a crate::Store),
    Txn(&'a crate::Transaction),
}

unsafe fn journal_view<'a>(kv: *const store_kv, op: &str) -> Result<JournalView<'a>> {
    match kv_ref(kv)? {
        KvObject::Store(s) => Ok(JournalView::Store(s)),
        KvObject::Txn(t) => Ok(JournalView::Txn(t)),
        _ => Err(Error::invalid(format!("{op}: the journal is not available on scoped views; use the store or its transaction"))),
    }
}

/// `{"bucket":…,"committed_at":…,"fields":{…},"measurement":…,"tags":{…}}`
fn entry_json(e: &JournalEntry) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({
        "bucket": e.bucket,
        "measurement": e.measurement,
        "fields": e.fields,
        "tags": e.tags,
        "committed_at": e.committed_at,
    }))
    .unwrap_or_default()
}

/// Records one journal row (go-store `CommitToJournal`) through `kv`, a
/// store view (`store_db_kv`) or a transaction view (`store_txn_kv`: the row
/// commits or rolls back with the transaction). `measurement` is UTF-8 and
/// must not be empty; `fields_json` is a JSON object and `tags_json` a JSON
/// object of strings (empty or `null` = none), all pointer + length and only
/// read during the call. On success, if `out` is not NULL, it receives the
/// recorded entry as JSON (`bucket`, `measurement`, `fields`, `tags`,
/// `committed_at` in Unix ms); the caller frees it with `store_bytes_free`.
/// Errors: `STORE_INVALID_ARGUMENT` (empty measurement, bad JSON, scoped
/// view), `STORE_CORRUPT` (a foreign `journal_entries` table),
/// `STORE_CLOSED`, `STORE_BUSY`.
///
/// Ownership: inputs are borrowed for the call; `*out` is the caller's.
/// Thread: as for `kv` (any thread for a store view; a transaction view one
/// thread at a time).
#[no_mangle]
pub unsafe extern "C" fn store_journal_commit(
    kv: *mut store_kv,
    measurement: *const u8,
    measurement_len: usize,
    fields_json: *const u8,
    fields_json_len: usize,
    tags_json: *const u8,
    tags_json_len: usize,
    out: *mut store_bytes,
) -> store_status {
    call(|| {
        const OP: &str = "store.CommitToJournal";
        let view = journal_view(kv, OP)?;
        let measurement = text(measurement, measurement_len, "measurement")?;
        let fields = text(fields_json, fields_json_len, "fields_json")?;
        let tags = text(tags_json, tags_json_len, "tags_json")?;
        let entry = match view {
            JournalView::Store(s) => s.commit_to_journal_json(measurement, fields, tags)?,
            JournalView::Txn(t) => t.commit_to_journal_json(measurement, fields, tags)?,
        };
        if !out.is_null() {
            put(out, store_bytes::from_vec(entry_json(&entry)), "out")?;
        }
        Ok(())
    })
}

/// Queries the journal (go-store `QueryJournal`) through a store or
/// transaction view. `query` (UTF-8, pointer + length): empty → every
/// unarchived row in commit order; starting with SELECT, WITH, EXPLAIN or
/// PRAGMA → exactly one read-only SQL statement; otherwise the Flux subset
/// (see the README). `*out` receives one JSON array of row objects (column
/// name → integer, real, text or null, plus `fields`/`tags` objects decoded
/// from `fields_json`/`tags_json`); the caller frees it with
/// `store_bytes_free`. Unsupported Flux, writes, state-changing PRAGMAs,
/// ATTACH and multiple statements fail with `STORE_QUERY` and a message
/// naming the construct and its `line:col`.
///
/// Ownership: `query` is borrowed for the call; `*out` is the caller's.
/// Thread: as for `kv`.
#[no_mangle]
pub unsafe extern "C" fn store_journal_query(
    kv: *mut store_kv,
    query: *const u8,
    query_len: usize,
    out: *mut store_bytes,
) -> store_status {
    call(|| {
        need(out, "out")?;
        let view = journal_view(kv, "store.QueryJournal")?;
        let query = text(query, query_len, "query")?;
        let json = match view {
            JournalView::Store(s) => s.query_journal_json(query)?,
            JournalView::Txn(t) => t.query_journal_json(query)?,
        };
        put(out, store_bytes::from_vec(json.into_bytes()), "out")
    })
}

/// Settings for `store_compact` (go-store `CompactOptions`). Initialise with
/// `store_compact_options_init`, then change fields. Text is UTF-8 pointer +
/// length, read only during the call.
#[repr(C)]
pub struct store_compact_options {
    /// `sizeof(store_compact_options)` as the caller knows it; the library
    /// reads only that much and defaults the rest.
    pub struct_size: u32,
    /// Archive rows committed before this Unix-millisecond time. 0 means
    /// unset (go-store's zero time), which fails validation.
    pub before_ms: i64,
    /// Output directory; empty = ".core/archive/".
    pub output: store_slice,
    /// "gzip" (default when empty) or "zstd", any case, spaces ignored.
    pub format: store_slice,
    /// Positive: after archiving, delete archived rows committed more than
    /// this many milliseconds ago. 0 keeps them (go-store's behaviour).
    pub retention_ms: i64,
}

// The first published layout ends with `retention_ms`.
unsafe impl Growable for store_compact_options {
    const NAME: &'static str = "store_compact_options";
    const HOW: &'static str = "initialise options with store_compact_options_init(&options, sizeof options)";
    const FIRST_SIZE: usize = std::mem::offset_of!(store_compact_options, retention_ms) + std::mem::size_of::<i64>();
    const SIZE_OFFSET: usize = std::mem::offset_of!(store_compact_options, struct_size);

    fn defaults() -> store_compact_options {
        store_compact_options {
            struct_size: own_size::<store_compact_options>(),
            before_ms: 0,
            output: store_slice::EMPTY,
            format: store_slice::EMPTY,
            retention_ms: 0,
        }
    }
}

/// Fills the caller's `options`, which is `size` bytes long (pass
/// `sizeof options`), with the defaults and sets `struct_size`; writes only
/// `min(size, sizeof the library's struct)` bytes. `STORE_INVALID_ARGUMENT`
/// (nothing written) for NULL or a size below the first published layout.
///
/// Ownership: `options` stays the caller's. Thread: any.
#[no_mangle]
pub unsafe extern "C" fn store_compact_options_init(options: *mut store_compact_options, size: usize) -> store_status {
    call(|| init(options, size, "options"))
}

/// Reads the caller's options by the size rule (NULL is refused: compaction needs a cutoff).
unsafe fn compact_options(options: *const store_compact_options) -> Result<CompactOptions> {
    if options.is_null() {
        return Err(Error::invalid("store.Compact: options is NULL"));
    }
    let o = read_in(options, "options")?;
    if o.retention_ms < 0 {
        return Err(Error::invalid("store.Compact: options.retention_ms must not be negative"));
    }
    Ok(CompactOptions {
        before: (o.before_ms != 0).then_some(o.before_ms),
        output: text(o.output.ptr, o.output.len, "options.output")?.to_string(),
        format: text(o.format.ptr, o.format.len, "options.format")?.to_string(),
        retention: (o.retention_ms > 0).then(|| Duration::from_millis(o.retention_ms as u64)),
        // The store's own medium, if it was opened with one, receives the archive.
        medium: None,
    })
}

/// go-store `CompactOptions.Validate` (after the defaults of `Normalised`
/// would apply): `STORE_INVALID_ARGUMENT` with go-store's message when the
/// cutoff is unset or the format unknown.
///
/// Ownership: `options` is borrowed for the call. Thread: any.
#[no_mangle]
pub unsafe extern "C" fn store_compact_options_validate(options: *const store_compact_options) -> store_status {
    call(|| compact_options(options)?.validate())
}

/// Archives journal rows committed before `options->before_ms` into
/// `<output>/journal-<UTC YYYYMMDD-HHMMSS.nnnnnnnnn>.jsonl.gz|.jsonl.zst`,
/// publishes the file atomically (temp file, fsync, rename, fsync of the
/// directory) and then marks exactly those rows archived in one
/// transaction. `*out_path` receives the archive path (empty when no row
/// qualified; nothing is written then); the caller frees it with
/// `store_bytes_free`. On any failure no file exists under the final name
/// and no row is marked. A crash between the rename and the marking commit
/// leaves a complete archive whose rows the next run archives again.
/// Blocks the calling thread for the whole compaction; other threads may
/// keep using the store.
///
/// Ownership: `options` is borrowed for the call; `*out_path` is the
/// caller's. Thread: any thread that may use `db`.
#[no_mangle]
pub unsafe extern "C" fn store_compact(
    db: *mut store_db,
    options: *const store_compact_options,
    out_path: *mut store_bytes,
) -> store_status {
    call(|| {
        need(out_path, "out_path")?;
        let store = db_ref(db)?;
        let options = compact_options(options)?;
        let path = store.compact(&options)?;
        put(out_path, store_bytes::from_vec(path.into_bytes()), "out_path")
    })
}
