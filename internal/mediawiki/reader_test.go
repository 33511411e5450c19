package mediawiki

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const header = `<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.10/" version="0.10" xml:lang="da">
  <siteinfo>
    <sitename>Wikipedia</sitename>
    <namespaces>
      <namespace key="0" case="first-letter" />
      <namespace key="6" case="first-letter">Fil</namespace>
      <namespace key="14" case="first-letter">Kategori</namespace>
    </namespaces>
  </siteinfo>
`

func page(title string, ns int, redirect, text string) string {
	r := ""
	if redirect != "" {
		r = `<redirect title="` + redirect + `" />`
	}
	return `  <page>
    <title>` + title + `</title>
    <ns>` + string(rune('0'+ns%10)) + `</ns>
    <id>7</id>` + r + `
    <revision>
      <id>1</id>
      <contributor><username>x</username><id>1</id></contributor>
      <model>wikitext</model>
      <format>text/x-wiki</format>
      <text bytes="10" xml:space="preserve">` + text + `</text>
    </revision>
  </page>
`
}

func readAll(t *testing.T, xml string) ([]*Page, *Reader, error) {
	t.Helper()
	r := NewReader(strings.NewReader(xml), "dump.xml")
	var pages []*Page
	for {
		p, err := r.Next()
		if err == io.EOF {
			return pages, r, nil
		}
		if err != nil {
			return pages, r, err
		}
		pages = append(pages, p)
	}
}

func TestReader(t *testing.T) {
	xml := header + page("Hund", 0, "", "En &quot;[[hund]]&quot; &amp;amp; kat") +
		page("Hunde", 0, "Hund", "#REDIRECT [[Hund]]") + page("Kategori:Dyr", 4, "", "") + "</mediawiki>\n"
	pages, r, err := readAll(t, xml)
	if err != nil {
		t.Fatal(err)
	}
	want := []*Page{
		{Title: "Hund", ID: 7, Text: `En "[[hund]]" &amp; kat`},
		{Title: "Hunde", ID: 7, Redirect: "Hund", Text: "#REDIRECT [[Hund]]"},
		{Title: "Kategori:Dyr", Namespace: 4, ID: 7},
	}
	if diff := cmp.Diff(want, pages); diff != "" {
		t.Errorf("pages (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[int]string{0: "", 6: "Fil", 14: "Kategori"}, r.Namespaces); diff != "" {
		t.Errorf("namespaces (-want +got):\n%s", diff)
	}
	if r.Lang != "da" {
		t.Errorf("got lang %q, want da", r.Lang)
	}
}

func TestReaderErrors(t *testing.T) {
	tests := []struct {
		name, xml string
		line      int
	}{
		{"bad nesting", header + "  <page>\n<title>x</title>\n<ns>0</ns></revision>\n</page>", 12},
		{"no title", header + "  <page>\n<ns>0</ns>\n</page>\n</mediawiki>", 10},
		{"wrong root", "<html>\n</html>", 1},
		{"empty", "", 1},
		{"truncated", header + page("A", 0, "", "x")[:40], 12},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := readAll(t, tc.xml)
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("got %v, want a *ParseError", err)
			}
			if pe.File != "dump.xml" || pe.Line != tc.line {
				t.Errorf("got %s:%d (%v), want dump.xml:%d", pe.File, pe.Line, err, tc.line)
			}
		})
	}
}
