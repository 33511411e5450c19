package dacy

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// Tokenizer turns a span's text into word-piece ids and their strings
// (convert_ids_to_tokens), special tokens included.
type Tokenizer interface {
	Encode(text string) (ids []int64, pieces []string, err error)
	// Specials are the tokenizer's all_special_tokens.
	Specials() []string
	// Pad is the padding token and its id.
	Pad() (string, int64)
}

// Encoder is the transformer: it maps padded ids [n, L] with their
// attention mask to the last hidden states, [n, L, H] row-major.
type Encoder interface {
	Hidden(ctx context.Context, ids, mask [][]int64) ([]float32, error)
	Width() int
	Close() error
}

// span is a half-open range of Doc tokens.
type span struct{ start, end int }

// stridedSpans is spacy-transformers' strided_spans.v1 on a Doc of n
// tokens (dacy-spec §4.2), including its for-else quirk.
func stridedSpans(n, window, stride int) []span {
	var spans []span
	start := 0
	broke := false
	for i := 0; i < n/stride; i++ {
		spans = append(spans, span{start, min(start+window, n)})
		if start+window >= n {
			broke = true
			break
		}
		start += stride
	}
	if !broke && start < n {
		spans = append(spans, span{start, n})
	}
	return spans
}

// pieces is the transformer input of one Doc.
type pieces struct {
	spans  []span
	ids    [][]int64
	mask   [][]int64
	tokens [][]string // piece strings incl. pads, each of length L
	L      int
	// cut is the number of word pieces dropped by the maxLen cut.
	cut int
}

// tokenize builds the padded batch of a Doc's spans, as
// huggingface_tokenize with padding="longest" does, and cuts columns
// beyond maxLen (truncate_oversize_splits).
func tokenize(tok Tokenizer, words []string, window, stride, maxLen int) (*pieces, error) {
	p := &pieces{spans: stridedSpans(len(words), window, stride)}
	for _, s := range p.spans {
		ids, toks, err := tok.Encode(strings.Join(words[s.start:s.end], " "))
		if err != nil {
			return nil, err
		}
		if len(ids) != len(toks) {
			return nil, fmt.Errorf("tokenizer gave %d ids but %d piece strings", len(ids), len(toks))
		}
		p.ids = append(p.ids, ids)
		p.tokens = append(p.tokens, toks)
		p.L = max(p.L, len(ids))
	}
	if maxLen > 0 && p.L > maxLen {
		for _, ids := range p.ids {
			p.cut += max(0, len(ids)-maxLen)
		}
		p.L = maxLen
	}
	padTok, padID := tok.Pad()
	p.mask = make([][]int64, len(p.ids))
	for i := range p.ids {
		n := min(len(p.ids[i]), p.L)
		ids := make([]int64, p.L)
		mask := make([]int64, p.L)
		toks := make([]string, p.L)
		copy(ids, p.ids[i][:n])
		copy(toks, p.tokens[i][:n])
		for j := range p.L {
			if j < n {
				mask[j] = 1
			} else {
				ids[j] = padID
				toks[j] = padTok
			}
		}
		p.ids[i], p.mask[i], p.tokens[i] = ids, mask, toks
	}
	return p, nil
}

// align returns, for each Doc token, the sorted flat indices row*L+col of
// the pieces aligned to it over all spans (dacy-spec §4.4-§4.5).
func align(words []string, p *pieces, specials []string) [][]int {
	sets := make([]map[int]bool, len(words))
	for i := range sets {
		sets[i] = map[int]bool{}
	}
	for i, s := range p.spans {
		spToks := words[s.start:s.end]
		wp := p.tokens[i]
		text := strings.Join(spToks, " ")
		hasSpecial := false
		for _, sp := range specials {
			if sp != "" && strings.Contains(text, sp) {
				hasSpecial = true
			}
		}
		if !hasSpecial {
			wp = slices.Clone(wp)
			for j, t := range wp {
				if slices.Contains(specials, t) {
					wp[j] = ""
				}
			}
		}
		span2wp, _ := alignments(spToks, wp)
		for t, js := range span2wp {
			for _, j := range js {
				sets[s.start+t][i*p.L+j] = true
			}
		}
	}
	out := make([][]int, len(words))
	for t, set := range sets {
		idx := make([]int, 0, len(set))
		for k := range set {
			idx = append(idx, k)
		}
		slices.Sort(idx)
		out[t] = idx
	}
	return out
}

// pool is thinc's reduce_mean over the aligned rows of X ([rows, H]):
// v += float32(1/n)·X[k] for each k in order; zero without pieces.
func pool(x []float32, H int, idx [][]int) []float32 {
	out := make([]float32, len(idx)*H)
	for t, ks := range idx {
		if len(ks) == 0 {
			continue
		}
		scale := float32(1.0 / float64(len(ks)))
		v := out[t*H : (t+1)*H]
		for _, k := range ks {
			row := x[k*H : (k+1)*H]
			for j := range v {
				v[j] += scale * row[j]
			}
		}
	}
	return out
}
