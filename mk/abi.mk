# The library's exported surface. Every global symbol libstore.so exports
# and every global symbol libstore.a defines is part of the C ABI, so each
# must carry the store_ prefix: SQLite, the Rust standard library and the
# compiler builtins stay local (scripts/static-archive.sh), so the archive
# links into programs that use another SQLite.
#
#   make test-abi      the symbol checks, then a C program linking libstore.a
#                      beside the system SQLite (static and shared) and beside
#                      the bundled amalgamation, then a Go program linking the
#                      binding statically beside mattn/go-sqlite3

.PHONY: test-abi test-abi-symbols test-abi-link test-abi-null-copy test-abi-go

TEST_SUITES += test-abi

test-abi: test-abi-symbols test-abi-link test-abi-null-copy test-abi-go

# readelf, not nm: nm loads binutils' plugins, which some installs break.
ABI_GLOBALS = readelf -sW --dyn-syms $(1) | awk '($$5 == "GLOBAL" || $$5 == "WEAK") && $$7 != "UND" {print $$8}' | sed 's/@.*//' | sort -u

# Fails on a symbol outside the prefix, and on a library it cannot read or
# that defines no store_* symbol at all (so a missing file never passes).
abi_check = @n=$$($(call ABI_GLOBALS,$(2)) | grep -c '^store_' || true); \
	bad=$$($(call ABI_GLOBALS,$(2)) | grep -v '^store_' || true); \
	if [ "$${n:-0}" -eq 0 ]; then echo "[FAIL] $(1) defines no store_* symbols (missing or unreadable?)"; exit 1; fi; \
	if [ -n "$$bad" ]; then echo "[FAIL] $(1) has global symbols outside the store_ prefix:"; \
		echo "$$bad" | head -20; echo "($$(echo "$$bad" | wc -l) in all)"; exit 1; fi; \
	echo "[pass] $(1) defines $$n global symbols, all store_*"

test-abi-symbols: build
	$(call abi_check,libstore.so,-D $(LIBDIR)/libstore.so)
	$(call abi_check,libstore.a,$(LIBDIR)/libstore.a)

# Rust's standard library needs these (cargo rustc -- --print native-static-libs).
STORE_STATIC_LIBS := -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc
ABI_BUILD := $(BUILD)/abi
# Built by mk/c.mk (included after this file, so spelled out here).
ABI_SQLITE := $(BUILD)/c/sqlite
ABI_BESIDE_SRC := tests/c/static_beside_sqlite.c
ABI_BESIDE_FLAGS := $(CFLAGS_STRICT) -D_POSIX_C_SOURCE=200809L -Iinclude

$(ABI_BUILD)/beside_system_static: $(ABI_BESIDE_SRC) include/store.h | build
	@mkdir -p $(dir $@)
	$(CC) $(ABI_BESIDE_FLAGS) $< $(LIBDIR)/libstore.a -Wl,-Bstatic -lsqlite3 -Wl,-Bdynamic $(STORE_STATIC_LIBS) -o $@

$(ABI_BUILD)/beside_system_shared: $(ABI_BESIDE_SRC) include/store.h | build
	@mkdir -p $(dir $@)
	$(CC) $(ABI_BESIDE_FLAGS) $< $(LIBDIR)/libstore.a -lsqlite3 $(STORE_STATIC_LIBS) -o $@

# The same SQLite version as the store's own copy, compiled separately.
$(ABI_BUILD)/beside_amalgamation: $(ABI_BESIDE_SRC) include/store.h $(ABI_SQLITE)/sqlite3.o | build
	@mkdir -p $(dir $@)
	$(CC) $(ABI_BESIDE_FLAGS) -I$(ABI_SQLITE) $< $(ABI_SQLITE)/sqlite3.o $(LIBDIR)/libstore.a \
		$(STORE_STATIC_LIBS) -o $@

# The system SQLite's development files (Debian: libsqlite3-dev).
$(ABI_BUILD)/.system-sqlite:
	@mkdir -p $(dir $@)
	@test -f /usr/include/sqlite3.h || { echo "installing libsqlite3-dev"; \
		apt-get install -y -q libsqlite3-dev >/dev/null; }
	@touch $@

ABI_BESIDE_BINS := $(ABI_BUILD)/beside_system_static $(ABI_BUILD)/beside_system_shared $(ABI_BUILD)/beside_amalgamation
$(ABI_BUILD)/beside_system_static $(ABI_BUILD)/beside_system_shared: $(ABI_BUILD)/.system-sqlite

# Every program runs even after one fails; the target fails at the end.
test-abi-link: build $(ABI_BESIDE_BINS)
	@rc=0; for t in $(ABI_BESIDE_BINS); do echo "== $$t"; \
		if $$t; then echo "[pass] $$(basename $$t) links libstore.a beside another SQLite"; \
		else echo "[FAIL] $$(basename $$t)"; rc=1; fi; done; exit $$rc

# memcpy interposed for the whole process: no call may pass it NULL.
$(ABI_BUILD)/null_copy: tests/c/null_copy.c include/store.h | build
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_STRICT) -fno-builtin -Iinclude $< -o $@ -L$(LIBDIR) -lstore -Wl,-rpath,$(LIBDIR)

test-abi-null-copy: build $(ABI_BUILD)/null_copy
	$(ABI_BUILD)/null_copy && echo "[pass] no library call passes NULL to memcpy"

# A Go program (its own module under tests/go-beside-sqlite) linking the
# binding with -tags store_static together with mattn/go-sqlite3.
# The summary lines are filtered from a log, not a pipe: a pipe would make
# the recipe's status grep's and hide a failing test.
test-abi-go: build
	@mkdir -p $(ABI_BUILD)
	cd tests/go-beside-sqlite && $(GO) vet $(call go_tags,store_static) ./...
	@cd tests/go-beside-sqlite && { $(GO) test $(call go_tags,store_static) -count=1 -v ./... > $(ABI_BUILD)/go-beside.log 2>&1; \
		rc=$$?; grep -E '^(--- |ok|FAIL|PASS)' $(ABI_BUILD)/go-beside.log; \
		if [ $$rc -ne 0 ]; then cat $(ABI_BUILD)/go-beside.log; exit $$rc; fi; }
