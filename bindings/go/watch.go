package store

import (
	"runtime"
	"runtime/cgo"
	"sync"
	"unsafe"
)

// watchCapacity is the buffer of every Watch channel, as in go-store.
const watchCapacity = 16

// watcher feeds one Go channel straight from the library: a watch callback
// (store_subscribe_watcher) runs at commit time, in commit order, and sends
// without blocking, as go-store's notify does; a full channel drops the
// event and counts it. No goroutine and no polling. The library calls
// released once after the last delivery (Unwatch, Close), which closes the
// channel. The mutex gives the race detector the order the library already
// guarantees between the last send and the close.
type watcher struct {
	group   string
	scope   *ScopedStore // nil for store-level watchers
	ch      chan Event
	sub     unsafe.Pointer // *store_subscription, freed by stop
	mu      sync.Mutex
	closed  bool
	counted struct{ forwarded, dropped uint64 }
}

// deliver runs inside the library's write, under its writer lock: it must
// not block or call the store.
func (w *watcher) deliver(e Event) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return
	}
	select {
	case w.ch <- e:
		w.counted.forwarded++
	default:
		w.counted.dropped++
	}
}

// released runs once, after the library's last call of deliver.
func (w *watcher) released() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.closed {
		w.closed = true
		close(w.ch)
	}
}

// watchRegistry holds a store's live watchers (its own and its scoped
// stores'), so Unwatch can find a channel and Close can free them.
type watchRegistry struct {
	mu       sync.Mutex
	closed   bool
	watchers []*watcher
}

func newWatchRegistry() *watchRegistry { return &watchRegistry{} }

// closedEvents is the already-closed channel Watch returns when it cannot watch.
func closedEvents() <-chan Event {
	ch := make(chan Event)
	close(ch)
	return ch
}

// watch subscribes a watcher on kv.
func (r *watchRegistry) watch(kv kvHandle, owner any, group string, scope *ScopedStore) <-chan Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return closedEvents()
	}
	w := &watcher{group: group, scope: scope, ch: make(chan Event, watchCapacity)}
	sub, err := cSubscribeWatcher(kv, group, cgo.NewHandle(w))
	runtime.KeepAlive(owner)
	if err != nil {
		// The library has released the handle, closing w.ch.
		return closedEvents()
	}
	w.sub = sub
	r.watchers = append(r.watchers, w)
	return w.ch
}

// stop unsubscribes: the library waits for a delivery in progress, then
// releases the watcher, which closes its channel.
func (w *watcher) stop() {
	cUnsubscribe(w.sub)
	w.released() // already done by the library; harmless, and explicit
}

// unwatch stops the watcher whose channel is events and that match selects.
// Its channel is closed when unwatch returns. Unknown channels are ignored.
func (r *watchRegistry) unwatch(events <-chan Event, match func(*watcher) bool) {
	if r == nil || events == nil {
		return
	}
	r.mu.Lock()
	var found *watcher
	for i, w := range r.watchers {
		if (<-chan Event)(w.ch) == events && match(w) {
			found = w
			r.watchers = append(r.watchers[:i], r.watchers[i+1:]...)
			break
		}
	}
	r.mu.Unlock()
	if found != nil {
		found.stop()
	}
}

// closeAll runs after the library closed the store (which released every
// watcher and closed its channel): it frees the subscriptions.
func (r *watchRegistry) closeAll() {
	if r == nil {
		return
	}
	r.mu.Lock()
	r.closed = true
	watchers := r.watchers
	r.watchers = nil
	r.mu.Unlock()
	for _, w := range watchers {
		w.stop()
	}
}

// Watch returns a channel (capacity 16) receiving every change to group
// ("*" for all groups). A full channel drops events rather than blocking
// writers. The channel is closed by Unwatch or Close, after the events
// already queued are delivered. A nil or closed store gives a closed channel.
func (s *Store) Watch(group string) <-chan Event {
	if s == nil || s.kv == nil {
		return closedEvents()
	}
	return s.watches.watch(s.kv, s, group, nil)
}

// Unwatch stops the channel Watch(group) returned and closes it. A channel
// not watching group, a nil channel, or a repeated call is a no-op.
func (s *Store) Unwatch(group string, events <-chan Event) {
	if s == nil {
		return
	}
	s.watches.unwatch(events, func(w *watcher) bool { return w.scope == nil && w.group == group })
}
