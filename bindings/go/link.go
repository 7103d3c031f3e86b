//go:build cgo && !store_shared

package store

// Static linking (the default): build/lib/libstore.a is linked into the
// program, so the binary keeps running after the checkout moves or build/
// is deleted, and needs no libstore.so at run time. Build with
// `-tags store_shared` to link libstore.so instead (see link_shared.go).
// `-tags store_static`, the old spelling of this default, still works.
//
// The system libraries are the ones Rust's standard library needs
// (`--print native-static-libs`).
//
// "cannot find …/build/lib/libstore.a" means the library was not built yet:
// run `make build` at the repository root.

// #cgo LDFLAGS: ${SRCDIR}/../../build/lib/libstore.a -lstdc++ -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc
import "C"
