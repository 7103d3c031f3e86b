package store

// Workspace import and export through a Go Medium (go-store's Import and
// Export).

/*
#cgo CFLAGS: -I${SRCDIR}/../../include
#include "workspace_io_shims.h"
*/
import "C"

import (
	"runtime"
	"runtime/cgo"
)

// Import reads path from medium and adds one workspace entry per record;
// the entry kind is the file's base name without its last extension
// ("data.jsonl" → "data", ".jsonl" → "entry"). The lower-cased extension
// picks the format: ".csv" (RFC 4180, first row the header, every value a
// string), ".json" (an array of objects, or an object holding one under
// "entries", "records" or "data", or a single object), anything else JSON
// lines (one object per non-blank line).
//
// Unlike go-store, Import is all or nothing: the whole file is parsed and
// checked first and the records go in one transaction, so an error (a bad
// line 3, a non-object array element) leaves the workspace exactly as it
// was. Entries put earlier are written first and kept.
func Import(workspace *Workspace, medium Medium, path string) error {
	return workspaceIO("store.Import", workspace, medium, path, func(h wsHandle, m C.uintptr_t, p string) C.go_res {
		return C.go_workspace_import(h, m, p)
	})
}

// Export writes the workspace to path on medium: ".jsonl"/".ndjson" give
// one JSON line per entry in id order ({"created_at":…,"entry_data":"<JSON
// text>","entry_kind":…}), ".csv" the header entry_kind,entry_data,created_at
// and one row per entry, anything else the aggregate {"kind":count,…}. The
// parent directory is ensured first. Unlike go-store, the file is written
// under a temporary name beside path and renamed onto it, so a failed
// export never leaves a partial file and keeps an existing one unchanged;
// a closed workspace fails with "aggregate workspace" / "query workspace".
func Export(workspace *Workspace, medium Medium, path string) error {
	return workspaceIO("store.Export", workspace, medium, path, func(h wsHandle, m C.uintptr_t, p string) C.go_res {
		return C.go_workspace_export(h, m, p)
	})
}

// workspaceIO makes go-store's argument checks, then hands the medium to
// the library as a cgo handle that the library releases before returning.
func workspaceIO(op string, workspace *Workspace, medium Medium, path string,
	call func(wsHandle, C.uintptr_t, string) C.go_res) error {
	if workspace == nil || workspace.h == nil {
		return usageError(op, "workspace is nil")
	}
	if medium == nil {
		return usageError(op, "medium is nil")
	}
	if path == "" {
		return usageError(op, "path is empty")
	}
	err := resultErr(call(workspace.h, C.uintptr_t(cgo.NewHandle(medium)), path))
	runtime.KeepAlive(workspace)
	return err
}
