# store — build, demo, test and benchmark entry points.
#
#   make demo     build the library and run the C quick start
#   make test     every test suite (installs missing tools such as Mono), then
#                 one line: "N passed, N failed"
#   make bench    every benchmark, each with ratios against an anchor measured
#                 in the same run (bench-c, bench-journal, bench-duck, bench-go)
#   make header   refresh include/store.h from src/ffi
#
# Cargo's build cache lives outside the clone so fresh clones reuse it.

CARGO ?= cargo
CARGO_TARGET_DIR ?= $(HOME)/.cache/store-target
export CARGO_TARGET_DIR
CARGO_FLAGS ?= --release --locked
RELEASE_DIR := $(CARGO_TARGET_DIR)/release
BUILD := $(CURDIR)/build
LIBDIR := $(BUILD)/lib
CC ?= cc
CFLAGS_STRICT := -std=c99 -Wall -Wextra -Werror -pedantic
DEMO_DB ?= $(BUILD)/demo.db
VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
# What every Quick Start prints (go-store's Quick Start), and the checker
# that compares a program's output with it.
QUICKSTART_OUTPUT := blue\nmap[colour:blue]\nsmtp.example.com:587\n
EXPECT_OUTPUT := sh $(CURDIR)/scripts/expect-output.sh
# The shared library's SONAME (set in build.rs): MAJOR.MINOR while 0.x.
SONAME := libstore.so.$(word 1,$(subst ., ,$(VERSION))).$(word 2,$(subst ., ,$(VERSION)))

.PHONY: all build build-locked lib header demo test test-rust check-header bench clean

all: build

# The shared and static libraries, copied to build/lib where the bindings,
# examples and tests look for them.
# Cargo runs under scripts/cargo-checkout.sh: checkouts sharing the cache
# take turns, and each rebuilds its own crate when another built last.
build lib:
	@sh scripts/cargo-checkout.sh $(MAKE) --no-print-directory build-locked

build-locked:
	$(CARGO) build $(CARGO_FLAGS)
	@mkdir -p $(LIBDIR)
	@# Copy then rename, so programs that have the old library mapped keep it.
	@cp -f $(RELEASE_DIR)/libstore.so $(LIBDIR)/.$(SONAME).tmp && mv -f $(LIBDIR)/.$(SONAME).tmp $(LIBDIR)/$(SONAME)
	@ln -sfn $(SONAME) $(LIBDIR)/libstore.so
	@# The archive keeps only store_* global, so it links beside another SQLite
	@# (scripts/static-archive.sh); redone only when cargo's archive changed.
	@# (test's -nt is false in dash when the second file is missing, hence -f.)
	@if [ ! -f $(LIBDIR)/libstore.a ] || [ $(RELEASE_DIR)/libstore.a -nt $(LIBDIR)/libstore.a ] || \
		[ scripts/static-archive.sh -nt $(LIBDIR)/libstore.a ]; then \
		sh scripts/static-archive.sh $(RELEASE_DIR)/libstore.a $(LIBDIR)/.libstore.a.tmp && \
		mv -f $(LIBDIR)/.libstore.a.tmp $(LIBDIR)/libstore.a; fi

# Regenerate the checked-in header from the one cbindgen wrote during the build.
header: build
	@cp -f "$$(ls -t $(RELEASE_DIR)/build/store-*/out/include/store.h | head -n 1)" include/store.h
	@echo "include/store.h refreshed"

$(BUILD)/examples/quickstart: examples/c/quickstart.c include/store.h | build
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_STRICT) -Iinclude $< -L$(LIBDIR) -lstore -Wl,-rpath,$(LIBDIR) -o $@

demo: build $(BUILD)/examples/quickstart
	@rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	$(BUILD)/examples/quickstart $(DEMO_DB)

# `make test` runs every suite in TEST_SUITES to its end and prints one
# summary line (scripts/test-summary.sh). Each area registers its suite with
# `TEST_SUITES += test-<area>`, not `test: test-<area>`: a prerequisite of
# `test` would run before the summary and stop it at the first failure.
TEST_SUITES := test-rust

test:
	@MAKE="$(MAKE)" sh scripts/test-summary.sh $(TEST_SUITES)

test-rust:
	@# Doc tests are linked by rustdoc, which ignores build.rs's rpath for the
	@# prebuilt libduckdb.so; the loader path covers them.
	LD_LIBRARY_PATH=$(DUCKDB_LIB_DIR)$${LD_LIBRARY_PATH:+:$$LD_LIBRARY_PATH} \
		sh scripts/cargo-checkout.sh $(CARGO) test $(CARGO_FLAGS) --no-fail-fast

clean:
	rm -rf $(BUILD)

# Each area adds its own targets and hooks itself into `test` and `bench`.
-include mk/*.mk
