# Adds up the test counts a suite's log reports, in each runner's own words,
# and prints "PASSED FAILED".
#
#   cargo test        test result: ok. 12 passed; 0 failed; 0 ignored; ...
#   C harness         kv: 31 tests, 0 failed          (tests/c/check.c)
#   C++ test          57 checks, 0 failed             (tests/cpp/store_test.cpp)
#   C# harness        40 passed, 0 failed             (bindings/csharp/tests/Harness.cs)
#   go test -v        --- PASS: TestName / --- FAIL: TestName (top-level tests)
#   single checks     [pass] what / [FAIL] what       (scripts/expect-output.sh,
#                                                      header and CMake consumer checks)

/^test result: / && $5 == "passed;" && $7 == "failed;" { pass += $4; fail += $6; next }
/^[^ ]+: [0-9]+ tests, [0-9]+ failed$/                  { pass += $2 - $4; fail += $4; next }
/^[0-9]+ checks, [0-9]+ failed$/                        { pass += $1 - $3; fail += $3; next }
/^[0-9]+ passed, [0-9]+ failed$/                        { pass += $1; fail += $3; next }
/^--- PASS: /                                           { pass++; next }
/^--- FAIL: /                                           { fail++; next }
/^\[pass\] /                                            { pass++; next }
/^\[FAIL\] /                                            { fail++; next }

END { printf "%d %d\n", pass, fail }
