//go:build torch

package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
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
	var out, errb bytes.Buffer
	args := []string{"coprediction", "daluke", "dacy-large", "--models-dir", modelsDir, "--data-dir", t.TempDir(),
		"--results-dir", t.TempDir(), "--resamples", "50", "--output", "json"}
	if code := run(t.Context(), args, strings.NewReader(""), &out, &errb); code != exitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var d CopredictionJSON
	if err := json.Unmarshal(out.Bytes(), &d); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if d.WordAgreement.Total != 10023 {
		t.Errorf("got %d words compared, want DaNE test's 10023", d.WordAgreement.Total)
	}
}
