//! Scoped namespaces and quotas (contract §4, §17.5), MaxBytes, usage, quota
//! races, and full isolation of namespaces that differ only in case.

mod common;

use common::*;
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::Duration;
use store::{is_valid_namespace, validate_scope, ErrorKind, Kv, Quota, ScopedStore, Store, Usage, DEFAULT_GROUP, QUOTA_EXCEEDED_TEXT};

fn scoped(db: &Store, ns: &str) -> ScopedStore {
    ScopedStore::new(db, ns).unwrap()
}

fn limited(db: &Store, ns: &str, max_keys: i64, max_groups: i64, max_bytes: i64) -> ScopedStore {
    ScopedStore::with_quota(db, ns, Quota { max_keys, max_groups, max_bytes }).unwrap()
}

fn names(groups: Vec<Vec<u8>>) -> Vec<String> {
    groups.iter().map(|g| text(g)).collect()
}

#[track_caller]
fn assert_quota(result: store::Result<()>, limit: &str) {
    let msg = assert_err(result, ErrorKind::QuotaExceeded, &[limit, QUOTA_EXCEEDED_TEXT]);
    assert!(msg.starts_with("store.ScopedStore"), "{msg}");
}

#[test]
fn new_scoped_good_alphanumeric_hyphens() {
    let db = mem();
    for ns in ["abc", "ABC", "123", "a-b-c", "tenant-42", "A1-B2", "-"] {
        let sc = ScopedStore::new(&db, ns).unwrap_or_else(|e| panic!("{ns}: {e}"));
        assert_eq!(sc.namespace(), ns);
        assert!(is_valid_namespace(ns));
    }
}

#[test]
fn new_scoped_bad_invalid_chars() {
    let db = mem();
    for ns in ["", "foo.bar", "foo:bar", "foo bar", "foo/bar", "foo_bar", "tenant!", "@ns", "ten\u{e4}nt", "a\0b"] {
        assert!(!is_valid_namespace(ns), "{ns:?}");
        let msg = assert_err(ScopedStore::new(&db, ns).map(drop), ErrorKind::InvalidArgument, &["namespace", "is invalid"]);
        assert!(msg.starts_with("store.NewScoped"), "{msg}");
    }
}

#[test]
fn new_scoped_configured_bad_negative_limits() {
    let db = mem();
    for quota in [
        Quota { max_keys: -1, ..Quota::default() },
        Quota { max_groups: -1, ..Quota::default() },
        Quota { max_bytes: -1, ..Quota::default() },
    ] {
        assert_err(ScopedStore::with_quota(&db, "ns", quota).map(drop), ErrorKind::InvalidArgument, &["zero or positive"]);
        assert_err(validate_scope("ns", &quota), ErrorKind::InvalidArgument, &["store.ScopedStoreConfig.Validate: quota"]);
    }
}

#[test]
fn new_scoped_with_quota_good_config_round_trip() {
    let db = mem();
    let q = Quota { max_keys: 5, max_groups: 2, max_bytes: 1000 };
    let sc = ScopedStore::with_quota(&db, "tenant-a", q).unwrap();
    assert_eq!(sc.quota(), q);
    assert_eq!(scoped(&db, "tenant-a").quota(), Quota::default());
    assert!(!Quota::default().is_limited());
}

#[test]
fn scoped_store_good_set_in_get_from_prefixed_in_underlying_store() {
    let db = mem();
    let sc = scoped(&db, "tenant-a");
    sc.set("config", "theme", "dark").unwrap();
    assert_eq!(sc.get("config", "theme").unwrap(), b"dark");
    assert_eq!(db.get("tenant-a:config", "theme").unwrap(), b"dark");
    assert_err(db.get("config", "theme"), ErrorKind::NotFound, &[]);
    assert_err(sc.get("config", "missing"), ErrorKind::NotFound, &["tenant-a:config/missing"]);
}

