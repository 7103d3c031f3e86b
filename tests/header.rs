//! The checked-in C header must equal the one cbindgen generates from
//! `src/ffi` during the build, so the ABI users compile against never drifts
//! from the library they link.

/// The checked-in header is generated with the default features (DuckDB
/// included); a KV-only build generates a header without the DuckDB calls.
#[test]
#[cfg_attr(not(feature = "duckdb"), ignore = "include/store.h is generated with the default features")]
fn checked_in_header_matches_generated() {
    let generated_path = env!("STORE_GENERATED_HEADER");
    let checked_in_path = concat!(env!("CARGO_MANIFEST_DIR"), "/include/store.h");
    let generated = std::fs::read_to_string(generated_path)
        .unwrap_or_else(|e| panic!("cannot read the generated header {generated_path}: {e}"));
    let checked_in = std::fs::read_to_string(checked_in_path)
        .unwrap_or_else(|e| panic!("cannot read {checked_in_path}: {e}; run `make header`"));
    if generated != checked_in {
        let line = generated
            .lines()
            .zip(checked_in.lines())
            .position(|(a, b)| a != b)
            .map_or_else(|| generated.lines().count().min(checked_in.lines().count()) + 1, |i| i + 1);
        panic!(
            "include/store.h differs from the header generated from src/ffi (first difference at line {line}); \
             run `make header` to refresh it"
        );
    }
}

#[test]
fn header_declares_the_abi_entry_points() {
    // Guards against comparing two empty or truncated files.
    let header = include_str!("../include/store.h");
    for symbol in ["store_version", "store_db_kv", "store_get", "store_set", "store_last_error", "store_txn_kv"] {
        assert!(header.contains(symbol), "include/store.h lacks {symbol}");
    }
}
