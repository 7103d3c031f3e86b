//! CRUD, reads and iteration (contract §2.5–2.6, §17.2), plus the fixed
//! defects: case-sensitive prefixes and calling the store from a loop body.

mod common;

use common::*;
use store::{ErrorKind, KeyValue, Kv, Store, NOT_FOUND_TEXT};

fn kv(key: &str, value: &str) -> KeyValue {
    KeyValue { key: key.into(), value: value.into() }
}

fn names(groups: Vec<Vec<u8>>) -> Vec<String> {
    groups.iter().map(|g| text(g)).collect()
}

fn keys(page: &[KeyValue]) -> Vec<String> {
    page.iter().map(|kv| text(&kv.key)).collect()
}

#[test]
fn set_get_good() {
    let db = mem();
    db.set("config", "colour", "blue").unwrap();
    assert_eq!(db.get("config", "colour").unwrap(), b"blue");
    assert_eq!(db.get_with("config", "colour", |v| v.len()).unwrap(), 4);
}

#[test]
fn set_good_upsert() {
    let db = mem();
    db.set("g", "k", "one").unwrap();
    db.set("g", "k", "two").unwrap();
    assert_eq!(db.get("g", "k").unwrap(), b"two");
    assert_eq!(db.count("g").unwrap(), 1);
}

#[test]
fn get_bad_not_found() {
    let db = mem();
    db.set("config", "other", "x").unwrap();
    let msg = assert_err(db.get("config", "colour"), ErrorKind::NotFound, &[]);
    assert_eq!(msg, "store.Get: config/colour: store: not found");
}

#[test]
fn get_bad_non_existent_group() {
    let db = mem();
    assert_err(db.get("nope", "k"), ErrorKind::NotFound, &["nope/k"]);
}

#[test]
fn not_found_error_good_is() {
    let e = mem().get("g", "k").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    assert!(e.message().ends_with(NOT_FOUND_TEXT), "{e}");
    assert_eq!(e.to_string(), e.message());
}

#[test]
fn exists_good_present_and_absent() {
    let db = mem();
    db.set("g", "k", "v").unwrap();
    assert!(db.exists("g", "k").unwrap());
    assert!(!db.exists("g", "other").unwrap());
    assert!(!db.exists("other", "k").unwrap());
}

#[test]
fn group_exists_good() {
    let db = mem();
    assert!(!db.group_exists("g").unwrap());
    db.set("g", "k", "v").unwrap();
    assert!(db.group_exists("g").unwrap());
    db.delete("g", "k").unwrap();
    assert!(!db.group_exists("g").unwrap(), "empty after delete");
}

#[test]
fn delete_good() {
    let db = mem();
    db.set("g", "k", "v").unwrap();
    db.set("g", "keep", "v").unwrap();
    db.delete("g", "k").unwrap();
    assert_err(db.get("g", "k"), ErrorKind::NotFound, &[]);
    assert_eq!(db.get("g", "keep").unwrap(), b"v");
}

#[test]
fn delete_good_non_existent() {
    let db = mem();
    db.delete("g", "missing").unwrap();
    db.delete("missing-group", "k").unwrap();
}

#[test]
fn count_good() {
    let db = mem();
    assert_eq!(db.count("g").unwrap(), 0);
    db.set("g", "a", "1").unwrap();
    db.set("g", "b", "2").unwrap();
    db.set("h", "a", "1").unwrap();
    assert_eq!(db.count("g").unwrap(), 2);
    assert_eq!(db.count("h").unwrap(), 1);
}

#[test]
fn count_good_bulk_insert() {
    let db = mem();
    for i in 0..500 {
        db.set("bulk", format!("key-{i}"), format!("value-{i}")).unwrap();
    }
    assert_eq!(db.count("bulk").unwrap(), 500);
}

