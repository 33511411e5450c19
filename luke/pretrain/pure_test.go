package pretrain

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nerbench/nerbench/luke"
	"github.com/nerbench/nerbench/luke/corpus"
)

// The counts are worked by hand from spec §3.3: k = int(round(n*0.15)) or 1
// with Python's banker's rounding.
func TestMaskCount(t *testing.T) {
	tests := []struct{ n, want int }{
		{0, 0}, {1, 1}, {3, 1}, // round(0.45) = 0 -> 1
		{10, 2},   // 1.5 rounds to the even 2
		{30, 4},   // 4.5 rounds to the even 4
		{50, 8},   // 7.5 rounds to the even 8
		{17, 3},   // 2.55 -> 3
		{128, 19}, // 19.2 -> 19
	}
	for _, tc := range tests {
		if got := MaskCount(tc.n, 0.15); got != tc.want {
			t.Errorf("MaskCount(%d, 0.15) = %d, want %d", tc.n, got, tc.want)
		}
	}
}

func example(nWords, nEnts int) *corpus.Example {
	ex := &corpus.Example{}
	for i := range nWords {
		ex.WordIDs = append(ex.WordIDs, 10+i)
		ex.WordSpans = append(ex.WordSpans, [2]int{i, i + 1})
	}
	// one two-piece word at the end
	ex.WordIDs = append(ex.WordIDs, 99)
	ex.WordSpans[nWords-1][1]++
	for i := range nEnts {
		ex.EntityIDs = append(ex.EntityIDs, 3+i)
		ex.EntitySpans = append(ex.EntitySpans, [2]int{i, i + 1})
	}
	return ex
}

func TestMask(t *testing.T) {
	c := DefaultMaskConfig(2, 3, 4, 100)
	ex := example(20, 10)
	counts := map[string]int{}
	for seed := range uint64(2000) {
		m, err := Mask(ex, rand.New(rand.NewChaCha8([32]byte{byte(seed), byte(seed >> 8)})), c)
		if err != nil {
			t.Fatal(err)
		}
		ids := m.Input.WordIDs
		if ids[0] != 2 || ids[len(ids)-1] != 3 || len(ids) != len(ex.WordIDs)+2 {
			t.Fatalf("words %v lack [CLS]/[SEP]", ids)
		}
		// 20 spans: round(3.0) = 3 spans; the last has two pieces.
		spans := 0
		for _, p := range m.WordPos {
			if p != 21 {
				spans++
			}
		}
		if len(m.WordPos) < 3 || spans != 3 && spans != 2 || len(m.WordLabels) != len(m.WordPos) {
			t.Fatalf("masked %v, want 3 whole words", m.WordPos)
		}
		if slices.Contains(m.WordPos, 20) != slices.Contains(m.WordPos, 21) {
			t.Fatalf("masked %v: the two-piece word at 20-21 only in part", m.WordPos)
		}
		for i, p := range m.WordPos {
			if m.WordLabels[i] != int64(ex.WordIDs[p-1]) {
				t.Fatalf("label %d at %d, want %d", m.WordLabels[i], p, ex.WordIDs[p-1])
			}
			switch id := ids[p]; {
			case id == 4:
				counts["mask"]++
			case id == m.WordLabels[i]:
				counts["kept"]++
			case id > 4 && id < 100:
				counts["random"]++
			default:
				t.Fatalf("id %d at %d", id, p)
			}
		}
		// 10 entities: round(1.5) = 2.
		if len(m.EntityPos) != 2 {
			t.Fatalf("masked entities %v, want 2", m.EntityPos)
		}
		for i, p := range m.EntityPos {
			e := m.Input.Entities[p]
			if e.ID != 2 || m.EntityLabels[i] != int64(ex.EntityIDs[p]) || e.Start != p+1 || e.End != p+2 {
				t.Fatalf("entity slot %d: %+v, label %d", p, e, m.EntityLabels[i])
			}
		}
	}
	total := counts["mask"] + counts["kept"] + counts["random"]
	// 80/10/10 per word; a random piece can equal the original (1 in 95).
	for k, want := range map[string]float64{"mask": 0.8, "kept": 0.1, "random": 0.1} {
		if got := float64(counts[k]) / float64(total); got < want-0.03 || got > want+0.03 {
			t.Errorf("%s share %.3f, want %.2f ± 0.03", k, got, want)
		}
	}
}

