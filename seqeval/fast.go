package seqeval

import "unsafe"

// The fast path of Score: Default mode with prefix tags and no IOB1
// conversion, the common case. Each distinct tag string is read once into
// a tagInfo (its canonical form, chunk class, type, accuracy key and
// confusion label); the words are then handled with integers only, and
// nothing is allocated per word. Without Details, Map and NoMisc it keeps
// no entities but counts them by type id as they end (countEnds). It
// gives the same Result as the general path (sentence), which
// TestFastPathEqualsGeneral and FuzzFastPath check.

// tagInfo is what Score needs of one distinct tag.
type tagInfo struct {
	canon   string // after upper-casing the prefix (unless KeepCase)
	lower   bool   // the prefix was upper-cased
	unknown bool   // seqeval warns "seems not to be NE tag"
	cls     byte   // default-mode class of canon
	typ     int32  // id of canon's type (the chunk type, before Map)
	acc     int32  // id of the tag as compared for the accuracy
	accO    bool   // that tag is O
	conll   int32  // id of its conlleval class (chunk tag and type)
	label   int    // confusion label id
	empty   bool   // the tag is "", an error
}

// fastTags interns tags: an open-addressing table from tag string to an
// index in infos, with the last tag of each side remembered, and in front
// of both a cache per side of the tags of up to 8 bytes, keyed by integers
// (shortKey) so that the common tags are found without comparing strings,
// and in front of that a cache per side by the address of a tag's bytes,
// which finds interned tags without reading them.
type fastTags struct {
	keys  []string
	idx   []int32
	mask  uint32
	infos []tagInfo
	last  [2]string
	lastI [2]int32
	ptr   [2][32]struct {
		p  *byte // the address of a tag's bytes
		n  int   // its length, -1 for an empty slot
		id int32 // its index
	}
	short [2][32]struct {
		key uint64 // shortKey of a tag of up to 8 bytes
		n   int32  // its length
		id  int32  // its index + 1, 0 for an empty slot
	}

	typeIDs map[string]int32
	types   []string
	counts  []directCounts // by type id + 1, on the direct path
	accIDs  map[string]int32
	conlIDs map[[2]string]int32
}

// tagHash hashes a tag by its length and three of its bytes (the first,
// the middle and the last), which tell the tags of a corpus apart: a hash
// of every byte costs more than the few collisions it saves.
func tagHash(s string) uint32 {
	n := len(s)
	if n == 0 {
		return 0
	}
	h := uint32(n)*0x9e3779b1 ^ uint32(s[0]) ^ uint32(s[n>>1])<<8 ^ uint32(s[n-1])<<16
	return h * 0x85ebca6b >> 16
}

func (f *fastTags) init() {
	f.keys = make([]string, 64)
	f.idx = make([]int32, 64)
	f.mask = 63
	f.typeIDs = map[string]int32{untyped: 0}
	f.types = []string{untyped}
	f.counts = make([]directCounts, 2, 16)
	f.accIDs = map[string]int32{}
	f.conlIDs = map[[2]string]int32{}
	f.lastI = [2]int32{-1, -1}
	for side := range f.ptr {
		for k := range f.ptr[side] {
			f.ptr[side][k].n = -1
		}
	}
}

// lookup returns the index of tag's info for side (0 gold, 1 predicted),
// reading the tag the first time.
func (f *fastTags) lookup(s *scorer, side int, tag string) int32 {
	// A tag whose bytes lie where those of a tag seen before lie is that
	// tag (strings do not change): a reader that interns its tags, or
	// string constants, give the same address to every copy of a tag.
	p := unsafe.StringData(tag)
	slot := &f.ptr[side&1][ptrSlot(p)]
	if slot.p == p && slot.n == len(tag) {
		return slot.id
	}
	id := f.lookupKey(s, side, tag)
	slot.p, slot.n, slot.id = p, len(tag), id
	return id
}

// ptrSlot is the slot of the address p in fastTags.ptr.
func ptrSlot(p *byte) uint64 { return uint64(uintptr(unsafe.Pointer(p))) * 0x9e3779b97f4a7c15 >> 59 }

