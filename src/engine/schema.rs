//! The on-disk format shared with go-store: table `entries` (Unix-ms
//! `expires_at`) and the migration of go-store's legacy `kv` table.
//!
//! New databases create `entries` as a `WITHOUT ROWID` table: the same
//! columns, key and SQL as go-store's, but rows live in the primary-key
//! B-tree, so a point read or a group scan walks one tree instead of an
//! index plus the table, and a write updates one tree instead of two.
//! go-store reads and writes such a file unchanged; files go-store created
//! keep their layout.

use crate::base::error::{Error, ErrorKind, Result, Stage};
use rusqlite::{Connection, OptionalExtension};

const CREATE_ENTRIES: &str = "CREATE TABLE IF NOT EXISTS entries (
    group_name  TEXT NOT NULL,
    entry_key   TEXT NOT NULL,
    entry_value TEXT NOT NULL,
    expires_at  INTEGER,
    PRIMARY KEY (group_name, entry_key)
) WITHOUT ROWID";

/// A partial index keeps purges from scanning the table; rows without a TTL
/// never enter it, so plain `Set`s pay nothing for it. go-store ignores it.
const CREATE_EXPIRY_INDEX: &str = "CREATE INDEX IF NOT EXISTS entries_expires_at_idx \
    ON entries (expires_at) WHERE expires_at IS NOT NULL";

/// Creates or upgrades the schema. Errors read `schema: …` or `migration: …`.
pub(crate) fn ensure(conn: &Connection) -> Result<()> {
    let has_entries = table_exists(conn, "entries").stage("schema")?;
    let has_legacy = table_exists(conn, "kv").stage("schema")?;
    if has_entries {
        ensure_go_store_columns(conn)?;
        ensure_expiry_column(conn, "entries").stage("schema")?;
    } else if !has_legacy {
        conn.execute_batch(CREATE_ENTRIES).stage("schema")?;
    }
    if has_legacy {
        migrate_legacy(conn).stage("migration")?;
    }
    conn.execute_batch(CREATE_EXPIRY_INDEX).stage("schema")?;
    Ok(())
}

fn table_exists(conn: &Connection, name: &str) -> rusqlite::Result<bool> {
    conn.query_row("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1", [name], |_| Ok(()))
        .optional()
        .map(|r| r.is_some())
}

fn has_column(conn: &Connection, table: &str, column: &str) -> rusqlite::Result<bool> {
    let mut stmt = conn.prepare(&format!("PRAGMA table_info({table})"))?;
    let names = stmt.query_map([], |row| row.get::<_, String>(1))?;
    for name in names {
        if name? == column {
            return Ok(true);
        }
    }
    Ok(false)
}

/// An `entries` table that is not go-store's (another program's table of
/// that name) is reported as `Corrupt` and left exactly as it is.
fn ensure_go_store_columns(conn: &Connection) -> Result<()> {
    for column in ["group_name", "entry_key", "entry_value"] {
        if !has_column(conn, "entries", column).stage("schema")? {
            return Err(Error::new(
                ErrorKind::Corrupt,
                format!("schema: table entries has no column {column}; it is not a store table, the file was left unchanged"),
            ));
        }
    }
    Ok(())
}

fn ensure_expiry_column(conn: &Connection, table: &str) -> rusqlite::Result<()> {
    if has_column(conn, table, "expires_at")? {
        return Ok(());
    }
    match conn.execute_batch(&format!("ALTER TABLE {table} ADD COLUMN expires_at INTEGER")) {
        Err(e) if e.to_string().contains("duplicate column name") => Ok(()),
        other => other,
    }
}

/// Copies `kv(grp, key, value[, expires_at])` into `entries` in one
/// transaction; rows already in `entries` win on collision.
fn migrate_legacy(conn: &Connection) -> rusqlite::Result<()> {
    let legacy_expiry = has_column(conn, "kv", "expires_at")?;
    let copy = if legacy_expiry {
        "INSERT OR IGNORE INTO entries (group_name, entry_key, entry_value, expires_at) \
         SELECT grp, key, value, expires_at FROM kv"
    } else {
        "INSERT OR IGNORE INTO entries (group_name, entry_key, entry_value, expires_at) \
         SELECT grp, key, value, NULL FROM kv"
    };
    conn.execute_batch("BEGIN IMMEDIATE")?;
    let result = conn
        .execute_batch(CREATE_ENTRIES)
        .and_then(|_| conn.execute_batch(copy))
        .and_then(|_| conn.execute_batch("DROP TABLE kv"))
        .and_then(|_| conn.execute_batch("COMMIT"));
    if result.is_err() {
        let _ = conn.execute_batch("ROLLBACK");
    }
    result
}
