//! Transactions (contract §5, §17.6): commit and rollback, staged events,
//! read-your-writes, scoped quotas against pending writes, and how other
//! threads, closing and dropping interact with an open transaction.

mod common;

use common::*;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;
use store::{Error, ErrorKind, Kv, Quota, ScopedStore, QUOTA_EXCEEDED_TEXT};

#[test]
fn transaction_good_commits_multiple_writes() {
    let db = mem();
    let (rec, _sub) = Recorder::subscribe(&db, "*");
    let tx = db.begin().unwrap();
    tx.set("alpha", "first", "1").unwrap();
    tx.set("beta", "second", "2").unwrap();
    tx.delete("alpha", "first").unwrap();
    tx.set("alpha", "first", "again").unwrap();
    assert!(rec.seen().is_empty(), "events wait for the commit");
    tx.commit().unwrap();
    assert!(tx.is_finished());
    assert_eq!(
        rec.seen(),
        [
            ev("set", "alpha", "first", "1"),
            ev("set", "beta", "second", "2"),
            ev("delete", "alpha", "first", ""),
            ev("set", "alpha", "first", "again"),
        ]
    );
    assert_eq!(db.get("alpha", "first").unwrap(), b"again");
    assert_eq!(db.get("beta", "second").unwrap(), b"2");
}

#[test]
fn transaction_good_closure_form_commits() {
    let db = mem();
    let n = db
        .transaction(|tx| {
            tx.set("g", "a", "1")?;
            tx.set("g", "b", "2")?;
            tx.count("g")
        })
        .unwrap();
    assert_eq!(n, 2);
    assert_eq!(db.count("g").unwrap(), 2);
}

#[test]
fn transaction_good_rollback_on_error() {
    let db = mem();
    db.set("g", "existing", "old").unwrap();
    let (rec, _sub) = Recorder::subscribe(&db, "*");
    let err = db
        .transaction(|tx| {
            tx.set("g", "new", "v")?;
            tx.set("g", "existing", "changed")?;
            tx.get("g", "missing").map(drop)
        })
        .unwrap_err();
    // The cause keeps its identity through the wrapper.
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert!(err.message().starts_with("store.Transaction: execute transaction: store.Transaction.Get: g/missing"), "{err}");
    assert_err(db.get("g", "new"), ErrorKind::NotFound, &[]);
    assert_eq!(db.get("g", "existing").unwrap(), b"old");
    assert!(rec.seen().is_empty(), "no events after rollback");
}

#[test]
fn transaction_good_explicit_rollback() {
    let db = mem();
    let (rec, _sub) = Recorder::subscribe(&db, "*");
    let tx = db.begin().unwrap();
    tx.set("g", "k", "v").unwrap();
    tx.rollback().unwrap();
    assert!(!db.exists("g", "k").unwrap());
    assert!(rec.seen().is_empty());
}

#[test]
fn transaction_good_deletes_atomically() {
    let db = mem();
    for g in ["a", "b", "c"] {
        db.set(g, "k", "v").unwrap();
    }
    let w = db.watch("*", 0).unwrap();
    db.transaction(|tx| tx.delete_prefix("")).unwrap();
    assert_eq!(db.count_all("").unwrap(), 0);
    assert_eq!(
        drain(&w),
        [ev("delete_group", "a", "", ""), ev("delete_group", "b", "", ""), ev("delete_group", "c", "", "")]
    );
}

#[test]
fn delete_prefix_good_atomic_outside_a_transaction() {
    // go-store deletes group by group, announcing each before the next is
    // gone; here the first event can only arrive after every group is gone.
    let db = mem();
    for g in ["p:a", "p:b", "p:c"] {
        db.set(g, "k", "v").unwrap();
    }
    let reader = db.clone();
    let remaining = Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = remaining.clone();
    let _sub = db.subscribe("*", move |_| sink.lock().unwrap().push(reader.count_all("p:").unwrap())).unwrap();
    let writer = db.clone();
    within(WATCHDOG, "delete_prefix with a reading callback", move || writer.delete_prefix("p:").unwrap());
    assert_eq!(*remaining.lock().unwrap(), [0, 0, 0]);
}