#[test]
fn delete_group_good_isolates_other_groups() {
    let db = mem();
    db.set("a", "1", "x").unwrap();
    db.set("a", "2", "x").unwrap();
    db.set("b", "1", "y").unwrap();
    db.delete_group("a").unwrap();
    assert_eq!(db.count("a").unwrap(), 0);
    assert!(db.get_all("a").unwrap().is_empty());
    assert_eq!(db.get_all("b").unwrap(), vec![kv("1", "y")]);
    db.delete_group("never-existed").unwrap();
}

#[test]
fn delete_prefix_good() {
    let db = mem();
    db.set("tenant-a:config", "k", "v").unwrap();
    db.set("tenant-a:cache", "k", "v").unwrap();
    db.set("tenant-b:config", "k", "v").unwrap();
    db.delete_prefix("tenant-a:").unwrap();
    assert_eq!(names(db.groups("").unwrap()), ["tenant-b:config"]);
    db.delete_prefix("").unwrap();
    assert_eq!(db.count_all("").unwrap(), 0);
}

#[test]
fn get_all_good() {
    let db = mem();
    db.set("g", "b", "2").unwrap();
    db.set("g", "a", "1").unwrap();
    db.set("other", "c", "3").unwrap();
    assert_eq!(db.get_all("g").unwrap(), vec![kv("a", "1"), kv("b", "2")]);
    assert!(db.get_all("missing").unwrap().is_empty());
}

fn phonetic(db: &Store) {
    for k in ["delta", "alpha", "charlie", "bravo", "echo"] {
        db.set("g", k, k.to_uppercase()).unwrap();
    }
}

#[test]
fn get_page_good() {
    let db = mem();
    phonetic(&db);
    assert_eq!(db.get_page("g", 1, 2).unwrap(), vec![kv("bravo", "BRAVO"), kv("charlie", "CHARLIE")]);
    assert_eq!(keys(&db.get_page("g", 0, 100).unwrap()), ["alpha", "bravo", "charlie", "delta", "echo"]);
    assert_eq!(keys(&db.get_page("g", 4, 10).unwrap()), ["echo"]);
}

#[test]
fn get_page_good_empty_and_bounds() {
    let db = mem();
    phonetic(&db);
    assert!(db.get_page("g", 0, 0).unwrap().is_empty());
    assert!(db.get_page("g", 5, 10).unwrap().is_empty());
    assert!(db.get_page("g", i64::MAX, 1).unwrap().is_empty());
    assert!(db.get_page("missing", 0, 10).unwrap().is_empty());
    assert_err(db.get_page("g", -1, 2), ErrorKind::InvalidArgument, &["store.GetPage", "offset must be zero or positive"]);
    assert_err(db.get_page("g", 0, -1), ErrorKind::InvalidArgument, &["store.GetPage", "limit must be zero or positive"]);
    // Offset is checked first.
    assert_err(db.get_page("g", -1, -1), ErrorKind::InvalidArgument, &["offset must be zero or positive"]);
}

#[test]
fn all_good_sorted_by_key() {
    let db = mem();
    // SQLite BINARY order is byte order: upper case before lower, prefixes first.
    for k in ["b", "a", "B", "ab", "a\u{e9}", "A", "\u{1F600}"] {
        db.set("g", k, "v").unwrap();
    }
    let expected = ["A", "B", "a", "ab", "a\u{e9}", "b", "\u{1F600}"];
    let got: Vec<String> = db.iter("g").map(|r| text(&r.unwrap().key)).collect();
    assert_eq!(got, expected);
    assert_eq!(keys(&db.get_all("g").unwrap()), expected);
}

#[test]
fn all_good_spans_pages_in_order() {
    let db = mem();
    let n = store::ITER_PAGE_SIZE * 2 + 7;
    for i in (0..n).rev() {
        db.set("g", format!("{i:05}"), i.to_string()).unwrap();
    }
    let got: Vec<KeyValue> = db.iter("g").map(Result::unwrap).collect();
    assert_eq!(got.len(), n);
    for (i, row) in got.iter().enumerate() {
        assert_eq!(row.key, format!("{i:05}").into_bytes());
        assert_eq!(row.value, i.to_string().into_bytes());
    }
}

