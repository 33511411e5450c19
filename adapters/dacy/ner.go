package dacy

import (
	"unicode"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
)

// ner is spaCy's NER component at inference: the tok2vec projection, the
// precomputable affine layer with maxout, an optional upper layer, and the
// greedy BILUO transition system (dacy-spec §5).
type ner struct {
	w     *nerWeights
	moves []action
}

// isSpace is Python's str.isspace: non-empty and all whitespace.
func isSpace(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !unicode.IsSpace(r) && (r < 0x1c || r > 0x1f) {
			return false
		}
	}
	return true
}

// gemmT returns x·Wᵀ for x [n, in] and W [out, in].
func gemmT(x []float32, n, in int, w []float32, out int) []float32 {
	y := make([]float32, n*out)
	if n == 0 || out == 0 {
		return y
	}
	blas32.Gemm(blas.NoTrans, blas.Trans, 1,
		blas32.General{Rows: n, Cols: in, Stride: in, Data: x},
		blas32.General{Rows: out, Cols: in, Stride: in, Data: w},
		0, blas32.General{Rows: n, Cols: out, Stride: out, Data: y})
	return y
}

// decode runs greedy decoding over the pooled token vectors vecs [N, H] of
// one Doc made of words. It returns the chosen actions and the IOB2 tags.
func (m *ner) decode(vecs []float32, words []string) ([]action, []string) {
	w := m.w
	N := len(words)
	x := gemmT(vecs, N, w.H, w.LinW, w.HW)
	for t := range N {
		for j := range w.HW {
			x[t*w.HW+j] += w.LinB[j]
		}
	}
	slot := w.A * w.NP
	cached := gemmT(x, N, w.HW, w.W, w.NF*slot) // [N, NF, A, NP]
	nOut := w.actions()
	unmaxed := make([]float32, slot)
	hidden := make([]float32, w.A)
	scores := make([]float32, nOut)
	ids := make([]int, w.NF)

	type ent struct {
		start, end int
		label      string
	}
	var ents []ent
	open := func() bool { return len(ents) > 0 && ents[len(ents)-1].end == -1 }
	var chosen []action
	for b0 := 0; b0 < N; {
		// Features: B(0), the open entity's start, B(0)-1 inside an entity;
		// with extra state tokens, the open entity's tokens up to B(0)-1.
		for f := range ids {
			ids[f] = -1
		}
		ids[0] = b0
		if open() {
			start := ents[len(ents)-1].start
			if w.NF == 3 {
				ids[1] = start
				ids[2] = b0 - 1
			} else {
				for f, t := 1, start; f < w.NF && t < b0; f, t = f+1, t+1 {
					ids[f] = t
				}
			}
		}
		for i := range unmaxed {
			unmaxed[i] = 0
		}
		for f, id := range ids {
			var src []float32
			if id < 0 {
				src = w.Pad[f*slot : (f+1)*slot]
			} else {
				src = cached[(id*w.NF+f)*slot : (id*w.NF+f+1)*slot]
			}
			for i, v := range src {
				unmaxed[i] += v
			}
		}
		for i := range unmaxed {
			unmaxed[i] += w.B[i]
		}
		for o := range w.A {
			best := unmaxed[o*w.NP]
			for p := 1; p < w.NP; p++ {
				if v := unmaxed[o*w.NP+p]; v > best {
					best = v
				}
			}
			hidden[o] = best
		}
		if w.UpW != nil {
			copy(scores, gemmT(hidden, 1, w.A, w.UpW, nOut))
			for i := range scores {
				scores[i] += w.UpB[i]
			}
		} else {
			copy(scores, hidden)
		}
		// Validity for a Doc built from words: no preset entities, and the
		// only sentence start is token 0 (dacy-spec §5.5).
		last := b0 == N-1
		space := isSpace(words[b0])
		openLabel := ""
		if open() {
			openLabel = ents[len(ents)-1].label
		}
		best := -1
		for i, a := range m.moves {
			valid := false
			switch a.Move {
			case moveBegin:
				valid = !open() && !last && a.Label != "" && !space
			case moveIn:
				valid = open() && !last && a.Label != "" && a.Label == openLabel
			case moveLast:
				valid = open() && a.Label != "" && a.Label == openLabel
			case moveUnit:
				valid = !open() && a.Label != "" && !space
			case moveOut:
				valid = !open()
			}
			if valid && (best < 0 || scores[i] > scores[best]) {
				best = i
			}
		}
		if best < 0 {
			break // force_final: nothing is valid
		}
		a := m.moves[best]
		chosen = append(chosen, a)
		switch a.Move {
		case moveBegin:
			ents = append(ents, ent{b0, -1, a.Label})
		case moveLast:
			ents[len(ents)-1].end = b0 + 1
		case moveUnit:
			ents = append(ents, ent{b0, b0 + 1, a.Label})
		}
		b0++
	}
	tags := make([]string, N)
	for i := range tags {
		tags[i] = "O"
	}
	for _, e := range ents {
		if e.start < 0 || e.end < 0 {
			continue
		}
		tags[e.start] = "B-" + e.label
		for t := e.start + 1; t < e.end; t++ {
			tags[t] = "I-" + e.label
		}
	}
	return chosen, tags
}
