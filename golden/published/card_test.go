package published

import (
	"errors"
	"testing"
)

// The Ælæctra model card's table, as printed on
// huggingface.co/Maltehb/aelaectra-danish-electra-small-cased-ner-dane.
func TestModelCardAelaectra(t *testing.T) {
	c, err := ModelCard("aelaectra")
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Rows) != 5 {
		t.Fatalf("got %d rows, want 5", len(c.Rows))
	}
	cased := c.Rows[1]
	if cased.Model != "Ælæctra Cased" || cased.Adapter != "aelaectra" || cased.Params != "14.7M" ||
		cased.F1 != 80.08 || cased.SD != 0.26 || cased.InferenceSecPerEpoch != 10.92 {
		t.Errorf("got %+v, want the card's Ælæctra Cased row (14.7M, 80.08 ± 0.26, 10.92 s)", cased)
	}
	if _, err := ModelCard("nosuch"); !errors.Is(err, ErrUnknownTable) {
		t.Errorf("got %v, want ErrUnknownTable", err)
	}
}
