// Package orttest holds the checks that the tests of every ONNX adapter
// (dabert, mbert, aelaectra) share.
package orttest

import (
	"bytes"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/nerbench/nerbench/adapters/internal/ort"
)

// RequireRuntime fails the test when ONNXRUNTIME_SHARED_LIBRARY_PATH is
// unset: tests built with the ort tag must run against the real library.
func RequireRuntime(t testing.TB) {
	t.Helper()
	if os.Getenv(ort.LibraryEnv) == "" {
		t.Fatalf("%s is unset; point it at libonnxruntime.so.1 (make setup puts it in bin/; make test sets the variable)", ort.LibraryEnv)
	}
}

// Adapter is what an adapter package declares about its model.
type Adapter struct {
	Describe     func() ort.Spec
	Name         string
	ModelID      string
	PredictsMISC bool
	Cased        bool
}

// CheckDescribe checks that a.Describe agrees with the adapter's constants,
// that its export command is an optimum-cli token-classification export
// into a folder named after the adapter, that its types include MISC exactly
// when the model predicts MISC, and that callers cannot change its labels.
func CheckDescribe(t *testing.T, a Adapter) {
	t.Helper()
	d := a.Describe()
	if d.Name != a.Name || d.ModelID != a.ModelID || d.PredictsMISC != a.PredictsMISC || d.Cased != a.Cased {
		t.Errorf("got %+v, want name %s, id %s, MISC %v, cased %v", d, a.Name, a.ModelID, a.PredictsMISC, a.Cased)
	}
	if !strings.HasPrefix(d.Export, "optimum-cli export onnx --task token-classification ") || !strings.HasSuffix(d.Export, " "+a.Name) {
		t.Errorf("export command %q: want optimum-cli ... %s", d.Export, a.Name)
	}
	if got := slices.Contains(d.Types(), "MISC"); got != a.PredictsMISC {
		t.Errorf("types %v: MISC present %v, want %v", d.Types(), got, a.PredictsMISC)
	}
	d.Labels[0] = "changed"
	if a.Describe().Labels[0] == "changed" {
		t.Error("Describe shares its labels with callers")
	}
}

// ReadBytes returns how many bytes this process has read from files so far:
// rchar of /proc/self/io, which counts every read and pread, whether the
// page cache served it or not. It skips the test where /proc/self/io does
// not exist (outside Linux).
func ReadBytes(t testing.TB) int64 {
	t.Helper()
	data, err := os.ReadFile("/proc/self/io")
	if err != nil {
		t.Skipf("no read count on this system: %v", err)
	}
	for line := range bytes.Lines(data) {
		if v, ok := bytes.CutPrefix(line, []byte("rchar: ")); ok {
			n, err := strconv.ParseInt(string(bytes.TrimSpace(v)), 10, 64)
			if err != nil {
				t.Fatalf("/proc/self/io: %v", err)
			}
			return n
		}
	}
	t.Fatalf("/proc/self/io has no rchar line: %q", data)
	return 0
}
