# DuckDB analytics layer: where libduckdb comes from, and its tests.
#
#   make duckdb-lib     fetch the pinned prebuilt libduckdb.so once per machine
#                       (scripts/duckdb-fetch.sh) and copy it into build/lib
#   make test-duck      the DuckDB C test (plain and ASan/UBSan), the C++ tests (analytics, workspaces)
#                       (ASan/UBSan), and seed 003's analytics example in C,
#                       C++, Go and C#, each checked against the same output
#   make test-kv-only   the KV-only build (`--no-default-features`) and its tests
#   make bench-duck     Parquet export, QueryRows and Workspace Aggregate against
#                       DuckDB's own Python package of the same version
#   make DUCKDB=bundled ...   compile DuckDB from source instead (40 minutes
#                       on 2 cores, once per build cache; needs no npm)
#
# Every cargo call sees the same DUCKDB_LIB_DIR, so build, test, bench and
# demo share one set of artifacts.

.PHONY: duckdb-lib test-duck test-duck-c test-kv-only bench-duck

DUCKDB ?= prebuilt
DUCKDB_FETCH := scripts/duckdb-fetch.sh

# Go's static build links DuckDB's static libraries from DuckDB's own Go
# module of the same version (bindings/go/duckdb_static.go). It goes into
# the module cache here, once per machine, so `go mod tidy` in a program
# using the binding works offline; tidy needs it even under
# store_duckdb_bundled, since it reads every build tag's imports.
DUCKDB_GO_MODULE := github.com/duckdb/duckdb-go-bindings/lib/linux-amd64@v0.10506.0
DUCKDB_GO_FETCH = if command -v $(GO) >/dev/null 2>&1 && [ "$$(uname -sm)" = "Linux x86_64" ]; then \
		$(GO) mod download $(DUCKDB_GO_MODULE) || \
		echo "duckdb-lib: could not fetch $(DUCKDB_GO_MODULE); Go programs will fetch it themselves" >&2; fi

ifeq ($(DUCKDB),bundled)
CARGO_FLAGS += --features duckdb-bundled
# libstore.a carries DuckDB itself: Go links that, not DuckDB's Go module.
GO_TAGS += store_duckdb_bundled
# A prebuilt libduckdb.so left by an earlier build would make the CMake
# package and the static-link flags think DuckDB is still separate.
duckdb-lib:
	@$(DUCKDB_GO_FETCH)
	@mkdir -p $(LIBDIR)
	@rm -f $(LIBDIR)/libduckdb.so
else
DUCKDB_LIB_DIR := $(shell sh $(DUCKDB_FETCH) --dir)
export DUCKDB_LIB_DIR

# Copy then rename, like libstore.so, so running programs keep their mapping.
duckdb-lib:
	@sh $(DUCKDB_FETCH) >/dev/null
	@$(DUCKDB_GO_FETCH)
	@mkdir -p $(LIBDIR)
	@cmp -s $(DUCKDB_LIB_DIR)/libduckdb.so $(LIBDIR)/libduckdb.so || \
		{ cp -f $(DUCKDB_LIB_DIR)/libduckdb.so $(LIBDIR)/.libduckdb.so.tmp && \
		  mv -f $(LIBDIR)/.libduckdb.so.tmp $(LIBDIR)/libduckdb.so; }
endif

# C programs linking libstore.a (mk/abi.mk and the README's static examples)
# also link DuckDB: the prebuilt libduckdb.so from build/lib, and its C++ runtime.
ifneq ($(DUCKDB),bundled)
STORE_STATIC_LIBS := -L$(LIBDIR) -lduckdb -Wl,-rpath,$(LIBDIR) -lstdc++ $(STORE_STATIC_LIBS)
else
STORE_STATIC_LIBS := -lstdc++ $(STORE_STATIC_LIBS)
endif

# Every target that runs cargo with the duckdb feature needs the library first.
build lib build-locked test-rust: duckdb-lib

TEST_SUITES += test-duck test-kv-only
bench: bench-duck

test-duck: test-duck-c test-duck-cpp test-duck-examples

# ---- KV-only build -------------------------------------------------------

# Its own target directory, so the feature change never invalidates the
# default build's artifacts (and the other way round).
test-kv-only:
	env -u DUCKDB_LIB_DIR CARGO_TARGET_DIR=$(CARGO_TARGET_DIR)/kv-only \
		sh scripts/cargo-checkout.sh $(CARGO) test --locked --no-default-features --no-fail-fast

# ---- C test --------------------------------------------------------------

