//! Opening, configuring and closing a store (contract §2.2–2.4, §2.10, §17.1
//! and the closed-store rows of §17.2).

mod common;

use common::*;
use std::time::Duration;
use store::{Config, ErrorKind, JournalConfig, Kv, ScopedStore, Store, DEFAULT_PURGE_INTERVAL};

#[test]
fn new_good_memory() {
    let db = mem();
    db.set("g", "k", "v").unwrap();
    assert_eq!(db.get("g", "k").unwrap(), b"v");
    assert_eq!(db.database_path(), ":memory:");
    assert!(!db.is_closed());
}

#[test]
fn new_good_memory_stores_are_private() {
    let a = mem();
    let b = mem();
    a.set("g", "k", "v").unwrap();
    assert_err(b.get("g", "k"), ErrorKind::NotFound, &["g/k"]);
}

#[test]
fn new_good_file_backed_persists_across_reopen() {
    let dir = temp_dir();
    let path = db_path(&dir, "persist.db");
    let db = open_file(&path);
    db.set("config", "colour", "blue").unwrap();
    db.set_with_ttl("config", "later", "x", Duration::from_secs(3600)).unwrap();
    db.close().unwrap();

    let db = open_file(&path);
    assert_eq!(db.get("config", "colour").unwrap(), b"blue");
    assert_eq!(db.get("config", "later").unwrap(), b"x");
    assert_eq!(db.count("config").unwrap(), 2);
}

#[test]
fn new_bad_invalid_path() {
    let dir = temp_dir();
    let path = db_path(&dir, "no/such/dir/x.db");
    let msg = assert_err(Store::open(Config::new(&path)).map(|_| ()), ErrorKind::Io, &["store.New"]);
    assert!(msg.starts_with("store.New: "), "{msg}");
    assert!(!std::path::Path::new(&path).exists());
}

#[test]
fn new_bad_missing_directory_named() {
    // go-store's text first, then what the file system says is wrong.
    let dir = temp_dir();
    let path = db_path(&dir, "no/such/x.db");
    let msg = assert_err(Store::open(Config::new(&path)).map(|_| ()), ErrorKind::Io, &[]);
    let missing = dir.path().join("no/such");
    assert!(msg.starts_with("store.New: open database: unable to open database file"), "{msg}");
    assert!(msg.ends_with(&format!(": directory does not exist: {}", missing.display())), "{msg}");
}

#[test]
fn new_bad_directory_instead_of_file_named() {
    let dir = temp_dir();
    let path = dir.path().to_str().unwrap().to_string();
    let msg = assert_err(Store::open(Config::new(&path)).map(|_| ()), ErrorKind::Io, &["store.New"]);
    assert!(msg.ends_with(&format!(": is a directory, not a database file: {path}")), "{msg}");
}

#[test]
fn new_bad_parent_is_a_file_named() {
    let dir = temp_dir();
    let file = db_path(&dir, "plain.txt");
    std::fs::write(&file, "x").unwrap();
    let msg = assert_err(Store::open(Config::new(format!("{file}/x.db"))).map(|_| ()), ErrorKind::Io, &[]);
    assert!(msg.ends_with(&format!(": not a directory: {file}")), "{msg}");
}

#[test]
fn new_bad_unwritable_directory_named() {
    use std::os::unix::fs::PermissionsExt;
    if running_as_root() {
        return; // root may write anywhere; nothing to report
    }
    let dir = temp_dir();
    let locked = dir.path().join("locked");
    std::fs::create_dir(&locked).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o555)).unwrap();
    let path = locked.join("x.db").to_str().unwrap().to_string();
    let result = Store::open(Config::new(&path)).map(|_| ());
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    let msg = assert_err(result, ErrorKind::Io, &[]);
    assert!(msg.ends_with(&format!(": no permission to create files in {}", locked.display())), "{msg}");
}

#[test]
fn new_bad_non_sqlite_file() {
    let dir = temp_dir();
    let path = db_path(&dir, "notes.db");
    std::fs::write(&path, "this is plain text, not a database\n".repeat(200)).unwrap();
    assert_err(Store::open(Config::new(&path)).map(|_| ()), ErrorKind::Corrupt, &["store.New"]);
    // The file is left as it was.
    assert!(std::fs::read_to_string(&path).unwrap().starts_with("this is plain text"));
}

