//go:build ort

package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nerbench/nerbench/internal/results"
)

// TestRunModelDir runs an ONNX export folder given with --model-dir end to
// end on the embedded DaNE test split, next to the baseline.
func TestRunModelDir(t *testing.T) {
	if os.Getenv("ONNXRUNTIME_SHARED_LIBRARY_PATH") == "" {
		t.Fatal("ONNXRUNTIME_SHARED_LIBRARY_PATH is unset; point it at libonnxruntime.so.1 (make setup puts it in bin/)")
	}
	resultsDir := t.TempDir()
	var out, errb bytes.Buffer
	args := []string{"run", "--dataset", "dane", "--data-dir", t.TempDir(), "--results-dir", resultsDir,
		"--model", "baseline,dir:dabert", "--model-dir", "../../adapters/dabert/testdata/dabert", "--resamples", "100"}
	if code := run(t.Context(), args, strings.NewReader(""), &out, &errb); code != exitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, want := range []string{"baseline", "dir:dabert", "dir:dabert: the model predicts no MISC"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("got\n%s\nwant it to contain %q", out.String(), want)
		}
	}
	f, err := results.Load(filepath.Join(resultsDir, "dane_test_dir-dabert.json"))
	if err != nil {
		t.Fatal(err)
	}
	if f.Main != results.MainMISCOff || f.MISCOn != nil || len(f.Predictions) != 565 || f.MISCOff.Micro.Gold != 437 {
		t.Errorf("got main %s, %d predictions, gold %d; want misc_off, 565, 437", f.Main, len(f.Predictions), f.MISCOff.Micro.Gold)
	}
	if f.Model.Hash == "" || f.Model.Config == nil {
		t.Errorf("got model hash %q and config %v, want both recorded", f.Model.Hash, f.Model.Config)
	}
}
