//! Compaction: go-store's behaviour (contract §8, §17.9), the archive line
//! format, retention, and what every failed or killed step leaves behind.

mod common;

use common::*;
use serde_json::{json, Map};
use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};
use store::{ArchiveReader, CompactOptions, CompactStep, ErrorKind, Store};

const DAY: i64 = 86_400_000;

fn now_ms() -> i64 {
    SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64
}

/// A file store with `n` rows aged two days (measurements `old-0`…) and one
/// fresh row `new`.
fn journal_with_old_rows(dir: &tempfile::TempDir, n: usize) -> (Store, String) {
    let path = db_path(dir, "journal.db");
    let db = open_file(&path);
    let txn = db.begin().unwrap();
    for i in 0..n {
        let mut f = Map::new();
        f.insert("i".into(), json!(i));
        txn.commit_to_journal(&format!("old-{i}"), &f, &BTreeMap::from([("t".to_string(), "x".to_string())])).unwrap();
    }
    txn.commit().unwrap();
    raw(&path).execute("UPDATE journal_entries SET committed_at = committed_at - 2 * ?1", [DAY]).unwrap();
    db.commit_to_journal("new", &Map::new(), &BTreeMap::new()).unwrap();
    (db, path)
}

fn options(dir: &Path, format: &str) -> CompactOptions {
    CompactOptions {
        before: Some(now_ms() - DAY),
        output: dir.to_str().unwrap().to_string(),
        format: format.into(),
        retention: None,
        medium: None,
    }
}

fn archived(path: &str) -> i64 {
    raw(path).query_row("SELECT COUNT(*) FROM journal_entries WHERE archived_at IS NOT NULL", [], |r| r.get(0)).unwrap()
}

fn files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = match std::fs::read_dir(dir) {
        Ok(rd) => rd.map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect(),
        Err(_) => Vec::new(),
    };
    names.sort();
    names
}

fn read_all(path: &str) -> Vec<store::ArchivedEntry> {
    ArchiveReader::open(path).unwrap().map(Result::unwrap).collect()
}

#[test]
fn gzip_archive_holds_old_rows_and_hides_them() {
    let dir = temp_dir();
    let (db, path) = journal_with_old_rows(&dir, 1);
    let out = dir.path().join("archive");
    let archive = db.compact(&options(&out, "")).unwrap();
    assert!(archive.starts_with(out.to_str().unwrap()), "{archive}");
    let name = Path::new(&archive).file_name().unwrap().to_str().unwrap().to_string();
    assert!(name.starts_with("journal-") && name.ends_with(".jsonl.gz"), "{name}");
    // journal-YYYYMMDD-HHMMSS.nnnnnnnnn.jsonl.gz
    assert_eq!(name.len(), "journal-".len() + 8 + 1 + 6 + 1 + 9 + ".jsonl.gz".len(), "{name}");
    let rows = read_all(&archive);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].measurement, "old-0");
    assert_eq!(rows[0].bucket, "store");
    assert_eq!(rows[0].fields["i"], json!(0));
    assert_eq!(rows[0].tags["t"], "x");
    let live = db.query_journal("").unwrap();
    assert_eq!(live.len(), 1);
    assert_eq!(live[0]["measurement"], json!("new"));
    assert_eq!(archived(&path), 1);
    assert_eq!(files(&out), vec![name], "no temporary file is left");
}

#[test]
fn zstd_archive_and_line_bytes() {
    let dir = temp_dir();
    let path = db_path(&dir, "j.db");
    let db = open_file(&path);
    let fields = json!({"like": 4, "big": 12345678901234567890u64, "s": "<&>", "f": 0.5});
    db.commit_to_journal("m", fields.as_object().unwrap(), &BTreeMap::from([("w".into(), "a\"b".into())])).unwrap();
    raw(&path).execute("UPDATE journal_entries SET committed_at = 1000", []).unwrap();
    let out = dir.path().join("zs");
    let archive = db.compact(&options(&out, " ZsTd ")).unwrap();
    assert!(archive.contains(".jsonl.zst"), "{archive}");
    let bytes = zstd::decode_all(std::fs::File::open(&archive).unwrap()).unwrap();
    assert_eq!(
        String::from_utf8(bytes).unwrap(),
        "{\"bucket\":\"store\",\"committed_at\":1000,\"fields\":{\"big\":12345678901234567000,\"f\":0.5,\"like\":4,\"s\":\"\\u003c\\u0026\\u003e\"},\"measurement\":\"m\",\"tags\":{\"w\":\"a\\\"b\"}}\n"
    );
}

