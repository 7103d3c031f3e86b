package store

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"
)

func newScoped(t *testing.T, s *Store, namespace string, quota QuotaConfig) *ScopedStore {
	t.Helper()
	scoped, err := NewScopedWithQuota(s, namespace, quota)
	if err != nil {
		t.Fatal(err)
	}
	return scoped
}

func TestScope_NewScoped_Good_AlphanumericHyphens(t *testing.T) {
	s := newTestStore(t)
	for _, ns := range []string{"abc", "ABC", "123", "a-b-c", "tenant-42", "A1-B2"} {
		scoped := NewScoped(s, ns)
		if scoped == nil || scoped.Namespace() != ns {
			t.Fatalf("%q rejected", ns)
		}
	}
}

func TestScope_NewScoped_Bad_InvalidNamespaces(t *testing.T) {
	s := newTestStore(t)
	for _, ns := range []string{"", "foo.bar", "foo:bar", "foo bar", "foo/bar", "foo_bar", "tenant!", "@ns", "é", "a\x00b", "\xff"} {
		if NewScoped(s, ns) != nil {
			t.Fatalf("%q accepted", ns)
		}
	}
	if NewScoped(nil, "ok") != nil {
		t.Fatal("nil store accepted")
	}
}

func TestScope_NewScopedConfigured_Bad(t *testing.T) {
	s := newTestStore(t)
	_, err := NewScopedConfigured(s, ScopedStoreConfig{Namespace: "bad ns"})
	assertErrorContains(t, err, "store.NewScoped", "namespace", `"bad ns"`, "is invalid")
	_, err = NewScopedConfigured(nil, ScopedStoreConfig{Namespace: "ok"})
	assertErrorContains(t, err, "store.NewScopedConfigured: store instance is nil")
	_, err = NewScopedWithQuota(s, "ok", QuotaConfig{MaxKeys: -1})
	assertErrorContains(t, err, "zero or positive", "MaxKeys=-1")
	_, err = NewScopedWithQuota(s, "ok", QuotaConfig{MaxGroups: -1})
	assertErrorContains(t, err, "zero or positive", "MaxGroups=-1")
	_, err = NewScopedWithQuota(s, "ok", QuotaConfig{MaxBytes: -1})
	assertErrorContains(t, err, "zero or positive", "MaxBytes=-1")
	_, err = NewScopedWithQuota(nil, "ok", QuotaConfig{})
	assertErrorContains(t, err, "store instance is nil")
}

func TestScope_ScopedStoreConfig_Good_Validate(t *testing.T) {
	if err := (ScopedStoreConfig{Namespace: "tenant-a", Quota: QuotaConfig{MaxKeys: 5}}).Validate(); err != nil {
		t.Fatal(err)
	}
	assertErrorContains(t, ScopedStoreConfig{Namespace: "a.b"}.Validate(), "store.ScopedStoreConfig.Validate: namespace")
	assertErrorContains(t, ScopedStoreConfig{Namespace: "a", Quota: QuotaConfig{MaxKeys: -2}}.Validate(),
		"store.ScopedStoreConfig.Validate: quota: store.QuotaConfig.Validate")
	if err := (QuotaConfig{MaxKeys: 1, MaxGroups: 2, MaxBytes: 3}).Validate(); err != nil {
		t.Fatal(err)
	}
	err := QuotaConfig{MaxKeys: -1}.Validate()
	assertErrorContains(t, err, "store.QuotaConfig.Validate: quota values must be zero or positive")
}

func TestScope_ScopedStore_Good_Config(t *testing.T) {
	s := newTestStore(t)
	scoped := newScoped(t, s, "tenant-a", QuotaConfig{MaxKeys: 5, MaxGroups: 2, MaxBytes: 100})
	if scoped.MaxKeys != 5 || scoped.MaxGroups != 2 || scoped.MaxBytes != 100 {
		t.Fatalf("fields %+v", scoped)
	}
	scoped.MaxKeys = 9
	want := ScopedStoreConfig{Namespace: "tenant-a", Quota: QuotaConfig{MaxKeys: 9, MaxGroups: 2, MaxBytes: 100}}
	if scoped.Config() != want {
		t.Fatalf("got %+v", scoped.Config())
	}
	var nilScoped *ScopedStore
	if nilScoped.Config() != (ScopedStoreConfig{}) || nilScoped.Namespace() != "" {
		t.Fatal("nil scoped store accessors not zero")
	}
}