#[test]
fn scoped_store_good_default_group_helpers() {
    let db = mem();
    let sc = scoped(&db, "tenant-a");
    sc.set(DEFAULT_GROUP, "k", "v").unwrap();
    assert_eq!(db.get("tenant-a:default", "k").unwrap(), b"v");
    assert!(sc.exists(DEFAULT_GROUP, "k").unwrap());
}

#[test]
fn scoped_store_good_namespace_isolation() {
    let db = mem();
    let a = scoped(&db, "tenant-a");
    let b = scoped(&db, "tenant-b");
    a.set("config", "k", "from-a").unwrap();
    b.set("config", "k", "from-b").unwrap();
    assert_eq!(a.get("config", "k").unwrap(), b"from-a");
    assert_eq!(b.get("config", "k").unwrap(), b"from-b");
    a.delete_group("config").unwrap();
    assert_eq!(b.get("config", "k").unwrap(), b"from-b");
    assert_eq!(b.count_all("").unwrap(), 1);
}

#[test]
fn scoped_store_good_exists_and_group_exists() {
    let db = mem();
    let sc = scoped(&db, "ns");
    sc.set("g", "k", "v").unwrap();
    sc.set_with_ttl_ms("g", "short", "v", 1).unwrap();
    sleep_past_ttl();
    assert!(sc.exists("g", "k").unwrap());
    assert!(!sc.exists("g", "short").unwrap(), "expired key");
    assert!(!sc.exists("other", "k").unwrap());
    assert!(sc.group_exists("g").unwrap());
    sc.delete("g", "k").unwrap();
    assert!(!sc.group_exists("g").unwrap(), "only an expired row is left");
}

#[test]
fn scoped_store_good_delete_prefix() {
    let db = mem();
    let a = scoped(&db, "tenant-a");
    let b = scoped(&db, "tenant-b");
    for g in ["cache", "cache-warm", "config"] {
        a.set(g, "k", "v").unwrap();
        b.set(g, "k", "v").unwrap();
    }
    a.delete_prefix("cache").unwrap();
    assert_eq!(names(a.groups("").unwrap()), ["config"]);
    assert_eq!(names(b.groups("").unwrap()), ["cache", "cache-warm", "config"]);
    a.delete_prefix("").unwrap();
    assert_eq!(a.count_all("").unwrap(), 0);
    assert_eq!(b.count_all("").unwrap(), 3);
}

#[test]
fn scoped_store_good_reads_delegate() {
    let db = mem();
    let sc = scoped(&db, "ns");
    for k in ["charlie", "alpha", "bravo"] {
        sc.set("g", k, k.to_uppercase()).unwrap();
    }
    sc.set("g", "list", "a,b c").unwrap();
    sc.set("mail", "host", "smtp.example.com").unwrap();
    sc.set("mail", "port", "587").unwrap();
    let keys = |rows: Vec<store::KeyValue>| rows.iter().map(|r| text(&r.key)).collect::<Vec<_>>();
    assert_eq!(keys(sc.get_all("g").unwrap()), ["alpha", "bravo", "charlie", "list"]);
    assert_eq!(keys(sc.get_page("g", 1, 2).unwrap()), ["bravo", "charlie"]);
    assert_eq!(sc.iter("g").map(|r| text(&r.unwrap().key)).collect::<Vec<_>>(), ["alpha", "bravo", "charlie", "list"]);
    assert_eq!(sc.count("g").unwrap(), 4);
    assert_eq!(sc.get_split("g", "list", ",").unwrap(), [b"a".to_vec(), b"b c".to_vec()]);
    assert_eq!(sc.get_fields("g", "list").unwrap(), [b"a,b".to_vec(), b"c".to_vec()]);
    assert_eq!(sc.render("{{ .host }}:{{ .port }}", "mail").unwrap(), "smtp.example.com:587");
}

#[test]
fn scoped_store_good_set_with_ttl_expires() {
    let db = mem();
    let sc = scoped(&db, "ns");
    sc.set_with_ttl("g", "long", "v", Duration::from_secs(60)).unwrap();
    sc.set_with_ttl_ms("g", "short", "v", 1).unwrap();
    sleep_past_ttl();
    assert_eq!(sc.get("g", "long").unwrap(), b"v");
    assert_err(sc.get("g", "short"), ErrorKind::NotFound, &[]);
}

