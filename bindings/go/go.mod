module dappco.re/go/store

go 1.26

require github.com/duckdb/duckdb-go-bindings/lib/linux-amd64 v0.10506.0
