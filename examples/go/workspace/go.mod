module example.com/workspace

go 1.26

require (
	dappco.re/go/store v0.0.0
	github.com/duckdb/duckdb-go-bindings/lib/linux-amd64 v0.10506.0
)

replace dappco.re/go/store => ../../../bindings/go
