#!/bin/sh
# Puts a prebuilt libduckdb.so in a per-machine cache and prints its directory.
#
#   scripts/duckdb-fetch.sh            -> $HOME/.cache/store-duckdb/<version>/lib
#
# DuckDB's own release servers are not reachable from every build machine,
# but the npm registry is: the package @duckdb/node-bindings-linux-x64 ships
# the official libduckdb.so (C API, Parquet and JSON built in). We take it
# with `npm pack` (no install scripts run), check the archive and the library
# against pinned SHA-256 sums, and publish the directory with one rename, so
# a half-finished download is never used. Concurrent callers (two checkouts,
# parallel make) serialise on a lock file; later calls return at once.
#
# Only the build runs this. The library itself never downloads anything.
set -eu

DUCKDB_VERSION=1.5.6
NPM_PACKAGE=@duckdb/node-bindings-linux-x64
NPM_VERSION=1.5.6-r.1
TGZ_SHA256=1b9f82478539bb9a1d1df44bd103121a12ae52142c07158dc52b97d2ec1d69ff
LIB_SHA256=3f4962cdd266eab2b479a5b5a4a6d063d279b2954ae814ed00385d553b747633

case "$(uname -s)-$(uname -m)" in
Linux-x86_64) ;;
*)
	echo "duckdb-fetch: no pinned prebuilt DuckDB for $(uname -s)-$(uname -m); build with 'make DUCKDB=bundled'" >&2
	exit 1
	;;
esac

CACHE=${STORE_DUCKDB_CACHE:-${HOME}/.cache/store-duckdb}
FINAL="$CACHE/$DUCKDB_VERSION"

# --dir: only print where the library lives (the Makefile exports it).
# --version: only print the pinned DuckDB version (the benchmarks install
# the same version of DuckDB's Python package to compare against).
case "${1:-}" in
--dir) echo "$FINAL/lib"; exit 0 ;;
--version) echo "$DUCKDB_VERSION"; exit 0 ;;
esac

sha_ok() { # file expected
	[ "$(sha256sum "$1" | cut -d' ' -f1)" = "$2" ]
}

if [ -f "$FINAL/lib/libduckdb.so" ]; then
	echo "$FINAL/lib"
	exit 0
fi

mkdir -p "$CACHE"
exec 9>"$CACHE/.lock"
flock 9
# Another caller may have finished while we waited for the lock.
if [ -f "$FINAL/lib/libduckdb.so" ]; then
	echo "$FINAL/lib"
	exit 0
fi

command -v npm >/dev/null 2>&1 || {
	echo "duckdb-fetch: npm is needed to fetch the prebuilt DuckDB (apt-get install npm), or build with 'make DUCKDB=bundled'" >&2
	exit 1
}

WORK=$(mktemp -d "$CACHE/.fetch.XXXXXX")
trap 'rm -rf "$WORK"' EXIT INT TERM
echo "duckdb-fetch: fetching $NPM_PACKAGE@$NPM_VERSION (DuckDB $DUCKDB_VERSION)" >&2
(cd "$WORK" && npm pack --silent "$NPM_PACKAGE@$NPM_VERSION" >/dev/null)
TGZ=$(ls "$WORK"/*.tgz)
if ! sha_ok "$TGZ" "$TGZ_SHA256"; then
	echo "duckdb-fetch: checksum mismatch for $TGZ (expected $TGZ_SHA256)" >&2
	exit 1
fi
tar -xzf "$TGZ" -C "$WORK" package/libduckdb.so package/LICENSE
if ! sha_ok "$WORK/package/libduckdb.so" "$LIB_SHA256"; then
	echo "duckdb-fetch: checksum mismatch for libduckdb.so (expected $LIB_SHA256)" >&2
	exit 1
fi
mkdir -p "$WORK/out/lib"
mv "$WORK/package/libduckdb.so" "$WORK/out/lib/libduckdb.so"
mv "$WORK/package/LICENSE" "$WORK/out/LICENSE"
echo "$NPM_PACKAGE@$NPM_VERSION $TGZ_SHA256" >"$WORK/out/SOURCE"
mv "$WORK/out" "$FINAL"
echo "$FINAL/lib"
