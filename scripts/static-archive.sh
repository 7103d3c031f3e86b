#!/bin/sh
# Rebuilds the static archive so that only the C ABI (store_*) stays global.
#
#   scripts/static-archive.sh IN.a OUT.a
#
# Cargo's libstore.a holds SQLite, the Rust standard library and compiler
# builtins as ordinary global symbols, so it cannot be linked into a program
# that also links another SQLite (a system libsqlite3, mattn/go-sqlite3):
# the sqlite3_* definitions clash, or one library silently uses the other's
# code. A partial link (ld -r) joins every member into one relocatable
# object, which resolves all internal references; objcopy then makes every
# symbol except store_* local to that object. The undefined references to
# libc, libm, libdl, libpthread and libgcc_s stay as they were.
#
# It also drops the LLVM bitcode and address-significance sections: joined
# by ld -r they are no longer valid, and binutils' LLVM plugin (which nm, ar
# and ranlib load from bfd-plugins) aborts on them. Linkers do not use them.
set -eu

in=$1
out=$2
work=$(mktemp -d "${TMPDIR:-/tmp}/store-archive.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

ld -r --whole-archive "$in" -o "$work/libstore.o"
objcopy --wildcard --keep-global-symbol='store_*' \
	--remove-section=.llvmbc --remove-section=.llvmcmd --remove-section=.llvm_addrsig \
	"$work/libstore.o"
rm -f "$out"
ar rcsD "$out" "$work/libstore.o"
