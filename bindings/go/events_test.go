package store

import (
	"fmt"
	"reflect"
	"runtime"
	"sync"
	"testing"
	"time"
)

func TestEvents_Watch_Good_Group(t *testing.T) {
	s := newTestStore(t)
	events := s.Watch("config")
	if cap(events) != 16 {
		t.Fatalf("capacity %d", cap(events))
	}
	mustSet(t, s, "other", "x", "1")
	mustSet(t, s, "config", "a", "1")
	mustSet(t, s, "config", "b", "2")
	for _, want := range []string{"a", "b"} {
		e := receive(t, events)
		if e.Type != EventSet || e.Group != "config" || e.Key != want || e.Timestamp.IsZero() {
			t.Fatalf("got %+v, want key %s", e, want)
		}
	}
}

func TestEvents_Watch_Good_WildcardGroup(t *testing.T) {
	s := newTestStore(t)
	events := s.Watch("*")
	mustSet(t, s, "a", "k1", "v1")
	mustSet(t, s, "b", "k2", "v2")
	if err := s.Delete("a", "k1"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteGroup("b"); err != nil {
		t.Fatal(err)
	}
	var got []string
	for range 4 {
		e := receive(t, events)
		got = append(got, fmt.Sprintf("%s %s %s %s", e.Type, e.Group, e.Key, e.Value))
	}
	want := []string{"set a k1 v1", "set b k2 v2", "delete a k1 ", "delete_group b  "}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %q", got)
	}
}

func TestEvents_Unwatch_Good_StopsDelivery(t *testing.T) {
	s := newTestStore(t)
	events := s.Watch("g")
	mustSet(t, s, "g", "before", "v")
	s.Unwatch("g", events)
	// Unwatch has closed the channel by the time it returns; the event
	// queued before it is still delivered first.
	rest := waitClosed(t, events)
	if len(rest) != 1 || rest[0].Key != "before" {
		t.Fatalf("buffered events %+v", rest)
	}
	mustSet(t, s, "g", "after", "v")
	s.Unwatch("g", events)
	s.Unwatch("g", nil)
}

func TestEvents_Unwatch_Good_WrongGroupIsNoop(t *testing.T) {
	s := newTestStore(t)
	events := s.Watch("g")
	s.Unwatch("other", events)
	mustSet(t, s, "g", "k", "v")
	if e := receive(t, events); e.Key != "k" {
		t.Fatalf("got %+v", e)
	}
}

func TestEvents_Close_Good_ClosesWatcherChannels(t *testing.T) {
	s, err := New(":memory:")
	if err != nil {
		t.Fatal(err)
	}
	a, b := s.Watch("g"), s.Watch("*")
	mustSet(t, s, "g", "k", "v")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if rest := waitClosed(t, a); len(rest) != 1 {
		t.Fatalf("group watcher kept %d events", len(rest))
	}
	if rest := waitClosed(t, b); len(rest) != 1 {
		t.Fatalf("wildcard watcher kept %d events", len(rest))
	}
	if _, ok := <-s.Watch("g"); ok {
		t.Fatal("Watch after Close gave an open channel")
	}
	s.Unwatch("g", a)
	if called := false; true {
		s.OnChange(func(Event) { called = true })()
		if called {
			t.Fatal("callback ran")
		}
	}
}