// lookupKey is lookup by the tag's bytes.
func (f *fastTags) lookupKey(s *scorer, side int, tag string) int32 {
	// A tag of up to 8 bytes is found by one comparison of integers.
	key, ok := shortKey(tag)
	n := int32(len(tag))
	slot := &f.short[side][(key+uint64(n))*0x9e3779b97f4a7c15>>59]
	if ok && slot.id > 0 && slot.key == key && slot.n == n {
		return slot.id - 1
	}
	id := f.lookupString(s, side, tag)
	if ok {
		slot.key, slot.n, slot.id = key, n, id+1
	}
	return id
}

// shortKey returns, for a tag of up to 8 bytes, a number that only that
// tag has among the tags of its length: its bytes read as two words of
// four that overlap (4 to 8 bytes), or three of its bytes (1 to 3 bytes),
// which are then all of them. It returns false for a longer tag.
func shortKey(s string) (uint64, bool) {
	n := len(s)
	switch {
	case n > 8:
		return 0, false
	case n >= 4:
		lo := uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24
		hi := uint64(s[n-4]) | uint64(s[n-3])<<8 | uint64(s[n-2])<<16 | uint64(s[n-1])<<24
		return lo | hi<<32, true
	case n > 0:
		return uint64(s[0]) | uint64(s[n>>1])<<8 | uint64(s[n-1])<<16, true
	}
	return 0, true
}

// lookupString is lookup by the string.
func (f *fastTags) lookupString(s *scorer, side int, tag string) int32 {
	if f.lastI[side] >= 0 && tag == f.last[side] {
		return f.lastI[side]
	}
	h := tagHash(tag)
	for i := h & f.mask; ; i = (i + 1) & f.mask {
		if f.keys[i] == tag && (tag != "" || f.idx[i] != 0) {
			id := f.idx[i] - 1
			f.last[side], f.lastI[side] = tag, id
			return id
		}
		if f.idx[i] == 0 {
			break
		}
	}
	id := int32(len(f.infos))
	f.infos = append(f.infos, s.readTag(tag, f))
	if 2*len(f.infos) > len(f.keys) {
		f.grow()
	}
	for i := h & f.mask; ; i = (i + 1) & f.mask {
		if f.idx[i] == 0 {
			f.keys[i], f.idx[i] = tag, id+1
			break
		}
	}
	f.last[side], f.lastI[side] = tag, id
	return id
}

func (f *fastTags) grow() {
	keys, idx := f.keys, f.idx
	f.keys = make([]string, 2*len(keys))
	f.idx = make([]int32, 2*len(keys))
	f.mask = uint32(len(f.keys) - 1)
	for j, k := range keys {
		if idx[j] == 0 {
			continue
		}
		for i := tagHash(k) & f.mask; ; i = (i + 1) & f.mask {
			if f.idx[i] == 0 {
				f.keys[i], f.idx[i] = k, idx[j]
				break
			}
		}
	}
}

func (f *fastTags) typeID(t string) int32 {
	id, ok := f.typeIDs[t]
	if !ok {
		id = int32(len(f.types))
		f.typeIDs[t] = id
		f.types = append(f.types, t)
		f.counts = append(f.counts, directCounts{})
	}
	return id
}

// directCounts are the entity counts of one type on the direct path,
// kept by type id + 1 (0 for noType, which no entity has).
type directCounts struct {
	tp, gold, pred int
}

// direct reports whether the fast path counts entities as it finds them,
// without lists of entities: without Details, Map and NoMisc, which need
// the entities or their types' names.
func (o *Options) direct() bool {
	return !o.Details && len(o.Map) == 0 && !o.NoMisc
}

// countEnds counts, on the direct path, the entities that end on each
// side between the states gs and ps and the next word (ge and pe are 1
// where one ends, from advance): each for its type, and a true positive
// where both sides end one of the same type and start.
func countEnds(counts []directCounts, gs, ps chunkState, ge, pe int) {
	c := &counts[gs.prevTyp+1]
	c.gold += ge
	c.tp += ge & pe & b2i(gs.begin == ps.begin) & b2i(gs.prevTyp == ps.prevTyp)
	counts[ps.prevTyp+1].pred += pe
}

