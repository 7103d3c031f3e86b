//! Compaction (contract §8): journal rows committed before a cutoff are
//! streamed into a compressed JSONL archive, the archive is published
//! atomically, and only then are exactly those rows marked archived.
//!
//! Order of steps and what a failure (or a crash) at each leaves behind:
//!
//! | step | on failure / crash |
//! |---|---|
//! | stream rows → `<name>.tmp` | temp file removed (a crash may leave the `.tmp`); no archive, no row marked |
//! | fsync temp, rename, fsync dir | temp removed, nothing under the final name; no row marked |
//! | mark rows (one transaction, + retention) | failure: the published archive is removed again, no row marked; **crash** after the rename and before the commit: the archive stays and its rows stay unmarked, so the next compaction archives them again (duplicates across two archives, never a loss) |
//!
//! Through a medium (`CompactOptions::medium`, else the store's medium) the
//! archive is streamed into a private local directory, copied to
//! `<path>.tmp` on the medium and renamed there; the same rules hold, with
//! the medium's own durability.
//!
//! go-store did the opposite (marked, then renamed) and could mark rows
//! archived whose archive never appeared. Rows are read from a WAL snapshot
//! on a reader connection, so writers are not blocked while compressing;
//! the marking transaction archives exactly the streamed rows (same cutoff,
//! entry ids up to the last one streamed) and refuses if their number changed.

use super::codec::{ArchiveFormat, Encoder};
use super::line::write_line;
use super::publish::{fault, FaultWriter, Published, Staged, Step};
use crate::base::clock::now_ms;
use crate::journal::scan;
use crate::base::error::{Error, ErrorKind, Op, Result, Stage};
use crate::kv::Kv;
use crate::{SharedMedium, Store};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// go-store's default archive directory.
pub const DEFAULT_ARCHIVE_OUTPUT: &str = ".core/archive/";

const OP: Op = Op { base: "store", method: "Compact" };

/// go-store's `CompactOptions`, plus an optional retention.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CompactOptions {
    /// Archive rows with `committed_at` before this Unix-millisecond time.
    /// Required (`None` is go-store's zero `time.Time`).
    pub before: Option<i64>,
    /// Output directory; empty means `.core/archive/`.
    pub output: String,
    /// `gzip` (default) or `zstd`, any case, surrounding space ignored.
    pub format: String,
    /// After archiving, delete archived rows committed longer ago than this.
    /// `None` keeps archived rows (go-store's behaviour).
    pub retention: Option<Duration>,
    /// Where the archive goes: this medium, else the store's medium, else
    /// the local filesystem (go-store's order).
    pub medium: Option<SharedMedium>,
}

impl CompactOptions {
    /// Options archiving rows committed before `cutoff`, other fields default.
    pub fn before(cutoff: SystemTime) -> CompactOptions {
        let ms = match cutoff.duration_since(UNIX_EPOCH) {
            Ok(d) => d.as_millis() as i64,
            Err(e) => -(e.duration().as_millis() as i64),
        };
        CompactOptions { before: Some(ms), ..CompactOptions::default() }
    }

    /// go-store's `Normalised`: default output directory; format trimmed and
    /// lower-cased, empty meaning `gzip`.
    pub fn normalised(&self) -> CompactOptions {
        let mut out = self.clone();
        if out.output.is_empty() {
            out.output = DEFAULT_ARCHIVE_OUTPUT.into();
        }
        out.format = self.format.trim().to_lowercase();
        if out.format.is_empty() {
            out.format = "gzip".into();
        }
        out
    }

    /// go-store's `Validate`, with its messages.
    pub fn validate(&self) -> Result<()> {
        const V: &str = "store.CompactOptions.Validate";
        if self.before.is_none() {
            return Err(Error::invalid(format!(
                "{V}: before cutoff time is empty; use a value like time.Now().Add(-24 * time.Hour)"
            )));
        }
        if ArchiveFormat::parse(&self.format).is_none() {
            return Err(Error::invalid(format!("{V}: format must be \"gzip\" or \"zstd\"; got {}", self.format)));
        }
        Ok(())
    }
}

