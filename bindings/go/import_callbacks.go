package store

// The exported functions through which the library calls ImportAll's Go
// copy functions and writer. They live alone in this file because a cgo
// preamble next to //export may only declare, not define, C functions.

// #include <store.h>
import "C"

import (
	"fmt"
	"runtime/cgo"
	"unsafe"
)

func importStateOf(h C.uintptr_t) *importState {
	return cgo.Handle(h).Value().(*importState)
}

// importCopy runs one copy function and turns its outcome into the
// library's status, passing the error text through call. A panic is
// recovered: it must not unwind through the library.
func importCopy(call *C.store_import_call, copy func() error) (status C.int32_t) {
	defer func() {
		if p := recover(); p != nil {
			setImportError(call, fmt.Sprintf("copy panicked: %v", p))
			status = 1
		}
	}()
	if err := copy(); err != nil {
		setImportError(call, err.Error())
		return 1
	}
	return C.STORE_IMPORT_COPY_OK
}

func setImportError(call *C.store_import_call, message string) {
	p, n := callPtr(message)
	C.store_import_call_set_error(call, p, n)
}

//export goImportScp
func goImportScp(h C.uintptr_t, remote *C.uint8_t, remoteLen C.size_t, local *C.uint8_t, localLen C.size_t, call *C.store_import_call) C.int32_t {
	return importCopy(call, func() error {
		return importStateOf(h).cfg.Scp(goText(remote, remoteLen), goText(local, localLen))
	})
}

//export goImportScpDir
func goImportScpDir(h C.uintptr_t, remote *C.uint8_t, remoteLen C.size_t, local *C.uint8_t, localLen C.size_t, call *C.store_import_call) C.int32_t {
	return importCopy(call, func() error {
		return importStateOf(h).cfg.ScpDir(goText(remote, remoteLen), goText(local, localLen))
	})
}

//export goImportWrite
func goImportWrite(h C.uintptr_t, text *C.uint8_t, n C.size_t) {
	// Writer errors and panics are ignored, as go-store ignores writer errors.
	defer func() { _ = recover() }()
	_, _ = importStateOf(h).w.Write(unsafe.Slice((*byte)(unsafe.Pointer(text)), int(n)))
}
