module example.com/besidesqlite

go 1.26

require dappco.re/go/store v0.0.0

require github.com/mattn/go-sqlite3 v1.14.53

replace dappco.re/go/store => ../../bindings/go
