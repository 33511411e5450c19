//go:build ort

package hfonnx

import (
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nerbench/nerbench/benchmarks"
)

var _ benchmarks.Tagger = (*Model)(nil)

// TestLoad runs the random-weight BERT fixture of the engine: any export
// folder loads with the zero Config.
func TestLoad(t *testing.T) {
	if os.Getenv("ONNXRUNTIME_SHARED_LIBRARY_PATH") == "" {
		t.Fatal("ONNXRUNTIME_SHARED_LIBRARY_PATH is unset; point it at libonnxruntime.so.1 (make setup puts it in bin/)")
	}
	m, err := Load(t.Context(), "../internal/ort/testdata/bert-random", Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	got, err := m.Tag(t.Context(), [][]string{{"Jens", "Hansen"}, {}})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || len(got[0]) != 2 || len(got[1]) != 0 {
		t.Errorf("got %v, want 2 and 0 tags", got)
	}
	if diff := cmp.Diff([]string{"LOC", "MISC", "ORG", "PER"}, m.Types()); diff != "" {
		t.Errorf("types (-want +got):\n%s", diff)
	}
	if v, err := RuntimeVersion(); err != nil || v == "" {
		t.Errorf("runtime version: got %q, %v", v, err)
	}
}
