package store

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// newTestStore opens an in-memory store closed at the end of the test.
func newTestStore(t *testing.T) *Store {
	t.Helper()
	s, err := New(":memory:")
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// newFileStore opens a store on a file in a temporary directory.
func newFileStore(t *testing.T) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "store.db")
	s, err := New(path)
	if err != nil {
		t.Fatalf("New(%s): %v", path, err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s, path
}

func mustSet(t *testing.T, s interface {
	Set(string, string, string) error
}, group, key, value string) {
	t.Helper()
	if err := s.Set(group, key, value); err != nil {
		t.Fatalf("Set(%q, %q): %v", group, key, err)
	}
}

func mustGet(t *testing.T, s *Store, group, key string) string {
	t.Helper()
	v, err := s.Get(group, key)
	if err != nil {
		t.Fatalf("Get(%q, %q): %v", group, key, err)
	}
	return v
}

func assertErrorContains(t *testing.T, err error, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("expected an error containing %q, got nil", parts)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Fatalf("error %q does not contain %q", err, p)
		}
	}
}

func assertNotFound(t *testing.T, err error) {
	t.Helper()
	if !errors.Is(err, NotFoundError) {
		t.Fatalf("expected NotFoundError, got %v", err)
	}
}

func assertQuotaExceeded(t *testing.T, err error) {
	t.Helper()
	if !errors.Is(err, QuotaExceededError) {
		t.Fatalf("expected QuotaExceededError, got %v", err)
	}
}

// receive waits for one event from ch.
func receive(t *testing.T, ch <-chan Event) Event {
	t.Helper()
	select {
	case e, ok := <-ch:
		if !ok {
			t.Fatal("channel closed, expected an event")
		}
		return e
	case <-time.After(2 * time.Second):
		t.Fatal("no event within 2s")
	}
	return Event{}
}

// waitClosed waits until ch is closed, discarding buffered events.
func waitClosed(t *testing.T, ch <-chan Event) []Event {
	t.Helper()
	var rest []Event
	deadline := time.After(2 * time.Second)
	for {
		select {
		case e, ok := <-ch:
			if !ok {
				return rest
			}
			rest = append(rest, e)
		case <-deadline:
			t.Fatal("channel not closed within 2s")
		}
	}
}

func collect(seq func(func(KeyValue, error) bool)) ([]KeyValue, error) {
	var out []KeyValue
	for kv, err := range seq {
		if err != nil {
			return out, err
		}
		out = append(out, kv)
	}
	return out, nil
}

func keysOf(rows []KeyValue) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.Key
	}
	return out
}
