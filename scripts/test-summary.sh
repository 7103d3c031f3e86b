#!/bin/sh
# Runs test suites (make targets) one after another, each to its end even
# when a step fails (make -k), then prints each suite's counts and, as the
# last line, the total: "N passed, N failed". Exits non-zero when anything
# failed.
#
#   MAKE=make sh scripts/test-summary.sh test-rust test-c ...
#
# Counts come from each runner's own output (scripts/test-counts.awk). A
# suite whose make target fails without reporting a failed test (a compile
# error, a crash, a runner that stops early) counts as one failed test, and
# so does a suite that reports no tests at all.
set -u

here=$(cd "$(dirname "$0")" && pwd)
MAKE=${MAKE:-make}
logs=${TEST_LOG_DIR:-build/test-logs}
mkdir -p "$logs"

total_pass=0
total_fail=0
report=""

for suite in "$@"; do
    log="$logs/$suite.log"
    printf '\n==== %s\n' "$suite"
    # The exit status travels through a file: a pipeline's status is tee's.
    { $MAKE -k --no-print-directory "$suite"; echo $? >"$log.rc"; } 2>&1 | tee "$log"
    rc=$(cat "$log.rc")
    counts=$(awk -f "$here/test-counts.awk" "$log")
    pass=${counts% *}
    fail=${counts#* }
    note=""
    if [ "$rc" -ne 0 ] && [ "$fail" -eq 0 ]; then
        fail=1
        note=" (make exited $rc before reporting a failed test; counted as one failure)"
    elif [ "$pass" -eq 0 ] && [ "$fail" -eq 0 ]; then
        fail=1
        note=" (reported no test counts; counted as one failure)"
    fi
    total_pass=$((total_pass + pass))
    total_fail=$((total_fail + fail))
    report="$report$(printf '%-16s %d passed, %d failed%s' "$suite" "$pass" "$fail" "$note")
"
done

printf '\n==== summary (logs in %s)\n%s' "$logs" "$report"
printf '%d passed, %d failed\n' "$total_pass" "$total_fail"
[ "$total_fail" -eq 0 ]
