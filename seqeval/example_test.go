package seqeval_test

import (
	"fmt"

	"github.com/nerbench/nerbench/seqeval"
)

func ExampleScore() {
	gold := [][]string{{"O", "O", "O", "B-MISC", "I-MISC", "I-MISC", "O"}, {"B-PER", "I-PER", "O"}}
	pred := [][]string{{"O", "O", "B-MISC", "I-MISC", "I-MISC", "I-MISC", "O"}, {"B-PER", "I-PER", "O"}}
	r, err := seqeval.Score(gold, pred, seqeval.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(r.Header())
	fmt.Printf("micro P=%.2f R=%.2f F1=%.2f (tp %d, predicted %d, gold %d)\n",
		r.Micro.Precision, r.Micro.Recall, r.Micro.F1, r.Micro.TP, r.Micro.Predicted, r.Micro.Gold)
	fmt.Printf("accuracy %.2f\n", r.Accuracy)
	fmt.Print(r.ClassificationReport(2))
	// Output:
	// mode: default; MISC: on
	// micro P=0.50 R=0.50 F1=0.50 (tp 1, predicted 2, gold 2)
	// accuracy 0.80
	//               precision    recall  f1-score   support
	//
	//         MISC       0.00      0.00      0.00         1
	//          PER       1.00      1.00      1.00         1
	//
	//    micro avg       0.50      0.50      0.50         2
	//    macro avg       0.50      0.50      0.50         2
	// weighted avg       0.50      0.50      0.50         2
}

func ExampleScore_strict() {
	// IOB1 gold (as in raw CoNLL-2003) against IOB2 predictions: convert the
	// gold first, or strict IOB2 drops chunks that start with I-.
	gold := [][]string{{"I-PER", "I-PER", "O", "I-LOC", "B-LOC"}}
	pred := [][]string{{"B-PER", "I-PER", "O", "B-LOC", "B-LOC"}}
	for _, convert := range []seqeval.Side{0, seqeval.GoldSide} {
		r, err := seqeval.Score(gold, pred, seqeval.Options{Details: true, Mode: seqeval.Strict, Scheme: seqeval.IOB2, IOB1ToIOB2: convert})
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s: F1=%.2f gold=%v\n", r.Header(), r.Micro.F1, r.Gold[0])
	}
	// Output:
	// mode: strict; scheme: IOB2; MISC: on: F1=0.50 gold=[{LOC 4 5}]
	// mode: strict; scheme: IOB2; MISC: on; repairs: 2 gold IOB1 tags converted: F1=1.00 gold=[{PER 0 2} {LOC 3 4} {LOC 4 5}]
}

func ExampleResult_ConllevalReport() {
	gold := [][]string{{"B-MISC", "O", "B-PER"}}
	pred := [][]string{{"O", "O", "B-PER"}}
	r, err := seqeval.Score(gold, pred, seqeval.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(r.ConllevalReport())
	// Output:
	// processed 3 tokens with 2 phrases; found: 1 phrases; correct: 1.
	// accuracy:  66.67%; precision: 100.00%; recall:  50.00%; FB1:  66.67
	//              MISC: precision:   0.00%; recall:   0.00%; FB1:   0.00  0
	//               PER: precision: 100.00%; recall: 100.00%; FB1: 100.00  1
}

func ExampleDefaultEntities() {
	fmt.Println(seqeval.DefaultEntities([]string{"B-PER", "I-PER", "O", "I-LOC", "B-ORG-COMPANY"}))
	// Output:
	// [{PER 0 2} {LOC 3 4} {ORG-COMPANY 4 5}]
}

func ExampleStrictEntities() {
	tags := []string{"B-PER", "I-PER", "O", "I-LOC", "S-ORG"}
	es, err := seqeval.StrictEntities(tags, seqeval.IOBES, false)
	fmt.Println(es, err)
	_, err = seqeval.StrictEntities(tags, seqeval.IOB2, false)
	fmt.Println(err)
	// Output:
	// [{ORG 4 5}] <nil>
	// word 4: tag "S-ORG": prefix not allowed in IOB2 (allowed: I, O, B)
}

func ExampleResult_matches() {
	gold := [][]string{{"O", "B-PER", "I-PER", "O", "B-LOC"}}
	pred := [][]string{{"B-PER", "I-PER", "I-PER", "O", "B-ORG"}}
	r, err := seqeval.Score(gold, pred, seqeval.Options{Details: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, m := range r.Matches {
		fmt.Println(m.Kind, r.Gold[m.Sentence][m.Gold], r.Pred[m.Sentence][m.Pred])
	}
	// Output:
	// wrong_boundary {PER 1 3} {PER 0 3}
	// wrong_type {LOC 4 5} {ORG 4 5}
}
