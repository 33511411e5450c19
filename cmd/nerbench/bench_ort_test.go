//go:build ort

package main

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// TestBenchRandomBERT runs the bench command on the engine's random-weight
// BERT fixture with the embedded DaNE test split.
func TestBenchRandomBERT(t *testing.T) {
	if os.Getenv("ONNXRUNTIME_SHARED_LIBRARY_PATH") == "" {
		t.Fatal("ONNXRUNTIME_SHARED_LIBRARY_PATH is unset; point it at libonnxruntime.so.1 (make setup puts it in bin/)")
	}
	t.Setenv("NERBENCH_DATA", "")
	var out, errb bytes.Buffer
	args := []string{"bench", "--model-dir", "../../adapters/internal/ort/testdata/bert-random", "--data-dir", t.TempDir(),
		"--sentences", "40", "--repeat", "2", "--threads", "1", "--batch-size", "8", "--output", "json"}
	if code := run(t.Context(), args, strings.NewReader(""), &out, &errb); code != exitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if !strings.Contains(errb.String(), "embedded DaNE test split") {
		t.Errorf("stderr %q does not say the embedded split is used", errb.String())
	}
	var rep benchReport
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("%v in %s", err, out.String())
	}
	if rep.Sentences != 40 || len(rep.Runs) != 2 || rep.BatchSize != 8 || rep.Threads != 1 || rep.Device != "cpu" {
		t.Errorf("report %+v: want 40 sentences, 2 runs, batch 8, 1 thread, cpu", rep)
	}
	if rep.Ratio <= 0 || rep.CPURatio <= 0 || rep.SentencesPerSec <= 0 || rep.WordsPerSec <= rep.SentencesPerSec || rep.PeakRSSKiB <= 0 || rep.LoadSeconds <= 0 {
		t.Errorf("report %+v: want positive ratio, speeds, RSS and load time", rep)
	}
	// 40 sentences make one group of at most 64 (8 × batch size), so the
	// windows fill ceil(windows / 8) batches.
	for _, r := range rep.Runs {
		if want := (rep.Windows + 7) / 8; r.Batches != want || rep.Windows < 40 {
			t.Errorf("run %d: %d batches of %d windows, want %d", r.Run, r.Batches, rep.Windows, want)
		}
	}

	out.Reset()
	args = append(args[:len(args)-2], "--output", "text")
	if code := run(t.Context(), args, strings.NewReader(""), &out, &errb); code != exitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, want := range []string{"overhead ratio", "CPU ratio", "sentences/s", "peak RSS", "model load", "protocol", "intra-op threads 1"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("text output lacks %q:\n%s", want, out.String())
		}
	}
	if rep.Schema != "nerbench.bench/v1" {
		t.Errorf("got schema %q, want nerbench.bench/v1", rep.Schema)
	}

	// CSV output is a table; the notes go to standard error.
	out.Reset()
	errb.Reset()
	args = append(args[:len(args)-2], "--output", "csv")
	if code := run(t.Context(), args, strings.NewReader(""), &out, &errb); code != exitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	checkCSVTable(t, out.String())
	if !strings.Contains(errb.String(), "overhead ratio") {
		t.Errorf("stderr lacks the notes:\n%s", errb.String())
	}
}
