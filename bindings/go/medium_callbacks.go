package store

// The exported trampolines through which the library calls a Go Medium.
// They live alone in this file because a cgo preamble next to //export may
// only declare, not define, C functions.

// #include <store.h>
import "C"

import (
	"errors"
	"fmt"
	"io/fs"
	"runtime/cgo"
	"unsafe"
)

// mediumOf returns the Medium behind a handle made by cOpenWithMedium.
func mediumOf(handle C.uintptr_t) Medium {
	return cgo.Handle(handle).Value().(Medium)
}

// goText views a library-owned path as a Go string (copied: the bytes are
// only valid during the callback).
func goText(p *C.uint8_t, n C.size_t) string {
	return C.GoStringN((*C.char)(unsafe.Pointer(p)), C.int(n))
}

// goContent copies library-owned content into a Go string
// (a medium may keep it past the callback).
func goContent(p *C.uint8_t, n C.size_t) string {
	if n == 0 {
		return ""
	}
	return string(unsafe.Slice((*byte)(unsafe.Pointer(p)), int(n)))
}

// callPtr passes Go-owned bytes to a store_medium_call_* function, which
// copies them before returning.
func callPtr(s string) (*C.uint8_t, C.size_t) {
	if len(s) == 0 {
		return nil, 0
	}
	return (*C.uint8_t)(unsafe.Pointer(unsafe.StringData(s))), C.size_t(len(s))
}

// mediumRun runs one medium method and turns its outcome into the status
// the library expects, reporting the error text through call. A panic is
// recovered: it must not unwind through the library.
func mediumRun(call *C.store_medium_call, method func() error) (status C.int32_t) {
	defer func() {
		if p := recover(); p != nil {
			setCallError(call, fmt.Sprintf("medium panicked: %v", p))
			status = C.STORE_MEDIUM_ERROR
		}
	}()
	err := method()
	if err == nil {
		return C.STORE_MEDIUM_OK
	}
	setCallError(call, err.Error())
	if errors.Is(err, fs.ErrNotExist) {
		return C.STORE_MEDIUM_NOT_FOUND
	}
	return C.STORE_MEDIUM_ERROR
}

func setCallError(call *C.store_medium_call, message string) {
	p, n := callPtr(message)
	C.store_medium_call_set_error(call, p, n)
}

// mediumTest runs a yes/no method; a panic counts as "no".
func mediumTest(question func() bool) (answer C.int32_t) {
	defer func() {
		if recover() != nil {
			answer = 0
		}
	}()
	if question() {
		return 1
	}
	return 0
}

func addEntry(call *C.store_medium_call, info fs.FileInfo) {
	p, n := callPtr(info.Name())
	modified := int64(0)
	if t := info.ModTime(); !t.IsZero() {
		modified = t.UnixMilli()
	}
	C.store_medium_call_add_entry(call, p, n, C.uint64_t(max(info.Size(), 0)), C.uint32_t(info.Mode().Perm()),
		C.int64_t(modified), C.bool(info.IsDir()))
}

//export goMediumRead
func goMediumRead(h C.uintptr_t, path *C.uint8_t, pathLen C.size_t, call *C.store_medium_call) C.int32_t {
	return mediumRun(call, func() error {
		content, err := mediumOf(h).Read(goText(path, pathLen))
		if err == nil {
			p, n := callPtr(content)
			C.store_medium_call_write(call, p, n)
		}
		return err
	})
}

//export goMediumWrite
func goMediumWrite(h C.uintptr_t, path *C.uint8_t, pathLen C.size_t, content *C.uint8_t, contentLen C.size_t, call *C.store_medium_call) C.int32_t {
	return mediumRun(call, func() error {
		return mediumOf(h).Write(goText(path, pathLen), goContent(content, contentLen))
	})
}

//export goMediumWriteMode
func goMediumWriteMode(h C.uintptr_t, path *C.uint8_t, pathLen C.size_t, content *C.uint8_t, contentLen C.size_t, mode C.uint32_t, call *C.store_medium_call) C.int32_t {
	return mediumRun(call, func() error {
		return mediumOf(h).WriteMode(goText(path, pathLen), goContent(content, contentLen), fs.FileMode(mode)&fs.ModePerm)
	})
}

//export goMediumEnsureDir
func goMediumEnsureDir(h C.uintptr_t, path *C.uint8_t, pathLen C.size_t, call *C.store_medium_call) C.int32_t {
	return mediumRun(call, func() error { return mediumOf(h).EnsureDir(goText(path, pathLen)) })
}

//export goMediumIsFile
func goMediumIsFile(h C.uintptr_t, path *C.uint8_t, pathLen C.size_t) C.int32_t {
	return mediumTest(func() bool { return mediumOf(h).IsFile(goText(path, pathLen)) })
}

//export goMediumDelete
func goMediumDelete(h C.uintptr_t, path *C.uint8_t, pathLen C.size_t, call *C.store_medium_call) C.int32_t {
	return mediumRun(call, func() error { return mediumOf(h).Delete(goText(path, pathLen)) })
}

//export goMediumDeleteAll
func goMediumDeleteAll(h C.uintptr_t, path *C.uint8_t, pathLen C.size_t, call *C.store_medium_call) C.int32_t {
	return mediumRun(call, func() error { return mediumOf(h).DeleteAll(goText(path, pathLen)) })
}

//export goMediumRename
func goMediumRename(h C.uintptr_t, oldPath *C.uint8_t, oldLen C.size_t, newPath *C.uint8_t, newLen C.size_t, call *C.store_medium_call) C.int32_t {
	return mediumRun(call, func() error {
		return mediumOf(h).Rename(goText(oldPath, oldLen), goText(newPath, newLen))
	})
}

//export goMediumList
func goMediumList(h C.uintptr_t, path *C.uint8_t, pathLen C.size_t, call *C.store_medium_call) C.int32_t {
	return mediumRun(call, func() error {
		entries, err := mediumOf(h).List(goText(path, pathLen))
		if err != nil {
			return err
		}
		for _, entry := range entries {
			info, err := entry.Info()
			if err != nil {
				return err
			}
			addEntry(call, info)
		}
		return nil
	})
}

//export goMediumStat
func goMediumStat(h C.uintptr_t, path *C.uint8_t, pathLen C.size_t, call *C.store_medium_call) C.int32_t {
	return mediumRun(call, func() error {
		info, err := mediumOf(h).Stat(goText(path, pathLen))
		if err == nil {
			addEntry(call, info)
		}
		return err
	})
}

//export goMediumExists
func goMediumExists(h C.uintptr_t, path *C.uint8_t, pathLen C.size_t) C.int32_t {
	return mediumTest(func() bool { return mediumOf(h).Exists(goText(path, pathLen)) })
}

//export goMediumIsDir
func goMediumIsDir(h C.uintptr_t, path *C.uint8_t, pathLen C.size_t) C.int32_t {
	return mediumTest(func() bool { return mediumOf(h).IsDir(goText(path, pathLen)) })
}