#[test]
fn delete_prefix_good_concurrent_reader_sees_all_or_nothing() {
    let dir = temp_dir();
    let db = open_file(&db_path(&dir, "atomic.db"));
    for round in 0..20 {
        db.transaction(|tx| {
            for g in 0..10 {
                tx.set(format!("p:{g}"), "k", "v")?;
            }
            Ok(())
        })
        .unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let reader = {
            let (db, stop) = (db.clone(), stop.clone());
            thread::spawn(move || {
                let mut seen = Vec::new();
                while !stop.load(Ordering::Acquire) {
                    seen.push(db.count_all("p:").unwrap());
                }
                seen
            })
        };
        thread::sleep(Duration::from_millis(2));
        db.delete_prefix("p:").unwrap();
        thread::sleep(Duration::from_millis(2));
        stop.store(true, Ordering::Release);
        let seen = reader.join().unwrap();
        assert!(seen.iter().all(|&n| n == 10 || n == 0), "round {round}: partial delete observed: {seen:?}");
    }
}

#[test]
fn transaction_good_read_helpers_see_pending_writes() {
    let db = mem();
    db.transaction(|tx| {
        tx.set("config", "host", "smtp.example.com")?;
        tx.set("config", "port", "587")?;
        tx.set("audit", "list", "a,b c\td")?;
        assert_eq!(tx.get("config", "host")?, b"smtp.example.com");
        assert!(tx.exists("config", "port")?);
        assert!(tx.group_exists("audit")?);
        assert_eq!(tx.count("config")?, 2);
        assert_eq!(tx.count_all("")?, 3);
        assert_eq!(tx.groups("")?, [b"audit".to_vec(), b"config".to_vec()]);
        assert_eq!(tx.get_all("config")?.len(), 2);
        assert_eq!(tx.get_page("config", 1, 1)?[0].key, b"port");
        assert_eq!(tx.iter("config").count(), 2);
        assert_eq!(tx.render("{{ .host }}:{{ .port }}", "config")?, "smtp.example.com:587");
        assert_eq!(tx.get_split("audit", "list", ",")?, [b"a".to_vec(), b"b c\td".to_vec()]);
        assert_eq!(tx.get_fields("audit", "list")?, [b"a,b".to_vec(), b"c".to_vec(), b"d".to_vec()]);
        Ok(())
    })
    .unwrap();
}

#[test]
fn transaction_good_uncommitted_writes_invisible_to_other_readers() {
    let dir = temp_dir();
    let db = open_file(&db_path(&dir, "iso.db"));
    db.set("g", "k", "committed").unwrap();
    let tx = db.begin().unwrap();
    tx.set("g", "k", "pending").unwrap();
    let reader = db.clone();
    // Reads on a file store use their own connection: they neither wait nor see pending data.
    let seen = within(WATCHDOG, "read beside an open transaction", move || reader.get("g", "k").unwrap());
    assert_eq!(seen, b"committed");
    tx.commit().unwrap();
    assert_eq!(db.get("g", "k").unwrap(), b"pending");
}

#[test]
fn transaction_good_purge_expired() {
    let db = mem();
    db.set_with_ttl_ms("g", "dead", "v", 1).unwrap();
    db.set("g", "live", "v").unwrap();
    sleep_past_ttl();
    let (rec, _sub) = Recorder::subscribe(&db, "*");
    let tx = db.begin().unwrap();
    assert_eq!(tx.purge_expired().unwrap(), 1);
    assert!(rec.seen().is_empty());
    tx.commit().unwrap();
    assert_eq!(rec.seen(), [ev("delete", "g", "dead", "")]);
}

#[test]
fn transaction_good_expired_get_deletes_in_transaction() {
    let db = mem();
    db.set_with_ttl_ms("g", "k", "v", 1).unwrap();
    sleep_past_ttl();
    let (rec, _sub) = Recorder::subscribe(&db, "*");
    let tx = db.begin().unwrap();
    assert_err(tx.get("g", "k"), ErrorKind::NotFound, &["store.Transaction.Get: g/k"]);
    tx.rollback().unwrap();
    assert!(rec.seen().is_empty(), "the lazy delete was rolled back with its event");
    assert_eq!(db.purge_expired().unwrap(), 1, "row still there after rollback");
}

#[test]
fn transaction_bad_handle_used_after_commit() {
    let db = mem();
    let tx = db.begin().unwrap();
    tx.set("g", "k", "v").unwrap();
    tx.commit().unwrap();
    assert_err(tx.set("g", "k2", "v"), ErrorKind::Closed, &["store.Transaction.Set", "already been committed or rolled back"]);
    assert_err(tx.get("g", "k"), ErrorKind::Closed, &["already been committed or rolled back"]);
    assert!(tx.commit().is_err());
    assert!(tx.rollback().is_err());
    // The store itself is fine and the second write never happened.
    assert!(!db.exists("g", "k2").unwrap());
    db.set("g", "k3", "v").unwrap();
}

