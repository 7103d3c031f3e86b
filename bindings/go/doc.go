// Package store is a group-namespaced key-value store with TTL expiry,
// scoped namespaces with quotas, change events and transactions: a drop-in
// replacement for go-store (dappco.re/go/store) backed by libstore, the
// Rust library of this repository, through cgo.
//
// A program using go-store switches by adding one line to its go.mod:
//
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
// Linking: by default the package links build/lib/libstore.so (run
// `make build` at the repository root first) with an rpath, so nothing
// needs LD_LIBRARY_PATH. `go build -tags store_static` links
// build/lib/libstore.a instead, giving a self-contained binary.
//
// Differences from go-store worth knowing: reads never hold the database
// while a loop body or callback runs, so All loops and OnChange callbacks
// may call the store; inside a Transaction callback, the store's own
// methods fail with an error instead of deadlocking; namespace prefixes are
// case-sensitive; quotas also offer MaxBytes.
package store