#[test]
fn scoped_store_good_bulk_helpers() {
    let db = mem();
    let sc = scoped(&db, "ns");
    sc.set("config", "a", "1").unwrap();
    sc.set("config", "b", "2").unwrap();
    sc.set("config-extra", "a", "1").unwrap();
    sc.set("users", "a", "1").unwrap();
    db.set("config", "outside", "x").unwrap();
    assert_eq!(sc.count_all("").unwrap(), 4);
    assert_eq!(sc.count_all("config").unwrap(), 3);
    assert_eq!(names(sc.groups("").unwrap()), ["config", "config-extra", "users"]);
    assert_eq!(names(sc.groups("conf").unwrap()), ["config", "config-extra"]);
}

#[test]
fn scoped_store_good_purge_expired_namespace_local() {
    let db = mem();
    let a = scoped(&db, "tenant-a");
    let b = scoped(&db, "tenant-b");
    a.set_with_ttl_ms("g", "k", "v", 1).unwrap();
    b.set_with_ttl_ms("g", "k", "v", 1).unwrap();
    db.set_with_ttl_ms("plain", "k", "v", 1).unwrap();
    sleep_past_ttl();
    let w = db.watch("*", 0).unwrap();
    assert_eq!(a.purge_expired().unwrap(), 1);
    // Store-level listeners see the full group name.
    assert_eq!(drain(&w), [ev("delete", "tenant-a:g", "k", "")]);
    assert_eq!(db.purge_expired().unwrap(), 2);
}

#[test]
fn quota_good_max_keys_across_groups() {
    let db = mem();
    let sc = limited(&db, "ns", 5, 0, 0);
    for i in 0..5 {
        sc.set(format!("g{}", i % 3), format!("k{i}"), "v").unwrap();
    }
    assert_quota(sc.set("g9", "k5", "v"), "key limit (5)");
    assert_quota(sc.set_with_ttl("g0", "k6", "v", Duration::from_secs(60)), "key limit (5)");
    assert_eq!(sc.count_all("").unwrap(), 5, "a refused write stores nothing");
    let msg = sc.set("g9", "k5", "v").unwrap_err().to_string();
    assert_eq!(msg, "store.ScopedStore.SetIn: key limit (5): store: quota exceeded");
}

#[test]
fn quota_good_upsert_delete_and_reinsert() {
    let db = mem();
    let sc = limited(&db, "ns", 2, 0, 0);
    sc.set("g", "a", "1").unwrap();
    sc.set("g", "b", "1").unwrap();
    sc.set("g", "a", "updated at the limit").unwrap();
    assert_quota(sc.set("g", "c", "1"), "key limit (2)");
    sc.delete("g", "a").unwrap();
    sc.set("g", "c", "1").unwrap();
    sc.delete_group("g").unwrap();
    sc.set("h", "x", "1").unwrap();
    sc.set("h", "y", "1").unwrap();
}

#[test]
fn quota_good_zero_means_unlimited() {
    let db = mem();
    let sc = limited(&db, "ns", 0, 0, 0);
    for i in 0..200 {
        sc.set(format!("g{i}"), "k", "v").unwrap();
    }
    assert_eq!(sc.count_all("").unwrap(), 200);
}

#[test]
fn quota_good_expired_keys_excluded() {
    let db = mem();
    let sc = limited(&db, "ns", 2, 0, 0);
    sc.set_with_ttl_ms("g", "a", "v", 1).unwrap();
    sc.set_with_ttl_ms("g", "b", "v", 1).unwrap();
    sleep_past_ttl();
    sc.set("g", "c", "v").unwrap();
    sc.set("g", "d", "v").unwrap();
    assert_quota(sc.set("g", "e", "v"), "key limit (2)");
}

