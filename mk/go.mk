# Go binding (bindings/go), its Quick Start (examples/go) and benchmarks (bench/go).
#
#   make test-go    go vet, then the binding's tests under the race detector
#                   (including how programs link: static by default,
#                   -tags store_shared, CGO_ENABLED=0), then the Quick
#                   Start, whose output must match go-store's docs
#   make bench-go   go-store's benchmarks on this binding, on go-store's engine
#                   (modernc.org/sqlite through database/sql) and on
#                   mattn/go-sqlite3; then the journal, and the workspace and
#                   DuckDB cells (Put, QueryRows, Commit, orphans at open)
#                   against go-store's path through duckdb-go/v2; all with
#                   ratios; part of `make bench`, not of `make test`.
#                   BENCH_GO_FLAGS passes flags, e.g. -run Orphans -orphans 3

.PHONY: test-go bench-go quickstart-go

TEST_SUITES += test-go

# Go from PATH, else the standard install location.
GO ?= $(shell command -v go 2>/dev/null || echo /usr/local/go/bin/go)
GO_QUICKSTART_DB := $(BUILD)/go-quickstart.db

# Build tags for every go command: `$(call go_tags,extra)` gives -tags=
# with the extras and GO_TAGS (`make DUCKDB=bundled` adds
# store_duckdb_bundled there, see mk/duck.mk).
GO_TAGS ?=
go_tags_empty :=
go_tags_comma := ,
go_tags = -tags=$(subst $(go_tags_empty) $(go_tags_empty),$(go_tags_comma),$(strip $(1) $(GO_TAGS)))

# -v prints one "--- PASS/FAIL" line per test, which `make test` counts.
test-go: build
	cd bindings/go && $(GO) vet $(call go_tags) ./... && $(GO) test $(call go_tags) -race -count=1 -v ./...
	@$(MAKE) --no-print-directory quickstart-go

# Runs the Quick Start on a fresh database and compares its output.
quickstart-go: build
	@rm -f $(GO_QUICKSTART_DB) $(GO_QUICKSTART_DB)-wal $(GO_QUICKSTART_DB)-shm
	@$(EXPECT_OUTPUT) "examples/go/quickstart output (go-store's Quick Start)" '$(QUICKSTART_OUTPUT)' \
		$(GO) -C examples/go/quickstart run $(call go_tags) . $(GO_QUICKSTART_DB)

bench: bench-go

bench-go: build
	cd bench/go && $(GO) run $(call go_tags) . $(BENCH_GO_FLAGS)
