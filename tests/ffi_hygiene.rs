//! Source checks on the C ABI layer (DESIGN.md §4 items 5 and 12).
//!
//! A handle may be in use on another thread or by an outer call (an event
//! callback runs inside `store_set`), so `src/ffi` reaches handles and
//! caller-owned structs through shared references and raw-pointer reads and
//! writes only: a `&mut` to memory someone else may be reading is undefined
//! behaviour even if nothing is written through it.

use std::path::Path;

/// The Rust files under `src/ffi`, with their text.
fn ffi_sources() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/ffi");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("read src/ffi")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("read source");
            (p.file_name().unwrap().to_string_lossy().into_owned(), text)
        })
        .collect();
    files.sort();
    assert!(files.len() >= 5, "expected the FFI sources in {}", dir.display());
    files
}

/// The line without its `//` comment (doc comments may name the patterns).
fn code_of(line: &str) -> &str {
    line.find("//").map_or(line, |i| &line[..i])
}

#[test]
fn no_mutable_reference_to_a_handle_or_caller_struct() {
    let forbidden = [".as_mut()", "&mut *", "&mut (*", "as_mut_unchecked"];
    let mut found = Vec::new();
    for (file, text) in ffi_sources() {
        for (n, line) in text.lines().enumerate() {
            let code = code_of(line);
            for pattern in forbidden {
                if code.contains(pattern) {
                    found.push(format!("src/ffi/{file}:{}: `{pattern}` in: {}", n + 1, line.trim()));
                }
            }
        }
    }
    assert!(found.is_empty(), "mutable references in src/ffi:\n{}", found.join("\n"));
}

#[test]
fn every_exported_function_goes_through_the_panic_boundary() {
    let mut missing = Vec::new();
    for (file, text) in ffi_sources() {
        let lines: Vec<&str> = text.lines().collect();
        for (n, line) in lines.iter().enumerate() {
            if !(line.contains("extern \"C\" fn store_") && line.trim_start().starts_with("pub")) {
                continue;
            }
            // The body, up to the closing brace at column 0.
            let body: Vec<&str> = lines[n..].iter().take_while(|l| !l.starts_with('}')).copied().collect();
            let body = body.join("\n");
            if !(body.contains("call(") || body.contains("call_or(")) {
                missing.push(format!("src/ffi/{file}:{}: {}", n + 1, line.trim()));
            }
        }
    }
    assert!(missing.is_empty(), "exported functions outside call/call_or:\n{}", missing.join("\n"));
}
