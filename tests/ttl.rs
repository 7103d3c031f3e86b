//! TTL enforcement and purging (contract §2.8, §17.3): lazy expiry on Get,
//! live-only reads, purge counts and events, and the background purge.

mod common;

use common::*;
use std::time::{Duration, Instant};
use store::{Config, ErrorKind, Kv, Store};

#[test]
fn set_with_ttl_good() {
    let db = mem();
    db.set_with_ttl("g", "k", "v", Duration::from_secs(60)).unwrap();
    assert_eq!(db.get("g", "k").unwrap(), b"v");
    assert!(db.exists("g", "k").unwrap());
}

#[test]
fn set_with_ttl_good_upsert() {
    let db = mem();
    db.set_with_ttl("g", "k", "one", Duration::from_secs(60)).unwrap();
    db.set_with_ttl("g", "k", "two", Duration::from_secs(60)).unwrap();
    assert_eq!(db.get("g", "k").unwrap(), b"two");
    assert_eq!(db.count("g").unwrap(), 1);
}

#[test]
fn set_with_ttl_good_upsert_replaces_expiry() {
    let db = mem();
    db.set_with_ttl("g", "k", "v", Duration::from_secs(60)).unwrap();
    db.set_with_ttl_ms("g", "k", "v", 1).unwrap();
    sleep_past_ttl();
    assert_err(db.get("g", "k"), ErrorKind::NotFound, &[]);
}

#[test]
fn set_with_ttl_good_future_ttl_accessible() {
    let db = mem();
    db.set_with_ttl("g", "k", "v", Duration::from_secs(3600)).unwrap();
    sleep_past_ttl();
    assert_eq!(db.get("g", "k").unwrap(), b"v");
    assert_eq!(db.count("g").unwrap(), 1);
}

#[test]
fn set_with_ttl_good_expires_on_get() {
    let db = mem();
    db.set_with_ttl_ms("g", "k", "v", 1).unwrap();
    sleep_past_ttl();
    let msg = assert_err(db.get("g", "k"), ErrorKind::NotFound, &[]);
    assert_eq!(msg, "store.Get: g/k: store: not found");
}

#[test]
fn set_with_ttl_good_zero_and_negative_store_dead_rows() {
    let db = mem();
    let (rec, _sub) = Recorder::subscribe(&db, "*");
    db.set_with_ttl_ms("g", "zero", "v", 0).unwrap();
    db.set_with_ttl_ms("g", "negative", "v", -1000).unwrap();
    assert!(!db.exists("g", "zero").unwrap());
    assert!(!db.exists("g", "negative").unwrap());
    // Each write still announced itself, as go-store does.
    assert_eq!(rec.seen(), [ev("set", "g", "zero", "v"), ev("set", "g", "negative", "v")]);
    assert_eq!(db.purge_expired().unwrap(), 2);
}

#[test]
fn set_with_ttl_good_expires_on_get_emits_delete_event() {
    let db = mem();
    let (rec, _sub) = Recorder::subscribe(&db, "*");
    db.set_with_ttl_ms("g", "ephemeral", "v", 1).unwrap();
    sleep_past_ttl();
    assert!(db.get("g", "ephemeral").is_err());
    assert_eq!(rec.seen(), [ev("set", "g", "ephemeral", "v"), ev("delete", "g", "ephemeral", "")]);
    // The row is physically gone: a second Get emits nothing more.
    assert!(db.get("g", "ephemeral").is_err());
    assert_eq!(rec.seen().len(), 2);
    assert_eq!(db.purge_expired().unwrap(), 0);
}

#[test]
fn exists_good_expired_key_returns_false_without_deleting() {
    let db = mem();
    let (rec, _sub) = Recorder::subscribe(&db, "*");
    db.set_with_ttl_ms("g", "k", "v", 1).unwrap();
    sleep_past_ttl();
    assert!(!db.exists("g", "k").unwrap());
    assert!(!db.group_exists("g").unwrap());
    // Exists never deletes: the purge still finds the row, and no delete event was sent.
    assert_eq!(rec.seen().len(), 1);
    assert_eq!(db.purge_expired().unwrap(), 1);
}

#[test]
fn set_with_ttl_good_excluded_from_reads() {
    let db = mem();
    db.set("g", "live", "1").unwrap();
    db.set_with_ttl_ms("g", "dead", "2", 1).unwrap();
    db.set_with_ttl_ms("gone", "dead", "3", 1).unwrap();
    sleep_past_ttl();
    assert_eq!(db.count("g").unwrap(), 1);
    assert_eq!(db.count_all("").unwrap(), 1);
    assert_eq!(db.get_all("g").unwrap().len(), 1);
    assert_eq!(db.get_page("g", 0, 10).unwrap().len(), 1);
    assert_eq!(db.iter("g").count(), 1);
    assert_eq!(db.groups("").unwrap(), [b"g".to_vec()]);
    assert_eq!(db.render("{{ .live }}/{{ .dead }}", "g").unwrap(), "1/<no value>");
}

