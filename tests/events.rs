//! Change events (contract §3, §17.4): which operations emit what, watch
//! queues, callback subscriptions, snapshot semantics and re-entrancy.

mod common;

use common::*;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};
use store::{EventKind, Kv, ScopedStore, Store, Subscription, WatchEnd, Watcher, DEFAULT_WATCH_CAPACITY};

#[test]
fn event_type_good_string() {
    assert_eq!(EventKind::Set.as_str(), "set");
    assert_eq!(EventKind::Delete.as_str(), "delete");
    assert_eq!(EventKind::DeleteGroup.as_str(), "delete_group");
    assert_eq!([EventKind::Set as u32, EventKind::Delete as u32, EventKind::DeleteGroup as u32], [0, 1, 2]);
}

#[test]
fn watch_good_group() {
    let db = mem();
    let w = db.watch("config", 0).unwrap();
    assert_eq!(w.capacity(), DEFAULT_WATCH_CAPACITY);
    db.set("config", "a", "1").unwrap();
    db.set("other", "x", "y").unwrap();
    db.set("config", "b", "2").unwrap();
    assert_eq!(drain(&w), [ev("set", "config", "a", "1"), ev("set", "config", "b", "2")]);
}

#[test]
fn watch_good_wildcard_group() {
    let db = mem();
    let w = db.watch("*", 0).unwrap();
    db.set("a", "k", "1").unwrap();
    db.set("b", "k", "2").unwrap();
    db.delete("a", "k").unwrap();
    db.delete_group("b").unwrap();
    assert_eq!(
        drain(&w),
        [ev("set", "a", "k", "1"), ev("set", "b", "k", "2"), ev("delete", "a", "k", ""), ev("delete_group", "b", "", "")]
    );
}

#[test]
fn watch_good_delete_and_delete_group_field_population() {
    let db = mem();
    db.set("g", "k", "value").unwrap();
    db.set("g", "k2", "value").unwrap();
    let w = db.watch("g", 0).unwrap();
    db.delete("g", "k").unwrap();
    db.delete_group("g").unwrap();
    let events: Vec<_> = std::iter::from_fn(|| w.next(Some(Duration::ZERO)).ok()).collect();
    assert_eq!(events.len(), 2);
    assert_eq!((events[0].kind(), events[0].key(), events[0].value()), (EventKind::Delete, &b"k"[..], &b""[..]));
    assert_eq!((events[1].kind(), events[1].key(), events[1].value()), (EventKind::DeleteGroup, &b""[..], &b""[..]));
    assert_eq!(events[1].group(), b"g");
}

#[test]
fn events_good_only_real_changes_are_announced() {
    let db = mem();
    let w = db.watch("*", 64).unwrap();
    db.delete("g", "missing").unwrap();
    db.delete_group("empty").unwrap();
    db.delete_prefix("nothing").unwrap();
    assert_eq!(db.purge_expired().unwrap(), 0);
    let _ = db.get("g", "missing");
    let _ = db.exists("g", "k");
    let _ = db.count_all("");
    assert!(drain(&w).is_empty());
}

#[test]
fn watch_good_delete_prefix_one_event_per_group_ascending() {
    let db = mem();
    for g in ["p:c", "p:a", "p:b", "q:a"] {
        db.set(g, "k1", "v").unwrap();
        db.set(g, "k2", "v").unwrap();
    }
    // A group whose rows are all expired is still deleted and announced.
    db.set_with_ttl_ms("p:expired", "k", "v", 1).unwrap();
    sleep_past_ttl();
    let w = db.watch("*", 64).unwrap();
    db.delete_prefix("p:").unwrap();
    assert_eq!(
        drain(&w),
        [
            ev("delete_group", "p:a", "", ""),
            ev("delete_group", "p:b", "", ""),
            ev("delete_group", "p:c", "", ""),
            ev("delete_group", "p:expired", "", ""),
        ]
    );
}

#[test]
fn watch_good_set_with_ttl() {
    let db = mem();
    let w = db.watch("g", 0).unwrap();
    db.set_with_ttl("g", "k", "v", Duration::from_secs(60)).unwrap();
    assert_eq!(drain(&w), [ev("set", "g", "k", "v")]);
}