#[test]
fn no_rows_means_no_file_but_the_directory_exists() {
    let dir = temp_dir();
    let db = open_file(&db_path(&dir, "j.db"));
    db.commit_to_journal("fresh", &Map::new(), &BTreeMap::new()).unwrap();
    let out = dir.path().join("empty/archive");
    assert_eq!(db.compact(&options(&out, "gzip")).unwrap(), "");
    assert!(out.is_dir());
    assert!(files(&out).is_empty());
}

#[test]
fn lines_follow_committed_at_then_entry_id() {
    let dir = temp_dir();
    let (db, path) = journal_with_old_rows(&dir, 4);
    raw(&path).execute("UPDATE journal_entries SET committed_at = 5000 WHERE measurement LIKE 'old-%'", []).unwrap();
    raw(&path).execute("UPDATE journal_entries SET committed_at = 4000 WHERE measurement = 'old-3'", []).unwrap();
    let archive = db.compact(&options(&dir.path().join("a"), "gzip")).unwrap();
    let order: Vec<String> = read_all(&archive).into_iter().map(|r| r.measurement).collect();
    assert_eq!(order, vec!["old-3", "old-0", "old-1", "old-2"]);
}

#[test]
fn rows_of_many_buckets_merge_in_time_order() {
    // 3 text buckets take the per-bucket index scans; 40 buckets, or a
    // bucket that is not text, take the sorted query.
    for (buckets, int_bucket) in [(3i64, false), (40, false), (3, true)] {
        let dir = temp_dir();
        let path = db_path(&dir, "buckets.db");
        let db = open_file(&path);
        db.commit_to_journal("new", &Map::new(), &BTreeMap::new()).unwrap();
        let conn = raw(&path);
        for i in 0..200i64 {
            conn.execute(
                "INSERT INTO journal_entries (bucket_name, measurement, fields_json, tags_json, committed_at) VALUES (?1, ?2, '{}', '{}', ?3)",
                rusqlite::params![format!("b{}", (i * 7) % buckets), format!("m{i:03}"), 1000 + (i / 2)],
            )
            .unwrap();
        }
        // A row whose bucket is not text (written by another program).
        if int_bucket {
            conn.execute("INSERT INTO journal_entries (bucket_name, measurement, fields_json, tags_json, committed_at) VALUES (7, 'm-int', '{}', '{}', 1050)", []).unwrap();
        }
        let archive = db.compact(&options(&dir.path().join("a"), "gzip")).unwrap();
        let got: Vec<(i64, String)> = read_all(&archive).into_iter().map(|r| (r.committed_at, r.measurement)).collect();
        let mut want: Vec<(i64, String)> = (0..200i64).map(|i| (1000 + i / 2, format!("m{i:03}"))).collect();
        if int_bucket {
            want.push((1050, "m-int".into()));
            want.sort_by_key(|(at, _)| *at);
            // Equal times keep insertion (entry_id) order: m-int came last.
            let pos = want.iter().position(|(_, m)| m == "m-int").unwrap();
            let item = want.remove(pos);
            let end = want.iter().rposition(|(at, _)| *at == 1050).unwrap();
            want.insert(end + 1, item);
        }
        assert_eq!(got, want, "{buckets} buckets, int bucket {int_bucket}");
        assert_eq!(db.query_journal("").unwrap().len(), 1, "only the fresh row stays");
    }
}

