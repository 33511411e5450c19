package baseline

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// featureBuf collects the feature strings of one word as byte ranges of a
// shared buffer, so that looking them up in the feature dictionary allocates
// nothing.
type featureBuf struct {
	buf  []byte
	ends []int
}

func (b *featureBuf) reset() {
	b.buf = b.buf[:0]
	b.ends = b.ends[:0]
}

// add appends the feature made of the concatenation of parts.
func (b *featureBuf) add(parts ...string) {
	for _, p := range parts {
		b.buf = append(b.buf, p...)
	}
	b.ends = append(b.ends, len(b.buf))
}

// each calls f with every feature in order. The slice is only valid during
// the call.
func (b *featureBuf) each(f func(feat []byte)) {
	start := 0
	for _, end := range b.ends {
		f(b.buf[start:end])
		start = end
	}
}

// wordInfo holds the per-word strings that the features of the word and of
// its neighbours are built from.
type wordInfo struct {
	word, lower       string
	shape, shortShape string
	initCap, allCap   bool
	hasDigit, hasLet  bool
	hyphen            bool
	capPrior          string // capitalisation prior bucket; "" when the word is not capitalised
}

// Capitalisation prior buckets: how a capitalised word is usually written
// when it is not the first word of a sentence, from counts in the training
// text.
const (
	capUnseen = "unseen" // never seen in a non-initial position
	capUpper  = "upper"  // capitalised in at least 90 % of non-initial uses
	capLower  = "lower"  // capitalised in at most 10 % of non-initial uses
	capMixed  = "mixed"
)

// capCount counts how often a lower-cased word form occurs capitalised and
// lower-case in non-initial positions of the training text.
type capCount struct{ upper, lower int32 }

// capBucket maps counts to a prior bucket.
func capBucket(c capCount) string {
	n := c.upper + c.lower
	switch {
	case n <= 0:
		return capUnseen
	case c.upper*10 >= n*9:
		return capUpper
	case c.upper*10 <= n:
		return capLower
	}
	return capMixed
}

// shapes returns the word shape and the short shape of w. The shape maps
// upper-case letters to X, other letters to x and digits to d, and keeps
// other characters, so "København-2" becomes "Xxxxxxxxx-d"; it stops after
// 12 characters and writes "~" for the rest. The short shape also merges
// runs of the same character: "Xx-d".
func shapes(w string) (shape, short string) {
	var sb, ss strings.Builder
	n := 0
	var last rune = -1
	for _, r := range w {
		c := r
		switch {
		case unicode.IsUpper(r):
			c = 'X'
		case unicode.IsLetter(r):
			c = 'x'
		case unicode.IsDigit(r):
			c = 'd'
		}
		if n < 12 {
			sb.WriteRune(c)
		} else if n == 12 {
			sb.WriteByte('~')
		}
		n++
		if c != last {
			ss.WriteRune(c)
			last = c
		}
	}
	return sb.String(), ss.String()
}

func newWordInfo(w string, caps map[string]capCount, own map[string]capCount) wordInfo {
	wi := wordInfo{word: w, lower: strings.ToLower(w)}
	wi.shape, wi.shortShape = shapes(w)
	first, _ := utf8.DecodeRuneInString(w)
	wi.initCap = unicode.IsUpper(first)
	upper, letters := 0, 0
	for _, r := range w {
		switch {
		case unicode.IsLetter(r):
			letters++
			if unicode.IsUpper(r) {
				upper++
			}
		case unicode.IsDigit(r):
			wi.hasDigit = true
		case r == '-':
			wi.hyphen = true
		}
	}
	wi.hasLet = letters > 0
	wi.allCap = letters > 0 && upper == letters
	if wi.initCap {
		c := caps[wi.lower]
		if o, ok := own[wi.lower]; ok {
			c.upper -= o.upper
			c.lower -= o.lower
		}
		wi.capPrior = capBucket(c)
	}
	return wi
}

// gazEntry is what the training split says about one phrase: how often it
// was annotated as an entity of each type, and how often the phrase occurs
// in the training text at all.
type gazEntry struct {
	types []int32 // per entity type, indexed like Model.types
	total int32
}

