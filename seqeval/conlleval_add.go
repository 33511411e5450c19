package seqeval

// Counting in parts. conlleval.pl's state between two lines is the chunk
// tag and type of the previous line on each side and whether a correct
// chunk is open. A sentence boundary sets the previous tags to O on both
// sides, but it leaves a correct chunk open when neither side ends one
// there: after a tag whose chunk tag is "." (conlleval.pl's endOfChunk
// never ends a chunk after it), or an untyped tag other than B, I, E, [
// and ] (such as S or PER written bare), whose type "" equals the O's.
// So most boundaries, but not all, bring the counter back to its initial
// state; AtStart says whether one did.

// AtStart reports whether the counter is in conlleval.pl's initial state:
// no word counted, or the last line counted a boundary that closed every
// chunk. The counts of the lines that follow can then be counted apart,
// by a zero Conlleval with the same options, and added with Add.
func (c *Conlleval) AtStart() bool {
	return !c.inCorrect && c.prevGold.cls == ccO && c.prevGold.typ == 0 && c.prevPred.cls == ccO && c.prevPred.typ == 0
}

// Add adds to c the counts of d, a Conlleval with the same options that
// counted the lines following those counted by c, from its zero state.
// Afterwards c is as if it had counted all those lines itself: its counts,
// reports, Err and state are those of one counter over c's lines and then
// d's. An error kept by c stays; otherwise d's is taken.
//
// Add panics unless c.AtStart() holds: only then does d's zero state equal
// the state c would have counted d's lines from.
func (c *Conlleval) Add(d *Conlleval) {
	if !c.AtStart() {
		panic("seqeval: Conlleval.Add after a line that leaves a chunk open")
	}
	c.init()
	if c.err == nil {
		c.err = d.err
	}
	if d.ids == nil { // d counted nothing
		return
	}
	c.tokens += d.tokens
	c.correctTags += d.correctTags
	c.nGold += d.nGold
	c.nFound += d.nFound
	c.nCorrect += d.nCorrect
	c.lowerCase += d.lowerCase
	c.ioConverted += d.ioConverted
	// Types by name; Counts and Err order them by name, so the order of
	// first appearance is not observable.
	typ := make([]int32, len(d.types))
	for i, t := range d.types {
		id := c.typeID(t.name)
		typ[i] = id
		ct := &c.types[id]
		ct.gold += t.gold
		ct.found += t.found
		ct.correct += t.correct
		ct.mapped = ct.mapped || t.mapped
	}
	names := make([][2]string, len(d.keys))
	for name, k := range d.keys {
		names[k] = name
	}
	key := func(k int32) int32 {
		id, ok := c.keys[names[k]]
		if !ok {
			id = int32(len(c.keys))
			c.keys[names[k]] = id
		}
		return id
	}
	// Tags by name, with the sides they were seen on (for Err). d parsed
	// every one of them, so parsing them again cannot fail.
	for i, t := range d.tags {
		id, ok := c.ids[d.names[i]]
		if !ok {
			id = int32(len(c.tags))
			c.ids[d.names[i]] = id
			c.tags = append(c.tags, conllTag{cls: t.cls, typ: typ[t.typ], key: key(t.key), lower: t.lower})
			c.names = append(c.names, d.names[i])
		}
		ct := &c.tags[id]
		ct.gold = ct.gold || t.gold
		ct.pred = ct.pred || t.pred
	}
	c.inCorrect = d.inCorrect
	c.prevGold, c.prevPred = d.prevGold, d.prevPred
	c.prevGold.typ, c.prevPred.typ = typ[d.prevGold.typ], typ[d.prevPred.typ]
	c.prevGold.key, c.prevPred.key = key(d.prevGold.key), key(d.prevPred.key)
}
