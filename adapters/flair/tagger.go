package flair

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// lookup returns the row of word w, trying w, its lowercase, and its
// lowercase with every decimal digit replaced by '#', then by '0', as
// WordEmbeddings.get_cached_vec does; -1 when none is in the vocabulary.
func (w *wordEmbeddings) lookup(word string) int {
	if i, ok := w.vocab[word]; ok {
		return i
	}
	lower := pyLower(word)
	if i, ok := w.vocab[lower]; ok {
		return i
	}
	for _, r := range []rune{'#', '0'} {
		if i, ok := w.vocab[replaceDigits(lower, r)]; ok {
			return i
		}
	}
	return -1
}

// pyLower is Python's str.lower: the per-rune lowercase plus Unicode's
// SpecialCasing rules that apply without a language, namely U+0130 → "i̇"
// and the final sigma (Σ → ς at the end of a word).
func pyLower(s string) string {
	rs := []rune(s)
	var b strings.Builder
	b.Grow(len(s))
	for i, r := range rs {
		switch {
		case r == '\u0130':
			b.WriteString("i\u0307")
		case r == 'Σ' && i > 0 && unicode.IsLetter(rs[i-1]) && (i+1 == len(rs) || !unicode.IsLetter(rs[i+1])):
			b.WriteRune('ς')
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// replaceDigits replaces every Unicode decimal digit (Python's \d) with r.
func replaceDigits(s string, r rune) string {
	return strings.Map(func(c rune) rune {
		if unicode.Is(unicode.Nd, c) {
			return r
		}
		return c
	}, s)
}

// embed fills the word-embedding columns of the n tokens.
func (w *wordEmbeddings) embed(words []string, dst []float32, stride, col int) {
	for i, word := range words {
		row := w.lookup(word)
		if row < 0 {
			continue // zeros
		}
		copy(dst[i*stride+col:i*stride+col+w.dim], w.vectors[row*w.dim:(row+1)*w.dim])
	}
}

// states runs the language model over each text from zero states and
// returns its outputs, one row of lm.dim per character. The texts are
// processed together: at each step the recurrent product of every text
// still running is one matrix product, so that W_hh is read once per step
// for the whole batch rather than once per text.
func (lm *charLM) states(texts [][]rune) [][]float32 {
	order := make([]int, len(texts))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return len(texts[order[a]]) > len(texts[order[b]]) })
	xs := make([][]float32, len(texts))
	for k, i := range order {
		x := make([]float32, len(texts[i])*lm.ec)
		for j, c := range texts[i] {
			id := lm.chars[string(c)] // unknown characters get id 0
			copy(x[j*lm.ec:(j+1)*lm.ec], lm.encoder[id*lm.ec:(id+1)*lm.ec])
		}
		xs[k] = x
	}
	lens := make([]int, len(order))
	for k, i := range order {
		lens[k] = len(texts[i])
	}
	for _, l := range lm.layers {
		xs = l.runBatch(xs, lens)
	}
	out := make([][]float32, len(texts))
	for k, i := range order {
		if lm.proj != nil {
			out[i] = lm.proj.apply(xs[k], lens[k])
		} else {
			out[i] = xs[k]
		}
	}
	return out
}

// embed fills the language model's columns of each sentence's rows: the
// forward model is read at the separator after each word, the backward one
// at the separator before it (flair 0.4.5
// FlairEmbeddings._add_embeddings_internal).
func (lm *charLM) embed(sentences [][]string, dst [][]float32, stride, col int) {
	texts := make([][]rune, len(sentences))
	for s, words := range sentences {
		sentence := []rune(strings.Join(words, " "))
		text := make([]rune, 0, len(sentence)+2)
		text = append(text, '\n')
		if lm.forward {
			text = append(text, sentence...)
		} else {
			for i := len(sentence) - 1; i >= 0; i-- {
				text = append(text, sentence[i])
			}
		}
		texts[s] = append(text, ' ')
	}
	hs := lm.states(texts)
	for s, words := range sentences {
		h := hs[s]
		pos := 1
		if !lm.forward {
			pos = len(texts[s]) - 1 // len(sentence) + 1
		}
		for i, w := range words {
			k := utf8.RuneCountInString(w)
			if lm.forward {
				pos += k
			}
			copy(dst[s][i*stride+col:i*stride+col+lm.dim], h[pos*lm.dim:(pos+1)*lm.dim])
			if lm.forward {
				pos++
			} else {
				pos -= 1 + k
			}
		}
	}
}

// emissions returns the tagger's emission scores [n, T] for each sentence.
func (nw *network) emissions(sentences [][]string) [][]float32 {
	D := nw.dimD
	xs := make([][]float32, len(sentences))
	for s, words := range sentences {
		xs[s] = make([]float32, len(words)*D)
	}
	col := 0
	for _, e := range nw.embeds {
		if e.words != nil {
			for s, words := range sentences {
				e.words.embed(words, xs[s], D, col)
			}
		} else {
			e.lm.embed(sentences, xs, D, col)
		}
		col += e.dim()
	}
	out := make([][]float32, len(sentences))
	for s, words := range sentences {
		n := len(words)
		x := nw.emb2nn.apply(xs[s], n)
		if nw.useRNN {
			for _, layer := range nw.rnn {
				h := layer[0].H
				f := layer[0].run(x, n, false)
				b := layer[1].run(x, n, true)
				x = make([]float32, n*2*h)
				for t := range n {
					copy(x[t*2*h:], f[t*h:(t+1)*h])
					copy(x[t*2*h+h:], b[t*h:(t+1)*h])
				}
			}
		}
		out[s] = nw.out.apply(x, n)
	}
	return out
}

// viterbi returns the best tag path for feats [n, T] (flair 0.4.5
// _viterbi_decode, float32, first index on ties).
func (nw *network) viterbi(feats []float32, n int) []int {
	T := len(nw.tags)
	if n == 0 {
		return nil
	}
	fv := make([]float32, T)
	for i := range fv {
		fv[i] = -10000
	}
	fv[nw.start] = 0
	vv := make([]float32, T)
	bp := make([]int, n*T)
	for t := range n {
		for i := range T {
			best := 0
			bv := fv[0] + nw.trans[i*T]
			for j := 1; j < T; j++ {
				if c := fv[j] + nw.trans[i*T+j]; c > bv {
					best, bv = j, c
				}
			}
			bp[t*T+i] = best
			vv[i] = bv
		}
		for i := range T {
			fv[i] = vv[i] + feats[t*T+i]
		}
	}
	best := 0
	var bv float32
	for j := range T {
		c := fv[j] + nw.trans[nw.stop*T+j]
		if j == nw.stop || j == nw.start {
			c = -10000
		}
		if j == 0 || c > bv {
			best, bv = j, c
		}
	}
	path := make([]int, n)
	path[n-1] = best
	for t := n - 1; t > 0; t-- {
		best = bp[t*T+best]
		path[t-1] = best
	}
	return path
}

// decode returns the tag indices for feats: Viterbi with a CRF, else the
// first maximum per token.
func (nw *network) decode(feats []float32, n int) []int {
	if nw.useCRF {
		return nw.viterbi(feats, n)
	}
	T := len(nw.tags)
	out := make([]int, n)
	for t := range n {
		for j := 1; j < T; j++ {
			if feats[t*T+j] > feats[t*T+out[t]] {
				out[t] = j
			}
		}
	}
	return out
}