func TestScope_ScopedStore_Good_NilReceiverReturnsErrors(t *testing.T) {
	var s *ScopedStore
	_, err := s.Get("k")
	assertErrorContains(t, err, "store.ScopedStore.Get: scoped store is nil")
	assertErrorContains(t, s.Set("k", "v"), "scoped store is nil")
	_, err = s.Count("g")
	assertErrorContains(t, err, "scoped store is nil")
	_, err = s.Groups()
	assertErrorContains(t, err, "scoped store is nil")
	_, err = collect(s.All("g"))
	assertErrorContains(t, err, "store.ScopedStore.All: scoped store is nil")
	for _, err := range s.GroupsSeq() {
		assertErrorContains(t, err, "scoped store is nil")
	}
	assertErrorContains(t, s.Transaction(func(*ScopedStoreTransaction) error { return nil }),
		"store.ScopedStore.Transaction: scoped store is nil")
	if _, ok := <-s.Watch("g"); ok {
		t.Fatal("nil scoped Watch open")
	}
	s.Unwatch("g", nil)
	s.OnChange(func(Event) {})()
}

func TestScope_ScopedStore_Good_SetGetAndPrefixing(t *testing.T) {
	s := newTestStore(t)
	scoped := NewScoped(s, "tenant-a")
	if err := scoped.Set("theme", "dark"); err != nil {
		t.Fatal(err)
	}
	if err := scoped.SetIn("preferences", "locale", "en-GB"); err != nil {
		t.Fatal(err)
	}
	if v, err := scoped.Get("theme"); v != "dark" || err != nil {
		t.Fatalf("Get %q %v", v, err)
	}
	if v, err := scoped.GetFrom("preferences", "locale"); v != "en-GB" || err != nil {
		t.Fatalf("GetFrom %q %v", v, err)
	}
	if mustGet(t, s, "tenant-a:default", "theme") != "dark" || mustGet(t, s, "tenant-a:preferences", "locale") != "en-GB" {
		t.Fatal("not stored under the namespace prefix")
	}
	_, err := s.Get("preferences", "locale")
	assertNotFound(t, err)
	_, err = scoped.GetFrom("preferences", "missing")
	assertNotFound(t, err)
}

func TestScope_ScopedStore_Good_NamespaceIsolation(t *testing.T) {
	s := newTestStore(t)
	a, b := NewScoped(s, "tenant-a"), NewScoped(s, "tenant-b")
	_ = a.SetIn("g", "k", "a")
	_ = b.SetIn("g", "k", "b")
	va, _ := a.GetFrom("g", "k")
	vb, _ := b.GetFrom("g", "k")
	if va != "a" || vb != "b" {
		t.Fatalf("got %q %q", va, vb)
	}
	// Prefixes are case-sensitive: TENANT-A does not see tenant-a's rows.
	upper := NewScoped(s, "TENANT-A")
	if n, _ := upper.CountAll(); n != 0 {
		t.Fatalf("TENANT-A counts %d rows", n)
	}
}

func TestScope_ScopedStore_Good_Exists(t *testing.T) {
	s := newTestStore(t)
	scoped := NewScoped(s, "ns")
	_ = scoped.Set("k", "v")
	_ = scoped.SetIn("g", "k2", "v")
	if ok, _ := scoped.Exists("k"); !ok {
		t.Fatal("default group key missing")
	}
	if ok, _ := scoped.ExistsIn("g", "k2"); !ok {
		t.Fatal("explicit group key missing")
	}
	if ok, _ := scoped.ExistsIn("g", "k"); ok {
		t.Fatal("key found in wrong group")
	}
	_ = scoped.SetWithTTL("g", "ttl", "v", time.Millisecond)
	time.Sleep(5 * time.Millisecond)
	if ok, _ := scoped.ExistsIn("g", "ttl"); ok {
		t.Fatal("expired key exists")
	}
	if ok, _ := scoped.GroupExists("g"); !ok {
		t.Fatal("group missing")
	}
	_ = scoped.DeleteGroup("g")
	if ok, _ := scoped.GroupExists("g"); ok {
		t.Fatal("group exists after DeleteGroup")
	}
	_ = s.Close()
	_, err := scoped.Exists("k")
	assertErrorContains(t, err, "store is closed")
}

