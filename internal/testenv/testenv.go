// Package testenv gives tests the location of the real benchmark corpora.
//
// Full-corpus tests read the folder named by NERBENCH_DATA (the Makefile
// points it at ../shared/data). When it is unset such tests skip, except
// under CI=true, where they fail: CI must never pass by skipping.
package testenv

import (
	"os"
	"path/filepath"
	"testing"
)

// DataDir returns the data folder from NERBENCH_DATA, joined with the
// optional elements, and checks that it exists. It skips the test when the
// variable is unset, and fails it instead when CI=true.
func DataDir(t testing.TB, elem ...string) string {
	t.Helper()
	root := os.Getenv("NERBENCH_DATA")
	if root == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("NERBENCH_DATA is unset; CI must run the full-corpus tests")
		}
		t.Skip("NERBENCH_DATA is unset; skipping full-corpus test")
	}
	dir := filepath.Join(append([]string{root}, elem...)...)
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("NERBENCH_DATA: %v", err)
	}
	return dir
}