#[test]
fn watch_good_next_waits_and_times_out() {
    let db = mem();
    let w = db.watch("g", 0).unwrap();
    let started = Instant::now();
    assert_eq!(w.next(Some(Duration::from_millis(30))).unwrap_err(), WatchEnd::Timeout);
    assert!(started.elapsed() >= Duration::from_millis(25));
    assert_eq!(w.next(Some(Duration::ZERO)).unwrap_err(), WatchEnd::Timeout);
    let writer = db.clone();
    let t = thread::spawn(move || {
        thread::sleep(Duration::from_millis(20));
        writer.set("g", "late", "v").unwrap();
    });
    let e = w.next(Some(WATCHDOG)).expect("a blocking next wakes up for a write");
    assert_eq!(e.key(), b"late");
    t.join().unwrap();
}

#[test]
fn unwatch_good_stops_delivery() {
    let db = mem();
    let w = db.watch("g", 0).unwrap();
    db.set("g", "before", "v").unwrap();
    w.close();
    assert!(w.is_closed());
    db.set("g", "after", "v").unwrap();
    // What was buffered stays readable, then the queue reports closed.
    assert_eq!(w.next(Some(Duration::ZERO)).unwrap().key(), b"before");
    assert_eq!(w.next(None).unwrap_err(), WatchEnd::Closed);
}

#[test]
fn unwatch_good_idempotent() {
    let db = mem();
    let w = db.watch("g", 0).unwrap();
    w.close();
    w.close();
    db.set("g", "k", "v").unwrap();
    assert_eq!(w.next(Some(Duration::ZERO)).unwrap_err(), WatchEnd::Closed);
    // Unwatching after the store is gone is harmless too.
    let w2 = db.watch("g", 0).unwrap();
    db.close().unwrap();
    drop(db);
    w2.close();
    assert_eq!(w2.next(None).unwrap_err(), WatchEnd::Closed);
}

#[test]
fn close_good_closes_watcher_channels() {
    let db = mem();
    let a = db.watch("g", 0).unwrap();
    let b = db.watch("*", 0).unwrap();
    db.set("g", "k", "v").unwrap();
    // A reader blocked without a timeout is woken by close.
    let blocked = db.watch("never", 0).unwrap();
    let waiter = thread::spawn(move || blocked.next(None).map(|_| ()));
    thread::sleep(Duration::from_millis(20));
    db.close().unwrap();
    assert_eq!(waiter.join().unwrap().unwrap_err(), WatchEnd::Closed);
    for w in [&a, &b] {
        assert!(w.is_closed());
        assert_eq!(w.next(Some(Duration::ZERO)).unwrap().key(), b"k", "drained before closed");
        assert_eq!(w.next(Some(Duration::ZERO)).unwrap_err(), WatchEnd::Closed);
    }
}

#[test]
fn watch_good_buffer_drops() {
    let db = mem();
    let w = db.watch("g", 0).unwrap();
    for i in 0..24 {
        db.set("g", format!("k{i}"), "v").unwrap();
    }
    let got = drain(&w);
    assert_eq!(got.len(), 16);
    assert_eq!(w.dropped(), 8);
    // The oldest events are kept; later ones were dropped.
    assert_eq!(got[0].2, "k0");
    assert_eq!(got[15].2, "k15");
    let w = db.watch("g", 3).unwrap();
    for i in 0..5 {
        db.set("g", format!("k{i}"), "v").unwrap();
    }
    assert_eq!((drain(&w).len(), w.dropped(), w.capacity()), (3, 2, 3));
}

fn time_writes(db: &Store, n: usize) -> Duration {
    let started = Instant::now();
    for i in 0..n {
        db.set("g", format!("k{i}"), "v").unwrap();
    }
    started.elapsed()
}

