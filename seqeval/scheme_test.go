package seqeval

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// The tables of this file are ported from seqeval 1.2.2
// tests/test_scheme.py (https://github.com/chakki-works/seqeval/blob/v1.2.2/tests/test_scheme.py):
// test_*_start_inside_end and test_*_tokens(_without_tag).

type sieRow struct {
	prev, tok string
	want      [3]bool // is_start, is_inside, is_end
}

func TestSchemeStartInsideEnd(t *testing.T) {
	F, T := false, true
	tables := map[Scheme][]sieRow{
		IOB1: {
			{"O", "O", [3]bool{F, F, F}}, {"O", "I-PER", [3]bool{T, F, F}}, {"O", "B-PER", [3]bool{F, F, F}},
			{"I-PER", "O", [3]bool{F, F, T}}, {"I-PER", "I-PER", [3]bool{F, T, F}}, {"I-PER", "I-ORG", [3]bool{T, F, T}},
			{"I-PER", "B-PER", [3]bool{T, F, T}}, {"I-PER", "B-ORG", [3]bool{F, F, T}}, {"B-PER", "O", [3]bool{F, F, T}},
			{"B-PER", "I-PER", [3]bool{T, T, F}}, {"B-PER", "I-ORG", [3]bool{T, F, T}}, {"B-PER", "B-PER", [3]bool{T, F, T}},
			{"B-PER", "B-ORG", [3]bool{F, F, F}},
		},
		IOB2: {
			{"O", "O", [3]bool{F, F, F}}, {"O", "I-PER", [3]bool{F, F, F}}, {"O", "B-PER", [3]bool{T, F, F}},
			{"I-PER", "O", [3]bool{F, F, T}}, {"I-PER", "I-PER", [3]bool{F, T, F}}, {"I-PER", "I-ORG", [3]bool{F, F, T}},
			{"I-PER", "B-PER", [3]bool{T, F, T}}, {"I-PER", "B-ORG", [3]bool{T, F, T}}, {"B-PER", "O", [3]bool{F, F, T}},
			{"B-PER", "I-PER", [3]bool{F, T, F}}, {"B-PER", "I-ORG", [3]bool{F, F, T}}, {"B-PER", "B-PER", [3]bool{T, F, T}},
			{"B-PER", "B-ORG", [3]bool{T, F, T}},
		},
		IOE1: {
			{"O", "O", [3]bool{F, F, F}}, {"O", "I-PER", [3]bool{T, F, F}}, {"O", "E-PER", [3]bool{F, F, F}},
			{"I-PER", "O", [3]bool{F, F, T}}, {"I-PER", "I-PER", [3]bool{F, T, F}}, {"I-PER", "I-ORG", [3]bool{T, F, T}},
			{"I-PER", "E-PER", [3]bool{F, T, F}}, {"I-PER", "E-ORG", [3]bool{F, F, T}}, {"E-PER", "O", [3]bool{F, F, F}},
			{"E-PER", "I-PER", [3]bool{T, F, T}}, {"E-PER", "I-ORG", [3]bool{T, F, F}}, {"E-PER", "E-PER", [3]bool{T, F, T}},
			{"E-PER", "E-ORG", [3]bool{F, F, F}},
		},
		IOE2: {
			{"O", "O", [3]bool{F, F, F}}, {"O", "I-PER", [3]bool{T, F, F}}, {"O", "E-PER", [3]bool{T, F, F}},
			{"I-PER", "O", [3]bool{F, F, F}}, {"I-PER", "I-PER", [3]bool{F, T, F}}, {"I-PER", "I-ORG", [3]bool{T, F, F}},
			{"I-PER", "E-PER", [3]bool{F, T, F}}, {"I-PER", "E-ORG", [3]bool{T, F, F}}, {"E-PER", "O", [3]bool{F, F, T}},
			{"E-PER", "I-PER", [3]bool{T, F, T}}, {"E-PER", "I-ORG", [3]bool{T, F, T}}, {"E-PER", "E-PER", [3]bool{T, F, T}},
			{"E-PER", "E-ORG", [3]bool{T, F, T}},
		},
		IOBES: {
			{"O", "O", [3]bool{F, F, F}}, {"O", "I-PER", [3]bool{F, F, F}}, {"O", "B-PER", [3]bool{T, F, F}},
			{"O", "E-PER", [3]bool{F, F, F}}, {"O", "S-PER", [3]bool{T, F, F}},
			{"I-PER", "O", [3]bool{F, F, F}}, {"I-PER", "I-PER", [3]bool{F, T, F}}, {"I-PER", "I-ORG", [3]bool{F, F, F}},
			{"I-PER", "B-PER", [3]bool{T, F, F}}, {"I-PER", "E-PER", [3]bool{F, T, F}}, {"I-PER", "E-ORG", [3]bool{F, F, F}},
			{"I-PER", "S-PER", [3]bool{T, F, F}},
			{"B-PER", "O", [3]bool{F, F, F}}, {"B-PER", "I-PER", [3]bool{F, T, F}}, {"B-PER", "I-ORG", [3]bool{F, F, F}},
			{"B-PER", "E-PER", [3]bool{F, T, F}}, {"B-PER", "E-ORG", [3]bool{F, F, F}}, {"B-PER", "S-PER", [3]bool{T, F, F}},
			{"E-PER", "O", [3]bool{F, F, T}}, {"E-PER", "I-PER", [3]bool{F, F, T}}, {"E-PER", "B-PER", [3]bool{T, F, T}},
			{"E-PER", "E-PER", [3]bool{F, F, T}}, {"E-PER", "S-PER", [3]bool{T, F, T}},
			{"S-PER", "O", [3]bool{F, F, T}}, {"S-PER", "I-PER", [3]bool{F, F, T}}, {"S-PER", "B-PER", [3]bool{T, F, T}},
			{"S-PER", "E-PER", [3]bool{F, F, T}}, {"S-PER", "S-PER", [3]bool{T, F, T}},
		},
		BILOU: {
			{"O", "O", [3]bool{F, F, F}}, {"O", "I-PER", [3]bool{F, F, F}}, {"O", "B-PER", [3]bool{T, F, F}},
			{"O", "L-PER", [3]bool{F, F, F}}, {"O", "U-PER", [3]bool{T, F, F}},
			{"I-PER", "O", [3]bool{F, F, F}}, {"I-PER", "I-PER", [3]bool{F, T, F}}, {"I-PER", "I-ORG", [3]bool{F, F, F}},
			{"I-PER", "B-PER", [3]bool{T, F, F}}, {"I-PER", "L-PER", [3]bool{F, T, F}}, {"I-PER", "L-ORG", [3]bool{F, F, F}},
			{"I-PER", "U-PER", [3]bool{T, F, F}},
			{"B-PER", "O", [3]bool{F, F, F}}, {"B-PER", "I-PER", [3]bool{F, T, F}}, {"B-PER", "I-ORG", [3]bool{F, F, F}},
			{"B-PER", "L-PER", [3]bool{F, T, F}}, {"B-PER", "L-ORG", [3]bool{F, F, F}}, {"B-PER", "U-PER", [3]bool{T, F, F}},
			{"L-PER", "O", [3]bool{F, F, T}}, {"L-PER", "I-PER", [3]bool{F, F, T}}, {"L-PER", "B-PER", [3]bool{T, F, T}},
			{"L-PER", "L-PER", [3]bool{F, F, T}}, {"L-PER", "U-PER", [3]bool{T, F, T}},
			{"U-PER", "O", [3]bool{F, F, T}}, {"U-PER", "I-PER", [3]bool{F, F, T}}, {"U-PER", "B-PER", [3]bool{T, F, T}},
			{"U-PER", "L-PER", [3]bool{F, F, T}}, {"U-PER", "U-PER", [3]bool{T, F, T}},
		},
	}
	for scheme, rows := range tables {
		r := &schemeRules[scheme]
		for _, row := range rows {
			t.Run(scheme.String()+"/"+row.prev+"/"+row.tok, func(t *testing.T) {
				prev, ok1 := parseStrict(row.prev, false)
				tok, ok2 := parseStrict(row.tok, false)
				if !ok1 || !ok2 {
					t.Fatalf("parseStrict(%q, %q): not ok", row.prev, row.tok)
				}
				got := [3]bool{match(r.start, prev, tok), match(r.inside, prev, tok), match(r.end, prev, tok)}
				if got != row.want {
					t.Errorf("start/inside/end: got %v, want %v", got, row.want)
				}
			})
		}
	}
}

