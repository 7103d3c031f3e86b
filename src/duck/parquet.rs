//! Parquet export and import through DuckDB's `COPY`.
//!
//! Outputs are published atomically: DuckDB writes under a hidden temporary
//! name beside the target, the result is fsynced, then renamed over the final
//! name and the directory fsynced. A failed export removes its temporary
//! output and leaves whatever was under the final name before.
//!
//! Split exports use hive layout, `dir/<column>=<value>/data_<n>.parquet`:
//! DuckDB percent-escapes values that are not safe in a path (`a/b` becomes
//! `a%2Fb`) and writes NULL as `__HIVE_DEFAULT_PARTITION__`, the name Spark,
//! Trino and polars read back as NULL. The partition column lives in the
//! directory names, not inside the files, as hive readers expect.

use super::analytics::{gate, DuckDb};
use super::raw::Connection;
use crate::{Error, ErrorKind, Result};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Compression codec of written Parquet files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ParquetCompression {
    /// Zstandard (the default): small files, fast to read.
    #[default]
    Zstd,
    /// Snappy: the fastest to write, larger files.
    Snappy,
    /// Gzip: the most widely readable.
    Gzip,
}

impl ParquetCompression {
    fn sql(self) -> &'static str {
        match self {
            ParquetCompression::Zstd => "zstd",
            ParquetCompression::Snappy => "snappy",
            ParquetCompression::Gzip => "gzip",
        }
    }

    /// Parses `zstd`, `snappy` or `gzip` (any case).
    pub fn parse(name: &str) -> Result<Self> {
        match name.to_ascii_lowercase().as_str() {
            "zstd" | "" => Ok(ParquetCompression::Zstd),
            "snappy" => Ok(ParquetCompression::Snappy),
            "gzip" => Ok(ParquetCompression::Gzip),
            _ => Err(Error::invalid(format!("unknown Parquet compression {name:?} (zstd, snappy or gzip)"))),
        }
    }
}

/// `"a"."b"` for `a.b`: each part double-quoted, quotes doubled.
pub(crate) fn quote_ident(name: &str) -> Result<String> {
    if name.trim().is_empty() {
        return Err(Error::invalid("table or column name is empty"));
    }
    Ok(name.split('.').map(|p| format!("\"{}\"", p.replace('"', "\"\""))).collect::<Vec<_>>().join("."))
}

/// A SQL string literal.
pub(crate) fn quote_literal(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// The relation to export: a query (starts with SELECT, WITH, FROM, VALUES,
/// TABLE or a parenthesis) is used as is; anything else names a table.
fn source_sql(source: &str) -> Result<String> {
    let trimmed = source.trim().trim_end_matches(';').trim();
    if trimmed.is_empty() {
        return Err(Error::invalid("source table or query is empty"));
    }
    let first = trimmed.split(|c: char| c.is_whitespace() || c == '(').next().unwrap_or("").to_ascii_uppercase();
    if trimmed.starts_with('(') || matches!(first.as_str(), "SELECT" | "WITH" | "FROM" | "VALUES" | "TABLE") {
        Ok(format!("({trimmed})"))
    } else {
        Ok(format!("(SELECT * FROM {})", quote_ident(trimmed)?))
    }
}

/// The absolute target path, with its parent checked.
fn target(path: &Path) -> Result<PathBuf> {
    if path.as_os_str().is_empty() {
        return Err(Error::invalid("output path is empty"));
    }
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().map_err(|e| Error::new(ErrorKind::Io, format!("current directory: {e}")))?.join(path)
    };
    let name = abs.file_name().ok_or_else(|| Error::invalid(format!("output path {} has no file name", path.display())))?;
    if name.to_str().is_none() {
        return Err(Error::invalid(format!("output path {} is not valid UTF-8", path.display())));
    }
    let parent = abs.parent().unwrap_or(Path::new("/"));
    if !parent.is_dir() {
        return Err(Error::new(ErrorKind::Io, format!("output directory {} does not exist", parent.display())));
    }
    Ok(abs)
}

/// A hidden sibling of `final_path`, unique in this process.
fn temp_sibling(final_path: &Path, tag: &str) -> PathBuf {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let name = final_path.file_name().and_then(|n| n.to_str()).unwrap_or("out");
    final_path.with_file_name(format!(".{name}.{tag}-{}-{n}", std::process::id()))
}

