//go:build ort

package dacy

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The whole pipeline with the ONNX Runtime engine on the tiny packages
// against reference.py: the word pieces identical, the pooled token vectors
// within 1e-5, the actions and tags identical.
func TestPipelineORT(t *testing.T) {
	for pkg, sents := range readReference(t) {
		t.Run(pkg, func(t *testing.T) {
			m, err := Load(t.Context(), filepath.Join("testdata", pkg), Config{})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { m.Close() })
			for _, s := range sents {
				p, err := tokenize(m.tok, s.Words, m.head.settings.Window, m.head.settings.Stride, maxPieces)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(s.Pieces, p.tokens); diff != "" {
					t.Errorf("%q: pieces (-reference +go):\n%s", s.Words, diff)
					continue
				}
				vecs, err := m.vectors(t.Context(), s.Words)
				if err != nil {
					t.Fatal(err)
				}
				want := flatten(s.Vectors)
				worst := 0.0
				for i := range want {
					worst = math.Max(worst, math.Abs(float64(vecs[i]-want[i])))
				}
				if worst > 1e-5 {
					t.Errorf("%q: pooled vectors differ by %g, want ≤ 1e-5", s.Words, worst)
				}
				actions, _ := m.head.ner.decode(vecs, s.Words)
				if diff := cmp.Diff(s.Actions, names(actions)); diff != "" {
					t.Errorf("%q: actions (-reference +go):\n%s", s.Words, diff)
				}
				got, err := m.Tag(t.Context(), [][]string{s.Words})
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(s.Tags, got[0]); diff != "" {
					t.Errorf("%q: tags (-reference +go):\n%s", s.Words, diff)
				}
			}
		})
	}
}
