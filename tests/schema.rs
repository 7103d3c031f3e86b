//! The on-disk format (contract §2.7, §17.3 `SchemaUpgrade_*`): databases
//! built by hand in go-store's current and legacy layouts open, migrate and
//! read back unchanged, and TTL works after migration.

mod common;

use common::*;
use rusqlite::Connection;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use store::{Config, ErrorKind, Kv, Store};

/// go-store's `entries` table exactly as its `ensureSchema` creates it.
const GO_STORE_ENTRIES: &str = "CREATE TABLE entries (
    group_name TEXT NOT NULL,
    entry_key TEXT NOT NULL,
    entry_value TEXT NOT NULL,
    expires_at INTEGER,
    PRIMARY KEY (group_name, entry_key)
)";

fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_millis() as i64
}

/// Builds a database at a fresh path with `sql`, the way an older program left it.
fn hand_made(dir: &tempfile::TempDir, sql: &str) -> String {
    let path = db_path(dir, "legacy.db");
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch(sql).unwrap();
    conn.close().unwrap();
    path
}

fn tables(path: &str) -> Vec<String> {
    let conn = raw(path);
    let mut stmt = conn.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").unwrap();
    let names = stmt.query_map([], |r| r.get(0)).unwrap();
    names.map(Result::unwrap).collect()
}

fn columns(path: &str, table: &str) -> Vec<String> {
    let conn = raw(path);
    let mut stmt = conn.prepare(&format!("PRAGMA table_info({table})")).unwrap();
    let names = stmt.query_map([], |r| r.get(1)).unwrap();
    names.map(Result::unwrap).collect()
}

/// TTL must work on a migrated database: write, expire, purge.
fn assert_ttl_works(db: &Store) {
    db.set_with_ttl_ms("ttl-check", "k", "v", 1).unwrap();
    sleep_past_ttl();
    assert_err(db.get("ttl-check", "k"), ErrorKind::NotFound, &[]);
    db.set_with_ttl_ms("ttl-check", "k2", "v", 1).unwrap();
    sleep_past_ttl();
    assert_eq!(db.purge_expired().unwrap(), 1);
}

#[test]
fn schema_upgrade_good_existing_db() {
    let dir = temp_dir();
    let path = db_path(&dir, "x.db");
    open_file(&path).set("g", "k", "v").unwrap();
    let before = (tables(&path), columns(&path, "entries"));
    let db = open_file(&path);
    assert_eq!((tables(&path), columns(&path, "entries")), before, "reopen changes nothing");
    assert_eq!(db.get("g", "k").unwrap(), b"v");
}

#[test]
fn schema_upgrade_good_entries_without_expiry_column() {
    let dir = temp_dir();
    let path = hand_made(
        &dir,
        "CREATE TABLE entries (group_name TEXT NOT NULL, entry_key TEXT NOT NULL, entry_value TEXT NOT NULL,
                               PRIMARY KEY (group_name, entry_key));
         INSERT INTO entries VALUES ('config', 'colour', 'blue'), ('config', 'size', 'large');",
    );
    let db = open_file(&path);
    assert!(columns(&path, "entries").contains(&"expires_at".to_string()));
    assert_eq!(db.get("config", "colour").unwrap(), b"blue");
    assert_eq!(db.count("config").unwrap(), 2);
    assert_ttl_works(&db);
}

#[test]
fn schema_upgrade_good_legacy_kv_only() {
    let dir = temp_dir();
    let path = hand_made(
        &dir,
        "CREATE TABLE kv (grp TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (grp, key));
         INSERT INTO kv VALUES ('config', 'colour', 'blue'), ('users', 'alice', 'admin');",
    );
    let db = open_file(&path);
    assert_eq!(tables(&path), ["entries"], "legacy table dropped after migration");
    assert_eq!(db.get("config", "colour").unwrap(), b"blue");
    assert_eq!(db.get("users", "alice").unwrap(), b"admin");
    assert_eq!(db.count_all("").unwrap(), 2);
    assert_ttl_works(&db);
}

#[test]
fn schema_upgrade_good_legacy_and_current_tables() {
    let dir = temp_dir();
    let path = hand_made(
        &dir,
        &format!(
            "{GO_STORE_ENTRIES};
             INSERT INTO entries VALUES ('config', 'colour', 'from-entries', NULL), ('config', 'only-new', 'n', NULL);
             CREATE TABLE kv (grp TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (grp, key));
             INSERT INTO kv VALUES ('config', 'colour', 'from-kv'), ('config', 'only-old', 'o');"
        ),
    );
    let db = open_file(&path);
    assert_eq!(tables(&path), ["entries"]);
    // Existing `entries` rows win on collision; the rest are merged.
    assert_eq!(db.get("config", "colour").unwrap(), b"from-entries");
    assert_eq!(db.get("config", "only-new").unwrap(), b"n");
    assert_eq!(db.get("config", "only-old").unwrap(), b"o");
    assert_eq!(db.count("config").unwrap(), 3);
    assert_ttl_works(&db);
}

