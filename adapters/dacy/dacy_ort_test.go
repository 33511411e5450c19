//go:build ort

package dacy

import (
	"io/fs"
	"path/filepath"
	"testing"

	"github.com/nerbench/nerbench/adapters/internal/ort"
	"github.com/nerbench/nerbench/adapters/internal/ort/orttest"
)

// The whole pipeline with the ONNX Runtime engine on the tiny packages
// against reference.py (see checkPipeline).
func TestPipelineORT(t *testing.T) {
	checkPipeline(t, Config{Engine: EngineORT})
}

// TestORTLoadReadsModelOnce checks that Load with the ONNX Runtime engine
// reads model.onnx once, into the session it runs. Listing the graph's
// inputs and outputs with onnxruntime.GetInputOutputInfo built a whole
// second session first (every weight read, parsed, optimised and prepacked
// again), which took a third of the load's CPU time and left DaCy medium's
// peak resident memory between 0.7 and 1.3 GB, depending on which threads
// the two loads ran on.
func TestORTLoadReadsModelOnce(t *testing.T) {
	orttest.RequireRuntime(t)
	dir := filepath.Join("testdata", "tiny-bert")
	if _, err := ort.Init(); err != nil {
		t.Fatal(err)
	}
	onnxPath := filepath.Join(dir, "transformer", "onnx", ONNXFile)
	var onnxSize, other int64
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		fi, err := d.Info()
		switch {
		case err != nil:
			return err
		case path == onnxPath:
			onnxSize = fi.Size()
		case d.Name() != "pytorch_model.bin": // the torch engine's weights
			other += fi.Size()
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	before := orttest.ReadBytes(t)
	m, err := Load(t.Context(), dir, Config{Engine: EngineORT})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	got := orttest.ReadBytes(t) - before
	t.Logf("Load read %d bytes; %s has %d, the package's other files %d", got, onnxPath, onnxSize, other)
	if limit := onnxSize + other + 64<<10; got > limit {
		t.Errorf("Load read %d bytes, want at most %d: %s (%d bytes) once, the other files once, 64 KiB more", got, limit, onnxPath, onnxSize)
	}
}
