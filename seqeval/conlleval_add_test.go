package seqeval

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// conllLine is a word line (gold, pred) or, with boundary, a boundary.
type conllLine struct {
	gold, pred string
	boundary   bool
}

// countLines feeds lines to c and returns the first error.
func countLines(c *Conlleval, lines []conllLine) error {
	var first error
	for _, l := range lines {
		if l.boundary {
			c.Boundary()
		} else if err := c.Token(l.gold, l.pred); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// TestConllevalAtStart checks AtStart after boundaries that do and do not
// close a correct chunk in conlleval.pl (its endOfChunk never ends a chunk
// after "." or after an untyped tag before O).
func TestConllevalAtStart(t *testing.T) {
	tests := []struct {
		lines string // "gold pred" pairs, | a boundary
		want  bool
	}{
		{"", true},
		{"B-PER B-PER |", true},
		{"B-PER B-LOC |", true},
		{"B-PER B-PER", false},
		{"B-PER B-PER .-PER .-PER |", false}, // the PER chunk stays open
		{"B-PER B-PER . . |", true},          // "." of another type ("") ends it
		{"B-PER B-PER S S |", false},         // S (type "") starts a correct chunk that O does not end
		{"S S |", true},                      // same type "" as the initial O: no chunk starts
		{"B-PER B-PER S-PER S-PER |", true},
		{"[ [ |", true},
	}
	for _, tc := range tests {
		t.Run(tc.lines, func(t *testing.T) {
			c := conllevalOf(t, &Conlleval{}, tc.lines)
			if got := c.AtStart(); got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

// TestConllevalAdd splits random lines of every tag shape at boundaries
// where AtStart holds, counts the parts with separate counters and adds
// them: the counts, reports, errors and state must equal one counter's
// over all the lines, for every option set.
func TestConllevalAdd(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 7))
	prefixes := []string{"B", "I", "E", "S", "O", "O", "O", ".", "[", "]", "b", "i", ""}
	types := []string{"PER", "LOC", "_", "0", "MISC", "", "X-Y"}
	tag := func() string {
		p := prefixes[rng.IntN(len(prefixes))]
		typ := types[rng.IntN(len(types))]
		switch {
		case p == "O" || p == "" && typ == "":
			return "O"
		case p == "":
			return typ
		case typ == "":
			return p
		}
		return p + "-" + typ
	}
	options := []Conlleval{
		{},
		{Raw: true},
		{Raw: true, Outside: "PER"},
		{IO: true},
		{NoMisc: true},
		{Map: map[string]string{"PER": "LOC", "MISC": "O"}},
		{Map: map[string]string{"LOC": "PER"}},
	}
	for i := range 400 {
		opts := options[i%len(options)]
		var lines []conllLine
		for range rng.IntN(60) {
			if rng.IntN(5) == 0 {
				lines = append(lines, conllLine{boundary: true})
				continue
			}
			g := tag()
			p := g
			if rng.IntN(3) == 0 {
				p = tag()
			}
			lines = append(lines, conllLine{gold: g, pred: p})
		}
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			one := opts
			wantErr := countLines(&one, lines)
			// Cut after the boundaries where the counter is at its start.
			whole, sum := opts, opts
			from, parts := 0, 0
			var gotErr error
			for j, l := range lines {
				_ = countLines(&whole, lines[j:j+1])
				if l.boundary && whole.AtStart() {
					part := opts
					if err := countLines(&part, lines[from:j+1]); err != nil && gotErr == nil {
						gotErr = err
					}
					sum.Add(&part)
					from, parts = j+1, parts+1
				}
			}
			part := opts
			if err := countLines(&part, lines[from:]); err != nil && gotErr == nil {
				gotErr = err
			}
			sum.Add(&part)
			if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) || !errors.Is(gotErr, ErrTag) && wantErr != nil {
				t.Fatalf("error: got %v, want %v", gotErr, wantErr)
			}
			if wantErr != nil {
				return // counters skip the words after their error
			}
			if diff := cmp.Diff(one.Counts(), sum.Counts()); diff != "" {
				t.Errorf("%d parts: counts (-one +sum):\n%s", parts+1, diff)
			}
			if got, want := sum.Report(), one.Report(); got != want {
				t.Errorf("report: got\n%s\nwant\n%s", got, want)
			}
			if got, want := fmt.Sprint(sum.Err()), fmt.Sprint(one.Err()); got != want {
				t.Errorf("Err: got %s, want %s", got, want)
			}
			if got, want := sum.AtStart(), one.AtStart(); got != want {
				t.Errorf("AtStart: got %v, want %v", got, want)
			}
		})
	}
}

// TestConllevalAddPanics checks Add's precondition.
func TestConllevalAddPanics(t *testing.T) {
	c := conllevalOf(t, &Conlleval{}, "B-PER B-PER .-PER .-PER |")
	defer func() {
		if recover() == nil {
			t.Error("got no panic, want one")
		}
	}()
	c.Add(&Conlleval{})
}
