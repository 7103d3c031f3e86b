package store

import (
	"iter"
	"runtime"
	"sync"
	"time"
	"unsafe"
)

// QuotaConfig limits a namespace; 0 means unlimited.
type QuotaConfig struct {
	// MaxKeys caps live keys across the namespace.
	MaxKeys int
	// MaxGroups caps distinct groups with live keys.
	MaxGroups int
	// MaxBytes caps the sum of key and value bytes of live rows.
	MaxBytes int
}

// Validate rejects negative limits.
func (q QuotaConfig) Validate() error {
	return cQuotaValidate(q)
}

// ScopedStoreConfig names a namespace and its quota.
type ScopedStoreConfig struct {
	// Namespace must match ^[a-zA-Z0-9-]+$.
	Namespace string
	// Quota limits the namespace.
	Quota QuotaConfig
}

// Validate checks the namespace and the quota.
func (c ScopedStoreConfig) Validate() error {
	return cScopeValidate(c.Namespace, c.Quota)
}

// ScopedStore is a view of a Store whose groups live under "namespace:".
// Group names passed in are prefixed and names returned are stripped.
// MaxKeys, MaxGroups and MaxBytes may be changed at any time (not
// concurrently with writes); the next write uses the new values, and
// negative values mean unlimited, as in go-store.
type ScopedStore struct {
	// MaxKeys caps live keys across the namespace (0: unlimited).
	MaxKeys int
	// MaxGroups caps distinct groups with live keys (0: unlimited).
	MaxGroups int
	// MaxBytes caps key plus value bytes of live rows (0: unlimited).
	MaxBytes int

	store     *Store
	namespace string
	scope     unsafe.Pointer // *store_scope, freed by a cleanup once unreachable
	kv        kvHandle

	quotaMu sync.Mutex
	applied QuotaConfig // the limits the library holds
}

// NewScoped returns a scoped view of storeInstance with no quota, or nil if
// storeInstance is nil or namespace is invalid.
func NewScoped(storeInstance *Store, namespace string) *ScopedStore {
	scoped, err := NewScopedConfigured(storeInstance, ScopedStoreConfig{Namespace: namespace})
	if err != nil {
		return nil
	}
	return scoped
}

// NewScopedWithQuota returns a scoped view with limits.
func NewScopedWithQuota(storeInstance *Store, namespace string, quota QuotaConfig) (*ScopedStore, error) {
	return NewScopedConfigured(storeInstance, ScopedStoreConfig{Namespace: namespace, Quota: quota})
}

// NewScopedConfigured returns a scoped view configured by scopedConfig.
func NewScopedConfigured(storeInstance *Store, scopedConfig ScopedStoreConfig) (*ScopedStore, error) {
	const op = "store.NewScopedConfigured"
	if storeInstance == nil {
		return nil, usageError(op, "store instance is nil")
	}
	if storeInstance.db == nil {
		return nil, usageError(op, "store is not initialised")
	}
	q := scopedConfig.Quota
	scope, kv, err := cScopeOpen(storeInstance.db, scopedConfig.Namespace, q)
	runtime.KeepAlive(storeInstance)
	if err != nil {
		return nil, err
	}
	s := &ScopedStore{
		MaxKeys: q.MaxKeys, MaxGroups: q.MaxGroups, MaxBytes: q.MaxBytes,
		store: storeInstance, namespace: scopedConfig.Namespace, scope: scope, kv: kv, applied: q,
	}
	runtime.AddCleanup(s, cScopeFree, scope)
	return s, nil
}

// Namespace returns the namespace ("" for nil).
func (s *ScopedStore) Namespace() string {
	if s == nil {
		return ""
	}
	return s.namespace
}

// Config returns the namespace and the current limits (zero for nil).
func (s *ScopedStore) Config() ScopedStoreConfig {
	if s == nil {
		return ScopedStoreConfig{}
	}
	return ScopedStoreConfig{Namespace: s.namespace, Quota: s.fields()}
}

func (s *ScopedStore) fields() QuotaConfig {
	return QuotaConfig{MaxKeys: s.MaxKeys, MaxGroups: s.MaxGroups, MaxBytes: s.MaxBytes}
}

// syncQuota hands the exported limit fields to the library when they
// changed since the last write. go-store treats negative fields as
// unlimited; the library's unlimited is 0.
func (s *ScopedStore) syncQuota() error {
	want := s.fields()
	for _, f := range []*int{&want.MaxKeys, &want.MaxGroups, &want.MaxBytes} {
		*f = max(*f, 0)
	}
	s.quotaMu.Lock()
	defer s.quotaMu.Unlock()
	if want == s.applied {
		return nil
	}
	err := cScopeSetQuota(s.scope, want)
	runtime.KeepAlive(s)
	if err == nil {
		s.applied = want
	}
	return err
}

// view returns the target of a scoped operation named op.
func (s *ScopedStore) view(op string) view {
	if s == nil {
		return view{op: op, err: usageError(op, "scoped store is nil")}
	}
	if s.kv == nil {
		return view{op: op, err: usageError(op, "scoped store is not initialised")}
	}
	return view{kv: s.kv, owner: s, op: op}
}

// writeView is view for the quota-checked setters: it applies changed limits first.
func (s *ScopedStore) writeView(op string) view {
	v := s.view(op)
	if v.err == nil {
		v.err = s.syncQuota()
	}
	return v
}

// Exists reports whether key is live in the default group.
func (s *ScopedStore) Exists(key string) (bool, error) {
	return s.view("store.ScopedStore.Exists").exists(defaultGroup, key)
}