#[test]
fn set_with_ttl_good_set_clears_ttl() {
    let db = mem();
    db.set_with_ttl_ms("g", "k", "temporary", 1).unwrap();
    db.set("g", "k", "permanent").unwrap();
    sleep_past_ttl();
    assert_eq!(db.get("g", "k").unwrap(), b"permanent");
    assert_eq!(db.purge_expired().unwrap(), 0);
}

#[test]
fn purge_expired_good() {
    let db = mem();
    db.set("g", "keep", "v").unwrap();
    db.set_with_ttl_ms("g", "a", "v", 1).unwrap();
    db.set_with_ttl_ms("h", "b", "v", 1).unwrap();
    db.set_with_ttl("g", "later", "v", Duration::from_secs(3600)).unwrap();
    sleep_past_ttl();
    assert_eq!(db.purge_expired().unwrap(), 2);
    assert_eq!(db.purge_expired().unwrap(), 0);
    assert_eq!(db.count_all("").unwrap(), 2);
    assert_eq!(db.get("g", "keep").unwrap(), b"v");
    assert_eq!(db.get("g", "later").unwrap(), b"v");
}

#[test]
fn purge_expired_good_none_expired_and_empty() {
    let db = mem();
    assert_eq!(db.purge_expired().unwrap(), 0);
    db.set("g", "k", "v").unwrap();
    db.set_with_ttl("g", "t", "v", Duration::from_secs(3600)).unwrap();
    assert_eq!(db.purge_expired().unwrap(), 0);
    assert_eq!(db.count("g").unwrap(), 2);
}

#[test]
fn purge_expired_good_notifies_deleted_rows() {
    let db = mem();
    db.set("g", "live", "v").unwrap();
    db.set_with_ttl_ms("g", "dead", "v", 1).unwrap();
    sleep_past_ttl();
    let (rec, _sub) = Recorder::subscribe(&db, "*");
    let w = db.watch("g", 0).unwrap();
    assert_eq!(db.purge_expired().unwrap(), 1);
    assert_eq!(rec.seen(), [ev("delete", "g", "dead", "")]);
    assert_eq!(drain(&w), [ev("delete", "g", "dead", "")]);
}

/// Waits up to `limit` for `done`, polling every few milliseconds.
fn eventually(limit: Duration, mut done: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if done() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    done()
}

#[test]
fn purge_expired_good_background_purge() {
    let dir = temp_dir();
    let path = db_path(&dir, "purge.db");
    let db = Store::open(Config::new(&path).purge_interval(Duration::from_millis(20))).unwrap();
    let w = db.watch("*", 0).unwrap();
    db.set("g", "keep", "v").unwrap();
    db.set_with_ttl_ms("g", "ephemeral", "v", 1).unwrap();
    assert_eq!(raw_row_count(&path), 2);
    // Nobody reads the row: only the background task can remove it.
    std::thread::sleep(Duration::from_millis(60));
    assert!(eventually(Duration::from_secs(5), || raw_row_count(&path) == 1), "expired row still on disk");
    let events = drain(&w);
    assert!(events.contains(&ev("delete", "g", "ephemeral", "")), "{events:?}");
    assert_eq!(db.get("g", "keep").unwrap(), b"v");
}

#[test]
fn purge_expired_good_default_interval_does_not_purge_early() {
    let dir = temp_dir();
    let path = db_path(&dir, "slow.db");
    let db = open_file(&path);
    db.set_with_ttl_ms("g", "k", "v", 1).unwrap();
    std::thread::sleep(Duration::from_millis(100));
    // With the default 60 s interval the row is still there (only logically expired).
    assert_eq!(raw_row_count(&path), 1);
    assert!(!db.exists("g", "k").unwrap());
}

#[test]
fn purge_expired_good_callback_may_close_the_store_from_the_purge_thread() {
    // go-store deadlocks here: Close waits for the purge task, which is running it.
    let db = Store::open(Config::new(":memory:").purge_interval(Duration::from_millis(10))).unwrap();
    let closer = db.clone();
    let (tx, rx) = std::sync::mpsc::channel();
    let tx = std::sync::Mutex::new(tx);
    let _sub = db
        .subscribe("*", move |e| {
            if e.kind() == store::EventKind::Delete {
                let result = closer.close();
                let _ = tx.lock().unwrap().send(result.is_ok());
            }
        })
        .unwrap();
    db.set_with_ttl_ms("g", "k", "v", 1).unwrap();
    let closed_ok = rx.recv_timeout(WATCHDOG).expect("deadlock: close from the purge thread never returned");
    assert!(closed_ok);
    assert!(db.is_closed());
    assert_err(db.set("g", "k", "v"), ErrorKind::Closed, &["store is closed"]);
}