#[test]
fn all_good_stops_early() {
    let db = mem();
    phonetic(&db);
    let first_two: Vec<String> = db.iter("g").take(2).map(|r| text(&r.unwrap().key)).collect();
    assert_eq!(first_two, ["alpha", "bravo"]);
    // Abandoning an iterator leaves the store usable.
    db.set("g", "foxtrot", "F").unwrap();
    assert_eq!(db.count("g").unwrap(), 6);
}

#[test]
fn groups_good_sorted_prefix_and_default() {
    let db = mem();
    for g in ["charlie", "alpha", "bravo", "alpha-2"] {
        db.set(g, "k", "v").unwrap();
        db.set(g, "k2", "v").unwrap();
    }
    assert_eq!(names(db.groups("").unwrap()), ["alpha", "alpha-2", "bravo", "charlie"]);
    assert_eq!(names(db.groups("alpha").unwrap()), ["alpha", "alpha-2"]);
    assert!(db.groups("zulu").unwrap().is_empty());
    let mut early = Vec::new();
    db.groups_with("", &mut |g| early.push(text(g))).unwrap();
    assert_eq!(early.len(), 4, "distinct names only");
}

#[test]
fn get_split_good_splits_value() {
    let db = mem();
    db.set("g", "list", "a,b,c").unwrap();
    db.set("g", "empty", "").unwrap();
    db.set("g", "gaps", "a,,b,").unwrap();
    assert_eq!(db.get_split("g", "list", ",").unwrap(), [b"a".to_vec(), b"b".to_vec(), b"c".to_vec()]);
    assert_eq!(db.get_split("g", "empty", ",").unwrap(), [b"".to_vec()]);
    assert_eq!(db.get_split("g", "gaps", ",").unwrap(), [b"a".to_vec(), vec![], b"b".to_vec(), vec![]]);
    // An empty separator splits into UTF-8 characters.
    db.set("g", "word", "h\u{e9}!").unwrap();
    assert_eq!(db.get_split("g", "word", "").unwrap(), [b"h".to_vec(), "\u{e9}".as_bytes().to_vec(), b"!".to_vec()]);
}

#[test]
fn get_split_bad_missing_key() {
    assert_err(mem().get_split("g", "k", ","), ErrorKind::NotFound, &["store.Get", "g/k"]);
}

#[test]
fn get_fields_good_splits_whitespace() {
    let db = mem();
    db.set("g", "k", "alpha beta\tgamma\n").unwrap();
    assert_eq!(db.get_fields("g", "k").unwrap(), [b"alpha".to_vec(), b"beta".to_vec(), b"gamma".to_vec()]);
    db.set("g", "blank", " \t\n ").unwrap();
    assert!(db.get_fields("g", "blank").unwrap().is_empty());
}

#[test]
fn get_fields_bad_missing_key() {
    assert_err(mem().get_fields("g", "k"), ErrorKind::NotFound, &["g/k"]);
}

#[test]
fn render_good() {
    let db = mem();
    db.set("mail", "host", "smtp.example.com").unwrap();
    db.set("mail", "port", "587").unwrap();
    assert_eq!(db.render("{{ .host }}:{{ .port }}", "mail").unwrap(), "smtp.example.com:587");
    // minijinja's own form works too.
    assert_eq!(db.render("{{ host }}:{{ port | int + 1 }}", "mail").unwrap(), "smtp.example.com:588");
}

#[test]
fn render_good_empty_group() {
    assert_eq!(mem().render("static text", "none").unwrap(), "static text");
}

#[test]
fn render_bad_missing_template_var() {
    let db = mem();
    db.set("g", "a", "1").unwrap();
    assert_eq!(db.render("[{{ .a }}|{{ .missing }}]", "g").unwrap(), "[1|<no value>]");
}

#[test]
fn render_bad_invalid_template_syntax() {
    let msg = assert_err(mem().render("{{ .broken ", "g"), ErrorKind::Template, &[]);
    assert!(msg.starts_with("store.Render: parse"), "{msg}");
}

