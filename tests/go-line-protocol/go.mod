module dappco.re/go/store/tests/lineprotocol

go 1.26

require (
	dappco.re/go/store v0.0.0
	github.com/duckdb/duckdb-go-bindings/lib/linux-amd64 v0.10506.0
	github.com/influxdata/line-protocol/v2 v2.2.1
)

replace dappco.re/go/store => ../../bindings/go
