package apigen

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// The committed files must be what api.txt generates now.
func TestAPIGen_Generate_Good_CommittedFilesAreCurrent(t *testing.T) {
	dir := filepath.Join("..")
	api, err := os.ReadFile(filepath.Join(dir, "api.txt"))
	if err != nil {
		t.Fatal(err)
	}
	want, err := Generate(api)
	if err != nil {
		t.Fatal(err)
	}
	committed, _ := filepath.Glob(filepath.Join(dir, "surface_*.go"))
	var names []string
	for _, path := range committed {
		name := filepath.Base(path)
		names = append(names, name)
		content, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if generated, ok := want[name]; !ok {
			t.Errorf("%s is no longer generated; run go generate ./internal/apisurface", name)
		} else if string(generated) != string(content) {
			t.Errorf("%s is stale; run go generate ./internal/apisurface", name)
		}
	}
	for name := range want {
		if !contains(names, name) {
			t.Errorf("%s is missing; run go generate ./internal/apisurface", name)
		}
	}
}

func TestAPIGen_Generate_Bad_Input(t *testing.T) {
	for input, want := range map[string]string{
		"":                         "no sections",
		"§2 store.go\nfunc (":      "§2",
		"§x bad\n":                 "bad section line",
		"§2 store.go\nconst X int": "needs a value",
	} {
		if _, err := Generate([]byte(input)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Generate(%q) error = %v, want %q", input, err, want)
		}
	}
}

func TestAPIGen_Generate_Good_Shapes(t *testing.T) {
	files, err := Generate([]byte("§9 x.go\ntype T struct {\n\tA int\n\tB []T\n}\n// missing: later\nfunc F(t *T) error\nconst C = \"v\"\ntype F2 func(T) error\n"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	if strings.Join(names, " ") != "surface_missing.go surface_s09_x.go" {
		t.Fatalf("files %v", names)
	}
	present := string(files["surface_s09_x.go"])
	for _, want := range []string{"var _ *[]store.T = &v.B", "type apiT struct {\n\tA int\n\tB []store.T\n}", "var _ = store.T(apiT{})", `constant{"C", store.C, "v"}`, "func underlyingF2[T ~func(store.T) error]() {}"} {
		if !strings.Contains(present, want) {
			t.Errorf("present file lacks %q:\n%s", want, present)
		}
	}
	missing := string(files[MissingFile])
	if !strings.Contains(missing, "//go:build apisurface_missing") || !strings.Contains(missing, "var _ func(*store.T) error = store.F") {
		t.Errorf("missing file:\n%s", missing)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
