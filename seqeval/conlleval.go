package seqeval

import (
	"encoding/binary"
	"fmt"
	"io"
	"sort"
	"strings"
	"unsafe"
)

// Conlleval counts chunks and tags exactly as conlleval.pl (version
// 2004-01-26) does, line by line, and prints its reports byte for byte. It
// is a streaming counter: call Token for every word line and Boundary for
// every sentence boundary (an empty line, or a line whose first field is
// -X-), then Report or LaTeX.
//
// It follows conlleval.pl on every tag, not only B/I/O and E/I/O: a tag is
// split at its first '-' into a chunk tag and a type (a type "0" reads as
// no type, Perl's false); chunk tags B, I, E, O, ".", "[" and "]" follow
// conlleval.pl's endOfChunk and startOfChunk, and any other chunk tag (S,
// a tag without a prefix such as PER, a lower-case b) only starts or ends a
// chunk by a change of type, as in conlleval.pl. The untyped tag (B) and
// the type "_" (B-_) are different types, as in conlleval.pl. Its counts
// therefore differ from seqeval's on tags outside B/I/O and E/I/O; Score
// keeps seqeval's rules.
//
// The zero Conlleval is conlleval.pl without options. Set the fields before
// the first Token. A Conlleval allocates once per distinct tag and type,
// never per word.
type Conlleval struct {
	// Raw is conlleval.pl's -r: every tag other than O (and Outside) gets a
	// B- prefix, so each word is its own chunk.
	Raw bool
	// Outside is conlleval.pl's -o: in Raw mode, the tag read as O. ""
	// means "O". Without Raw it has no effect, as in conlleval.pl.
	Outside string
	// IO reads the tags as the IO scheme: O, or a type written bare (PER)
	// or with an I- prefix (I-PER); each maximal run of words of one type
	// is one chunk. A tag with another prefix (B-, E-, S-) is an error
	// wrapping ErrTag. conlleval.pl has no such option.
	IO bool
	// NoMisc replaces every tag of type MISC by O before chunking.
	NoMisc bool
	// Map renames types before chunking (after Raw and IO); a target "O"
	// replaces the tag by O. With a map, Err reports a predicted type that
	// is neither a key of the map, a target nor a gold type.
	Map map[string]string

	ids     map[string]int32 // tag as written -> index in tags
	tags    []conllTag
	typeIDs map[string]int32
	types   []conllType
	keys    map[[2]string]int32 // (chunk tag, type) -> accuracy key

	names []string     // tags as written, by index
	cache [2][16]int32 // per side, recent tag indices + 1 by a hash of the tag
	short [2][32]struct {
		key uint64 // a tag of up to 7 bytes and its length (shortKey)
		id  int32  // its index + 1, 0 for an empty slot
	}

	tokens, correctTags        int
	nGold, nFound, nCorrect    int
	inCorrect                  bool
	prevGold, prevPred         conllTag
	lowerCase, ioConverted     int
	unmappedPred, firstUnknown string
	err                        error
}

// conllTag is a tag as conlleval.pl reads it: its chunk tag class, its type
// and the identity of the (chunk tag, type) pair for the accuracy.
type conllTag struct {
	cls   uint8
	typ   int32
	key   int32
	lower bool // a lower-case B/I/E/S/O prefix, read as conlleval.pl reads it
	pred  bool // seen as a prediction
	gold  bool // seen as gold
}

type conllType struct {
	name                 string
	gold, found, correct int
	mapped               bool // a key or a target of Map
}

// Chunk tag classes of conlleval.pl's rules. The zero value is O, the
// tag conlleval.pl starts from.
const (
	ccO uint8 = iota
	ccOther
	ccB
	ccI
	ccE
	ccDot
	ccOpen  // [
	ccClose // ]
)

var outsideTag = conllTag{cls: ccO}

