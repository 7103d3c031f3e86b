package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// hubRequest is one request the fake Hub received.
type hubRequest struct {
	Method, Path, Authorization, ContentType string
	ContentLength                            int64
	Body                                     []byte
}

// fakeHub is a local stand-in for huggingface.co that records every request
// and answers with the status chosen per path (200 by default).
type fakeHub struct {
	mu       sync.Mutex
	requests []hubRequest
	status   map[string]int
}

func startFakeHub(t *testing.T) *fakeHub {
	t.Helper()
	hub := &fakeHub{status: map[string]int{}}
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		hub.mu.Lock()
		hub.requests = append(hub.requests, hubRequest{r.Method, r.URL.Path, r.Header.Get("Authorization"), r.Header.Get("Content-Type"), r.ContentLength, body})
		status, ok := hub.status[r.URL.Path]
		hub.mu.Unlock()
		if !ok {
			status = http.StatusOK
		}
		w.WriteHeader(status)
		if status >= 300 {
			_, _ = io.WriteString(w, "refused by fake hub\n")
		}
	}))
	previous := huggingFaceURL
	huggingFaceURL = server.URL
	t.Cleanup(func() {
		huggingFaceURL = previous
		server.Close()
	})
	return hub
}

func (h *fakeHub) recorded() []hubRequest {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]hubRequest(nil), h.requests...)
}