impl Store {
    /// Archives journal rows committed before `options.before` into
    /// `<output>/journal-<UTC YYYYMMDD-HHMMSS.nnnnnnnnn>.jsonl.gz|.zst` and
    /// marks them archived (hidden from `query_journal`). Returns the
    /// archive's path, or `""` when no row qualifies. See the module notes
    /// for what each failure leaves behind.
    pub fn compact(&self, options: &CompactOptions) -> Result<String> {
        let target = self.target();
        target.ensure_ready(OP)?;
        crate::journal::ensure_table(target, &self.inner, OP)?;
        let options = options.normalised();
        options.validate().map_err(|e| e.wrap("store.Compact: validate options"))?;
        let (Some(cutoff), Some(format)) = (options.before, ArchiveFormat::parse(&options.format)) else {
            return Err(Error::new(ErrorKind::Internal, "store.Compact: options passed validation incompletely"));
        };
        let medium = options.medium.clone().or_else(|| self.medium().cloned());
        let name = format!("journal-{}{}", timestamp(SystemTime::now()), format.extension());
        let Some(medium) = medium else {
            let dir = output_dir(&options.output)?;
            return self.compact_to(cutoff, format, &options, &dir, &name, Ok);
        };
        // Through a medium: the archive is built (streamed) in a private
        // local directory, copied to `<path>.tmp` on the medium and renamed
        // there, so the medium never shows a partial archive either.
        let output = options.output.trim_end_matches('/');
        if !matches!(options.output.as_str(), "" | "." | "/") {
            medium.ensure_dir(output).map_err(|e| {
                Error::new(ErrorKind::Io, format!("store.Compact: ensure medium archive directory: {output}: {e}"))
            })?;
        }
        let path = if output.is_empty() { name.clone() } else { format!("{output}/{name}") };
        let local = tempfile::tempdir()
            .map_err(|e| Error::new(ErrorKind::Io, format!("store.Compact: create local staging directory: {e}")))?;
        self.compact_to(cutoff, format, &options, local.path(), &name, |staged| {
            let on_medium = match staged.local_path() {
                Some(file) => publish_to_medium(&medium, file, &path),
                None => Err(Error::new(ErrorKind::Internal, "store.Compact: local stage missing")),
            };
            staged.retract();
            on_medium
        })
    }

    /// Streams, publishes (through `publish`) and marks; see `compact`.
    fn compact_to(
        &self,
        cutoff: i64,
        format: ArchiveFormat,
        options: &CompactOptions,
        dir: &Path,
        name: &str,
        publish: impl FnOnce(Published) -> Result<Published>,
    ) -> Result<String> {
        let target = self.target();
        // Stream the rows into the staged file from a read snapshot.
        let streamed = target.read(OP, |conn| stream(conn.rusqlite(), cutoff, dir, name, format))?;
        let Some(Streamed { staged, file, count, last_id }) = streamed else {
            // Nothing new to archive; rows archived earlier may still be due for deletion.
            if let Some(retention) = options.retention {
                target.write(OP, true, |conn, _| retain(conn.rusqlite(), now_ms(), retention))?;
            }
            return Ok(String::new());
        };
        let published = staged.publish(file).and_then(publish).map_err(|e| e.wrap(OP))?;
        let marked = target.write(OP, true, |conn, _| {
            fault(Step::Mark).map_err(|e| Error::new(ErrorKind::Io, format!("mark journal row archived: {e}")))?;
            mark(conn.rusqlite(), cutoff, last_id, count, options.retention)
        });
        if let Err(e) = marked {
            published.retract();
            return Err(e);
        }
        Ok(published.shown())
    }
}

/// Copies the local archive to `<path>.tmp` on the medium, then renames it
/// to `path`. On failure nothing is left under `path` and the `.tmp` is
/// deleted (best effort).
fn publish_to_medium(medium: &SharedMedium, local: &Path, path: &str) -> Result<Published> {
    let tmp = format!("{path}.tmp");
    let io = |stage: &str, p: &str, e: std::io::Error| Error::new(ErrorKind::Io, format!("{stage}: {p}: {e}"));
    let copied = (|| {
        let mut from = std::fs::File::open(local)?;
        let mut to = medium.write_stream(&tmp)?;
        std::io::copy(&mut from, &mut FaultWriter(&mut to))?;
        to.close()
    })();
    if let Err(e) = copied {
        let _ = medium.delete(&tmp);
        return Err(io("write staged archive via medium", &tmp, e));
    }
    if medium.exists(path) {
        let _ = medium.delete(&tmp);
        return Err(io("publish staged archive", path, std::io::Error::new(std::io::ErrorKind::AlreadyExists, "archive already exists")));
    }
    if let Err(e) = fault(Step::Rename).and_then(|_| medium.rename(&tmp, path)) {
        let _ = medium.delete(&tmp);
        return Err(io("publish staged archive", path, e));
    }
    Ok(Published::Medium { medium: medium.clone(), path: path.to_string() })
}

struct Streamed {
    staged: Staged,
    file: std::fs::File,
    count: i64,
    last_id: i64,
}

type Sink = Encoder<FaultWriter<BufWriter<std::fs::File>>>;