// readTag computes a tag's info as canonical, sentence and the confusion
// builder would.
func (s *scorer) readTag(tag string, f *fastTags) tagInfo {
	if tag == "" {
		// Score reports the sentence's error; the counts are dropped.
		return tagInfo{empty: true, unknown: true, cls: clsO}
	}
	in := tagInfo{canon: tag}
	if !s.opts.KeepCase && lowerPrefix(tag, false) {
		in.canon, in.lower = s.repaired(tag, upperPrefix), true
	}
	in.unknown = !seqevalTag(in.canon, false)
	var typ string
	in.cls, typ = splitPrefix(in.canon)
	in.typ = f.typeID(typ)
	acc := in.canon
	if s.acc != nil {
		acc = s.accTag(acc)
	}
	id, ok := f.accIDs[acc]
	if !ok {
		id = int32(len(f.accIDs))
		f.accIDs[acc] = id
	}
	in.acc, in.accO = id, acc == "O"
	ct, cty := conllSplit(acc)
	k := [2]string{ct, cty}
	cid, ok := f.conlIDs[k]
	if !ok {
		cid = int32(len(f.conlIDs))
		f.conlIDs[k] = cid
	}
	in.conll = cid
	if s.opts.Details {
		in.label = s.conf.id(0, in.canon, &s.opts)
	}
	return in
}

// generalOnly makes Score take the general path always (for tests).
var generalOnly = false

// fastPath reports whether Score can take the fast path.
func (o *Options) fastPath() bool {
	return !generalOnly && o.Mode == Default && o.Scheme == NoScheme && !o.Suffix && o.IOB1ToIOB2 == 0
}

// chunkState is appendDefault's state for one side.
type chunkState struct {
	prevCls byte
	prevTyp int32
	begin   int
}

// advance is one iteration of appendDefault's loop, with the chunk rules
// read from seqBounds and without a branch: it returns the state at word
// i, of class cls and type typ, and 1 if an entity (of c's type, from
// c.begin) ends before word i. The states are values, not pointers, so
// that they stay in registers.
func (c chunkState) advance(i int, cls byte, typ int32) (chunkState, int) {
	b := &seqBounds[c.prevCls<<3|cls]
	d := b2i(c.prevTyp != typ)
	return chunkState{cls, typ, c.begin + (i-c.begin)*b2i(b.start[d])}, b2i(b.end[d])
}

// step is advance that appends the entity that ends to dst.
// (Written out, not by a call of advance, so that it is inlined.)
func (c chunkState) step(dst []Entity, i int, cls byte, typ int32, types []string) ([]Entity, chunkState) {
	b := &seqBounds[c.prevCls<<3|cls]
	d := b2i(c.prevTyp != typ)
	if b.end[d] {
		dst = append(dst, Entity{Type: types[c.prevTyp], Start: c.begin, End: i})
	}
	return dst, chunkState{cls, typ, c.begin + (i-c.begin)*b2i(b.start[d])}
}

// seqBounds holds endOfChunk and startOfChunk for every pair of classes
// (previous<<3 | current), for the same type ([0]) and for different
// types ([1]).
var seqBounds = func() (t [64]struct{ end, start [2]bool }) {
	for prev := range byte(8) {
		for cur := range byte(8) {
			for d := range int32(2) {
				t[prev<<3|cur].end[d] = endOfChunk(prev, cur, 0, d)
				t[prev<<3|cur].start[d] = startOfChunk(prev, cur, 0, d)
			}
		}
	}
	return t
}()

// noType is an id that equals no type: appendDefault's prevType "" at the
// start of a sentence (no tag has the type "", which reads as "_").
const noType = -1

