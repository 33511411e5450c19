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
	if s.opts.Mode == Default && s.opts.Scheme != IO {
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
				s.res.FirstUnknown = &TagError{Side: sideName(side), Sentence: sent, Word: j, Tag: t,
					Reason: "seems not to be NE tag"}
				rep.FirstUnknown = s.res.FirstUnknown.Error()
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

// accTag returns tag t as compared for the accuracy and the token counts:
// with NoMisc, a MISC tag is O; with Map, the type is renamed (a tag whose
// type maps to O is O); in scheme IO, a tag is O or I-TYPE. Other tags are
// compared as written. Results are cached per distinct tag.
func (s *scorer) accTag(t string) string {
	if r, ok := s.acc[t]; ok {
		return r
	}
	o := &s.opts
	r := t
	if o.Scheme == IO {
		if typ, outside, ok := parseIO(t); ok {
			r = "O"
			if to, removed := s.mapType(typ); !outside && !removed {
				r = "I-" + to
			}
		}
	} else {
		split := splitPrefix
		if o.Suffix {
			split = splitSuffix
		}
		if cls, typ := split(t); cls != clsO {
			to, removed := s.mapType(typ)
			switch {
			case removed:
				r = "O"
			case to == typ:
			case o.Suffix:
				_, n := lastRune(t)
				r = to + "-" + t[len(t)-n:]
			default:
				_, n := firstRune(t)
				r = t[:n] + "-" + to
			}
		}
	}
	s.acc[t] = r
	return r
}

// mapType applies Map and then NoMisc to a type, as filter does to
// entities, and reports whether the type is removed.
func (s *scorer) mapType(typ string) (string, bool) {
	if to, ok := s.opts.Map[typ]; ok {
		if to == "O" {
			return typ, true
		}
		typ = to
	}
	return typ, s.opts.NoMisc && typ == "MISC"
}