func (c *Conlleval) init() {
	if c.ids != nil {
		return
	}
	c.ids = make(map[string]int32)
	c.typeIDs = map[string]int32{"": 0}
	c.types = []conllType{{name: ""}}
	c.keys = map[[2]string]int32{{"O", ""}: 0}
	for k, v := range c.Map {
		c.types[c.typeID(k)].mapped = true
		c.types[c.typeID(v)].mapped = true
	}
}

func (c *Conlleval) typeID(name string) int32 {
	id, ok := c.typeIDs[name]
	if !ok {
		id = int32(len(c.types))
		c.typeIDs[name] = id
		c.types = append(c.types, conllType{name: name})
	}
	return id
}

// parse reads a tag as conlleval.pl's main loop does.
func (c *Conlleval) parse(tag string) (conllTag, error) {
	t := tag
	if c.Raw {
		outside := c.Outside
		if outside == "" {
			outside = "O"
		}
		if t == outside {
			t = "O"
		}
		if t != "O" {
			t = "B-" + t
		}
	}
	lower := false
	if c.IO && t != "O" {
		if len(t) >= 2 && t[1] == '-' {
			if t[0] != 'I' {
				return conllTag{}, fmt.Errorf("tag %q: prefix %s is not allowed in IO (want O, TYPE or I-TYPE): %w", tag, t[:1], ErrTag)
			}
		} else {
			t = "I-" + t
		}
	}
	// /^([^-]*)-(.*)$/, then `$type ? $type : ""`.
	chunk, typ := t, ""
	if i := strings.IndexByte(t, '-'); i >= 0 {
		chunk, typ = t[:i], t[i+1:]
	}
	if typ == "0" {
		typ = ""
	}
	if c.NoMisc && typ == "MISC" {
		chunk, typ = "O", ""
	}
	if to, ok := c.Map[typ]; ok {
		if to == "O" {
			chunk, typ = "O", ""
		} else {
			typ = to
		}
	}
	cls := ccOther
	switch chunk {
	case "B":
		cls = ccB
	case "I":
		cls = ccI
	case "E":
		cls = ccE
	case "O":
		cls = ccO
	case ".":
		cls = ccDot
	case "[":
		cls = ccOpen
	case "]":
		cls = ccClose
	case "b", "i", "e", "s", "o":
		lower = true
	}
	k := [2]string{chunk, typ}
	key, ok := c.keys[k]
	if !ok {
		key = int32(len(c.keys))
		c.keys[k] = key
	}
	return conllTag{cls: cls, typ: c.typeID(typ), key: key, lower: lower}, nil
}

// lookup returns the index of tag, parsing it the first time.
func (c *Conlleval) lookup(tag []byte) (int32, error) {
	if id, ok := c.ids[string(tag)]; ok {
		return id, nil
	}
	t, err := c.parse(string(tag))
	if err != nil {
		return -1, err
	}
	id := int32(len(c.tags))
	c.ids[string(tag)] = id
	c.tags = append(c.tags, t)
	c.names = append(c.names, string(tag))
	return id, nil
}

// shortID returns the index of a tag of up to 7 bytes that is a slice of
// a larger buffer (cap(tag) >= 8, as the tags of a line read from a file
// are) from a cache looked up with one comparison of integers: the tag and
// the bytes after it are read as one word, masked to the tag and keyed
// with its length, which identifies the tag exactly. It returns false when
// the tag is not in that cache.
func (c *Conlleval) shortID(side int, tag []byte) (int32, bool) {
	n := len(tag)
	if n >= 8 || cap(tag) < 8 {
		return 0, false
	}
	key := binary.LittleEndian.Uint64(tag[:8])&(uint64(1)<<(8*n)-1) | uint64(n)<<56
	slot := &c.short[side][key*0x9e3779b97f4a7c15>>59]
	return slot.id - 1, slot.id > 0 && slot.key == key
}