// gazMatch is one gazetteer phrase found in a sentence.
type gazMatch struct {
	start, end int
	typ        string
	ratio      string // how often the phrase is an entity when it occurs
}

// stats is what the features know about the training text beyond the
// feature weights: the gazetteer and the capitalisation counts. During
// training each sentence's own contribution is left out (leave one out), so
// that the features look on training sentences as they will on unseen ones.
type stats struct {
	types  []string // entity types, sorted
	gaz    map[string]*gazEntry
	maxLen int                  // longest gazetteer phrase, in words
	words  map[string]*gazEntry // single words inside annotated entities
	caps   map[string]capCount
}

// ownStats is one training sentence's contribution to stats.
type ownStats struct {
	gaz   map[string]*gazEntry
	words map[string]*gazEntry
	caps  map[string]capCount
}

// ratioBucket says how reliable a gazetteer phrase is: the share of its
// occurrences in the training text that were annotated as an entity.
func ratioBucket(ent, total int32) string {
	switch {
	case total <= 0 || ent*10 >= total*9:
		return "hi"
	case ent*2 >= total:
		return "mid"
	}
	return "lo"
}

// lookup returns the entity type most often annotated for an entry (-1
// when none) and the share bucket, with own's counts left out. counts is
// scratch space of one element per type.
func (s *stats) lookup(e, o *gazEntry, counts []int32) (int, string) {
	copy(counts, e.types)
	total := e.total
	if o != nil {
		for t := range counts {
			counts[t] -= o.types[t]
		}
		total -= o.total
	}
	best, bestN, sum := -1, int32(0), int32(0)
	for t, n := range counts {
		sum += n
		if n > bestN {
			best, bestN = t, n
		}
	}
	return best, ratioBucket(sum, total)
}

// matches finds the gazetteer phrases in words. At every start it takes the
// longest phrase that has at least one annotation once own is subtracted.
func (s *stats) matches(words []string, own *ownStats) []gazMatch {
	var out []gazMatch
	if len(s.gaz) == 0 {
		return nil
	}
	counts := make([]int32, len(s.types))
	for i := range words {
		maxL := min(s.maxLen, len(words)-i)
		for l := maxL; l >= 1; l-- {
			key := strings.Join(words[i:i+l], " ")
			e := s.gaz[key]
			if e == nil {
				continue
			}
			var o *gazEntry
			if own != nil {
				o = own.gaz[key]
			}
			best, ratio := s.lookup(e, o, counts)
			if best < 0 {
				continue
			}
			out = append(out, gazMatch{start: i, end: i + l, typ: s.types[best], ratio: ratio})
			break
		}
	}
	return out
}

