package store

// The cgo layer of the workspace binding: one shim call per operation (see
// workspace_shims.h).

/*
#cgo CFLAGS: -I${SRCDIR}/../../include
#include "workspace_shims.h"
*/
import "C"

import "unsafe"

// wsHandle is an open store_workspace.
type wsHandle = unsafe.Pointer

func cWorkspaceNew(db unsafe.Pointer, name string) (wsHandle, error) {
	r := C.go_workspace_new(db, name)
	if err := failure(r.status, r.err); err != nil {
		return nil, err
	}
	return r.handle, nil
}

func cWorkspacePut(h wsHandle, kind, data string) error {
	return resultErr(C.go_workspace_put(h, kind, data))
}

func cWorkspaceCount(h wsHandle) (int64, error) {
	r := C.go_workspace_count(h)
	return int64(r.n), resultErr(r)
}

func cWorkspaceAggregate(h wsHandle) ([]byte, error) { return bytesResult(C.go_workspace_bytes(h, 0)) }

func cWorkspaceCommit(h wsHandle) ([]byte, error) { return bytesResult(C.go_workspace_bytes(h, 1)) }

func cWorkspacePath(h wsHandle) ([]byte, error) { return bytesResult(C.go_workspace_bytes(h, 2)) }

func cWorkspaceQuery(h wsHandle, sql string) ([]byte, error) {
	return bytesResult(C.go_workspace_query(h, sql))
}

func cWorkspaceClose(h wsHandle) error { return resultErr(C.go_workspace_close(h)) }

func cWorkspaceDiscard(h wsHandle) error { return resultErr(C.go_workspace_discard(h)) }

func cWorkspaceFree(h wsHandle) { C.go_workspace_free(h) }

func cWaitForOrphanScan(db unsafe.Pointer) error { return resultErr(C.go_wait_for_orphan_scan(db)) }

// cRecoverOrphans returns new handles, each owned by the caller.
func cRecoverOrphans(db unsafe.Pointer, dir string) ([]wsHandle, error) {
	r := C.go_recover_orphans(db, dir)
	if err := failure(r.status, r.err); err != nil {
		return nil, err
	}
	out := make([]wsHandle, int(r.len))
	for i := range out {
		out[i] = C.go_orphan_at(r.list, C.size_t(i))
	}
	C.go_workspace_array_free(r.list, r.len)
	return out, nil
}
