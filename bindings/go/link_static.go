//go:build store_static

package store

// Static linking (`go build -tags store_static`): libstore.a is linked into
// the binary, which then runs without libstore.so. The system libraries are
// the ones Rust's standard library needs (`--print native-static-libs`).

// #cgo LDFLAGS: ${SRCDIR}/../../build/lib/libstore.a -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc
import "C"
