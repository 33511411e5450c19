package confidence_test

import (
	"context"
	"fmt"

	"github.com/nerbench/nerbench/confidence"
)

// DaLUKE's micro counts on the DaNE test set (558 gold entities), as
// reconstructed from the thesis's classification report.
var dane = confidence.Counts{TP: 453, Pred: 535, Gold: 558}

func ExampleThesisF1() {
	iv := confidence.ThesisF1(dane, 0.95)
	fmt.Printf("F1 %.1f ± %.1f\n", 100*iv.Estimate, 100*iv.HalfWidth())
	// Output:
	// F1 82.9 ± 3.1
}

func ExampleWilsonPrecision() {
	fmt.Println("precision", confidence.WilsonPrecision(dane, 0.95))
	fmt.Println("recall   ", confidence.WilsonRecall(dane, 0.95))
	// Output:
	// precision 0.8467 [0.8137, 0.8748] (95%)
	// recall    0.8118 [0.7773, 0.8421] (95%)
}

func ExampleQuantile() {
	x := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	fmt.Println(confidence.Quantile(x, 0.025), confidence.Quantile(x, 0.5), confidence.Quantile(x, 0.975))
	// Output:
	// 1.225 5.5 9.775
}

// sentences returns n per-sentence counts that follow a fixed pattern.
func sentences(n, miss int) []confidence.Counts {
	s := make([]confidence.Counts, n)
	for i := range s {
		g := i % 4
		tp := g
		if i%miss == 0 && tp > 0 {
			tp--
		}
		s[i] = confidence.Counts{TP: tp, Pred: tp + i%3/2, Gold: g}
	}
	return s
}

func ExampleBootstrap() {
	s := sentences(565, 5)
	res, err := confidence.Bootstrap(context.Background(), s, confidence.Config{Resamples: 1000, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d sentences, counts %+v\n", len(s), confidence.Sum(s))
	fmt.Println("F1", res.F1)
	// Output:
	// 565 sentences, counts {TP:762 Pred:950 Gold:846}
	// F1 0.8486 [0.8319, 0.8638] (95%)
}

func ExampleCompare() {
	a, b := sentences(565, 7), sentences(565, 6)
	c, err := confidence.Compare(context.Background(), a, b, confidence.Config{Resamples: 1000, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("F1 A−B", c.F1)
	fmt.Printf("p %.4f (paired bootstrap), %.4f (approximate randomisation)\n", c.PBootstrap, c.PRandomization)
	// Output:
	// F1 A−B -0.0081 [-0.0198, 0.0031] (95%)
	// p 0.1878 (paired bootstrap), 0.2268 (approximate randomisation)
}

func ExampleSummarizeRuns() {
	// Micro F1 of five fine-tuning runs with different seeds.
	s, err := confidence.SummarizeRuns([]float64{0.8289, 0.8312, 0.8240, 0.8301, 0.8275}, 0.95)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("mean %.4f sd %.4f, 95%% t-interval [%.4f, %.4f]\n", s.Mean, s.SD, s.CI.Lo, s.CI.Hi)
	// Output:
	// mean 0.8283 sd 0.0028, 95% t-interval [0.8249, 0.8318]
}