#[test]
fn quota_good_expired_upsert_does_not_emit_delete_event() {
    let db = mem();
    let sc = limited(&db, "ns", 1, 0, 0);
    sc.set_with_ttl_ms("g", "k", "old", 1).unwrap();
    sleep_past_ttl();
    let w = db.watch("*", 0).unwrap();
    sc.set("g", "k", "new").unwrap();
    assert_eq!(drain(&w), [ev("set", "ns:g", "k", "new")]);
}

#[test]
fn quota_good_rows_written_through_the_plain_store_count() {
    let db = mem();
    let sc = limited(&db, "ns", 2, 0, 0);
    db.set("ns:direct", "a", "v").unwrap();
    db.set("ns:direct", "b", "v").unwrap();
    assert_quota(sc.set("g", "k", "v"), "key limit (2)");
}

#[test]
fn quota_good_max_groups() {
    let db = mem();
    let sc = limited(&db, "ns", 0, 2, 0);
    sc.set("a", "k", "v").unwrap();
    sc.set("b", "k", "v").unwrap();
    // More keys in an existing group are fine.
    sc.set("a", "k2", "v").unwrap();
    assert_quota(sc.set("c", "k", "v"), "group limit (2)");
    sc.delete_group("a").unwrap();
    sc.set("c", "k", "v").unwrap();
    // An expired group frees its slot.
    sc.delete_group("b").unwrap();
    sc.set_with_ttl_ms("b", "k", "v", 1).unwrap();
    sleep_past_ttl();
    sc.set("d", "k", "v").unwrap();
    assert_eq!(names(sc.groups("").unwrap()), ["c", "d"]);
}

#[test]
fn quota_good_both_limits() {
    let db = mem();
    let sc = limited(&db, "ns", 3, 2, 0);
    sc.set("a", "1", "v").unwrap();
    sc.set("a", "2", "v").unwrap();
    sc.set("b", "1", "v").unwrap();
    assert_quota(sc.set("b", "2", "v"), "key limit (3)");
    sc.delete("a", "1").unwrap();
    assert_quota(sc.set("c", "1", "v"), "group limit (2)");
    sc.set("b", "2", "v").unwrap();
}

#[test]
fn quota_good_does_not_affect_other_namespaces() {
    let db = mem();
    let a = limited(&db, "tenant-a", 1, 1, 0);
    let b = scoped(&db, "tenant-b");
    a.set("g", "k", "v").unwrap();
    for i in 0..10 {
        b.set(format!("g{i}"), "k", "v").unwrap();
        db.set(format!("plain{i}"), "k", "v").unwrap();
    }
    assert_quota(a.set("g", "k2", "v"), "key limit (1)");
}

#[test]
fn quota_good_max_bytes_with_upserts_that_grow_and_shrink() {
    let db = mem();
    let sc = limited(&db, "ns", 0, 0, 20);
    sc.set("g", "k", "123456789").unwrap(); // 1 + 9 = 10 bytes
    assert_eq!(sc.usage().unwrap().bytes, 10);
    sc.set("g", "k", "123456789012345678").unwrap(); // grows to 19: charged 9
    assert_eq!(sc.usage().unwrap().bytes, 19);
    let msg = assert_err(sc.set("g", "k", "12345678901234567890"), ErrorKind::QuotaExceeded, &["byte limit (20)"]);
    assert!(msg.ends_with(QUOTA_EXCEEDED_TEXT), "{msg}");
    assert_eq!(sc.get("g", "k").unwrap(), b"123456789012345678", "refused upsert left the old value");
    sc.set("g", "k", "1234").unwrap(); // shrinks to 5
    assert_eq!(sc.usage().unwrap().bytes, 5);
    sc.set("g", "kk", "1234567890123").unwrap(); // 2 + 13 = 15 → 20 exactly
    assert_eq!(sc.usage().unwrap().bytes, 20);
    assert_quota(sc.set("g", "x", ""), "byte limit (20)");
    // Multi-byte characters are charged by their UTF-8 length.
    sc.delete_group("g").unwrap();
    sc.set("g", "\u{e9}", "\u{1F600}").unwrap(); // 2 + 4
    assert_eq!(sc.usage().unwrap().bytes, 6);
}