#[test]
fn transaction_bad_handle_used_after_rollback() {
    let db = mem();
    let tx = db.begin().unwrap();
    tx.rollback().unwrap();
    assert_err(tx.count("g"), ErrorKind::Closed, &["store.Transaction.Count"]);
    // A new transaction on the same store works.
    db.transaction(|tx| tx.set("g", "k", "v")).unwrap();
}

#[test]
fn transaction_good_other_threads_write_waits() {
    let db = mem();
    let tx = db.begin().unwrap();
    tx.set("g", "from-tx", "1").unwrap();
    let done = Arc::new(AtomicBool::new(false));
    let writer = {
        let (db, done) = (db.clone(), done.clone());
        thread::spawn(move || {
            let result = db.set("g", "from-other", "2");
            done.store(true, Ordering::Release);
            result
        })
    };
    thread::sleep(Duration::from_millis(100));
    assert!(!done.load(Ordering::Acquire), "the other write did not wait for the transaction");
    assert_eq!(tx.count("g").unwrap(), 1, "and did not slip into it");
    tx.commit().unwrap();
    writer.join().unwrap().expect("the waiting write succeeds once the transaction ends");
    assert_eq!(db.count("g").unwrap(), 2);
}

#[test]
fn transaction_good_other_threads_begin_waits() {
    let db = mem();
    let tx = db.begin().unwrap();
    let other = {
        let db = db.clone();
        thread::spawn(move || db.transaction(|t| t.set("g", "second", "v")))
    };
    thread::sleep(Duration::from_millis(50));
    tx.set("g", "first", "v").unwrap();
    tx.commit().unwrap();
    other.join().unwrap().unwrap();
    assert_eq!(db.count("g").unwrap(), 2);
}

/// A store whose writers give up quickly behind an open transaction.
fn mem_with_busy_timeout(timeout: Duration) -> store::Store {
    store::Store::open(store::Config::new(":memory:").busy_timeout(timeout)).unwrap()
}

#[test]
fn transaction_good_handle_moves_between_threads() {
    // A transaction belongs to its handle: begun on one thread, written on
    // two others, committed on a fourth (Go goroutines and C# continuations
    // move between OS threads like this).
    let db = mem();
    let (rec, _sub) = Recorder::subscribe(&db, "*");
    let tx = Arc::new(thread::spawn({
        let db = db.clone();
        move || db.begin().unwrap()
    })
    .join()
    .unwrap());
    for key in ["a", "b"] {
        let tx = tx.clone();
        within(WATCHDOG, "write through a transaction from another thread", move || tx.set("g", key, "v").unwrap());
    }
    let committer = tx.clone();
    within(WATCHDOG, "commit from yet another thread", move || committer.commit().unwrap());
    assert_eq!(db.count("g").unwrap(), 2);
    assert_eq!(rec.seen(), [ev("set", "g", "a", "v"), ev("set", "g", "b", "v")]);
}

#[test]
fn transaction_bad_store_write_behind_another_handles_transaction_times_out_busy() {
    let db = mem_with_busy_timeout(Duration::from_millis(100));
    let tx = db.begin().unwrap();
    tx.set("g", "pending", "v").unwrap();
    // Even on the thread that began it: the transaction is the handle's, not the thread's.
    let started = std::time::Instant::now();
    assert_err(db.set("g", "k", "v"), ErrorKind::Busy, &["a transaction is open on another handle", "gave up after 100 ms"]);
    assert!(started.elapsed() >= Duration::from_millis(90), "gave up too early: {:?}", started.elapsed());
    assert_err(db.begin().map(drop), ErrorKind::Busy, &["a transaction is open on another handle"]);
    let other = db.clone();
    let from_thread = thread::spawn(move || other.delete_group("g")).join().unwrap();
    assert_err(from_thread, ErrorKind::Busy, &["gave up after 100 ms"]);
    tx.commit().unwrap();
    assert_eq!(db.count("g").unwrap(), 1, "nothing but the transaction's write landed");
    db.set("g", "k", "v").unwrap();
}

