package store

import (
	"runtime"
	"runtime/cgo"
	"sync"
	"time"
)

// EventType says what a change did.
type EventType int

const (
	// EventSet: a key was written (Set, SetWithTTL).
	EventSet EventType = iota
	// EventDelete: a key was removed (Delete, lazy expiry on Get, purge).
	EventDelete
	// EventDeleteGroup: a group was removed (DeleteGroup, DeletePrefix).
	EventDeleteGroup
)

// String returns "set", "delete", "delete_group", or "unknown".
func (t EventType) String() string {
	switch t {
	case EventSet:
		return "set"
	case EventDelete:
		return "delete"
	case EventDeleteGroup:
		return "delete_group"
	}
	return "unknown"
}

// Event is one committed change. Key is empty for EventDeleteGroup and
// Value is set only for EventSet.
type Event struct {
	Type      EventType
	Group     string
	Key       string
	Value     string
	Timestamp time.Time
	// Seq is the change's commit-order sequence number: strictly increasing
	// per store from 1, so every callback and channel sees events in the
	// order they were committed. Not in go-store.
	Seq uint64
}

// OnChange registers callback for every change, called synchronously on the
// goroutine that made it, after commit and outside every lock: when Set
// returns, the callbacks have run. Callbacks may call the store, Watch,
// Unwatch, OnChange and unregister functions. A panic inside callback is
// recovered (it cannot cross the library) and that call is abandoned.
// The returned function unregisters it; it is idempotent and, once it
// returns, the callback is not running (unless called from inside it).
// A nil store, a closed store or a nil callback gives a no-op function.
func (s *Store) OnChange(callback func(Event)) func() {
	if s == nil || s.kv == nil || callback == nil {
		return func() {}
	}
	unregister := subscribe(s.kv, callback)
	runtime.KeepAlive(s)
	return unregister
}

// subscribe registers callback on a store or scoped store view. The
// callback travels to the library as a cgo.Handle, deleted by the
// library's release call (after unsubscribing, at Close, or on failure).
func subscribe(kv kvHandle, callback func(Event)) func() {
	sub, err := cSubscribe(kv, cgo.NewHandle(callback))
	if err != nil {
		return func() {}
	}
	var once sync.Once
	return func() { once.Do(func() { cUnsubscribe(sub) }) }
}