func TestEvents_Watch_Good_DeleteEvents(t *testing.T) {
	s := newTestStore(t)
	mustSet(t, s, "g", "k", "v")
	events := s.Watch("g")
	if err := s.Delete("g", "k"); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete("g", "missing"); err != nil {
		t.Fatal(err)
	}
	mustSet(t, s, "g", "k2", "v")
	if err := s.DeleteGroup("g"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteGroup("g"); err != nil {
		t.Fatal(err)
	}
	got := []Event{receive(t, events), receive(t, events), receive(t, events)}
	if got[0].Type != EventDelete || got[0].Key != "k" || got[0].Value != "" {
		t.Fatalf("delete %+v", got[0])
	}
	if got[2].Type != EventDeleteGroup || got[2].Group != "g" || got[2].Key != "" {
		t.Fatalf("delete group %+v", got[2])
	}
	select {
	case e := <-events:
		t.Fatalf("event for a no-op delete: %+v", e)
	case <-time.After(50 * time.Millisecond):
	}
}

func TestEvents_OnChange_Good_Fires(t *testing.T) {
	s := newTestStore(t)
	var got []string
	unregister := s.OnChange(func(e Event) { got = append(got, e.Type.String()+":"+e.Group+"/"+e.Key+"="+e.Value) })
	mustSet(t, s, "config", "colour", "blue")
	// Synchronous: the callback has run when Set returns.
	if !reflect.DeepEqual(got, []string{"set:config/colour=blue"}) {
		t.Fatalf("after Set: %q", got)
	}
	if err := s.Delete("config", "colour"); err != nil {
		t.Fatal(err)
	}
	mustSet(t, s, "other", "k", "v")
	unregister()
	unregister()
	mustSet(t, s, "config", "ignored", "v")
	want := []string{"set:config/colour=blue", "delete:config/colour=", "set:other/k=v"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %q", got)
	}
}

func TestEvents_OnChange_Good_ReentrantSubscriptionChanges(t *testing.T) {
	s := newTestStore(t)
	var seen []string
	var nestedUnregister func()
	var nestedEvents <-chan Event
	unregister := s.OnChange(func(e Event) {
		seen = append(seen, e.Key)
		switch e.Key {
		case "first":
			nestedEvents = s.Watch("config")
			nestedUnregister = s.OnChange(func(e Event) { seen = append(seen, "nested:"+e.Key) })
		case "second":
			s.Unwatch("config", nestedEvents)
			nestedUnregister()
		}
	})
	defer unregister()
	for _, k := range []string{"first", "second", "third"} {
		mustSet(t, s, "config", k, "v")
	}
	if want := []string{"first", "second", "nested:second", "third"}; !reflect.DeepEqual(seen, want) {
		t.Fatalf("got %q, want %q", seen, want)
	}
	rest := waitClosed(t, nestedEvents)
	if len(rest) != 1 || rest[0].Key != "second" {
		t.Fatalf("nested watcher got %+v", rest)
	}
}

func TestEvents_OnChange_Good_CallbackUsesStore(t *testing.T) {
	s := newTestStore(t)
	unregister := s.OnChange(func(e Event) {
		if e.Group == "source" {
			// Writing from inside a callback must not deadlock.
			if err := s.Set("mirror", e.Key, e.Value); err != nil {
				t.Error(err)
			}
			if _, err := s.Get("source", e.Key); err != nil {
				t.Error(err)
			}
		}
	})
	defer unregister()
	mustSet(t, s, "source", "k", "v")
	if mustGet(t, s, "mirror", "k") != "v" {
		t.Fatal("mirror not written")
	}
}

func TestEvents_OnChange_Good_UnregisterInsideOwnCallback(t *testing.T) {
	s := newTestStore(t)
	calls := 0
	var unregister func()
	unregister = s.OnChange(func(Event) {
		calls++
		unregister()
	})
	mustSet(t, s, "g", "a", "v")
	mustSet(t, s, "g", "b", "v")
	if calls != 1 {
		t.Fatalf("calls %d", calls)
	}
}

func TestEvents_OnChange_Good_PanicDoesNotEscape(t *testing.T) {
	s := newTestStore(t)
	var after []string
	defer s.OnChange(func(Event) { panic("boom") })()
	defer s.OnChange(func(e Event) { after = append(after, e.Key) })()
	mustSet(t, s, "g", "k", "v")
	if mustGet(t, s, "g", "k") != "v" || !reflect.DeepEqual(after, []string{"k"}) {
		t.Fatalf("later callback saw %q", after)
	}
}

func TestEvents_OnChange_Good_CloseFromCallback(t *testing.T) {
	s, err := New(":memory:")
	if err != nil {
		t.Fatal(err)
	}
	events := s.Watch("g")
	s.OnChange(func(Event) { _ = s.Close() })
	mustSet(t, s, "g", "k", "v")
	if !s.IsClosed() {
		t.Fatal("store open after Close in a callback")
	}
	waitClosed(t, events)
}

func TestEvents_OnChange_Good_NilAndClosed(t *testing.T) {
	s := newTestStore(t)
	s.OnChange(nil)()
	mustSet(t, s, "g", "k", "v")
}

func TestEvents_Watch_Good_BufferDrops(t *testing.T) {
	s := newTestStore(t)
	events := s.Watch("g")
	w := s.watches.watchers[0]
	done := make(chan struct{})
	go func() {
		for i := range 24 {
			mustSet(t, s, "g", fmt.Sprint(i), "v")
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("writers blocked on an undrained watcher")
	}
	// Wait until the forwarder has handled all 24 events.
	deadline := time.Now().Add(2 * time.Second)
	for {
		w.mu.Lock()
		handled := w.counted.forwarded + w.counted.dropped
		w.mu.Unlock()
		if handled == 24 || time.Now().After(deadline) {
			break
		}
		time.Sleep(time.Millisecond)
	}
	s.Unwatch("g", events)
	got := waitClosed(t, events)
	if len(got) != 16 || got[0].Key != "0" || got[15].Key != "15" {
		t.Fatalf("received %d events", len(got))
	}
}

func TestEvents_Watch_Good_ConcurrentWatchUnwatch(t *testing.T) {
	s := newTestStore(t)
	var wg sync.WaitGroup
	for i := range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			group := fmt.Sprintf("g%d", i)
			events := s.Watch(group)
			if err := s.Set(group, "k", "v"); err != nil {
				t.Error(err)
			}
			if e := receive(t, events); e.Group != group {
				t.Errorf("got %+v", e)
			}
			s.Unwatch(group, events)
		}()
	}
	wg.Wait()
}