func TestScope_ScopedStore_Good_DeleteAndPrefix(t *testing.T) {
	s := newTestStore(t)
	scoped, other := NewScoped(s, "ns"), NewScoped(s, "other")
	for _, g := range []string{"cache", "cache-warm", "config"} {
		_ = scoped.SetIn(g, "k", "v")
		_ = other.SetIn(g, "k", "v")
	}
	if err := scoped.Delete("config", "k"); err != nil {
		t.Fatal(err)
	}
	if err := scoped.DeletePrefix("cache"); err != nil {
		t.Fatal(err)
	}
	if groups, _ := scoped.Groups(); len(groups) != 0 {
		t.Fatalf("left %v", groups)
	}
	if n, _ := other.CountAll(); n != 3 {
		t.Fatalf("other namespace lost rows: %d", n)
	}
	_ = scoped.SetIn("x", "k", "v")
	if err := scoped.DeletePrefix(""); err != nil {
		t.Fatal(err)
	}
	if n, _ := scoped.CountAll(); n != 0 {
		t.Fatalf("DeletePrefix(\"\") left %d", n)
	}
	if n, _ := other.CountAll(); n != 3 {
		t.Fatal("DeletePrefix(\"\") reached another namespace")
	}
}

func TestScope_ScopedStore_Good_ReadHelpers(t *testing.T) {
	s := newTestStore(t)
	scoped := NewScoped(s, "ns")
	for _, k := range []string{"c", "a", "b"} {
		_ = scoped.SetIn("g", k, "v-"+k)
	}
	_ = scoped.SetIn("mail", "host", "h")
	_ = scoped.SetIn("words", "k", "x,y z")
	if all, _ := scoped.GetAll("g"); !reflect.DeepEqual(all, map[string]string{"a": "v-a", "b": "v-b", "c": "v-c"}) {
		t.Fatalf("GetAll %v", all)
	}
	if page, _ := scoped.GetPage("g", 1, 1); !reflect.DeepEqual(page, []KeyValue{{"b", "v-b"}}) {
		t.Fatalf("GetPage %v", page)
	}
	rows, err := collect(scoped.All("g"))
	if err != nil || !reflect.DeepEqual(keysOf(rows), []string{"a", "b", "c"}) {
		t.Fatalf("All %v %v", rows, err)
	}
	rows, _ = collect(scoped.AllSeq("g"))
	if len(rows) != 3 {
		t.Fatalf("AllSeq %v", rows)
	}
	if n, _ := scoped.Count("g"); n != 3 {
		t.Fatalf("Count %d", n)
	}
	if out, _ := scoped.Render("{{ .host }}", "mail"); out != "h" {
		t.Fatalf("Render %q", out)
	}
	split, _ := scoped.GetSplit("words", "k", ",")
	fields, _ := scoped.GetFields("words", "k")
	if !reflect.DeepEqual(slices.Collect(split), []string{"x", "y z"}) || !reflect.DeepEqual(slices.Collect(fields), []string{"x,y", "z"}) {
		t.Fatal("GetSplit/GetFields")
	}
}

func TestScope_ScopedStore_Good_BulkHelpers(t *testing.T) {
	s := newTestStore(t)
	scoped := NewScoped(s, "ns")
	for _, g := range []string{"config", "sessions", "conf-b"} {
		_ = scoped.SetIn(g, "k1", "v")
		_ = scoped.SetIn(g, "k2", "v")
	}
	mustSet(t, s, "other:config", "k", "v")
	if n, _ := scoped.CountAll(""); n != 6 {
		t.Fatalf("CountAll(\"\") %d", n)
	}
	if n, _ := scoped.CountAll("config"); n != 2 {
		t.Fatalf("CountAll(config) %d", n)
	}
	if g, _ := scoped.Groups(""); !reflect.DeepEqual(g, []string{"conf-b", "config", "sessions"}) {
		t.Fatalf("Groups %v", g)
	}
	if g, _ := scoped.Groups("conf"); !reflect.DeepEqual(g, []string{"conf-b", "config"}) {
		t.Fatalf("Groups(conf) %v", g)
	}
	var first []string
	for g, err := range scoped.GroupsSeq() {
		if err != nil {
			t.Fatal(err)
		}
		first = append(first, g)
		break
	}
	if !reflect.DeepEqual(first, []string{"conf-b"}) {
		t.Fatalf("GroupsSeq early stop %v", first)
	}
}

