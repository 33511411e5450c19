package mediawiki

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParse(t *testing.T) {
	danish := Parser{FileNamespaces: []string{"File", "Image", "Fil", "Billede"}}
	tests := []struct {
		name string
		p    Parser
		in   string
		want []Paragraph
	}{
		{
			name: "links with offsets in characters",
			in:   "'''Århus''' er en [[by]] i [[Danmark|Dan­mark]].",
			want: []Paragraph{{Text: "Århus er en by i Dan\u00admark.", Links: []Link{
				{Title: "By", Text: "by", Start: 12, End: 14},
				{Title: "Danmark", Text: "Dan\u00admark", Start: 17, End: 25},
			}}},
		},
		{
			name: "paragraphs split on newlines, blank ones dropped",
			in:   "Første afsnit.\n\n   \nAndet [[afsnit_om_noget]].\n",
			want: []Paragraph{
				{Text: "Første afsnit."},
				{Text: "Andet afsnit_om_noget.", Links: []Link{{Title: "Afsnit om noget", Text: "afsnit_om_noget", Start: 6, End: 21}}},
			},
		},
		{
			name: "nested templates and refs dropped",
			in: "{{Infoboks by|navn=Odense|indbyggere={{formatnum:180000}}}}Odense<ref name=\"dst\">{{cite web|url=http://dst.dk}}</ref> " +
				"er Danmarks tredjestørste by.<ref name=\"x\" /> Se [[H.C. Andersen]].",
			want: []Paragraph{{Text: "Odense er Danmarks tredjestørste by. Se H.C. Andersen.", Links: []Link{
				{Title: "H.C. Andersen", Text: "H.C. Andersen", Start: 40, End: 53},
			}}},
		},
		{
			name: "tables, headings, comments and list markers dropped",
			in: "== Historie ==\nTekst<!-- skjult [[Link]] -->før.\n{| class=\"wikitable\"\n|-\n| [[Celle]]\n{|\n| indre\n|}\n|}\n" +
				"* Punkt med [[Hund]]\n----\nSlut.",
			want: []Paragraph{
				{Text: "Tekstfør."},
				{Text: " Punkt med Hund", Links: []Link{{Title: "Hund", Text: "Hund", Start: 11, End: 15}}},
				{Text: "Slut."},
			},
		},
		{
			name: "files keep the last part of the label, categories are links",
			p:    danish,
			in:   "[[Fil:Kat.jpg|thumb|200px|En [[kat]] i sne]]Katte er dyr.\n[[Kategori:Dyr]]",
			want: []Paragraph{
				{Text: "En kat i sneKatte er dyr.", Links: []Link{{Title: "Fil:Kat.jpg", Text: "En kat i sne", Start: 0, End: 12}}},
				{Text: "Kategori:Dyr", Links: []Link{{Title: "Kategori:Dyr", Text: "Kategori:Dyr", Start: 0, End: 12}}},
			},
		},
		{
			name: "the zero Parser knows only English file namespaces",
			in:   "[[Fil:Kat.jpg|thumb|En kat]] og [[Image:Hund.png|thumb|En hund]]",
			want: []Paragraph{{Text: "thumb|En kat og En hund", Links: []Link{
				{Title: "Fil:Kat.jpg", Text: "thumb|En kat", Start: 0, End: 12},
				{Title: "Image:Hund.png", Text: "En hund", Start: 16, End: 23},
			}}},
		},
		{
			name: "bold, italic and underline tags kept, other tags dropped",
			in:   "<b>fed</b> <i>kursiv</i> <u>under</u> <small>lille</small><br/>x<span>y",
			want: []Paragraph{{Text: "fed kursiv under xy"}},
		},
		{
			name: "external links give their label, bare URLs and entities are dropped",
			in:   "Se [https://www.dr.dk DR's ''forside''] og [http://x.dk] eller https://kb.dk/side nu&nbsp;&amp; her & der.",
			want: []Paragraph{{Text: "Se DR's forside og  eller  nu her & der."}},
		},
		{
			name: "link labels are stripped of markup",
			in:   "[[Niels Bohr|<b>Bohr</b>{{fodnote}}&amp;co]]",
			want: []Paragraph{{Text: "Bohr&co", Links: []Link{{Title: "Niels Bohr", Text: "Bohr&co", Start: 0, End: 7}}}},
		},
		{
			name: "unclosed constructs stay text",
			in:   "a {{ b [[c d < e",
			want: []Paragraph{{Text: "a {{ b [[c d < e"}},
		},
		{
			name: "a link with an empty title is dropped",
			in:   "før [[ |tekst]] efter",
			want: []Paragraph{{Text: "før  efter"}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.p.Parse(tc.in)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Parse(%q) (-want +got):\n%s", tc.in, diff)
			}
			for _, para := range got {
				r := []rune(para.Text)
				for _, l := range para.Links {
					if string(r[l.Start:l.End]) != l.Text {
						t.Errorf("link %+v: text at offsets is %q", l, string(r[l.Start:l.End]))
					}
				}
			}
		})
	}
}

func TestNormalizeTitle(t *testing.T) {
	tests := []struct{ in, want string }{
		{"århus_kommune", "Århus kommune"},
		{"", ""},
		{"Danmark", "Danmark"},
	}
	for _, tc := range tests {
		if got := NormalizeTitle(tc.in); got != tc.want {
			t.Errorf("NormalizeTitle(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add("[[a|b]] {{c|{{d}}}} <ref>e</ref> {|\n|f\n|}")
	f.Add("[[Fil:x|y|[[z]]]]&amp;")
	f.Fuzz(func(t *testing.T, s string) {
		for _, para := range (Parser{}).Parse(s) {
			r := []rune(para.Text)
			for _, l := range para.Links {
				if l.Start < 0 || l.End > len(r) || l.Start > l.End || string(r[l.Start:l.End]) != l.Text {
					t.Fatalf("link %+v does not match the paragraph %q", l, para.Text)
				}
			}
		}
	})
}
