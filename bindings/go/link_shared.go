//go:build cgo && store_shared

package store

// Dynamic linking (`-tags store_shared`): build/lib/libstore.so, found at
// run time through an rpath into this checkout, so neither `go test` nor
// the programs it builds need LD_LIBRARY_PATH — but the program stops
// starting ("error while loading shared libraries: libstore.so.0.1") once
// the checkout moves or build/ is deleted. Smaller binaries and faster
// links than the static default (link.go); the library can be rebuilt
// without relinking.
//
// "cannot find -lstore" means the library was not built yet: run
// `make build` at the repository root.

// #cgo LDFLAGS: -L${SRCDIR}/../../build/lib -lstore -Wl,-rpath,${SRCDIR}/../../build/lib
import "C"
