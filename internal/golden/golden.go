// Package golden compares test output with golden files.
//
// Check registers the -update flag in the test binary of every package that
// imports this one. With -update it rewrites the golden file and logs
// "updated <path>"; otherwise a mismatch fails the test with a line diff.
// `make golden` runs -update on exactly the packages that import golden.
package golden

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite golden files instead of comparing with them")

// Updating reports whether the test binary runs with -update.
func Updating() bool { return *update }

// Check compares got with the content of the golden file at path. Golden
// files hold LF line endings; got must too.
func Check(t testing.TB, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("updated %s", path)
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file: %v (run `make golden` to create it)", err)
	}
	if bytes.Equal(got, want) {
		return
	}
	diff := cmp.Diff(strings.Split(string(want), "\n"), strings.Split(string(got), "\n"))
	t.Errorf("%s differs from the output (-golden +got):\n%s\nIf the change is intended, run `make golden` and review the diff.", path, diff)
}