// cached returns the index of tag on side (0 gold, 1 predicted), and puts
// a short tag into the cache of shortID.
func (c *Conlleval) cached(side int, tag []byte) (int32, error) {
	id, err := c.cachedHash(side, tag)
	if n := len(tag); err == nil && n < 8 && cap(tag) >= 8 {
		key := binary.LittleEndian.Uint64(tag[:8])&(uint64(1)<<(8*n)-1) | uint64(n)<<56
		slot := &c.short[side][key*0x9e3779b97f4a7c15>>59]
		slot.key, slot.id = key, id+1
	}
	return id, err
}

// cachedHash returns the index of tag on side (0 gold, 1 predicted)
// through a small direct-mapped cache in front of the map, which spares
// the map lookup on nearly every word: a corpus has few distinct tags.
func (c *Conlleval) cachedHash(side int, tag []byte) (int32, error) {
	h := len(tag)
	if h > 0 {
		h = h*7 + int(tag[0])*3 + int(tag[h-1])
	}
	slot := &c.cache[side][h&15]
	if id := *slot - 1; id >= 0 && string(tag) == c.names[id] {
		return id, nil
	}
	id, err := c.lookup(tag)
	if err != nil {
		return -1, err
	}
	*slot = id + 1
	if side == 0 {
		c.tags[id].gold = true
	} else {
		c.tags[id].pred = true
	}
	return id, nil
}

// TokenBytes is Token for tags given as bytes; it does not keep them.
func (c *Conlleval) TokenBytes(gold, pred []byte) error {
	gi, gok := c.shortID(0, gold)
	pi, pok := c.shortID(1, pred)
	if !gok || !pok || c.err != nil {
		return c.tokenSlow(gold, pred)
	}
	c.step(&c.tags[gi], &c.tags[pi], 1)
	return nil
}

// tokenSlow is TokenBytes for tags not in the cache of shortID.
func (c *Conlleval) tokenSlow(gold, pred []byte) error {
	if c.err != nil {
		return c.err
	}
	c.init()
	gi, err := c.cached(0, gold)
	if err != nil {
		c.err = fmt.Errorf("gold %w", err)
		return c.err
	}
	pi, err := c.cached(1, pred)
	if err != nil {
		c.err = fmt.Errorf("predicted %w", err)
		return c.err
	}
	c.step(&c.tags[gi], &c.tags[pi], 1)
	return nil
}

// Token adds a word line with its gold and predicted tag. It returns an
// error only in IO mode, for a tag the scheme does not allow; the error is
// kept, and later calls return it.
func (c *Conlleval) Token(gold, pred string) error {
	return c.TokenBytes(unsafe.Slice(unsafe.StringData(gold), len(gold)), unsafe.Slice(unsafe.StringData(pred), len(pred)))
}

// Boundary adds a sentence boundary, which conlleval.pl reads as an O O
// line that is not a token.
func (c *Conlleval) Boundary() {
	c.init()
	c.step(&outsideTag, &outsideTag, 0)
}

