package store

import "fmt"

// init refuses to run against a libstore whose C ABI differs from the one
// this package was compiled for (the header is checked at compile time by
// shims.h). A mismatch means the wrong libstore.so was found at run time.
func init() {
	if got := loadedABIVersion(); got != abiVersion {
		panic(fmt.Sprintf("store: libstore %s has C ABI %d; this package needs %d", loadedVersion(), got, abiVersion))
	}
}
