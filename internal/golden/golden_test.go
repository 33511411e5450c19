package golden

import (
	"os"
	"path/filepath"
	"testing"
)

// recorder captures failures so that Check's failure path can be tested.
type recorder struct {
	testing.TB
	failed bool
	msg    string
}

func (r *recorder) Helper()                   {}
func (r *recorder) Errorf(string, ...any)     { r.failed = true }
func (r *recorder) Fatalf(f string, a ...any) { r.failed = true }
func (r *recorder) Logf(string, ...any)       {}

func TestCheck(t *testing.T) {
	if Updating() {
		t.Skip("the golden package's own test does not run under -update")
	}
	path := filepath.Join(t.TempDir(), "out.golden")
	if err := os.WriteFile(path, []byte("a\nb\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		got      string
		wantFail bool
	}{
		{"equal", "a\nb\n", false},
		{"differs", "a\nc\n", true},
		{"trailing newline", "a\nb", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := &recorder{TB: t}
			Check(r, path, []byte(tc.got))
			if r.failed != tc.wantFail {
				t.Errorf("got failed=%v, want %v", r.failed, tc.wantFail)
			}
		})
	}
	r := &recorder{TB: t}
	Check(r, filepath.Join(t.TempDir(), "missing.golden"), []byte("x"))
	if !r.failed {
		t.Error("got no failure for a missing golden file, want one")
	}
}
