package store

import (
	"fmt"
	"iter"
	"runtime"
	"time"
	"unsafe"
)

// StoreTransaction is the handle a Transaction callback works through: its
// reads see the transaction's pending writes, and its events are delivered
// in order after commit (never after rollback). It must not be used after
// the callback returns (calls then fail).
type StoreTransaction struct {
	store *Store
	kv    kvHandle // view of the library transaction, freed by a cleanup with this value
}

// ScopedStoreTransaction is StoreTransaction seen through a namespace, with
// the scoped store's quotas checked against pending writes.
type ScopedStoreTransaction struct {
	scoped *ScopedStore
	kv     kvHandle
}

// Transaction runs operation inside one database transaction on the calling
// goroutine: it commits when operation returns nil and rolls back when it
// returns an error (wrapped as "store.Transaction: execute transaction: …",
// so errors.Is still matches) or panics (the panic continues after the
// rollback). The transaction belongs to tx, not to an OS thread: operation
// may hand tx to other goroutines (one call at a time). Other writes wait for
// it at most the busy timeout (WithBusyTimeout, default 5 s) and then fail
// with "a transaction is open on another handle". Inside operation use tx:
// the Store's own writes there can only fail that way (go-store deadlocks).
func (s *Store) Transaction(operation func(*StoreTransaction) error) error {
	const op = "store.Transaction"
	kv, err := s.ready(op)
	if err != nil {
		return err
	}
	if operation == nil {
		return usageError(op, "operation is nil")
	}
	return runTransaction(kv, s, func(_ unsafe.Pointer, txKV kvHandle) *StoreTransaction {
		return &StoreTransaction{store: s, kv: txKV}
	}, operation)
}

// Transaction runs operation inside one transaction through the namespace;
// see Store.Transaction. Returning a QuotaExceededError rolls everything back.
func (s *ScopedStore) Transaction(operation func(*ScopedStoreTransaction) error) error {
	const op = "store.ScopedStore.Transaction"
	if s == nil {
		return usageError(op, "scoped store is nil")
	}
	if operation == nil {
		return usageError(op, "operation is nil")
	}
	if s.kv == nil {
		return usageError(op, "scoped store store is nil")
	}
	if err := s.syncQuota(); err != nil {
		return err
	}
	return runTransaction(s.kv, s, func(_ unsafe.Pointer, txKV kvHandle) *ScopedStoreTransaction {
		return &ScopedStoreTransaction{scoped: s, kv: txKV}
	}, operation)
}

// runTransaction begins a transaction on kv, hands operation the handle
// made by wrap, and commits or rolls back. A library transaction belongs to
// its handle, not to an OS thread, so the goroutine may move between threads
// (and hand tx to another goroutine) while it runs.
func runTransaction[T any](kv kvHandle, owner any, wrap func(unsafe.Pointer, kvHandle) *T, operation func(*T) error) error {
	txn, txKV, err := cTxnBegin(kv)
	runtime.KeepAlive(owner)
	if err != nil {
		return err
	}
	tx := wrap(txn, txKV)
	// The library handle lives as long as the Go handle, so a transaction
	// used after its callback fails cleanly ("already committed or rolled
	// back") instead of touching freed memory.
	runtime.AddCleanup(tx, cTxnFree, txn)
	finished := false
	defer func() {
		if !finished {
			// operation panicked: roll back, then let the panic continue.
			_ = cTxnRollback(txn)
		}
		runtime.KeepAlive(tx)
	}()
	opErr := operation(tx)
	finished = true
	if opErr != nil {
		_ = cTxnRollback(txn)
		return fmt.Errorf("store.Transaction: execute transaction: %w", opErr)
	}
	return cTxnCommit(txn)
}

// view returns the target of a transaction operation named op.
func (t *StoreTransaction) view(op string) view {
	switch {
	case t == nil:
		return view{op: op, err: usageError(op, "transaction is nil")}
	case t.store == nil:
		return view{op: op, err: usageError(op, "transaction store is nil")}
	case t.kv == nil:
		return view{op: op, err: usageError(op, "transaction database is nil")}
	}
	return view{kv: t.kv, owner: t, op: op}
}