#[test]
fn options_normalise_and_validate_like_go_store() {
    let n = CompactOptions::default().normalised();
    assert_eq!(n.output, ".core/archive/");
    assert_eq!(n.format, "gzip");
    assert_eq!(CompactOptions { format: " GZIP ".into(), ..Default::default() }.normalised().format, "gzip");
    assert_eq!(CompactOptions { format: "  \t".into(), ..Default::default() }.normalised().format, "gzip");
    let ok = CompactOptions { before: Some(1), format: " ZsTd ".into(), ..Default::default() };
    ok.validate().unwrap();
    let e = CompactOptions::default().validate().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidArgument);
    assert_eq!(
        e.message(),
        "store.CompactOptions.Validate: before cutoff time is empty; use a value like time.Now().Add(-24 * time.Hour)"
    );
    let e = CompactOptions { before: Some(1), format: "bzip2".into(), ..Default::default() }.validate().unwrap_err();
    assert_eq!(e.message(), "store.CompactOptions.Validate: format must be \"gzip\" or \"zstd\"; got bzip2");
    let db = mem();
    let e = db.compact(&CompactOptions::default()).unwrap_err();
    assert!(e.message().starts_with("store.Compact: validate options: store.CompactOptions.Validate: before cutoff"), "{e}");
    assert!(CompactOptions::before(SystemTime::now()).before.unwrap() > 0);
    db.close().unwrap();
    assert_eq!(db.compact(&CompactOptions::before(SystemTime::now())).unwrap_err().message(), "store.Compact: store is closed");
}

#[test]
fn retention_deletes_archived_rows_past_it() {
    let dir = temp_dir();
    let (db, path) = journal_with_old_rows(&dir, 3);
    let mut o = options(&dir.path().join("a"), "gzip");
    o.retention = Some(Duration::from_secs(36 * 3600));
    let archive = db.compact(&o).unwrap();
    assert_eq!(read_all(&archive).len(), 3, "archived before deletion");
    let n: i64 = raw(&path).query_row("SELECT COUNT(*) FROM journal_entries", [], |r| r.get(0)).unwrap();
    assert_eq!(n, 1, "only the fresh row is kept");
}

#[test]
fn undecodable_stored_fields_publish_nothing() {
    let dir = temp_dir();
    let (db, path) = journal_with_old_rows(&dir, 2);
    raw(&path).execute("UPDATE journal_entries SET fields_json = '{broken' WHERE measurement = 'old-1'", []).unwrap();
    let out = dir.path().join("a");
    let e = db.compact(&options(&out, "gzip")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Corrupt);
    assert!(e.message().starts_with("store.Compact: unmarshal fields:"), "{e}");
    assert!(files(&out).is_empty(), "{:?}", files(&out));
    assert_eq!(archived(&path), 0);
}

/// Runs a compaction with `hook` installed on this thread.
fn compact_with(db: &Store, o: &CompactOptions, hook: impl Fn(CompactStep) -> io::Result<()> + 'static) -> store::Result<String> {
    store::set_compact_fault_hook(Some(Box::new(hook)));
    let r = db.compact(o);
    store::set_compact_fault_hook(None);
    r
}

#[test]
fn an_injected_failure_at_any_step_leaves_the_journal_unchanged() {
    let cases: Vec<(CompactStep, i32, &str)> = vec![
        (CompactStep::CreateTemp, libc::EACCES, "create staged archive"),
        (CompactStep::Write, libc::ENOSPC, "write staged archive"),
        (CompactStep::SyncFile, libc::EIO, "sync staged archive"),
        (CompactStep::Rename, libc::EXDEV, "publish staged archive"),
        (CompactStep::SyncDir, libc::EIO, "sync archive directory"),
        (CompactStep::Mark, libc::EIO, "mark journal row archived"),
    ];
    for (step, errno, stage) in cases {
        let dir = temp_dir();
        let (db, path) = journal_with_old_rows(&dir, 3000);
        let out = dir.path().join("a");
        let writes = std::cell::Cell::new(0);
        let e = compact_with(&db, &options(&out, "gzip"), move |s| {
            if s == CompactStep::Write {
                writes.set(writes.get() + 1);
                // A disk that fills up part-way through the stream.
                if step == CompactStep::Write && writes.get() < 3 {
                    return Ok(());
                }
            }
            if s == step {
                Err(io::Error::from_raw_os_error(errno))
            } else {
                Ok(())
            }
        })
        .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Io, "{step:?}: {e}");
        assert!(e.message().starts_with(&format!("store.Compact: {stage}")), "{step:?}: {e}");
        assert!(files(&out).is_empty(), "{step:?}: files left: {:?}", files(&out));
        assert_eq!(archived(&path), 0, "{step:?}");
        assert_eq!(db.query_journal("").unwrap().len(), 3001, "{step:?}");
        // The next compaction succeeds and archives everything once.
        let archive = db.compact(&options(&out, "gzip")).unwrap();
        assert_eq!(read_all(&archive).len(), 3000);
        assert_eq!(archived(&path), 3000);
        assert_eq!(files(&out).len(), 1);
    }
}

