//! Line reading with go-store's limits: lines end at `\n` (a trailing `\r`
//! is dropped), a final line without a newline counts, and a line longer
//! than 1 MiB is an error (Go's `bufio.Scanner` with a 1 MiB buffer).

use crate::{Error, ErrorKind, Result};
use std::fs::File;
use std::io::{BufRead, BufReader, Read};

/// The longest line, newline included.
pub(crate) const MAX_LINE: usize = 1024 * 1024;

/// Calls `each(line_number, line)` for every line of `path`. `op` names the
/// caller in errors (`store.importTrainingFile`), `what` the scan stage
/// (`scan training file`).
pub(crate) fn for_each_line(
    path: &str,
    op: &str,
    what: &str,
    mut each: impl FnMut(usize, &[u8]) -> Result<()>,
) -> Result<()> {
    let file = File::open(path).map_err(|e| Error::new(ErrorKind::Io, format!("{op}: open {path}: {e}")))?;
    let mut reader = BufReader::with_capacity(64 * 1024, file);
    let mut line = Vec::new();
    let mut number = 0;
    loop {
        line.clear();
        // Reading at most MAX_LINE + 1 bytes bounds memory on a huge line.
        let n = Read::take(&mut reader, MAX_LINE as u64 + 1)
            .read_until(b'\n', &mut line)
            .map_err(|e| Error::new(ErrorKind::Io, format!("{op}: {what}: {e}")))?;
        if n == 0 {
            return Ok(());
        }
        number += 1;
        let ended = line.last() == Some(&b'\n');
        if line.len() > MAX_LINE {
            return Err(Error::invalid(format!(
                "{op}: {what}: bufio.Scanner: token too long (line {number} of {path} is longer than 1 MiB)"
            )));
        }
        if ended {
            line.pop();
        }
        if line.last() == Some(&b'\r') {
            line.pop();
        }
        each(number, &line)?;
    }
}