func TestEvents_Watch_Good_ScopedStoreEventGroup(t *testing.T) {
	s := newTestStore(t)
	events := s.Watch("tenant-a:config")
	scoped := NewScoped(s, "tenant-a")
	if err := scoped.SetIn("config", "k", "v"); err != nil {
		t.Fatal(err)
	}
	if e := receive(t, events); e.Group != "tenant-a:config" || e.Key != "k" {
		t.Fatalf("got %+v", e)
	}
}

func TestEvents_Watch_Good_SetWithTTL(t *testing.T) {
	s := newTestStore(t)
	events := s.Watch("g")
	if err := s.SetWithTTL("g", "k", "v", time.Minute); err != nil {
		t.Fatal(err)
	}
	if e := receive(t, events); e.Type != EventSet || e.Value != "v" {
		t.Fatalf("got %+v", e)
	}
}

func TestEvents_EventType_Good_String(t *testing.T) {
	for typ, want := range map[EventType]string{EventSet: "set", EventDelete: "delete", EventDeleteGroup: "delete_group", 99: "unknown", -1: "unknown"} {
		if typ.String() != want {
			t.Fatalf("%d: %q", typ, typ.String())
		}
	}
}

func TestEvents_Notify_Good_PopulatesTimestamp(t *testing.T) {
	s := newTestStore(t)
	var stamp time.Time
	defer s.OnChange(func(e Event) { stamp = e.Timestamp })()
	before := time.Now().Add(-time.Second)
	mustSet(t, s, "g", "k", "v")
	if stamp.Before(before) || stamp.After(time.Now().Add(time.Second)) {
		t.Fatalf("timestamp %v", stamp)
	}
}

// settledGoroutines waits for the goroutine count to drop to at most want.
func settledGoroutines(want int) int {
	n := runtime.NumGoroutine()
	for i := 0; i < 200 && n > want; i++ {
		time.Sleep(5 * time.Millisecond)
		n = runtime.NumGoroutine()
	}
	return n
}

// steadyGoroutines returns the goroutine count once goroutines left over by
// earlier tests have finished (two equal readings 20 ms apart).
func steadyGoroutines() int {
	n := runtime.NumGoroutine()
	for i := 0; i < 100; i++ {
		time.Sleep(20 * time.Millisecond)
		m := runtime.NumGoroutine()
		if m == n {
			break
		}
		n = m
	}
	return n
}

func TestEvents_Watch_Good_NoGoroutineLeak(t *testing.T) {
	base := steadyGoroutines()
	s, err := New(":memory:")
	if err != nil {
		t.Fatal(err)
	}
	scoped := NewScoped(s, "tenant")
	var channels []<-chan Event
	for i := range 20 {
		channels = append(channels, s.Watch(fmt.Sprint(i)), scoped.Watch("*"))
	}
	if runtime.NumGoroutine() < base+40 {
		t.Fatalf("expected one forwarder per watcher, have %d goroutines over %d", runtime.NumGoroutine(), base)
	}
	for i := range 10 {
		// Unwatch returns once the forwarder has closed the channel; the
		// goroutine itself ends right after.
		before := runtime.NumGoroutine()
		s.Unwatch(fmt.Sprint(i), channels[2*i])
		scoped.Unwatch("ignored", channels[2*i+1])
		if after := settledGoroutines(before - 2); after > before-2 {
			t.Fatalf("Unwatch left forwarders running: %d -> %d", before, after)
		}
	}
	mustSet(t, s, "1", "k", "v")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	for _, ch := range channels {
		waitClosed(t, ch)
	}
	if n := settledGoroutines(base); n > base {
		t.Fatalf("%d goroutines after Close, %d before", n, base)
	}
}
