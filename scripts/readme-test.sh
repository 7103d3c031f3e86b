#!/bin/sh
# Builds and runs the README's code blocks outside the repository, exactly
# as the README says, and compares what they print with the README's stated
# output. A block takes part when the line before its fence (blank lines
# allowed) is a marker:
#
#   <!-- readme-test NAME file PATH -->   the block is the file PATH of case NAME
#                                         (NAME may list several cases: a,b)
#   <!-- readme-test NAME build -->       shell commands that build it
#   <!-- readme-test NAME run -->         shell commands whose output is checked
#   <!-- readme-test NAME output -->      the exact standard output of `run`
#
# A marker may end with requires=WHAT (before -->): the case is skipped,
# and reported as skipped, when WHAT is missing. WHAT is a tool on PATH, or
# how the checkout's DuckDB was built: prebuilt-duckdb (build/lib holds the
# prebuilt libduckdb.so) or bundled-duckdb (`make DUCKDB=bundled`: it does
# not).
#
# Each case runs in its own empty directory outside the tree with
#   STORE    the repository root (the README tells the reader to set it)
#   PREFIX   an installation made by `make install PREFIX=…` for this run
#   GOPROXY  off, so Go steps must work without the network
# Blocks run with `sh -e`. Prints "[pass] readme: NAME" or
# "[FAIL] readme: NAME" per case, and exits non-zero if any case failed.
#
#   sh scripts/readme-test.sh [README] [NAME...]
set -u

STORE=$(cd "$(dirname "$0")/.." && pwd)
readme=${1:-$STORE/README.md}
[ $# -gt 0 ] && shift
only="$*"

work=$(mktemp -d "${TMPDIR:-/tmp}/store-readme-XXXXXX")
trap 'rm -rf "$work"' EXIT
blocks="$work/blocks"
mkdir -p "$blocks"

# One manifest line per marked block: "INDEX NAME KIND ARG REQUIRES",
# the block's text in $blocks/INDEX.
awk -v dir="$blocks" '
    /^<!-- readme-test / {
        n++; name = $3; kind = $4; arg = "-"; req = "-"
        for (i = 5; i < NF; i++) {
            if ($i ~ /^requires=/) req = substr($i, 10); else arg = $i
        }
        pending = 1; next
    }
    pending && /^```/ && !inside { inside = 1; file = dir "/" n; printf "" > file; next }
    inside && /^```[ \t]*$/ {
        inside = 0; pending = 0; close(file)
        count = split(name, names, ",")
        for (i = 1; i <= count; i++) print n, names[i], kind, arg, req
        next
    }
    inside { print > file; next }
    pending && !/^[ \t]*$/ { printf "readme-test: marker %s %s is not followed by a code block\n", name, kind > "/dev/stderr"; bad = 1; pending = 0 }
    END { exit bad }
' "$readme" >"$work/manifest" || exit 1

if [ ! -s "$work/manifest" ]; then
    echo "[FAIL] readme: no blocks marked <!-- readme-test … --> in $readme"
    exit 1
fi

# An installation for the blocks that build against an install prefix.
PREFIX="$work/prefix"
if grep -q 'PREFIX' "$blocks"/*; then
    if ! make -C "$STORE" --no-print-directory install PREFIX="$PREFIX" >"$work/install.log" 2>&1; then
        cat "$work/install.log"
        echo "[FAIL] readme: make install PREFIX=$PREFIX"
        exit 1
    fi
fi
export STORE PREFIX

# satisfied WHAT: whether a requires= of a marker holds (see the top).
satisfied() {
    case $1 in
    prebuilt-duckdb) [ -e "$STORE/build/lib/libduckdb.so" ] ;;
    bundled-duckdb) [ ! -e "$STORE/build/lib/libduckdb.so" ] ;;
    *) command -v "$1" >/dev/null 2>&1 ;;
    esac
}
export GOPROXY=off GOFLAGS=

failed=0
for name in $(awk '!seen[$2]++ { print $2 }' "$work/manifest"); do
    if [ -n "$only" ] && ! printf ' %s ' "$only" | grep -q " $name "; then
        continue
    fi
    case_dir="$work/case-$name"
    mkdir -p "$case_dir"
    missing=$(awk -v n="$name" '$2 == n && $5 != "-" { print $5 }' "$work/manifest" | sort -u |
        while read -r what; do satisfied "$what" || echo "$what"; done)
    if [ -n "$missing" ]; then
        echo "[skip] readme: $name (needs $(echo $missing))"
        continue
    fi
    ok=1
    expected=""
    runs=$(awk -v n="$name" '$2 == n && ($3 == "run" || $3 == "build")' "$work/manifest" | wc -l)
    has_run=$(awk -v n="$name" '$2 == n && $3 == "run"' "$work/manifest" | wc -l)
    if [ "$runs" -eq 0 ]; then
        echo "readme: $name: no build or run block"; ok=0
    fi
    # Files first, then build and run blocks in README order.
    while read -r index _ kind arg _; do
        case $kind in
        file | program)
            mkdir -p "$(dirname "$case_dir/$arg")"
            cp "$blocks/$index" "$case_dir/$arg" ;;
        output)
            expected="$blocks/$index"
            if [ "$has_run" -eq 0 ]; then echo "readme: $name: an output block but no run block"; ok=0; fi ;;
        build | run) ;;
        *) echo "readme-test: $name: unknown block kind '$kind'"; ok=0 ;;
        esac
    done <<MANIFEST
$(awk -v n="$name" '$2 == n' "$work/manifest")
MANIFEST
    while [ $ok -eq 1 ] && read -r index _ kind _ _; do
        case $kind in
        build)
            if ! (cd "$case_dir" && sh -e "$blocks/$index") >"$case_dir/.build.log" 2>&1; then
                echo "readme: $name: build failed:"; sed 's/^/    /' "$blocks/$index"; cat "$case_dir/.build.log"
                ok=0
            fi ;;
        run)
            if ! (cd "$case_dir" && sh -e "$blocks/$index") >"$case_dir/.out" 2>"$case_dir/.err"; then
                echo "readme: $name: run failed:"; sed 's/^/    /' "$blocks/$index"; cat "$case_dir/.out" "$case_dir/.err"
                ok=0
            elif [ -n "$expected" ] && ! diff -u "$expected" "$case_dir/.out" >"$case_dir/.diff"; then
                echo "readme: $name: output differs from the README's (- README, + actual):"; cat "$case_dir/.diff"
                ok=0
            fi ;;
        esac
    done <<MANIFEST
$(awk -v n="$name" '$2 == n' "$work/manifest")
MANIFEST
    if [ $ok -eq 1 ]; then
        echo "[pass] readme: $name"
    else
        echo "[FAIL] readme: $name"
        failed=$((failed + 1))
    fi
done
[ $failed -eq 0 ]