#[test]
fn render_bad_exec_error() {
    let msg = assert_err(mem().render("{{ nosuchfunction() }}", "g"), ErrorKind::Template, &[]);
    assert!(msg.starts_with("store.Render: exec"), "{msg}");
}

#[test]
fn set_get_good_edge_cases() {
    let big_key = "k".repeat(10_000);
    let big_group = "g".repeat(10_000);
    let big_value = "v".repeat(100_000);
    let cases: [(&str, &str, &str, &str); 18] = [
        ("empty key", "g", "", "value"),
        ("empty value", "g", "key", ""),
        ("empty group", "", "key", "value"),
        ("all empty", "", "", ""),
        ("spaces", "  g  ", "  k  ", "  v  "),
        ("newlines", "g\n", "k\nk", "v\r\nv\n"),
        ("tabs", "\tg", "k\t", "\tv\t"),
        ("unicode", "gr\u{fc}ppe", "cl\u{e9}", "valeur \u{e0} \u{e9}t\u{e9}"),
        ("emoji", "\u{1F4E6}", "\u{1F511}", "\u{1F680}\u{1F30D}"),
        ("cjk", "\u{7d44}", "\u{9375}", "\u{5024}\u{3067}\u{3059}"),
        ("arabic", "\u{645}\u{62c}\u{645}\u{648}\u{639}\u{629}", "\u{645}\u{641}\u{62a}\u{627}\u{62d}", "\u{642}\u{64a}\u{645}\u{629}"),
        ("nul bytes", "g\0g", "k\0\0k", "\0v\0"),
        ("sql injection", "g'; DROP TABLE entries; --", "k' OR '1'='1", "v\"); DELETE FROM entries; --"),
        ("backslash", "g\\", "k\\\\", "C:\\path\\to"),
        ("percent", "g%", "%k_", "100%_done"),
        ("10k key", "g", &big_key, "v"),
        ("100k value", "g", "big", &big_value),
        ("10k group", &big_group, "k", "v"),
    ];
    let db = mem();
    for (name, group, key, value) in cases {
        db.set(group, key, value).unwrap_or_else(|e| panic!("{name}: set: {e}"));
        let got = db.get(group, key).unwrap_or_else(|e| panic!("{name}: get: {e}"));
        assert_eq!(got, value.as_bytes(), "{name}");
        assert!(db.exists(group, key).unwrap(), "{name}");
        assert!(db.get_all(group).unwrap().iter().any(|r| r.key == key.as_bytes() && r.value == value.as_bytes()), "{name}");
        assert!(db.groups("").unwrap().contains(&group.as_bytes().to_vec()), "{name}");
    }
    // The SQL text was data: the table is intact.
    assert!(db.count_all("").unwrap() >= 16);
}

#[test]
fn set_get_good_invalid_utf8_round_trips() {
    let db = mem();
    let group: &[u8] = b"grp\xff\xfe";
    let key: &[u8] = b"k\xc3\x28\x00";
    let value: &[u8] = b"\x80\x81 v \xf0\x28\x8c\x28";
    db.set(group, key, value).unwrap();
    assert_eq!(db.get(group, key).unwrap(), value);
    assert_eq!(db.get_all(group).unwrap(), vec![KeyValue { key: key.to_vec(), value: value.to_vec() }]);
    assert_eq!(db.groups(b"grp").unwrap(), vec![group.to_vec()]);
    assert_eq!(db.count_all(b"grp\xff").unwrap(), 1);
    assert_eq!(db.get_split(group, key, b" ").unwrap(), vec![b"\x80\x81".to_vec(), b"v".to_vec(), b"\xf0\x28\x8c\x28".to_vec()]);
    let iterated: Vec<KeyValue> = db.iter(group).map(Result::unwrap).collect();
    assert_eq!(iterated[0].value, value);
    db.delete(group, key).unwrap();
    assert!(!db.exists(group, key).unwrap());
}