// publishTree makes <root>/data with the given splits (content = name) and
// optionally <root>/dataset_card.md; it returns <root>/data.
func publishTree(t *testing.T, card bool, splits ...string) string {
	t.Helper()
	root := t.TempDir()
	dir := filepath.Join(root, "data")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, split := range splits {
		if err := os.WriteFile(filepath.Join(dir, split+".parquet"), []byte("parquet:"+split), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if card {
		if err := os.WriteFile(filepath.Join(root, "dataset_card.md"), []byte("# card\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// isolateTokens hides every token source the test does not set itself.
func isolateTokens(t *testing.T) string {
	home := t.TempDir()
	t.Setenv("HF_TOKEN", "")
	t.Setenv("HOME", home)
	t.Setenv("CORE_HOME", home)
	return home
}

func TestPublish_Publish_Bad_CheckOrder(t *testing.T) {
	isolateTokens(t)
	hub := startFakeHub(t)
	dir := publishTree(t, true)
	cases := []struct {
		cfg  PublishConfig
		want string
	}{
		{PublishConfig{}, "store.Publish: input directory is required"},
		{PublishConfig{InputDir: dir}, "store.Publish: repository is required"},
		{PublishConfig{InputDir: dir, Repo: "o/n"}, "store.Publish: HuggingFace token required (--token, HF_TOKEN env, or ~/.huggingface/token)"},
		{PublishConfig{InputDir: dir, Repo: "o/n", Token: "t"}, "store.Publish: no Parquet files found in " + dir},
		{PublishConfig{InputDir: dir, Repo: "o/n", DryRun: true}, "store.Publish: no Parquet files found in " + dir},
	}
	for _, c := range cases {
		var out bytes.Buffer
		err := Publish(c.cfg, &out)
		if err == nil || err.Error() != c.want {
			t.Errorf("Publish(%+v) = %v, want %q", c.cfg, err, c.want)
		}
		if out.Len() != 0 {
			t.Errorf("printed %q before failing", out.String())
		}
	}
	if n := len(hub.recorded()); n != 0 {
		t.Fatalf("%d requests sent by failing calls", n)
	}
}

func TestPublish_Publish_Good_DryRunSendsNothing(t *testing.T) {
	isolateTokens(t)
	hub := startFakeHub(t)
	dir := publishTree(t, true, "train", "test")
	big := make([]byte, 3*1024*1024/2)
	if err := os.WriteFile(filepath.Join(dir, "train.parquet"), big, 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := Publish(PublishConfig{InputDir: dir, Repo: "lethean/lem", DryRun: true}, &out); err != nil {
		t.Fatal(err)
	}
	want := "Dry run: would publish to lethean/lem\n" +
		"  Visibility: private\n" +
		"  train.parquet -> data/train.parquet (1.5 MB)\n" +
		"  test.parquet -> data/test.parquet (0.0 MB)\n" +
		"  dataset_card.md -> README.md (0.0 MB)\n"
	if out.String() != want {
		t.Fatalf("dry run printed\n%s\nwant\n%s", out.String(), want)
	}
	out.Reset()
	if err := Publish(PublishConfig{InputDir: dir, Repo: "o/n", Public: true, DryRun: true, Token: "t"}, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "  Visibility: public\n") {
		t.Fatalf("public dry run printed %q", out.String())
	}
	if n := len(hub.recorded()); n != 0 {
		t.Fatalf("dry run sent %d requests", n)
	}
}

func TestPublish_Publish_Good_LiveFlow(t *testing.T) {
	isolateTokens(t)
	hub := startFakeHub(t)
	hub.status["/api/repos/create"] = http.StatusConflict // already exists: fine
	dir := publishTree(t, true, "train", "valid", "test")
	var out bytes.Buffer
	err := Publish(PublishConfig{InputDir: dir, Repo: "lethean/lem", Token: "secret", Context: context.Background()}, &out)
	if err != nil {
		t.Fatal(err)
	}
	requests := hub.recorded()
	wantPaths := []string{
		"POST /api/repos/create",
		"PUT /api/repos/dataset/lethean/lem/settings",
		"PUT /api/datasets/lethean/lem/upload/main/data/train.parquet",
		"PUT /api/datasets/lethean/lem/upload/main/data/valid.parquet",
		"PUT /api/datasets/lethean/lem/upload/main/data/test.parquet",
		"PUT /api/datasets/lethean/lem/upload/main/README.md",
	}
	if len(requests) != len(wantPaths) {
		t.Fatalf("got %d requests: %+v", len(requests), requests)
	}
	for i, request := range requests {
		if got := request.Method + " " + request.Path; got != wantPaths[i] {
			t.Errorf("request %d = %s, want %s", i, got, wantPaths[i])
		}
		if request.Authorization != "Bearer secret" {
			t.Errorf("request %d authorization %q", i, request.Authorization)
		}
	}
	var create map[string]any
	if err := json.Unmarshal(requests[0].Body, &create); err != nil {
		t.Fatal(err)
	}
	if create["name"] != "lem" || create["organization"] != "lethean" || create["type"] != "dataset" || create["private"] != true || len(create) != 4 {
		t.Errorf("create body %s", requests[0].Body)
	}
	if requests[0].ContentType != "application/json" || string(requests[1].Body) != `{"private":true}` {
		t.Errorf("settings request %+v", requests[1])
	}
	for _, request := range requests[2:5] {
		split := strings.TrimSuffix(filepath.Base(request.Path), ".parquet")
		if string(request.Body) != "parquet:"+split || request.ContentType != "application/octet-stream" || request.ContentLength != int64(len(request.Body)) {
			t.Errorf("upload %+v", request)
		}
	}
	if string(requests[5].Body) != "# card\n" {
		t.Errorf("card body %q", requests[5].Body)
	}
	url := huggingFaceURL + "/datasets/lethean/lem"
	want := "Publishing to " + url + "\n" +
		"  Uploaded train.parquet -> data/train.parquet\n" +
		"  Uploaded valid.parquet -> data/valid.parquet\n" +
		"  Uploaded test.parquet -> data/test.parquet\n" +
		"  Uploaded dataset_card.md -> README.md\n" +
		"\nPublished to " + url + "\n"
	if out.String() != want {
		t.Fatalf("printed\n%s\nwant\n%s", out.String(), want)
	}
}

func TestPublish_Publish_Good_PublicRepoWithoutOwner(t *testing.T) {
	isolateTokens(t)
	hub := startFakeHub(t)
	dir := publishTree(t, false, "valid")
	if err := Publish(PublishConfig{InputDir: dir, Repo: "solo", Public: true, Token: "t"}, io.Discard); err != nil {
		t.Fatal(err)
	}
	requests := hub.recorded()
	if len(requests) != 3 {
		t.Fatalf("requests %+v", requests)
	}
	var create map[string]any
	_ = json.Unmarshal(requests[0].Body, &create)
	if _, ok := create["organization"]; ok || create["name"] != "solo" || create["private"] != false {
		t.Fatalf("create body %s", requests[0].Body)
	}
}

func TestPublish_Publish_Bad_HTTPFailures(t *testing.T) {
	isolateTokens(t)
	cases := []struct {
		path, want string
		sent       int
	}{
		{"/api/repos/create", "store.Publish: ensure HuggingFace dataset: create dataset failed: HTTP 500: refused by fake hub", 1},
		{"/api/repos/dataset/o/n/settings", "store.Publish: ensure HuggingFace dataset: update dataset settings failed: HTTP 500: refused by fake hub", 2},
		{"/api/datasets/o/n/upload/main/data/train.parquet", "store.Publish: upload train.parquet: upload failed: HTTP 500: refused by fake hub", 3},
	}
	for _, c := range cases {
		hub := startFakeHub(t)
		hub.status[c.path] = http.StatusInternalServerError
		err := Publish(PublishConfig{InputDir: publishTree(t, false, "train", "test"), Repo: "o/n", Token: "t"}, io.Discard)
		if err == nil || err.Error() != c.want {
			t.Errorf("error = %v, want %q", err, c.want)
		}
		if n := len(hub.recorded()); n != c.sent {
			t.Errorf("%s: %d requests sent, want %d (stop at the first failure)", c.path, n, c.sent)
		}
	}
}

func TestPublish_Publish_Bad_CancelledContext(t *testing.T) {
	isolateTokens(t)
	startFakeHub(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := Publish(PublishConfig{InputDir: publishTree(t, false, "train"), Repo: "o/n", Token: "t", Context: ctx}, io.Discard)
	if !errors.Is(err, context.Canceled) || !strings.HasPrefix(err.Error(), "store.Publish: ensure HuggingFace dataset: ") {
		t.Fatalf("error = %v", err)
	}
}

func TestPublish_ResolveHFToken_Good_Order(t *testing.T) {
	home := isolateTokens(t)
	if got := resolveHFToken(""); got != "" {
		t.Fatalf("no source gave %q", got)
	}
	if err := os.MkdirAll(filepath.Join(home, ".huggingface"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, ".huggingface", "token"), []byte("  from-file \n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := resolveHFToken(""); got != "from-file" {
		t.Fatalf("token file gave %q", got)
	}
	t.Setenv("HF_TOKEN", "from-env")
	if got := resolveHFToken(""); got != "from-env" {
		t.Fatalf("HF_TOKEN gave %q", got)
	}
	if got := resolveHFToken("explicit"); got != "explicit" {
		t.Fatalf("explicit gave %q", got)
	}
}

func TestPublish_ResolveHFToken_Good_UserHomeFallback(t *testing.T) {
	isolateTokens(t)
	t.Setenv("CORE_HOME", t.TempDir()) // core's home has no token file
	userHome := t.TempDir()
	t.Setenv("HOME", userHome)
	if err := os.MkdirAll(filepath.Join(userHome, ".huggingface"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(userHome, ".huggingface", "token"), []byte("home-token\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := resolveHFToken(""); got != "home-token" {
		t.Fatalf("got %q", got)
	}
	var out bytes.Buffer
	if err := Publish(PublishConfig{InputDir: publishTree(t, false, "train"), Repo: "o/n", DryRun: true}, &out); err != nil {
		t.Fatal(err)
	}
}

func TestPublish_Conventions_Good_OnlyPublishUsesTheNetwork(t *testing.T) {
	sources, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, source := range sources {
		if strings.HasSuffix(source, "_test.go") || source == "publish.go" {
			continue
		}
		content, err := os.ReadFile(source)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(content, []byte(`"net"`)) || bytes.Contains(content, []byte(`"net/`)) || bytes.Contains(content, []byte(`"crypto/tls"`)) {
			t.Errorf("%s imports a network package; only publish.go may", source)
		}
	}
}
