# Go binding (bindings/go), its Quick Start (examples/go) and benchmarks (bench/go).
#
#   make test-go    go vet, then the binding's tests under the race detector
#                   (including a static -tags store_static build), then the
#                   Quick Start, whose output must match go-store's docs
#   make bench-go   go-store's benchmarks on this binding, on go-store's engine
#                   (modernc.org/sqlite through database/sql) and on
#                   mattn/go-sqlite3, with ratios; not part of `make test`

.PHONY: test-go bench-go quickstart-go

test: test-go

# Go from PATH, else the standard install location.
GO ?= $(shell command -v go 2>/dev/null || echo /usr/local/go/bin/go)
GO_QUICKSTART_EXPECTED := blue\nmap[colour:blue]\nsmtp.example.com:587\n

test-go: build
	cd bindings/go && $(GO) vet ./... && $(GO) test -race -count=1 ./...
	@$(MAKE) --no-print-directory quickstart-go

# Runs the Quick Start on a fresh database and compares its output.
quickstart-go: build
	@dir=$$(mktemp -d) && trap 'rm -rf "$$dir"' EXIT && \
	(cd examples/go/quickstart && $(GO) run . "$$dir/app.db") > "$$dir/out" && \
	printf '$(GO_QUICKSTART_EXPECTED)' | diff -u - "$$dir/out" && \
	echo "examples/go/quickstart: output matches go-store's Quick Start"

bench-go: build
	cd bench/go && $(GO) run . $(BENCH_GO_FLAGS)
