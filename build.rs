//! Generates the C header from `src/ffi` into the build directory. The
//! checked-in `include/store.h` must match it (a test fails otherwise);
//! `make header` copies it over. The source tree is never written here.

use std::env;
use std::path::PathBuf;

fn main() {
    let crate_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("OUT_DIR"));
    let include = out_dir.join("include");
    std::fs::create_dir_all(&include).expect("create include dir");
    let header = include.join("store.h");

    let config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml")).expect("read cbindgen.toml");
    // Only the FFI module is the C ABI; the Rust API's public items stay out.
    // cbindgen follows the `mod` declarations of the FFI module's root.
    let builder = cbindgen::Builder::new().with_config(config).with_src(crate_dir.join("src/ffi/mod.rs"));
    builder
        .generate()
        .expect("generate store.h from src/ffi")
        .write_to_file(&header);

    // While 0.x every minor release may break the ABI, so the SONAME carries
    // MAJOR.MINOR; from 1.0 on it will carry MAJOR only.
    let major = env::var("CARGO_PKG_VERSION_MAJOR").expect("version");
    let minor = env::var("CARGO_PKG_VERSION_MINOR").expect("version");
    if env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libstore.so.{major}.{minor}");
    }

    link_duckdb();

    println!("cargo:rustc-env=STORE_GENERATED_HEADER={}", header.display());
    println!("cargo:include={}", include.display());
    println!("cargo:rerun-if-changed=src/ffi");
    println!("cargo:rerun-if-changed=cbindgen.toml");
}

/// Where programs find the prebuilt libduckdb at run time. The shared library
/// looks beside itself (`$ORIGIN`: `make build` copies libduckdb.so into
/// build/lib); cargo's test binaries look in the cache directory they were
/// linked against.
fn link_duckdb() {
    println!("cargo:rerun-if-env-changed=DUCKDB_LIB_DIR");
    if env::var_os("CARGO_FEATURE_DUCKDB").is_none() || env::var_os("CARGO_FEATURE_DUCKDB_BUNDLED").is_some() {
        return;
    }
    let Some(dir) = env::var_os("DUCKDB_LIB_DIR") else {
        panic!(
            "the `duckdb` feature links a prebuilt libduckdb: run `make build`, or \
             `export DUCKDB_LIB_DIR=$(scripts/duckdb-fetch.sh)` before cargo, or build with \
             `--features duckdb-bundled` (compiles DuckDB), or `--no-default-features` (KV only)"
        );
    };
    let dir = PathBuf::from(dir);
    if !dir.join("libduckdb.so").exists() && env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        panic!("DUCKDB_LIB_DIR={} holds no libduckdb.so: run scripts/duckdb-fetch.sh", dir.display());
    }
    println!("cargo:rustc-cdylib-link-arg=-Wl,-rpath,$ORIGIN");
    println!("cargo:rustc-link-arg-tests=-Wl,-rpath,{}", dir.display());
}
