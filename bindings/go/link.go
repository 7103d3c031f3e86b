//go:build !store_static

package store

// Dynamic linking (the default): libstore.so from build/lib, found at run
// time through an rpath, so neither `go test` nor the programs it builds
// need LD_LIBRARY_PATH. Build with `-tags store_static` for a
// self-contained binary (see link_static.go).

// #cgo LDFLAGS: -L${SRCDIR}/../../build/lib -lstore -Wl,-rpath,${SRCDIR}/../../build/lib
import "C"