#[test]
fn transaction_bad_store_write_inside_its_own_body_fails_at_once() {
    let db = mem(); // default busy timeout: 5 s
    let inner = db.clone();
    within(WATCHDOG, "store write inside the transaction body", move || {
        inner
            .transaction(|tx| {
                let started = std::time::Instant::now();
                assert_err(inner.set("g", "k", "outside"), ErrorKind::Busy, &["inside its own transaction"]);
                assert!(started.elapsed() < Duration::from_secs(1), "waited {:?}", started.elapsed());
                tx.set("g", "k", "inside")
            })
            .unwrap();
    });
    assert_eq!(db.get("g", "k").unwrap(), b"inside");
}

#[test]
fn transaction_good_close_wakes_writers_waiting_for_a_transaction() {
    let db = mem_with_busy_timeout(Duration::from_secs(60));
    let tx = db.begin().unwrap();
    let waiting = {
        let db = db.clone();
        thread::spawn(move || db.set("g", "k", "v"))
    };
    thread::sleep(Duration::from_millis(100));
    within(WATCHDOG, "close with a writer waiting", {
        let db = db.clone();
        move || db.close().unwrap()
    });
    let result = within(WATCHDOG, "the waiting writer wakes", move || waiting.join().unwrap());
    assert_err(result, ErrorKind::Closed, &["store is closed"]);
    assert!(tx.is_finished() || tx.commit().is_err(), "close rolled the transaction back");
}

#[test]
fn transaction_good_close_returns_while_the_purge_waits_for_an_open_transaction() {
    // Regression: close joined the purge thread, which waited for the writer
    // held by the transaction, which nothing released: close never returned.
    let dir = temp_dir();
    let path = db_path(&dir, "purge.db");
    let config = store::Config::new(path.as_str())
        .purge_interval(Duration::from_millis(10))
        .busy_timeout(Duration::from_secs(120));
    let db = store::Store::open(config).unwrap();
    let tx = db.begin().unwrap();
    tx.set("g", "k", "v").unwrap();
    thread::sleep(Duration::from_millis(100)); // the purge is now waiting behind the transaction
    within(WATCHDOG, "close while the purge waits for the writer", move || db.close().unwrap());
    drop(tx);
}

#[test]
fn transaction_good_close_with_open_transaction_rolls_back() {
    let dir = temp_dir();
    let path = db_path(&dir, "close.db");
    let db = open_file(&path);
    db.set("g", "kept", "v").unwrap();
    let (rec, _sub) = Recorder::subscribe(&db, "*");
    rec.clear();
    let tx = db.begin().unwrap();
    tx.set("g", "pending", "v").unwrap();
    within(WATCHDOG, "close with an open transaction", {
        let db = db.clone();
        move || db.close().unwrap()
    });
    assert_err(tx.set("g", "more", "v"), ErrorKind::Closed, &["store is closed"]);
    assert_err(tx.commit(), ErrorKind::Closed, &["store is closed"]);
    assert!(rec.seen().is_empty());
    let reopened = open_file(&path);
    assert_eq!(reopened.get("g", "kept").unwrap(), b"v");
    assert_err(reopened.get("g", "pending"), ErrorKind::NotFound, &[]);
}

#[test]
fn transaction_good_close_wakes_threads_waiting_for_the_transaction() {
    let db = mem();
    let tx = db.begin().unwrap();
    let waiter = {
        let db = db.clone();
        thread::spawn(move || db.set("g", "k", "v"))
    };
    thread::sleep(Duration::from_millis(50));
    db.close().unwrap();
    let result = within(WATCHDOG, "waiting writer after close", move || waiter.join().unwrap());
    assert_err(result, ErrorKind::Closed, &["store is closed"]);
    drop(tx);
}

#[test]
fn transaction_good_drop_rolls_back() {
    let db = mem();
    let (rec, _sub) = Recorder::subscribe(&db, "*");
    {
        let tx = db.begin().unwrap();
        tx.set("g", "k", "v").unwrap();
    }
    assert!(!db.exists("g", "k").unwrap());
    assert!(rec.seen().is_empty());
    // The writer is free again.
    db.set("g", "after", "v").unwrap();
}

#[test]
fn transaction_good_panic_in_closure_rolls_back() {
    let db = mem();
    let inner = db.clone();
    let result = thread::spawn(move || {
        inner
            .transaction(|tx| -> store::Result<()> {
                tx.set("g", "k", "v")?;
                panic!("operation failed");
            })
            .unwrap();
    })
    .join();
    assert!(result.is_err());
    assert!(!db.exists("g", "k").unwrap());
    db.set("g", "ok", "v").unwrap();
}

