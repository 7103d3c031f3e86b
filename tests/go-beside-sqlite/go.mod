module example.com/besidesqlite

go 1.26

require dappco.re/go/store v0.0.0

require (
	github.com/duckdb/duckdb-go-bindings/lib/linux-amd64 v0.10506.0
	github.com/mattn/go-sqlite3 v1.14.53
)

replace dappco.re/go/store => ../../bindings/go