#[test]
fn prefix_good_high_bytes_bound_correctly() {
    let db = mem();
    db.set(b"\xff\xff".as_slice(), "k", "v").unwrap();
    db.set(b"\xff\xffa".as_slice(), "k", "v").unwrap();
    db.set(b"\xfe".as_slice(), "k", "v").unwrap();
    assert_eq!(db.count_all(b"\xff\xff").unwrap(), 2);
    assert_eq!(db.count_all(b"\xff").unwrap(), 2);
    assert_eq!(db.groups(b"\xfe").unwrap(), vec![b"\xfe".to_vec()]);
    db.delete_prefix(b"\xff").unwrap();
    assert_eq!(db.groups("").unwrap(), vec![b"\xfe".to_vec()]);
}

#[test]
fn group_isolation_good() {
    let db = mem();
    db.set("a", "k", "from-a").unwrap();
    db.set("b", "k", "from-b").unwrap();
    assert_eq!(db.get("a", "k").unwrap(), b"from-a");
    assert_eq!(db.get("b", "k").unwrap(), b"from-b");
    db.delete("a", "k").unwrap();
    assert_eq!(db.get("b", "k").unwrap(), b"from-b");
}

#[test]
fn count_all_good_with_prefix() {
    let db = mem();
    db.set("user:1", "a", "v").unwrap();
    db.set("user:1", "b", "v").unwrap();
    db.set("user:2", "a", "v").unwrap();
    db.set("admin", "a", "v").unwrap();
    assert_eq!(db.count_all("user:").unwrap(), 3);
    assert_eq!(db.count_all("").unwrap(), 4);
    assert_eq!(db.count_all("nobody").unwrap(), 0);
    assert_eq!(mem().count_all("").unwrap(), 0);
}

#[test]
fn count_all_good_with_prefix_wildcards() {
    let db = mem();
    for g in ["user_1", "user_2", "user_test", "user%test", "userXtest", "user"] {
        db.set(g, "k", "v").unwrap();
    }
    assert_eq!(db.count_all("user_").unwrap(), 3, "`_` is literal");
    assert_eq!(db.count_all("user%").unwrap(), 1, "`%` is literal");
    assert_eq!(names(db.groups("user_").unwrap()), ["user_1", "user_2", "user_test"]);
    assert_eq!(names(db.groups("user%").unwrap()), ["user%test"]);
    db.set("a^b", "k", "v").unwrap();
    db.set("a^^b", "k", "v").unwrap();
    assert_eq!(db.count_all("a^").unwrap(), 2, "go-store's escape character is literal too");
    db.delete_prefix("user_").unwrap();
    assert_eq!(names(db.groups("user").unwrap()), ["user", "user%test", "userXtest"]);
}

#[test]
fn prefixes_good_case_sensitive() {
    let db = mem();
    db.set("Tenant-A:config", "k", "v").unwrap();
    db.set("tenant-a:config", "k", "v").unwrap();
    db.set("tenant-a:config", "k2", "v").unwrap();
    db.set("TENANT-A:config", "k", "v").unwrap();
    assert_eq!(db.count_all("tenant-a:").unwrap(), 2);
    assert_eq!(db.count_all("Tenant-A:").unwrap(), 1);
    assert_eq!(names(db.groups("tenant-a:").unwrap()), ["tenant-a:config"]);
    assert_eq!(names(db.groups("Tenant").unwrap()), ["Tenant-A:config"]);
    db.delete_prefix("tenant-a:").unwrap();
    assert_eq!(names(db.groups("").unwrap()), ["TENANT-A:config", "Tenant-A:config"]);
}

#[test]
fn all_good_loop_body_may_call_the_store() {
    fn exercise(db: Store) {
        let n = store::ITER_PAGE_SIZE + 50;
        for i in 0..n {
            db.set("src", format!("{i:04}"), "v").unwrap();
        }
        let mut seen = 0;
        for row in db.iter("src") {
            let row = row.unwrap();
            // Reads, writes to this and other groups, and a nested iteration.
            assert_eq!(db.get("src", &row.key).unwrap(), b"v");
            db.set("dst", &row.key, "copied").unwrap();
            db.set("src", &row.key, "v").unwrap();
            assert!(db.count("src").unwrap() >= 1);
            if seen == 0 {
                assert_eq!(db.iter("src").count(), n);
            }
            seen += 1;
        }
        assert_eq!(seen, n);
        assert_eq!(db.count("dst").unwrap(), n as i64);
    }
    on_memory_and_file("store called from a loop body", exercise);
}

