//go:build cgo && !store_shared && !store_duckdb_bundled

package store

// DuckDB for the static default build (link.go): DuckDB's own static
// libraries for the version the library is built against (1.5.6), from
// DuckDB's Go module, so a program still needs no shared library at run
// time. The shared build (link_shared.go) uses build/lib/libduckdb.so.
//
// A library built with `make DUCKDB=bundled` compiled DuckDB from source
// into libstore.a itself; build with `-tags store_duckdb_bundled` then, so
// the program links that copy alone and needs nothing from DuckDB's module
// (which exists for linux/amd64 only).
import _ "github.com/duckdb/duckdb-go-bindings/lib/linux-amd64"