/// Writes every qualifying row to a new staged file; `None` when there are
/// none (and then no file is created).
fn stream(
    conn: &rusqlite::Connection,
    cutoff: i64,
    dir: &Path,
    name: &str,
    format: ArchiveFormat,
) -> Result<Option<Streamed>> {
    let mut out = ArchiveWriter { dir, name, format, sink: None, line: String::with_capacity(512), count: 0, last_id: i64::MIN };
    scan::ordered(conn, cutoff, |row| out.row(row))?;
    out.finish()
}

/// The staged archive being written: created at the first row.
struct ArchiveWriter<'a> {
    dir: &'a Path,
    name: &'a str,
    format: ArchiveFormat,
    sink: Option<(Staged, Sink)>,
    line: String,
    count: i64,
    last_id: i64,
}

impl ArchiveWriter<'_> {
    fn row(&mut self, row: &rusqlite::Row<'_>) -> Result<()> {
        let id: i64 = row.get(scan::ENTRY_ID).stage("scan journal row")?;
        let text = |i| row.get_ref(i).and_then(|v| v.as_str().map_err(Into::into)).stage("scan journal row");
        let committed_at: i64 = row.get(scan::COMMITTED_AT).stage("scan journal row")?;
        self.line.clear();
        write_line(&mut self.line, text(0)?, text(1)?, text(2)?, text(3)?, committed_at)?;
        if self.sink.is_none() {
            let (staged, file) = Staged::create(self.dir, self.name)?;
            let sink = Encoder::new(self.format, FaultWriter(BufWriter::with_capacity(64 * 1024, file)))?;
            self.sink = Some((staged, sink));
        }
        if let Some((staged, sink)) = self.sink.as_mut() {
            sink.write_all(self.line.as_bytes()).map_err(|e| io_error("write staged archive", staged, e))?;
        }
        self.count += 1;
        self.last_id = self.last_id.max(id);
        Ok(())
    }

    fn finish(self) -> Result<Option<Streamed>> {
        let Some((staged, sink)) = self.sink else { return Ok(None) };
        let file = sink
            .finish()
            .and_then(|w| w.0.into_inner().map_err(|e| e.into_error()))
            .map_err(|e| io_error("write staged archive", &staged, e))?;
        Ok(Some(Streamed { staged, file, count: self.count, last_id: self.last_id }))
    }
}

fn io_error(stage: &str, staged: &Staged, e: std::io::Error) -> Error {
    Error::new(ErrorKind::Io, format!("{stage}: {}: {e}", staged.tmp_path().display()))
}

/// Marks the streamed rows archived; refuses (rolling back) if the set
/// changed since it was read. Applies retention in the same transaction.
fn mark(conn: &rusqlite::Connection, cutoff: i64, last_id: i64, count: i64, retention: Option<Duration>) -> Result<()> {
    let now = now_ms();
    let changed = conn
        .prepare_cached(
            "UPDATE journal_entries SET archived_at = ?1 \
             WHERE archived_at IS NULL AND committed_at < ?2 AND entry_id <= ?3",
        )
        .and_then(|mut s| s.execute(rusqlite::params![now, cutoff, last_id]))
        .stage("mark journal row archived")?;
    if changed as i64 != count {
        return Err(Error::new(
            ErrorKind::Busy,
            format!("mark journal row archived: {count} rows were archived but {changed} now qualify; the journal changed during compaction, nothing was marked"),
        ));
    }
    match retention {
        Some(retention) => retain(conn, now, retention),
        None => Ok(()),
    }
}

/// Deletes archived rows committed more than `retention` before `now`.
fn retain(conn: &rusqlite::Connection, now: i64, retention: Duration) -> Result<()> {
    let horizon = now.saturating_sub(retention.as_millis().min(i64::MAX as u128) as i64);
    conn.prepare_cached("DELETE FROM journal_entries WHERE archived_at IS NOT NULL AND committed_at < ?1")
        .and_then(|mut s| s.execute([horizon]))
        .stage("delete archived rows past retention")?;
    Ok(())
}

/// Creates the output directory (go-store's EnsureDir, skipped for `""`,
/// `.` and `/`), even when nothing will be archived.
fn output_dir(output: &str) -> Result<PathBuf> {
    let trimmed = output.trim_end_matches('/');
    let dir = if trimmed.is_empty() { PathBuf::from(if output.starts_with('/') { "/" } else { "." }) } else { PathBuf::from(trimmed) };
    if !matches!(output, "" | "." | "/") {
        std::fs::create_dir_all(&dir).map_err(|e| {
            Error::new(ErrorKind::Io, format!("store.Compact: ensure medium archive directory: {}: {e}", dir.display()))
        })?;
    }
    Ok(dir)
}

/// `YYYYMMDD-HHMMSS.nnnnnnnnn` in UTC.
fn timestamp(t: SystemTime) -> String {
    chrono::DateTime::<chrono::Utc>::from(t).format("%Y%m%d-%H%M%S%.9f").to_string()
}
