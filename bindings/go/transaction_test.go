package store

import (
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

func TestTransaction_Transaction_Good_CommitsMultipleWrites(t *testing.T) {
	s := newTestStore(t)
	events := s.Watch("*")
	var duringCallback []Event
	defer s.OnChange(func(e Event) { duringCallback = append(duringCallback, e) })()
	err := s.Transaction(func(tx *StoreTransaction) error {
		if err := tx.Set("config", "a", "1"); err != nil {
			return err
		}
		if len(duringCallback) != 0 {
			t.Error("event delivered before commit")
		}
		return tx.Set("config", "b", "2")
	})
	if err != nil {
		t.Fatal(err)
	}
	if mustGet(t, s, "config", "a") != "1" || mustGet(t, s, "config", "b") != "2" {
		t.Fatal("writes not committed")
	}
	if len(duringCallback) != 2 || duringCallback[0].Key != "a" || duringCallback[1].Key != "b" {
		t.Fatalf("callbacks %+v", duringCallback)
	}
	if receive(t, events).Key != "a" || receive(t, events).Key != "b" {
		t.Fatal("watch order")
	}
}

func TestTransaction_Transaction_Good_RollbackOnError(t *testing.T) {
	s := newTestStore(t)
	var events []Event
	defer s.OnChange(func(e Event) { events = append(events, e) })()
	boom := errors.New("boom")
	err := s.Transaction(func(tx *StoreTransaction) error {
		_ = tx.Set("g", "k", "v")
		return boom
	})
	if !errors.Is(err, boom) || !strings.HasPrefix(err.Error(), "store.Transaction: execute transaction: boom") {
		t.Fatalf("got %v", err)
	}
	_, err = s.Get("g", "k")
	assertNotFound(t, err)
	if len(events) != 0 {
		t.Fatalf("rolled-back events delivered: %+v", events)
	}
}

func TestTransaction_Transaction_Good_NotFoundIdentitySurvives(t *testing.T) {
	s := newTestStore(t)
	err := s.Transaction(func(tx *StoreTransaction) error {
		_, err := tx.Get("g", "missing")
		return err
	})
	assertNotFound(t, err)
	assertErrorContains(t, err, "store.Transaction: execute transaction: store.Transaction.Get: g/missing: store: not found")
}

func TestTransaction_Transaction_Good_PanicRollsBackAndRepanics(t *testing.T) {
	s := newTestStore(t)
	func() {
		defer func() {
			if r := recover(); r != "kaboom" {
				t.Fatalf("recovered %v", r)
			}
		}()
		_ = s.Transaction(func(tx *StoreTransaction) error {
			_ = tx.Set("g", "k", "v")
			panic("kaboom")
		})
	}()
	_, err := s.Get("g", "k")
	assertNotFound(t, err)
	// The store is usable again: the writer was released.
	mustSet(t, s, "g", "after", "v")
}

func TestTransaction_Transaction_Bad_NilOperationAndReceivers(t *testing.T) {
	s := newTestStore(t)
	assertErrorContains(t, s.Transaction(nil), "store.Transaction: operation is nil")
	var tx *StoreTransaction
	_, err := tx.Get("g", "k")
	assertErrorContains(t, err, "store.Transaction.Get: transaction is nil")
	var stx *ScopedStoreTransaction
	assertErrorContains(t, stx.Set("k", "v"), "store.ScopedStoreTransaction.Set: scoped transaction is nil")
	assertErrorContains(t, NewScoped(s, "ns").Transaction(nil), "store.ScopedStore.Transaction: operation is nil")
}

func TestTransaction_Transaction_Good_UseAfterCallbackFails(t *testing.T) {
	s := newTestStore(t)
	var leaked *StoreTransaction
	if err := s.Transaction(func(tx *StoreTransaction) error { leaked = tx; return nil }); err != nil {
		t.Fatal(err)
	}
	assertErrorContains(t, leaked.Set("g", "k", "v"), "already been committed or rolled back")
	_, err := s.Get("g", "k")
	assertNotFound(t, err)
}

// go-store deadlocks here; this binding waits the busy timeout (default
// 5 s) and then fails, naming the open transaction.
func TestTransaction_Transaction_Good_StoreCallsInsideFailInsteadOfDeadlock(t *testing.T) {
	s, err := New(":memory:", WithBusyTimeout(50*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	err = s.Transaction(func(tx *StoreTransaction) error {
		return s.Set("g", "k", "v")
	})
	assertErrorContains(t, err, "a transaction is open on another handle")
	if err := s.Transaction(func(tx *StoreTransaction) error {
		return s.Transaction(func(*StoreTransaction) error { return nil })
	}); err == nil {
		t.Fatal("nested Transaction succeeded")
	}
}

func TestTransaction_Transaction_Good_OtherGoroutinesWait(t *testing.T) {
	s, _ := newFileStore(t)
	started, release := make(chan struct{}), make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		_ = s.Transaction(func(tx *StoreTransaction) error {
			close(started)
			<-release
			return tx.Set("g", "k", "from-tx")
		})
	}()
	<-started
	writerDone := make(chan error, 1)
	go func() { writerDone <- s.Set("g", "k", "from-writer") }()
	select {
	case err := <-writerDone:
		t.Fatalf("writer did not wait for the transaction: %v", err)
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	wg.Wait()
	if err := <-writerDone; err != nil {
		t.Fatal(err)
	}
	if mustGet(t, s, "g", "k") != "from-writer" {
		t.Fatal("writer ran before the transaction committed")
	}
}

func TestTransaction_Transaction_Good_ConcurrentTransactions(t *testing.T) {
	s, _ := newFileStore(t)
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 20 {
				err := s.Transaction(func(tx *StoreTransaction) error {
					n, err := tx.Count("counter")
					if err != nil {
						return err
					}
					return tx.Set("counter", fmt.Sprintf("%d-%d-%d", w, i, n), "v")
				})
				if err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	if n, _ := s.Count("counter"); n != 160 {
		t.Fatalf("count %d", n)
	}
}

func TestTransaction_Transaction_Good_DeletesAtomically(t *testing.T) {
	s := newTestStore(t)
	mustSet(t, s, "a", "k", "v")
	mustSet(t, s, "b", "k", "v")
	err := s.Transaction(func(tx *StoreTransaction) error {
		if err := tx.DeletePrefix(""); err != nil {
			return err
		}
		if err := tx.Delete("none", "k"); err != nil {
			return err
		}
		return tx.DeleteGroup("none")
	})
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := s.CountAll(""); n != 0 {
		t.Fatalf("left %d", n)
	}
}

func TestTransaction_Transaction_Good_ReadHelpersSeePendingWrites(t *testing.T) {
	s := newTestStore(t)
	err := s.Transaction(func(tx *StoreTransaction) error {
		_ = tx.Set("config", "host", "h")
		_ = tx.Set("config", "port", "1")
		_ = tx.Set("audit", "line", "a b\tc")
		all, err := tx.GetAll("config")
		if err != nil || !reflect.DeepEqual(all, map[string]string{"host": "h", "port": "1"}) {
			return fmt.Errorf("GetAll %v %v", all, err)
		}
		if n, _ := tx.CountAll(""); n != 3 {
			return fmt.Errorf("CountAll %d", n)
		}
		if n, _ := tx.Count("config"); n != 2 {
			return fmt.Errorf("Count %d", n)
		}
		if g, _ := tx.Groups(); !reflect.DeepEqual(g, []string{"audit", "config"}) {
			return fmt.Errorf("Groups %v", g)
		}
		var seqGroups []string
		for g, err := range tx.GroupsSeq() {
			if err != nil {
				return err
			}
			seqGroups = append(seqGroups, g)
		}
		if len(seqGroups) != 2 {
			return fmt.Errorf("GroupsSeq %v", seqGroups)
		}
		if out, _ := tx.Render("{{ .host }}:{{ .port }}", "config"); out != "h:1" {
			return fmt.Errorf("Render %q", out)
		}
		split, _ := tx.GetSplit("audit", "line", " ")
		fields, _ := tx.GetFields("audit", "line")
		if !reflect.DeepEqual(slices.Collect(split), []string{"a", "b\tc"}) || !reflect.DeepEqual(slices.Collect(fields), []string{"a", "b", "c"}) {
			return errors.New("GetSplit/GetFields")
		}
		rows, err := collect(tx.All("config"))
		if err != nil || !reflect.DeepEqual(keysOf(rows), []string{"host", "port"}) {
			return fmt.Errorf("All %v %v", rows, err)
		}
		rows, _ = collect(tx.AllSeq("config"))
		page, _ := tx.GetPage("config", 1, 5)
		if len(rows) != 2 || !reflect.DeepEqual(page, []KeyValue{{"port", "1"}}) {
			return fmt.Errorf("AllSeq/GetPage %v %v", rows, page)
		}
		if ok, _ := tx.Exists("config", "host"); !ok {
			return errors.New("Exists")
		}
		if ok, _ := tx.GroupExists("audit"); !ok {
			return errors.New("GroupExists")
		}
		if v, _ := tx.Get("config", "host"); v != "h" {
			return errors.New("Get")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestTransaction_Transaction_Good_PurgeExpired(t *testing.T) {
	s := newTestStore(t)
	_ = s.SetWithTTL("g", "old", "v", time.Millisecond)
	time.Sleep(5 * time.Millisecond)
	var purged int64
	err := s.Transaction(func(tx *StoreTransaction) error {
		if err := tx.SetWithTTL("g", "new", "v", time.Hour); err != nil {
			return err
		}
		var err error
		purged, err = tx.PurgeExpired()
		return err
	})
	if err != nil || purged != 1 {
		t.Fatalf("purged %d %v", purged, err)
	}
}

func TestTransaction_ScopedStoreTransaction_Good_CommitsNamespacedWrites(t *testing.T) {
	s := newTestStore(t)
	scoped := NewScoped(s, "tenant-a")
	var events []Event
	defer scoped.OnChange(func(e Event) { events = append(events, e) })()
	err := scoped.Transaction(func(tx *ScopedStoreTransaction) error {
		if err := tx.Set("theme", "dark"); err != nil {
			return err
		}
		if err := tx.SetIn("preferences", "locale", "en-GB"); err != nil {
			return err
		}
		if err := tx.SetWithTTL("preferences", "tmp", "v", time.Hour); err != nil {
			return err
		}
		if ok, _ := tx.Exists("theme"); !ok {
			return errors.New("Exists")
		}
		if ok, _ := tx.ExistsIn("preferences", "locale"); !ok {
			return errors.New("ExistsIn")
		}
		if ok, _ := tx.GroupExists("preferences"); !ok {
			return errors.New("GroupExists")
		}
		if v, _ := tx.Get("theme"); v != "dark" {
			return errors.New("Get")
		}
		if v, _ := tx.GetFrom("preferences", "locale"); v != "en-GB" {
			return errors.New("GetFrom")
		}
		if g, _ := tx.Groups(); !reflect.DeepEqual(g, []string{"default", "preferences"}) {
			return fmt.Errorf("Groups %v", g)
		}
		if page, _ := tx.GetPage("preferences", 0, 1); !reflect.DeepEqual(page, []KeyValue{{"locale", "en-GB"}}) {
			return fmt.Errorf("GetPage %v", page)
		}
		if n, _ := tx.CountAll(); n != 3 {
			return fmt.Errorf("CountAll %d", n)
		}
		if n, _ := tx.Count("preferences"); n != 2 {
			return fmt.Errorf("Count %d", n)
		}
		return tx.Delete("preferences", "tmp")
	})
	if err != nil {
		t.Fatal(err)
	}
	if mustGet(t, s, "tenant-a:default", "theme") != "dark" || mustGet(t, s, "tenant-a:preferences", "locale") != "en-GB" {
		t.Fatal("not committed under the namespace")
	}
	if len(events) != 4 || events[0].Group != "default" || events[3].Type != EventDelete {
		t.Fatalf("events %+v", events)
	}
}

func TestTransaction_ScopedStoreTransaction_Good_ReadHelpers(t *testing.T) {
	s := newTestStore(t)
	scoped := NewScoped(s, "ns")
	other := NewScoped(s, "other")
	_ = other.SetIn("cache", "k", "v")
	err := scoped.Transaction(func(tx *ScopedStoreTransaction) error {
		_ = tx.SetIn("mail", "host", "h")
		_ = tx.SetIn("cache", "a", "x y")
		_ = tx.SetIn("cache-warm", "b", "v")
		if out, _ := tx.Render("{{ .host }}", "mail"); out != "h" {
			return errors.New("Render")
		}
		if all, _ := tx.GetAll("mail"); all["host"] != "h" {
			return errors.New("GetAll")
		}
		rows, _ := collect(tx.All("cache"))
		rows2, _ := collect(tx.AllSeq("cache"))
		if len(rows) != 1 || len(rows2) != 1 {
			return errors.New("All")
		}
		split, _ := tx.GetSplit("cache", "a", " ")
		fields, _ := tx.GetFields("cache", "a")
		if len(slices.Collect(split)) != 2 || len(slices.Collect(fields)) != 2 {
			return errors.New("split")
		}
		var groups []string
		for g := range tx.GroupsSeq("cache") {
			groups = append(groups, g)
		}
		if !reflect.DeepEqual(groups, []string{"cache", "cache-warm"}) {
			return fmt.Errorf("GroupsSeq %v", groups)
		}
		if err := tx.DeletePrefix("cache"); err != nil {
			return err
		}
		if n, _ := tx.CountAll(); n != 1 {
			return fmt.Errorf("after DeletePrefix %d", n)
		}
		return tx.DeleteGroup("mail")
	})
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := other.CountAll(); n != 1 {
		t.Fatal("scoped DeletePrefix reached another namespace")
	}
}

func TestTransaction_ScopedStoreTransaction_Good_PurgeExpired(t *testing.T) {
	s := newTestStore(t)
	a, b := NewScoped(s, "a"), NewScoped(s, "b")
	_ = a.SetWithTTL("g", "k", "v", time.Millisecond)
	_ = b.SetWithTTL("g", "k", "v", time.Millisecond)
	time.Sleep(5 * time.Millisecond)
	var n int64
	err := a.Transaction(func(tx *ScopedStoreTransaction) error {
		var err error
		n, err = tx.PurgeExpired()
		return err
	})
	if err != nil || n != 1 {
		t.Fatalf("purged %d %v", n, err)
	}
}

func TestTransaction_ScopedStoreTransaction_Good_QuotaUsesPendingWrites(t *testing.T) {
	s := newTestStore(t)
	scoped := newScoped(t, s, "tenant", QuotaConfig{MaxKeys: 2})
	err := scoped.Transaction(func(tx *ScopedStoreTransaction) error {
		if err := tx.SetIn("g", "1", "v"); err != nil {
			return err
		}
		if err := tx.SetIn("g", "2", "v"); err != nil {
			return err
		}
		return tx.SetIn("g", "3", "v")
	})
	assertQuotaExceeded(t, err)
	assertErrorContains(t, err, "store.Transaction: execute transaction: ", "key limit (2)")
	if n, _ := scoped.CountAll(); n != 0 {
		t.Fatalf("rollback left %d keys", n)
	}
	// Quota fields changed before a transaction apply inside it.
	scoped.MaxKeys = 1
	err = scoped.Transaction(func(tx *ScopedStoreTransaction) error {
		_ = tx.Set("a", "v")
		return tx.Set("b", "v")
	})
	assertQuotaExceeded(t, err)
}

// A transaction belongs to its handle, not to an OS thread: the body's
// goroutine pins one thread, another goroutine (necessarily on another
// thread) writes through the same transaction, and the commit sees both.
func TestTransaction_Good_HandleUsedFromAnotherThread(t *testing.T) {
	s := newTestStore(t)
	err := s.Transaction(func(tx *StoreTransaction) error {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		here := syscall.Gettid()
		if err := tx.Set("g", "a", "1"); err != nil {
			return err
		}
		type result struct {
			tid int
			err error
		}
		done := make(chan result)
		go func() {
			done <- result{syscall.Gettid(), tx.Set("g", "b", "2")}
		}()
		r := <-done
		if r.tid == here {
			return fmt.Errorf("the second goroutine ran on the pinned thread %d", here)
		}
		return r.err
	})
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := s.Count("g"); n != 2 {
		t.Fatalf("count %d, want 2", n)
	}
}

// Goroutines that yield and move between threads mid-transaction, many at
// once, under the race detector.
func TestTransaction_Good_GoroutinesMoveBetweenThreads(t *testing.T) {
	s := newTestStore(t)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 20 {
				err := s.Transaction(func(tx *StoreTransaction) error {
					for j := range 5 {
						runtime.Gosched()
						time.Sleep(time.Microsecond)
						if err := tx.Set(fmt.Sprint("g", g), fmt.Sprint(i, "-", j), "v"); err != nil {
							return err
						}
					}
					return nil
				})
				if err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if n, _ := s.CountAll(""); n != 8*20*5 {
		t.Fatalf("count %d, want %d", n, 8*20*5)
	}
}

func TestTransaction_Bad_StoreWriteBehindATransactionTimesOut(t *testing.T) {
	s, err := New(":memory:", WithBusyTimeout(100*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	started := make(chan struct{})
	release := make(chan struct{})
	go func() {
		_ = s.Transaction(func(tx *StoreTransaction) error {
			close(started)
			<-release
			return tx.Set("g", "k", "in")
		})
	}()
	<-started
	begin := time.Now()
	err = s.Set("g", "other", "v")
	close(release)
	if err == nil || !strings.Contains(err.Error(), "a transaction is open on another handle") {
		t.Fatalf("got %v, want a busy error", err)
	}
	if waited := time.Since(begin); waited < 90*time.Millisecond || waited > 5*time.Second {
		t.Fatalf("waited %v, want about 100ms", waited)
	}
}