#[test]
fn rows_changed_during_compaction_are_not_marked() {
    let dir = temp_dir();
    let (db, path) = journal_with_old_rows(&dir, 5);
    let out = dir.path().join("a");
    let other = path.clone();
    let e = compact_with(&db, &options(&out, "gzip"), move |s| {
        if s == CompactStep::Rename {
            // Another compactor archives one row meanwhile.
            raw(&other).execute("UPDATE journal_entries SET archived_at = 1 WHERE measurement = 'old-2'", []).unwrap();
        }
        Ok(())
    })
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Busy, "{e}");
    assert!(e.message().contains("the journal changed during compaction"), "{e}");
    assert!(files(&out).is_empty(), "the published archive is taken back: {:?}", files(&out));
    assert_eq!(archived(&path), 1, "only the other compactor's mark");
}

// ---- kill -9 at each step --------------------------------------------------

const KILL_STEP: &str = "STORE_TEST_COMPACT_KILL_AT";
const KILL_DB: &str = "STORE_TEST_COMPACT_DB";
const KILL_OUT: &str = "STORE_TEST_COMPACT_OUT";

fn step_named(name: &str) -> CompactStep {
    match name {
        "CreateTemp" => CompactStep::CreateTemp,
        "Write" => CompactStep::Write,
        "SyncFile" => CompactStep::SyncFile,
        "Rename" => CompactStep::Rename,
        "SyncDir" => CompactStep::SyncDir,
        "Mark" => CompactStep::Mark,
        other => panic!("unknown step {other}"),
    }
}

/// The child side: does nothing in a normal run; spawned by the test below,
/// it compacts and SIGKILLs itself when reaching the chosen step.
#[test]
fn compaction_child_process() {
    let (Ok(step), Ok(db), Ok(out)) = (std::env::var(KILL_STEP), std::env::var(KILL_DB), std::env::var(KILL_OUT)) else {
        return;
    };
    let step = step_named(&step);
    let store = open_file(&db);
    let writes = std::cell::Cell::new(0);
    let _ = compact_with(&store, &options(Path::new(&out), "gzip"), move |s| {
        if s == CompactStep::Write {
            writes.set(writes.get() + 1);
        }
        // Mid-stream for Write: after some compressed bytes reached the file.
        if s == step && (s != CompactStep::Write || writes.get() == 3) {
            unsafe { libc::kill(libc::getpid(), libc::SIGKILL) };
        }
        Ok(())
    });
    panic!("the child was not killed at {step:?}");
}

#[test]
fn kill_9_at_any_step_never_marks_a_row_without_a_published_archive() {
    use std::os::unix::process::ExitStatusExt;
    for step in ["CreateTemp", "Write", "SyncFile", "Rename", "SyncDir", "Mark"] {
        let dir = temp_dir();
        let (db, path) = journal_with_old_rows(&dir, 3000);
        db.close().unwrap();
        let out: PathBuf = dir.path().join("a");
        let status = std::process::Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "compaction_child_process", "--test-threads=1", "--nocapture"])
            .env(KILL_STEP, step)
            .env(KILL_DB, &path)
            .env(KILL_OUT, &out)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .unwrap();
        assert_eq!(status.signal(), Some(libc::SIGKILL), "{step}: child exited with {status:?}");
        // What the crash left: never a row marked archived.
        assert_eq!(archived(&path), 0, "{step}");
        let finals: Vec<String> = files(&out).into_iter().filter(|f| !f.ends_with(".tmp")).collect();
        let published = matches!(step, "SyncDir" | "Mark");
        if published {
            // Renamed before the crash: a complete archive, rows unmarked.
            assert_eq!(finals.len(), 1, "{step}");
            assert_eq!(read_all(out.join(&finals[0]).to_str().unwrap()).len(), 3000, "{step}");
        } else {
            assert!(finals.is_empty(), "{step}: {finals:?}");
        }
        // Recovery: the next run archives the rows (again, after a crash
        // between publish and mark) and marks them.
        let db = open_file(&path);
        let archive = db.compact(&options(&out, "gzip")).unwrap();
        assert_eq!(read_all(&archive).len(), 3000, "{step}");
        assert_eq!(archived(&path), 3000, "{step}");
        assert_eq!(db.query_journal("").unwrap().len(), 1, "{step}");
    }
}