func TestMaskDeterministic(t *testing.T) {
	c := DefaultMaskConfig(2, 3, 4, 100)
	ex := example(30, 5)
	a, _ := Mask(ex, rand.New(rand.NewChaCha8([32]byte{7})), c)
	b, _ := Mask(ex, rand.New(rand.NewChaCha8([32]byte{7})), c)
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("same seed, different masks (-a +b):\n%s", diff)
	}
	if _, err := Mask(&corpus.Example{WordIDs: []int{100}}, rand.New(rand.NewChaCha8([32]byte{})), c); err == nil {
		t.Error("a word id outside the vocabulary: got no error")
	}
}

func TestRank(t *testing.T) {
	scores := []float32{0.1, 0.5, 0.5, 0.2, 0.9}
	tests := []struct{ label, want int }{{4, 0}, {1, 1}, {2, 2}, {3, 3}, {0, 4}}
	for _, tc := range tests {
		if got := Rank(scores, tc.label); got != tc.want {
			t.Errorf("Rank(%v, %d) = %d, want %d", scores, tc.label, got, tc.want)
		}
	}
	if diff := cmp.Diff([]int{1, 2, 2, 2, 2, 2}, TopK(append(slices.Clone(scores), scores...), 5, []int64{4, 2})); diff != "" {
		t.Errorf("TopK (-want +got):\n%s", diff)
	}
}

func tinyConfig(ne int) luke.Config {
	return luke.Config{Kind: luke.KindPretrained, VocabSize: 50, Hidden: 8, Layers: 2, Heads: 2, Intermediate: 16,
		MaxPositions: 32, EntitySize: 4, EntityVocabSize: ne}
}

func TestApplyBERT(t *testing.T) {
	cfg := tinyConfig(7)
	w := LukeInit(cfg, rand.New(rand.NewChaCha8([32]byte{1})))
	if _, err := luke.NewCheckpoint(luke.Metadata{MaxSeqLength: 32, MaxEntities: 4, MaxEntitySpan: 4, NumAttentionHeads: 2}, map[string]int{"a": 0, "b": 1, "c": 2, "d": 3, "e": 4, "f": 5, "g": 6}, w); err != nil {
		t.Fatalf("LukeInit does not give a valid checkpoint: %v", err)
	}
	if &w[Tied[0][0]].F32[0] != &w[Tied[0][1]].F32[0] {
		t.Error("ent_embeds and decode.weight are not tied")
	}
	// A BERT state dict of the same sizes, every value distinct.
	bert := map[string]*luke.Tensor{}
	for _, k := range []string{"bert.embeddings.word_embeddings.weight", "bert.encoder.layer.0.attention.self.query.weight",
		"bert.encoder.layer.0.attention.self.query.bias", "bert.encoder.layer.1.attention.self.query.weight",
		"bert.encoder.layer.1.attention.self.query.bias", "bert.pooler.dense.weight", "cls.predictions.bias"} {
		name := luke.BERTKey(k)
		sh := []int{3}
		if d, ok := w[name]; ok {
			sh = d.Shape
		}
		tt := &luke.Tensor{Shape: sh}
		tt.F32 = make([]float32, tt.Len())
		for i := range tt.F32 {
			tt.F32[i] = float32(i) + 0.5
		}
		bert[k] = tt
	}
	loaded, err := ApplyBERT(w, bert, cfg.Layers)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"encoder.0.attention.Q_w.bias", "encoder.0.attention.Q_w.weight", "encoder.1.attention.Q_w.bias",
		"encoder.1.attention.Q_w.weight", "mask_word_scorer.bias", "mask_word_scorer.decoder.bias", "word_embeddings.word_embeddings.weight"}
	if diff := cmp.Diff(want, loaded); diff != "" {
		t.Errorf("loaded (-want +got):\n%s", diff)
	}
	for _, q := range []string{"Q_e", "Q_w2e", "Q_e2w"} {
		if diff := cmp.Diff(w["encoder.1.attention.Q_w.weight"].F32, w["encoder.1.attention."+q+".weight"].F32); diff != "" {
			t.Errorf("%s is no copy of Q_w", q)
		}
	}
	if w["mask_word_scorer.decoder.bias"].F32[2] != 2.5 {
		t.Error("the tied decoder bias did not follow cls.predictions.bias")
	}
	bert["bert.embeddings.word_embeddings.weight"].Shape = []int{5, 8}
	if _, err := ApplyBERT(w, bert, cfg.Layers); err == nil {
		t.Error("a wrong shape: got no error")
	}
}
