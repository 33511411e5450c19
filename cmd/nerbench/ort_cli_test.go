//go:build ort

package main

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nerbench/nerbench/internal/results"
)

// oracleDir is an export whose labels are B-/I-PERSON, ORG, LOC and MISC.
const oracleDir = "../../adapters/internal/ort/testdata/oracle-wordpiece"

func requireORT(t *testing.T) {
	t.Helper()
	if os.Getenv("ONNXRUNTIME_SHARED_LIBRARY_PATH") == "" {
		t.Fatal("ONNXRUNTIME_SHARED_LIBRARY_PATH is unset; point it at libonnxruntime.so.1 (make setup puts it in bin/)")
	}
}

// TestLabelMapFlag runs an export whose PERSON labels are not a dataset
// type through run, coprediction and errors: without --label-map each fails
// with an error naming the flag, with it each runs and the mapping is
// recorded in the result file.
func TestLabelMapFlag(t *testing.T) {
	requireORT(t)
	tests := []struct {
		name string
		args []string
	}{
		{"run", []string{"run", "-m", "dir:oracle-wordpiece"}},
		{"coprediction", []string{"coprediction", "baseline", "dir:oracle-wordpiece"}},
		{"errors", []string{"errors", "dir:oracle-wordpiece"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resultsDir := t.TempDir()
			common := append(tc.args, "-d", "dane", "--data-dir", t.TempDir(), "--results-dir", resultsDir, "--models-dir", t.TempDir(),
				"--model-dir", oracleDir, "--resamples", "20")
			var out, errb bytes.Buffer
			if code := run(t.Context(), common, strings.NewReader(""), &out, &errb); code != exitError {
				t.Fatalf("without --label-map: got exit %d, want %d; stderr:\n%s", code, exitError, errb.String())
			}
			for _, w := range []string{`"B-PERSON"`, "--label-map"} {
				if !strings.Contains(errb.String(), w) {
					t.Errorf("got stderr\n%s\nwant it to contain %q", errb.String(), w)
				}
			}
			if strings.Contains(errb.String(), "Config.LabelMap") {
				t.Errorf("got stderr\n%s\nwant the flag named, not the Go API", errb.String())
			}
			errb.Reset()
			if code := run(t.Context(), append(common, "--label-map", "PERSON=PER,MISC=O"), strings.NewReader(""), &out, &errb); code != exitOK {
				t.Fatalf("with --label-map: got exit %d; stderr:\n%s", code, errb.String())
			}
			f, err := results.Load(filepath.Join(resultsDir, "dane_test_dir-oracle-wordpiece.json"))
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(f.Model.Types, " "); got != "LOC ORG PER" {
				t.Errorf("got types %s, want LOC ORG PER (MISC mapped to O)", got)
			}
			// Another mapping: the result file must not be reused.
			errb.Reset()
			again := append(common, "--label-map", "PERSON=PER")
			if tc.name == "run" {
				again = append(again, "--resume")
			}
			if code := run(t.Context(), again, strings.NewReader(""), &out, &errb); code != exitOK {
				t.Fatalf("with another --label-map: got exit %d; stderr:\n%s", code, errb.String())
			}
			if strings.Contains(errb.String(), "reusing") && !strings.Contains(errb.String(), "not reusing") {
				t.Errorf("predictions made with another --label-map were reused:\n%s", errb.String())
			}
			if f, err = results.Load(filepath.Join(resultsDir, "dane_test_dir-oracle-wordpiece.json")); err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(f.Model.Types, " "); got != "LOC MISC ORG PER" {
				t.Errorf("after another --label-map: got types %s, want LOC MISC ORG PER", got)
			}
		})
	}
}

// TestRunLeavesNoTempFiles runs an ONNX model in a child process whose
// TMPDIR is a fresh folder, and checks that the folder is empty afterwards:
// ONNX Runtime's telemetry SDK leaves mat-debug-<pid>.log there otherwise.
func TestRunLeavesNoTempFiles(t *testing.T) {
	requireORT(t)
	if os.Getenv("NERBENCH_TEST_CHILD") == "1" {
		args := strings.Split(os.Getenv("NERBENCH_TEST_ARGS"), "\x1f")
		os.Exit(run(t.Context(), args, strings.NewReader(""), os.Stdout, os.Stderr))
	}
	tmp := t.TempDir()
	args := []string{"run", "-d", "dane", "-m", "dir:dabert", "--model-dir", "../../adapters/dabert/testdata/dabert",
		"--data-dir", t.TempDir(), "--results-dir", t.TempDir(), "--models-dir", t.TempDir(), "--resamples", "20"}
	cmd := exec.Command(os.Args[0], "-test.run=^TestRunLeavesNoTempFiles$")
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp, "NERBENCH_TEST_CHILD=1", "NERBENCH_TEST_ARGS="+strings.Join(args, "\x1f"))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	entries, err := os.ReadDir(tmp)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Errorf("the run left %s in TMPDIR", e.Name())
	}
}

// TestDeviceCUDAFallback asks for CUDA in a child process (ONNX Runtime's
// own log goes to the process's stderr) and checks that a missing CUDA
// provider gives one clean line per model and no raw ONNX Runtime log line,
// and that the baseline says it ignores the device. With a CUDA build
// (NERBENCH_DEVICE=cuda) the export must run on CUDA without such a line.
func TestDeviceCUDAFallback(t *testing.T) {
	requireORT(t)
	if os.Getenv("NERBENCH_TEST_CHILD") == "cuda" {
		args := []string{"run", "-d", "dane", "-m", "dir:dabert,baseline", "--model-dir", "../../adapters/dabert/testdata/dabert",
			"--device", "cuda", "--data-dir", os.Getenv("NERBENCH_TEST_DIR"), "--results-dir", os.Getenv("NERBENCH_TEST_DIR"), "--resamples", "20"}
		os.Exit(run(t.Context(), args, strings.NewReader(""), io.Discard, os.Stderr))
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestDeviceCUDAFallback$")
	cmd.Env = append(os.Environ(), "NERBENCH_TEST_CHILD=cuda", "NERBENCH_TEST_DIR="+t.TempDir())
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	var cuda []string
	for _, line := range strings.Split(string(out), "\n") {
		if strings.Contains(line, "CUDA unavailable") || strings.Contains(line, "--device cuda") || strings.Contains(line, "cuda.so") {
			cuda = append(cuda, line)
		}
	}
	want := 2 // the export's fallback and the baseline's note
	if os.Getenv("NERBENCH_DEVICE") == "cuda" {
		want = 1
	}
	if len(cuda) != want {
		t.Errorf("got %d lines about CUDA, want %d:\n%s", len(cuda), want, strings.Join(cuda, "\n"))
	}
	if !strings.Contains(string(out), "baseline: runs on the CPU only; --device cuda does not apply to it") {
		t.Errorf("got\n%s\nwant the baseline's note", out)
	}
	for _, bad := range []string{"onnxruntime_src", "[E:onnxruntime", "\x1b["} {
		if strings.Contains(string(out), bad) {
			t.Errorf("got a raw ONNX Runtime log line (%q):\n%s", bad, out)
		}
	}
}
