package seqeval

// canonical returns the tags of one sentence as they will be chunked: with
// upper-case prefixes (unless KeepCase) and IOB1 converted to IOB2 where
// asked. It counts the repairs, and in Default mode the tags seqeval warns
// about. The input is never modified; a changed sentence is copied into buf.
func (s *scorer) canonical(tags []string, buf *[]string, side Side, sent int) ([]string, error) {
	out := tags
	copied := false
	set := func(j int, t string) {
		if !copied {
			*buf = append((*buf)[:0], tags...)
			out = *buf
			copied = true
		}
		out[j] = t
	}
	rep := &s.res.Repairs
	for j, t := range tags {
		if t == "" {
			return nil, &TagError{Side: sideName(side), Sentence: sent, Word: j, Tag: t, Reason: "empty tag"}
		}
		if s.opts.KeepCase || !lowerPrefix(t, s.opts.Suffix) {
			continue
		}
		set(j, s.repaired(t, upperPrefix))
		if side == GoldSide {
			rep.GoldCase++
		} else {
			rep.PredCase++
		}
	}
	if s.opts.IOB1ToIOB2&side != 0 {
		split := splitPrefix
		if s.opts.Suffix {
			split = splitSuffix
		}
		prevCls, prevType := clsO, ""
		for j, t := range out {
			cls, typ := split(t)
			if cls == clsI && (j == 0 || (prevCls != clsB && prevCls != clsI) || prevType != typ) {
				set(j, s.repaired(t, toB))
				if side == GoldSide {
					rep.GoldIOB1++
				} else {
					rep.PredIOB1++
				}
			}
			prevCls, prevType = cls, typ
		}
	}
	if s.opts.Mode == Default {
		for j, t := range out {
			if seqevalTag(t, s.opts.Suffix) {
				continue
			}
			if side == GoldSide {
				rep.GoldUnknown++
			} else {
				rep.PredUnknown++
			}
			if rep.FirstUnknown == "" {
				rep.FirstUnknown = (&TagError{Side: sideName(side), Sentence: sent, Word: j, Tag: t,
					Reason: "seems not to be NE tag"}).Error()
			}
		}
	}
	return out, nil
}

func sideName(s Side) string {
	if s == GoldSide {
		return "gold"
	}
	return "predicted"
}

const (
	upperPrefix = iota
	toB
)

// repaired returns the repaired form of t, cached so that a corpus of
// lower-case tags allocates once per distinct tag.
func (s *scorer) repaired(t string, op int) string {
	if s.repair[op] == nil {
		s.repair[op] = make(map[string]string)
	}
	if r, ok := s.repair[op][t]; ok {
		return r
	}
	var r string
	switch {
	case op == upperPrefix && s.opts.Suffix:
		r = t[:len(t)-1] + string(rune(t[len(t)-1]-'a'+'A'))
	case op == upperPrefix:
		r = string(rune(t[0]-'a'+'A')) + t[1:]
	case s.opts.Suffix:
		_, n := lastRune(t)
		r = t[:len(t)-n] + "B"
	default:
		_, n := firstRune(t)
		r = "B" + t[n:]
	}
	s.repair[op][t] = r
	return r
}

// isLowerPrefix reports whether c is a lower-case scheme letter.
func isLowerPrefix(c byte) bool {
	switch c {
	case 'b', 'i', 'e', 's', 'o', 'u', 'l':
		return true
	}
	return false
}

// lowerPrefix reports whether t has a lower-case prefix letter: "o", or
// "b-..." ("...-b" with suffix).
func lowerPrefix(t string, suffix bool) bool {
	n := len(t)
	if n == 1 {
		return isLowerPrefix(t[0])
	}
	if suffix {
		return t[n-2] == '-' && isLowerPrefix(t[n-1])
	}
	return t[1] == '-' && isLowerPrefix(t[0])
}

// seqevalTag reports whether seqeval 1.2.2's get_entities accepts t without
// a warning (_validate_chunk).
func seqevalTag(t string, suffix bool) bool {
	switch t {
	case "O", "B", "I", "E", "S":
		return true
	}
	n := len(t)
	if n < 2 {
		return false
	}
	c := t[0]
	if suffix {
		if t[n-2] != '-' {
			return false
		}
		c = t[n-1]
	} else if t[1] != '-' {
		return false
	}
	return c == 'B' || c == 'I' || c == 'E' || c == 'S'
}
