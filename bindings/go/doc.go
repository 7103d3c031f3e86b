// Package store is a group-namespaced key-value store with TTL expiry,
// scoped namespaces with quotas, change events and transactions: a drop-in
// replacement for go-store (dappco.re/go/store) backed by libstore, the
// Rust library of this repository, through cgo.
//
// A program using go-store switches by adding two lines to its go.mod:
//
//	require dappco.re/go/store v0.0.0
//	replace dappco.re/go/store => /path/to/store/bindings/go
//
// Quick start:
//
//	storeInstance, err := store.New(":memory:")
//	if err != nil {
//		return err
//	}
//	defer storeInstance.Close()
//	_ = storeInstance.Set("config", "colour", "blue")
//	colour, _ := storeInstance.Get("config", "colour") // "blue"
//
// The replace line alone is not enough ("replaced but not required"); add
// both with go mod edit, or run `go mod tidy` after the replace line. Both
// work offline:
//
//	go mod edit -require=dappco.re/go/store@v0.0.0 -replace=dappco.re/go/store=/path/to/store/bindings/go
//
// Linking: run `make build` at the repository root first. By default the
// package links build/lib/libstore.a into the program, which then needs
// nothing at run time and keeps working when the checkout moves.
// `-tags store_shared` links build/lib/libstore.so instead, through an
// rpath into the checkout. The package needs cgo: with CGO_ENABLED=0 the
// build stops at "undefined: store_requires_cgo_set_CGO_ENABLED_1".
//
// Differences from go-store worth knowing: reads never hold the database
// while a loop body or callback runs, so All loops and OnChange callbacks
// may call the store; inside a Transaction callback, the store's own
// methods fail with an error instead of deadlocking; namespace prefixes are
// case-sensitive; quotas also offer MaxBytes.
package store
