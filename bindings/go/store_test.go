package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// 17.1 Construction and configuration.

func TestStore_New_Good_Memory(t *testing.T) {
	s := newTestStore(t)
	mustSet(t, s, "g", "k", "v")
	if got := mustGet(t, s, "g", "k"); got != "v" {
		t.Fatalf("got %q", got)
	}
}

func TestStore_New_Good_FileBacked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "persist.db")
	s, err := New(path)
	if err != nil {
		t.Fatal(err)
	}
	mustSet(t, s, "config", "colour", "blue")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	reopened, err := New(path)
	if err != nil {
		t.Fatal(err)
	}
	defer reopened.Close()
	if got := mustGet(t, reopened, "config", "colour"); got != "blue" {
		t.Fatalf("after reopen got %q", got)
	}
}

func TestStore_New_Bad_InvalidPath(t *testing.T) {
	_, err := New(filepath.Join(t.TempDir(), "missing", "dir", "store.db"))
	assertErrorContains(t, err, "store.New")
}

func TestStore_New_Bad_CorruptFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "corrupt.db")
	if err := os.WriteFile(path, []byte(strings.Repeat("not a database ", 200)), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := New(path)
	assertErrorContains(t, err, "store.New")
}

func TestStore_New_Bad_EmptyPath(t *testing.T) {
	_, err := New("")
	assertErrorContains(t, err, "store.New", "database path is empty")
}

func TestStore_New_Good_WALMode(t *testing.T) {
	_, path := newFileStore(t)
	// WAL mode leaves a -wal file next to the database while it is open.
	if _, err := os.Stat(path + "-wal"); err != nil {
		t.Fatalf("expected a WAL file: %v", err)
	}
}