#[test]
fn all_good_deleting_inside_the_loop_is_safe() {
    let db = mem();
    let n = store::ITER_PAGE_SIZE * 2;
    for i in 0..n {
        db.set("g", format!("{i:04}"), "v").unwrap();
    }
    let db2 = db.clone();
    let visited = within(WATCHDOG, "delete from a loop body", move || {
        let mut visited = 0;
        for row in db2.iter("g") {
            db2.delete("g", row.unwrap().key).unwrap();
            visited += 1;
        }
        visited
    });
    // Each key is visited once although rows vanish under the cursor.
    assert_eq!(visited, n);
    assert_eq!(db.count("g").unwrap(), 0);
}

#[test]
fn get_all_with_bad_visitor_calling_the_store_fails_instead_of_deadlocking() {
    // The `_with` visitors run while a connection is held (no copy per row).
    // On :memory: that is the writer, so a call back into the store gets
    // `Busy`; on a file store the visitor holds a reader and writes proceed.
    let db = mem();
    db.set("g", "a", "1").unwrap();
    db.set("g", "b", "2").unwrap();
    let inner = db.clone();
    let errors = within(WATCHDOG, "store called from a get_all_with visitor", move || {
        let mut errors = Vec::new();
        inner.get_all_with("g", &mut |k, v| errors.push(inner.set("copy", k, v).unwrap_err())).unwrap();
        let tx = inner.begin().unwrap();
        tx.get_page_with("g", 0, 1, &mut |k, _| {
            errors.push(tx.delete("g", k).unwrap_err());
            errors.push(tx.commit().unwrap_err());
        })
        .unwrap();
        // The refused commit left the transaction open and intact.
        tx.set("g", "from-tx", "v").unwrap();
        tx.commit().unwrap();
        inner.groups_with("", &mut |_| errors.push(inner.count("g").unwrap_err())).unwrap();
        errors
    });
    assert_eq!(errors.len(), 5);
    for e in &errors {
        assert_eq!(e.kind(), ErrorKind::Busy, "{e}");
        assert!(e.message().contains("inside a visitor"), "{e}");
    }
    // Nothing was half-done, and the store is usable afterwards.
    assert_eq!(db.count("g").unwrap(), 3);
    assert_eq!(db.count("copy").unwrap(), 0);
    db.set("g", "c", "3").unwrap();

    let dir = temp_dir();
    let file = open_file(&db_path(&dir, "visit.db"));
    file.set("g", "a", "1").unwrap();
    let inner = file.clone();
    within(WATCHDOG, "file store called from a visitor", move || {
        inner.get_all_with("g", &mut |k, v| inner.set("copy", k, v).unwrap()).unwrap();
    });
    assert_eq!(file.get("copy", "a").unwrap(), b"1");
}

#[test]
fn errors_good_messages_quote_keys_bounded_and_escaped() {
    let db = mem();
    let huge = vec![b'k'; 1 << 20];
    let err = db.get("g", &huge).unwrap_err();
    assert!(err.message().len() < 700, "a 1 MiB key made a {}-byte message", err.message().len());
    assert!(err.message().ends_with(&format!("…(+{} bytes): store: not found", (1 << 20) - 256)), "{}", &err.message()[err.message().len() - 60..]);
    let err = db.get("grp\n", b"bad\xff\x00key").unwrap_err();
    assert_eq!(err.message(), "store.Get: grp\\n/bad\\xff\\u{0}key: store: not found");
    let err = db.get("config", "colour").unwrap_err();
    assert_eq!(err.message(), "store.Get: config/colour: store: not found", "plain keys read as go-store writes them");
}
