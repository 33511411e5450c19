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
// test split. DaCy's transformer runs on ONNX Runtime
// (ONNXRUNTIME_SHARED_LIBRARY_PATH, which the Makefile sets).
func TestDalukeCopredictionDacy(t *testing.T) {
	if os.Getenv("ONNXRUNTIME_SHARED_LIBRARY_PATH") == "" {
		t.Fatal("ONNXRUNTIME_SHARED_LIBRARY_PATH is unset; point it at libonnxruntime.so.1 (make setup puts it in bin/)")
	}
	modelsDir := dacyFlairModels(t)
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
