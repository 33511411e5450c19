package corpus

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/clipperhouse/uax29/v2/sentences"

	"github.com/nerbench/nerbench/internal/mediawiki"
)

// Limits of the thesis-era data (spec §4.4; metadata keys in brackets).
const (
	MaxSeqLength      = 512 // [max-seq-length], [CLS] and [SEP] included
	MaxWords          = MaxSeqLength - 2
	MaxEntities       = 128 // [max-entities]
	MaxEntitySpan     = 30  // [max-entity-span], in word pieces
	MinSentenceLength = 5   // [min-sentence-length], in word pieces
)

// Tokenizer splits text into word pieces. The pipeline lowercases text and
// collapses whitespace before calling it, as the reference does.
type Tokenizer interface {
	Tokenize(text string) (pieces []string, ids []int, err error)
}

// Example is one pretraining sequence, as one line of data.jsonl.
type Example struct {
	PageTitle   string   `json:"page_title"`
	WordIDs     []int    `json:"word_ids"`
	WordSpans   [][2]int `json:"word_spans"`
	EntityIDs   []int    `json:"entity_ids"`
	EntitySpans [][2]int `json:"entity_spans"`
}

// Sentences returns the sentence boundaries of text, in characters (code
// points), by the Unicode sentence break rules (UAX #29), which ICU's
// sentence BreakIterator for Danish implements. As the reference does, the
// text is right-stripped first and characters outside the Basic
// Multilingual Plane count as spaces for the break computation.
func Sentences(text string) [][2]int {
	text = strings.TrimRightFunc(text, pyIsSpace)
	bmp := []rune(text)
	for i, r := range bmp {
		if r > 0xFFFF {
			bmp[i] = ' '
		}
	}
	s := string(bmp)
	var out [][2]int
	it := sentences.FromString(s)
	runeAt := 0
	byteAt := 0
	for it.Next() {
		start := runeAt + len([]rune(s[byteAt:it.Start()]))
		end := start + len([]rune(it.Value()))
		out = append(out, [2]int{start, end})
		runeAt, byteAt = end, it.End()
	}
	return out
}

var spaces = regexp.MustCompile(`\s+`)

// prepare is the reference's re.sub(r"\s+", " ", text).rstrip().lower().
func prepare(text string) string {
	text = strings.Map(func(r rune) rune {
		if pyIsSpace(r) {
			return ' '
		}
		return r
	}, text)
	return strings.ToLower(strings.TrimRightFunc(spaces.ReplaceAllString(text, " "), pyIsSpace))
}

type entityLink struct{ id, start, end int }

type sentence struct {
	pieces []string
	ids    []int
	links  []entityLink // spans over the sentence's pieces
}

// pageBuilder turns one page's paragraphs into examples.
type pageBuilder struct {
	vocab     *Vocab
	redirects map[string]string
	tok       Tokenizer
}

func (b *pageBuilder) resolve(title string) string {
	if t, ok := b.redirects[title]; ok {
		return t
	}
	return title
}

func (b *pageBuilder) tokenize(text string) ([]string, []int, error) {
	p, ids, err := b.tok.Tokenize(prepare(text))
	if err != nil {
		return nil, nil, fmt.Errorf("tokenize %q: %w", text, err)
	}
	return p, ids, nil
}

