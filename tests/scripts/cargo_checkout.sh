#!/bin/sh
# Checks scripts/cargo-checkout.sh: when it touches a checkout's src/lib.rs
# (so cargo rebuilds that crate in a cache another checkout wrote last) and
# when it must not (a cache's first build: touching then dirtied the crate
# in the checkout's other caches, and the next `make test` rebuilt every
# test binary). Prints one [pass]/[FAIL] line per check.
#
#   sh tests/scripts/cargo_checkout.sh
set -u

script=$(cd "$(dirname "$0")/../.." && pwd)/scripts/cargo-checkout.sh
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0

# A checkout is a directory with src/lib.rs, its mtime set far in the past
# so a touch shows.
new_checkout() {
    mkdir -p "$work/$1/src"
    : >"$work/$1/src/lib.rs"
    touch -d '2001-01-01 00:00:00' "$work/$1/src/lib.rs"
}
touched() { [ "$(stat -c %Y "$work/$1/src/lib.rs")" != "$(date -d '2001-01-01 00:00:00' +%s)" ]; }
untouch() { touch -d '2001-01-01 00:00:00' "$work/$1/src/lib.rs"; }
# run CHECKOUT CACHE COMMAND...: the script from inside the checkout.
run() {
    checkout=$1 cache=$2
    shift 2
    (cd "$work/$checkout" && CARGO_TARGET_DIR="$work/$cache" sh "$script" "$@") 2>"$work/stderr"
}
check() {
    if eval "$2"; then
        echo "[pass] cargo-checkout: $1"
    else
        echo "[FAIL] cargo-checkout: $1"
        failed=1
    fi
}

new_checkout a
new_checkout b

run a cache true
check "a cache's first build touches nothing" '! touched a'
check "it records the checkout that built" '[ "$(cat "$work/cache/.store-last-checkout")" = "$(cd "$work/a" && pwd -P)" ]'

run a cache/kv-only true
check "a second cache's first build touches nothing either" '! touched a'

run a cache true
check "the same checkout again touches nothing" '! touched a'

run b cache true
check "a cache another checkout built last gets this crate rebuilt" 'touched b'
check "and says why" 'grep -q "built last; rebuilding" "$work/stderr"'

untouch a
run a cache true
check "switching back rebuilds the first checkout's crate" 'touched a'

untouch a
rm -f "$work/cache/.store-last-checkout"
mkdir -p "$work/cache/release/.fingerprint/store-0123abcd"
run a cache true
check "a cache holding a build of the crate but no marker counts as another's" 'touched a'

run a cache sh -c 'exit 7'
check "the command's exit status comes back" '[ $? -eq 7 ]'

run a cache sh -c 'pwd -P >"$0/pwd"' "$work"
check "the command runs in the checkout" '[ "$(cat "$work/pwd")" = "$(cd "$work/a" && pwd -P)" ]'

exit $failed
