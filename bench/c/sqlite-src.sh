#!/bin/sh
# Prints the directory holding the SQLite amalgamation (sqlite3.c, sqlite3.h)
# that rusqlite's `bundled` feature compiles into libstore, so the raw-SQLite
# side of the benchmarks and the test fixtures use the very same SQLite.
#
# Asks cargo where the locked libsqlite3-sys lives; falls back to the
# registry checkout of the version named in Cargo.lock.
set -eu
cargo=${CARGO:-cargo}
manifest=$("$cargo" metadata --format-version 1 --locked --offline 2>/dev/null |
    grep -o '"manifest_path":"[^"]*/libsqlite3-sys-[^"/]*/Cargo.toml"' | head -n 1 |
    sed -e 's/^"manifest_path":"//' -e 's/"$//') || true
dir=${manifest%/Cargo.toml}
if [ -z "$manifest" ] || [ ! -f "$dir/sqlite3/sqlite3.c" ]; then
    version=$(awk '/^name = "libsqlite3-sys"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)
    dir=
    for candidate in "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/libsqlite3-sys-"$version"; do
        dir=$candidate
    done
fi
if [ ! -f "$dir/sqlite3/sqlite3.c" ]; then
    echo "sqlite-src.sh: cannot find libsqlite3-sys's sqlite3.c (run 'make build' first)" >&2
    exit 1
fi
echo "$dir/sqlite3"