#[test]
fn new_bad_corrupt_file() {
    // A real database whose pages after the header were overwritten.
    let dir = temp_dir();
    let path = db_path(&dir, "corrupt.db");
    {
        let db = open_file(&path);
        for i in 0..200 {
            db.set("g", format!("k{i}"), "v".repeat(100)).unwrap();
        }
        db.close().unwrap();
    }
    let mut bytes = std::fs::read(&path).unwrap();
    assert!(bytes.len() > 4096, "database unexpectedly small");
    for b in &mut bytes[100..] {
        *b = 0xA5;
    }
    std::fs::write(&path, &bytes).unwrap();
    let err = Store::open(Config::new(&path)).map(|_| ()).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Corrupt | ErrorKind::Io), "{err:?}");
    assert!(err.message().contains("store.New"), "{err}");
}

#[test]
fn new_bad_read_only_dir() {
    use std::os::unix::fs::PermissionsExt;
    let dir = temp_dir();
    let locked = dir.path().join("locked");
    std::fs::create_dir(&locked).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o555)).unwrap();
    let path = locked.join("x.db").to_str().unwrap().to_string();
    let result = Store::open(Config::new(&path));
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    match result {
        Err(e) => assert!(e.message().contains("store.New"), "{e}"),
        // Root ignores directory permissions; then the store must simply work.
        Ok(db) => {
            assert!(running_as_root(), "a non-root user opened a database in a read-only directory");
            db.set("g", "k", "v").unwrap();
            assert_eq!(db.get("g", "k").unwrap(), b"v");
        }
    }
}

#[test]
fn new_good_wal_mode() {
    let dir = temp_dir();
    let db = open_file(&db_path(&dir, "wal.db"));
    assert_eq!(db.journal_mode().as_deref(), Some("wal"));
    assert_eq!(mem().journal_mode().as_deref(), Some("memory"));
}

#[test]
fn new_configured_good() {
    let config = Config {
        workspace_state_directory: "/tmp/state///".into(),
        ..Config::new(":memory:").purge_interval(Duration::from_millis(20))
    };
    let db = Store::open(config).unwrap();
    assert_eq!(db.config().purge_interval, Some(Duration::from_millis(20)));
    assert_eq!(db.workspace_state_directory(), "/tmp/state");
    assert_eq!(db.config().database_path, ":memory:");
}

#[test]
fn workspace_state_directory_good_default() {
    let db = mem();
    assert_eq!(db.workspace_state_directory(), ".core/state");
    assert_eq!(db.config().purge_interval, Some(DEFAULT_PURGE_INTERVAL));
    assert_eq!(DEFAULT_PURGE_INTERVAL, Duration::from_secs(60));
}

#[test]
fn start_background_purge_good_defaults_when_interval_unset() {
    let db = Store::open(Config::new(":memory:").purge_interval(Duration::ZERO)).unwrap();
    assert_eq!(db.config().purge_interval, Some(DEFAULT_PURGE_INTERVAL));
    db.set("g", "k", "v").unwrap();
    db.close().unwrap();
}

#[test]
fn store_config_good_normalised_defaults() {
    let n = Config::new("x").normalised();
    assert_eq!(n.purge_interval, Some(Duration::from_secs(60)));
    assert_eq!(n.workspace_state_directory, ".core/state");
    let n = Config { workspace_state_directory: ".core/state///".into(), ..Config::new("x") }.normalised();
    assert_eq!(n.workspace_state_directory, ".core/state");
    let n = Config { workspace_state_directory: "/".into(), ..Config::new("x") }.normalised();
    assert_eq!(n.workspace_state_directory, ".core/state");
    // Normalising keeps every other field.
    let c = Config::new("x").purge_interval(Duration::from_secs(5));
    assert_eq!(c.normalised().purge_interval, Some(Duration::from_secs(5)));
    assert_eq!(c.normalised().database_path, "x");
}

#[test]
fn store_config_bad_empty_database_path() {
    let e = Config::new("").validate().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidArgument);
    assert_eq!(e.message(), "store.StoreConfig.Validate: database path is empty");
    assert_err(
        Store::open(Config::new("")).map(|_| ()),
        ErrorKind::InvalidArgument,
        &["store.New: validate config", "database path is empty"],
    );
}

