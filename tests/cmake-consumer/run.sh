#!/bin/sh
# Installs libstore into a temporary prefix, then builds and runs the consumer
# programs through find_package(store) and through pkg-config, each linked
# against the shared and the static library, and checks their output.
#
#   tests/cmake-consumer/run.sh WORK_DIR
set -eu

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
work=$1
prefix="$work/prefix"
expected="blue
smtp.example.com:587"

rm -rf "$work"
mkdir -p "$work"
make -C "$repo" --no-print-directory install PREFIX="$prefix" >"$work/install.log"

# Runs a program with no help finding libstore and compares its output.
check() {
    out=$(env -u LD_LIBRARY_PATH "$1")
    if [ "$out" != "$expected" ]; then
        printf 'cmake-consumer: %s printed:\n%s\n' "$1" "$out" >&2
        exit 1
    fi
    echo "[pass] $2"
}

# A static build must not need libstore.so at run time; a shared one must.
needs_libstore() {
    readelf -d "$1" | grep -q 'NEEDED.*libstore\.so'
}

expect_shared() {
    needs_libstore "$1" || { echo "cmake-consumer: $1 does not link libstore.so" >&2; exit 1; }
}

expect_static() {
    if needs_libstore "$1"; then echo "cmake-consumer: $1 links libstore.so" >&2; exit 1; fi
}

# The installed libraries are stripped; the licence and README come along.
for lib in "$prefix/lib/libstore.so" "$prefix/lib/libstore.a"; do
    if readelf -S --wide "$lib" | grep -Eq '\.(debug_info|llvmbc)'; then
        echo "[FAIL] install: $lib still carries debug information or bitcode" >&2
        exit 1
    fi
done
echo "[pass] install: libraries without debug information"
for doc in LICENSE README.md; do
    [ -s "$prefix/share/doc/store/$doc" ] || { echo "[FAIL] install: share/doc/store/$doc missing" >&2; exit 1; }
done
echo "[pass] install: share/doc/store holds LICENSE and README.md"

# find_package(store CONFIG)
cmake -S "$here" -B "$work/build" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Release >"$work/cmake.log"
cmake --build "$work/build" >>"$work/cmake.log"
expect_shared "$work/build/consumer_shared"
check "$work/build/consumer_shared" "find_package: store::shared"
expect_static "$work/build/consumer_static"
check "$work/build/consumer_static" "find_package: store::static"
expect_shared "$work/build/consumer_alias"
check "$work/build/consumer_alias" "find_package: store::store"
check "$work/build/consumer_cpp" "find_package: C++ wrapper"

# A version the package does not provide must be rejected.
mkdir -p "$work/too-new"
cat >"$work/too-new/CMakeLists.txt" <<CMAKE
cmake_minimum_required(VERSION 3.14)
project(too_new C)
find_package(store 9.0 CONFIG REQUIRED)
CMAKE
if cmake -S "$work/too-new" -B "$work/too-new/build" -DCMAKE_PREFIX_PATH="$prefix" >"$work/too-new.log" 2>&1; then
    echo "cmake-consumer: find_package(store 9.0) should fail" >&2
    exit 1
fi
echo "[pass] find_package rejects an incompatible version"

# pkg-config
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
CC=${CC:-cc}
libdir=$(pkg-config --variable=libdir store)
# shellcheck disable=SC2046
$CC -std=c99 -Wall -Wextra -Werror "$here/consumer.c" $(pkg-config --cflags --libs store) \
    -Wl,-rpath,"$libdir" -o "$work/pc_shared"
expect_shared "$work/pc_shared"
check "$work/pc_shared" "pkg-config: shared"
# With both libraries installed, -l:libstore.a (GNU ld) selects the archive;
# --static adds Libs.private, the system libraries Rust's std needs.
# shellcheck disable=SC2046
$CC -std=c99 -Wall -Wextra -Werror "$here/consumer.c" $(pkg-config --cflags store) \
    $(pkg-config --static --libs store | sed 's/-lstore\b/-l:libstore.a/') -o "$work/pc_static"
expect_static "$work/pc_static"
check "$work/pc_static" "pkg-config: static"
[ "$(pkg-config --modversion store)" = "$(sed -n 's/^version = "\(.*\)"/\1/p' "$repo/Cargo.toml" | head -n 1)" ] ||
    { echo "cmake-consumer: store.pc version differs from Cargo.toml" >&2; exit 1; }
echo "[pass] pkg-config: version matches Cargo.toml"
