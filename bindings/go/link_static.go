//go:build store_static

package store

// Static linking (`go build -tags store_static`): libstore.a is linked into
// the binary, which then runs without libstore.so. The system libraries are
// the ones Rust's standard library needs (`--print native-static-libs`).
// DuckDB stays a shared library (libduckdb.so from build/lib, found through
// an rpath): the prebuilt DuckDB is only published as a shared library.

// #cgo LDFLAGS: ${SRCDIR}/../../build/lib/libstore.a -L${SRCDIR}/../../build/lib -lduckdb -Wl,-rpath,${SRCDIR}/../../build/lib -lstdc++ -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc
import "C"