// Exists reports whether (group, key) is live, pending writes included.
func (t *StoreTransaction) Exists(group, key string) (bool, error) {
	return t.view("store.Transaction.Exists").exists(group, key)
}

// GroupExists reports whether group has live rows, pending writes included.
func (t *StoreTransaction) GroupExists(group string) (bool, error) {
	return t.view("store.Transaction.GroupExists").groupExists(group)
}

// Get reads a value inside the transaction (an expired row is deleted in it).
func (t *StoreTransaction) Get(group, key string) (string, error) {
	return t.view("store.Transaction.Get").get(group, key)
}

// Set writes inside the transaction.
func (t *StoreTransaction) Set(group, key, value string) error {
	return t.view("store.Transaction.Set").set(group, key, value)
}

// SetWithTTL writes with an expiry inside the transaction.
func (t *StoreTransaction) SetWithTTL(group, key, value string, timeToLive time.Duration) error {
	return t.view("store.Transaction.SetWithTTL").setWithTTL(group, key, value, timeToLive)
}

// Delete removes (group, key) inside the transaction.
func (t *StoreTransaction) Delete(group, key string) error {
	return t.view("store.Transaction.Delete").delete(group, key)
}

// DeleteGroup removes group inside the transaction.
func (t *StoreTransaction) DeleteGroup(group string) error {
	return t.view("store.Transaction.DeleteGroup").deleteGroup(group)
}

// DeletePrefix removes the groups starting with groupPrefix inside the transaction.
func (t *StoreTransaction) DeletePrefix(groupPrefix string) error {
	return t.view("store.Transaction.DeletePrefix").deletePrefix(groupPrefix)
}

// Count counts live rows of group, pending writes included.
func (t *StoreTransaction) Count(group string) (int, error) {
	return t.view("store.Transaction.Count").count(group)
}

// CountAll counts live rows in groups starting with groupPrefix.
func (t *StoreTransaction) CountAll(groupPrefix string) (int, error) {
	return t.view("store.Transaction.CountAll").countAll(groupPrefix)
}

// GetAll returns the live rows of group, pending writes included.
func (t *StoreTransaction) GetAll(group string) (map[string]string, error) {
	return t.view("store.Transaction.GetAll").getAll(group)
}

// GetPage returns a key-ordered page of group.
func (t *StoreTransaction) GetPage(group string, offset, limit int) ([]KeyValue, error) {
	return t.view("store.Transaction.GetPage").getPage(group, offset, limit)
}

// All iterates the live rows of group in key order.
func (t *StoreTransaction) All(group string) iter.Seq2[KeyValue, error] {
	return all(func() view { return t.view("store.Transaction.All") }, group)
}

// AllSeq is All.
func (t *StoreTransaction) AllSeq(group string) iter.Seq2[KeyValue, error] { return t.All(group) }

// Groups lists groups with live rows starting with the first groupPrefix.
func (t *StoreTransaction) Groups(groupPrefix ...string) ([]string, error) {
	return t.view("store.Transaction.Groups").groups(groupPrefix)
}

// GroupsSeq is Groups as a sequence.
func (t *StoreTransaction) GroupsSeq(groupPrefix ...string) iter.Seq2[string, error] {
	return groupsSeq(func() view { return t.view("store.Transaction.GroupsSeq") }, groupPrefix)
}

// Render executes a Go text/template against group's rows, pending writes included.
func (t *StoreTransaction) Render(templateSource, group string) (string, error) {
	return t.view("store.Transaction.Render").render(templateSource, group)
}

// GetSplit reads a value and yields its parts split on separator.
func (t *StoreTransaction) GetSplit(group, key, separator string) (iter.Seq[string], error) {
	return t.view("store.Transaction.GetSplit").getSplit(group, key, separator)
}

// GetFields reads a value and yields its whitespace-separated fields.
func (t *StoreTransaction) GetFields(group, key string) (iter.Seq[string], error) {
	return t.view("store.Transaction.GetFields").getFields(group, key)
}

// PurgeExpired deletes every expired row inside the transaction.
func (t *StoreTransaction) PurgeExpired() (int64, error) {
	return t.view("store.Transaction.PurgeExpired").purgeExpired()
}
