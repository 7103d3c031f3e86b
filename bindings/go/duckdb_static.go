//go:build cgo && !store_shared

package store

// DuckDB for the static default build (link.go): DuckDB's own static
// libraries for the version the library is built against (1.5.6), from
// DuckDB's Go module, so a program still needs no shared library at run
// time. The shared build (link_shared.go) uses build/lib/libduckdb.so.
import _ "github.com/duckdb/duckdb-go-bindings/lib/linux-amd64"