type tokRow struct {
	tags string
	want []Entity
}

func TestSchemeTokens(t *testing.T) {
	e := ent
	tables := map[Scheme][]tokRow{
		IOB1: {
			{"", nil}, {"B-PER", nil}, {"I-PER", []Entity{e("PER", 0, 1)}}, {"O", nil},
			{"O I-PER", []Entity{e("PER", 1, 2)}}, {"O B-PER", nil}, {"I-PER O", []Entity{e("PER", 0, 1)}},
			{"I-PER I-PER", []Entity{e("PER", 0, 2)}}, {"I-PER I-ORG", []Entity{e("PER", 0, 1), e("ORG", 1, 2)}},
			{"I-PER B-PER", []Entity{e("PER", 0, 1), e("PER", 1, 2)}}, {"I-PER B-ORG", []Entity{e("PER", 0, 1)}},
			{"B-PER O", nil}, {"B-PER I-PER", []Entity{e("PER", 1, 2)}}, {"B-PER I-ORG", []Entity{e("ORG", 1, 2)}},
			{"B-PER B-PER", []Entity{e("PER", 1, 2)}}, {"B-PER B-ORG", nil},
			// test_iob1_tokens_without_tag
			{"B", nil}, {"I", []Entity{e("_", 0, 1)}}, {"O O", nil}, {"O I", []Entity{e("_", 1, 2)}}, {"O B", nil},
			{"I O", []Entity{e("_", 0, 1)}}, {"I I", []Entity{e("_", 0, 2)}}, {"I B", []Entity{e("_", 0, 1), e("_", 1, 2)}},
			{"B O", nil}, {"B I", []Entity{e("_", 1, 2)}}, {"B B", []Entity{e("_", 1, 2)}},
		},
		IOB2: {
			{"", nil}, {"B-PER", []Entity{e("PER", 0, 1)}}, {"I-PER", nil}, {"O", nil}, {"O I-PER", nil},
			{"O B-PER", []Entity{e("PER", 1, 2)}}, {"I-PER O", nil}, {"I-PER I-PER", nil}, {"I-PER I-ORG", nil},
			{"I-PER B-PER", []Entity{e("PER", 1, 2)}}, {"I-PER B-ORG", []Entity{e("ORG", 1, 2)}},
			{"B-PER O", []Entity{e("PER", 0, 1)}}, {"B-PER I-PER", []Entity{e("PER", 0, 2)}},
			{"B-PER I-ORG", []Entity{e("PER", 0, 1)}}, {"B-PER B-PER", []Entity{e("PER", 0, 1), e("PER", 1, 2)}},
			{"B-PER B-ORG", []Entity{e("PER", 0, 1), e("ORG", 1, 2)}},
			{"B", []Entity{e("_", 0, 1)}}, {"I", nil}, {"O O", nil}, {"O I", nil}, {"O B", []Entity{e("_", 1, 2)}},
			{"I O", nil}, {"I I", nil}, {"I B", []Entity{e("_", 1, 2)}}, {"B O", []Entity{e("_", 0, 1)}},
			{"B I", []Entity{e("_", 0, 2)}}, {"B B", []Entity{e("_", 0, 1), e("_", 1, 2)}},
		},
		IOE1: {
			// seqeval comments out ['I-PER', 'E-PER'] and ['I', 'E'] ("IOE1
			// hasn't yet been able to handle some cases"); so do we.
			{"", nil}, {"E-PER", nil}, {"I-PER", []Entity{e("PER", 0, 1)}}, {"O", nil}, {"O I-PER", []Entity{e("PER", 1, 2)}},
			{"O E-PER", nil}, {"I-PER O", []Entity{e("PER", 0, 1)}}, {"I-PER I-PER", []Entity{e("PER", 0, 2)}},
			{"I-PER I-ORG", []Entity{e("PER", 0, 1), e("ORG", 1, 2)}}, {"I-PER E-ORG", []Entity{e("PER", 0, 1)}},
			{"E-PER O", nil}, {"E-PER I-PER", []Entity{e("PER", 1, 2)}}, {"E-PER I-ORG", []Entity{e("ORG", 1, 2)}},
			{"E-PER E-PER", nil}, {"E-PER E-ORG", nil},
			{"E", nil}, {"I", []Entity{e("_", 0, 1)}}, {"O O", nil}, {"O I", []Entity{e("_", 1, 2)}}, {"O E", nil},
			{"I O", []Entity{e("_", 0, 1)}}, {"I I", []Entity{e("_", 0, 2)}}, {"E O", nil}, {"E I", []Entity{e("_", 1, 2)}},
			{"E E", nil},
		},
		IOE2: {
			{"", nil}, {"E-PER", []Entity{e("PER", 0, 1)}}, {"I-PER", nil}, {"O", nil}, {"O I-PER", nil},
			{"O E-PER", []Entity{e("PER", 1, 2)}}, {"I-PER O", nil}, {"I-PER I-PER", nil}, {"I-PER I-ORG", nil},
			{"I-PER E-PER", []Entity{e("PER", 0, 2)}}, {"I-PER E-ORG", []Entity{e("ORG", 1, 2)}},
			{"E-PER O", []Entity{e("PER", 0, 1)}}, {"E-PER I-PER", []Entity{e("PER", 0, 1)}},
			{"E-PER I-ORG", []Entity{e("PER", 0, 1)}}, {"E-PER E-PER", []Entity{e("PER", 0, 1), e("PER", 1, 2)}},
			{"E-PER E-ORG", []Entity{e("PER", 0, 1), e("ORG", 1, 2)}},
			{"E", []Entity{e("_", 0, 1)}}, {"I", nil}, {"O O", nil}, {"O I", nil}, {"O E", []Entity{e("_", 1, 2)}},
			{"I O", nil}, {"I I", nil}, {"I E", []Entity{e("_", 0, 2)}}, {"E O", []Entity{e("_", 0, 1)}},
			{"E I", []Entity{e("_", 0, 1)}}, {"E E", []Entity{e("_", 0, 1), e("_", 1, 2)}},
		},
		IOBES: {
			{"O", nil}, {"I-PER", nil}, {"B-PER", nil}, {"E-PER", nil}, {"S-PER", []Entity{e("PER", 0, 1)}},
			{"O O", nil}, {"O I-PER", nil}, {"O B-PER", nil}, {"O E-PER", nil}, {"O S-PER", []Entity{e("PER", 1, 2)}},
			{"I-PER O", nil}, {"I-PER I-PER", nil}, {"I-PER I-ORG", nil}, {"I-PER B-PER", nil}, {"I-PER E-PER", nil},
			{"I-PER E-ORG", nil}, {"I-PER S-PER", []Entity{e("PER", 1, 2)}},
			{"B-PER O", nil}, {"B-PER I-PER", nil}, {"B-PER I-ORG", nil}, {"B-PER B-PER", nil},
			{"B-PER E-PER", []Entity{e("PER", 0, 2)}}, {"B-PER E-ORG", nil}, {"B-PER S-PER", []Entity{e("PER", 1, 2)}},
			{"E-PER O", nil}, {"E-PER I-PER", nil}, {"E-PER B-PER", nil}, {"E-PER E-PER", nil},
			{"E-PER S-PER", []Entity{e("PER", 1, 2)}},
			{"S-PER O", []Entity{e("PER", 0, 1)}}, {"S-PER I-PER", []Entity{e("PER", 0, 1)}}, {"S-PER B-PER", []Entity{e("PER", 0, 1)}},
			{"S-PER E-PER", []Entity{e("PER", 0, 1)}}, {"S-PER S-PER", []Entity{e("PER", 0, 1), e("PER", 1, 2)}},
			{"I", nil}, {"B", nil}, {"E", nil}, {"S", []Entity{e("_", 0, 1)}}, {"O I", nil}, {"O B", nil}, {"O E", nil},
			{"O S", []Entity{e("_", 1, 2)}}, {"I O", nil}, {"I I", nil}, {"I B", nil}, {"I E", nil},
			{"I S", []Entity{e("_", 1, 2)}}, {"B O", nil}, {"B I", nil}, {"B B", nil}, {"B E", []Entity{e("_", 0, 2)}},
			{"B S", []Entity{e("_", 1, 2)}}, {"E O", nil}, {"E I", nil}, {"E B", nil}, {"E E", nil},
			{"E S", []Entity{e("_", 1, 2)}}, {"S O", []Entity{e("_", 0, 1)}}, {"S I", []Entity{e("_", 0, 1)}},
			{"S B", []Entity{e("_", 0, 1)}}, {"S E", []Entity{e("_", 0, 1)}}, {"S S", []Entity{e("_", 0, 1), e("_", 1, 2)}},
		},
		BILOU: {
			{"O", nil}, {"I-PER", nil}, {"B-PER", nil}, {"L-PER", nil}, {"U-PER", []Entity{e("PER", 0, 1)}},
			{"O O", nil}, {"O I-PER", nil}, {"O B-PER", nil}, {"O L-PER", nil}, {"O U-PER", []Entity{e("PER", 1, 2)}},
			{"I-PER O", nil}, {"I-PER I-PER", nil}, {"I-PER I-ORG", nil}, {"I-PER B-PER", nil}, {"I-PER L-PER", nil},
			{"I-PER L-ORG", nil}, {"I-PER U-PER", []Entity{e("PER", 1, 2)}},
			{"B-PER O", nil}, {"B-PER I-PER", nil}, {"B-PER I-ORG", nil}, {"B-PER B-PER", nil},
			{"B-PER L-PER", []Entity{e("PER", 0, 2)}}, {"B-PER L-ORG", nil}, {"B-PER U-PER", []Entity{e("PER", 1, 2)}},
			{"L-PER O", nil}, {"L-PER I-PER", nil}, {"L-PER B-PER", nil}, {"L-PER L-PER", nil},
			{"L-PER U-PER", []Entity{e("PER", 1, 2)}},
			{"U-PER O", []Entity{e("PER", 0, 1)}}, {"U-PER I-PER", []Entity{e("PER", 0, 1)}}, {"U-PER B-PER", []Entity{e("PER", 0, 1)}},
			{"U-PER L-PER", []Entity{e("PER", 0, 1)}}, {"U-PER U-PER", []Entity{e("PER", 0, 1), e("PER", 1, 2)}},
			{"I", nil}, {"B", nil}, {"L", nil}, {"U", []Entity{e("_", 0, 1)}}, {"O I", nil}, {"O B", nil}, {"O L", nil},
			{"O U", []Entity{e("_", 1, 2)}}, {"I O", nil}, {"I I", nil}, {"I B", nil}, {"I L", nil},
			{"I U", []Entity{e("_", 1, 2)}}, {"B O", nil}, {"B I", nil}, {"B B", nil}, {"B L", []Entity{e("_", 0, 2)}},
			{"B U", []Entity{e("_", 1, 2)}}, {"L O", nil}, {"L I", nil}, {"L B", nil}, {"L L", nil},
			{"L U", []Entity{e("_", 1, 2)}}, {"U O", []Entity{e("_", 0, 1)}}, {"U I", []Entity{e("_", 0, 1)}},
			{"U B", []Entity{e("_", 0, 1)}}, {"U L", []Entity{e("_", 0, 1)}}, {"U U", []Entity{e("_", 0, 1), e("_", 1, 2)}},
		},
	}
	for scheme, rows := range tables {
		for _, row := range rows {
			t.Run(scheme.String()+"/"+row.tags, func(t *testing.T) {
				got, err := StrictEntities(sent(row.tags), scheme, false)
				if err != nil {
					t.Fatalf("StrictEntities: %v", err)
				}
				if diff := cmp.Diff(row.want, got, cmpopts.EquateEmpty()); diff != "" {
					t.Errorf("entities (-want +got):\n%s", diff)
				}
			})
		}
	}
}

