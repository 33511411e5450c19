//go:build ort

package ort_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	onnxruntime "github.com/yalue/onnxruntime_go"

	"github.com/nerbench/nerbench/adapters/internal/ort"
	"github.com/nerbench/nerbench/adapters/internal/ort/orttest"
)

// TestGraphIOMatchesRuntime checks GraphIO against the inputs and outputs
// of an ONNX Runtime session on every ONNX fixture of the repository.
func TestGraphIOMatchesRuntime(t *testing.T) {
	orttest.RequireRuntime(t)
	if _, err := ort.Init(); err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, pattern := range []string{"testdata/*/model.onnx", "../../*/testdata/*/model.onnx", "../../dacy/testdata/*/transformer/onnx/model.onnx"} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, m...)
	}
	if len(paths) < 8 {
		t.Fatalf("found %d ONNX fixtures (%v), want at least 8", len(paths), paths)
	}
	for _, path := range paths {
		t.Run(path, func(t *testing.T) {
			wantIn, wantOut, err := onnxruntime.GetInputOutputInfo(path)
			if err != nil {
				t.Fatal(err)
			}
			in, out, err := ort.GraphIO(path)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(wantIn, in); d != "" {
				t.Errorf("inputs (-runtime +GraphIO):\n%s", d)
			}
			if d := cmp.Diff(wantOut, out); d != "" {
				t.Errorf("outputs (-runtime +GraphIO):\n%s", d)
			}
		})
	}
}

// TestLoadReadsModelOnce checks that Load reads the weights once, into the
// one session it runs: a second, temporary session only to list the graph's
// inputs and outputs (onnxruntime.GetInputOutputInfo) parsed and copied every
// weight again, and its freed memory stayed in the process (in another
// malloc arena when the load ran on another thread), raising the peak
// resident memory of a base-size model by up to 0.6 GB.
func TestLoadReadsModelOnce(t *testing.T) {
	orttest.RequireRuntime(t)
	dir := "testdata/bert-random"
	if _, err := ort.Init(); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(filepath.Join(dir, ort.ModelFile))
	if err != nil {
		t.Fatal(err)
	}
	var other int64 // the folder's other files, each read at most once
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if fi, err := e.Info(); err == nil && e.Name() != ort.ModelFile {
			other += fi.Size()
		}
	}
	before := orttest.ReadBytes(t)
	m, err := ort.Load(t.Context(), dir, ort.Config{LabelMap: map[string]string{"PERSON": "PER"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	got := orttest.ReadBytes(t) - before
	t.Logf("Load read %d bytes; model.onnx has %d, the other files %d", got, st.Size(), other)
	if limit := st.Size() + 2*other + 64<<10; got > limit {
		t.Errorf("Load read %d bytes, want at most %d: model.onnx (%d bytes) once, the other files twice, 64 KiB more", got, limit, st.Size())
	}
}
