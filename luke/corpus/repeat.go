package corpus

import (
	"cmp"
	"slices"
	"strings"
	"unicode"
)

// Compat selects faithful reproduction of the reference's bugs.
type Compat string

const (
	// CompatFixed (the zero value) fixes the bugs the spec marks.
	CompatFixed Compat = ""
	// CompatThesis reproduces the thesis-era code that made the released
	// model, bugs included.
	CompatThesis Compat = "thesis"
)

// ParseCompat checks a --compat value: "", "fixed" or "thesis".
func ParseCompat(s string) (Compat, error) {
	switch s {
	case "", "fixed":
		return CompatFixed, nil
	case "thesis":
		return CompatThesis, nil
	}
	return "", &CompatError{Value: s}
}

// CompatError reports an unknown compatibility mode.
type CompatError struct{ Value string }

func (e *CompatError) Error() string {
	return "compat " + e.Value + ": want fixed or thesis"
}

type mention struct{ text, link []rune }

// pyLower lowercases like Python's str.lower for the characters that keep
// their length; the comparisons below are per character.
func pyLower(r []rune) []rune {
	out := make([]rune, len(r))
	for i, c := range r {
		out[i] = unicode.ToLower(c)
	}
	return out
}

// pyIsSpace is Python's str.isspace for one character.
func pyIsSpace(r rune) bool {
	return unicode.IsSpace(r) || (r >= 0x1c && r <= 0x1f)
}

// linkStrings collects the inner strings of the [[…]] pairs of article
// that hold no "[[" and have at least 3 characters, scanning with a stack.
func linkStrings(a []rune) []string {
	var stack []int
	var out []string
	for i := 0; i+1 < len(a); {
		switch {
		case a[i] == '[' && a[i+1] == '[':
			stack = append(stack, i+2)
			i += 2
		case a[i] == ']' && a[i+1] == ']' && len(stack) > 0:
			start := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			hl := a[start:i]
			if !strings.Contains(string(hl), "[[") && len(hl) >= 3 {
				out = append(out, string(hl))
			}
			i += 2
		default:
			i++
		}
	}
	return out
}

// mentions returns the deduplicated (text, link) pairs of the article's
// links and its title, sorted by text descending and, for equal texts, by
// link ascending.
func mentions(a []rune, title string) []mention {
	strs := linkStrings(a)
	if len([]rune(title)) >= 3 {
		strs = append(strs, title)
	}
	seen := map[[2]string]bool{}
	var ms []mention
	for _, s := range strs {
		parts := strings.Split(s, "|")
		var m mention
		switch len(parts) {
		case 1:
			l := pyLower([]rune(s))
			m = mention{l, l}
		case 2:
			if strings.TrimFunc(parts[1], pyIsSpace) == "" {
				continue
			}
			m = mention{pyLower([]rune(parts[1])), pyLower([]rune(parts[0]))}
		default:
			continue
		}
		k := [2]string{string(m.text), string(m.link)}
		if !seen[k] {
			seen[k] = true
			ms = append(ms, m)
		}
	}
	slices.SortFunc(ms, func(x, y mention) int {
		if c := cmp.Compare(string(y.text), string(x.text)); c != 0 {
			return c
		}
		return cmp.Compare(string(x.link), string(y.link))
	})
	return ms
}

// RepeatEntities links the later mentions of an article's linked entities
// (and of its own title): after every whitespace character, the first
// link text, in descending order, that the following characters equal
// case-insensitively becomes a link, "[[orig]]" or "[[link|orig]]" with
// orig in the article's casing (spec §4.1). There is no end-of-word check,
// so "hunde" gives "[[hund]]e". Existing links are copied as they are.
// article is the raw, XML-escaped wikitext. Under [CompatThesis] the scan
// resumes len(link) characters after the match instead of len(text).
func RepeatEntities(article, title string, compat Compat) string {
	a := []rune(article)
	ms := mentions(a, title)
	var out strings.Builder
	out.Grow(len(article) + len(article)/8)
	for i := 0; i < len(a); {
		if a[i] == '[' && i+1 < len(a) && a[i+1] == '[' {
			j := i + 2
			for j+1 < len(a) && !(a[j] == ']' && a[j+1] == ']') {
				j++
			}
			if j+1 >= len(a) {
				out.WriteString(string(a[i:]))
				break
			}
			out.WriteString(string(a[i : j+2]))
			i = j + 2
			continue
		}
		c := a[i]
		out.WriteRune(c)
		i++
		if !pyIsSpace(c) {
			continue
		}
		for _, m := range ms {
			if i+len(m.text) > len(a) || !equalLower(a[i:i+len(m.text)], m.text) {
				continue
			}
			orig := string(a[i : i+len(m.text)])
			out.WriteString("[[")
			if string(m.text) != string(m.link) {
				out.WriteString(string(m.link))
				out.WriteString("|")
			}
			out.WriteString(orig)
			out.WriteString("]]")
			if compat == CompatThesis {
				i += len(m.link)
			} else {
				i += len(m.text)
			}
			break
		}
	}
	return out.String()
}

func equalLower(a, lower []rune) bool {
	for k, r := range a {
		if unicode.ToLower(r) != lower[k] {
			return false
		}
	}
	return true
}

var (
	escaper   = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")
	unescaper = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&quot;", `"`, "&amp;", "&")
)

// Augment applies [RepeatEntities] to a page's wikitext as the reference
// does, on the XML-escaped text, and returns the unescaped result.
func Augment(wikitext, title string, compat Compat) string {
	return unescaper.Replace(RepeatEntities(escaper.Replace(wikitext), escaper.Replace(title), compat))
}
