//! Opening, closing and configuring a store.

use super::boundary::{call, call_or, store_status, free_handle};
use super::handles::{db_ref, store_db, store_kv, KvObject};
use super::sized::{check_out, init, read_in, write_out, Growable};
use super::types::{bytes, need, put, store_slice, text};
use crate::base::config::{Config, JournalConfig, Synchronous};
use crate::base::error::{Error, Result};
use crate::Store;
use std::time::Duration;

/// `synchronous` default: `STORE_SYNC_FULL`, go-store's effective setting.
pub const STORE_SYNC_DEFAULT: u32 = 0;
/// No fsync on commit.
pub const STORE_SYNC_OFF: u32 = 1;
/// WAL synced at checkpoints only.
pub const STORE_SYNC_NORMAL: u32 = 2;
/// One fsync per commit.
pub const STORE_SYNC_FULL: u32 = 3;
/// `FULL` plus a directory sync.
pub const STORE_SYNC_EXTRA: u32 = 4;

/// Settings for `store_open`. Initialise with
/// `store_options_init(&options, sizeof options)`, then change fields. Text
/// fields are UTF-8 pointer + length; the library copies them during
/// `store_open`. Fields are only ever appended: the library reads and
/// writes `min(struct_size, its own size)` bytes and defaults the rest, and
/// accepts every `struct_size` from `STORE_OPTIONS_SIZE_V1` up.
#[repr(C)]
pub struct store_options {
    /// Bytes in the caller's copy of the struct: `sizeof(store_options)` as
    /// the caller compiled it (`store_options_init` sets it). On output, the
    /// number of bytes the library filled.
    pub struct_size: u32,
    /// One of `STORE_SYNC_*`.
    pub synchronous: u32,
    /// Background purge interval in milliseconds; 0 = 60000; negative is invalid.
    pub purge_interval_ms: i64,
    /// Workspace state directory; empty = ".core/state".
    pub workspace_state_directory: store_slice,
    /// Journal endpoint URL (all three journal fields empty = no journal).
    pub journal_endpoint_url: store_slice,
    /// Journal organisation.
    pub journal_organisation: store_slice,
    /// Journal bucket name.
    pub journal_bucket_name: store_slice,
    /// Hold SQLite's exclusive lock while open: faster reads, but no other
    /// process can open the file meanwhile.
    pub exclusive_locking: bool,
    /// Reader connections for file databases; 0 = 4.
    pub reader_connections: u32,
    /// How long a write waits for another handle's transaction (or another
    /// process's lock) before `STORE_BUSY`, in milliseconds; 0 = 5000.
    /// Added after the first layout.
    pub busy_timeout_ms: u32,
    /// Template fuel per `store_render` (roughly instructions executed);
    /// 0 = 1000000. A render that runs out fails with `STORE_TEMPLATE`.
    pub template_fuel: u64,
    /// Largest output of one `store_render` in bytes; 0 = 16 MiB.
    pub template_max_output: u64,
}

impl Default for store_options {
    fn default() -> Self {
        store_options {
            struct_size: std::mem::size_of::<store_options>() as u32,
            synchronous: STORE_SYNC_DEFAULT,
            purge_interval_ms: 0,
            workspace_state_directory: store_slice::EMPTY,
            journal_endpoint_url: store_slice::EMPTY,
            journal_organisation: store_slice::EMPTY,
            journal_bucket_name: store_slice::EMPTY,
            exclusive_locking: false,
            reader_connections: 0,
            busy_timeout_ms: 0,
            template_fuel: 0,
            template_max_output: 0,
        }
    }
}

// The first published layout ends with `reader_connections`.
unsafe impl Growable for store_options {
    const NAME: &'static str = "store_options";
    const HOW: &'static str = "initialise options with store_options_init(&options, sizeof options)";
    const FIRST_SIZE: usize = std::mem::offset_of!(store_options, reader_connections) + std::mem::size_of::<u32>();
    const SIZE_OFFSET: usize = std::mem::offset_of!(store_options, struct_size);

    fn defaults() -> store_options {
        store_options::default()
    }

    unsafe fn repair(raw: *mut store_options) {
        let flag = std::ptr::addr_of_mut!((*raw).exclusive_locking) as *mut u8;
        flag.write((flag.read() != 0) as u8);
    }
}

