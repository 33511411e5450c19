//go:build torch

package luke

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// tinyEncoder is a random 1-layer KindEncoder model of tinyHFEncoder's
// sizes on the CPU.
func tinyEncoder(t *testing.T, modelType string) *Model {
	t.Helper()
	c, sd := tinyHFEncoder(modelType)
	r := rand.New(rand.NewChaCha8([32]byte{7}))
	for _, v := range sd {
		for i := range v.F32 {
			v.F32[i] = float32(r.NormFloat64() * 0.5)
		}
	}
	ck, err := EncoderCheckpoint(sd, c)
	if err != nil {
		t.Fatal(err)
	}
	m, err := NewModel(ck, "cpu")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

// A row's states do not depend on the padding after it: the keys are
// masked and, for RoBERTa, the real pieces keep positions pad+1, pad+2, …
func TestEncodeWordsPadding(t *testing.T) {
	for _, typ := range []string{"bert", "xlm-roberta"} {
		t.Run(typ, func(t *testing.T) {
			m := tinyEncoder(t, typ)
			alone, err := m.EncodeWords(t.Context(), [][]int64{{0, 5, 6, 2}}, [][]int64{{1, 1, 1, 1}})
			if err != nil {
				t.Fatal(err)
			}
			padded, err := m.EncodeWords(t.Context(), [][]int64{{0, 4, 2, 1, 1, 1}, {0, 5, 6, 2, 1, 1}},
				[][]int64{{1, 1, 1, 0, 0, 0}, {1, 1, 1, 1, 0, 0}})
			if err != nil {
				t.Fatal(err)
			}
			H := m.Config().Hidden
			if len(padded) != 2*6*H {
				t.Fatalf("got %d values, want %d", len(padded), 2*6*H)
			}
			worst := 0.0
			for i := range alone {
				worst = math.Max(worst, math.Abs(float64(alone[i]-padded[6*H+i])))
			}
			if worst > 1e-6 {
				t.Errorf("the padded row differs by %g from the row alone, want ≤ 1e-6", worst)
			}
		})
	}
}

func TestEncodeWordsErrors(t *testing.T) {
	m := tinyEncoder(t, "xlm-roberta") // 10 positions, pad 1: at most 8 pieces
	tests := []struct {
		name      string
		ids, mask [][]int64
		want      string
	}{
		{"ragged", [][]int64{{0, 2}, {0}}, [][]int64{{1, 1}, {1}}, "row 1: 1 ids"},
		{"mask rows", [][]int64{{0, 2}}, nil, "0 of mask"},
		{"mask value", [][]int64{{0, 2}}, [][]int64{{1, 2}}, "mask value 2"},
		{"vocabulary", [][]int64{{0, 7}}, [][]int64{{1, 1}}, "id 7 outside the vocabulary of 7"},
		{"positions", [][]int64{make([]int64, 9)}, [][]int64{{1, 1, 1, 1, 1, 1, 1, 1, 1}}, "position 10 exceeds the 10"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := m.EncodeWords(t.Context(), tc.ids, tc.mask)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
}
