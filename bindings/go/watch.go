package store

import (
	"runtime"
	"sync"
	"time"
	"unsafe"
)

// watchCapacity is the buffer of every Watch channel, as in go-store.
const watchCapacity = 16

// watchPoll bounds each wait of a forwarder, so it also notices closure by
// itself; closing a queue wakes it at once in any case.
const watchPoll = 500 * time.Millisecond

// watcher forwards one library watch queue into a Go channel. One goroutine
// per watcher reads the queue and sends without blocking: when the channel
// is full the event is dropped (counted in dropped), so a writer never waits
// for a reader. The channel is closed once the queue is closed and drained.
type watcher struct {
	group   string
	scope   *ScopedStore // nil for store-level watchers
	ch      chan Event
	done    chan struct{}
	mu      sync.Mutex     // guards queue against use after the forwarder frees it, and counted
	queue   unsafe.Pointer // *store_watch; nil once the forwarder has freed it
	counted struct{ forwarded, dropped uint64 }
}

// watchRegistry holds a store's live watchers (its own and its scoped
// stores'), so Unwatch can find a channel and Close can wait for every
// forwarder to end: no goroutine outlives Unwatch or Close.
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

// watch opens a queue on kv and starts its forwarder.
func (r *watchRegistry) watch(kv kvHandle, owner any, group string, scope *ScopedStore) <-chan Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return closedEvents()
	}
	queue, err := cWatchOpen(kv, group)
	runtime.KeepAlive(owner)
	if err != nil {
		return closedEvents()
	}
	w := &watcher{group: group, scope: scope, ch: make(chan Event, watchCapacity), queue: queue, done: make(chan struct{})}
	r.watchers = append(r.watchers, w)
	go w.forward()
	return w.ch
}

func (w *watcher) forward() {
	defer close(w.done)
	defer w.free()
	defer close(w.ch)
	for {
		event, status, _ := cWatchNext(w.queue, watchPoll)
		switch status {
		case statusOK:
			select {
			case w.ch <- event:
				w.count(true)
			default:
				w.count(false)
			}
		case statusTimeout:
		default:
			// Closed and drained (or the queue failed): end the channel.
			return
		}
	}
}

// free releases the queue; only the forwarder calls it, after its last read.
func (w *watcher) free() {
	w.mu.Lock()
	cWatchFree(w.queue)
	w.queue = nil
	w.mu.Unlock()
}

// stop closes the queue (waking the forwarder) and waits for the channel to close.
func (w *watcher) stop() {
	w.mu.Lock()
	if w.queue != nil {
		cWatchClose(w.queue)
	}
	w.mu.Unlock()
	<-w.done
}

func (w *watcher) count(forwarded bool) {
	w.mu.Lock()
	if forwarded {
		w.counted.forwarded++
	} else {
		w.counted.dropped++
	}
	w.mu.Unlock()
}

// unwatch stops the watcher whose channel is events and that match selects,
// and waits until its channel is closed. Unknown channels are ignored.
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

// closeAll runs after the library closed every queue: it waits for each
// forwarder to deliver what was buffered, close its channel and exit.
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
