package mediawiki

import (
	"html"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Link is a top-level wikilink of a paragraph.
type Link struct {
	Title string // normalised with [NormalizeTitle]
	Text  string // the text the link contributes to the paragraph
	// Start and End delimit Text in the paragraph's text, in characters
	// (Unicode code points, as Python's str offsets), End exclusive.
	Start, End int
}

// Paragraph is a paragraph of plain text with the links in it.
type Paragraph struct {
	Text  string
	Links []Link
}

// Parser parses wikitext. The zero Parser treats links to "File:" and
// "Image:" titles as file links, as wikipedia2vec does.
type Parser struct {
	// FileNamespaces are the namespace names (and aliases) of files, matched
	// case-insensitively before a colon: a file link contributes the last
	// "|" part of its label as text. Nil means "File" and "Image".
	FileNamespaces []string
}

// NormalizeTitle uppercases the first character of a title and replaces
// underscores by spaces (wikipedia2vec's _normalize_title).
func NormalizeTitle(title string) string {
	title = strings.ReplaceAll(title, "_", " ")
	r, n := utf8.DecodeRuneInString(title)
	if n == 0 {
		return title
	}
	return string(unicode.ToUpper(r)) + title[n:]
}

// Parse returns the paragraphs of wikitext; see the package documentation
// for what is kept and what is dropped. Blank paragraphs are left out.
func (p Parser) Parse(wikitext string) []Paragraph {
	// wikipedia2vec removes bold and italic quote marks before parsing:
	// first ''' then ''.
	wikitext = strings.ReplaceAll(strings.ReplaceAll(wikitext, "'''", ""), "''", "")
	sc := &scanner{s: []rune(wikitext), top: true, p: p}
	sc.run(0, len(sc.s))
	sc.flush()
	return sc.paras
}

// StripCode returns the plain text of wikitext the way mwparserfromhell's
// strip_code(normalize=True, collapse=True) does for the constructs this
// package knows.
func (p Parser) StripCode(wikitext string) string {
	return p.strip([]rune(wikitext))
}

func (p Parser) strip(s []rune) string {
	sc := &scanner{s: s, p: p}
	sc.run(0, len(s))
	out := string(sc.cur)
	for strings.Contains(out, "\n\n\n") {
		out = strings.ReplaceAll(out, "\n\n\n", "\n\n")
	}
	return out
}

func (p Parser) isFile(title string) bool {
	ns := p.FileNamespaces
	if ns == nil {
		ns = []string{"File", "Image"}
	}
	before, _, ok := strings.Cut(title, ":")
	if !ok {
		return false
	}
	before = strings.TrimSpace(before)
	for _, n := range ns {
		if strings.EqualFold(before, n) {
			return true
		}
	}
	return false
}

// scanner walks wikitext. At the top level (top) it builds paragraphs and
// links; otherwise (strip_code) it only collects text in cur.
type scanner struct {
	s     []rune
	top   bool
	p     Parser
	cur   []rune
	links []Link
	paras []Paragraph
}

func (sc *scanner) flush() {
	if strings.TrimSpace(string(sc.cur)) != "" {
		sc.paras = append(sc.paras, Paragraph{Text: string(sc.cur), Links: sc.links})
	}
	sc.cur, sc.links = nil, nil
}

func hasAt(s []rune, i int, lit string) bool {
	for _, r := range lit {
		if i >= len(s) || s[i] != r {
			return false
		}
		i++
	}
	return true
}

func index(s []rune, from, end int, lit string) int {
	for i := from; i < end; i++ {
		if hasAt(s[:end], i, lit) {
			return i
		}
	}
	return -1
}

func lineStart(s []rune, i int) bool { return i == 0 || s[i-1] == '\n' }

// invisible are the tags whose contents strip_code drops.
var invisible = map[string]bool{
	"ref": true, "references": true, "math": true, "gallery": true, "nowiki": true, "pre": true,
	"source": true, "syntaxhighlight": true, "timeline": true, "imagemap": true, "score": true,
	"chem": true, "ce": true, "graph": true, "hiero": true, "inputbox": true, "categorytree": true,
	"templatedata": true, "section": true, "style": true, "script": true,
}

// void are the HTML elements without contents.
var void = map[string]bool{"br": true, "hr": true, "img": true, "wbr": true}

// run scans s[i:end].
func (sc *scanner) run(i, end int) {
	s := sc.s[:end]
	for i < end {
		if lineStart(s, i) {
			if j, ok := sc.lineConstruct(s, i); ok {
				i = j
				continue
			}
		}
		switch c := s[i]; {
		case c == '\n' && sc.top:
			sc.flush()
			i++
		case hasAt(s, i, "<!--"):
			j := index(s, i+4, end, "-->")
			if j < 0 {
				return // an unclosed comment runs to the end
			}
			i = j + 3
		case hasAt(s, i, "{{"):
			j := closeBraces(s, i)
			if j < 0 {
				sc.cur = append(sc.cur, '{', '{')
				i += 2
				continue
			}
			i = j
		case hasAt(s, i, "[["):
			i = sc.wikilink(s, i)
		case c == '[':
			i = sc.extlink(s, i)
		case c == '<':
			i = sc.tag(s, i)
		case c == '&':
			i = sc.entity(s, i)
		case (c == 'h' || c == 'f') && urlAt(s, i):
			j := i
			for j < end && !strings.ContainsRune(" \t\n[]<>\"{}|", s[j]) {
				j++
			}
			if !sc.top {
				sc.cur = append(sc.cur, s[i:j]...)
			}
			i = j
		default:
			sc.cur = append(sc.cur, c)
			i++
		}
	}
}

func urlAt(s []rune, i int) bool {
	if i > 0 && (unicode.IsLetter(s[i-1]) || unicode.IsDigit(s[i-1])) {
		return false
	}
	return hasAt(s, i, "http://") || hasAt(s, i, "https://") || hasAt(s, i, "ftp://")
}

// lineConstruct drops what starts a line: a heading, a table, a rule or list
// markers. It reports whether it consumed anything and where it stopped.
func (sc *scanner) lineConstruct(s []rune, i int) (int, bool) {
	lineEnd := index(s, i, len(s), "\n")
	if lineEnd < 0 {
		lineEnd = len(s)
	}
	switch {
	case s[i] == '=':
		line := strings.TrimRightFunc(string(s[i:lineEnd]), unicode.IsSpace)
		lead := len(line) - len(strings.TrimLeft(line, "="))
		trail := len(line) - len(strings.TrimRight(line, "="))
		if lead > 0 && trail > 0 && lead+trail < len(line) {
			if !sc.top {
				n := min(lead, trail)
				sc.cur = append(sc.cur, []rune(strings.TrimSpace(line[n:len(line)-n]))...)
			}
			return lineEnd, true
		}
	case hasAt(s, i, "{|"):
		if j := closeTable(s, i); j >= 0 {
			return j, true
		}
	case hasAt(s, i, "----"):
		j := i
		for j < len(s) && s[j] == '-' {
			j++
		}
		return j, true
	case strings.ContainsRune("*#:;", s[i]):
		j := i
		for j < len(s) && strings.ContainsRune("*#:;", s[j]) {
			j++
		}
		return j, true
	}
	return i, false
}

// closeBraces returns the index after the "}}" that closes the "{{" at i,
// counting nested pairs, or -1.
func closeBraces(s []rune, i int) int {
	depth := 0
	for j := i; j < len(s); {
		switch {
		case hasAt(s, j, "{{"):
			depth++
			j += 2
		case hasAt(s, j, "}}"):
			depth--
			j += 2
			if depth == 0 {
				return j
			}
		default:
			j++
		}
	}
	return -1
}

// closeTable returns the index after the "|}" line that closes the table
// opened at line start i, counting nested tables, or -1.
func closeTable(s []rune, i int) int {
	depth := 0
	for j := i; j < len(s); j++ {
		if !lineStart(s, j) {
			continue
		}
		k := j
		for k < len(s) && (s[k] == ' ' || s[k] == '\t') {
			k++
		}
		switch {
		case hasAt(s, k, "{|"):
			depth++
		case hasAt(s, k, "|}"):
			depth--
			if depth == 0 {
				return k + 2
			}
		}
	}
	return -1
}

// closeLink returns the index of the "]]" that closes the "[[" at i,
// counting nested links and skipping templates, or -1.
func closeLink(s []rune, i int) int {
	depth := 0
	for j := i; j < len(s); {
		switch {
		case hasAt(s, j, "[["):
			depth++
			j += 2
		case hasAt(s, j, "]]"):
			depth--
			if depth == 0 {
				return j
			}
			j += 2
		case hasAt(s, j, "{{"):
			if k := closeBraces(s, j); k >= 0 {
				j = k
			} else {
				j += 2
			}
		default:
			j++
		}
	}
	return -1
}

// splitPipes splits s at the "|" outside nested links and templates.
func splitPipes(s []rune) [][]rune {
	var parts [][]rune
	start := 0
	for j := 0; j < len(s); {
		switch {
		case hasAt(s, j, "[["):
			if k := closeLink(s, j); k >= 0 {
				j = k + 2
			} else {
				j += 2
			}
		case hasAt(s, j, "{{"):
			if k := closeBraces(s, j); k >= 0 {
				j = k
			} else {
				j += 2
			}
		case s[j] == '|':
			parts = append(parts, s[start:j])
			j++
			start = j
		default:
			j++
		}
	}
	return append(parts, s[start:])
}

func (sc *scanner) wikilink(s []rune, i int) int {
	j := closeLink(s, i)
	if j < 0 {
		sc.cur = append(sc.cur, '[', '[')
		return i + 2
	}
	inner := s[i+2 : j]
	parts := splitPipes(inner)
	rawTitle := parts[0]
	if strings.ContainsAny(string(rawTitle), "\n[]{}<>") {
		// not a valid link title: mwparserfromhell leaves it as text
		sc.cur = append(sc.cur, '[', '[')
		return i + 2
	}
	var text string
	switch {
	case len(parts) == 1:
		text = sc.p.strip(rawTitle)
	case sc.top && sc.p.isFile(string(rawTitle)):
		text = sc.p.strip(parts[len(parts)-1])
	default:
		text = sc.p.strip(inner[len(rawTitle)+1:])
	}
	if !sc.top {
		sc.cur = append(sc.cur, []rune(text)...)
		return j + 2
	}
	title := strings.Trim(sc.p.strip(rawTitle), " ")
	if title == "" {
		return j + 2
	}
	start := len(sc.cur)
	sc.cur = append(sc.cur, []rune(text)...)
	sc.links = append(sc.links, Link{Title: NormalizeTitle(title), Text: text, Start: start, End: len(sc.cur)})
	return j + 2
}

var schemes = []string{"http://", "https://", "ftp://", "//", "mailto:"}

func (sc *scanner) extlink(s []rune, i int) int {
	ok := false
	for _, sch := range schemes {
		if hasAt(s, i+1, sch) {
			ok = true
		}
	}
	j := i + 1
	for j < len(s) && s[j] != ']' && s[j] != '\n' {
		j++
	}
	if !ok || j >= len(s) || s[j] != ']' {
		sc.cur = append(sc.cur, '[')
		return i + 1
	}
	inner := s[i+1 : j]
	k := 0
	for k < len(inner) && inner[k] != ' ' && inner[k] != '\t' {
		k++
	}
	if k < len(inner) {
		label := strings.TrimLeft(string(inner[k:]), " \t")
		sc.cur = append(sc.cur, []rune(sc.p.strip([]rune(label)))...)
	}
	return j + 1
}

// tagAt parses an HTML-style tag at i: its lower-case name, whether it
// closes or self-closes, and the index after it. ok is false if s[i:] is
// no tag.
func tagAt(s []rune, i int) (name string, closing, selfClosing bool, next int, ok bool) {
	j := i + 1
	if j < len(s) && s[j] == '/' {
		closing = true
		j++
	}
	k := j
	for k < len(s) && (unicode.IsLetter(s[k]) || (k > j && unicode.IsDigit(s[k]))) {
		k++
	}
	if k == j {
		return "", false, false, 0, false
	}
	name = strings.ToLower(string(s[j:k]))
	for m := k; m < len(s); m++ {
		switch s[m] {
		case '>':
			return name, closing, m > k && s[m-1] == '/', m + 1, true
		case '<', '\n':
			if s[m] == '<' {
				return "", false, false, 0, false
			}
		}
	}
	return "", false, false, 0, false
}

// closeTag returns the start and end of the tag closing name's element
// whose contents start at i, counting nested elements of the same name.
func closeTag(s []rune, i int, name string) (int, int) {
	depth := 1
	for j := i; j < len(s); j++ {
		if s[j] != '<' {
			continue
		}
		n, closing, self, next, ok := tagAt(s, j)
		if !ok || n != name || self {
			continue
		}
		if closing {
			depth--
			if depth == 0 {
				return j, next
			}
		} else {
			depth++
		}
	}
	return -1, -1
}

func (sc *scanner) tag(s []rune, i int) int {
	name, closing, self, next, ok := tagAt(s, i)
	if !ok {
		sc.cur = append(sc.cur, '<')
		return i + 1
	}
	if closing || self || void[name] {
		return next
	}
	cs, ce := closeTag(s, next, name)
	if cs < 0 {
		return next // an unclosed tag: drop the tag itself
	}
	keep := name == "b" || name == "i" || name == "u"
	if !sc.top {
		keep = !invisible[name]
	}
	if keep {
		sc.cur = append(sc.cur, []rune(sc.p.strip(s[next:cs]))...)
	}
	return ce
}

func (sc *scanner) entity(s []rune, i int) int {
	j := i + 1
	for j < len(s) && j-i <= 32 && (unicode.IsLetter(s[j]) || unicode.IsDigit(s[j]) || s[j] == '#') {
		j++
	}
	if j < len(s) && s[j] == ';' && j > i+1 {
		ent := string(s[i : j+1])
		if dec := html.UnescapeString(ent); dec != ent {
			if !sc.top {
				sc.cur = append(sc.cur, []rune(dec)...)
			}
			return j + 1
		}
	}
	sc.cur = append(sc.cur, '&')
	return i + 1
}
