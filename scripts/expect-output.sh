#!/bin/sh
# Runs a program and compares what it prints with the expected text; prints
# "[pass] NAME" or "[FAIL] NAME" with the difference (scripts/test-counts.awk
# counts these lines) and exits non-zero on a mismatch or a failed run.
#
#   sh scripts/expect-output.sh NAME EXPECTED COMMAND [ARG...]
#
# EXPECTED is the whole expected standard output, given with printf escapes
# (e.g. 'blue\nmap[colour:blue]\n').
set -u

name=$1
expected=$2
shift 2

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
printf "$expected" >"$dir/expected"
if "$@" >"$dir/actual"; then
    if diff -u "$dir/expected" "$dir/actual" >"$dir/diff"; then
        echo "[pass] $name"
        exit 0
    fi
    echo "[FAIL] $name: output differs"
    cat "$dir/diff"
else
    echo "[FAIL] $name: exited $? ($*)"
fi
exit 1
