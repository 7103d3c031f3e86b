//! Database persistence through a medium (contract §2.9, §17.9 `Medium_*`):
//! copied in at open, written back at close, with go-store's failure
//! handling.

mod common;

use common::medium::FaultyMedium;
use std::sync::atomic::Ordering;
use store::{Config, ErrorKind, Kv, Medium, MemoryMedium, SharedMedium, Store};

fn open_on(medium: &SharedMedium, path: &str) -> Store {
    Store::open(Config::new(path).medium(medium.clone())).unwrap_or_else(|e| panic!("open {path}: {e}"))
}

#[test]
fn medium_with_medium_good_accessor_returns_the_same_medium() {
    let medium = SharedMedium::new(MemoryMedium::new());
    let db = open_on(&medium, ":memory:");
    assert_eq!(db.medium(), Some(&medium));
    assert_eq!(db.config().medium.as_ref(), Some(&medium));
    assert_ne!(db.medium(), Some(&SharedMedium::new(MemoryMedium::new())), "identity, not content");
}

#[test]
fn medium_with_medium_bad_nil_keeps_filesystem_backend() {
    let db = common::mem();
    assert!(db.medium().is_none());
    assert!(db.config().medium.is_none());
}

#[test]
fn medium_with_medium_good_persists_database_through_medium() {
    let memory = MemoryMedium::new();
    let medium = SharedMedium::new(memory.clone());
    let db = open_on(&medium, "stores/app.db");
    db.set("config", "colour", "blue").unwrap();
    assert!(memory.file_paths().is_empty(), "nothing reaches the medium before close");
    db.close().unwrap();
    assert!(db.is_closed());
    let file = memory.read("stores/app.db").unwrap();
    assert!(file.starts_with(b"SQLite format 3\0"), "a whole SQLite file");

    let again = open_on(&medium, "stores/app.db");
    assert_eq!(again.get("config", "colour").unwrap(), b"blue");
    again.set("config", "size", "xl").unwrap();
    drop(again); // dropping the last handle closes, and so writes back
    let third = open_on(&medium, "stores/app.db");
    assert_eq!(third.get_all("config").unwrap().len(), 2);
}

#[test]
fn medium_memory_path_is_not_medium_backed() {
    let memory = MemoryMedium::new();
    let db = open_on(&SharedMedium::new(memory.clone()), ":memory:");
    db.set("g", "k", "v").unwrap();
    db.close().unwrap();
    assert!(memory.file_paths().is_empty());
}

#[test]
fn medium_close_bad_write_back_failure_keeps_store_closing_and_retries() {
    let flaky = FaultyMedium::default();
    let medium = SharedMedium::new(flaky.clone());
    let db = open_on(&medium, "app.db");
    db.set("g", "k", "v").unwrap();
    flaky.fail_writes.store(true, Ordering::SeqCst);

    let e = db.close().unwrap_err();
    assert_eq!(e.message(), "store.Close: sync medium-backed database: remote storage unavailable");
    assert_eq!(e.kind(), ErrorKind::Io);
    assert!(!db.is_closed(), "closing, not closed");
    common::assert_err(db.get("g", "k"), ErrorKind::Closed, &["store is closed"]);
    assert!(db.close().is_err(), "still failing");

    flaky.fail_writes.store(false, Ordering::SeqCst);
    db.close().unwrap();
    assert!(db.is_closed());
    let writes = flaky.writes.load(Ordering::SeqCst);
    db.close().unwrap();
    assert_eq!(flaky.writes.load(Ordering::SeqCst), writes, "a closed store writes nothing more");
    assert_eq!(open_on(&medium, "app.db").get("g", "k").unwrap(), b"v");
}

#[test]
fn medium_open_bad_corrupt_file_on_medium() {
    let memory = MemoryMedium::new();
    let junk: &[u8] = b"this is not a database, just text that is long enough to be a header....";
    memory.write("bad.db", junk).unwrap();
    let e = Store::open_as("store.NewConfigured", Config::new("bad.db").medium(SharedMedium::new(memory.clone())))
        .err()
        .expect("corrupt file fails to open");
    assert!(e.message().starts_with("store.NewConfigured: "), "{e}");
    assert_eq!(e.kind(), ErrorKind::Corrupt, "{e}");
    assert_eq!(memory.read("bad.db").unwrap(), junk, "the medium's file is untouched");
}

#[test]
fn medium_validation_comes_first() {
    let e = Store::open(Config::new("").medium(SharedMedium::new(MemoryMedium::new()))).err().unwrap();
    assert_eq!(e.message(), "store.New: validate config: store.StoreConfig.Validate: database path is empty");
}

#[test]
fn medium_local_medium_round_trip() {
    let dir = common::temp_dir();
    let local = store::LocalMedium::rooted(dir.path()).unwrap();
    let medium = SharedMedium::new(local);
    let db = open_on(&medium, "nested/dir/app.db");
    db.set("g", "k", "v").unwrap();
    db.close().unwrap();
    assert!(dir.path().join("nested/dir/app.db").is_file());
    assert_eq!(open_on(&medium, "nested/dir/app.db").get("g", "k").unwrap(), b"v");
}

/// The child side of `medium_local_write_survives_kill_9`: rewrites one
/// file forever, alternating two contents of different sizes.
fn rewrite_forever(dir: &str) -> ! {
    let medium = store::LocalMedium::rooted(dir).unwrap();
    let (a, b) = (vec![b'a'; 1 << 20], vec![b'b'; 2 << 20]);
    loop {
        medium.write("state.bin", &a).unwrap();
        medium.write("state.bin", &b).unwrap();
    }
}

#[test]
fn medium_local_write_survives_kill_9() {
    if let Ok(dir) = std::env::var("STORE_MEDIA_KILL_CHILD") {
        rewrite_forever(&dir);
    }
    let dir = common::temp_dir();
    let me = std::env::current_exe().unwrap();
    // Kill at varied moments until three kills landed after the first
    // publish (a slow machine may need more rounds to get there).
    let mut seen = 0;
    for round in 0..40u64 {
        if seen == 3 {
            break;
        }
        let mut child = std::process::Command::new(&me)
            .args(["--exact", "medium_local_write_survives_kill_9", "--nocapture", "--test-threads=1"])
            .env("STORE_MEDIA_KILL_CHILD", dir.path())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(60 + 37 * (round % 6)));
        child.kill().unwrap(); // SIGKILL: no destructor, no cleanup
        child.wait().unwrap();
        let Ok(content) = std::fs::read(dir.path().join("state.bin")) else { continue };
        let whole_a = content.len() == 1 << 20 && content.iter().all(|&c| c == b'a');
        let whole_b = content.len() == 2 << 20 && content.iter().all(|&c| c == b'b');
        assert!(whole_a || whole_b, "round {round}: a torn file of {} bytes", content.len());
        seen += 1;
    }
    assert!(seen > 0, "no kill landed after a publish");
}
