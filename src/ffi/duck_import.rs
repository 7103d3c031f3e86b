//! go-store's `ImportAll` at the C ABI (feature `duckdb`): the settings
//! struct, the copy and output callbacks, and the call.

use super::boundary::{call, store_status};
use super::duck::{duck_ref, store_duckdb};
use super::sized::{init, own_size, read_in, Growable};
use super::types::{bytes, store_slice, text};
use crate::duck::{CopyFn, ImportConfig};
use crate::Result;
use std::cell::RefCell;
use std::ffi::c_void;
use std::io;

/// A copy callback succeeded.
pub const STORE_IMPORT_COPY_OK: i32 = 0;

/// Where a copy callback may leave its error message. Passed to every copy
/// callback; valid only until the callback returns, on its thread.
pub struct store_import_call {
    error: RefCell<Option<String>>,
}

/// `copy(user_data, remote, remote_len, local, local_len, call)`: copy the
/// file (or, for `scp_dir`, the directory) `remote` (`host:/path`) to
/// `local`. Both texts are UTF-8, followed by a NUL byte not counted in
/// their length, and valid only during the call. Return
/// `STORE_IMPORT_COPY_OK` (0) on success, anything else on failure (and
/// optionally `store_import_call_set_error`). Failures are ignored, except
/// that the golden set's is printed as a WARNING line.
pub type store_import_copy_fn = Option<
    unsafe extern "C" fn(
        user_data: *mut c_void,
        remote: *const u8,
        remote_len: usize,
        local: *const u8,
        local_len: usize,
        call: *mut store_import_call,
    ) -> i32,
>;

/// `write(user_data, text, len)`: one piece of the printed output (UTF-8,
/// lines end in `\n`), valid only during the call.
pub type store_import_write_fn = Option<unsafe extern "C" fn(user_data: *mut c_void, text: *const u8, len: usize)>;

/// Settings for `store_duckdb_import_all` (go-store `ImportConfig`, same
/// field order). Initialise with `store_import_config_init`, then change
/// fields. Text is UTF-8 pointer + length, read only during the call.
#[repr(C)]
pub struct store_import_config {
    /// `sizeof(store_import_config)` as the caller knows it; the library
    /// reads only that much and defaults the rest.
    pub struct_size: u32,
    /// Make no copies at all.
    pub skip_m3: bool,
    /// The local data directory; empty means the working directory.
    pub data_dir: store_slice,
    /// The copy host in remote specs (`<host>:/Volumes/Data/lem/…`); empty means "m3".
    pub m3_host: store_slice,
    /// Copies one file (go-store `Scp`); NULL skips file copies.
    pub scp: store_import_copy_fn,
    /// Copies a directory recursively (go-store `ScpDir`); NULL skips them.
    pub scp_dir: store_import_copy_fn,
}

// The first published layout ends with `scp_dir`.
unsafe impl Growable for store_import_config {
    const NAME: &'static str = "store_import_config";
    const HOW: &'static str = "initialise it with store_import_config_init(&config, sizeof config)";
    const FIRST_SIZE: usize =
        std::mem::offset_of!(store_import_config, scp_dir) + std::mem::size_of::<store_import_copy_fn>();
    const SIZE_OFFSET: usize = std::mem::offset_of!(store_import_config, struct_size);

    fn defaults() -> store_import_config {
        store_import_config {
            struct_size: own_size::<store_import_config>(),
            skip_m3: false,
            data_dir: store_slice::EMPTY,
            m3_host: store_slice::EMPTY,
            scp: None,
            scp_dir: None,
        }
    }

    unsafe fn repair(raw: *mut store_import_config) {
        let flag = std::ptr::addr_of_mut!((*raw).skip_m3) as *mut u8;
        flag.write((flag.read() != 0) as u8);
    }
}

/// Fills the caller's `config`, which is `size` bytes long (pass
/// `sizeof config`), with the defaults (copies on, no callbacks, host "m3",
/// working directory) and sets `struct_size`; writes only `min(size, sizeof
/// the library's struct)` bytes. `STORE_INVALID_ARGUMENT` (nothing written)
/// for NULL or a size below the first published layout.
///
/// Ownership: `config` stays the caller's. Thread: any.
#[no_mangle]
pub unsafe extern "C" fn store_import_config_init(config: *mut store_import_config, size: usize) -> store_status {
    call(|| init(config, size, "config"))
}

