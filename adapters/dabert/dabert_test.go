//go:build ort

package dabert

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nerbench/nerbench/adapters/hfonnx"
	"github.com/nerbench/nerbench/adapters/internal/ort"
	"github.com/nerbench/nerbench/adapters/internal/ort/orttest"
	"github.com/nerbench/nerbench/benchmarks"
)

var _ benchmarks.Tagger = (*hfonnx.Model)(nil)

// TestLoad tags with the fixture export testdata/dabert, a table model with
// this adapter's labels written by adapters/internal/ort/testdata/generate.py:
// lexicon words get their label, every other word O.
func TestLoad(t *testing.T) {
	orttest.RequireRuntime(t)
	m, err := Load(t.Context(), "testdata/dabert", hfonnx.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	got, err := m.Tag(t.Context(), [][]string{{"jens", "hansen", "bor", "i", "Århus", "."}})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([][]string{{"B-PER", "I-PER", "O", "O", "B-LOC", "O"}}, got); diff != "" {
		t.Errorf("tags (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"LOC", "ORG", "PER"}, m.Types()); diff != "" {
		t.Errorf("types (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(Describe().Types(), m.Types()); diff != "" {
		t.Errorf("types of Describe (-want +got):\n%s", diff)
	}
	if info := m.Info(); info.Spec.Name != Name || info.Spec.ModelID != ModelID {
		t.Errorf("info: got %s %s, want %s %s", info.Spec.Name, info.Spec.ModelID, Name, ModelID)
	}
}

// TestWrongExport loads the aelaectra fixture, whose entity types differ.
func TestWrongExport(t *testing.T) {
	orttest.RequireRuntime(t)
	m, err := Load(t.Context(), "../aelaectra/testdata/aelaectra", hfonnx.Config{})
	if err == nil {
		m.Close()
		t.Fatal("got no error, want ort.ErrLabel")
	}
	if !errors.Is(err, ort.ErrLabel) {
		t.Errorf("got %v, want ort.ErrLabel", err)
	}
}