// fastSentence is sentence on the fast path. It returns false, having
// counted part of the sentence, if a tag is empty (an error).
func (s *scorer) fastSentence(i int, gold, pred []string) bool {
	f := &s.fast
	r := s.res
	rep := &r.Repairs
	tc := &r.TokenCounts
	r.Tokens += len(gold)
	g0, p0 := len(s.goldEnt), len(s.predEnt)
	firstG, firstP := -1, -1 // the first unknown tag of each side
	gs := chunkState{prevCls: clsO, prevTyp: noType}
	ps := gs
	// Counts by flags, not branches (b2i compiles to a flag): branches on
	// the tags are mispredicted. Two counts share each accumulator, 32
	// bits each (a sentence has fewer than 2^32 words: its tags alone would
	// take 64 GiB), so that all of them stay in registers:
	// correct | conll<<32, tn | fn<<32 and gold | predicted case repairs.
	var eqs, negs, cases uint64
	direct, details := s.opts.direct(), s.opts.Details
	counts := f.counts
	pred = pred[:len(gold)]
	for j := range gold {
		// lookup's first step for both sides at once, inlined: one branch,
		// taken for most words (those of interned tags).
		gt, pt := gold[j], pred[j]
		gsl, psl := &f.ptr[0][ptrSlot(unsafe.StringData(gt))], &f.ptr[1][ptrSlot(unsafe.StringData(pt))]
		gi, pi := gsl.id, psl.id
		if gh, ph := b2i(gsl.p == unsafe.StringData(gt))&b2i(gsl.n == len(gt)), b2i(psl.p == unsafe.StringData(pt))&b2i(psl.n == len(pt)); gh&ph == 0 {
			if gh == 0 {
				gi = f.lookupKey(s, 0, gt)
				gsl.p, gsl.n, gsl.id = unsafe.StringData(gt), len(gt), gi
			}
			if ph == 0 {
				pi = f.lookupKey(s, 1, pt)
				psl.p, psl.n, psl.id = unsafe.StringData(pt), len(pt), pi
			}
			counts = f.counts // a new type grows it
		}
		g, p := &f.infos[gi], &f.infos[pi]
		cases += uint64(b2i(g.lower)) | uint64(b2i(p.lower))<<32
		if b2i(g.unknown)|b2i(p.unknown) != 0 { // an empty tag is unknown too
			if g.empty || p.empty {
				return false
			}
			if g.unknown {
				rep.GoldUnknown++
				if firstG < 0 {
					firstG = j
				}
			}
			if p.unknown {
				rep.PredUnknown++
				if firstP < 0 {
					firstP = j
				}
			}
		}
		eq, gO, pO := uint64(b2i(g.acc == p.acc)), uint64(b2i(g.accO)), uint64(b2i(p.accO))
		eqs += eq | uint64(b2i(g.conll == p.conll))<<32
		negs += eq&gO | ((1^eq)&pO)<<32
		if details {
			s.conf.counts[g.label][p.label]++
		}
		if direct {
			gn, ge := gs.advance(j, g.cls, g.typ)
			pn, pe := ps.advance(j, p.cls, p.typ)
			countEnds(counts, gs, ps, ge, pe)
			gs, ps = gn, pn
		} else {
			s.goldEnt, gs = gs.step(s.goldEnt, j, g.cls, g.typ, f.types)
			s.predEnt, ps = ps.step(s.predEnt, j, p.cls, p.typ, f.types)
		}
	}
	correct, tn, fn := int(uint32(eqs)), int(uint32(negs)), int(negs>>32)
	rep.GoldCase += int(uint32(cases))
	rep.PredCase += int(cases >> 32)
	r.CorrectTags += correct
	r.conllCorrectTags += int(eqs >> 32)
	tc.TP += correct - tn
	tc.TN += tn
	tc.FP += len(gold) - correct - fn
	tc.FN += fn
	if rep.FirstUnknown == "" && (firstG >= 0 || firstP >= 0) {
		// The general path reads the gold sentence before the predicted one.
		te := &TagError{Side: "gold", Sentence: i, Word: firstG, Reason: "seems not to be NE tag"}
		if firstG < 0 {
			te.Side, te.Word = "predicted", firstP
			te.Tag = f.infos[f.lookup(s, 1, pred[firstP])].canon
		} else {
			te.Tag = f.infos[f.lookup(s, 0, gold[firstG])].canon
		}
		s.res.FirstUnknown = te
		rep.FirstUnknown = te.Error()
	}
	// seqeval's closing O.
	if direct {
		_, ge := gs.advance(len(gold), clsO, 0)
		_, pe := ps.advance(len(gold), clsO, 0)
		countEnds(f.counts, gs, ps, ge, pe)
		return true
	}
	s.goldEnt, _ = gs.step(s.goldEnt, len(gold), clsO, 0, f.types)
	s.predEnt, _ = ps.step(s.predEnt, len(gold), clsO, 0, f.types)
	s.finishSentence(i, g0, p0)
	return true
}