#[test]
fn watch_good_slow_consumer_never_slows_writers() {
    let baseline = time_writes(&mem(), 1000);

    let db = mem();
    let w = Arc::new(db.watch("g", 0).unwrap());
    let consumer = {
        let w = w.clone();
        thread::spawn(move || {
            // 10 ms per event: a writer waiting on this queue would need ~10 s.
            let mut consumed = 0;
            while w.next(None).is_ok() {
                consumed += 1;
                thread::sleep(Duration::from_millis(10));
            }
            consumed
        })
    };
    let undrained = db.watch("g", 0).unwrap();
    let with_queues = time_writes(&db, 1000);
    assert!(
        with_queues < baseline * 5 + Duration::from_millis(500),
        "writers slowed by watch queues: {with_queues:?} vs {baseline:?} without"
    );
    assert_eq!(undrained.dropped(), 1000 - DEFAULT_WATCH_CAPACITY as u64);
    assert!(w.dropped() > 900, "the slow queue dropped only {}", w.dropped());
    w.close();
    let consumed = consumer.join().unwrap();
    assert_eq!(consumed as u64 + w.dropped(), 1000, "every event was either delivered or counted as dropped");
}

#[test]
fn watch_good_concurrent_watch_unwatch() {
    let db = mem();
    within(WATCHDOG, "concurrent watch/set/unwatch", move || {
        let handles: Vec<_> = (0..10)
            .map(|i| {
                let db = db.clone();
                thread::spawn(move || {
                    for j in 0..50 {
                        let w = db.watch(if j % 2 == 0 { "*" } else { "g" }, 4).unwrap();
                        db.set("g", format!("{i}-{j}"), "v").unwrap();
                        let first = w.next(Some(Duration::ZERO));
                        assert!(first.is_ok(), "own write missing from a fresh watcher");
                        w.close();
                    }
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
        assert_eq!(db.count("g").unwrap(), 500);
    });
}

#[test]
fn on_change_good_fires_synchronously() {
    let db = mem();
    let (rec, _sub) = Recorder::subscribe(&db, "*");
    db.set("config", "colour", "blue").unwrap();
    // Delivered before `set` returned.
    assert_eq!(rec.seen(), [ev("set", "config", "colour", "blue")]);
    db.delete("config", "colour").unwrap();
    assert_eq!(rec.seen()[1], ev("delete", "config", "colour", ""));
}

#[test]
fn on_change_good_group_filtered_callback() {
    let db = mem();
    let (all, _a) = Recorder::subscribe(&db, "*");
    let (only, _b) = Recorder::subscribe(&db, "config");
    db.set("config", "k", "1").unwrap();
    db.set("users", "k", "2").unwrap();
    assert_eq!(all.seen().len(), 2);
    assert_eq!(only.seen(), [ev("set", "config", "k", "1")]);
}

#[test]
fn on_change_good_cancel_stops_delivery() {
    let db = mem();
    let (rec, sub) = Recorder::subscribe(&db, "*");
    db.set("g", "a", "v").unwrap();
    sub.cancel();
    sub.cancel();
    db.set("g", "b", "v").unwrap();
    assert_eq!(rec.seen().len(), 1);
}

#[test]
fn notify_good_populates_timestamp() {
    let db = mem();
    let (rec, _sub) = Recorder::subscribe(&db, "*");
    let before = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64;
    db.set("g", "k", "v").unwrap();
    let after = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64;
    let ts = rec.events()[0].timestamp_ms();
    assert!(before <= ts && ts <= after, "{before} <= {ts} <= {after}");
}

#[test]
fn on_change_good_reentrant_subscription_changes() {
    let db = mem();
    let log = Arc::new(Mutex::new(Vec::<String>::new()));
    let nested: Arc<Mutex<Option<Subscription>>> = Arc::default();
    let nested_watch: Arc<Mutex<Option<Watcher>>> = Arc::default();
    let outer = {
        let (db, log, nested, nested_watch) = (db.clone(), log.clone(), nested.clone(), nested_watch.clone());
        db.clone()
            .subscribe("*", move |e| {
                let key = text(e.key());
                log.lock().unwrap().push(key.clone());
                match key.as_str() {
                    "first" => {
                        let log = log.clone();
                        let sub = db
                            .subscribe("*", move |e| log.lock().unwrap().push(format!("nested:{}", text(e.key()))))
                            .unwrap();
                        *nested.lock().unwrap() = Some(sub);
                        *nested_watch.lock().unwrap() = Some(db.watch("*", 0).unwrap());
                    }
                    "second" => {
                        nested.lock().unwrap().as_ref().unwrap().cancel();
                        nested_watch.lock().unwrap().as_ref().unwrap().close();
                    }
                    _ => {}
                }
            })
            .unwrap()
    };
    let writer = db.clone();
    within(WATCHDOG, "re-entrant subscription changes", move || {
        for k in ["first", "second", "third"] {
            writer.set("g", k, "v").unwrap();
        }
    });
    assert_eq!(*log.lock().unwrap(), ["first", "second", "nested:second", "third"]);
    let w = nested_watch.lock().unwrap().take().unwrap();
    assert_eq!(drain(&w), [ev("set", "g", "second", "v")]);
    assert_eq!(w.next(Some(Duration::ZERO)).unwrap_err(), WatchEnd::Closed);
    outer.cancel();
}

#[test]
fn on_change_good_unsubscribe_from_inside_own_callback() {
    let db = mem();
    let calls = Arc::new(AtomicUsize::new(0));
    let me: Arc<Mutex<Option<Subscription>>> = Arc::default();
    let sub = {
        let (calls, me) = (calls.clone(), me.clone());
        db.subscribe("*", move |_| {
            calls.fetch_add(1, Ordering::SeqCst);
            if let Some(sub) = me.lock().unwrap().as_ref() {
                sub.cancel();
            }
        })
        .unwrap()
    };
    *me.lock().unwrap() = Some(sub);
    let writer = db.clone();
    within(WATCHDOG, "unsubscribe inside own callback", move || {
        writer.set("g", "a", "v").unwrap();
        writer.set("g", "b", "v").unwrap();
    });
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[test]
fn on_change_good_cancel_waits_for_running_callback() {
    let db = mem();
    let finished = Arc::new(AtomicUsize::new(0));
    let started = Arc::new(std::sync::Barrier::new(2));
    let sub = {
        let (finished, started) = (finished.clone(), started.clone());
        db.subscribe("*", move |_| {
            started.wait();
            thread::sleep(Duration::from_millis(100));
            finished.fetch_add(1, Ordering::SeqCst);
        })
        .unwrap()
    };
    let writer = db.clone();
    let t = thread::spawn(move || writer.set("g", "k", "v").unwrap());
    started.wait();
    sub.cancel();
    assert_eq!(finished.load(Ordering::SeqCst), 1, "cancel returned while the callback was still running");
    t.join().unwrap();
}

#[test]
fn on_change_good_callbacks_call_back_into_the_store() {
    fn exercise(db: Store) {
        let inner = db.clone();
        let _sub = db
            .subscribe("input", move |e| {
                // Reads, writes (to another group), iteration, nested transactions.
                let v = inner.get("input", e.key()).unwrap();
                inner.set("mirror", e.key(), &v).unwrap();
                assert!(inner.iter("mirror").count() >= 1);
                inner.transaction(|tx| tx.set("audit", e.key(), "seen")).unwrap();
                let w = inner.watch("mirror", 0).unwrap();
                w.close();
            })
            .unwrap();
        for i in 0..20 {
            db.set("input", format!("k{i}"), format!("v{i}")).unwrap();
        }
        assert_eq!(db.count("mirror").unwrap(), 20);
        assert_eq!(db.count("audit").unwrap(), 20);
        assert_eq!(db.get("mirror", "k7").unwrap(), b"v7");
    }
    on_memory_and_file("callbacks calling the store", exercise);
}

#[test]
fn on_change_good_callback_may_close_the_store() {
    let db = mem();
    let closer = db.clone();
    let _sub = db.subscribe("*", move |_| closer.close().unwrap()).unwrap();
    let writer = db.clone();
    within(WATCHDOG, "close from a callback", move || writer.set("g", "k", "v").unwrap());
    assert!(db.is_closed());
}

#[test]
fn on_change_good_panicking_callback_does_not_break_the_writer() {
    let db = mem();
    let _bad = db.subscribe("*", |_| panic!("callback failure")).unwrap();
    let (rec, _good) = Recorder::subscribe(&db, "*");
    db.set("g", "k", "v").unwrap();
    db.set("g", "k2", "v").unwrap();
    assert_eq!(rec.seen().len(), 2);
    assert_eq!(db.count("g").unwrap(), 2);
}

#[test]
fn on_change_bad_closed_store() {
    let db = mem();
    let (rec, _sub) = Recorder::subscribe(&db, "*");
    db.close().unwrap();
    assert!(db.set("g", "k", "v").is_err());
    assert!(rec.seen().is_empty());
    assert_err(db.subscribe("*", |_| {}).map(drop), store::ErrorKind::Closed, &["store.OnChange: store is closed"]);
}

#[test]
fn on_change_good_concurrent_writers_each_deliver_their_own_events() {
    let db = mem();
    let (rec, _sub) = Recorder::subscribe(&db, "*");
    let handles: Vec<_> = (0..4)
        .map(|t| {
            let db = db.clone();
            thread::spawn(move || {
                for i in 0..100 {
                    db.set(format!("t{t}"), format!("{i:03}"), "v").unwrap();
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let seen = rec.seen();
    assert_eq!(seen.len(), 400);
    // Per writer, order follows its operations.
    for t in 0..4 {
        let mine: Vec<_> = seen.iter().filter(|e| e.1 == format!("t{t}")).map(|e| e.2.clone()).collect();
        let expected: Vec<_> = (0..100).map(|i| format!("{i:03}")).collect();
        assert_eq!(mine, expected);
    }
}

#[test]
fn watch_good_scoped_store_event_group() {
    let db = mem();
    let w = db.watch("tenant-a:config", 0).unwrap();
    let sc = ScopedStore::new(&db, "tenant-a").unwrap();
    sc.set("config", "theme", "dark").unwrap();
    assert_eq!(drain(&w), [ev("set", "tenant-a:config", "theme", "dark")]);
}

#[test]
fn scoped_subscribers_good_see_local_group_names_only() {
    let db = mem();
    let a = ScopedStore::new(&db, "tenant-a").unwrap();
    let b = ScopedStore::new(&db, "tenant-b").unwrap();
    let (rec, _sub) = Recorder::subscribe(&a, "*");
    let (cfg, _sub2) = Recorder::subscribe(&a, "config");
    let all = a.watch("*", 0).unwrap();
    let one = a.watch("config", 0).unwrap();
    a.set("config", "theme", "dark").unwrap();
    a.set("cache", "k", "v").unwrap();
    b.set("config", "theme", "light").unwrap();
    db.set("config", "theme", "plain").unwrap();
    db.set("tenant-a", "k", "no colon: not in the namespace").unwrap();
    a.delete("config", "theme").unwrap();
    let expected = [ev("set", "config", "theme", "dark"), ev("set", "cache", "k", "v"), ev("delete", "config", "theme", "")];
    assert_eq!(rec.seen(), expected);
    assert_eq!(drain(&all), expected);
    assert_eq!(cfg.seen(), [expected[0].clone(), expected[2].clone()]);
    assert_eq!(drain(&one), [expected[0].clone(), expected[2].clone()]);
}

// ---- commit order and sequence numbers ----------------------------------

/// Several writer threads, a callback subscriber, a watch queue and a watch
/// callback: each sees strictly increasing sequence numbers, and all three
/// see exactly the same sequence (the commit order).
fn sequence_follows_commit_order(db: Store) {
    const THREADS: usize = 4;
    const WRITES: usize = 150;
    let by_callback = Arc::new(Mutex::new(Vec::new()));
    let by_watch_callback = Arc::new(Mutex::new(Vec::new()));
    let sub = {
        let seen = by_callback.clone();
        db.subscribe("*", move |e| seen.lock().unwrap().push(e.seq())).unwrap()
    };
    let watch_sub = {
        let seen = by_watch_callback.clone();
        db.watch_with("*", move |e| seen.lock().unwrap().push(e.seq())).unwrap()
    };
    let queue = db.watch("*", THREADS * WRITES * 2).unwrap();
    let writers: Vec<_> = (0..THREADS)
        .map(|t| {
            let db = db.clone();
            thread::spawn(move || {
                for i in 0..WRITES {
                    if i % 10 == 9 {
                        db.transaction(|tx| {
                            tx.set(format!("g{t}"), format!("tx{i}a"), "v")?;
                            tx.set(format!("g{t}"), format!("tx{i}b"), "v")
                        })
                        .unwrap();
                    } else {
                        db.set(format!("g{t}"), format!("k{i}"), "v").unwrap();
                    }
                }
            })
        })
        .collect();
    for w in writers {
        w.join().unwrap();
    }
    let mut from_queue = Vec::new();
    while let Ok(e) = queue.next(Some(Duration::ZERO)) {
        from_queue.push(e.seq());
    }
    sub.cancel();
    watch_sub.cancel();
    let from_callback = by_callback.lock().unwrap().clone();
    let expected = THREADS * (WRITES + WRITES / 10);
    assert_eq!(from_callback.len(), expected, "every committed change reached the callback");
    assert!(from_callback.windows(2).all(|w| w[0] < w[1]), "callback saw sequences out of order");
    assert_eq!(from_queue, from_callback, "watch queue and callback disagree on the order");
    assert_eq!(*by_watch_callback.lock().unwrap(), from_callback, "watch callback and callback disagree");
    assert_eq!(from_callback.first(), Some(&1));
    assert_eq!(from_callback.last(), Some(&(expected as u64)), "numbers are consecutive from 1");
}

#[test]
fn events_good_sequence_numbers_follow_commit_order_across_threads() {
    on_memory_and_file("sequence numbers across threads", sequence_follows_commit_order);
}

#[test]
fn events_good_transaction_events_get_consecutive_numbers_at_commit() {
    let db = mem();
    let w = db.watch("*", 0).unwrap();
    db.set("g", "before", "v").unwrap();
    db.transaction(|tx| {
        tx.set("g", "a", "1")?;
        tx.delete("g", "before")?;
        tx.set("g", "b", "2")
    })
    .unwrap();
    let seqs: Vec<u64> = std::iter::from_fn(|| w.next(Some(Duration::ZERO)).ok()).map(|e| e.seq()).collect();
    assert_eq!(seqs, [1, 2, 3, 4]);
}

#[test]
fn events_good_a_write_from_a_callback_is_delivered_in_order_before_the_outer_write_returns() {
    let db = mem();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let _echo = {
        let db = db.clone();
        db.clone()
            .subscribe("in", move |e| {
                if e.key() == b"ping" {
                    db.set("out", "pong", "v").unwrap();
                }
            })
            .unwrap()
    };
    let _record = {
        let seen = seen.clone();
        db.subscribe("*", move |e| seen.lock().unwrap().push((e.seq(), text(e.key())))).unwrap()
    };
    db.set("in", "ping", "v").unwrap();
    assert_eq!(*seen.lock().unwrap(), [(1, "ping".to_string()), (2, "pong".to_string())]);
}

// ---- unsubscribing ----------------------------------------------------------

#[test]
fn on_change_good_callbacks_on_two_threads_may_unsubscribe_each_other() {
    // Regression: each callback waited for the other's running call.
    within(WATCHDOG, "callbacks unsubscribing each other", || {
        for _ in 0..50 {
            let db = mem();
            let slot_a: Arc<Mutex<Option<Subscription>>> = Arc::default();
            let slot_b: Arc<Mutex<Option<Subscription>>> = Arc::default();
            let a = {
                let other = slot_b.clone();
                db.subscribe("a", move |_| {
                    thread::sleep(Duration::from_millis(1));
                    if let Some(s) = other.lock().unwrap().as_ref() {
                        s.cancel();
                    }
                })
                .unwrap()
            };
            let b = {
                let other = slot_a.clone();
                db.subscribe("b", move |_| {
                    thread::sleep(Duration::from_millis(1));
                    if let Some(s) = other.lock().unwrap().as_ref() {
                        s.cancel();
                    }
                })
                .unwrap()
            };
            *slot_a.lock().unwrap() = Some(a);
            *slot_b.lock().unwrap() = Some(b);
            let t1 = {
                let db = db.clone();
                thread::spawn(move || db.set("a", "k", "v").unwrap())
            };
            let t2 = {
                let db = db.clone();
                thread::spawn(move || db.set("b", "k", "v").unwrap())
            };
            t1.join().unwrap();
            t2.join().unwrap();
        }
    });
}

#[test]
fn on_change_good_no_call_starts_after_cancel_returns() {
    let db = mem();
    for _ in 0..100 {
        let cancelled = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let late_calls = Arc::new(AtomicUsize::new(0));
        let sub = {
            let cancelled = cancelled.clone();
            let late_calls = late_calls.clone();
            db.subscribe("g", move |_| {
                if cancelled.load(Ordering::SeqCst) {
                    late_calls.fetch_add(1, Ordering::SeqCst);
                }
            })
            .unwrap()
        };
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let writer = {
            let db = db.clone();
            let stop = stop.clone();
            thread::spawn(move || {
                while !stop.load(Ordering::SeqCst) {
                    db.set("g", "k", "v").unwrap();
                }
            })
        };
        thread::sleep(Duration::from_micros(300));
        sub.cancel();
        cancelled.store(true, Ordering::SeqCst);
        thread::sleep(Duration::from_micros(300));
        stop.store(true, Ordering::SeqCst);
        writer.join().unwrap();
        assert_eq!(late_calls.load(Ordering::SeqCst), 0, "a call started after cancel returned");
    }
}

#[test]
fn on_change_good_cancel_inside_own_callback_does_not_wait_and_stops_later_events() {
    let db = mem();
    let calls = Arc::new(AtomicUsize::new(0));
    let slot: Arc<Mutex<Option<Subscription>>> = Arc::default();
    let sub = {
        let calls = calls.clone();
        let slot = slot.clone();
        db.subscribe("g", move |_| {
            calls.fetch_add(1, Ordering::SeqCst);
            if let Some(s) = slot.lock().unwrap().as_ref() {
                s.cancel();
            }
        })
        .unwrap()
    };
    *slot.lock().unwrap() = Some(sub);
    within(WATCHDOG, "cancel from inside its own callback", move || {
        db.set("g", "a", "v").unwrap();
        db.set("g", "b", "v").unwrap();
    });
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[test]
fn watch_with_good_store_calls_from_a_watch_callback_fail_busy_instead_of_deadlocking() {
    let db = mem();
    let results = Arc::new(Mutex::new(Vec::new()));
    let _w = {
        let db2 = db.clone();
        let results = results.clone();
        db.watch_with("g", move |_| results.lock().unwrap().push(db2.get("g", "k").map_err(|e| e.kind())))
            .unwrap()
    };
    within(WATCHDOG, "store call from a watch callback", move || db.set("g", "k", "v").unwrap());
    assert_eq!(*results.lock().unwrap(), [Err(store::ErrorKind::Busy)]);
}

#[test]
fn close_good_does_not_wait_for_a_callback_running_on_the_purge_thread() {
    // A purge publishes delete events, so callbacks may run on the purge
    // thread; close must not join that thread while user code runs there.
    let db = Store::open(store::Config::new(":memory:").purge_interval(Duration::from_millis(20))).unwrap();
    let (entered_tx, entered_rx) = std::sync::mpsc::channel::<()>();
    let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
    let release_rx = Mutex::new(release_rx);
    let _sub = db
        .subscribe("g", move |e| {
            if e.kind() == EventKind::Delete && thread::current().name() == Some("store-purge") {
                let _ = entered_tx.send(());
                let _ = release_rx.lock().unwrap().recv_timeout(Duration::from_secs(30));
            }
        })
        .unwrap();
    db.set_with_ttl_ms("g", "k", "v", 1).unwrap();
    entered_rx.recv_timeout(Duration::from_secs(10)).expect("the purge delivered the delete");
    let closer = db.clone();
    within(WATCHDOG, "close while a callback blocks the purge thread", move || closer.close().unwrap());
    assert!(db.is_closed());
    release_tx.send(()).unwrap();
}
