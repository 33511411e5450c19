package agreement_test

import (
	"fmt"

	"github.com/nerbench/nerbench/internal/agreement"
)

func ExampleCompare() {
	gold := [][]string{{"B-PER", "I-PER", "O", "B-LOC"}}
	a := [][]string{{"B-PER", "I-PER", "O", "B-LOC"}}
	b := [][]string{{"B-PER", "O", "O", "B-ORG"}}
	r, err := agreement.Compare(gold, a, b, agreement.Options{})
	if err != nil {
		panic(err)
	}
	fmt.Printf("word agreement %d/%d = %.2f\n", r.WordAgree, r.Words, r.WordAgreement())
	fmt.Printf("entity agreement %d/%d\n", r.EntitiesBoth, r.EntitiesA+r.EntitiesB-r.EntitiesBoth)
	for _, s := range r.WordsByGold {
		if s.Total > 0 {
			fmt.Printf("%s: %d words, both right %d, only A %d, only B %d\n", s.Label, s.Total, s.Both, s.OnlyA, s.OnlyB)
		}
	}
	// Output:
	// word agreement 2/4 = 0.50
	// entity agreement 0/4
	// LOC: 1 words, both right 0, only A 1, only B 0
	// PER: 2 words, both right 1, only A 1, only B 0
	// O: 1 words, both right 1, only A 0, only B 0
}