DUCK_C_BUILD := $(BUILD)/c
DUCK_C_DEPS := tests/c/test_duck.c $(C_TEST_HELPERS)

$(DUCK_C_BUILD)/plain/test_duck: $(DUCK_C_DEPS) | build
	@mkdir -p $(dir $@)
	$(CC) $(C_TEST_FLAGS) $< $(C_TEST_SRC)/check.c -o $@ $(C_LINK_STORE)

$(DUCK_C_BUILD)/asan/test_duck: $(DUCK_C_DEPS) | build
	@mkdir -p $(dir $@)
	$(CC) $(C_TEST_FLAGS) $(C_SANITIZE) $< $(C_TEST_SRC)/check.c -o $@ $(C_LINK_STORE)

$(DUCK_C_BUILD)/plain/test_duck_import: tests/c/test_duck_import.c $(C_TEST_HELPERS) | build
	@mkdir -p $(dir $@)
	$(CC) $(C_TEST_FLAGS) $< $(C_TEST_SRC)/check.c -o $@ $(C_LINK_STORE)

$(DUCK_C_BUILD)/asan/test_duck_import: tests/c/test_duck_import.c $(C_TEST_HELPERS) | build
	@mkdir -p $(dir $@)
	$(CC) $(C_TEST_FLAGS) $(C_SANITIZE) $< $(C_TEST_SRC)/check.c -o $@ $(C_LINK_STORE)

test-duck-c: build $(DUCK_C_BUILD)/plain/test_duck $(DUCK_C_BUILD)/asan/test_duck \
		$(DUCK_C_BUILD)/plain/test_duck_import $(DUCK_C_BUILD)/asan/test_duck_import
	$(DUCK_C_BUILD)/plain/test_duck
	$(C_SAN_ENV) $(DUCK_C_BUILD)/asan/test_duck
	$(DUCK_C_BUILD)/plain/test_duck_import
	$(C_SAN_ENV) $(DUCK_C_BUILD)/asan/test_duck_import

# ---- C++ test and the analytics examples -----------------------------------

$(BUILD)/cpp/duck_test: tests/cpp/duck_test.cpp tests/cpp/check.hpp bindings/c/store.hpp include/store.h | build
	@mkdir -p $(dir $@)
	$(CXX) $(CXXFLAGS_STRICT) $(CXX_SANITIZE) -Iinclude -Ibindings/c $< $(CPP_LINK) -o $@

$(BUILD)/cpp/workspace_test: tests/cpp/workspace_test.cpp tests/cpp/check.hpp bindings/c/store.hpp include/store.h | build
	@mkdir -p $(dir $@)
	$(CXX) $(CXXFLAGS_STRICT) $(CXX_SANITIZE) -Iinclude -Ibindings/c $< $(CPP_LINK) -o $@

test-duck-cpp: build $(BUILD)/cpp/duck_test $(BUILD)/cpp/workspace_test
	$(BUILD)/cpp/duck_test
	$(BUILD)/cpp/workspace_test

$(BUILD)/examples/analytics-c: examples/c/analytics.c include/store.h | build
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_STRICT) -Iinclude $< -L$(LIBDIR) -lstore -Wl,-rpath,$(LIBDIR) -o $@

$(BUILD)/examples/analytics-cpp: examples/cpp/analytics.cpp bindings/c/store.hpp include/store.h | build
	@mkdir -p $(dir $@)
	$(CXX) $(CXXFLAGS_STRICT) -O2 -Iinclude -Ibindings/c $< $(CPP_LINK) -o $@

$(CSHARP_OUT)/Analytics.exe: examples/csharp/Analytics.cs $(CSHARP_LIB)
	mcs $(MCS_FLAGS) -r:$(CSHARP_LIB) -out:$@ $<

# The query line differs only in how each language prints a row; the export
# lines must match exactly.
ANALYTICS_EXPECTED := exported 2 rows to scores.parquet\nexported 2 rows to shards/model=*/\n

# The workspace example (put, aggregate, export, import, commit): the same
# output in every language.
$(BUILD)/examples/workspace-c: examples/c/workspace.c include/store.h | build
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_STRICT) -Iinclude $< -L$(LIBDIR) -lstore -Wl,-rpath,$(LIBDIR) -o $@

$(BUILD)/examples/workspace-cpp: examples/cpp/workspace.cpp bindings/c/store.hpp include/store.h | build
	@mkdir -p $(dir $@)
	$(CXX) $(CXXFLAGS_STRICT) -O2 -Iinclude -Ibindings/c $< $(CPP_LINK) -o $@

