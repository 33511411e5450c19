package golden_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/nerbench/nerbench/adapters/baseline"
	"github.com/nerbench/nerbench/benchmarks"
	"github.com/nerbench/nerbench/benchmarks/conll2003"
	"github.com/nerbench/nerbench/benchmarks/dane"
	"github.com/nerbench/nerbench/benchmarks/plank"
	goldenfile "github.com/nerbench/nerbench/internal/golden"
	"github.com/nerbench/nerbench/internal/results"
	"github.com/nerbench/nerbench/internal/testenv"
	"github.com/nerbench/nerbench/seqeval"
)

// predictBaseline runs the embedded baseline on c as `nerbench run` does and
// returns the predictions and the scored result.
func predictBaseline(t *testing.T, ds *benchmarks.Dataset, c *benchmarks.Corpus) ([][]string, *results.File) {
	t.Helper()
	m, err := baseline.LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	return predictWith(t, m, ds, c)
}

// predictWith runs m on c and scores the predictions.
func predictWith(t *testing.T, m *baseline.Model, ds *benchmarks.Dataset, c *benchmarks.Corpus) ([][]string, *results.File) {
	t.Helper()
	t.Cleanup(func() { m.Close() })
	pred, err := benchmarks.Predict(t.Context(), m, c.Sentences, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	f := &results.File{Schema: results.Schema, Model: results.Model{Name: baseline.Name, Hash: "sha256:" + m.Hash(), Types: m.Types()}}
	if err := results.Evaluate(t.Context(), f, c, ds, m.Types(), pred, results.Options{}); err != nil {
		t.Fatal(err)
	}
	return pred, f
}

func TestBaselineDaNETest(t *testing.T) {
	c, err := dane.LoadEmbedded(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	pred, f := predictBaseline(t, &dane.Dataset, c)
	goldenfile.Check(t, filepath.Join("baseline_dane_test.golden"), f.Golden())
	checkReports(t, "baseline_dane_test", c, pred)
}

func TestBaselinePlankTest(t *testing.T) {
	dir := testenv.DataDir(t, "plank")
	c, err := plank.Load(context.Background(), dir, "test")
	if err != nil {
		t.Fatal(err)
	}
	_, f := predictBaseline(t, &plank.Dataset, c)
	goldenfile.Check(t, "baseline_plank_test.golden", f.Golden())
}

// TestBaselineCoNLL2003Test trains the English baseline with the default
// settings (training is deterministic, about 10 s of CPU) and guards its
// CoNLL-2003 test scores. The model is not embedded: it is derived from
// Reuters text, which the project does not redistribute.
func TestBaselineCoNLL2003Test(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a model; skipped in -short mode")
	}
	dir := testenv.DataDir(t, "conll2003")
	load := func(split string) *benchmarks.Corpus {
		c, err := conll2003.Load(t.Context(), dir, split)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	train, dev, test := load("train"), load("dev"), load("test")
	m, err := baseline.Train(t.Context(), train.Sentences, dev.Sentences, baseline.TrainConfig{})
	if err != nil {
		t.Fatal(err)
	}
	_, f := predictWith(t, m, &conll2003.Dataset, test)
	goldenfile.Check(t, "baseline-en_conll2003_test.golden", f.Golden())
}

// checkReports guards the scorer's three report formats on real
// predictions.
func checkReports(t *testing.T, name string, c *benchmarks.Corpus, pred [][]string) {
	t.Helper()
	gold := make([][]string, len(c.Sentences))
	for i, s := range c.Sentences {
		gold[i] = s.Tags
	}
	res, err := seqeval.Score(gold, pred, seqeval.Options{Details: true})
	if err != nil {
		t.Fatal(err)
	}
	goldenfile.Check(t, name+".seqeval.txt", []byte(res.ClassificationReport(4)))
	goldenfile.Check(t, name+".conlleval.txt", []byte(res.ConllevalReport()))
	js, err := res.JSON()
	if err != nil {
		t.Fatal(err)
	}
	goldenfile.Check(t, name+".json", js)
}