// ExistsIn reports whether key is live in group.
func (s *ScopedStore) ExistsIn(group, key string) (bool, error) {
	return s.view("store.ScopedStore.ExistsIn").exists(group, key)
}

// GroupExists reports whether group has live rows.
func (s *ScopedStore) GroupExists(group string) (bool, error) {
	return s.view("store.ScopedStore.GroupExists").groupExists(group)
}

// Get reads key from the default group.
func (s *ScopedStore) Get(key string) (string, error) {
	return s.view("store.ScopedStore.Get").get(defaultGroup, key)
}

// GetFrom reads key from group.
func (s *ScopedStore) GetFrom(group, key string) (string, error) {
	return s.view("store.ScopedStore.GetFrom").get(group, key)
}

// Set writes key in the default group, within the quota.
func (s *ScopedStore) Set(key, value string) error {
	return s.writeView("store.ScopedStore.Set").set(defaultGroup, key, value)
}

// SetIn writes key in group, within the quota.
func (s *ScopedStore) SetIn(group, key, value string) error {
	return s.writeView("store.ScopedStore.SetIn").set(group, key, value)
}

// SetWithTTL writes key in group with an expiry, within the quota.
func (s *ScopedStore) SetWithTTL(group, key, value string, timeToLive time.Duration) error {
	return s.writeView("store.ScopedStore.SetWithTTL").setWithTTL(group, key, value, timeToLive)
}

// Delete removes key from group.
func (s *ScopedStore) Delete(group, key string) error {
	return s.view("store.ScopedStore.Delete").delete(group, key)
}

// DeleteGroup removes group.
func (s *ScopedStore) DeleteGroup(group string) error {
	return s.view("store.ScopedStore.DeleteGroup").deleteGroup(group)
}

// DeletePrefix removes the namespace's groups starting with groupPrefix ("" = all of them).
func (s *ScopedStore) DeletePrefix(groupPrefix string) error {
	return s.view("store.ScopedStore.DeletePrefix").deletePrefix(groupPrefix)
}

// GetAll returns the live rows of group.
func (s *ScopedStore) GetAll(group string) (map[string]string, error) {
	return s.view("store.ScopedStore.GetAll").getAll(group)
}

// GetPage returns a key-ordered page of group.
func (s *ScopedStore) GetPage(group string, offset, limit int) ([]KeyValue, error) {
	return s.view("store.ScopedStore.GetPage").getPage(group, offset, limit)
}

// All iterates the live rows of group in key order.
func (s *ScopedStore) All(group string) iter.Seq2[KeyValue, error] {
	return all(func() view { return s.view("store.ScopedStore.All") }, group)
}

// AllSeq is All.
func (s *ScopedStore) AllSeq(group string) iter.Seq2[KeyValue, error] { return s.All(group) }

// Count returns the number of live rows in group.
func (s *ScopedStore) Count(group string) (int, error) {
	return s.view("store.ScopedStore.Count").count(group)
}

// CountAll counts live rows in the namespace's groups starting with the
// first groupPrefix (none: the whole namespace).
func (s *ScopedStore) CountAll(groupPrefix ...string) (int, error) {
	return s.view("store.ScopedStore.CountAll").countAll(firstPrefix(groupPrefix))
}

// Groups lists the namespace's groups (namespace stripped), ascending.
func (s *ScopedStore) Groups(groupPrefix ...string) ([]string, error) {
	return s.view("store.ScopedStore.Groups").groups(groupPrefix)
}

// GroupsSeq is Groups as a sequence.
func (s *ScopedStore) GroupsSeq(groupPrefix ...string) iter.Seq2[string, error] {
	return groupsSeq(func() view { return s.view("store.ScopedStore.GroupsSeq") }, groupPrefix)
}

// Render executes a Go text/template against the live rows of group.
func (s *ScopedStore) Render(templateSource, group string) (string, error) {
	return s.view("store.ScopedStore.Render").render(templateSource, group)
}

// GetSplit reads a value and yields its parts split on separator.
func (s *ScopedStore) GetSplit(group, key, separator string) (iter.Seq[string], error) {
	return s.view("store.ScopedStore.GetSplit").getSplit(group, key, separator)
}

// GetFields reads a value and yields its whitespace-separated fields.
func (s *ScopedStore) GetFields(group, key string) (iter.Seq[string], error) {
	return s.view("store.ScopedStore.GetFields").getFields(group, key)
}

// PurgeExpired deletes the namespace's expired rows and returns how many.
func (s *ScopedStore) PurgeExpired() (int64, error) {
	return s.view("store.ScopedStore.PurgeExpired").purgeExpired()
}

// Watch returns a channel of the namespace's changes to group ("*": all its
// groups), with groups namespace-local. Closed by Unwatch or store Close.
func (s *ScopedStore) Watch(group string) <-chan Event {
	if s == nil || s.kv == nil {
		return closedEvents()
	}
	return s.store.watches.watch(s.kv, s, group, s)
}

// Unwatch stops a channel from this scoped store's Watch (group is ignored,
// as in go-store) and closes it.
func (s *ScopedStore) Unwatch(group string, events <-chan Event) {
	if s == nil || s.store == nil {
		return
	}
	s.store.watches.unwatch(events, func(w *watcher) bool { return w.scope == s })
}

// OnChange registers a synchronous callback for the namespace's changes,
// with groups namespace-local; see Store.OnChange.
func (s *ScopedStore) OnChange(callback func(Event)) func() {
	if s == nil || s.kv == nil || callback == nil {
		return func() {}
	}
	unregister := subscribe(s.kv, callback)
	runtime.KeepAlive(s)
	return unregister
}