// extract writes the features of every word of the sentence into bufs,
// which it grows to len(words). own is the sentence's own contribution to
// the statistics during training, nil otherwise.
func (s *stats) extract(words []string, own *ownStats, bufs []featureBuf) []featureBuf {
	n := len(words)
	if cap(bufs) < n {
		bufs = append(bufs[:cap(bufs)], make([]featureBuf, n-cap(bufs))...)
	}
	bufs = bufs[:n]
	var ownCaps map[string]capCount
	if own != nil {
		ownCaps = own.caps
	}
	infos := make([]wordInfo, n)
	for i, w := range words {
		infos[i] = newWordInfo(w, s.caps, ownCaps)
	}
	at := func(i int) *wordInfo {
		if i < 0 || i >= n {
			return nil
		}
		return &infos[i]
	}
	word := func(i int) string {
		switch {
		case i < 0:
			return "<s>"
		case i >= n:
			return "</s>"
		}
		return infos[i].lower
	}
	shape := func(i int) string {
		switch {
		case i < 0:
			return "<s>"
		case i >= n:
			return "</s>"
		}
		return infos[i].shortShape
	}
	for i := range n {
		b := &bufs[i]
		b.reset()
		wi := &infos[i]
		b.add("b")
		b.add("w=", wi.word)
		b.add("l=", wi.lower)
		// Prefixes and suffixes of 1–4 characters.
		runes := []rune(wi.lower)
		for k := 1; k <= 4 && k <= len(runes); k++ {
			b.add("p", string(rune('0'+k)), "=", string(runes[:k]))
			b.add("s", string(rune('0'+k)), "=", string(runes[len(runes)-k:]))
		}
		b.add("sh=", wi.shape)
		b.add("ss=", wi.shortShape)
		first := "0"
		if i == 0 {
			first = "1"
		}
		switch {
		case wi.allCap && len(runes) > 1:
			b.add("c=allcap|f", first)
		case wi.initCap:
			b.add("c=init|f", first)
		case !wi.hasLet:
			b.add("c=noletter|f", first)
		default:
			b.add("c=lower|f", first)
		}
		if wi.hasDigit {
			b.add("digit")
		}
		if wi.hyphen {
			b.add("hyphen")
		}
		if len(runes) == 1 {
			b.add("len1")
		}
		if i == 0 {
			b.add("first")
			b.add("first|l=", wi.lower)
		}
		if i == n-1 {
			b.add("last")
		}
		if wi.capPrior != "" {
			b.add("cp=", wi.capPrior, "|f", first)
			if i == 0 {
				b.add("cp=", wi.capPrior, "|l=", wi.lower)
			}
		}
		// Lower-cased form without a genitive s: "danmarks" -> "danmark".
		if len(runes) > 2 && (runes[len(runes)-1] == 's' || runes[len(runes)-1] == '\'') {
			b.add("gen=", string(runes[:len(runes)-1]))
		}
		// Window of ±2 words and shapes.
		b.add("l-1=", word(i-1))
		b.add("l+1=", word(i+1))
		b.add("l-2=", word(i-2))
		b.add("l+2=", word(i+2))
		if p := at(i - 1); p != nil {
			b.add("w-1=", p.word)
		}
		if p := at(i + 1); p != nil {
			b.add("w+1=", p.word)
		}
		b.add("ss-1=", shape(i-1))
		b.add("ss+1=", shape(i+1))
		b.add("ss-2=", shape(i-2))
		b.add("ss+2=", shape(i+2))
		b.add("ss-1,0=", shape(i-1), "|", wi.shortShape)
		b.add("ss0,+1=", wi.shortShape, "|", shape(i+1))
		b.add("l-1,0=", word(i-1), "|", wi.lower)
		b.add("l0,+1=", wi.lower, "|", word(i+1))
		if p := at(i - 1); p != nil && p.capPrior != "" {
			b.add("cp-1=", p.capPrior)
		}
		if p := at(i + 1); p != nil && p.capPrior != "" {
			b.add("cp+1=", p.capPrior)
		}
		// Suffixes of the neighbours.
		if p := at(i - 1); p != nil {
			b.add("s3-1=", lastRunes(p.lower, 3))
		}
		if p := at(i + 1); p != nil {
			b.add("s3+1=", lastRunes(p.lower, 3))
		}
	}
	// Gazetteer features: single words, then phrases.
	counts := make([]int32, len(s.types))
	for i, w := range words {
		e := s.words[w]
		if e == nil {
			continue
		}
		var o *gazEntry
		if own != nil {
			o = own.words[w]
		}
		if best, ratio := s.lookup(e, o, counts); best >= 0 {
			bufs[i].add("gzw=", s.types[best])
			bufs[i].add("gzw=", s.types[best], "|", ratio)
		}
	}
	for _, m := range s.matches(words, own) {
		for j := m.start; j < m.end; j++ {
			pos := "I"
			if j == m.start {
				pos = "B"
			}
			bufs[j].add("gz=", pos, "-", m.typ)
			bufs[j].add("gz=", pos, "-", m.typ, "|", m.ratio)
		}
		if m.start > 0 {
			bufs[m.start-1].add("gz+1=", m.typ)
		}
		if m.end < n {
			bufs[m.end].add("gz-1=", m.typ)
		}
	}
	return bufs
}

