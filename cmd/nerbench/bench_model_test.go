package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBenchModelFlair times the Flair fixture through `nerbench bench
// --model flair` on the first DaNE test sentences.
func TestBenchModelFlair(t *testing.T) {
	modelsDir := t.TempDir()
	data, err := os.ReadFile(filepath.Join("..", "..", "adapters", "flair", "testdata", "random.zip.pt"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(modelsDir, "flair"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(modelsDir, "flair", "flair.ner.pt"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	args := []string{"bench", "--model", "flair", "--models-dir", modelsDir, "--data-dir", t.TempDir(),
		"--sentences", "50", "--repeat", "2", "--warmup", "1", "--output", "json"}
	if code := run(t.Context(), args, strings.NewReader(""), &out, &errb); code != exitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var rep benchModelReport
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Model != "flair" || rep.Sentences != 50 || len(rep.Runs) != 2 || rep.SentencesPerSec <= 0 || rep.Words == 0 {
		t.Errorf("got %+v, want 2 runs of flair over 50 sentences", rep)
	}
	code := run(t.Context(), []string{"bench", "--model", "flair", "--model-dir", "x"}, strings.NewReader(""), &out, &errb)
	if code != exitUsage {
		t.Errorf("--model with --model-dir: exit %d, want %d", code, exitUsage)
	}
}
