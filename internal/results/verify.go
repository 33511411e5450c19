package results

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"

	"github.com/nerbench/nerbench/benchmarks"
	"github.com/nerbench/nerbench/confidence"
	"github.com/nerbench/nerbench/seqeval"
)

// ErrScores is wrapped by Load and Verify for a result file whose stored
// scores disagree with its own counts, or with the scores its predictions
// give on the corpus. The error names the first figure that disagrees.
var ErrScores = errors.New("stored scores disagree")

// tolerance is the largest difference allowed between a stored fraction and
// the one recomputed: far below the 4 decimals any output shows, and above
// the last-bit differences of another machine's floating point.
const tolerance = 1e-9

// checkCounts checks that the stored figures of f agree with its stored
// counts: precision, recall and F1 of every metric, the per-type counts
// adding up to the micro counts, the macro and weighted averages, the
// thesis and Wilson intervals, the predictions against their hash and the
// dataset's sentence count. It needs no corpus; Verify recomputes
// everything from the predictions.
func (f *File) checkCounts() error {
	if l := f.Scoring.Level; !(l > 0 && l < 1) {
		return fmt.Errorf("%w: scoring.level %v outside (0, 1)", ErrScores, l)
	}
	if f.Scoring.Resamples < 0 {
		return fmt.Errorf("%w: scoring.resamples %d is negative", ErrScores, f.Scoring.Resamples)
	}
	if f.Main != MainMISCOn && f.Main != MainMISCOff {
		return fmt.Errorf("%w: main is %q, want %s or %s", ErrScores, f.Main, MainMISCOn, MainMISCOff)
	}
	if f.Main == MainMISCOn && f.MISCOn == nil {
		return fmt.Errorf("%w: main is %s but there are no misc_on scores", ErrScores, MainMISCOn)
	}
	if len(f.Predictions) != f.Dataset.Sentences {
		return fmt.Errorf("%w: %d predicted sentences, dataset.sentences is %d", ErrScores, len(f.Predictions), f.Dataset.Sentences)
	}
	if got := PredictionsHash(f.Tags()); got != f.PredictionsHash {
		return fmt.Errorf("%w: the predictions do not match their hash (predictions_hash)", ErrScores)
	}
	for _, s := range []struct {
		name  string
		score *Score
	}{{MainMISCOn, f.MISCOn}, {MainMISCOff, f.MISCOff}} {
		if s.score == nil {
			continue
		}
		if err := s.score.checkCounts(s.name, f.Scoring.Level); err != nil {
			return err
		}
	}
	return nil
}

func (s *Score) checkCounts(name string, level float64) error {
	if err := checkMetric(name+".micro", s.Micro); err != nil {
		return err
	}
	types := make([]string, 0, len(s.PerType))
	for t := range s.PerType {
		types = append(types, t)
	}
	sort.Strings(types)
	var sum confidence.Counts
	for _, t := range types {
		m := s.PerType[t]
		if err := checkMetric(name+".per_type."+t, m); err != nil {
			return err
		}
		sum = sum.Add(confidence.Counts{TP: m.TP, Pred: m.Predicted, Gold: m.Gold})
	}
	if micro := (confidence.Counts{TP: s.Micro.TP, Pred: s.Micro.Predicted, Gold: s.Micro.Gold}); sum != micro {
		return fmt.Errorf("%w: %s.per_type counts add up to tp=%d predicted=%d gold=%d, micro has tp=%d predicted=%d gold=%d",
			ErrScores, name, sum.TP, sum.Pred, sum.Gold, micro.TP, micro.Pred, micro.Gold)
	}
	if !(s.Accuracy >= 0 && s.Accuracy <= 1) {
		return fmt.Errorf("%w: %s.accuracy %v outside 0..1", ErrScores, name, s.Accuracy)
	}
	total := confidence.Counts{TP: s.Micro.TP, Pred: s.Micro.Predicted, Gold: s.Micro.Gold}
	for _, iv := range []struct {
		key       string
		got, want Interval
	}{
		{key: "thesis_f1", got: s.Intervals.ThesisF1, want: interval(confidence.ThesisF1(total, level))},
		{key: "wilson_precision", got: s.Intervals.WilsonPrecision, want: interval(confidence.WilsonPrecision(total, level))},
		{key: "wilson_recall", got: s.Intervals.WilsonRecall, want: interval(confidence.WilsonRecall(total, level))},
	} {
		if err := checkFloat(name+".intervals."+iv.key+".lo", iv.got.Lo, iv.want.Lo); err != nil {
			return err
		}
		if err := checkFloat(name+".intervals."+iv.key+".hi", iv.got.Hi, iv.want.Hi); err != nil {
			return err
		}
	}
	if s.Macro != nil || s.Weighted != nil {
		macro, weighted := averages(s.PerType, types)
		if err := checkAverage(name+".macro", s.Macro, macro); err != nil {
			return err
		}
		if err := checkAverage(name+".weighted", s.Weighted, weighted); err != nil {
			return err
		}
	}
	return nil
}

