package besidesqlite

// sqlite3_memory_used resolves to mattn/go-sqlite3's SQLite, the only one
// with global symbols in the program once libstore.a keeps its own local.

// #include <stdint.h>
// extern int64_t sqlite3_memory_used(void);
import "C"

// mattnMemoryUsed is the number of bytes mattn's SQLite has allocated.
func mattnMemoryUsed() int64 {
	return int64(C.sqlite3_memory_used())
}
