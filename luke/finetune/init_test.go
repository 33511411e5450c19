package finetune

import (
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nerbench/nerbench/luke"
)

func TestMutateForNER(t *testing.T) {
	pre, err := luke.ReadArchive(filepath.Join("..", "testdata", "daluke.tar.gz"))
	if err != nil {
		t.Fatal(err)
	}
	// The reference fixture's NER archive was made from the same encoder by
	// the reference's mutate_for_ner (luke/testdata/reference.py).
	ner, err := luke.ReadArchive(filepath.Join("..", "testdata", "daluke-ner.tar.gz"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []luke.Features{luke.AllFeatures, luke.WordsOnly, luke.EntitiesOnly} {
		t.Run(f.String(), func(t *testing.T) {
			ck, err := MutateForNER(pre, 5, f, 7)
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range ck.Tensors {
				if strings.HasPrefix(k, "classifier.") {
					bound := 1 / math.Sqrt(float64(f.Width()*pre.Config.Hidden))
					for _, x := range v.F32 {
						if math.Abs(float64(x)) > bound {
							t.Fatalf("%s: %v outside ±%v", k, x, bound)
						}
					}
					continue
				}
				if diff := cmp.Diff(ner.Tensors[k], v); diff != "" {
					t.Errorf("%s differs from the reference's mutated model (-want +got):\n%.500s", k, diff)
				}
			}
			if ck.Config.Features != f || ck.Metadata.Raw["output-size"] != 5 {
				t.Errorf("got features %v and output-size %v, want %v and 5", ck.Config.Features, ck.Metadata.Raw["output-size"], f)
			}
			again, _ := MutateForNER(pre, 5, f, 7)
			other, _ := MutateForNER(pre, 5, f, 8)
			if !cmp.Equal(ck.Tensors["classifier.weight"], again.Tensors["classifier.weight"]) ||
				cmp.Equal(ck.Tensors["classifier.weight"], other.Tensors["classifier.weight"]) {
				t.Error("the classifier is not a function of the seed")
			}
		})
	}
	if _, err := MutateForNER(ner, 5, luke.AllFeatures, 1); err == nil {
		t.Error("mutating a NER checkpoint: got no error")
	}
}

func TestRandomInit(t *testing.T) {
	meta := luke.Metadata{MaxSeqLength: 32, MaxEntities: 16, MaxEntitySpan: 6}
	sz := Sizes{VocabSize: 40, Hidden: 16, Layers: 2, Heads: 2, Intermediate: 32, MaxPositions: 32, EntitySize: 8}
	ck, err := RandomInit(sz, meta, 5, luke.AllFeatures, 3)
	if err != nil {
		t.Fatal(err)
	}
	words := ck.Tensors["word_embeddings.word_embeddings.weight"].F32
	if !cmp.Equal(words[:16], make([]float32, 16)) || words[16] == 0 {
		t.Error("want a zero padding row 0 and a random row 1 in the word table")
	}
	if ck.Tensors["encoder.1.output.LayerNorm.weight"].F32[3] != 1 || ck.Tensors["encoder.1.output.dense.bias"].F32[3] != 0 {
		t.Error("want layer norm weights 1 and biases 0")
	}
	var sum, sq float64
	w := ck.Tensors["encoder.0.attention.Q_w.weight"].F32
	for _, v := range w {
		sum += float64(v)
		sq += float64(v) * float64(v)
	}
	if sd := math.Sqrt(sq / float64(len(w))); math.Abs(sd-0.02) > 0.005 {
		t.Errorf("got standard deviation %.4f, want about 0.02", sd)
	}
	if ck.Metadata.NumAttentionHeads != 2 || ck.Config.Kind != luke.KindNER {
		t.Errorf("got %d heads and kind %v", ck.Metadata.NumAttentionHeads, ck.Config.Kind)
	}
	if _, err := RandomInit(Sizes{VocabSize: 40, Hidden: 16, Layers: 1, Heads: 3, Intermediate: 8, MaxPositions: 32, EntitySize: 4},
		meta, 5, luke.AllFeatures, 1); err == nil || !strings.Contains(err.Error(), "heads") {
		t.Errorf("3 heads of hidden 16: got %v, want an error", err)
	}
}

func TestItemsErrors(t *testing.T) {
	meta := luke.Metadata{MaxSeqLength: 32, MaxEntities: 4, MaxEntitySpan: 2}
	sp := luke.SpecialIDs{CLS: 2, SEP: 3}
	pieces := [][]int64{{5}, {6, 7}, {8}, {9}}
	items, err := Items([]Sentence{{ID: "s1", Pieces: pieces, Tags: []string{"B-ORG", "I-ORG", "I-ORG", "O"}}}, meta, sp, luke.Labels)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	var n int
	for _, it := range items {
		n += len(it.Spans)
		for k, s := range it.Spans {
			if s == (luke.Span{Start: 0, End: 3}) {
				found = it.Labels[k] == 3 // ORG
			}
		}
	}
	// Candidates of at most 2 pieces: [0,1) [1,2) [2,3) [2,4) [3,4); plus the gold [0,3).
	if !found || n != 6 || len(items) != 2 {
		t.Errorf("got %d spans in %d examples, gold span found %v; want 6 in 2 and the gold span labelled ORG", n, len(items), found)
	}
	_, err = Items([]Sentence{{ID: "s9", Pieces: pieces, Tags: []string{"B-PERSON", "O", "O", "O"}}}, meta, sp, luke.Labels)
	if err == nil || !strings.Contains(err.Error(), "sentence s9") || !strings.Contains(err.Error(), "PERSON") {
		t.Errorf("unknown type: got %v, want an error naming sentence s9 and PERSON", err)
	}
	if _, err := ClassWeights(items, luke.Labels); err == nil || !strings.Contains(err.Error(), "LOC") {
		t.Errorf("class without spans: got %v, want an error naming LOC", err)
	}
}
