//! Helpers shared by the integration tests: store constructors, a deadlock
//! watchdog, event recorders and error assertions.
//!
//! Each test binary uses a different subset, hence `dead_code` is allowed.
#![allow(dead_code)]

pub mod medium;

use std::path::PathBuf;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;
use store::{Config, ErrorKind, Event, Kv, Store, Subscription, WatchQueue};

/// A private in-memory store.
pub fn mem() -> Store {
    Store::open_in_memory().expect("open :memory: store")
}

/// A fresh temporary directory (removed when dropped).
pub fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("create temp dir")
}

/// `dir/name` as the `String` a [`Config`] takes.
pub fn db_path(dir: &tempfile::TempDir, name: &str) -> String {
    dir.path().join(name).to_str().expect("utf-8 temp path").to_string()
}

/// Opens (creating) the file database at `path` with default settings.
pub fn open_file(path: &str) -> Store {
    Store::open(Config::new(path)).unwrap_or_else(|e| panic!("open {path}: {e}"))
}

/// Opens `dir/store.db` with the workspace state directory `dir/state`.
pub fn open_with_state(dir: &std::path::Path) -> Store {
    let config = Config {
        workspace_state_directory: dir.join("state").to_str().unwrap().to_string(),
        ..Config::new(dir.join("store.db").to_str().unwrap())
    };
    Store::open(config).expect("open store")
}

/// A raw SQLite connection to the same file, for checking the on-disk layout.
pub fn raw(path: &str) -> rusqlite::Connection {
    rusqlite::Connection::open(PathBuf::from(path)).expect("open raw sqlite connection")
}

/// Physical rows in `entries` (expired ones included), read behind the store's back.
pub fn raw_row_count(path: &str) -> i64 {
    raw(path).query_row("SELECT COUNT(*) FROM entries", [], |r| r.get(0)).expect("count entries")
}

/// Runs `f` on its own thread and fails the test if it has not finished
/// within `limit`, so a deadlock is reported instead of hanging the suite.
/// A panic inside `f` is re-raised here with its message.
pub fn within<T: Send + 'static>(limit: Duration, what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    let handle = thread::spawn(move || {
        let out = f();
        let _ = tx.send(());
        out
    });
    match rx.recv_timeout(limit) {
        // Finished, or panicked (the sender was dropped): join re-raises the panic.
        Ok(()) | Err(mpsc::RecvTimeoutError::Disconnected) => {
            handle.join().unwrap_or_else(|p| std::panic::resume_unwind(p))
        }
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("deadlock: {what} did not finish within {limit:?}"),
    }
}

/// The usual watchdog limit: generous for a loaded machine, far below "hung".
pub const WATCHDOG: Duration = Duration::from_secs(20);

/// Runs `exercise` under the watchdog on a fresh `:memory:` store and on a
/// fresh file store: they use different connection paths (the file store
/// reads on pooled readers), and re-entrancy must hold on both.
pub fn on_memory_and_file(what: &str, exercise: fn(Store)) {
    within(WATCHDOG, &format!("{what} (memory store)"), move || exercise(mem()));
    let dir = temp_dir();
    let path = db_path(&dir, "store.db");
    within(WATCHDOG, &format!("{what} (file store)"), move || exercise(open_file(&path)));
}

/// Waits long enough for a 1 ms TTL to have passed (go-store's tests use 5 ms).
pub fn sleep_past_ttl() {
    thread::sleep(Duration::from_millis(5));
}

/// Lossy text of a byte string, for readable comparisons.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `(kind, group, key, value)` of an event as text.
pub fn describe(e: &Event) -> (String, String, String, String) {
    (e.kind().as_str().to_string(), text(e.group()), text(e.key()), text(e.value()))
}

/// Builds the tuple `describe` returns, for expected values.
pub fn ev(kind: &str, group: &str, key: &str, value: &str) -> (String, String, String, String) {
    (kind.to_string(), group.to_string(), key.to_string(), value.to_string())
}

/// Collects the events a callback subscription receives.
#[derive(Clone, Default)]
pub struct Recorder {
    events: Arc<Mutex<Vec<Event>>>,
}

impl Recorder {
    /// Subscribes a recorder to `group` (`"*"` for all) on any view.
    pub fn subscribe(kv: &impl Kv, group: &str) -> (Recorder, Subscription) {
        let rec = Recorder::default();
        let sink = rec.events.clone();
        let sub = kv.subscribe(group, move |e| sink.lock().unwrap().push(e.clone())).expect("subscribe");
        (rec, sub)
    }

    /// What arrived so far, described.
    pub fn seen(&self) -> Vec<(String, String, String, String)> {
        self.events.lock().unwrap().iter().map(describe).collect()
    }

    /// The raw events received so far.
    pub fn events(&self) -> Vec<Event> {
        self.events.lock().unwrap().clone()
    }

    /// Forgets what arrived so far.
    pub fn clear(&self) {
        self.events.lock().unwrap().clear();
    }
}

/// Every event buffered in a watch queue right now (polls, never waits).
pub fn drain(queue: &WatchQueue) -> Vec<(String, String, String, String)> {
    let mut out = Vec::new();
    while let Ok(e) = queue.next(Some(Duration::ZERO)) {
        out.push(describe(&e));
    }
    out
}

/// Asserts that `result` failed with `kind` and a message containing every
/// one of `parts`, and returns the message.
#[track_caller]
pub fn assert_err<T: std::fmt::Debug>(result: store::Result<T>, kind: ErrorKind, parts: &[&str]) -> String {
    let err = match result {
        Ok(v) => panic!("expected {kind:?} error containing {parts:?}, got Ok({v:?})"),
        Err(e) => e,
    };
    assert_eq!(err.kind(), kind, "wrong kind for error: {err}");
    for part in parts {
        assert!(err.message().contains(part), "error {err:?} lacks {part:?}");
    }
    err.message().to_string()
}

/// True when the tests run as root, who ignores file permissions.
pub fn running_as_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}
