//! Data leaving the store in other engines' formats: journal rows as
//! InfluxDB line protocol.

use super::boundary::{call, store_status};
use super::types::{bytes, need, put, store_bytes};
use crate::export::line_protocol;

/// Converts journal rows to InfluxDB line protocol, one line per row, each
/// ending in `\n`. `rows` is UTF-8 JSON: an array of row objects (a journal
/// query's result) or JSON lines, one row object per line (an archive's
/// content). A row needs `measurement` and `fields` (or `fields_json`);
/// `tags` (or `tags_json`) and `committed_at` (Unix ms, written as a
/// nanosecond timestamp) are optional. What line protocol cannot carry
/// (empty or control characters in names, a trailing backslash, a row
/// without fields) fails with `STORE_INVALID_ARGUMENT` naming the row.
///
/// Ownership: `rows` is borrowed for the call only; on success the caller
/// owns `*out` (free with `store_bytes_free`). Thread: any.
#[no_mangle]
pub unsafe extern "C" fn store_export_line_protocol(rows: *const u8, rows_len: usize, out: *mut store_bytes) -> store_status {
    call(|| {
        need(out, "out")?;
        let lines = line_protocol::convert(bytes(rows, rows_len, "rows")?)?;
        put(out, store_bytes::from_vec(lines), "out")
    })
}
