package store

// Opening a store whose database lives on a Go Medium.

/*
#cgo CFLAGS: -I${SRCDIR}/../../include
#include "medium_shims.h"
*/
import "C"

import (
	"runtime/cgo"
	"unsafe"
)

// cOpenWithMedium hands c.Medium to the library as a callback table. The
// cgo handle keeps the medium reachable until the library releases it.
func cOpenWithMedium(path string, c StoreConfig) (unsafe.Pointer, kvHandle, error) {
	handle := cgo.NewHandle(c.Medium)
	r := C.go_open_with_medium(path, C.int64_t(durationMs(c.PurgeInterval)), c.WorkspaceStateDirectory,
		c.Journal.EndpointURL, c.Journal.Organisation, c.Journal.BucketName, C.uintptr_t(handle))
	if r.status != statusOK {
		return nil, nil, failure(r.status, r.err)
	}
	return r.handle, r.kv, nil
}
