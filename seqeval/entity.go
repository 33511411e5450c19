package seqeval

import (
	"strings"
	"unicode/utf8"
)

// Entity is one chunk of a sentence: a type and a span of word indices.
type Entity struct {
	// Type is the entity type, such as "PER". Untyped tags ("B", "B-")
	// give seqeval's placeholder type "_".
	Type string
	// Start is the index of the first word of the entity, from 0.
	Start int
	// End is one past the index of the last word (exclusive).
	End int
}

// Tag classes used by the default chunker. seqeval compares the first
// character of a tag with 'B', 'I', 'E', 'S', 'O' and '.'; every other
// character behaves the same way, as other.
const (
	clsOther byte = iota
	clsB
	clsI
	clsE
	clsS
	clsO
	clsDot
)

// untyped is seqeval's type for tags without one.
const untyped = "_"

// splitPrefix splits a prefix-style tag as seqeval 1.2.2 get_entities does:
// the class is the first character, and the type is the rest after its first
// '-' (or the whole rest when it has none), "_" when empty. The empty tag,
// on which seqeval raises IndexError, is reported as class other with type
// "_".
func splitPrefix(tag string) (byte, string) {
	if tag == "" {
		return clsOther, untyped
	}
	_, n := firstRune(tag)
	rest := tag[n:]
	if i := strings.IndexByte(rest, '-'); i >= 0 {
		rest = rest[i+1:]
	}
	if rest == "" {
		rest = untyped
	}
	return classOf(tag[:n]), rest
}

// splitSuffix splits a suffix-style tag ("PER-B") as seqeval 1.2.2 does with
// suffix=True: the class is the last character, and the type is what comes
// before the last '-' of the rest (or the whole rest when it has none), "_"
// when empty.
func splitSuffix(tag string) (byte, string) {
	if tag == "" {
		return clsOther, untyped
	}
	_, n := lastRune(tag)
	rest := tag[:len(tag)-n]
	if i := strings.LastIndexByte(rest, '-'); i >= 0 {
		rest = rest[:i]
	}
	if rest == "" {
		rest = untyped
	}
	return classOf(tag[len(tag)-n:]), rest
}

func classOf(c string) byte {
	if len(c) != 1 {
		return clsOther
	}
	switch c[0] {
	case 'B':
		return clsB
	case 'I':
		return clsI
	case 'E':
		return clsE
	case 'S':
		return clsS
	case 'O':
		return clsO
	case '.':
		return clsDot
	}
	return clsOther
}

// endOfChunk is seqeval's end_of_chunk: whether a chunk ended between the
// previous and the current word. Types are strings, or interned type ids on
// the fast path.
func endOfChunk[T comparable](prevTag, tag byte, prevType, typ T) bool {
	switch prevTag {
	case clsE, clsS:
		return true
	case clsB, clsI:
		if tag == clsB || tag == clsS || tag == clsO {
			return true
		}
	}
	return prevTag != clsO && prevTag != clsDot && prevType != typ
}

// startOfChunk is seqeval's start_of_chunk: whether a chunk started between
// the previous and the current word.
func startOfChunk[T comparable](prevTag, tag byte, prevType, typ T) bool {
	switch tag {
	case clsB, clsS:
		return true
	case clsE, clsI:
		if prevTag == clsE || prevTag == clsS || prevTag == clsO {
			return true
		}
	}
	return tag != clsO && tag != clsDot && prevType != typ
}

// DefaultEntities returns the entities of one sentence of prefix-style tags
// ("B-PER") under seqeval's default rules, those of get_entities in seqeval
// 1.2.2 (seqeval/metrics/sequence_labeling.py), in the order seqeval finds
// them (by end). These rules equal conlleval.pl's on B/I/O and E/I/O tags.
//
// Tags are taken as written: a lower-case prefix is not recognised, which is
// why Score canonicalises tags first. A tag "." never ends a chunk by a
// change of type, and an untyped tag ("B", "B-") has type "_". The empty tag
// (an IndexError in seqeval) behaves like any unrecognised prefix.
// DefaultEntities returns nil when the sentence has no entities.
func DefaultEntities(tags []string) []Entity {
	return appendDefault(nil, tags, false)
}

// appendDefault appends the default-mode entities of one sentence to dst.
// It allocates only when dst must grow.
func appendDefault(dst []Entity, tags []string, suffix bool) []Entity {
	prevTag, prevType := clsO, ""
	begin := 0
	split := splitPrefix
	if suffix {
		split = splitSuffix
	}
	// The loop runs once more than len(tags) for seqeval's closing 'O'.
	for i := 0; i <= len(tags); i++ {
		tag, typ := clsO, untyped
		if i < len(tags) {
			tag, typ = split(tags[i])
		}
		if endOfChunk(prevTag, tag, prevType, typ) {
			dst = append(dst, Entity{Type: prevType, Start: begin, End: i})
		}
		if startOfChunk(prevTag, tag, prevType, typ) {
			begin = i
		}
		prevTag, prevType = tag, typ
	}
	return dst
}

// firstRune returns the first character of s and its length in bytes, as
// Python's s[0] sees it; an invalid UTF-8 byte counts as one character.
func firstRune(s string) (rune, int) { return utf8.DecodeRuneInString(s) }

// lastRune returns the last character of s and its length in bytes.
func lastRune(s string) (rune, int) { return utf8.DecodeLastRuneInString(s) }