// ---- through a medium --------------------------------------------------------

fn memory_medium() -> store::SharedMedium {
    store::SharedMedium::new(store::MemoryMedium::new())
}

fn gz_lines(bytes: &[u8]) -> usize {
    use std::io::Read;
    let mut text = String::new();
    flate2::read::MultiGzDecoder::new(bytes).read_to_string(&mut text).unwrap();
    text.lines().count()
}

fn medium_files(medium: &store::SharedMedium, dir: &str) -> Vec<String> {
    medium.list(dir).map(|l| l.into_iter().map(|f| f.name).collect()).unwrap_or_default()
}

#[test]
fn the_stores_medium_receives_the_archive() {
    let dir = temp_dir();
    let medium = memory_medium();
    let db = Store::open(store::Config::new(db_path(&dir, "m.db")).medium(medium.clone())).unwrap();
    for m in ["a", "b", "c"] {
        db.commit_to_journal(m, &Map::new(), &BTreeMap::new()).unwrap();
    }
    let o = CompactOptions { before: Some(now_ms() + 60_000), output: "archive/".into(), ..Default::default() };
    let path = db.compact(&o).unwrap();
    assert!(path.starts_with("archive/journal-") && path.ends_with(".jsonl.gz"), "{path}");
    assert_eq!(gz_lines(&medium.read(&path).unwrap()), 3);
    assert_eq!(medium_files(&medium, "archive").len(), 1, "no .tmp left");
    assert!(db.query_journal("").unwrap().is_empty());
    assert!(!std::path::Path::new("archive").exists(), "nothing written to the local disk");
}

#[test]
fn an_explicit_medium_wins_and_failures_leave_it_clean() {
    let dir = temp_dir();
    let db = open_file(&db_path(&dir, "local.db"));
    for m in ["a", "b"] {
        db.commit_to_journal(m, &Map::new(), &BTreeMap::new()).unwrap();
    }
    let medium = memory_medium();
    let o = CompactOptions {
        before: Some(now_ms() + 60_000),
        output: "cold".into(),
        format: "zstd".into(),
        medium: Some(medium.clone()),
        ..Default::default()
    };
    for (step, stage) in [
        (CompactStep::Write, "store.Compact: write staged archive"),
        (CompactStep::Rename, "store.Compact: publish staged archive"),
        (CompactStep::Mark, "store.Compact: mark journal row archived"),
    ] {
        let e = compact_with(&db, &o, move |s| if s == step { Err(io::Error::from_raw_os_error(libc::EIO)) } else { Ok(()) })
            .unwrap_err();
        assert!(e.message().starts_with(stage), "{step:?}: {e}");
        assert!(medium_files(&medium, "cold").is_empty(), "{step:?}: {:?}", medium_files(&medium, "cold"));
        assert_eq!(db.query_journal("").unwrap().len(), 2, "{step:?}: no row marked");
    }
    let path = db.compact(&o).unwrap();
    assert!(path.starts_with("cold/") && path.ends_with(".jsonl.zst"), "{path}");
    let bytes = zstd::decode_all(&medium.read(&path).unwrap()[..]).unwrap();
    assert_eq!(String::from_utf8(bytes).unwrap().lines().count(), 2);
    assert!(db.query_journal("").unwrap().is_empty());
}
