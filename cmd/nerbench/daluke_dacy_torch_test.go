//go:build torch

package main

import (
	"os"
	"path/filepath"
	"testing"
)

// TestDalukeCopredictionDacy runs `nerbench coprediction daluke dacy-large`
// through the CLI: DaLUKE's NER parity fixture (luke/testdata) against the
// tiny DaCy XLM-R package (adapters/dacy/testdata), on the embedded DaNE
// test split. DaCy's transformer runs on libtorch, the default engine of
// the torch build, from the package as released: its ONNX export is
// removed and no ONNX Runtime is named.
func TestDalukeCopredictionDacy(t *testing.T) {
	t.Setenv("ONNXRUNTIME_SHARED_LIBRARY_PATH", "")
	t.Setenv(dacyEngineEnv, "")
	modelsDir := dacyFlairModels(t)
	if err := os.RemoveAll(filepath.Join(modelsDir, "dacy-large", "da_dacy_large_tft-0.0.0", "transformer", "onnx")); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(modelsDir, "daluke")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"daluke-ner.tar.gz", "vocab.txt"} {
		data, err := os.ReadFile(filepath.Join("..", "..", "luke", "testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	copredictDaNETest(t, "daluke", "dacy-large", modelsDir)
}