func TestScope_ScopedStore_Good_PurgeExpiredNamespaceLocal(t *testing.T) {
	s := newTestStore(t)
	a, b := NewScoped(s, "a"), NewScoped(s, "b")
	_ = a.SetWithTTL("g", "k", "v", time.Millisecond)
	_ = b.SetWithTTL("g", "k", "v", time.Millisecond)
	_ = a.SetIn("g", "live", "v")
	time.Sleep(5 * time.Millisecond)
	if n, err := a.PurgeExpired(); n != 1 || err != nil {
		t.Fatalf("purged %d %v", n, err)
	}
	if n, _ := s.PurgeExpired(); n != 1 {
		t.Fatalf("b's expired row was purged too (store purge found %d)", n)
	}
}

func TestScope_ScopedStore_Good_OnChangeNamespaceLocal(t *testing.T) {
	s := newTestStore(t)
	a, b := NewScoped(s, "tenant-a"), NewScoped(s, "tenant-b")
	var got []Event
	defer a.OnChange(func(e Event) { got = append(got, e) })()
	_ = a.SetIn("config", "k", "v")
	_ = b.SetIn("config", "k", "v")
	mustSet(t, s, "config", "k", "v")
	_ = a.Delete("config", "k")
	if len(got) != 2 || got[0].Group != "config" || got[0].Value != "v" || got[1].Type != EventDelete || got[1].Value != "" {
		t.Fatalf("got %+v", got)
	}
	a.OnChange(nil)()
}

func TestScope_ScopedStore_Good_WatchNamespaceLocal(t *testing.T) {
	s := newTestStore(t)
	a, b := NewScoped(s, "tenant-a"), NewScoped(s, "tenant-b")
	config, every := a.Watch("config"), a.Watch("*")
	_ = b.SetIn("config", "k", "other")
	_ = a.SetIn("cache", "c", "1")
	_ = a.SetIn("config", "k", "mine")
	if e := receive(t, config); e.Group != "config" || e.Value != "mine" {
		t.Fatalf("group watcher %+v", e)
	}
	if e := receive(t, every); e.Group != "cache" {
		t.Fatalf("wildcard first %+v", e)
	}
	if e := receive(t, every); e.Group != "config" || e.Value != "mine" {
		t.Fatalf("wildcard second %+v", e)
	}
	// A store-level Unwatch does not find a scoped channel; the scoped one does (group ignored).
	s.Unwatch("config", config)
	_ = a.SetIn("config", "k2", "v")
	if e := receive(t, config); e.Key != "k2" {
		t.Fatalf("got %+v", e)
	}
	a.Unwatch("anything", config)
	waitClosed(t, config)
	a.Unwatch("anything", config)
}

func TestScope_Quota_Good_MaxKeys(t *testing.T) {
	s := newTestStore(t)
	scoped := newScoped(t, s, "tenant", QuotaConfig{MaxKeys: 5})
	for i := range 5 {
		if err := scoped.SetIn(fmt.Sprintf("g%d", i%2), fmt.Sprint(i), "v"); err != nil {
			t.Fatal(err)
		}
	}
	err := scoped.SetIn("g9", "6", "v")
	assertQuotaExceeded(t, err)
	assertErrorContains(t, err, "key limit (5)", "store: quota exceeded")
	err = scoped.SetWithTTL("g0", "7", "v", time.Hour)
	assertQuotaExceeded(t, err)
	err = scoped.Set("8", "v")
	assertQuotaExceeded(t, err)
	// Upserts never count.
	if err := scoped.SetIn("g0", "0", "again"); err != nil {
		t.Fatal(err)
	}
	// Deleting frees quota.
	_ = scoped.Delete("g0", "0")
	if err := scoped.SetIn("g0", "new", "v"); err != nil {
		t.Fatal(err)
	}
}

func TestScope_Quota_Good_ExpiredKeysExcluded(t *testing.T) {
	s := newTestStore(t)
	scoped := newScoped(t, s, "tenant", QuotaConfig{MaxKeys: 1})
	_ = scoped.SetWithTTL("g", "k", "v", time.Millisecond)
	time.Sleep(5 * time.Millisecond)
	var events []Event
	defer s.OnChange(func(e Event) { events = append(events, e) })()
	if err := scoped.SetIn("g", "k", "fresh"); err != nil {
		t.Fatal(err)
	}
	if len(events) != 1 || events[0].Type != EventSet {
		t.Fatalf("events %+v", events)
	}
	if err := scoped.SetIn("g", "other", "v"); !errors.Is(err, QuotaExceededError) {
		t.Fatalf("got %v", err)
	}
}

