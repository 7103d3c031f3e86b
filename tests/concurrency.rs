//! Many threads on one file store (contract §16, §17.2 `Concurrent_*`).

mod common;

use common::*;
use std::thread;
use std::time::Duration;
use store::{ErrorKind, Kv, Store};

const THREADS: usize = 10;
const PER_THREAD: usize = 100;

fn file_store() -> (tempfile::TempDir, Store) {
    let dir = temp_dir();
    let db = open_file(&db_path(&dir, "concurrent.db"));
    (dir, db)
}

/// Runs `work(thread_index)` on `THREADS` threads and waits for all of them,
/// under the watchdog so a lock-up fails the test.
fn on_threads(db: &Store, work: fn(&Store, usize)) {
    let db = db.clone();
    within(WATCHDOG * 3, "concurrent workers", move || {
        let handles: Vec<_> = (0..THREADS)
            .map(|t| {
                let db = db.clone();
                thread::spawn(move || work(&db, t))
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
    });
}

#[test]
fn concurrent_good_read_write() {
    let (_dir, db) = file_store();
    on_threads(&db, |db, t| {
        for i in 0..PER_THREAD {
            db.set(format!("group-{t}"), format!("key-{i}"), format!("value-{t}-{i}")).unwrap();
            // A reader racing other writers sees its own write or, for a
            // neighbour's key, at most not-found: never another error.
            assert_eq!(db.get(format!("group-{t}"), format!("key-{i}")).unwrap(), format!("value-{t}-{i}").into_bytes());
            match db.get(format!("group-{}", (t + 1) % THREADS), format!("key-{i}")) {
                Ok(v) => assert_eq!(v, format!("value-{}-{i}", (t + 1) % THREADS).into_bytes()),
                Err(e) => assert_eq!(e.kind(), ErrorKind::NotFound, "{e}"),
            }
        }
    });
    for t in 0..THREADS {
        assert_eq!(db.count(format!("group-{t}")).unwrap(), PER_THREAD as i64);
    }
    assert_eq!(db.count_all("group-").unwrap(), (THREADS * PER_THREAD) as i64);
}

#[test]
fn concurrent_good_get_all() {
    let (_dir, db) = file_store();
    for i in 0..50 {
        db.set("shared", format!("key-{i:02}"), "v").unwrap();
    }
    on_threads(&db, |db, _| {
        for _ in 0..20 {
            let rows = db.get_all("shared").unwrap();
            assert_eq!(rows.len(), 50);
            assert_eq!(db.iter("shared").count(), 50);
        }
    });
}

#[test]
fn concurrent_good_set_and_delete_group() {
    let (_dir, db) = file_store();
    on_threads(&db, |db, t| {
        for i in 0..PER_THREAD {
            db.set("churn", format!("{t}-{i}"), "v").unwrap();
            if i % 10 == 0 {
                db.delete_group("churn").unwrap();
            }
            db.count("churn").unwrap();
        }
    });
    // Whatever survived is consistent with the writes (only this group exists).
    assert!(db.count("churn").unwrap() <= (THREADS * PER_THREAD) as i64);
    assert_eq!(db.groups("").unwrap().len() as i64, i64::from(db.count("churn").unwrap() > 0));
}

#[test]
fn concurrent_good_ttl() {
    let (_dir, db) = file_store();
    on_threads(&db, |db, t| {
        for i in 0..PER_THREAD {
            let key = format!("{t}-{i}");
            if i % 2 == 0 {
                db.set("mixed", &key, "permanent").unwrap();
            } else {
                db.set_with_ttl_ms("mixed", &key, "ephemeral", 1).unwrap();
            }
        }
    });
    thread::sleep(Duration::from_millis(5));
    assert_eq!(db.count("mixed").unwrap(), (THREADS * PER_THREAD / 2) as i64);
    assert!(db.get_all("mixed").unwrap().iter().all(|r| r.value == b"permanent"));
    assert_eq!(db.purge_expired().unwrap(), (THREADS * PER_THREAD / 2) as i64);
}

#[test]
fn concurrent_good_transactions_serialise() {
    let (_dir, db) = file_store();
    db.set("counter", "n", "0").unwrap();
    on_threads(&db, |db, _| {
        for _ in 0..20 {
            // Read-modify-write inside a transaction never loses an update.
            db.transaction(|tx| {
                let n: i64 = String::from_utf8(tx.get("counter", "n")?).unwrap().parse().unwrap();
                tx.set("counter", "n", (n + 1).to_string())
            })
            .unwrap();
        }
    });
    assert_eq!(db.get("counter", "n").unwrap(), (THREADS * 20).to_string().into_bytes());
}

#[test]
fn concurrent_good_memory_store() {
    let db = mem();
    on_threads(&db, |db, t| {
        for i in 0..PER_THREAD {
            db.set("m", format!("{t}-{i}"), "v").unwrap();
            db.exists("m", format!("{t}-{i}")).unwrap();
        }
    });
    assert_eq!(db.count("m").unwrap(), (THREADS * PER_THREAD) as i64);
}

#[test]
fn concurrent_good_close_while_busy() {
    let (_dir, db) = file_store();
    let workers: Vec<_> = (0..4)
        .map(|t| {
            let db = db.clone();
            thread::spawn(move || {
                for i in 0.. {
                    match db.set("g", format!("{t}-{i}"), "v").and_then(|_| db.get("g", format!("{t}-{i}"))) {
                        Ok(_) => {}
                        Err(e) => {
                            assert_eq!(e.kind(), ErrorKind::Closed, "{e}");
                            return i;
                        }
                    }
                }
                unreachable!()
            })
        })
        .collect();
    thread::sleep(Duration::from_millis(50));
    within(WATCHDOG, "close under load", {
        let db = db.clone();
        move || db.close().unwrap()
    });
    for w in workers {
        w.join().unwrap();
    }
    assert!(db.is_closed());
}

#[test]
fn concurrent_good_close_while_reading() {
    // More readers than pooled reader connections, so some wait for one
    // when the store closes: every reader must return `Closed`, not hang.
    for _ in 0..20 {
        let (_dir, db) = file_store();
        db.set("g", "k", "v").unwrap();
        let barrier = std::sync::Arc::new(std::sync::Barrier::new(9));
        let readers: Vec<_> = (0..8)
            .map(|_| {
                let (db, barrier) = (db.clone(), barrier.clone());
                thread::spawn(move || {
                    barrier.wait();
                    loop {
                        match db.get_all("g") {
                            Ok(rows) => assert_eq!(rows.len(), 1),
                            Err(e) => {
                                assert_eq!(e.kind(), ErrorKind::Closed, "{e}");
                                return;
                            }
                        }
                    }
                })
            })
            .collect();
        barrier.wait();
        thread::sleep(Duration::from_millis(5));
        db.close().unwrap();
        within(WATCHDOG, "readers after close", move || {
            for r in readers {
                r.join().unwrap();
            }
        });
    }
}

#[test]
fn concurrent_good_a_panicking_visitor_does_not_leak_a_reader() {
    // Regression: a panic inside a read kept its pooled connection's slot
    // forever; after `reader_connections` panics every read waited for ever.
    let dir = temp_dir();
    let path = db_path(&dir, "readers.db");
    let config = store::Config { reader_connections: 1, ..store::Config::new(path.as_str()) };
    let db = store::Store::open(config).unwrap();
    db.set("g", "k", "v").unwrap();
    for _ in 0..3 {
        let db = db.clone();
        let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            db.get_with("g", "k", |_| -> () { panic!("visitor fails") })
        }));
        assert!(panicked.is_err());
    }
    let value = within(WATCHDOG, "a read after panicking visitors", move || db.get("g", "k").unwrap());
    assert_eq!(value, b"v");
}