#[test]
fn scoped_store_transaction_good_commits_namespaced_writes() {
    let db = mem();
    let sc = ScopedStore::new(&db, "tenant-a").unwrap();
    let w = sc.watch("*", 0).unwrap();
    sc.transaction(|tx| {
        tx.set(store::DEFAULT_GROUP, "theme", "dark")?;
        tx.set("preferences", "lang", "en")?;
        assert!(tx.exists("preferences", "lang")?);
        assert!(tx.group_exists(store::DEFAULT_GROUP)?);
        assert_eq!(tx.groups("")?, [b"default".to_vec(), b"preferences".to_vec()]);
        assert_eq!(tx.get_page("preferences", 0, 10)?.len(), 1);
        assert_eq!(tx.namespace(), "tenant-a");
        Ok(())
    })
    .unwrap();
    assert_eq!(db.get("tenant-a:default", "theme").unwrap(), b"dark");
    assert_eq!(db.get("tenant-a:preferences", "lang").unwrap(), b"en");
    assert_eq!(drain(&w), [ev("set", "default", "theme", "dark"), ev("set", "preferences", "lang", "en")]);
}

#[test]
fn scoped_store_transaction_good_purge_and_delete_prefix_stay_in_namespace() {
    let db = mem();
    let a = ScopedStore::new(&db, "tenant-a").unwrap();
    let b = ScopedStore::new(&db, "tenant-b").unwrap();
    for sc in [&a, &b] {
        sc.set("cache", "k", "v").unwrap();
        sc.set_with_ttl_ms("tmp", "k", "v", 1).unwrap();
    }
    sleep_past_ttl();
    a.transaction(|tx| {
        assert_eq!(tx.purge_expired()?, 1);
        tx.delete_prefix("")
    })
    .unwrap();
    assert_eq!(a.count_all("").unwrap(), 0);
    assert_eq!(b.count_all("").unwrap(), 1);
    assert_eq!(b.purge_expired().unwrap(), 1);
}

#[test]
fn scoped_store_transaction_good_quota_uses_pending_writes() {
    let db = mem();
    let sc = ScopedStore::with_quota(&db, "tenant-a", Quota { max_keys: 2, ..Quota::default() }).unwrap();
    let (rec, _sub) = Recorder::subscribe(&db, "*");
    let err: Error = sc
        .transaction(|tx| {
            tx.set("g", "one", "1")?;
            tx.set("g", "two", "2")?;
            assert_eq!(tx.usage()?.keys, 2);
            tx.set("g", "three", "3")
        })
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::QuotaExceeded);
    assert!(err.message().contains("store.ScopedStoreTransaction.SetIn: key limit (2)"), "{err}");
    assert!(err.message().ends_with(QUOTA_EXCEEDED_TEXT), "{err}");
    // Returning the error rolled back the two writes that fitted.
    assert_eq!(sc.count_all("").unwrap(), 0);
    assert!(rec.seen().is_empty());
}

#[test]
fn scoped_store_transaction_good_max_bytes_against_pending_writes() {
    let db = mem();
    let sc = ScopedStore::with_quota(&db, "ns", Quota { max_bytes: 10, ..Quota::default() }).unwrap();
    let tx = sc.begin().unwrap();
    tx.set("g", "a", "1234").unwrap(); // 5
    tx.set("g", "b", "1234").unwrap(); // 10
    assert_err(tx.set("g", "c", ""), ErrorKind::QuotaExceeded, &["byte limit (10)"]);
    tx.set("g", "a", "").unwrap(); // shrink to 6
    tx.set("g", "c", "12").unwrap(); // 9
    tx.commit().unwrap();
    assert_eq!(sc.usage().unwrap().bytes, 9);
}

#[test]
fn transaction_bad_subscribe_and_watch_need_the_store() {
    let db = mem();
    let tx = db.begin().unwrap();
    assert_err(tx.subscribe("*", |_| {}).map(drop), ErrorKind::InvalidArgument, &["not a transaction"]);
    assert_err(tx.watch("*", 0).map(drop), ErrorKind::InvalidArgument, &["not a transaction"]);
}

#[test]
fn transaction_bad_closed_store() {
    let db = mem();
    db.close().unwrap();
    assert_err(db.begin().map(drop), ErrorKind::Closed, &["store.Transaction: store is closed"]);
    assert_err(db.transaction(|tx| tx.set("g", "k", "v")), ErrorKind::Closed, &["store is closed"]);
}
