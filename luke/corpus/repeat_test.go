package corpus

import "testing"

// The cases are worked by hand from spec §4.1.
func TestRepeatEntities(t *testing.T) {
	tests := []struct {
		name, article, title string
		compat               Compat
		want                 string
	}{
		{
			name:    "a later mention after whitespace is linked, case kept",
			article: "En [[hund]] gør. Hund er et dyr.",
			want:    "En [[hund]] gør. [[Hund]] er et dyr.",
		},
		{
			name:    "prefix match without end-of-word check",
			article: "[[hund]] og hunde",
			want:    "[[hund]] og [[hund]]e",
		},
		{
			name:    "no match at the start or after a parenthesis or quote",
			article: "hund [[hund]] (hund &quot;hund",
			want:    "hund [[hund]] (hund &quot;hund",
		},
		{
			name:    "the title is matched too, and the longest text first",
			article: "Det danske sprog og danske ord.",
			title:   "Danske",
			want:    "Det [[danske]] sprog og [[danske]] ord.",
		},
		{
			name:    "descending text order puts the longer string first",
			article: "[[Det Kongelige Bibliotek]] [[Det]] det kongelige bibliotek",
			want:    "[[Det Kongelige Bibliotek]] [[Det]] [[det kongelige bibliotek]]",
		},
		{
			name:    "piped link, fixed: resume after the matched text",
			article: "[[Danmark|DK]] og DK og x",
			want:    "[[Danmark|DK]] og [[danmark|DK]] og x",
		},
		{
			name:    "piped link, thesis: resume after len(link) characters (the bug skips 5 more)",
			article: "[[Danmark|DK]] og DK og x y",
			compat:  CompatThesis,
			want:    "[[Danmark|DK]] og [[danmark|DK]] y",
		},
		{
			name:    "thesis bug with a link shorter than its text repeats characters",
			article: "[[Bo|Bo Bo]] og Bo Bo så",
			compat:  CompatThesis,
			want:    "[[Bo|Bo Bo]] og [[bo|Bo Bo]] Bo så",
		},
		{
			name:    "strings under 3 characters, empty labels and 3-part links are skipped",
			article: "[[Ø]] [[A|  ]] [[a|b|c]] ø a b",
			want:    "[[Ø]] [[A|  ]] [[a|b|c]] ø a b",
		},
		{
			name:    "length check on the whole target|text string",
			article: "[[A|b]] b",
			want:    "[[A|b]] [[a|b]]",
		},
		{
			name:    "links nested in links are not collected",
			article: "[[Fil:x.jpg|[[kat]]]] kat",
			want:    "[[Fil:x.jpg|[[kat]]]] [[kat]]",
		},
		{
			name:    "matching inside templates too",
			article: "[[Bob]] {{x| bob}}",
			want:    "[[Bob]] {{x| [[bob]]}}",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := RepeatEntities(tc.article, tc.title, tc.compat); got != tc.want {
				t.Errorf("RepeatEntities(%q, %q) = %q, want %q", tc.article, tc.title, got, tc.want)
			}
		})
	}
}

func TestAugmentEscapes(t *testing.T) {
	// The link string "a&b" is 7 characters escaped, so it is collected
	// although it has 3 unescaped characters either way; "<x" is 5 escaped
	// and 2 unescaped, so only the escaped check collects it.
	got := Augment(`[[<x]] <x "y" [[a&b]] a&b`, "", CompatFixed)
	want := `[[<x]] [[<x]] "y" [[a&b]] [[a&b]]`
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