// checkMetric checks that m's counts are consistent and its fractions are
// the ones they give, as seqeval computes them (0 for a zero denominator).
func checkMetric(name string, m Metric) error {
	c := confidence.Counts{TP: m.TP, Pred: m.Predicted, Gold: m.Gold}
	if err := c.Validate(); err != nil {
		return fmt.Errorf("%w: %s: %v", ErrScores, name, err)
	}
	for _, v := range []struct {
		key       string
		got, want float64
	}{{"precision", m.Precision, c.Precision()}, {"recall", m.Recall, c.Recall()}, {"f1", m.F1, c.F1()}} {
		if err := checkFloat(name+"."+v.key, v.got, v.want); err != nil {
			return fmt.Errorf("%w (tp=%d predicted=%d gold=%d)", err, m.TP, m.Predicted, m.Gold)
		}
	}
	return nil
}

func checkFloat(key string, got, want float64) error {
	if math.IsNaN(got) || math.IsInf(got, 0) || math.Abs(got-want) > tolerance {
		return fmt.Errorf("%w: %s is %.4f, its counts give %.4f", ErrScores, key, got, want)
	}
	return nil
}

func checkAverage(key string, got, want *Average) error {
	switch {
	case got == nil && want == nil:
		return nil
	case got == nil || want == nil:
		return fmt.Errorf("%w: %s is %v, want %v", ErrScores, key, got, want)
	}
	for _, v := range []struct {
		key       string
		got, want float64
	}{{"precision", got.Precision, want.Precision}, {"recall", got.Recall, want.Recall}, {"f1", got.F1, want.F1}} {
		if err := checkFloat(key+"."+v.key, v.got, v.want); err != nil {
			return err
		}
	}
	if got.Support != want.Support {
		return fmt.Errorf("%w: %s.support is %d, the per-type counts give %d", ErrScores, key, got.Support, want.Support)
	}
	return nil
}

// averages returns the macro and support-weighted averages of the per-type
// metrics of types, as seqeval's classification_report: nil macro for no
// types (numpy's mean of nothing is NaN), and a weighted average of zeros
// when no type has gold entities.
func averages(perType map[string]Metric, types []string) (macro, weighted *Average) {
	var ps, rs, fs, ws []float64
	support := 0
	for _, t := range types {
		m := perType[t]
		ps, rs, fs, ws = append(ps, m.Precision), append(rs, m.Recall), append(fs, m.F1), append(ws, float64(m.Gold))
		support += m.Gold
	}
	weighted = &Average{Support: support}
	if len(types) == 0 {
		return nil, weighted
	}
	n := float64(len(types))
	macro = &Average{Precision: sum(ps) / n, Recall: sum(rs) / n, F1: sum(fs) / n, Support: support}
	if support > 0 {
		weighted.Precision, weighted.Recall, weighted.F1 = dot(ps, ws)/float64(support), dot(rs, ws)/float64(support), dot(fs, ws)/float64(support)
	}
	return macro, weighted
}

func sum(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v
	}
	return s
}

func dot(x, w []float64) float64 {
	s := 0.0
	for i, v := range x {
		s += v * w[i]
	}
	return s
}

// Options returns the scoring options that s records, for Evaluate.
func (s Scoring) Options() (Options, error) {
	mode, err := seqeval.ParseMode(s.Mode)
	if err != nil {
		return Options{}, err
	}
	o := Options{Mode: mode, Map: s.Map, CI: confidence.Config{Seed: s.Seed, Resamples: s.Resamples, Level: s.Level}}
	if s.Scheme != "" {
		if o.Scheme, err = seqeval.ParseScheme(s.Scheme); err != nil {
			return Options{}, err
		}
	}
	return o, nil
}

// Verify scores the predictions of f again on the corpus c of dataset ds,
// with the scoring options f records, and returns an error wrapping
// ErrScores that names the first stored figure that differs from the
// recomputed one. The predictions must fit c (see CachedPredictions). It
// costs one Evaluate: bootstrap included, well under a second for DaNE test.
func (f *File) Verify(ctx context.Context, c *benchmarks.Corpus, ds *benchmarks.Dataset) error {
	if _, why := f.CachedPredictions(c, f.Model.Hash); why != "" {
		return fmt.Errorf("%w: %s", ErrScores, why)
	}
	opts, err := f.Scoring.Options()
	if err != nil {
		return fmt.Errorf("%w: %v", ErrScores, err)
	}
	re := &File{}
	if err := Evaluate(ctx, re, c, ds, f.Model.Types, f.Tags(), opts); err != nil {
		return err
	}
	if re.Main != f.Main {
		return fmt.Errorf("%w: main is %s, its model and dataset give %s", ErrScores, f.Main, re.Main)
	}
	if (re.MISCOn == nil) != (f.MISCOn == nil) {
		return fmt.Errorf("%w: misc_on scores present: %v, want %v", ErrScores, f.MISCOn != nil, re.MISCOn != nil)
	}
	for _, s := range []struct {
		name        string
		stored, new *Score
	}{{MainMISCOn, f.MISCOn, re.MISCOn}, {MainMISCOff, f.MISCOff, re.MISCOff}} {
		if s.stored == nil {
			continue
		}
		if err := diffScore(s.name, s.stored, s.new); err != nil {
			return err
		}
	}
	return nil
}

