//go:build torch

package luke

import (
	"math"
	"slices"
	"testing"
)

// TestPackedMatchesPadded checks the packed forward pass of SpanLogits
// against the padded one of training (spanLogits without a Pass), slot by
// slot, on batches that mix short and long examples in any order.
func TestPackedMatchesPadded(t *testing.T) {
	ref := readReference(t)
	m := newFixtureModel(t, "daluke-ner.tar.gz")
	meta := m.Metadata()
	meta.MaxEntities = 5 // several chunks per window, and chunks of unequal sizes
	var exs []Example
	for _, tx := range ref.Texts {
		e, err := Examples(tx.Pieces, meta, fixtureSpecial)
		if err != nil {
			t.Fatal(err)
		}
		exs = append(exs, e...)
	}
	reversed := slices.Clone(exs)
	slices.Reverse(reversed)
	tests := []struct {
		name string
		exs  []Example
	}{
		{"one example", exs[:1]},
		{"all in text order", exs},
		{"all reversed", reversed},
		{"long and short", []Example{exs[len(exs)-1], exs[0], exs[len(exs)/2]}},
	}
	linearPaths(t, m, func(t *testing.T) {
		for _, tc := range tests {
			testPackedMatchesPadded(t, m, tc.name, exs)
		}
	})
}

func testPackedMatchesPadded(t *testing.T, m *Model, name string, exs []Example) {
	t.Run(name, func(t *testing.T) {
		packed, err := m.SpanLogits(t.Context(), exs)
		if err != nil {
			t.Fatal(err)
		}
		var s scope
		defer s.free()
		logits, b, err := m.spanLogits(&s, exs, nil)
		if err != nil {
			t.Fatal(err)
		}
		flat := values(&s, logits)
		C := m.Config().Labels
		worst := 0.0
		for i, ex := range exs {
			if len(packed[i]) != len(ex.Spans) {
				t.Fatalf("example %d: got %d logit rows, want %d", i, len(packed[i]), len(ex.Spans))
			}
			for j := range ex.Spans {
				for c := range C {
					worst = math.Max(worst, math.Abs(float64(packed[i][j][c]-flat[(i*b.Le+j)*C+c])))
				}
			}
		}
		if worst > 1e-5 || math.IsNaN(worst) {
			t.Errorf("packed and padded logits differ by up to %.3g, want <= 1e-5", worst)
		}
	})
}

// TestChunkWordsDiffer is why the chunks of a window each encode its words:
// the words attend to the entity slots, so the same word pieces with other
// spans get other hidden states, and sharing them would change the results.
func TestChunkWordsDiffer(t *testing.T) {
	ref := readReference(t)
	m := newFixtureModel(t, "daluke-ner.tar.gz")
	exs, err := Examples(ref.Texts[0].Pieces, Metadata{MaxSeqLength: 512, MaxEntitySpan: 6, MaxEntities: 3}, fixtureSpecial)
	if err != nil {
		t.Fatal(err)
	}
	if len(exs) < 2 || !slices.Equal(exs[0].WordIDs, exs[1].WordIDs) {
		t.Fatalf("want two chunks of one window, got %d examples", len(exs))
	}
	hs, err := m.Hidden(t.Context(), []Input{
		{WordIDs: exs[0].WordIDs, Entities: exs[0].Entities},
		{WordIDs: exs[1].WordIDs, Entities: exs[1].Entities},
	})
	if err != nil {
		t.Fatal(err)
	}
	d := 0.0
	for i := range hs[0].Words {
		d = math.Max(d, math.Abs(float64(hs[0].Words[i]-hs[1].Words[i])))
	}
	if d < 1e-3 {
		t.Errorf("word states of two chunks differ by %.3g only; sharing them would be exact", d)
	}
	t.Logf("word states of two chunks of one window differ by up to %.3g", d)
}