#[test]
fn store_config_bad_negative_purge_interval() {
    let c = Config { purge_interval_negative: true, ..Config::new(":memory:") };
    assert_err(c.validate(), ErrorKind::InvalidArgument, &["purge interval must be zero or positive"]);
    assert_err(
        Store::open(c).map(|_| ()),
        ErrorKind::InvalidArgument,
        &["validate config", "purge interval must be zero or positive"],
    );
}

fn journal(endpoint: &str, organisation: &str, bucket: &str) -> JournalConfig {
    JournalConfig { endpoint_url: endpoint.into(), organisation: organisation.into(), bucket_name: bucket.into() }
}

#[test]
fn journal_configuration_good_validate() {
    journal("http://127.0.0.1:8086", "core", "events").validate().unwrap();
}

#[test]
fn journal_configuration_bad_validate_missing_fields() {
    // The first missing field wins.
    let cases = [
        (journal("", "", ""), "endpoint URL is empty; use values like \"http://127.0.0.1:8086\""),
        (journal("", "core", "events"), "endpoint URL is empty"),
        (journal("http://x", "", "events"), "organisation is empty; use values like \"core\""),
        (journal("http://x", "", ""), "organisation is empty"),
        (journal("http://x", "core", ""), "bucket name is empty; use values like \"events\""),
    ];
    for (config, expected) in cases {
        let msg = assert_err(config.validate(), ErrorKind::InvalidArgument, &[expected]);
        assert!(msg.starts_with("store.JournalConfiguration.Validate: "), "{msg}");
    }
}

#[test]
fn new_configured_bad_partial_journal_configuration() {
    let c = Config { journal: journal("http://127.0.0.1:8086", "core", ""), ..Config::new(":memory:") };
    assert_err(
        Store::open(c).map(|_| ()),
        ErrorKind::InvalidArgument,
        &["store.New: validate config", "journal config", "bucket name is empty"],
    );
}

#[test]
fn journal_configured_good() {
    let full = Config { journal: journal("http://127.0.0.1:8086", "core", "events"), ..Config::new(":memory:") };
    let db = Store::open(full.clone()).unwrap();
    assert!(db.journal_configured());
    // Stored verbatim.
    assert_eq!(db.config().journal, full.journal);
    assert!(!mem().journal_configured());
}

#[test]
fn open_as_good_reports_its_operation() {
    assert_err(
        Store::open_as("store.NewConfigured", Config::new("")).map(|_| ()),
        ErrorKind::InvalidArgument,
        &["store.NewConfigured: validate config"],
    );
}

#[test]
fn is_closed_good() {
    let db = mem();
    assert!(!db.is_closed());
    db.close().unwrap();
    assert!(db.is_closed());
    // A clone is the same store.
    let a = mem();
    let b = a.clone();
    a.close().unwrap();
    assert!(b.is_closed());
}

#[test]
fn close_good_idempotent() {
    let db = mem();
    db.close().unwrap();
    db.close().unwrap();
    assert!(db.is_closed());
    // Accessors still work after close.
    assert_eq!(db.database_path(), ":memory:");
    assert_eq!(db.workspace_state_directory(), ".core/state");
}

#[test]
fn close_good_file_store_releases_the_file() {
    let dir = temp_dir();
    let path = db_path(&dir, "c.db");
    let db = open_file(&path);
    db.set("g", "k", "v").unwrap();
    db.close().unwrap();
    // Closing checkpoints: a raw reader sees the row without the store.
    assert_eq!(raw_row_count(&path), 1);
    let again = open_file(&path);
    assert_eq!(again.get("g", "k").unwrap(), b"v");
}

type Op = (&'static str, &'static str, fn(&Store) -> store::Result<()>);