func TestScope_Quota_Good_MaxGroups(t *testing.T) {
	s := newTestStore(t)
	scoped := newScoped(t, s, "tenant", QuotaConfig{MaxGroups: 2})
	_ = scoped.SetIn("a", "k", "v")
	_ = scoped.SetIn("b", "k", "v")
	if err := scoped.SetIn("a", "k2", "v"); err != nil {
		t.Fatalf("existing group: %v", err)
	}
	err := scoped.SetIn("c", "k", "v")
	assertQuotaExceeded(t, err)
	assertErrorContains(t, err, "group limit (2)")
	_ = scoped.DeleteGroup("a")
	if err := scoped.SetIn("c", "k", "v"); err != nil {
		t.Fatalf("after DeleteGroup: %v", err)
	}
	// Rows written directly through the store count for the namespace.
	mustSet(t, s, "tenant:direct", "k", "v")
	assertQuotaExceeded(t, scoped.SetIn("d", "k", "v"))
}

func TestScope_Quota_Good_MaxBytes(t *testing.T) {
	s := newTestStore(t)
	scoped := newScoped(t, s, "tenant", QuotaConfig{MaxBytes: 10})
	if err := scoped.SetIn("g", "k", "123456789"); err != nil {
		t.Fatal(err)
	}
	err := scoped.SetIn("g", "k2", "v")
	assertQuotaExceeded(t, err)
	assertErrorContains(t, err, "byte limit (10)")
	// Shrinking an existing value is allowed.
	if err := scoped.SetIn("g", "k", "1"); err != nil {
		t.Fatal(err)
	}
}

func TestScope_Quota_Good_FieldsTakeEffectOnNextWrite(t *testing.T) {
	s := newTestStore(t)
	scoped := newScoped(t, s, "tenant", QuotaConfig{})
	_ = scoped.SetIn("g", "a", "v")
	_ = scoped.SetIn("g", "b", "v")
	scoped.MaxKeys = 2
	assertQuotaExceeded(t, scoped.SetIn("g", "c", "v"))
	scoped.MaxKeys = -1 // negative means unlimited, as in go-store
	if err := scoped.SetIn("g", "c", "v"); err != nil {
		t.Fatal(err)
	}
	scoped.MaxKeys, scoped.MaxGroups = 0, 1
	assertQuotaExceeded(t, scoped.SetIn("h", "k", "v"))
	scoped.MaxGroups, scoped.MaxBytes = 0, 3
	assertQuotaExceeded(t, scoped.SetIn("g", "d", "v"))
	scoped.MaxBytes = 0
	if err := scoped.SetIn("h", "k", "v"); err != nil {
		t.Fatal(err)
	}
}

func TestScope_Quota_Good_DoesNotAffectOtherNamespaces(t *testing.T) {
	s := newTestStore(t)
	a := newScoped(t, s, "a", QuotaConfig{MaxKeys: 1, MaxGroups: 1})
	b := newScoped(t, s, "b", QuotaConfig{MaxKeys: 1, MaxGroups: 1})
	if a.SetIn("g", "k", "v") != nil || b.SetIn("g", "k", "v") != nil {
		t.Fatal("independent namespaces share quota")
	}
	assertQuotaExceeded(t, a.SetIn("g", "k2", "v"))
}

func TestScope_CountAllAndGroups_Good_StoreLevelPrefixes(t *testing.T) {
	s := newTestStore(t)
	for _, g := range []string{"user_1", "user_2", "user_test", "user%test", "other"} {
		mustSet(t, s, g, "k", "v")
	}
	_ = s.SetWithTTL("user_3", "k", "v", time.Millisecond)
	time.Sleep(5 * time.Millisecond)
	if n, _ := s.CountAll("user_"); n != 3 {
		t.Fatalf("CountAll(user_) %d", n)
	}
	if n, _ := s.CountAll("user%"); n != 1 {
		t.Fatalf("CountAll(user%%) %d", n)
	}
	if n, _ := s.CountAll(""); n != 5 {
		t.Fatalf("CountAll(\"\") %d", n)
	}
	if g, _ := s.Groups("user_"); !reflect.DeepEqual(g, []string{"user_1", "user_2", "user_test"}) {
		t.Fatalf("Groups %v", g)
	}
	if g, err := s.Groups("none"); len(g) != 0 || err != nil {
		t.Fatalf("no match %v %v", g, err)
	}
}