$(CSHARP_OUT)/Workspace.exe: examples/csharp/Workspace.cs $(CSHARP_LIB)
	mcs $(MCS_FLAGS) -r:$(CSHARP_LIB) -out:$@ $<

WORKSPACE_SUMMARY := {"findings":2,"like":2,"profile_match":1}
WORKSPACE_BEFORE := aggregate: {"like":2,"profile_match":1}\nexported 3 entries to entries.jsonl\n
WORKSPACE_AFTER := imported findings.csv: $(WORKSPACE_SUMMARY)\ncommitted: $(WORKSPACE_SUMMARY)\nsummary: $(WORKSPACE_SUMMARY)\n
WORKSPACE_EXPECTED := $(WORKSPACE_BEFORE)$(WORKSPACE_AFTER)

test-duck-examples: build $(BUILD)/examples/analytics-c $(BUILD)/examples/analytics-cpp $(CSHARP_OUT)/Analytics.exe \
		$(BUILD)/examples/workspace-c $(BUILD)/examples/workspace-cpp $(CSHARP_OUT)/Workspace.exe
	@set -e; for lang in c cpp go csharp; do \
		dir=$$(mktemp -d); \
		case $$lang in \
		c|cpp) $(BUILD)/examples/analytics-$$lang "$$dir" > "$$dir/out" ;; \
		go) (cd examples/go/analytics && $(GO) run $(call go_tags) . "$$dir") > "$$dir/out" ;; \
		csharp) $(MONO_RUN) $(CSHARP_OUT)/Analytics.exe "$$dir" > "$$dir/out" ;; \
		esac; \
		grep -q '"model-a"' "$$dir/out"; ! grep -q '"model-b"' "$$dir/out"; \
		printf '$(ANALYTICS_EXPECTED)' > "$$dir/want"; \
		tail -n 2 "$$dir/out" | diff -u "$$dir/want" -; \
		test -f "$$dir/scores.parquet" -a -d "$$dir/shards/model=model-a" -a -d "$$dir/shards/model=model-b"; \
		rm -rf "$$dir"; echo "[pass] examples/$$lang analytics"; \
	done
	@set -e; for lang in c cpp go csharp; do \
		dir=$$(mktemp -d); \
		case $$lang in \
		c|cpp) $(BUILD)/examples/workspace-$$lang "$$dir" > "$$dir/out" ;; \
		go) (cd examples/go/workspace && $(GO) run $(call go_tags) . "$$dir") > "$$dir/out" ;; \
		csharp) $(MONO_RUN) $(CSHARP_OUT)/Workspace.exe "$$dir" > "$$dir/out" ;; \
		esac; \
		printf '$(WORKSPACE_EXPECTED)' | diff -u - "$$dir/out"; \
		test -f "$$dir/entries.jsonl" -a ! -e "$$dir/state/reviews.duckdb"; \
		rm -rf "$$dir"; echo "[pass] examples/$$lang workspace"; \
	done

# ---- benchmarks ----------------------------------------------------------

DUCKDB_VERSION := $(shell sh $(DUCKDB_FETCH) --version)
DUCKDB_PY_VENV := $(HOME)/.cache/store-duckdb/py-$(DUCKDB_VERSION)

$(DUCKDB_PY_VENV)/bin/python:
	python3 -m venv $(DUCKDB_PY_VENV)
	$(DUCKDB_PY_VENV)/bin/pip install -q duckdb==$(DUCKDB_VERSION)

# DuckDB's own CLI of the same version, from PyPI's duckdb-cli package.
$(DUCKDB_PY_VENV)/bin/duckdb: | $(DUCKDB_PY_VENV)/bin/python
	$(DUCKDB_PY_VENV)/bin/pip install -q duckdb-cli==$(DUCKDB_VERSION)

$(DUCK_C_BUILD)/bench/bench_duck: bench/c/duck/bench_duck.c include/store.h | build
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_STRICT) -D_POSIX_C_SOURCE=200809L -O2 -g -Iinclude $< -o $@ $(C_LINK_STORE)

bench-duck: build $(DUCK_C_BUILD)/bench/bench_duck $(DUCKDB_PY_VENV)/bin/python $(DUCKDB_PY_VENV)/bin/duckdb
	$(DUCKDB_PY_VENV)/bin/python bench/c/duck/compare.py \
		--ours $(DUCK_C_BUILD)/bench/bench_duck --work $(BUILD)/bench-duck \
		--cli $(DUCKDB_PY_VENV)/bin/duckdb $(BENCH_DUCK_ARGS)