func TestStrictTokenTag(t *testing.T) {
	// seqeval tests/test_scheme.py test_token_tag and test_token_prefix.
	tests := []struct {
		tag     string
		suffix  bool
		prefix  uint8
		wantTyp string
	}{
		{"I-MISC", false, pI, "MISC"},
		{"B-MISC", false, pB, "MISC"},
		{"O", false, pO, "_"},
		{"MISC-I", true, pI, "MISC"},
		{"MISC-B", true, pB, "MISC"},
		{"O", true, pO, "_"},
		{"I", false, pI, "_"},
		{"I-ORG-COMPANY", false, pI, "ORG-COMPANY"},
		{"ORG-COMPANY-I", true, pI, "ORG-COMPANY"},
		{"I-組織", false, pI, "組織"},
		{"B-PER-", false, pB, "PER"},
	}
	for _, tc := range tests {
		got, ok := parseStrict(tc.tag, tc.suffix)
		if !ok || got.prefix != tc.prefix || got.typ != tc.wantTyp {
			t.Errorf("parseStrict(%q, %v): got %+v, %v, want prefix %d type %q", tc.tag, tc.suffix, got, ok, tc.prefix, tc.wantTyp)
		}
	}
}

func TestStrictInvalidPrefix(t *testing.T) {
	// seqeval test_invalid_prefix (ValueError), TestIOB2Token (KeyError 'T'),
	// TestToken (IndexError on ''), TestTokens (IOBES tags under IOB2).
	tests := []struct {
		tags   string
		scheme Scheme
	}{
		{"E", IOB1}, {"S", IOB1}, {"E", IOB2}, {"S", IOB2}, {"B", IOE1}, {"S", IOE1}, {"B", IOE2}, {"S", IOE2},
		{"T", IOB2}, {"B-PER E-PER S-PER", IOB2}, {"E-PER", BILOU}, {"L-PER", IOBES},
	}
	for _, tc := range tests {
		_, err := StrictEntities(sent(tc.tags), tc.scheme, false)
		var te *TagError
		if !errors.Is(err, ErrTag) || !errors.As(err, &te) {
			t.Errorf("StrictEntities(%q, %v): got error %v, want a TagError", tc.tags, tc.scheme, err)
		}
	}
	if _, err := StrictEntities([]string{""}, IOB2, false); !errors.Is(err, ErrTag) {
		t.Errorf("empty tag: got %v, want ErrTag", err)
	}
	// Valid prefixes (test_valid_prefix).
	for _, tc := range []struct {
		tags   string
		scheme Scheme
	}{{"I O B", IOB1}, {"I O B", IOB2}, {"I O E", IOE1}, {"I O E", IOE2}, {"I O B E S", IOBES}, {"B I L O U", BILOU}} {
		if _, err := StrictEntities(sent(tc.tags), tc.scheme, false); err != nil {
			t.Errorf("StrictEntities(%q, %v): %v", tc.tags, tc.scheme, err)
		}
	}
}

func TestParseModeScheme(t *testing.T) {
	for _, s := range []string{"IOB1", "iob2", "IOE1", "IOE2", "IOBES", "bilou"} {
		sc, err := ParseScheme(s)
		if err != nil || sc == NoScheme {
			t.Errorf("ParseScheme(%q): got %v, %v", s, sc, err)
		}
	}
	if _, err := ParseScheme("BIO"); !errors.Is(err, ErrOption) {
		t.Errorf("ParseScheme(BIO): got %v, want ErrOption", err)
	}
	if m, err := ParseMode("Strict"); err != nil || m != Strict {
		t.Errorf("ParseMode(Strict): got %v, %v", m, err)
	}
	if _, err := ParseMode("lenient"); !errors.Is(err, ErrOption) {
		t.Errorf("ParseMode(lenient): got %v, want ErrOption", err)
	}
}
