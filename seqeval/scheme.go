package seqeval

import (
	"fmt"
	"strings"
)

// Mode selects the chunker. There is no silent fallback from one to the
// other: Score rejects a Strict mode without a scheme and a Default mode with
// one.
type Mode int

const (
	// Default is seqeval's default mode (get_entities), which counts like
	// conlleval.pl on B/I/O and E/I/O tags: I-X after O starts a chunk, a
	// change of type starts a chunk, and sentence ends close chunks.
	Default Mode = iota
	// Strict is seqeval's mode="strict" with an explicit scheme (seqeval's
	// Entities/Tokens classes): a tag sequence that the scheme does not
	// allow, such as I-X after O in IOB2, gives no entity.
	Strict
)

// String returns "default" or "strict".
func (m Mode) String() string {
	switch m {
	case Default:
		return "default"
	case Strict:
		return "strict"
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// ParseMode parses "default" or "strict" (case-insensitive).
func ParseMode(s string) (Mode, error) {
	switch strings.ToLower(s) {
	case "default":
		return Default, nil
	case "strict":
		return Strict, nil
	}
	return 0, fmt.Errorf("%w: mode %q (want default or strict)", ErrOption, s)
}

// Scheme is a tagging scheme of strict mode, with the semantics of the
// class of the same name in seqeval 1.2.2 seqeval/scheme.py.
type Scheme int

const (
	// NoScheme is the zero Scheme, the only one allowed in Default mode.
	NoScheme Scheme = iota
	// IOB1 starts a chunk with I-, and uses B- only between two adjacent
	// chunks of one type (raw CoNLL-2003).
	IOB1
	// IOB2 starts every chunk with B- (DaNE, CoNLL-2003 as usually
	// distributed).
	IOB2
	// IOE1 ends a chunk with I-, and uses E- only before an adjacent chunk
	// of the same type.
	IOE1
	// IOE2 ends every chunk with E-.
	IOE2
	// IOBES marks single-word chunks with S- and chunk ends with E-.
	IOBES
	// BILOU is IOBES with L- (last) and U- (unit).
	BILOU
	// IO has no chunk prefixes: a tag is O or an entity type, written bare
	// (PER) or with an I- prefix (I-PER), and each maximal run of words of
	// one type is one entity. A tag with another prefix (B-PER, E-PER,
	// S-PER) is an error. IO is allowed in both modes and gives the same
	// entities in both; it cannot be combined with Suffix.
	IO
)

var schemeNames = [...]string{"", "IOB1", "IOB2", "IOE1", "IOE2", "IOBES", "BILOU", "IO"}

// String returns the scheme's name, such as "IOB2", or "" for NoScheme.
func (s Scheme) String() string {
	if s >= 0 && int(s) < len(schemeNames) {
		return schemeNames[s]
	}
	return fmt.Sprintf("Scheme(%d)", int(s))
}

// ParseScheme parses a scheme name such as "IOB2" (case-insensitive). The
// empty string gives NoScheme.
func ParseScheme(s string) (Scheme, error) {
	for i, n := range schemeNames {
		if strings.EqualFold(s, n) {
			return Scheme(i), nil
		}
	}
	return 0, fmt.Errorf("%w: scheme %q (want IOB1, IOB2, IOE1, IOE2, IOBES, BILOU or IO)", ErrOption, s)
}

// Strict-mode prefixes, as the bits of seqeval's Prefix flag.
const (
	pI uint8 = 1 << iota
	pO
	pB
	pE
	pS
	pU
	pL
	pAny = pI | pO | pB | pE | pS | pU | pL
)

// Tag conditions of seqeval's Tag flag.
const (
	tSame uint8 = 1 << iota
	tDiff
	tAny = tSame | tDiff
)

// pattern is one (previous prefix, current prefix, tag condition) triple.
type pattern struct{ prev, cur, cond uint8 }

// rules holds a scheme's class attributes from seqeval/scheme.py.
type rules struct {
	allowed            uint8
	start, inside, end []pattern
	allowedDescription string
}

var schemeRules = [...]rules{
	IOB1: {
		allowed:            pI | pO | pB,
		allowedDescription: "I, O, B",
		start:              []pattern{{pO, pI, tAny}, {pI, pI, tDiff}, {pB, pI, tAny}, {pI, pB, tSame}, {pB, pB, tSame}},
		inside:             []pattern{{pB, pI, tSame}, {pI, pI, tSame}},
		end:                []pattern{{pI, pI, tDiff}, {pI, pO, tAny}, {pI, pB, tAny}, {pB, pO, tAny}, {pB, pI, tDiff}, {pB, pB, tSame}},
	},
	IOE1: {
		allowed:            pI | pO | pE,
		allowedDescription: "I, O, E",
		start:              []pattern{{pO, pI, tAny}, {pI, pI, tDiff}, {pE, pI, tAny}, {pE, pE, tSame}},
		inside:             []pattern{{pI, pI, tSame}, {pI, pE, tSame}},
		end:                []pattern{{pI, pI, tDiff}, {pI, pO, tAny}, {pI, pE, tDiff}, {pE, pI, tSame}, {pE, pE, tSame}},
	},
	IOB2: {
		allowed:            pI | pO | pB,
		allowedDescription: "I, O, B",
		start:              []pattern{{pAny, pB, tAny}},
		inside:             []pattern{{pB, pI, tSame}, {pI, pI, tSame}},
		end:                []pattern{{pI, pO, tAny}, {pI, pI, tDiff}, {pI, pB, tAny}, {pB, pO, tAny}, {pB, pI, tDiff}, {pB, pB, tAny}},
	},
	IOE2: {
		allowed:            pI | pO | pE,
		allowedDescription: "I, O, E",
		start:              []pattern{{pO, pI, tAny}, {pO, pE, tAny}, {pE, pI, tAny}, {pE, pE, tAny}, {pI, pI, tDiff}, {pI, pE, tDiff}},
		inside:             []pattern{{pI, pE, tSame}, {pI, pI, tSame}},
		end:                []pattern{{pE, pAny, tAny}},
	},
	IOBES: {
		allowed:            pI | pO | pB | pE | pS,
		allowedDescription: "I, O, B, E, S",
		start:              []pattern{{pAny, pB, tAny}, {pAny, pS, tAny}},
		inside:             []pattern{{pB, pI, tSame}, {pB, pE, tSame}, {pI, pI, tSame}, {pI, pE, tSame}},
		end:                []pattern{{pS, pAny, tAny}, {pE, pAny, tAny}},
	},
	BILOU: {
		allowed:            pB | pI | pL | pO | pU,
		allowedDescription: "B, I, L, O, U",
		start:              []pattern{{pAny, pB, tAny}, {pAny, pU, tAny}},
		inside:             []pattern{{pB, pI, tSame}, {pB, pL, tSame}, {pI, pI, tSame}, {pI, pL, tSame}},
		end:                []pattern{{pU, pAny, tAny}, {pL, pAny, tAny}},
	},
}

// token is a parsed strict-mode tag.
type token struct {
	prefix uint8
	typ    string
}

var outside = token{prefix: pO, typ: untyped}

func match(ps []pattern, prev, cur token) bool {
	for _, p := range ps {
		if prev.prefix&p.prev == 0 || cur.prefix&p.cur == 0 {
			continue
		}
		if p.cond == tAny || (p.cond == tSame) == (prev.typ == cur.typ) {
			return true
		}
	}
	return false
}

// strictPrefix maps a prefix character to its flag; 0 for a character that
// is not a member of seqeval's Prefix enum (a KeyError in seqeval).
func strictPrefix(c string) uint8 {
	if len(c) != 1 {
		return 0
	}
	switch c[0] {
	case 'I':
		return pI
	case 'O':
		return pO
	case 'B':
		return pB
	case 'E':
		return pE
	case 'S':
		return pS
	case 'U':
		return pU
	case 'L':
		return pL
	}
	return 0
}

// parseStrict parses a tag as seqeval's Token does: the prefix is the
// first (or, with suffix, the last) character, and the type is the rest with
// leading and trailing '-' removed, "_" when empty.
func parseStrict(tag string, suffix bool) (token, bool) {
	if tag == "" {
		return token{}, false
	}
	var c, rest string
	if suffix {
		_, n := lastRune(tag)
		c, rest = tag[len(tag)-n:], tag[:len(tag)-n]
	} else {
		_, n := firstRune(tag)
		c, rest = tag[:n], tag[n:]
	}
	rest = strings.Trim(rest, "-")
	if rest == "" {
		rest = untyped
	}
	p := strictPrefix(c)
	return token{prefix: p, typ: rest}, p != 0
}

// TagError reports a tag that a strict scheme does not accept, or an empty
// tag. It wraps ErrTag.
type TagError struct {
	Side     string // "gold" or "predicted"; "" from StrictEntities
	Sentence int    // 0-based sentence index
	Word     int    // 0-based word index
	Tag      string
	Reason   string
}

func (e *TagError) Error() string {
	if e.Side == "" {
		return fmt.Sprintf("word %d: tag %q: %s", e.Word, e.Tag, e.Reason)
	}
	return fmt.Sprintf("%s sentence %d, word %d: tag %q: %s", e.Side, e.Sentence, e.Word, e.Tag, e.Reason)
}

func (e *TagError) Unwrap() error { return ErrTag }

// StrictEntities returns the entities of one sentence under a strict
// scheme, as seqeval 1.2.2's Tokens(tags, scheme).entities does, with End
// exclusive. A tag whose prefix is not one of seqeval's (I, O, B, E, S, U, L)
// or that the scheme does not allow is an error wrapping ErrTag, as it is a
// KeyError or ValueError in seqeval. A scheme of NoScheme panics.
func StrictEntities(tags []string, scheme Scheme, suffix bool) ([]Entity, error) {
	var c strictChunker
	return c.appendEntities(nil, tags, scheme, suffix, "", 0)
}

// strictChunker keeps the parsed tokens of the last sentence so that
// chunking a corpus does not allocate per word.
type strictChunker struct {
	toks []token
}

func (c *strictChunker) appendEntities(dst []Entity, tags []string, scheme Scheme, suffix bool, side string, sent int) ([]Entity, error) {
	if scheme == IO {
		return appendIO(dst, tags, side, sent)
	}
	if scheme <= NoScheme || int(scheme) >= len(schemeRules) {
		panic(fmt.Sprintf("seqeval: invalid strict scheme %d", int(scheme)))
	}
	r := &schemeRules[scheme]
	c.toks = c.toks[:0]
	for i, tag := range tags {
		t, ok := parseStrict(tag, suffix)
		if !ok {
			reason := "unknown prefix"
			if tag == "" {
				reason = "empty tag"
			}
			return dst, &TagError{Side: side, Sentence: sent, Word: i, Tag: tag, Reason: reason}
		}
		if t.prefix&r.allowed == 0 {
			return dst, &TagError{Side: side, Sentence: sent, Word: i, Tag: tag,
				Reason: fmt.Sprintf("prefix not allowed in %v (allowed: %s)", scheme, r.allowedDescription)}
		}
		c.toks = append(c.toks, t)
	}
	// The sentinel of Tokens.extended_tokens.
	c.toks = append(c.toks, outside)
	ext := c.toks
	n := len(tags)
	prev := outside
	for i := 0; i < len(ext); {
		tok := ext[i]
		if match(r.start, prev, tok) {
			end := n - 1 // Tokens._forward's fall-through value
			p := tok
			for j := i + 1; j < len(ext); j++ {
				if match(r.inside, p, ext[j]) {
					p = ext[j]
					continue
				}
				end = j
				break
			}
			if end >= 1 && end < len(ext) && match(r.end, ext[end-1], ext[end]) {
				dst = append(dst, Entity{Type: tok.typ, Start: i, End: end})
			}
			if end <= i { // unreachable: the sentinel O never starts a chunk
				end = i + 1
			}
			i = end
		} else {
			i++
		}
		prev = ext[i-1]
	}
	return dst, nil
}

// parseIO reads an IO tag: "O" is outside; "I-X" and a bare "X" have type
// X ("I" and "I-" are untyped, "_"). A tag with another one-character
// prefix ("B-X") is not IO.
func parseIO(tag string) (typ string, outside, ok bool) {
	switch {
	case tag == "O":
		return "", true, true
	case tag == "":
		return "", false, false
	case tag == "I" || tag == "I-":
		return untyped, false, true
	case len(tag) >= 2 && tag[1] == '-':
		if tag[0] != 'I' {
			return "", false, false
		}
		return tag[2:], false, true
	}
	return tag, false, true
}

// appendIO appends the entities of one sentence of IO tags: maximal runs of
// one type.
func appendIO(dst []Entity, tags []string, side string, sent int) ([]Entity, error) {
	begin, prev := -1, ""
	for i, tag := range tags {
		typ, outside, ok := parseIO(tag)
		if !ok {
			reason := "prefix not allowed in IO (want O, TYPE or I-TYPE)"
			if tag == "" {
				reason = "empty tag"
			}
			return dst, &TagError{Side: side, Sentence: sent, Word: i, Tag: tag, Reason: reason}
		}
		if begin >= 0 && (outside || typ != prev) {
			dst = append(dst, Entity{Type: prev, Start: begin, End: i})
			begin = -1
		}
		if !outside && begin < 0 {
			begin, prev = i, typ
		}
	}
	if begin >= 0 {
		dst = append(dst, Entity{Type: prev, Start: begin, End: len(tags)})
	}
	return dst, nil
}