// sentences returns the kept sentences of a paragraph (spec §4.4 steps 2–4).
func (b *pageBuilder) sentences(para mediawiki.Paragraph) ([]sentence, error) {
	text := []rune(para.Text)
	var links []entityLink
	for _, l := range para.Links {
		title := b.resolve(l.Title)
		if strings.HasPrefix(title, "Kategori:") && strings.HasPrefix(strings.ToLower(l.Text), "kategori:") {
			for k := l.Start; k < l.End; k++ {
				text[k] = ' '
			}
			continue
		}
		if id, ok := b.vocab.ID(title); ok {
			links = append(links, entityLink{id, l.Start, l.End})
		}
	}
	var out []sentence
	for _, se := range Sentences(string(text)) {
		var s sentence
		cur, tooLong := se[0], false
		for _, l := range links {
			if !(se[0] <= l.start && l.start < se[1] && l.end <= se[1]) {
				continue
			}
			p, ids, err := b.tokenize(string(text[cur:l.start]))
			if err != nil {
				return nil, err
			}
			s.pieces, s.ids = append(s.pieces, p...), append(s.ids, ids...)
			p, ids, err = b.tokenize(string(text[l.start:l.end]))
			if err != nil {
				return nil, err
			}
			if len(p) > MaxEntitySpan {
				tooLong = true
				break
			}
			s.links = append(s.links, entityLink{l.id, len(s.pieces), len(s.pieces) + len(p)})
			s.pieces, s.ids = append(s.pieces, p...), append(s.ids, ids...)
			cur = l.end
		}
		if tooLong {
			continue
		}
		p, ids, err := b.tokenize(string(text[cur:se[1]]))
		if err != nil {
			return nil, err
		}
		s.pieces, s.ids = append(s.pieces, p...), append(s.ids, ids...)
		if len(s.pieces) >= MinSentenceLength && len(s.pieces) <= MaxWords {
			out = append(out, s)
		}
	}
	return out, nil
}

// examples packs the kept sentences of a page's paragraphs into examples
// (spec §4.4 step 5): consecutive sentences are joined until the next one
// would pass MaxWords pieces; a sequence with no link is dropped; links
// past MaxEntities are dropped.
func (b *pageBuilder) examples(title string, paras []mediawiki.Paragraph) ([]Example, error) {
	var sents []sentence
	for _, p := range paras {
		s, err := b.sentences(p)
		if err != nil {
			return nil, fmt.Errorf("page %q: %w", title, err)
		}
		sents = append(sents, s...)
	}
	var out []Example
	var cur sentence
	flush := func() {
		if len(cur.links) > 0 {
			ex := Example{PageTitle: title, WordIDs: cur.ids, WordSpans: CalculateSpans(cur.pieces)}
			links := cur.links[:min(len(cur.links), MaxEntities)]
			for _, l := range links {
				ex.EntityIDs = append(ex.EntityIDs, l.id)
				ex.EntitySpans = append(ex.EntitySpans, [2]int{l.start, l.end})
			}
			if ex.WordSpans == nil {
				ex.WordSpans = [][2]int{}
			}
			out = append(out, ex)
		}
		cur = sentence{}
	}
	for i, s := range sents {
		if len(cur.pieces) > 0 && len(cur.pieces)+len(s.pieces) > MaxWords {
			flush()
		}
		off := len(cur.pieces)
		for _, l := range s.links {
			cur.links = append(cur.links, entityLink{l.id, l.start + off, l.end + off})
		}
		cur.pieces = append(cur.pieces, s.pieces...)
		cur.ids = append(cur.ids, s.ids...)
		if i == len(sents)-1 {
			flush()
		}
	}
	return out, nil
}

// WordPieces adapts a tokenizer of single words, such as
// adapters/daluke.Tokenizer, to [Tokenizer]: text is split on whitespace and
// each word tokenised on its own, which gives the same pieces as BERT's
// pre-tokeniser on the whole text.
type WordPieces struct {
	Word  func(word string) ([]int64, error)
	Token func(id int64) string
}

// Tokenize implements [Tokenizer].
func (w WordPieces) Tokenize(text string) ([]string, []int, error) {
	var pieces []string
	var ids []int
	for _, f := range strings.Fields(text) {
		p, err := w.Word(f)
		if err != nil {
			return nil, nil, err
		}
		for _, id := range p {
			pieces = append(pieces, w.Token(id))
			ids = append(ids, int(id))
		}
	}
	return pieces, ids, nil
}
