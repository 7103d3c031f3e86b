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

// CopyMedium streams sourcePath on source to destinationPath on
// destination (go-io's Copy) through the media's ReadStream and
// WriteStream, so a file of any size passes in bounded memory. The
// destination writer is closed after the last byte; on a failure it is
// closed early (Go writers have no abort), so write to a temporary name
// and Rename when a half-written file must never be visible. A missing
// source matches NotFoundError.
func CopyMedium(source Medium, sourcePath string, destination Medium, destinationPath string) error {
	if source == nil || destination == nil {
		return usageError("store.CopyMedium", "medium is nil")
	}
	r := C.go_medium_copy(C.uintptr_t(cgo.NewHandle(source)), sourcePath,
		C.uintptr_t(cgo.NewHandle(destination)), destinationPath)
	return resultErr(r)
}

// cOpenWithMedium hands c.Medium to the library as a callback table. The
// cgo handle keeps the medium reachable until the library releases it.
func cOpenWithMedium(path string, c StoreConfig) (unsafe.Pointer, kvHandle, error) {
	handle := cgo.NewHandle(c.Medium)
	r := C.go_open_with_medium(path, C.int64_t(durationMs(c.PurgeInterval)), busyMs(c.BusyTimeout), c.WorkspaceStateDirectory,
		c.Journal.EndpointURL, c.Journal.Organisation, c.Journal.BucketName, C.uintptr_t(handle))
	if r.status != statusOK {
		return nil, nil, failure(r.status, r.err)
	}
	return r.handle, r.kv, nil
}