fn io(what: &str, path: &Path, e: std::io::Error) -> Error {
    Error::new(ErrorKind::Io, format!("{what} {}: {e}", path.display()))
}

fn fsync_path(path: &Path) -> Result<()> {
    fs::File::open(path).and_then(|f| f.sync_all()).map_err(|e| io("fsync", path, e))
}

/// Makes every file and directory under `dir` durable. On Linux one
/// `syncfs` flushes the whole file system in one journal commit, which for a
/// thousand-partition dataset is seconds faster than a thousand fsyncs.
fn sync_tree(dir: &Path) -> Result<()> {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        let d = fs::File::open(dir).map_err(|e| io("open", dir, e))?;
        // SAFETY: a valid open descriptor for the duration of the call.
        if unsafe { libc::syncfs(d.as_raw_fd()) } == 0 {
            return Ok(());
        }
    }
    fsync_tree(dir)
}

/// fsyncs every file and directory under `dir`, then `dir` itself.
fn fsync_tree(dir: &Path) -> Result<()> {
    for entry in fs::read_dir(dir).map_err(|e| io("read directory", dir, e))? {
        let entry = entry.map_err(|e| io("read directory", dir, e))?;
        let path = entry.path();
        if entry.file_type().map_err(|e| io("stat", &path, e))?.is_dir() {
            fsync_tree(&path)?;
        } else {
            fsync_path(&path)?;
        }
    }
    fsync_path(dir)
}

fn parent_of(path: &Path) -> &Path {
    path.parent().unwrap_or(Path::new("/"))
}

/// Removes a temporary output, file or directory; failures are ignored
/// because the export already failed for a better-explained reason.
fn discard(path: &Path) {
    if path.is_dir() {
        let _ = fs::remove_dir_all(path);
    } else {
        let _ = fs::remove_file(path);
    }
}

/// Runs a COPY and returns its row count.
fn copy(conn: &Connection, sql: &str) -> Result<u64> {
    let extracted = conn.extract(sql)?;
    let stmt = extracted.prepare(0)?;
    gate(&stmt)?;
    let mut result = stmt.execute()?;
    Ok(match result.first_i64() {
        Some(n) => n.max(0) as u64,
        None => result.rows_changed(),
    })
}

impl DuckDb {
    /// Writes a table or query to one Parquet file (zstd); returns the rows
    /// written. Seed 003's `ExportParquet(ws, file, table)`.
    pub fn export_parquet(&self, source: &str, file: impl AsRef<Path>) -> Result<u64> {
        self.export_parquet_with(source, file, ParquetCompression::Zstd)
    }

    /// `export_parquet` with a chosen compression.
    pub fn export_parquet_with(&self, source: &str, file: impl AsRef<Path>, compression: ParquetCompression) -> Result<u64> {
        const OP: &str = "store.DuckDB.ExportParquet";
        let file = file.as_ref();
        let wrap = |e: Error| if e.kind() == ErrorKind::Closed { e } else { e.wrap(format!("{OP}: {source} to {}", file.display())) };
        let relation = source_sql(source).map_err(wrap)?;
        let final_path = target(file).map_err(wrap)?;
        let temp = temp_sibling(&final_path, "tmp");
        let sql = format!(
            "COPY {relation} TO {} (FORMAT PARQUET, COMPRESSION {})",
            quote_literal(temp.to_str().unwrap_or_default()),
            compression.sql()
        );
        let published = self.with_conn(OP, |conn| {
            let rows = copy(conn, &sql)?;
            fsync_path(&temp)?;
            fs::rename(&temp, &final_path).map_err(|e| io("rename to", &final_path, e))?;
            fsync_path(parent_of(&final_path))?;
            Ok(rows)
        });
        if published.is_err() {
            discard(&temp);
        }
        published.map_err(wrap)
    }

    /// Writes a table or query as a hive-partitioned dataset under `dir`,
    /// one directory per distinct value of `column`; returns the rows
    /// written. Replaces an earlier dataset at `dir` as a whole. Seed 003's
    /// `ExportSplitParquet(ws, dir, table, column)`.
    pub fn export_split_parquet(&self, dir: impl AsRef<Path>, source: &str, column: &str) -> Result<u64> {
        self.export_split_parquet_with(dir, source, column, ParquetCompression::Zstd)
    }