func TestStore_New_Good_WithJournalOption(t *testing.T) {
	s, err := New(":memory:", WithJournal("http://127.0.0.1:8086", "core", "events"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	want := JournalConfiguration{EndpointURL: "http://127.0.0.1:8086", Organisation: "core", BucketName: "events"}
	if got := s.JournalConfiguration(); got != want {
		t.Fatalf("got %+v", got)
	}
	if !s.JournalConfigured() {
		t.Fatal("JournalConfigured false for a complete journal")
	}
}

func TestStore_JournalConfigured_Good(t *testing.T) {
	var nilStore *Store
	if nilStore.JournalConfigured() {
		t.Fatal("nil store reports a journal")
	}
	if newTestStore(t).JournalConfigured() {
		t.Fatal("unconfigured store reports a journal")
	}
}

func TestStore_JournalConfiguration_Good_Validate(t *testing.T) {
	if err := (JournalConfiguration{EndpointURL: "http://127.0.0.1:8086", Organisation: "core", BucketName: "events"}).Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestStore_JournalConfiguration_Bad_ValidateMissingFields(t *testing.T) {
	cases := []struct {
		config JournalConfiguration
		want   string
	}{
		{JournalConfiguration{}, "endpoint URL is empty"},
		{JournalConfiguration{Organisation: "core", BucketName: "events"}, "endpoint URL is empty"},
		{JournalConfiguration{EndpointURL: "http://x", BucketName: "events"}, "organisation is empty"},
		{JournalConfiguration{EndpointURL: "http://x", Organisation: "core"}, "bucket name is empty"},
	}
	for _, c := range cases {
		err := c.config.Validate()
		assertErrorContains(t, err, "store.JournalConfiguration.Validate: "+c.want)
		if strings.Contains(err.Error(), "StoreConfig") {
			t.Fatalf("journal error carries the store config wrapper: %v", err)
		}
	}
}

func TestStore_NewConfigured_Bad_PartialJournalConfiguration(t *testing.T) {
	_, err := NewConfigured(StoreConfig{DatabasePath: ":memory:", Journal: JournalConfiguration{EndpointURL: "http://x", Organisation: "core"}})
	assertErrorContains(t, err, "store.NewConfigured", "journal config", "bucket name is empty")
}

func TestStore_StoreConfig_Good_Validate(t *testing.T) {
	if err := (StoreConfig{DatabasePath: ":memory:"}).Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestStore_StoreConfig_Bad_NegativePurgeInterval(t *testing.T) {
	assertErrorContains(t, StoreConfig{DatabasePath: ":memory:", PurgeInterval: -time.Second}.Validate(),
		"store.StoreConfig.Validate", "purge interval must be zero or positive")
	// Less than a millisecond below zero is still negative.
	assertErrorContains(t, StoreConfig{DatabasePath: ":memory:", PurgeInterval: -time.Nanosecond}.Validate(),
		"purge interval must be zero or positive")
}

func TestStore_StoreConfig_Bad_EmptyDatabasePath(t *testing.T) {
	assertErrorContains(t, StoreConfig{}.Validate(), "store.StoreConfig.Validate: database path is empty")
}

func TestStore_StoreConfig_Good_NormalisedDefaults(t *testing.T) {
	n := StoreConfig{DatabasePath: "x"}.Normalised()
	if n.PurgeInterval != 60*time.Second || n.WorkspaceStateDirectory != ".core/state" || n.DatabasePath != "x" {
		t.Fatalf("got %+v", n)
	}
	if got := (StoreConfig{PurgeInterval: -time.Second}).Normalised().PurgeInterval; got != -time.Second {
		t.Fatalf("negative interval changed to %v", got)
	}
	if got := (StoreConfig{PurgeInterval: 1500 * time.Microsecond}).Normalised().PurgeInterval; got != 1500*time.Microsecond {
		t.Fatalf("positive interval changed to %v", got)
	}
}

func TestStore_StoreConfig_Good_NormalisedWorkspaceStateDirectory(t *testing.T) {
	if got := (StoreConfig{WorkspaceStateDirectory: ".core/state///"}).Normalised().WorkspaceStateDirectory; got != ".core/state" {
		t.Fatalf("got %q", got)
	}
	if got := (StoreConfig{WorkspaceStateDirectory: "/var/lib/x/"}).Normalised().WorkspaceStateDirectory; got != "/var/lib/x" {
		t.Fatalf("got %q", got)
	}
}

func TestStore_NewConfigured_Bad_NegativePurgeInterval(t *testing.T) {
	_, err := NewConfigured(StoreConfig{DatabasePath: ":memory:", PurgeInterval: -time.Second})
	assertErrorContains(t, err, "store.NewConfigured: validate config", "purge interval must be zero or positive")
}

func TestStore_NewConfigured_Bad_EmptyDatabasePath(t *testing.T) {
	_, err := NewConfigured(StoreConfig{})
	assertErrorContains(t, err, "store.NewConfigured: validate config", "database path is empty")
}

func TestStore_Config_Good(t *testing.T) {
	s, err := NewConfigured(StoreConfig{
		DatabasePath:            ":memory:",
		Journal:                 JournalConfiguration{EndpointURL: "http://x", Organisation: "o", BucketName: "b"},
		PurgeInterval:           20 * time.Second,
		WorkspaceStateDirectory: "/tmp/state//",
	})
	if err != nil {
		t.Fatal(err)
	}
	want := StoreConfig{
		DatabasePath:            ":memory:",
		Journal:                 JournalConfiguration{EndpointURL: "http://x", Organisation: "o", BucketName: "b"},
		PurgeInterval:           20 * time.Second,
		WorkspaceStateDirectory: "/tmp/state",
	}
	if got := s.Config(); got != want {
		t.Fatalf("got %+v", got)
	}
	_ = s.Close()
	if got := s.Config(); got != want {
		t.Fatalf("after Close got %+v", got)
	}
}

func TestStore_DatabasePath_Good(t *testing.T) {
	_, path := newFileStore(t)
	s, err := New(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.DatabasePath() != path {
		t.Fatalf("got %q", s.DatabasePath())
	}
	var nilStore *Store
	if nilStore.DatabasePath() != "" || nilStore.Config() != (StoreConfig{}) || nilStore.JournalConfiguration() != (JournalConfiguration{}) {
		t.Fatal("nil store accessors are not zero")
	}
}

func TestStore_WorkspaceStateDirectory_Good_Default(t *testing.T) {
	s := newTestStore(t)
	if s.WorkspaceStateDirectory() != ".core/state" || s.Config().PurgeInterval != 60*time.Second {
		t.Fatalf("got %q, %v", s.WorkspaceStateDirectory(), s.Config().PurgeInterval)
	}
	var nilStore *Store
	if nilStore.WorkspaceStateDirectory() != ".core/state" {
		t.Fatalf("nil store: %q", nilStore.WorkspaceStateDirectory())
	}
}

func TestStore_New_Good_WithWorkspaceStateDirectoryOption(t *testing.T) {
	s, err := New(":memory:", WithWorkspaceStateDirectory("/srv/state/"), WithPurgeInterval(5*time.Second), WithPurgeInterval(-1), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.WorkspaceStateDirectory() != "/srv/state" || s.Config().PurgeInterval != 5*time.Second {
		t.Fatalf("got %q, %v", s.WorkspaceStateDirectory(), s.Config().PurgeInterval)
	}
}

func TestStore_IsClosed_Good(t *testing.T) {
	s, err := New(":memory:")
	if err != nil {
		t.Fatal(err)
	}
	if s.IsClosed() {
		t.Fatal("open store reports closed")
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if !s.IsClosed() {
		t.Fatal("closed store reports open")
	}
	var nilStore *Store
	if !nilStore.IsClosed() || nilStore.Close() != nil {
		t.Fatal("nil store must be closed and Close must return nil")
	}
}

// 17.2 CRUD, reads, iteration.

func TestStore_SetGet_Good(t *testing.T) {
	s := newTestStore(t)
	mustSet(t, s, "config", "colour", "blue")
	if got := mustGet(t, s, "config", "colour"); got != "blue" {
		t.Fatalf("got %q", got)
	}
}

func TestStore_Set_Good_Upsert(t *testing.T) {
	s := newTestStore(t)
	mustSet(t, s, "g", "k", "one")
	mustSet(t, s, "g", "k", "two")
	n, err := s.Count("g")
	if err != nil || n != 1 || mustGet(t, s, "g", "k") != "two" {
		t.Fatalf("count %d err %v value %q", n, err, mustGet(t, s, "g", "k"))
	}
}

func TestStore_Get_Bad_NotFound(t *testing.T) {
	s := newTestStore(t)
	mustSet(t, s, "g", "other", "v")
	_, err := s.Get("g", "k")
	assertNotFound(t, err)
	assertErrorContains(t, err, "store.Get: g/k: store: not found")
}

func TestStore_Get_Bad_NonExistentGroup(t *testing.T) {
	_, err := newTestStore(t).Get("nope", "k")
	assertNotFound(t, err)
}

func TestStore_NotFoundError_Good_Is(t *testing.T) {
	_, err := newTestStore(t).Get("g", "k")
	if !errors.Is(err, NotFoundError) || errors.Is(err, QuotaExceededError) {
		t.Fatalf("identity wrong for %v", err)
	}
	wrapped := fmt.Errorf("outer: %w", err)
	if !errors.Is(wrapped, NotFoundError) {
		t.Fatal("identity lost through wrapping")
	}
	var e *Error
	if !errors.As(err, &e) || e.Status != StatusNotFound {
		t.Fatalf("status: %+v", e)
	}
}

func TestStore_Exists_Good(t *testing.T) {
	s := newTestStore(t)
	mustSet(t, s, "g", "k", "v")
	if ok, err := s.Exists("g", "k"); !ok || err != nil {
		t.Fatalf("present: %v %v", ok, err)
	}
	if ok, err := s.Exists("g", "absent"); ok || err != nil {
		t.Fatalf("absent: %v %v", ok, err)
	}
	if err := s.SetWithTTL("g", "ttl", "v", time.Millisecond); err != nil {
		t.Fatal(err)
	}
	time.Sleep(5 * time.Millisecond)
	if ok, err := s.Exists("g", "ttl"); ok || err != nil {
		t.Fatalf("expired: %v %v", ok, err)
	}
}

func TestStore_GroupExists_Good(t *testing.T) {
	s := newTestStore(t)
	mustSet(t, s, "g", "k", "v")
	if ok, _ := s.GroupExists("g"); !ok {
		t.Fatal("present group missing")
	}
	if ok, _ := s.GroupExists("other"); ok {
		t.Fatal("absent group found")
	}
	if err := s.Delete("g", "k"); err != nil {
		t.Fatal(err)
	}
	if ok, _ := s.GroupExists("g"); ok {
		t.Fatal("group exists after its last key was deleted")
	}
}

func TestStore_Delete_Good(t *testing.T) {
	s := newTestStore(t)
	mustSet(t, s, "g", "k", "v")
	if err := s.Delete("g", "k"); err != nil {
		t.Fatal(err)
	}
	_, err := s.Get("g", "k")
	assertNotFound(t, err)
	if err := s.Delete("g", "never-existed"); err != nil {
		t.Fatalf("deleting a missing key: %v", err)
	}
}

func TestStore_Count_Good_BulkInsert(t *testing.T) {
	s := newTestStore(t)
	if n, err := s.Count("bulk"); n != 0 || err != nil {
		t.Fatalf("empty: %d %v", n, err)
	}
	for i := range 500 {
		mustSet(t, s, "bulk", fmt.Sprintf("k%d", i), "v")
	}
	mustSet(t, s, "other", "k", "v")
	if n, err := s.Count("bulk"); n != 500 || err != nil {
		t.Fatalf("got %d %v", n, err)
	}
}

func TestStore_DeleteGroup_Good_IsolatesOtherGroups(t *testing.T) {
	s := newTestStore(t)
	mustSet(t, s, "a", "k1", "v")
	mustSet(t, s, "a", "k2", "v")
	mustSet(t, s, "b", "k1", "v")
	if err := s.DeleteGroup("a"); err != nil {
		t.Fatal(err)
	}
	if all, _ := s.GetAll("a"); len(all) != 0 {
		t.Fatalf("group a not empty: %v", all)
	}
	if n, _ := s.Count("b"); n != 1 {
		t.Fatalf("group b lost rows: %d", n)
	}
}

func TestStore_DeletePrefix_Good(t *testing.T) {
	s := newTestStore(t)
	mustSet(t, s, "tenant-a:config", "k", "v")
	mustSet(t, s, "tenant-a:cache", "k", "v")
	mustSet(t, s, "tenant-b:config", "k", "v")
	mustSet(t, s, "TENANT-A:config", "k", "v")
	if err := s.DeletePrefix("tenant-a:"); err != nil {
		t.Fatal(err)
	}
	groups, _ := s.Groups()
	if !reflect.DeepEqual(groups, []string{"TENANT-A:config", "tenant-b:config"}) {
		t.Fatalf("got %v (prefixes are case-sensitive)", groups)
	}
}

func TestStore_GetAll_Good(t *testing.T) {
	s := newTestStore(t)
	mustSet(t, s, "g", "a", "1")
	mustSet(t, s, "g", "b", "2")
	mustSet(t, s, "h", "c", "3")
	all, err := s.GetAll("g")
	if err != nil || !reflect.DeepEqual(all, map[string]string{"a": "1", "b": "2"}) {
		t.Fatalf("got %v %v", all, err)
	}
	empty, err := s.GetAll("missing")
	if err != nil || empty == nil || len(empty) != 0 {
		t.Fatalf("empty group: %#v %v", empty, err)
	}
}

func TestStore_GetPage_Good(t *testing.T) {
	s := newTestStore(t)
	for _, k := range []string{"delta", "alpha", "charlie", "bravo"} {
		mustSet(t, s, "g", k, "v-"+k)
	}
	page, err := s.GetPage("g", 1, 2)
	if err != nil || !reflect.DeepEqual(page, []KeyValue{{"bravo", "v-bravo"}, {"charlie", "v-charlie"}}) {
		t.Fatalf("got %v %v", page, err)
	}
}

func TestStore_GetPage_Good_EmptyAndBounds(t *testing.T) {
	s := newTestStore(t)
	mustSet(t, s, "g", "a", "1")
	page, err := s.GetPage("g", 0, 0)
	if err != nil || page == nil || len(page) != 0 {
		t.Fatalf("limit 0: %#v %v", page, err)
	}
	if page, _ := s.GetPage("g", 5, 10); len(page) != 0 {
		t.Fatalf("offset past end: %v", page)
	}
	_, err = s.GetPage("g", -1, 1)
	assertErrorContains(t, err, "store.GetPage", "offset must be zero or positive")
	_, err = s.GetPage("g", 0, -1)
	assertErrorContains(t, err, "store.GetPage", "limit must be zero or positive")
}

func TestStore_All_Good_SortedByKey(t *testing.T) {
	s := newTestStore(t)
	for _, k := range []string{"c", "a", "b"} {
		mustSet(t, s, "g", k, strings.ToUpper(k))
	}
	for _, seq := range []func(string) func(func(KeyValue, error) bool){
		func(g string) func(func(KeyValue, error) bool) { return s.All(g) },
		func(g string) func(func(KeyValue, error) bool) { return s.AllSeq(g) },
	} {
		rows, err := collect(seq("g"))
		if err != nil || !reflect.DeepEqual(rows, []KeyValue{{"a", "A"}, {"b", "B"}, {"c", "C"}}) {
			t.Fatalf("got %v %v", rows, err)
		}
	}
}

func TestStore_All_Good_StopsEarlyAndManyBatches(t *testing.T) {
	s := newTestStore(t)
	for i := range 1200 {
		mustSet(t, s, "g", fmt.Sprintf("k%05d", i), fmt.Sprint(i))
	}
	seen := 0
	for kv, err := range s.All("g") {
		if err != nil {
			t.Fatal(err)
		}
		seen++
		if seen == 2 {
			if kv.Key != "k00001" {
				t.Fatalf("second key %q", kv.Key)
			}
			break
		}
	}
	rows, err := collect(s.All("g"))
	if err != nil || len(rows) != 1200 || rows[1199].Key != "k01199" || rows[600].Value != "600" {
		t.Fatalf("full iteration: %d rows, err %v", len(rows), err)
	}
}

func TestStore_All_Good_LoopBodyMayUseStore(t *testing.T) {
	s := newTestStore(t)
	mustSet(t, s, "g", "a", "1")
	mustSet(t, s, "g", "b", "2")
	for kv, err := range s.All("g") {
		if err != nil {
			t.Fatal(err)
		}
		// go-store deadlocks here; the library holds no connection between batches.
		mustSet(t, s, "copy", kv.Key, kv.Value)
	}
	if n, _ := s.Count("copy"); n != 2 {
		t.Fatalf("copied %d", n)
	}
}

func TestStore_GroupsSeq_Good(t *testing.T) {
	s := newTestStore(t)
	for _, g := range []string{"user_2", "config", "user_1", "audit"} {
		mustSet(t, s, g, "k", "v")
	}
	var all []string
	for g, err := range s.GroupsSeq() {
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, g)
	}
	if !reflect.DeepEqual(all, []string{"audit", "config", "user_1", "user_2"}) {
		t.Fatalf("default argument: %v", all)
	}
	var first []string
	for g := range s.GroupsSeq("user_") {
		first = append(first, g)
		break
	}
	if !reflect.DeepEqual(first, []string{"user_1"}) {
		t.Fatalf("prefix stop early: %v", first)
	}
}

func TestStore_GetSplit_Good(t *testing.T) {
	s := newTestStore(t)
	mustSet(t, s, "g", "csv", "a,b,,c")
	seq, err := s.GetSplit("g", "csv", ",")
	if err != nil || !reflect.DeepEqual(slices.Collect(seq), []string{"a", "b", "", "c"}) {
		t.Fatalf("got %v %v", slices.Collect(seq), err)
	}
	for part := range seq {
		if part != "a" {
			t.Fatalf("first part %q", part)
		}
		break
	}
	mustSet(t, s, "g", "word", "héllo")
	seq, _ = s.GetSplit("g", "word", "")
	if got := slices.Collect(seq); !reflect.DeepEqual(got, strings.Split("héllo", "")) {
		t.Fatalf("empty separator: %v", got)
	}
	_, err = s.GetSplit("g", "missing", ",")
	assertNotFound(t, err)
}

func TestStore_GetFields_Good(t *testing.T) {
	s := newTestStore(t)
	mustSet(t, s, "g", "k", " alpha beta\tgamma\n")
	seq, err := s.GetFields("g", "k")
	if err != nil || !reflect.DeepEqual(slices.Collect(seq), []string{"alpha", "beta", "gamma"}) {
		t.Fatalf("got %v %v", slices.Collect(seq), err)
	}
	_, err = s.GetFields("g", "missing")
	assertNotFound(t, err)
}

func TestStore_Render_Good(t *testing.T) {
	s := newTestStore(t)
	mustSet(t, s, "mail", "host", "smtp.example.com")
	mustSet(t, s, "mail", "port", "587")
	out, err := s.Render(`{{ .host }}:{{ .port }} {{ index . "host" | printf "%q" }}`, "mail")
	if err != nil || out != `smtp.example.com:587 "smtp.example.com"` {
		t.Fatalf("got %q %v", out, err)
	}
	out, err = s.Render("static text", "empty")
	if err != nil || out != "static text" {
		t.Fatalf("empty group: %q %v", out, err)
	}
}

func TestStore_Render_Good_MissingTemplateVar(t *testing.T) {
	out, err := newTestStore(t).Render("{{ .missing }}", "g")
	if err != nil || out != "<no value>" {
		t.Fatalf("got %q %v", out, err)
	}
}

func TestStore_Render_Bad_InvalidTemplateSyntax(t *testing.T) {
	_, err := newTestStore(t).Render("{{ .unclosed", "g")
	assertErrorContains(t, err, "store.Render: parse template")
}

func TestStore_Render_Bad_ExecError(t *testing.T) {
	_, err := newTestStore(t).Render(`{{ index .missing 1 }}`, "g")
	assertErrorContains(t, err, "store.Render: execute template")
}

func TestStore_SetGet_Good_EdgeCases(t *testing.T) {
	s := newTestStore(t)
	cases := []struct{ name, group, key, value string }{
		{"empty key", "g", "", "v"},
		{"empty value", "g", "k", ""},
		{"empty group", "", "k", "v"},
		{"all empty", "", "", ""},
		{"spaces", "g s", "k s", "v s"},
		{"newlines", "g\n", "k\n", "v\n"},
		{"tabs", "g\t", "k\t", "v\t"},
		{"unicode", "grüße", "schlüssel", "wert ✓"},
		{"emoji", "🙂", "🔑", "🎉"},
		{"cjk", "组", "键", "值"},
		{"arabic", "مجموعة", "مفتاح", "قيمة"},
		{"nul bytes", "g\x00g", "k\x00k", "v\x00v"},
		{"invalid utf-8", "g\xff", "k\xfe", "v\xc3"},
		{"sql injection", "g'; DROP TABLE entries; --", "k' OR '1'='1", "v\"; --"},
		{"backslash", `g\`, `k\`, `v\\`},
		{"percent", "g%_", "k%", "100%"},
		{"10k key", "g", strings.Repeat("k", 10000), "v"},
		{"100k value", "g", "big", strings.Repeat("v", 100000)},
		{"10k group", strings.Repeat("g", 10000), "k", "v"},
	}
	for _, c := range cases {
		mustSet(t, s, c.group, c.key, c.value)
		if got := mustGet(t, s, c.group, c.key); got != c.value {
			t.Fatalf("%s: got %d bytes, want %d", c.name, len(got), len(c.value))
		}
	}
	// Lists carry the same bytes.
	all, _ := s.GetAll("g\x00g")
	if all["k\x00k"] != "v\x00v" {
		t.Fatalf("GetAll lost NUL bytes: %q", all)
	}
}

func TestStore_Get_Good_ValueSizesAroundBuffer(t *testing.T) {
	s := newTestStore(t)
	for _, n := range []int{0, 1, 63, 64, 65, 4095, 4096, 4097, 70000} {
		v := strings.Repeat("x", n)
		mustSet(t, s, "sizes", fmt.Sprint(n), v)
		if got := mustGet(t, s, "sizes", fmt.Sprint(n)); got != v {
			t.Fatalf("size %d: got %d bytes", n, len(got))
		}
	}
	// Earlier results stay intact after later reads reuse nothing.
	a := mustGet(t, s, "sizes", "63")
	b := mustGet(t, s, "sizes", "64")
	if a != strings.Repeat("x", 63) || b != strings.Repeat("x", 64) {
		t.Fatal("results alias each other")
	}
}

func TestStore_GroupIsolation_Good(t *testing.T) {
	s := newTestStore(t)
	mustSet(t, s, "a", "k", "1")
	mustSet(t, s, "b", "k", "2")
	if mustGet(t, s, "a", "k") != "1" || mustGet(t, s, "b", "k") != "2" {
		t.Fatal("groups share keys")
	}
}

func TestStore_Operations_Bad_ClosedStore(t *testing.T) {
	s, err := New(":memory:")
	if err != nil {
		t.Fatal(err)
	}
	mustSet(t, s, "g", "k", "v")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	checks := map[string]error{}
	_, checks["Get"] = s.Get("g", "k")
	checks["Set"] = s.Set("g", "k", "v")
	checks["SetWithTTL"] = s.SetWithTTL("g", "k", "v", time.Minute)
	_, checks["Exists"] = s.Exists("g", "k")
	_, checks["GroupExists"] = s.GroupExists("g")
	checks["Delete"] = s.Delete("g", "k")
	_, checks["Count"] = s.Count("g")
	_, checks["CountAll"] = s.CountAll("")
	checks["DeleteGroup"] = s.DeleteGroup("g")
	checks["DeletePrefix"] = s.DeletePrefix("")
	_, checks["GetAll"] = s.GetAll("g")
	_, checks["GetPage"] = s.GetPage("g", 0, 1)
	_, checks["Groups"] = s.Groups()
	_, checks["Render"] = s.Render("x", "g")
	_, checks["PurgeExpired"] = s.PurgeExpired()
	_, checks["GetSplit"] = s.GetSplit("g", "k", ",")
	_, checks["GetFields"] = s.GetFields("g", "k")
	checks["Transaction"] = s.Transaction(func(*StoreTransaction) error { return nil })
	_, checks["All"] = collect(s.All("g"))
	for _, err := range s.GroupsSeq() {
		checks["GroupsSeq"] = err
	}
	for name, err := range checks {
		if err == nil {
			t.Errorf("%s succeeded on a closed store", name)
			continue
		}
		if !strings.Contains(err.Error(), "store is closed") {
			t.Errorf("%s: %v", name, err)
		}
		var e *Error
		if errors.As(err, &e) && e.Status != StatusClosed {
			t.Errorf("%s: status %d", name, e.Status)
		}
	}
	if !strings.HasPrefix(checks["Get"].Error(), "store.Get: ") {
		t.Fatalf("Get error lacks its operation: %v", checks["Get"])
	}
}

func TestStore_NilReceiver_Bad(t *testing.T) {
	var s *Store
	_, err := s.Get("g", "k")
	assertErrorContains(t, err, "store.Get: store is nil")
	assertErrorContains(t, s.Set("g", "k", "v"), "store.Set: store is nil")
	_, err = s.GetAll("g")
	assertErrorContains(t, err, "store.GetAll: store is nil")
	_, err = collect(s.All("g"))
	assertErrorContains(t, err, "store.All: store is nil")
	assertErrorContains(t, s.Transaction(func(*StoreTransaction) error { return nil }), "store.Transaction: store is nil")
	var zero Store
	_, err = zero.Count("g")
	assertErrorContains(t, err, "store.Count: store is not initialised")
	if _, ok := <-s.Watch("g"); ok {
		t.Fatal("nil store Watch channel is open")
	}
	s.Unwatch("g", nil)
	s.OnChange(func(Event) {})()
	if !zero.IsClosed() || zero.Close() != nil {
		t.Fatal("zero store must report closed")
	}
}

func TestStore_Concurrent_Good_ReadWrite(t *testing.T) {
	s, _ := newFileStore(t)
	var wg sync.WaitGroup
	errs := make(chan error, 2000)
	for w := range 10 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for i := range 100 {
				if err := s.Set(fmt.Sprintf("g%d", w), fmt.Sprintf("k%d", i), fmt.Sprint(i)); err != nil {
					errs <- err
				}
			}
		}()
		go func() {
			defer wg.Done()
			for i := range 100 {
				if _, err := s.Get(fmt.Sprintf("g%d", w), fmt.Sprintf("k%d", i)); err != nil && !errors.Is(err, NotFoundError) {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for w := range 10 {
		if n, _ := s.Count(fmt.Sprintf("g%d", w)); n != 100 {
			t.Fatalf("group g%d has %d keys", w, n)
		}
	}
}

func TestStore_Concurrent_Good_GetAllAndDeleteGroup(t *testing.T) {
	s, _ := newFileStore(t)
	for i := range 50 {
		mustSet(t, s, "shared", fmt.Sprint(i), "v")
	}
	var wg sync.WaitGroup
	for range 10 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			all, err := s.GetAll("shared")
			if err != nil || len(all) != 50 {
				t.Errorf("GetAll: %d rows, %v", len(all), err)
			}
		}()
		go func() {
			defer wg.Done()
			for i := range 20 {
				if err := s.Set("churn", fmt.Sprint(i), "v"); err != nil {
					t.Error(err)
				}
				if err := s.DeleteGroup("churn"); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
}

func TestStore_Concurrent_Good_TTL(t *testing.T) {
	s, _ := newFileStore(t)
	var wg sync.WaitGroup
	for w := range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 20 {
				key := fmt.Sprintf("w%d-%d", w, i)
				var err error
				if i%2 == 0 {
					err = s.SetWithTTL("mixed", key, "v", time.Millisecond)
				} else {
					err = s.Set("mixed", key, "v")
				}
				if err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	time.Sleep(5 * time.Millisecond)
	if n, _ := s.Count("mixed"); n != 100 {
		t.Fatalf("live rows %d, want the 100 permanent ones", n)
	}
}

// 17.3 TTL, purge, schema.

func TestStore_SetWithTTL_Good(t *testing.T) {
	s := newTestStore(t)
	if err := s.SetWithTTL("g", "k", "v", time.Hour); err != nil {
		t.Fatal(err)
	}
	if err := s.SetWithTTL("g", "k", "v2", time.Hour); err != nil {
		t.Fatal(err)
	}
	if mustGet(t, s, "g", "k") != "v2" {
		t.Fatal("upsert lost")
	}
	if n, _ := s.Count("g"); n != 1 {
		t.Fatalf("count %d", n)
	}
}

func TestStore_SetWithTTL_Good_ExpiresOnGetEmitsDeleteEvent(t *testing.T) {
	s := newTestStore(t)
	events := s.Watch("g")
	if err := s.SetWithTTL("g", "ephemeral", "v", time.Millisecond); err != nil {
		t.Fatal(err)
	}
	time.Sleep(5 * time.Millisecond)
	_, err := s.Get("g", "ephemeral")
	assertNotFound(t, err)
	if e := receive(t, events); e.Type != EventSet || e.Key != "ephemeral" || e.Value != "v" {
		t.Fatalf("first event %+v", e)
	}
	if e := receive(t, events); e.Type != EventDelete || e.Group != "g" || e.Key != "ephemeral" || e.Value != "" {
		t.Fatalf("lazy delete event %+v", e)
	}
}

func TestStore_SetWithTTL_Good_ExcludedFromReads(t *testing.T) {
	s := newTestStore(t)
	mustSet(t, s, "g", "live", "L")
	if err := s.SetWithTTL("g", "dead", "D", time.Millisecond); err != nil {
		t.Fatal(err)
	}
	time.Sleep(5 * time.Millisecond)
	if n, _ := s.Count("g"); n != 1 {
		t.Fatalf("Count %d", n)
	}
	if all, _ := s.GetAll("g"); !reflect.DeepEqual(all, map[string]string{"live": "L"}) {
		t.Fatalf("GetAll %v", all)
	}
	if out, _ := s.Render("{{ .dead }}", "g"); out != "<no value>" {
		t.Fatalf("Render %q", out)
	}
}

func TestStore_SetWithTTL_Good_SetClearsTTL(t *testing.T) {
	s := newTestStore(t)
	if err := s.SetWithTTL("g", "k", "v", 2*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	mustSet(t, s, "g", "k", "permanent")
	time.Sleep(5 * time.Millisecond)
	if mustGet(t, s, "g", "k") != "permanent" {
		t.Fatal("value expired after a plain Set")
	}
}

func TestStore_PurgeExpired_Good(t *testing.T) {
	s := newTestStore(t)
	if n, err := s.PurgeExpired(); n != 0 || err != nil {
		t.Fatalf("empty: %d %v", n, err)
	}
	mustSet(t, s, "g", "keep", "v")
	// Long enough that a loaded machine (the race detector, parallel builds)
	// cannot let the rows expire before the first purge.
	for _, k := range []string{"a", "b"} {
		if err := s.SetWithTTL("g", k, "v", 300*time.Millisecond); err != nil {
			t.Fatal(err)
		}
	}
	if n, _ := s.PurgeExpired(); n != 0 {
		t.Fatalf("purged %d live rows", n)
	}
	time.Sleep(350 * time.Millisecond)
	events := s.Watch("*")
	if n, err := s.PurgeExpired(); n != 2 || err != nil {
		t.Fatalf("purged %d %v", n, err)
	}
	keys := []string{receive(t, events).Key, receive(t, events).Key}
	slices.Sort(keys)
	if !reflect.DeepEqual(keys, []string{"a", "b"}) {
		t.Fatalf("purge events %v", keys)
	}
	if all, _ := s.GetAll("g"); !reflect.DeepEqual(all, map[string]string{"keep": "v"}) {
		t.Fatalf("left %v", all)
	}
}

func TestStore_PurgeExpired_Good_BackgroundPurge(t *testing.T) {
	s, err := New(":memory:", WithPurgeInterval(20*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.SetWithTTL("g", "k", "v", time.Millisecond); err != nil {
		t.Fatal(err)
	}
	events := s.Watch("g")
	// The background purge removes the row without any read touching it.
	deadline := time.After(2 * time.Second)
	for {
		select {
		case e := <-events:
			if e.Type == EventDelete && e.Key == "k" {
				if n, _ := s.PurgeExpired(); n != 0 {
					t.Fatalf("row still present, purged %d", n)
				}
				return
			}
		case <-deadline:
			t.Fatal("background purge did not run")
		}
	}
}

func TestStore_SchemaUpgrade_Good_ExistingDB(t *testing.T) {
	s, path := newFileStore(t)
	mustSet(t, s, "g", "k", "v")
	if err := s.SetWithTTL("g", "t", "v", time.Hour); err != nil {
		t.Fatal(err)
	}
	_ = s.Close()
	for range 2 {
		reopened, err := New(path)
		if err != nil {
			t.Fatal(err)
		}
		if mustGet(t, reopened, "g", "k") != "v" || mustGet(t, reopened, "g", "t") != "v" {
			t.Fatal("rows lost on reopen")
		}
		_ = reopened.Close()
	}
}
