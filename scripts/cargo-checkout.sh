#!/bin/sh
# Runs a command that uses cargo's shared build cache for this checkout,
# one checkout at a time.
#
#   scripts/cargo-checkout.sh COMMAND [ARG...]
#
# The library's crate types include cdylib and staticlib, so cargo names the
# crate's own artifacts without a hash (deps/libstore.rlib, libstore.so,
# libstore.a): two checkouts sharing CARGO_TARGET_DIR write the same files.
# Two things follow, and this script handles both:
# - while one checkout builds, another's doc test or copy into build/lib can
#   find the file missing or half written: a lock on the cache serialises
#   every cargo command of every checkout (with what it copies);
# - cargo's fingerprints are per checkout, so after checkout B built, A's
#   crate still looks fresh to cargo although the files now hold B's build:
#   when another checkout built last, this one's src/lib.rs is touched so
#   cargo rebuilds this crate (its dependencies stay cached). Only then: a
#   touch also dirties the crate in every other cache this checkout uses
#   (make test-kv-only has its own), so touching on a cache's first build
#   made the next cargo command in the main cache rebuild the crate and
#   every test binary for nothing. A cache with no marker but a build of
#   the crate (from before this script kept one) counts as another's.
set -eu

dir=${CARGO_TARGET_DIR:?CARGO_TARGET_DIR must be set}
mkdir -p "$dir"
exec 9>"$dir/.store-checkout.lock"
if ! flock -n 9; then
    echo "cargo-checkout: waiting for another checkout's build in $dir" >&2
    flock 9
fi
here=$(pwd -P)
last=$(cat "$dir/.store-last-checkout" 2>/dev/null || true)
if [ "$last" != "$here" ]; then
    if [ -n "$last" ]; then
        echo "cargo-checkout: $last built last; rebuilding this checkout's crate" >&2
        touch src/lib.rs
    elif ls -d "$dir"/*/.fingerprint/store-* >/dev/null 2>&1; then
        touch src/lib.rs
    fi
    printf '%s\n' "$here" >"$dir/.store-last-checkout"
fi
"$@"
