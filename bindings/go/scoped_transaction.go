package store

import (
	"iter"
	"time"
)

// view returns the target of a scoped transaction operation named op.
func (t *ScopedStoreTransaction) view(op string) view {
	switch {
	case t == nil:
		return view{op: op, err: usageError(op, "scoped transaction is nil")}
	case t.scoped == nil:
		return view{op: op, err: usageError(op, "scoped transaction store is nil")}
	case t.kv == nil:
		return view{op: op, err: usageError(op, "scoped transaction database is nil")}
	}
	return view{kv: t.kv, owner: t, op: op}
}

// Exists reports whether key is live in the default group.
func (t *ScopedStoreTransaction) Exists(key string) (bool, error) {
	return t.view("store.ScopedStoreTransaction.Exists").exists(defaultGroup, key)
}

// ExistsIn reports whether key is live in group.
func (t *ScopedStoreTransaction) ExistsIn(group, key string) (bool, error) {
	return t.view("store.ScopedStoreTransaction.ExistsIn").exists(group, key)
}

// GroupExists reports whether group has live rows.
func (t *ScopedStoreTransaction) GroupExists(group string) (bool, error) {
	return t.view("store.ScopedStoreTransaction.GroupExists").groupExists(group)
}

// Get reads key from the default group.
func (t *ScopedStoreTransaction) Get(key string) (string, error) {
	return t.view("store.ScopedStoreTransaction.Get").get(defaultGroup, key)
}

// GetFrom reads key from group.
func (t *ScopedStoreTransaction) GetFrom(group, key string) (string, error) {
	return t.view("store.ScopedStoreTransaction.GetFrom").get(group, key)
}

// Set writes key in the default group, within the quota (pending writes count).
func (t *ScopedStoreTransaction) Set(key, value string) error {
	return t.view("store.ScopedStoreTransaction.Set").set(defaultGroup, key, value)
}

// SetIn writes key in group, within the quota.
func (t *ScopedStoreTransaction) SetIn(group, key, value string) error {
	return t.view("store.ScopedStoreTransaction.SetIn").set(group, key, value)
}

// SetWithTTL writes key in group with an expiry, within the quota.
func (t *ScopedStoreTransaction) SetWithTTL(group, key, value string, timeToLive time.Duration) error {
	return t.view("store.ScopedStoreTransaction.SetWithTTL").setWithTTL(group, key, value, timeToLive)
}

// Delete removes key from group.
func (t *ScopedStoreTransaction) Delete(group, key string) error {
	return t.view("store.ScopedStoreTransaction.Delete").delete(group, key)
}

// DeleteGroup removes group.
func (t *ScopedStoreTransaction) DeleteGroup(group string) error {
	return t.view("store.ScopedStoreTransaction.DeleteGroup").deleteGroup(group)
}

// DeletePrefix removes the namespace's groups starting with groupPrefix.
func (t *ScopedStoreTransaction) DeletePrefix(groupPrefix string) error {
	return t.view("store.ScopedStoreTransaction.DeletePrefix").deletePrefix(groupPrefix)
}

// GetAll returns the live rows of group.
func (t *ScopedStoreTransaction) GetAll(group string) (map[string]string, error) {
	return t.view("store.ScopedStoreTransaction.GetAll").getAll(group)
}

// GetPage returns a key-ordered page of group.
func (t *ScopedStoreTransaction) GetPage(group string, offset, limit int) ([]KeyValue, error) {
	return t.view("store.ScopedStoreTransaction.GetPage").getPage(group, offset, limit)
}

// All iterates the live rows of group in key order.
func (t *ScopedStoreTransaction) All(group string) iter.Seq2[KeyValue, error] {
	return all(func() view { return t.view("store.ScopedStoreTransaction.All") }, group)
}

// AllSeq is All.
func (t *ScopedStoreTransaction) AllSeq(group string) iter.Seq2[KeyValue, error] { return t.All(group) }

// Count returns the number of live rows in group.
func (t *ScopedStoreTransaction) Count(group string) (int, error) {
	return t.view("store.ScopedStoreTransaction.Count").count(group)
}

// CountAll counts live rows in the namespace's groups starting with the first groupPrefix.
func (t *ScopedStoreTransaction) CountAll(groupPrefix ...string) (int, error) {
	return t.view("store.ScopedStoreTransaction.CountAll").countAll(firstPrefix(groupPrefix))
}

// Groups lists the namespace's groups (namespace stripped), ascending.
func (t *ScopedStoreTransaction) Groups(groupPrefix ...string) ([]string, error) {
	return t.view("store.ScopedStoreTransaction.Groups").groups(groupPrefix)
}

// GroupsSeq is Groups as a sequence.
func (t *ScopedStoreTransaction) GroupsSeq(groupPrefix ...string) iter.Seq2[string, error] {
	return groupsSeq(func() view { return t.view("store.ScopedStoreTransaction.GroupsSeq") }, groupPrefix)
}

// Render executes a Go text/template against the live rows of group.
func (t *ScopedStoreTransaction) Render(templateSource, group string) (string, error) {
	return t.view("store.ScopedStoreTransaction.Render").render(templateSource, group)
}

// GetSplit reads a value and yields its parts split on separator.
func (t *ScopedStoreTransaction) GetSplit(group, key, separator string) (iter.Seq[string], error) {
	return t.view("store.ScopedStoreTransaction.GetSplit").getSplit(group, key, separator)
}

// GetFields reads a value and yields its whitespace-separated fields.
func (t *ScopedStoreTransaction) GetFields(group, key string) (iter.Seq[string], error) {
	return t.view("store.ScopedStoreTransaction.GetFields").getFields(group, key)
}

// PurgeExpired deletes the namespace's expired rows inside the transaction.
func (t *ScopedStoreTransaction) PurgeExpired() (int64, error) {
	return t.view("store.ScopedStoreTransaction.PurgeExpired").purgeExpired()
}