/// Every operation of the Rust API with the operation name its error carries.
const STORE_OPS: &[Op] = &[
    ("Get", "store.Get", |s| s.get("g", "k").map(drop)),
    ("Set", "store.Set", |s| s.set("g", "k", "v")),
    ("SetWithTTL", "store.SetWithTTL", |s| s.set_with_ttl("g", "k", "v", Duration::from_secs(1))),
    ("Delete", "store.Delete", |s| s.delete("g", "k")),
    ("Exists", "store.Exists", |s| s.exists("g", "k").map(drop)),
    ("GroupExists", "store.GroupExists", |s| s.group_exists("g").map(drop)),
    ("Count", "store.Count", |s| s.count("g").map(drop)),
    ("CountAll", "store.CountAll", |s| s.count_all("").map(drop)),
    ("DeleteGroup", "store.DeleteGroup", |s| s.delete_group("g")),
    ("DeletePrefix", "store.DeletePrefix", |s| s.delete_prefix("")),
    ("GetAll", "store.GetAll", |s| s.get_all("g").map(drop)),
    ("GetPage", "store.GetPage", |s| s.get_page("g", 0, 10).map(drop)),
    ("GetPage limit 0", "store.GetPage", |s| s.get_page("g", 0, 0).map(drop)),
    ("Groups", "store.Groups", |s| s.groups("").map(drop)),
    ("GetSplit", "store.Get", |s| s.get_split("g", "k", ",").map(drop)),
    ("GetFields", "store.Get", |s| s.get_fields("g", "k").map(drop)),
    ("Render", "store.Render", |s| s.render("{{ .k }}", "g").map(drop)),
    ("PurgeExpired", "store.PurgeExpired", |s| s.purge_expired().map(drop)),
    ("Transaction", "store.Transaction", |s| s.begin().map(drop)),
    ("OnChange", "store.OnChange", |s| s.subscribe("*", |_| {}).map(drop)),
];

#[test]
fn close_good_operations_fail_after_close() {
    let db = mem();
    db.set("g", "k", "v").unwrap();
    db.close().unwrap();
    for (name, op, call) in STORE_OPS {
        let msg = assert_err(call(&db), ErrorKind::Closed, &["store is closed"]);
        assert!(msg.starts_with(op), "{name}: {msg:?} does not start with {op}");
    }
}

#[test]
fn all_bad_closed_store_iterator_yields_an_error() {
    let db = mem();
    db.set("g", "a", "1").unwrap();
    db.close().unwrap();
    let items: Vec<_> = db.iter("g").collect();
    assert_eq!(items.len(), 1, "one error item, then the end");
    let e = items.into_iter().next().unwrap().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Closed);
    assert_eq!(e.message(), "store.All: store is closed");
}

#[test]
fn all_bad_iterator_closed_midway_yields_an_error() {
    let db = mem();
    for i in 0..(store::ITER_PAGE_SIZE * 2) {
        db.set("g", format!("{i:05}"), "v").unwrap();
    }
    let mut it = db.iter("g");
    for _ in 0..store::ITER_PAGE_SIZE {
        it.next().unwrap().unwrap();
    }
    db.close().unwrap();
    let e = it.next().expect("an error item").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Closed);
    assert!(it.next().is_none(), "the iterator ends after its error");
}

#[test]
fn watch_bad_closed_store_returns_closed_queue() {
    let db = mem();
    db.close().unwrap();
    let w = db.watch("*", 0).unwrap();
    assert!(w.is_closed());
    assert_eq!(w.next(Some(Duration::ZERO)).unwrap_err(), store::WatchEnd::Closed);
    assert_eq!(w.next(None).unwrap_err(), store::WatchEnd::Closed);
    w.close();
}

#[test]
fn scoped_store_bad_closed_store() {
    let db = mem();
    let sc = ScopedStore::new(&db, "tenant-a").unwrap();
    sc.set("g", "k", "v").unwrap();
    db.close().unwrap();
    assert_err(sc.get("g", "k"), ErrorKind::Closed, &["store.ScopedStore.Get: store is closed"]);
    assert_err(sc.set("g", "k", "v"), ErrorKind::Closed, &["store.ScopedStore.SetIn: store is closed"]);
    assert_err(sc.exists("g", "k"), ErrorKind::Closed, &["store.ScopedStore.Exists: store is closed"]);
    assert_err(sc.usage(), ErrorKind::Closed, &["store is closed"]);
    assert_err(sc.begin().map(drop), ErrorKind::Closed, &["store is closed"]);
}
