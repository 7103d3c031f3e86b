package store

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// These tests build go-store's Quick Start (examples/go/quickstart) the way
// a user's program is built: a module outside this checkout that replaces
// dappco.re/go/store with a copy of bindings/go. Working on a copy lets the
// tests move or delete its build/ directory without touching the real one.

// quickStartOutput is what go-store's Quick Start prints.
const quickStartOutput = "blue\nmap[colour:blue]\nsmtp.example.com:587\n"

// checkout is a throwaway copy of the parts of the repository a Go build
// reads: bindings/go, include/ and (optionally) build/lib.
type checkout struct {
	root string
}

// newCheckout copies the binding and the header into a temporary
// directory, plus the named files of build/lib (hard-linked when possible:
// libstore.a is large).
func newCheckout(t *testing.T, libs ...string) checkout {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and links programs (slow)")
	}
	repo, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	c := checkout{root: filepath.Join(t.TempDir(), "store")}
	goFiles, _ := filepath.Glob(filepath.Join(repo, "bindings/go/*"))
	for _, f := range goFiles {
		// The package's own files suffice; internal/ holds tests only.
		if info, err := os.Stat(f); strings.HasSuffix(f, "_test.go") || err != nil || info.IsDir() {
			continue
		}
		copyFile(t, f, filepath.Join(c.root, "bindings/go", filepath.Base(f)), false)
	}
	copyFile(t, filepath.Join(repo, "include/store.h"), filepath.Join(c.root, "include/store.h"), false)
	for _, lib := range libs {
		src := filepath.Join(repo, "build/lib", lib)
		if _, err := os.Stat(src); err != nil {
			t.Fatalf("run `make build` first: %v", err)
		}
		copyFile(t, src, filepath.Join(c.root, "build/lib", lib), true)
	}
	return c
}

// copyFile copies src to dst (creating directories), hard-linking when
// link is set and the file system allows it.
func copyFile(t *testing.T, src, dst string, link bool) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		t.Fatal(err)
	}
	if link && os.Link(src, dst) == nil {
		return
	}
	in, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

// linkTestTags are build tags every program the tests build also needs:
// the ones this test binary was built with that choose how DuckDB links
// (link_tags_bundled_test.go).
var linkTestTags []string

// withLinkTestTags adds linkTestTags to a go build's arguments, merging
// them into an explicit -tags list when there is one.
func withLinkTestTags(args []string) []string {
	if len(linkTestTags) == 0 {
		return args
	}
	extra := strings.Join(linkTestTags, ",")
	merged := append([]string(nil), args...)
	for i, arg := range merged {
		if arg == "-tags" && i+1 < len(merged) {
			merged[i+1] += "," + extra
			return merged
		}
	}
	return append([]string{"-tags=" + extra}, merged...)
}

// buildQuickStart writes the Quick Start as a module outside the checkout
// (require + replace, as the README says), builds it with the given extra
// arguments and environment, and returns the binary's path and the build's
// output and error.
func (c checkout) buildQuickStart(t *testing.T, env []string, args ...string) (string, string, error) {
	t.Helper()
	app := filepath.Join(filepath.Dir(c.root), "app")
	copyFile(t, "../../examples/go/quickstart/main.go", filepath.Join(app, "main.go"), false)
	goMod := "module example.com/app\n\ngo 1.26\n\nrequire dappco.re/go/store v0.0.0\n\n" +
		"replace dappco.re/go/store => " + filepath.Join(c.root, "bindings/go") + "\n"
	if err := os.WriteFile(filepath.Join(app, "go.mod"), []byte(goMod), 0o644); err != nil {
		t.Fatal(err)
	}
	binary := filepath.Join(app, "quickstart")
	cmd := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), append(append([]string{"build"}, withLinkTestTags(args)...), "-o", binary, ".")...)
	cmd.Dir = app
	cmd.Env = append(os.Environ(), append([]string{"GOPROXY=off", "GOFLAGS=-mod=mod"}, env...)...)
	out, err := cmd.CombinedOutput()
	return binary, string(out), err
}

// moveBuildDir renames the checkout's build/ directory, as happens when a
// checkout is moved, cleaned or deleted.
func (c checkout) moveBuildDir(t *testing.T) {
	t.Helper()
	if err := os.Rename(filepath.Join(c.root, "build"), filepath.Join(c.root, "build.moved")); err != nil {
		t.Fatal(err)
	}
}

// runQuickStart runs the binary with no library path and returns its output.
func runQuickStart(t *testing.T, binary string) (string, error) {
	t.Helper()
	run := exec.Command(binary, filepath.Join(t.TempDir(), "app.db"))
	run.Env = []string{"PATH=/usr/bin:/bin"}
	out, err := run.CombinedOutput()
	return string(out), err
}

// needsLibstore reports whether the ELF binary lists libstore.so as NEEDED.
func needsLibstore(t *testing.T, binary string) bool {
	t.Helper()
	out, err := exec.Command("readelf", "-d", binary).CombinedOutput()
	if err != nil {
		t.Fatalf("readelf: %v\n%s", err, out)
	}
	return strings.Contains(string(out), "libstore.so")
}