pub(crate) unsafe fn config_from(path: &[u8], options: *const store_options) -> Result<Config> {
    let path = std::str::from_utf8(path).map_err(|_| Error::invalid("store: path is not valid UTF-8"))?;
    let o = &read_in(options, "options")?;
    let field = |s: &store_slice, what: &str| -> Result<String> { Ok(text(s.ptr, s.len, what)?.to_string()) };
    let synchronous = match o.synchronous {
        STORE_SYNC_DEFAULT => Synchronous::default(),
        STORE_SYNC_OFF => Synchronous::Off,
        STORE_SYNC_NORMAL => Synchronous::Normal,
        STORE_SYNC_FULL => Synchronous::Full,
        STORE_SYNC_EXTRA => Synchronous::Extra,
        other => return Err(Error::invalid(format!("store: options.synchronous {other} is not a STORE_SYNC_* value"))),
    };
    Ok(Config {
        database_path: path.to_string(),
        journal: JournalConfig {
            endpoint_url: field(&o.journal_endpoint_url, "options.journal_endpoint_url")?,
            organisation: field(&o.journal_organisation, "options.journal_organisation")?,
            bucket_name: field(&o.journal_bucket_name, "options.journal_bucket_name")?,
        },
        purge_interval: (o.purge_interval_ms > 0).then(|| Duration::from_millis(o.purge_interval_ms as u64)),
        purge_interval_negative: o.purge_interval_ms < 0,
        workspace_state_directory: field(&o.workspace_state_directory, "options.workspace_state_directory")?,
        synchronous,
        exclusive_locking: o.exclusive_locking,
        reader_connections: o.reader_connections as usize,
        busy_timeout: Duration::from_millis(o.busy_timeout_ms.into()),
        template_fuel: o.template_fuel,
        template_max_output: usize::try_from(o.template_max_output).unwrap_or(usize::MAX),
        ..Config::default()
    })
}

/// Fills the caller's `options`, which is `size` bytes long (pass
/// `sizeof options`), with the defaults and sets `struct_size`. Writes only
/// `min(size, sizeof the library's store_options)` bytes: fields a newer
/// caller has beyond that are left alone, and `struct_size` says how many
/// bytes the library knows. `STORE_INVALID_ARGUMENT` (nothing written) for
/// NULL or a `size` below `STORE_OPTIONS_SIZE_V1`.
///
/// Ownership: `options` stays the caller's. Thread: any.
#[no_mangle]
pub unsafe extern "C" fn store_options_init(options: *mut store_options, size: usize) -> store_status {
    call(|| init(options, size, "options"))
}

/// Checks a path and options the way `store_open` will, without opening
/// anything (go-store `StoreConfig.Validate`). `options` may be NULL.
///
/// Ownership: `path` and `options` are borrowed for the call only.
/// Thread: any.
#[no_mangle]
pub unsafe extern "C" fn store_options_validate(path: *const u8, path_len: usize, options: *const store_options) -> store_status {
    call(|| config_from(bytes(path, path_len, "path")?, options)?.validate())
}

/// Checks journal settings alone (go-store `JournalConfiguration.Validate`):
/// the first empty field of endpoint URL, organisation and bucket name is
/// reported. Text must be UTF-8.
///
/// Ownership: every input is borrowed for the call only.
/// Thread: any.
#[no_mangle]
pub unsafe extern "C" fn store_journal_validate(
    endpoint_url: *const u8,
    endpoint_url_len: usize,
    organisation: *const u8,
    organisation_len: usize,
    bucket_name: *const u8,
    bucket_name_len: usize,
) -> store_status {
    call(|| {
        JournalConfig {
            endpoint_url: text(endpoint_url, endpoint_url_len, "endpoint_url")?.to_string(),
            organisation: text(organisation, organisation_len, "organisation")?.to_string(),
            bucket_name: text(bucket_name, bucket_name_len, "bucket_name")?.to_string(),
        }
        .validate()
    })
}

/// Opens (creating if needed) the database at `path`, or a private one for
/// `":memory:"`. A leading `~/` expands to `$HOME`. File databases use WAL
/// and a 5 s busy timeout. `options` may be NULL for the defaults.
///
/// On success writes a new handle to `*out`; the caller owns it and frees it
/// with `store_free`. On failure `*out` is untouched.
///
/// Ownership: `path` and `options` are borrowed for the call (the library
/// copies what it keeps); `*out` becomes the caller's, freed with `store_free`.
/// Thread: any.
#[no_mangle]
pub unsafe extern "C" fn store_open(
    path: *const u8,
    path_len: usize,
    options: *const store_options,
    out: *mut *mut store_db,
) -> store_status {
    call(|| {
        need(out, "out")?;
        let config = config_from(bytes(path, path_len, "path")?, options).map_err(|e| e.wrap("store.New"))?;
        let store = Store::open(config)?;
        put(out, Box::into_raw(Box::new(store_db { kv: store_kv { obj: KvObject::Store(store) } })), "out")
    })
}