    /// `export_split_parquet` with a chosen compression.
    pub fn export_split_parquet_with(
        &self,
        dir: impl AsRef<Path>,
        source: &str,
        column: &str,
        compression: ParquetCompression,
    ) -> Result<u64> {
        const OP: &str = "store.DuckDB.ExportSplitParquet";
        let dir = dir.as_ref();
        let wrap = |e: Error| {
            if e.kind() == ErrorKind::Closed {
                e
            } else {
                e.wrap(format!("{OP}: {source} by {column} to {}", dir.display()))
            }
        };
        let relation = source_sql(source).map_err(wrap)?;
        let partition = quote_ident(column).map_err(wrap)?;
        let final_dir = target(dir).map_err(wrap)?;
        if final_dir.exists() && !final_dir.is_dir() {
            return Err(wrap(Error::new(ErrorKind::Io, format!("{} exists and is not a directory", final_dir.display()))));
        }
        let temp = temp_sibling(&final_dir, "tmp");
        let old = temp_sibling(&final_dir, "old");
        let sql = format!(
            "COPY {relation} TO {} (FORMAT PARQUET, PARTITION_BY ({partition}), COMPRESSION {})",
            quote_literal(temp.to_str().unwrap_or_default()),
            compression.sql()
        );
        let published = self.with_conn(OP, |conn| {
            fs::create_dir(&temp).map_err(|e| io("create directory", &temp, e))?;
            let rows = copy(conn, &sql)?;
            sync_tree(&temp)?;
            // Move an earlier dataset aside first: a directory cannot be
            // renamed over a non-empty one.
            let replaced = final_dir.exists();
            if replaced {
                fs::rename(&final_dir, &old).map_err(|e| io("move aside", &final_dir, e))?;
            }
            if let Err(e) = fs::rename(&temp, &final_dir) {
                if replaced {
                    let _ = fs::rename(&old, &final_dir);
                }
                return Err(io("rename to", &final_dir, e));
            }
            fsync_path(parent_of(&final_dir))?;
            if replaced {
                discard(&old);
            }
            Ok(rows)
        });
        if published.is_err() {
            discard(&temp);
        }
        published.map_err(wrap)
    }

    /// Loads Parquet into `table`: a file, a glob (`dir/*.parquet`) or a
    /// directory (read as a hive-partitioned dataset, as `export_split_parquet`
    /// writes it). Creates the table from the files' schema when absent,
    /// otherwise inserts by column name. All or nothing; returns the rows read.
    pub fn import_parquet(&self, table: &str, source: impl AsRef<Path>) -> Result<u64> {
        const OP: &str = "store.DuckDB.ImportParquet";
        let source = source.as_ref();
        let wrap = |e: Error| {
            if e.kind() == ErrorKind::Closed {
                e
            } else {
                e.wrap(format!("{OP}: {} into {table}", source.display()))
            }
        };
        let name = quote_ident(table).map_err(wrap)?;
        let text = source.to_str().ok_or_else(|| wrap(Error::invalid("path is not valid UTF-8")))?;
        if text.is_empty() {
            return Err(wrap(Error::invalid("path is empty")));
        }
        let is_glob = text.contains(['*', '?', '[']);
        let pattern = if is_glob {
            text.to_string()
        } else if source.is_dir() {
            format!("{}/**/*.parquet", text.trim_end_matches('/'))
        } else if source.is_file() {
            text.to_string()
        } else {
            return Err(wrap(Error::new(ErrorKind::Io, "no such file or directory")));
        };
        let read = format!("read_parquet({}, hive_partitioning = {})", quote_literal(&pattern), !source.is_file());
        let create = format!("CREATE TABLE IF NOT EXISTS {name} AS SELECT * FROM {read} LIMIT 0");
        let insert = format!("INSERT INTO {name} BY NAME SELECT * FROM {read}");
        self.with_conn(OP, |conn| {
            conn.execute_batch("BEGIN TRANSACTION")?;
            let loaded = (|| {
                conn.execute_batch(&create)?;
                let extracted = conn.extract(&insert)?;
                let mut result = extracted.prepare(0)?.execute()?;
                Ok(result.rows_changed())
            })();
            match loaded {
                Ok(rows) => conn.execute_batch("COMMIT").map(|_| rows),
                Err(e) => {
                    let _ = conn.execute_batch("ROLLBACK");
                    Err(e)
                }
            }
        })
        .map_err(wrap)
    }
}
