module dappco.re/go/store

go 1.26