// diffScore returns an error naming the first figure of stored that
// differs from recomputed. Averages missing from stored (files written
// before they were added) are not compared.
func diffScore(name string, stored, recomputed *Score) error {
	metric := func(key string, got, want Metric) error {
		if got.TP != want.TP || got.Predicted != want.Predicted || got.Gold != want.Gold {
			return fmt.Errorf("%w: %s has tp=%d predicted=%d gold=%d, its predictions give tp=%d predicted=%d gold=%d",
				ErrScores, key, got.TP, got.Predicted, got.Gold, want.TP, want.Predicted, want.Gold)
		}
		for _, v := range []struct {
			k         string
			got, want float64
		}{{"precision", got.Precision, want.Precision}, {"recall", got.Recall, want.Recall}, {"f1", got.F1, want.F1}} {
			if err := recomputed1(key+"."+v.k, v.got, v.want); err != nil {
				return err
			}
		}
		return nil
	}
	if err := metric(name+".micro", stored.Micro, recomputed.Micro); err != nil {
		return err
	}
	if err := sameKeys(name+".per_type", stored.PerType, recomputed.PerType); err != nil {
		return err
	}
	for _, t := range sortedKeys(recomputed.PerType) {
		if err := metric(name+".per_type."+t, stored.PerType[t], recomputed.PerType[t]); err != nil {
			return err
		}
	}
	if err := recomputed1(name+".accuracy", stored.Accuracy, recomputed.Accuracy); err != nil {
		return err
	}
	a, b := stored.Intervals, recomputed.Intervals
	for _, iv := range []struct {
		key       string
		got, want Interval
	}{
		{"thesis_f1", a.ThesisF1, b.ThesisF1}, {"bootstrap_f1", a.F1, b.F1}, {"bootstrap_precision", a.Precision, b.Precision},
		{"bootstrap_recall", a.Recall, b.Recall}, {"wilson_precision", a.WilsonPrecision, b.WilsonPrecision}, {"wilson_recall", a.WilsonRecall, b.WilsonRecall},
	} {
		if err := recomputedInterval(name+".intervals."+iv.key, iv.got, iv.want); err != nil {
			return err
		}
	}
	if err := sameKeys(name+".per_type_bootstrap_f1", stored.PerTypeF1, recomputed.PerTypeF1); err != nil {
		return err
	}
	for _, t := range sortedKeys(recomputed.PerTypeF1) {
		if err := recomputedInterval(name+".per_type_bootstrap_f1."+t, stored.PerTypeF1[t], recomputed.PerTypeF1[t]); err != nil {
			return err
		}
	}
	for _, av := range []struct {
		key       string
		got, want *Average
	}{{name + ".macro", stored.Macro, recomputed.Macro}, {name + ".weighted", stored.Weighted, recomputed.Weighted}} {
		if av.got == nil && av.want != nil {
			continue
		}
		if err := checkAverage(av.key, av.got, av.want); err != nil {
			return err
		}
	}
	return nil
}

func recomputed1(key string, got, want float64) error {
	if math.IsNaN(got) || math.Abs(got-want) > tolerance {
		return fmt.Errorf("%w: %s is %.4f, its predictions give %.4f", ErrScores, key, got, want)
	}
	return nil
}

func recomputedInterval(key string, got, want Interval) error {
	if err := recomputed1(key+".lo", got.Lo, want.Lo); err != nil {
		return err
	}
	return recomputed1(key+".hi", got.Hi, want.Hi)
}

func sameKeys[V any](key string, stored, recomputed map[string]V) error {
	for _, t := range sortedKeys(stored) {
		if _, ok := recomputed[t]; !ok {
			return fmt.Errorf("%w: %s has type %s, which its predictions do not give", ErrScores, key, t)
		}
	}
	for _, t := range sortedKeys(recomputed) {
		if _, ok := stored[t]; !ok {
			return fmt.Errorf("%w: %s lacks type %s, which its predictions give", ErrScores, key, t)
		}
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
