package store

// The exported trampolines the library calls for OnChange subscriptions.
// They live alone in this file because a cgo preamble next to //export may
// only declare, not define, C functions.

// #include <store.h>
import "C"

import "runtime/cgo"

// goStoreEvent delivers one event to the callback behind handle. It runs on
// the writing thread inside a library call, so a panic must stop here: it
// is recovered and the event is abandoned for this callback only.
//
//export goStoreEvent
func goStoreEvent(handle C.uintptr_t, event *C.store_event) {
	defer func() { _ = recover() }()
	switch sink := cgo.Handle(handle).Value().(type) {
	case func(Event):
		sink(eventFromC(event))
	case *watcher:
		sink.deliver(eventFromC(event))
	}
}

// goStoreRelease frees the handle once the library no longer needs it.
//
//export goStoreRelease
func goStoreRelease(handle C.uintptr_t) {
	h := cgo.Handle(handle)
	if w, ok := h.Value().(*watcher); ok {
		w.released()
	}
	h.Delete()
}
