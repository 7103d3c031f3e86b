# C ABI tests (tests/c) and benchmarks (bench/c).
#
#   make test-c          header test, then every C test twice: plain and under
#                        AddressSanitizer + UndefinedBehaviorSanitizer
#   make test-c-header   include/store.h compiles as C99, as C++17, and twice
#   make bench-c         C ABI against raw SQLite (same amalgamation, same SQL)
#
# Only our C code is instrumented; it links the normal build/lib/libstore.so.

.PHONY: test-c test-c-plain test-c-sanitized test-c-header bench-c

TEST_SUITES += test-c
bench: bench-c

C_BUILD := $(BUILD)/c
C_TEST_SRC := tests/c
C_TESTS := args kv persist events scope txn threads abi journal media workspace workspace_io
C_TEST_FLAGS := $(CFLAGS_STRICT) -D_POSIX_C_SOURCE=200809L -g -O1 -pthread -Iinclude -I$(C_TEST_SRC)
C_SANITIZE := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
C_LINK_STORE := -L$(LIBDIR) -lstore -Wl,-rpath,$(LIBDIR) -pthread
C_TEST_HELPERS := $(C_TEST_SRC)/check.c $(C_TEST_SRC)/check.h include/store.h

# The SQLite amalgamation rusqlite bundles, compiled with libsqlite3-sys's
# defines. Tests use it to build fixtures (legacy tables, raw inspection);
# the benchmarks use it as the baseline.
SQLITE_SRC = $(shell CARGO=$(CARGO) bench/c/sqlite-src.sh)
SQLITE_DEFINES := -DSQLITE_CORE -DSQLITE_DEFAULT_FOREIGN_KEYS=1 -DSQLITE_ENABLE_API_ARMOR \
	-DSQLITE_ENABLE_COLUMN_METADATA -DSQLITE_ENABLE_DBSTAT_VTAB -DSQLITE_ENABLE_FTS3 \
	-DSQLITE_ENABLE_FTS3_PARENTHESIS -DSQLITE_ENABLE_FTS5 -DSQLITE_ENABLE_JSON1 \
	-DSQLITE_ENABLE_LOAD_EXTENSION=1 -DSQLITE_ENABLE_RTREE -DSQLITE_ENABLE_STAT4 -DSQLITE_SOUNDEX \
	-DSQLITE_THREADSAFE=1 -DSQLITE_USE_URI -DHAVE_USLEEP=1 -DHAVE_ISNAN -D_POSIX_THREAD_SAFE_FUNCTIONS \
	-DHAVE_LOCALTIME_R
SQLITE_LIBS := -ldl -lm

$(C_BUILD)/sqlite/sqlite3.o: Cargo.lock bench/c/sqlite-src.sh | build
	@mkdir -p $(C_BUILD)/sqlite
	@src="$(SQLITE_SRC)" && test -n "$$src" && cp -f "$$src/sqlite3.h" $(C_BUILD)/sqlite/ && \
	echo "CC $$src/sqlite3.c" && \
	$(CC) -O2 -w -fPIC $(SQLITE_DEFINES) -c "$$src/sqlite3.c" -o $@

# ---- tests ---------------------------------------------------------------

C_PLAIN_BINS := $(C_TESTS:%=$(C_BUILD)/plain/test_%)
C_ASAN_BINS := $(C_TESTS:%=$(C_BUILD)/asan/test_%)

# Only the persistence test needs raw SQLite (fixtures and on-disk checks);
# these recipe-less rules add the object to its prerequisites.
$(C_BUILD)/plain/test_persist $(C_BUILD)/asan/test_persist: $(C_BUILD)/sqlite/sqlite3.o

# $(call c_link,extra flags): compile a test with the harness and link it,
# with SQLite when the object is among the prerequisites.
c_link = $(CC) $(C_TEST_FLAGS) $(1) -I$(C_BUILD)/sqlite $< $(C_TEST_SRC)/check.c $(filter %.o,$^) -o $@ \
	$(if $(filter %.o,$^),$(SQLITE_LIBS)) $(C_LINK_STORE)

$(C_BUILD)/plain/test_%: $(C_TEST_SRC)/test_%.c $(C_TEST_HELPERS) | build
	@mkdir -p $(dir $@)
	$(call c_link,)

$(C_BUILD)/asan/test_%: $(C_TEST_SRC)/test_%.c $(C_TEST_HELPERS) | build
	@mkdir -p $(dir $@)
	$(call c_link,$(C_SANITIZE))

# detect_leaks makes LeakSanitizer fail the run (exit 23) on any leak.
C_SAN_ENV := ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=0:detect_stack_use_after_return=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

test-c: test-c-header test-c-plain test-c-sanitized

# Every test program runs even after one fails; the target fails at the end.
test-c-plain: build $(C_PLAIN_BINS)
	@rc=0; for t in $(C_PLAIN_BINS); do echo "== $$t"; $$t || rc=1; done; exit $$rc

test-c-sanitized: build $(C_ASAN_BINS)
	@rc=0; for t in $(C_ASAN_BINS); do echo "== $$t (asan+ubsan)"; $(C_SAN_ENV) $$t || rc=1; done; exit $$rc

# The header must compile as C99 and as C++17 with every warning as an
# error, and survive being included twice.
test-c-header: build
	@mkdir -p $(C_BUILD)/header
	$(CC) $(CFLAGS_STRICT) -Iinclude $(C_TEST_SRC)/header_c.c -o $(C_BUILD)/header/header_c $(C_LINK_STORE)
	g++ -std=c++17 -Wall -Wextra -Werror -pedantic -Iinclude $(C_TEST_SRC)/header_cpp.cpp \
		-o $(C_BUILD)/header/header_cpp $(C_LINK_STORE)
	$(C_BUILD)/header/header_c
	$(C_BUILD)/header/header_cpp

# ---- benchmarks ----------------------------------------------------------

C_BENCH_SRC := $(wildcard bench/c/*.c)
C_BENCH_HDR := $(wildcard bench/c/*.h)

$(C_BUILD)/bench/bench: $(C_BENCH_SRC) $(C_BENCH_HDR) include/store.h $(C_BUILD)/sqlite/sqlite3.o | build
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_STRICT) -D_POSIX_C_SOURCE=200809L -O2 -g -pthread -Iinclude -Ibench/c -I$(C_BUILD)/sqlite \
		$(C_BENCH_SRC) $(C_BUILD)/sqlite/sqlite3.o -o $@ $(SQLITE_LIBS) $(C_LINK_STORE)

bench-c: build $(C_BUILD)/bench/bench
	$(C_BUILD)/bench/bench $(BENCH_ARGS)