// TestLink_Default_Good_SurvivesMovedCheckout: a default build links
// libstore.a, so the program still runs once build/ is gone.
func TestLink_Default_Good_SurvivesMovedCheckout(t *testing.T) {
	c := newCheckout(t, "libstore.a")
	binary, out, err := c.buildQuickStart(t, nil)
	if err != nil {
		t.Fatalf("default build failed: %v\n%s", err, out)
	}
	if needsLibstore(t, binary) {
		t.Fatal("the default build needs libstore.so; it should link libstore.a")
	}
	c.moveBuildDir(t)
	got, err := runQuickStart(t, binary)
	if err != nil || got != quickStartOutput {
		t.Fatalf("after moving build/: %v, output %q, want %q", err, got, quickStartOutput)
	}
}

// TestLink_StaticTag_Good_StillAccepted: -tags store_static, the old way to
// ask for the static build, gives the same self-contained program.
func TestLink_StaticTag_Good_StillAccepted(t *testing.T) {
	c := newCheckout(t, "libstore.a")
	binary, out, err := c.buildQuickStart(t, nil, "-tags", "store_static")
	if err != nil {
		t.Fatalf("store_static build failed: %v\n%s", err, out)
	}
	if needsLibstore(t, binary) {
		t.Fatal("-tags store_static build needs libstore.so")
	}
	if got, err := runQuickStart(t, binary); err != nil || got != quickStartOutput {
		t.Fatalf("run: %v, output %q", err, got)
	}
}

// TestLink_Shared_Good_RunsThroughRpath: -tags store_shared links
// libstore.so with an rpath into the checkout; moving build/ then stops the
// program with the loader's message naming the library (README,
// Troubleshooting).
func TestLink_Shared_Good_RunsThroughRpath(t *testing.T) {
	soname := sharedLibraryName(t)
	libs := []string{soname}
	// libstore.so finds DuckDB beside itself ($ORIGIN) in a default build.
	if _, err := os.Stat("../../build/lib/libduckdb.so"); err == nil {
		libs = append(libs, "libduckdb.so")
	}
	c := newCheckout(t, libs...)
	if err := os.Symlink(soname, filepath.Join(c.root, "build/lib/libstore.so")); err != nil {
		t.Fatal(err)
	}
	binary, out, err := c.buildQuickStart(t, nil, "-tags", "store_shared")
	if err != nil {
		t.Fatalf("store_shared build failed: %v\n%s", err, out)
	}
	if !needsLibstore(t, binary) {
		t.Fatal("-tags store_shared build does not need libstore.so")
	}
	if got, err := runQuickStart(t, binary); err != nil || got != quickStartOutput {
		t.Fatalf("run: %v, output %q", err, got)
	}
	c.moveBuildDir(t)
	got, err := runQuickStart(t, binary)
	if err == nil || !strings.Contains(got, "error while loading shared libraries: "+soname) {
		t.Fatalf("after moving build/: %v, output %q; want the loader's missing-library error", err, got)
	}
}

// sharedLibraryName is the versioned file libstore.so points at (its SONAME).
func sharedLibraryName(t *testing.T) string {
	t.Helper()
	target, err := os.Readlink("../../build/lib/libstore.so")
	if err != nil {
		t.Fatalf("run `make build` first: %v", err)
	}
	return target
}

// TestLink_Default_Bad_LibraryNotBuilt: without build/lib the default
// build fails naming the archive it needs.
func TestLink_Default_Bad_LibraryNotBuilt(t *testing.T) {
	c := newCheckout(t)
	_, out, err := c.buildQuickStart(t, nil)
	if err == nil || !strings.Contains(out, "build/lib/libstore.a") {
		t.Fatalf("build without libstore.a: %v\n%s", err, out)
	}
}

// TestLink_Shared_Bad_LibraryNotBuilt: the shared build fails with the
// linker's "cannot find -lstore" (README, Troubleshooting).
func TestLink_Shared_Bad_LibraryNotBuilt(t *testing.T) {
	c := newCheckout(t)
	_, out, err := c.buildQuickStart(t, nil, "-tags", "store_shared")
	if err == nil || !strings.Contains(out, "cannot find -lstore") {
		t.Fatalf("shared build without libstore.so: %v\n%s", err, out)
	}
}

// TestLink_NoCgo_Bad_SaysToEnableCgo: with CGO_ENABLED=0 the first error
// names what to do instead of "undefined: kvHandle".
func TestLink_NoCgo_Bad_SaysToEnableCgo(t *testing.T) {
	c := newCheckout(t)
	_, out, err := c.buildQuickStart(t, []string{"CGO_ENABLED=0"})
	if err == nil {
		t.Fatal("CGO_ENABLED=0 build succeeded")
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "undefined:") {
			if !strings.Contains(line, "undefined: store_requires_cgo_set_CGO_ENABLED_1") {
				t.Fatalf("first error is %q, want the CGO_ENABLED hint\n%s", line, out)
			}
			return
		}
	}
	t.Fatalf("no undefined-identifier error:\n%s", out)
}