/// Says why a copy callback failed (invalid UTF-8 is replaced); the text
/// appears in the golden set's WARNING line.
///
/// Ownership: `call` is the library's, valid during the callback only;
/// `message` is copied before this returns. Thread: inside the callback, on
/// its thread.
#[no_mangle]
pub unsafe extern "C" fn store_import_call_set_error(
    call: *mut store_import_call,
    message: *const u8,
    len: usize,
) -> store_status {
    super::boundary::call(|| {
        let c = call.as_ref().ok_or_else(|| crate::Error::invalid("store: import call is NULL"))?;
        *c.error.borrow_mut() = Some(String::from_utf8_lossy(bytes(message, len, "message")?).into_owned());
        Ok(())
    })
}

/// A C copy callback as the Rust `CopyFn`.
fn copy_fn<'a>(
    f: unsafe extern "C" fn(*mut c_void, *const u8, usize, *const u8, usize, *mut store_import_call) -> i32,
    user_data: *mut c_void,
) -> CopyFn<'a> {
    Box::new(move |remote: &str, local: &str| {
        let (r, l) = (nul_terminated(remote), nul_terminated(local));
        let c = store_import_call { error: RefCell::new(None) };
        // SAFETY: the caller promised `f` and `user_data` fit together; the texts live across the call.
        let status =
            unsafe { f(user_data, r.as_ptr(), remote.len(), l.as_ptr(), local.len(), &c as *const _ as *mut _) };
        match status {
            STORE_IMPORT_COPY_OK => Ok(()),
            other => Err(c.error.into_inner().unwrap_or_else(|| format!("copy {remote} failed with status {other}"))),
        }
    })
}

fn nul_terminated(s: &str) -> Vec<u8> {
    let mut v = Vec::with_capacity(s.len() + 1);
    v.extend_from_slice(s.as_bytes());
    v.push(0);
    v
}

/// The output callback as an `io::Write`; no callback discards the output.
struct CWriter {
    write: store_import_write_fn,
    user_data: *mut c_void,
}

impl io::Write for CWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if let Some(f) = self.write {
            // SAFETY: `buf` lives across the call; `f` and `user_data` are the caller's pair.
            unsafe { f(self.user_data, buf.as_ptr(), buf.len()) };
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

unsafe fn import_config<'a>(config: *const store_import_config, user_data: *mut c_void) -> Result<ImportConfig<'a>> {
    let c = read_in(config, "config")?;
    Ok(ImportConfig {
        skip_m3: c.skip_m3,
        data_dir: text(c.data_dir.ptr, c.data_dir.len, "config.data_dir")?.to_string(),
        m3_host: text(c.m3_host.ptr, c.m3_host.len, "config.m3_host")?.to_string(),
        scp: c.scp.map(|f| copy_fn(f, user_data)),
        scp_dir: c.scp_dir.map(|f| copy_fn(f, user_data)),
    })
}

/// Imports the LEM data under `config->data_dir` into `db` (go-store
/// `ImportAll`): `golden_set` (when `gold-15k.jsonl` exists),
/// `training_examples`, `benchmark_results`, `benchmark_questions` and
/// `seeds`, all in one transaction that is rolled back on any error (then
/// every table is as before). Copies, if enabled, run first through
/// `config->scp`/`scp_dir`; the library never runs a process itself.
/// `write` receives go-store's progress lines and, after a commit, the
/// summary (tables in that fixed order); NULL discards them. A NULL
/// `config` means the defaults (copies on but no callbacks, so none).
/// Errors: `STORE_INVALID_ARGUMENT` for bad lines (`… parse <path> line
/// <n>: …`) or a read-only handle, `STORE_IO` for unreadable files,
/// `STORE_QUERY` for DuckDB failures, `STORE_CLOSED`.
///
/// Ownership: `db` and `config` are borrowed for the call; `user_data` is
/// passed unchanged to `write`, `scp` and `scp_dir`, which the library calls
/// only during this call, on this thread. Thread: any; calls on one handle
/// run one at a time (copies and output run while no handle lock is held).
#[no_mangle]
pub unsafe extern "C" fn store_duckdb_import_all(
    db: *const store_duckdb,
    config: *const store_import_config,
    write: store_import_write_fn,
    user_data: *mut c_void,
) -> store_status {
    call(|| {
        let db = duck_ref(db)?;
        let mut cfg = import_config(config, user_data)?;
        db.import_all(&mut cfg, &mut CWriter { write, user_data }).map(|_| ())
    })
}