// step is one iteration of conlleval.pl's main loop, for a word line
// (word 1) or a boundary (word 0). It branches on nothing that depends on
// the tags (b2i compiles to a flag), since such branches are mispredicted.
func (c *Conlleval) step(g, p *conllTag, word int) {
	c.tokens += word
	c.lowerCase += b2i(g.lower) + b2i(p.lower)
	c.correctTags += b2i(g.key == p.key) & word
	pg, pp := &c.prevGold, &c.prevPred
	bg, bp := &conllBounds[pg.cls<<3|g.cls], &conllBounds[pp.cls<<3|p.cls]
	dg, dp := b2i(pg.typ != g.typ), b2i(pp.typ != p.typ)
	endG, endP := b2i(bg.end[dg]), b2i(bp.end[dp])
	startG, startP := b2i(bg.start[dg]), b2i(bp.start[dp])
	// conlleval.pl: a correct chunk open on both sides closes, counted,
	// when both end together with the same type, and is dropped when only
	// one ends or the types differ.
	in := b2i(c.inCorrect)
	closed := in & endG & endP & b2i(pp.typ == pg.typ)
	keep := in &^ closed &^ (endG ^ endP | b2i(p.typ != g.typ))
	c.nCorrect += closed
	c.types[pg.typ].correct += closed
	c.inCorrect = keep|startG&startP&b2i(p.typ == g.typ) != 0
	c.nGold += startG
	c.types[g.typ].gold += startG
	c.nFound += startP
	c.types[p.typ].found += startP
	c.prevGold, c.prevPred = *g, *p
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// conllBounds holds conllEnd and conllStart for every pair of chunk tag
// classes (previous<<3 | current), for the same type ([0]) and for
// different types ([1]).
var conllBounds = func() (t [64]struct{ end, start [2]bool }) {
	for prev := range uint8(8) {
		for cur := range uint8(8) {
			for d := range 2 {
				a, b := conllTag{cls: prev, typ: 1}, conllTag{cls: cur, typ: int32(1 + d)}
				t[prev<<3|cur].end[d], t[prev<<3|cur].start[d] = conllEnd(a, b), conllStart(a, b)
			}
		}
	}
	return t
}()

// conllEnd is conlleval.pl's endOfChunk.
func conllEnd(prev, cur conllTag) bool {
	switch prev.cls {
	case ccB, ccI:
		if cur.cls == ccB || cur.cls == ccO {
			return true
		}
	case ccE:
		if cur.cls == ccE || cur.cls == ccI || cur.cls == ccO {
			return true
		}
	case ccOpen, ccClose:
		return true
	}
	return prev.cls != ccO && prev.cls != ccDot && prev.typ != cur.typ
}

// conllStart is conlleval.pl's startOfChunk.
func conllStart(prev, cur conllTag) bool {
	switch cur.cls {
	case ccB:
		if prev.cls == ccB || prev.cls == ccI || prev.cls == ccO {
			return true
		}
	case ccI:
		if prev.cls == ccO || prev.cls == ccE {
			return true
		}
	case ccE:
		if prev.cls == ccE || prev.cls == ccO {
			return true
		}
	case ccOpen, ccClose:
		return true
	}
	return cur.cls != ccO && cur.cls != ccDot && prev.typ != cur.typ
}

// ConllCounts are conlleval.pl's counts: tokens, tokens whose tags agree,
// and gold (phrases), found and correct chunks.
type ConllCounts struct {
	Tokens, CorrectTags  int
	Gold, Found, Correct int
	LowerCasePrefixes    int // tags with a lower-case b, i, e, s or o prefix, read as written
	PerType              []ConllTypeCounts
}

// ConllTypeCounts holds the counts of one type; Name is "" for untyped
// tags.
type ConllTypeCounts struct {
	Name                 string
	Gold, Found, Correct int
}

// Counts returns the counts so far, with a chunk still open at the end
// closed as conlleval.pl does after the last line. PerType lists the types
// that occur in gold or found chunks, sorted by name (bytes).
func (c *Conlleval) Counts() ConllCounts {
	c.init()
	r := ConllCounts{Tokens: c.tokens, CorrectTags: c.correctTags, Gold: c.nGold, Found: c.nFound, Correct: c.nCorrect,
		LowerCasePrefixes: c.lowerCase}
	pending := int32(-1)
	if c.inCorrect {
		r.Correct++
		pending = c.prevGold.typ
	}
	for i, t := range c.types {
		correct := t.correct
		if int32(i) == pending {
			correct++
		}
		if t.gold > 0 || t.found > 0 {
			r.PerType = append(r.PerType, ConllTypeCounts{Name: t.name, Gold: t.gold, Found: t.found, Correct: correct})
		}
	}
	sort.Slice(r.PerType, func(i, j int) bool { return r.PerType[i].Name < r.PerType[j].Name })
	return r
}

// Err returns the error of a tag the IO scheme does not allow, or, with a
// Map, the error for predicted types that are neither mapped, a mapping
// target nor a gold type (wrapping ErrUnmappedType). It returns nil
// otherwise.
func (c *Conlleval) Err() error {
	if c.err != nil || len(c.Map) == 0 {
		return c.err
	}
	c.init()
	goldType := make([]bool, len(c.types))
	for _, t := range c.tags {
		if t.gold {
			goldType[t.typ] = true
		}
	}
	var bad []string
	seen := map[int32]bool{}
	for _, t := range c.tags {
		if !t.pred || seen[t.typ] || t.typ == 0 || goldType[t.typ] || c.types[t.typ].mapped {
			continue
		}
		seen[t.typ] = true
		bad = append(bad, c.types[t.typ].name)
	}
	if len(bad) == 0 {
		return nil
	}
	sort.Strings(bad)
	return fmt.Errorf("%w: predicted type %q is neither a gold type nor a mapping target, and has no mapping; %d such type(s): %q",
		ErrUnmappedType, bad[0], len(bad), bad)
}

// rows returns the per-type lines of conlleval.pl: the sorted names of the
// gold and found types, where a type "" present in both is listed twice
// (conlleval.pl's `not($lastType)` keeps both copies of a false name).
func (r *ConllCounts) rows() []ConllTypeCounts {
	rows := make([]ConllTypeCounts, 0, len(r.PerType))
	for _, t := range r.PerType {
		rows = append(rows, t)
		if t.Name == "" && t.Gold > 0 && t.Found > 0 {
			rows = append(rows, t)
		}
	}
	return rows
}

// WriteReport writes conlleval.pl's default report.
func (r *ConllCounts) WriteReport(w io.Writer) error {
	b := make([]byte, 0, 256+80*len(r.PerType))
	b = fmt.Appendf(b, "processed %d tokens with %d phrases; found: %d phrases; correct: %d.\n", r.Tokens, r.Gold, r.Found, r.Correct)
	if r.Tokens > 0 {
		p, rc, f := conllPRF(r.Correct, r.Found, r.Gold)
		b = fmt.Appendf(b, "accuracy: %6.2f%%; precision: %6.2f%%; recall: %6.2f%%; FB1: %6.2f\n",
			float64(100*r.CorrectTags)/float64(r.Tokens), p, rc, f)
	}
	for _, t := range r.rows() {
		p, rc, f := conllPRF(t.Correct, t.Found, t.Gold)
		if len(t.Name) < 17 {
			b = append(b, strings.Repeat(" ", 17-len(t.Name))...)
		}
		b = append(b, t.Name...)
		b = fmt.Appendf(b, ": precision: %6.2f%%; recall: %6.2f%%; FB1: %6.2f  %d\n", p, rc, f, t.Found)
	}
	_, err := w.Write(b)
	return err
}

// WriteLaTeX writes conlleval.pl's -l report, a LaTeX table.
func (r *ConllCounts) WriteLaTeX(w io.Writer) error {
	var b strings.Builder
	b.WriteString(`        & Precision &  Recall  & F$_{\beta=1} \\\hline`)
	for _, t := range r.rows() {
		p, rc, f := conllPRF(t.Correct, t.Found, t.Gold)
		b.WriteString("\n")
		b.WriteString(t.Name)
		if len(t.Name) < 7 {
			b.WriteString(strings.Repeat(" ", 7-len(t.Name)))
		}
		fmt.Fprintf(&b, ` &  %6.2f\%% & %6.2f\%% & %6.2f \\`, p, rc, f)
	}
	b.WriteString("\\hline\n")
	p, rc, f := conllPRF(r.Correct, r.Found, r.Gold)
	fmt.Fprintf(&b, `Overall &  %6.2f\%% & %6.2f\%% & %6.2f \\\hline`+"\n", p, rc, f)
	_, err := io.WriteString(w, b.String())
	return err
}

// Report returns conlleval.pl's default report for the counts so far.
func (c *Conlleval) Report() string {
	r := c.Counts()
	var b strings.Builder
	_ = r.WriteReport(&b)
	return b.String()
}

// LaTeX returns conlleval.pl's -l report for the counts so far.
func (c *Conlleval) LaTeX() string {
	r := c.Counts()
	var b strings.Builder
	_ = r.WriteLaTeX(&b)
	return b.String()
}