// lastRunes returns the last k runes of s, or s when it is shorter.
func lastRunes(s string, k int) string {
	i := len(s)
	for ; k > 0 && i > 0; k-- {
		_, size := utf8.DecodeLastRuneInString(s[:i])
		i -= size
	}
	return s[i:]
}

// entityType returns the type of an IOB2 tag and whether it begins ("B")
// or continues ("I") an entity; ok is false for O and malformed tags.
func entityType(tag string) (typ string, begin, ok bool) {
	if len(tag) < 3 || tag[1] != '-' || (tag[0] != 'B' && tag[0] != 'I') {
		return "", false, false
	}
	return tag[2:], tag[0] == 'B', true
}

// spans returns the entities of an IOB2 tag sequence as [start, end) word
// ranges with their type. An I- tag that does not continue an entity of its
// type starts a new one, as in conlleval and seqeval.
func spans(tags []string) []gazMatch {
	var out []gazMatch
	cur := -1
	for i, t := range tags {
		typ, begin, ok := entityType(t)
		if cur >= 0 && (!ok || begin || out[cur].typ != typ) {
			cur = -1
		}
		if !ok {
			continue
		}
		if cur < 0 {
			out = append(out, gazMatch{start: i, end: i + 1, typ: typ})
			cur = len(out) - 1
			continue
		}
		out[cur].end = i + 1
	}
	return out
}

// buildStats collects the gazetteer and capitalisation counts of the
// training sentences, and each sentence's own contribution to them.
func buildStats(sents [][]string, tags [][]string, types []string, maxLen int) (*stats, []*ownStats) {
	s := &stats{types: types, gaz: map[string]*gazEntry{}, words: map[string]*gazEntry{}, caps: map[string]capCount{}}
	typeIdx := map[string]int{}
	for i, t := range types {
		typeIdx[t] = i
	}
	owns := make([]*ownStats, len(sents))
	for k, words := range sents {
		own := &ownStats{gaz: map[string]*gazEntry{}, words: map[string]*gazEntry{}, caps: map[string]capCount{}}
		owns[k] = own
		for _, sp := range spans(tags[k]) {
			if sp.end-sp.start > maxLen {
				continue
			}
			key := strings.Join(words[sp.start:sp.end], " ")
			for _, e := range []map[string]*gazEntry{s.gaz, own.gaz} {
				g := e[key]
				if g == nil {
					g = &gazEntry{types: make([]int32, len(types))}
					e[key] = g
				}
				g.types[typeIdx[sp.typ]]++
			}
			for _, w := range words[sp.start:sp.end] {
				for _, e := range []map[string]*gazEntry{s.words, own.words} {
					g := e[w]
					if g == nil {
						g = &gazEntry{types: make([]int32, len(types))}
						e[w] = g
					}
					g.types[typeIdx[sp.typ]]++
				}
			}
			s.maxLen = max(s.maxLen, sp.end-sp.start)
		}
		for i, w := range words {
			if i == 0 {
				continue
			}
			r, _ := utf8.DecodeRuneInString(w)
			if !unicode.IsLetter(r) {
				continue
			}
			l := strings.ToLower(w)
			c := s.caps[l]
			o := own.caps[l]
			if unicode.IsUpper(r) {
				c.upper++
				o.upper++
			} else {
				c.lower++
				o.lower++
			}
			s.caps[l] = c
			own.caps[l] = o
		}
	}
	// Count every occurrence of each gazetteer word and phrase in the
	// training text.
	for k, words := range sents {
		own := owns[k]
		for _, w := range words {
			g := s.words[w]
			if g == nil {
				continue
			}
			g.total++
			o := own.words[w]
			if o == nil {
				o = &gazEntry{types: make([]int32, len(types))}
				own.words[w] = o
			}
			o.total++
		}
		for i := range words {
			for l := 1; l <= s.maxLen && i+l <= len(words); l++ {
				key := strings.Join(words[i:i+l], " ")
				g := s.gaz[key]
				if g == nil {
					continue
				}
				g.total++
				o := own.gaz[key]
				if o == nil {
					o = &gazEntry{types: make([]int32, len(types))}
					own.gaz[key] = o
				}
				o.total++
			}
		}
	}
	return s, owns
}
