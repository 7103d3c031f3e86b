//go:build store_duckdb_bundled

package store

// The tests were built for a `make DUCKDB=bundled` library, so the programs
// they build must be too (duckdb_static.go).
func init() { linkTestTags = append(linkTestTags, "store_duckdb_bundled") }
