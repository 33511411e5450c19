package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// dacyFlairModels builds a models folder with the tiny DaCy XLM-R package
// as dacy-large (nested as an unzipped release archive is) and the random
// Flair fixture as flair/flair.ner.pt.
func dacyFlairModels(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	copyTree(t, filepath.Join("..", "..", "adapters", "dacy", "testdata", "tiny-xlmr"),
		filepath.Join(dir, "dacy-large", "da_dacy_large_tft-0.0.0"))
	data, err := os.ReadFile(filepath.Join("..", "..", "adapters", "flair", "testdata", "random.legacy.pt"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "flair"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "flair", "flair.ner.pt"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// copyTree copies the folder src to dst.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// copredictDaNETest runs `nerbench coprediction a b` on the embedded DaNE
// test split with the models in modelsDir and checks that every word of it
// was compared.
func copredictDaNETest(t *testing.T, a, b, modelsDir string) {
	t.Helper()
	var out, errb bytes.Buffer
	args := []string{"coprediction", a, b, "--models-dir", modelsDir, "--data-dir", t.TempDir(),
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
