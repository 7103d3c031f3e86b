package store

// The exported trampolines through which the library calls a Go Medium.
// They live alone in this file because a cgo preamble next to //export may
// only declare, not define, C functions.

// #include <store.h>
import "C"

import (
	"errors"
	"fmt"
	"io"
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

// Streams: each open reader or writer is a cgo handle the library holds
// until it closes the stream (exactly once).

//export goMediumOpenWriter
func goMediumOpenWriter(h C.uintptr_t, path *C.uint8_t, pathLen C.size_t, flags C.uint32_t, call *C.store_medium_call, writer *C.uintptr_t) C.int32_t {
	return mediumRun(call, func() error {
		m, p := mediumOf(h), goText(path, pathLen)
		var w io.WriteCloser
		var err error
		if flags == C.STORE_MEDIUM_APPEND {
			w, err = m.Append(p)
		} else {
			w, err = m.WriteStream(p)
		}
		if err == nil {
			*writer = C.uintptr_t(cgo.NewHandle(w))
		}
		return err
	})
}

//export goMediumWriterWrite
func goMediumWriterWrite(h C.uintptr_t, writer C.uintptr_t, data *C.uint8_t, n C.size_t, call *C.store_medium_call) C.int32_t {
	return mediumRun(call, func() error {
		w := cgo.Handle(writer).Value().(io.WriteCloser)
		if n == 0 {
			return nil
		}
		// io.Writer must not keep p, so the library's buffer is lent, not copied.
		_, err := w.Write(unsafe.Slice((*byte)(unsafe.Pointer(data)), int(n)))
		return err
	})
}

// goMediumWriterClose closes the writer whether the library commits or
// abandons it: io.WriteCloser has no abort.
//
//export goMediumWriterClose
func goMediumWriterClose(h C.uintptr_t, writer C.uintptr_t, commit C.uint8_t, call *C.store_medium_call) C.int32_t {
	handle := cgo.Handle(writer)
	defer handle.Delete()
	return mediumRun(call, func() error { return handle.Value().(io.WriteCloser).Close() })
}

//export goMediumOpenReader
func goMediumOpenReader(h C.uintptr_t, path *C.uint8_t, pathLen C.size_t, call *C.store_medium_call, reader *C.uintptr_t) C.int32_t {
	return mediumRun(call, func() error {
		r, err := mediumOf(h).ReadStream(goText(path, pathLen))
		if err == nil {
			*reader = C.uintptr_t(cgo.NewHandle(r))
		}
		return err
	})
}

// goMediumReaderRead fills buf; 0 means the end, -1 an error (reported
// through call). A reader that returns (0, nil) is asked again, a bounded
// number of times, so it is not mistaken for the end.
//
//export goMediumReaderRead
func goMediumReaderRead(h C.uintptr_t, reader C.uintptr_t, buf *C.uint8_t, capacity C.size_t, call *C.store_medium_call) (n C.int64_t) {
	status := mediumRun(call, func() error {
		r := cgo.Handle(reader).Value().(io.ReadCloser)
		view := unsafe.Slice((*byte)(unsafe.Pointer(buf)), int(capacity))
		for range 100 {
			got, err := r.Read(view)
			if got > 0 {
				n = C.int64_t(got)
				return nil
			}
			if err == io.EOF {
				n = 0
				return nil
			}
			if err != nil {
				return err
			}
		}
		return io.ErrNoProgress
	})
	if status != C.STORE_MEDIUM_OK {
		return -1
	}
	return n
}

//export goMediumReaderClose
func goMediumReaderClose(h C.uintptr_t, reader C.uintptr_t) {
	handle := cgo.Handle(reader)
	defer handle.Delete()
	defer func() { _ = recover() }()
	_ = handle.Value().(io.ReadCloser).Close()
}
