# Journal benchmarks (bench/journal): CommitToJournal per row and batched,
# Flux queries over a large journal, and compaction throughput and memory,
# each against raw SQLite or the gzip/zstd command-line tools in the same run.
#
#   make bench-journal                  1 000 000 rows
#   make bench-journal JOURNAL_ROWS=N   another size

.PHONY: bench-journal

bench: bench-journal

JOURNAL_ROWS ?= 1000000

$(C_BUILD)/bench/journal: bench/journal/journal.c bench/c/runner.c bench/c/bench.h include/store.h \
		$(C_BUILD)/sqlite/sqlite3.o | build
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_STRICT) -Wno-format-truncation -D_POSIX_C_SOURCE=200809L -O2 -g -Iinclude -Ibench/c -I$(C_BUILD)/sqlite \
		bench/journal/journal.c bench/c/runner.c $(C_BUILD)/sqlite/sqlite3.o -o $@ $(SQLITE_LIBS) $(C_LINK_STORE)

bench-journal: build $(C_BUILD)/bench/journal
	$(C_BUILD)/bench/journal $(JOURNAL_ROWS)