#[test]
fn schema_upgrade_good_pre_ttl_database_with_legacy_expiry() {
    let dir = temp_dir();
    let now = now_ms();
    let path = hand_made(
        &dir,
        &format!(
            "CREATE TABLE kv (grp TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, expires_at INTEGER,
                              PRIMARY KEY (grp, key));
             INSERT INTO kv VALUES ('s', 'expired', 'x', {past}), ('s', 'live', 'y', {future}), ('s', 'forever', 'z', NULL);",
            past = now - 60_000,
            future = now + 3_600_000
        ),
    );
    let db = open_file(&path);
    assert_eq!(tables(&path), ["entries"]);
    assert_err(db.get("s", "expired"), ErrorKind::NotFound, &[]);
    assert_eq!(db.get("s", "live").unwrap(), b"y");
    assert_eq!(db.get("s", "forever").unwrap(), b"z");
    let expiry: i64 = raw(&path)
        .query_row("SELECT expires_at FROM entries WHERE entry_key = 'live'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(expiry, now + 3_600_000, "legacy expiry copied verbatim");
    assert_ttl_works(&db);
}

#[test]
fn schema_upgrade_bad_name_clash() {
    let dir = temp_dir();
    let path = hand_made(&dir, "CREATE TABLE other (x); CREATE INDEX entries ON other (x);");
    let err = Store::open(Config::new(&path)).map(|_| ()).unwrap_err();
    assert!(err.message().starts_with("store.New: ensure schema"), "{err}");
}

#[test]
fn go_store_layout_good_opens_and_reads_back_unchanged() {
    let dir = temp_dir();
    let now = now_ms();
    let path = db_path(&dir, "go-store.db");
    {
        // What go-store leaves behind: WAL mode, `entries`, Unix-ms expiry, TEXT values.
        let conn = Connection::open(&path).unwrap();
        let _: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0)).unwrap();
        conn.execute_batch(GO_STORE_ENTRIES).unwrap();
        let mut insert = conn.prepare("INSERT INTO entries VALUES (?1, ?2, ?3, ?4)").unwrap();
        insert.execute(("config", "colour", "blue", None::<i64>)).unwrap();
        insert.execute(("tenant-a:config", "theme", "dark", None::<i64>)).unwrap();
        insert.execute(("session", "token", "abc", Some(now + 3_600_000))).unwrap();
        insert.execute(("session", "old", "zzz", Some(now - 1))).unwrap();
        insert.execute(("unicode", "cl\u{e9}", "\u{1F680}", None::<i64>)).unwrap();
    }
    let db = open_file(&path);
    assert_eq!(db.get("config", "colour").unwrap(), b"blue");
    assert_eq!(db.get("session", "token").unwrap(), b"abc");
    assert_eq!(db.get("unicode", "cl\u{e9}").unwrap(), "\u{1F680}".as_bytes());
    assert!(!db.exists("session", "old").unwrap());
    let scoped = store::ScopedStore::new(&db, "tenant-a").unwrap();
    assert_eq!(scoped.get("config", "theme").unwrap(), b"dark");
    assert_eq!(text(&db.groups("").unwrap().concat()), "configsessiontenant-a:configunicode");

    // What we write is readable by go-store: TEXT values, Unix-ms expiry, same columns.
    db.set("config", "size", "large").unwrap();
    db.set_with_ttl("config", "ttl", "t", Duration::from_secs(10)).unwrap();
    db.close().unwrap();
    let conn = raw(&path);
    let (value, kind): (String, String) = conn
        .query_row("SELECT entry_value, typeof(entry_value) FROM entries WHERE entry_key = 'size'", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!((value.as_str(), kind.as_str()), ("large", "text"));
    let expiry: i64 = conn.query_row("SELECT expires_at FROM entries WHERE entry_key = 'ttl'", [], |r| r.get(0)).unwrap();
    let delta = expiry - now_ms();
    assert!((5_000..=10_500).contains(&delta), "expires_at is Unix ms: {expiry}");
    assert_eq!(columns(&path, "entries"), ["group_name", "entry_key", "entry_value", "expires_at"]);
    let original: String = conn.query_row("SELECT entry_value FROM entries WHERE entry_key = 'colour'", [], |r| r.get(0)).unwrap();
    assert_eq!(original, "blue");
}

#[test]
fn new_bad_foreign_entries_table_is_corrupt_and_left_unaltered() {
    let dir = temp_dir();
    let path = db_path(&dir, "foreign.db");
    raw(&path).execute_batch("CREATE TABLE entries (id INTEGER PRIMARY KEY, payload BLOB); INSERT INTO entries VALUES (1, x'00');").unwrap();
    let err = store::Store::open(store::Config::new(path.as_str())).map(drop).unwrap_err();
    assert_eq!(err.kind(), store::ErrorKind::Corrupt, "{err}");
    assert!(err.message().contains("table entries has no column group_name"), "{err}");
    let columns: Vec<String> = raw(&path)
        .prepare("SELECT name FROM pragma_table_info('entries')")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(columns, ["id", "payload"], "the foreign table was altered");
}

#[test]
fn new_bad_damaged_file_header_is_corrupt() {
    let dir = temp_dir();
    let path = db_path(&dir, "damaged.db");
    {
        let db = open_file(&path);
        db.set("g", "k", "v").unwrap();
        db.close().unwrap();
    }
    let mut bytes = std::fs::read(&path).unwrap();
    bytes[..16].copy_from_slice(b"definitely not!!");
    std::fs::write(&path, &bytes).unwrap();
    let err = store::Store::open(store::Config::new(path.as_str())).map(drop).unwrap_err();
    assert_eq!(err.kind(), store::ErrorKind::Corrupt, "{err}");
}
