package daluke

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/nerbench/nerbench/luke"
)

// pretrainedNames are the pretrained model files LoadMasked looks for, in
// order: nerbench's name and the daluke package's cache name.
var pretrainedNames = []string{"daluke.tar.gz", "DaLUKE.tar.gz"}

// Masked is the pretrained DaLUKE model with its masked-word and
// masked-entity heads, for masked prediction (thesis §6.3.1; spec §5.4).
type Masked struct {
	tok        *Tokenizer
	model      *luke.Model
	meta       luke.Metadata
	entities   map[string]int
	entityName []string // by id
	file       string
}

// LoadMasked reads the pretrained archive (daluke.tar.gz or DaLUKE.tar.gz,
// or cfg.Archive) and the tokenizer from dir.
func LoadMasked(ctx context.Context, dir string, cfg Config) (*Masked, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	file := ""
	if cfg.Archive != "" {
		file = filepath.Join(dir, cfg.Archive)
	} else {
		for _, n := range pretrainedNames {
			if _, err := os.Stat(filepath.Join(dir, n)); err == nil {
				file = filepath.Join(dir, n)
				break
			}
		}
		if file == "" {
			return nil, fmt.Errorf("%s: no pretrained DaLUKE model (%s); download DaLUKE.tar.gz as the daluke "+
				"package does (https://nx5746.your-storageshare.de/s/NAWo2nHzD5rqLmA/download): %w",
				dir, strings.Join(pretrainedNames, ", "), os.ErrNotExist)
		}
	}
	tok, err := ReadTokenizer(dir)
	if err != nil {
		return nil, err
	}
	ck, err := luke.OpenArchive(file)
	if err != nil {
		return nil, err
	}
	names, err := checkPretrained(ck, file, dir, tok)
	if err != nil {
		return nil, errors.Join(err, ck.Close())
	}
	meta, entities := ck.Metadata, ck.EntityVocab
	m, err := luke.MoveToModel(ck, cfg.Device)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return &Masked{tok: tok, model: m, meta: meta, entities: entities, entityName: names, file: file}, nil
}

// checkPretrained checks that ck is the pretrained model that tok fits and
// returns its entity names by id.
func checkPretrained(ck *luke.Checkpoint, file, dir string, tok *Tokenizer) ([]string, error) {
	if ck.Config.Kind != luke.KindPretrained {
		return nil, fmt.Errorf("%s: a %s checkpoint, want the pretrained model (DaLUKE)", file, ck.Config.Kind)
	}
	if tok.vocabSize != ck.Config.VocabSize {
		return nil, fmt.Errorf("%s: tokenizer has %d word pieces, the model %d: is it Maltehb/danish-bert-botxo's?",
			dir, tok.vocabSize, ck.Config.VocabSize)
	}
	names := make([]string, ck.Config.EntityVocabSize)
	for title, id := range ck.EntityVocab {
		if id < 0 || id >= len(names) {
			return nil, fmt.Errorf("%s: entity %q has id %d, outside the table of %d", file, title, id, len(names))
		}
		names[id] = title
	}
	for _, special := range []string{"[UNK]", "[MASK]"} {
		if _, ok := ck.EntityVocab[special]; !ok {
			return nil, fmt.Errorf("%s: entity vocabulary lacks %s", file, special)
		}
	}
	return names, nil
}

// Close frees the model's libtorch memory.
func (m *Masked) Close() error { return m.model.Close() }

// Prediction is one candidate with its probability (0 to 1).
type Prediction struct {
	Text string  `json:"text"`
	Prob float64 `json:"prob"`
}

// MaskedWord holds the predictions for one [MASK] word piece.
type MaskedWord struct {
	Word  int          `json:"word"`  // 0-based index of the whitespace word holding the mask
	Piece int          `json:"piece"` // position in the word-piece sequence, [CLS] = 0
	Top   []Prediction `json:"top"`
}

// MarkedEntity is one marked entity span: the entity it was looked up as
// and, when that is [MASK], the predicted entities.
type MarkedEntity struct {
	Start   int          `json:"start"` // 0-based first word
	End     int          `json:"end"`   // 0-based word after the last
	Mention string       `json:"mention"`
	Entity  string       `json:"entity"` // the title found, "[MASK]", or "[UNK]"
	Top     []Prediction `json:"top,omitempty"`
}

// MaskedResult is the outcome of masked prediction.
type MaskedResult struct {
	Words    []string       `json:"words"`
	Filled   string         `json:"filled"` // the text with every [MASK] replaced by its best word piece
	Masks    []MaskedWord   `json:"masks"`
	Entities []MarkedEntity `json:"entities"`
}