#[test]
fn quota_good_max_bytes_shrinking_upsert_allowed_when_over_limit() {
    let db = mem();
    let sc = scoped(&db, "ns");
    sc.set("g", "k", "x".repeat(50)).unwrap();
    sc.set_quota(Quota { max_bytes: 10, ..Quota::default() }).unwrap();
    // Already over the limit: shrinking is allowed, growing is not.
    assert_quota(sc.set("g", "k", "x".repeat(60)), "byte limit (10)");
    sc.set("g", "k", "x".repeat(30)).unwrap();
    assert_eq!(sc.usage().unwrap().bytes, 31);
}

#[test]
fn usage_good_counts_live_rows_only() {
    let db = mem();
    let sc = scoped(&db, "ns");
    assert_eq!(sc.usage().unwrap(), Usage::default());
    sc.set("a", "k1", "vv").unwrap(); // 4
    sc.set("a", "k2", "vvv").unwrap(); // 5
    sc.set("b", "key", "").unwrap(); // 3
    sc.set_with_ttl_ms("c", "dead", "x".repeat(100), 1).unwrap();
    db.set("other:a", "k", "v").unwrap();
    sleep_past_ttl();
    assert_eq!(sc.usage().unwrap(), Usage { keys: 3, groups: 2, bytes: 12 });
}

#[test]
fn quota_good_set_quota_takes_effect() {
    let db = mem();
    let sc = scoped(&db, "ns");
    sc.set("g", "a", "v").unwrap();
    sc.set("g", "b", "v").unwrap();
    sc.set_quota(Quota { max_keys: 2, ..Quota::default() }).unwrap();
    assert_quota(sc.set("g", "c", "v"), "key limit (2)");
    // Clones share the limits.
    assert_quota(sc.clone().set("g", "c", "v"), "key limit (2)");
    sc.set_quota(Quota::default()).unwrap();
    sc.set("g", "c", "v").unwrap();
    assert_err(sc.set_quota(Quota { max_keys: -1, ..Quota::default() }), ErrorKind::InvalidArgument, &["zero or positive"]);
    assert_eq!(sc.quota(), Quota::default(), "a rejected quota changes nothing");
}

#[test]
fn quota_good_race_between_threads_never_exceeds_the_limit() {
    let dir = temp_dir();
    let db = open_file(&db_path(&dir, "race.db"));
    const LIMIT: i64 = 40;
    let sc = limited(&db, "ns", LIMIT, 0, 0);
    let barrier = Arc::new(Barrier::new(2));
    let handles: Vec<_> = (0..2)
        .map(|t| {
            let (sc, barrier) = (sc.clone(), barrier.clone());
            thread::spawn(move || {
                barrier.wait();
                let mut ok = 0;
                for i in 0..LIMIT {
                    match sc.set(format!("t{t}"), format!("k{i}"), "v") {
                        Ok(()) => ok += 1,
                        Err(e) => assert_eq!(e.kind(), ErrorKind::QuotaExceeded, "{e}"),
                    }
                }
                ok
            })
        })
        .collect();
    let accepted: i64 = handles.into_iter().map(|h| h.join().unwrap()).sum();
    assert_eq!(accepted, LIMIT);
    assert_eq!(sc.count_all("").unwrap(), LIMIT);
    // Same for bytes: 2 threads × 30 rows of 10 bytes against 200.
    let bytes = limited(&db, "bytes", 0, 0, 200);
    let handles: Vec<_> = (0..2)
        .map(|t| {
            let sc = bytes.clone();
            thread::spawn(move || (0..30).filter(|i| sc.set("g", format!("{t}{i:04}"), "xxxxx").is_ok()).count())
        })
        .collect();
    let accepted: usize = handles.into_iter().map(|h| h.join().unwrap()).sum();
    assert_eq!(accepted, 20);
    assert_eq!(bytes.usage().unwrap().bytes, 200);
}