/// Closes the store: stops the background purge, closes watch queues, drops
/// callback subscriptions (running their release functions), rolls back an
/// open transaction, and closes the database. Idempotent. The handle stays
/// valid: later calls fail with `STORE_CLOSED`; free it with `store_free`.
///
/// Ownership: `db` stays the caller's; free it with `store_free`.
/// Thread: any, concurrently with other calls on `db`, including from
/// inside an event callback.
#[no_mangle]
pub unsafe extern "C" fn store_close(db: *mut store_db) -> store_status {
    call(|| db_ref(db)?.close())
}

/// Closes the store if needed and frees the handle. NULL is ignored.
/// Scoped stores, transactions, iterators, watches and subscriptions made
/// from it stay safe to use and to free: they fail with `STORE_CLOSED`.
/// No other thread may be using `db` itself.
///
/// Ownership: takes back `db`; child handles keep what they need.
/// Thread: any, once no other call on `db` is running.
#[no_mangle]
pub unsafe extern "C" fn store_free(db: *mut store_db) {
    call_or((), || {
        if db.is_null() {
            return;
        }
        let db = Box::from_raw(db);
        if let KvObject::Store(s) = &db.kv.obj {
            let _ = s.close();
        }
        free_handle(db);
    })
}

/// True once `store_close` has completed (also for a NULL handle).
///
/// Ownership: `db` is borrowed for the call.
/// Thread: any.
#[no_mangle]
pub unsafe extern "C" fn store_is_closed(db: *const store_db) -> bool {
    call_or(true, || db_ref(db).map(|s| s.is_closed()).unwrap_or(true))
}

/// The database path as given to `store_open`.
///
/// Ownership: `*out` is borrowed from `db`, valid until `store_free(db)`.
/// Thread: any.
#[no_mangle]
pub unsafe extern "C" fn store_database_path(db: *const store_db, out: *mut store_slice) -> store_status {
    call(|| {
        let s = db_ref(db)?;
        put(out, store_slice::of(s.database_path().as_bytes()), "out")
    })
}

/// The normalised configuration the store runs with (purge interval and
/// state directory defaulted, trailing slashes removed). Works after
/// `store_close`. Set `out->struct_size` first (`store_options_init` does):
/// the library writes only `min(struct_size, its own size)` bytes and sets
/// `struct_size` to that.
///
/// Ownership: `out` stays the caller's; its text slices are borrowed from
/// `db`, valid until `store_free(db)`.
/// Thread: any.
#[no_mangle]
pub unsafe extern "C" fn store_get_options(db: *const store_db, out: *mut store_options) -> store_status {
    call(|| {
        check_out(out, "out")?;
        let c = db_ref(db)?.config();
        let options = store_options {
            synchronous: match c.synchronous {
                Synchronous::Off => STORE_SYNC_OFF,
                Synchronous::Normal => STORE_SYNC_NORMAL,
                Synchronous::Full => STORE_SYNC_FULL,
                Synchronous::Extra => STORE_SYNC_EXTRA,
            },
            purge_interval_ms: c.purge_interval.map_or(0, |d| d.as_millis() as i64),
            workspace_state_directory: store_slice::of(c.workspace_state_directory.as_bytes()),
            journal_endpoint_url: store_slice::of(c.journal.endpoint_url.as_bytes()),
            journal_organisation: store_slice::of(c.journal.organisation.as_bytes()),
            journal_bucket_name: store_slice::of(c.journal.bucket_name.as_bytes()),
            exclusive_locking: c.exclusive_locking,
            reader_connections: c.reader_connections as u32,
            busy_timeout_ms: u32::try_from(c.busy_timeout.as_millis()).unwrap_or(u32::MAX),
            template_fuel: c.template_fuel,
            template_max_output: c.template_max_output as u64,
            ..store_options::default()
        };
        write_out(out, options, "out")
    })
}

/// Normalises `options` in place as `store_open` would (go-store
/// `StoreConfig.Normalised`): purge interval 0 → 60000, state directory
/// trailing `/` removed (empty → ".core/state", a static string).
///
/// Ownership: `options` stays the caller's; the directory slice may point
/// into the caller's buffer or to static memory.
/// Thread: any thread that owns `options`.
#[no_mangle]
pub unsafe extern "C" fn store_options_normalise(options: *mut store_options) -> store_status {
    call(|| {
        if options.is_null() {
            return Err(Error::invalid("store: options is NULL"));
        }
        let mut o = read_in(options, "options")?;
        if o.purge_interval_ms == 0 {
            o.purge_interval_ms = crate::base::config::DEFAULT_PURGE_INTERVAL.as_millis() as i64;
        }
        let dir = text(o.workspace_state_directory.ptr, o.workspace_state_directory.len, "options.workspace_state_directory")?;
        o.workspace_state_directory = store_slice::of(crate::base::config::normalise_directory(dir).as_bytes());
        write_out(options, o, "options")
    })
}
