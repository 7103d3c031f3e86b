package store

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// quickStartOutput is what go-store's Quick Start prints.
const quickStartOutput = "blue\nmap[colour:blue]\nsmtp.example.com:587\n"

// TestStatic_QuickStart_Good_SelfContainedBinary builds the Quick Start
// with -tags store_static and checks the binary runs without libstore.so.
func TestStatic_QuickStart_Good_SelfContainedBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("links libstore.a (slow)")
	}
	archive, err := filepath.Abs("../../build/lib/libstore.a")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(archive); err != nil {
		t.Fatalf("run `make build` first: %v", err)
	}
	dir := t.TempDir()
	binary := filepath.Join(dir, "quickstart")
	build := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "build", "-tags", "store_static", "-o", binary, ".")
	build.Dir = "../../examples/go/quickstart"
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("static build failed: %v\n%s", err, out)
	}

	ldd, err := exec.Command("ldd", binary).CombinedOutput()
	if err != nil && !strings.Contains(string(ldd), "not a dynamic executable") {
		t.Fatalf("ldd: %v\n%s", err, ldd)
	}
	if strings.Contains(string(ldd), "libstore") {
		t.Fatalf("static binary still needs libstore:\n%s", ldd)
	}

	// Run with no library path and the build directory out of reach.
	run := exec.Command(binary, filepath.Join(dir, "app.db"))
	run.Env = []string{"PATH=/usr/bin:/bin"}
	out, err := run.CombinedOutput()
	if err != nil {
		t.Fatalf("static quickstart failed: %v\n%s", err, out)
	}
	if string(out) != quickStartOutput {
		t.Fatalf("output %q, want %q", out, quickStartOutput)
	}
}