// ParseEntitySpans parses the reference CLI's --entity-spans syntax (spec
// §5.4): spans separated by ";", each "s,e" or "s" over whitespace words,
// 1-based with inclusive ends. It returns 0-based half-open spans.
func ParseEntitySpans(s string, words int) ([]luke.Span, error) {
	var out []luke.Span
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	for _, part := range strings.Split(s, ";") {
		a, b, pair := strings.Cut(strings.TrimSpace(part), ",")
		start, err := strconv.Atoi(strings.TrimSpace(a))
		if err != nil {
			return nil, fmt.Errorf("entity span %q: want s or s,e with 1-based word numbers", part)
		}
		end := start
		if pair {
			if end, err = strconv.Atoi(strings.TrimSpace(b)); err != nil {
				return nil, fmt.Errorf("entity span %q: want s or s,e with 1-based word numbers", part)
			}
		}
		if start < 1 || end < start || end > words {
			return nil, fmt.Errorf("entity span %q: want 1 <= s <= e <= %d (the number of words)", part, words)
		}
		out = append(out, luke.Span{Start: start - 1, End: end})
	}
	return out, nil
}

// Predict splits text at whitespace ("[MASK][MASK]" counts as two words),
// marks the entity spans (0-based, half-open word ranges; each is looked up
// by its exact words in the entity vocabulary, else [UNK]) and returns the k
// most probable word pieces for every [MASK] and the k most probable entities
// for every span marked as [MASK].
func (m *Masked) Predict(ctx context.Context, text string, spans []luke.Span, k int) (*MaskedResult, error) {
	if k < 1 {
		return nil, fmt.Errorf("top %d: want at least 1", k)
	}
	for strings.Contains(text, maskToken+maskToken) {
		text = strings.ReplaceAll(text, maskToken+maskToken, maskToken+" "+maskToken)
	}
	words := strings.Fields(text)
	if len(words) == 0 {
		return nil, errors.New("empty text")
	}
	pieces, err := m.tok.Words(words)
	if err != nil {
		return nil, err
	}
	ids := []int64{m.tok.cls}
	starts := make([]int, len(words)+1)
	wordOf := []int{-1}
	for i, p := range pieces {
		starts[i] = len(ids)
		ids = append(ids, p...)
		for range p {
			wordOf = append(wordOf, i)
		}
	}
	starts[len(words)] = len(ids)
	ids = append(ids, m.tok.sep)
	if len(ids) > m.meta.MaxSeqLength {
		return nil, fmt.Errorf("text has %d word pieces with [CLS] and [SEP], the model at most %d",
			len(ids), m.meta.MaxSeqLength)
	}
	res := &MaskedResult{Words: words}
	in := luke.Input{WordIDs: ids}
	for _, s := range spans {
		if s.Start < 0 || s.End > len(words) || s.Start >= s.End {
			return nil, fmt.Errorf("entity span [%d,%d) outside the %d words", s.Start, s.End, len(words))
		}
		if n := starts[s.End] - starts[s.Start]; n > m.meta.MaxEntitySpan {
			return nil, fmt.Errorf("entity span [%d,%d) has %d word pieces, the model at most %d",
				s.Start, s.End, n, m.meta.MaxEntitySpan)
		}
		mention := strings.Join(words[s.Start:s.End], " ")
		title := mention
		id, ok := m.entities[mention]
		if !ok {
			title, id = "[UNK]", m.entities["[UNK]"]
		}
		in.Entities = append(in.Entities, luke.Entity{ID: int64(id), Start: starts[s.Start], End: starts[s.End]})
		res.Entities = append(res.Entities, MarkedEntity{Start: s.Start, End: s.End, Mention: mention, Entity: title})
	}
	var maskPos []int
	for p, id := range ids {
		if id == m.tok.maskTok {
			maskPos = append(maskPos, p)
		}
	}
	wordScores, entScores, err := m.model.MaskedScores(ctx, in, maskPos)
	if err != nil {
		return nil, err
	}
	best := make(map[int]string)
	for i, p := range maskPos {
		top := topK(wordScores[i], k, m.tok.Token)
		res.Masks = append(res.Masks, MaskedWord{Word: wordOf[p], Piece: p, Top: top})
		best[p] = top[0].Text
	}
	for i := range res.Entities {
		if res.Entities[i].Entity == maskToken {
			res.Entities[i].Top = topK(entScores[i], k, func(id int64) string { return m.entityName[id] })
		}
	}
	// As the reference: replace the masks left to right with the best word
	// pieces, then glue "##" continuations to what precedes them.
	filled := strings.Join(words, " ")
	for _, p := range maskPos {
		filled = strings.Replace(filled, maskToken, best[p], 1)
	}
	res.Filled = strings.ReplaceAll(filled, " ##", "")
	return res, nil
}

// topK returns the k highest-probability entries of softmax(scores), ties by
// lower id.
func topK(scores []float32, k int, name func(int64) string) []Prediction {
	mx := math.Inf(-1)
	for _, v := range scores {
		mx = math.Max(mx, float64(v))
	}
	sum := 0.0
	for _, v := range scores {
		sum += math.Exp(float64(v) - mx)
	}
	idx := make([]int, len(scores))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return scores[idx[a]] > scores[idx[b]] })
	k = min(k, len(idx))
	out := make([]Prediction, k)
	for i := range out {
		out[i] = Prediction{Text: name(int64(idx[i])), Prob: math.Exp(float64(scores[idx[i]])-mx) / sum}
	}
	return out
}