#[test]
fn case_differing_namespaces_good_fully_isolated() {
    let db = mem();
    let upper = limited(&db, "Tenant-A", 2, 0, 0);
    let lower = limited(&db, "tenant-a", 2, 0, 0);
    upper.set("config", "k1", "U").unwrap();
    upper.set("config", "k2", "U").unwrap();
    // Quota: the other namespace's two keys do not count.
    lower.set("config", "k1", "l").unwrap();
    lower.set("cache", "k2", "l").unwrap();
    assert_quota(lower.set("cache", "k3", "l"), "key limit (2)");
    assert_eq!(upper.count_all("").unwrap(), 2);
    assert_eq!(lower.count_all("").unwrap(), 2);
    assert_eq!(names(upper.groups("").unwrap()), ["config"]);
    assert_eq!(names(lower.groups("").unwrap()), ["cache", "config"]);
    assert_eq!(upper.usage().unwrap().keys, 2);

    // Purge: only this namespace's expired rows.
    upper.set_quota(Quota::default()).unwrap();
    lower.set_quota(Quota::default()).unwrap();
    upper.set_with_ttl_ms("tmp", "k", "v", 1).unwrap();
    lower.set_with_ttl_ms("tmp", "k", "v", 1).unwrap();
    sleep_past_ttl();
    assert_eq!(lower.purge_expired().unwrap(), 1);
    assert_eq!(upper.purge_expired().unwrap(), 1);

    // DeletePrefix("") empties only its own namespace.
    lower.delete_prefix("").unwrap();
    assert_eq!(lower.count_all("").unwrap(), 0);
    assert_eq!(upper.get("config", "k1").unwrap(), b"U");
    assert_eq!(upper.count_all("").unwrap(), 2);
}

#[test]
fn quota_good_a_failed_commit_leaves_no_usage_behind() {
    // Regression: the usage cache counted a write before COMMIT; when the
    // commit failed, later writes hit a quota the namespace was not using.
    // A deferred foreign key makes COMMIT itself fail for the key "poison".
    let dir = temp_dir();
    let path = db_path(&dir, "quota.db");
    let db = open_file(&path);
    raw(&path)
        .execute_batch(
            "CREATE TABLE parent(id INTEGER PRIMARY KEY);
             CREATE TABLE child(p INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED);
             CREATE TRIGGER poison AFTER INSERT ON entries WHEN NEW.entry_key = 'poison'
             BEGIN INSERT INTO child VALUES (1); END;",
        )
        .unwrap();
    let scoped = ScopedStore::with_quota(&db, "t", Quota { max_keys: 2, ..Quota::default() }).unwrap();
    scoped.set("default", "k1", "v").unwrap();
    let failed = scoped.set("default", "poison", "v");
    assert!(failed.is_err(), "the commit must fail: {failed:?}");
    assert!(!scoped.exists("default", "poison").unwrap());
    scoped.set("default", "k2", "v").expect("one key used of two: the failed write must not count");
    assert_eq!(scoped.usage().unwrap().keys, 2);
}

#[test]
fn quota_good_scoped_transaction_keeps_running_usage() {
    let db = mem();
    let scoped = ScopedStore::with_quota(&db, "t", Quota { max_keys: 50, max_groups: 3, max_bytes: 10_000 }).unwrap();
    let err = scoped
        .transaction(|tx| {
            for i in 0..50 {
                tx.set(format!("g{}", i % 3), format!("k{i}"), "v")?;
            }
            tx.delete("g0", "k0")?;
            tx.set("g0", "again", "v")?;
            assert_eq!(tx.usage()?.keys, 50);
            tx.set("g1", "one-too-many", "v")
        })
        .unwrap_err();
    assert_eq!(err.kind(), store::ErrorKind::QuotaExceeded, "{err}");
    assert_eq!(scoped.usage().unwrap().keys, 0, "rolled back");
    scoped.transaction(|tx| tx.set("g9", "k", "v")).unwrap();
    assert_eq!(scoped.usage().unwrap(), store::Usage { keys: 1, groups: 1, bytes: 2 });
}
