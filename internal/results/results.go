// Package results defines the result file that `nerbench run` writes for one
// model on one dataset split, and computes the scores and intervals it
// holds.
//
// A result file (schema "nerbench.result/v1") is JSON with these top-level
// keys, kept stable across versions:
//
//	schema            "nerbench.result/v1"
//	nerbench_version  version of the nerbench that wrote it
//	command           the command line
//	model             name, title, public id, trained_on, types, hash
//	                  ("sha256:…"), config and provenance
//	dataset           name, split, source, hash ("sha256:…" over sentence
//	                  ids, words and gold tags), sentences, tokens, types
//	scoring           mode, scheme, label map, seed, resamples, level
//	main              "misc_on" or "misc_off": which score is the headline
//	main_reason       why, in words
//	misc_on           scores with MISC entities (absent when the dataset or
//	                  the model has no MISC)
//	misc_off          scores with MISC entities removed after chunking
//	predictions_hash  "sha256:…" over the predicted tags
//	predictions       [{"id": sentence id, "tags": [...]}, ...] in corpus order
//
// Each score holds micro precision, recall and F1 with their counts (tp,
// predicted, gold), per-type metrics, seqeval's macro and weighted
// averages ("macro", "weighted"), token accuracy, and the 95 %
// intervals: the thesis interval (eq. 4.3, F1 ± z·√(F1(1−F1)/n), n = gold
// entities), sentence-bootstrap percentile intervals for P, R and F1, and
// Wilson intervals for P and R. Fractions are in 0..1.
//
// Load checks the stored figures of a file against its stored counts, and
// Verify recomputes every score from the predictions and the corpus: a
// file that disagrees is an error wrapping ErrScores.
package results

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"sort"
	"strconv"

	"github.com/nerbench/nerbench/benchmarks"
	"github.com/nerbench/nerbench/confidence"
	"github.com/nerbench/nerbench/seqeval"
)

// Schema is the value of the schema key of result files this version writes.
const Schema = "nerbench.result/v1"

// Which score is the headline.
const (
	MainMISCOn  = "misc_on"
	MainMISCOff = "misc_off"
)

// File is one result file.
type File struct {
	Schema          string       `json:"schema"`
	Nerbench        string       `json:"nerbench_version"`
	Command         []string     `json:"command"`
	Model           Model        `json:"model"`
	Dataset         Dataset      `json:"dataset"`
	Scoring         Scoring      `json:"scoring"`
	Main            string       `json:"main"`
	MainReason      string       `json:"main_reason"`
	MISCOn          *Score       `json:"misc_on,omitempty"`
	MISCOff         *Score       `json:"misc_off"`
	PredictionsHash string       `json:"predictions_hash"`
	Predictions     []Prediction `json:"predictions"`
}

// Model describes the model that made the predictions.
type Model struct {
	Name       string   `json:"name"`
	Title      string   `json:"title"`
	ID         string   `json:"id"`
	TrainedOn  string   `json:"trained_on"`
	Types      []string `json:"types"`
	Hash       string   `json:"hash"`
	Config     any      `json:"config,omitempty"`
	Provenance any      `json:"provenance,omitempty"`
}

// Dataset describes the split that was scored.
type Dataset struct {
	Name      string   `json:"name"`
	Split     string   `json:"split"`
	Source    string   `json:"source"`
	Hash      string   `json:"hash"`
	Sentences int      `json:"sentences"`
	Tokens    int      `json:"tokens"`
	Types     []string `json:"types"`
}

// Scoring records how the predictions were scored.
type Scoring struct {
	Mode      string            `json:"mode"`
	Scheme    string            `json:"scheme,omitempty"`
	Map       map[string]string `json:"map,omitempty"`
	Seed      uint64            `json:"seed"`
	Resamples int               `json:"resamples"`
	Level     float64           `json:"level"`
}

// Metric is precision, recall and F1 (fractions) with their counts.
type Metric struct {
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
	TP        int     `json:"tp"`
	Predicted int     `json:"predicted"`
	Gold      int     `json:"gold"`
}

// Interval is a confidence interval of a fraction.
type Interval struct {
	Lo float64 `json:"lo"`
	Hi float64 `json:"hi"`
}

// Intervals are the confidence intervals of one score, all at Scoring.Level.
type Intervals struct {
	// ThesisF1 is the DaLUKE thesis interval (eq. 4.3) around F1.
	ThesisF1 Interval `json:"thesis_f1"`
	// F1, Precision and Recall are sentence-bootstrap percentile intervals.
	F1        Interval `json:"bootstrap_f1"`
	Precision Interval `json:"bootstrap_precision"`
	Recall    Interval `json:"bootstrap_recall"`
	// WilsonPrecision and WilsonRecall are Wilson score intervals.
	WilsonPrecision Interval `json:"wilson_precision"`
	WilsonRecall    Interval `json:"wilson_recall"`
}

// Score is the scoring of all predictions with or without MISC.
type Score struct {
	Micro     Metric            `json:"micro"`
	PerType   map[string]Metric `json:"per_type"`
	Accuracy  float64           `json:"accuracy"`
	Intervals Intervals         `json:"intervals"`
	// Macro and Weighted are seqeval's macro average (the unweighted mean
	// over the types of PerType) and support-weighted average (weighted by
	// each type's gold entities) of per-type precision, recall and F1, as
	// classification_report's "macro avg" and "weighted avg" rows. Macro
	// is absent when no type occurs (seqeval gives NaN); both are absent
	// in files written before nerbench computed them.
	Macro    *Average `json:"macro,omitempty"`
	Weighted *Average `json:"weighted,omitempty"`
	// PerTypeF1 holds the bootstrap F1 interval of each type.
	PerTypeF1 map[string]Interval `json:"per_type_bootstrap_f1"`
	// Sentence holds the per-sentence counts the bootstrap resamples.
	Sentence []confidence.Counts `json:"-"`
}

// Average is a macro or weighted average of per-type metrics (fractions),
// with its support: the gold entities of all types.
type Average struct {
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
	Support   int     `json:"support"`
}

// Prediction is the predicted tags of one sentence.
type Prediction struct {
	ID   string   `json:"id"`
	Tags []string `json:"tags"`
}

// Options configures Evaluate.
type Options struct {
	// Mode, Scheme and Map are passed to seqeval.Score.
	Mode   seqeval.Mode
	Scheme seqeval.Scheme
	Map    map[string]string
	// CI configures the bootstrap; its zero value gives 1000 resamples at
	// 95 % with seed 0.
	CI confidence.Config
}

// Evaluate scores pred against the gold tags of c and fills f's dataset,
// scoring, score and prediction fields. modelTypes are the entity types the
// model predicts: a model without MISC, or a dataset without MISC, is scored
// with MISC off as its headline score, and f.MainReason says so.
func Evaluate(ctx context.Context, f *File, c *benchmarks.Corpus, ds *benchmarks.Dataset, modelTypes []string, pred [][]string, opts Options) error {
	if len(pred) != len(c.Sentences) {
		return fmt.Errorf("%w: %d predicted sentences for %d gold", benchmarks.ErrPrediction, len(pred), len(c.Sentences))
	}
	gold := make([][]string, len(c.Sentences))
	tokens := 0
	for i, s := range c.Sentences {
		gold[i] = s.Tags
		tokens += len(s.Words)
	}
	cfg := opts.CI
	if cfg.Resamples == 0 {
		cfg.Resamples = confidence.DefaultResamples
	}
	if cfg.Level == 0 {
		cfg.Level = confidence.DefaultLevel
	}
	f.Dataset = Dataset{
		Name: ds.Name, Split: c.Split, Source: c.File, Hash: CorpusHash(c),
		Sentences: len(c.Sentences), Tokens: tokens, Types: ds.Types,
	}
	f.Scoring = Scoring{Mode: opts.Mode.String(), Map: opts.Map, Seed: cfg.Seed, Resamples: cfg.Resamples, Level: cfg.Level}
	if opts.Mode == seqeval.Strict {
		f.Scoring.Scheme = opts.Scheme.String()
	}
	dataMISC := slices.Contains(ds.Types, "MISC")
	modelMISC := slices.Contains(modelTypes, "MISC")
	var err error
	switch {
	case !dataMISC:
		f.Main, f.MainReason = MainMISCOff, "the dataset annotates no MISC"
	case !modelMISC:
		f.Main, f.MainReason = MainMISCOff, "the model predicts no MISC, so it is scored with MISC off"
	default:
		f.Main, f.MainReason = MainMISCOn, "MISC is scored; misc_off removes MISC entities after chunking"
		if f.MISCOn, err = score(ctx, gold, pred, opts, cfg, false); err != nil {
			return err
		}
	}
	if f.MISCOff, err = score(ctx, gold, pred, opts, cfg, true); err != nil {
		return err
	}
	f.Predictions = make([]Prediction, len(pred))
	for i, p := range pred {
		f.Predictions[i] = Prediction{ID: c.Sentences[i].ID, Tags: p}
	}
	f.PredictionsHash = PredictionsHash(pred)
	return nil
}

// MainScore returns the headline score.
func (f *File) MainScore() *Score {
	if f.Main == MainMISCOn {
		return f.MISCOn
	}
	return f.MISCOff
}

func score(ctx context.Context, gold, pred [][]string, opts Options, cfg confidence.Config, noMisc bool) (*Score, error) {
	res, err := seqeval.Score(gold, pred, seqeval.Options{Mode: opts.Mode, Scheme: opts.Scheme, Map: opts.Map, NoMisc: noMisc, Details: true})
	if err != nil {
		return nil, err
	}
	s := &Score{
		Micro:     metric(res.Micro),
		PerType:   make(map[string]Metric, len(res.Types)),
		Accuracy:  res.Accuracy,
		PerTypeF1: make(map[string]Interval, len(res.Types)),
	}
	for _, t := range res.Types {
		s.PerType[t] = metric(res.PerType[t])
	}
	if len(res.Types) > 0 {
		s.Macro = &Average{Precision: res.Macro.Precision, Recall: res.Macro.Recall, F1: res.Macro.F1, Support: res.Macro.Gold}
	}
	s.Weighted = &Average{Precision: res.Weighted.Precision, Recall: res.Weighted.Recall, F1: res.Weighted.F1, Support: res.Weighted.Gold}
	// Per-sentence counts, overall and per type, for the bootstrap.
	s.Sentence = make([]confidence.Counts, len(gold))
	perType := make(map[string][]confidence.Counts, len(res.Types))
	for _, t := range res.Types {
		perType[t] = make([]confidence.Counts, len(gold))
	}
	for i := range gold {
		for _, e := range res.Gold[i] {
			s.Sentence[i].Gold++
			perType[e.Type][i].Gold++
		}
		for _, e := range res.Pred[i] {
			s.Sentence[i].Pred++
			perType[e.Type][i].Pred++
			if slices.Contains(res.Gold[i], e) {
				s.Sentence[i].TP++
				perType[e.Type][i].TP++
			}
		}
	}
	total := confidence.Sum(s.Sentence)
	if total.TP != res.Micro.TP || total.Pred != res.Micro.Predicted || total.Gold != res.Micro.Gold {
		return nil, fmt.Errorf("results: per-sentence counts %+v disagree with seqeval's micro counts %+v", total, res.Micro)
	}
	s.Intervals.ThesisF1 = interval(confidence.ThesisF1(total, cfg.Level))
	s.Intervals.WilsonPrecision = interval(confidence.WilsonPrecision(total, cfg.Level))
	s.Intervals.WilsonRecall = interval(confidence.WilsonRecall(total, cfg.Level))
	if len(gold) > 0 {
		b, err := confidence.Bootstrap(ctx, s.Sentence, cfg)
		if err != nil {
			return nil, err
		}
		s.Intervals.F1, s.Intervals.Precision, s.Intervals.Recall = interval(b.F1), interval(b.Precision), interval(b.Recall)
		for t, counts := range perType {
			bt, err := confidence.Bootstrap(ctx, counts, cfg)
			if err != nil {
				return nil, err
			}
			s.PerTypeF1[t] = interval(bt.F1)
		}
	}
	return s, nil
}

func metric(m seqeval.Metrics) Metric {
	return Metric{Precision: m.Precision, Recall: m.Recall, F1: m.F1, TP: m.TP, Predicted: m.Predicted, Gold: m.Gold}
}

func interval(iv confidence.Interval) Interval { return Interval{Lo: iv.Lo, Hi: iv.Hi} }

// CorpusHash returns "sha256:<hex>" over the sentence ids, words and gold
// tags of c, so that the same data read from another file format or from
// the embedded copy hashes the same: for each sentence its id, NUL, its
// number of words in decimal, NUL, then each word and its tag, each
// followed by a NUL.
func CorpusHash(c *benchmarks.Corpus) string {
	h := sha256.New()
	var buf []byte
	for _, s := range c.Sentences {
		buf = append(append(buf[:0], s.ID...), 0)
		buf = append(strconv.AppendInt(buf, int64(len(s.Words)), 10), 0)
		for i, w := range s.Words {
			buf = append(append(buf, w...), 0)
			buf = append(append(buf, s.Tags[i]...), 0)
		}
		h.Write(buf)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

// PredictionsHash returns "sha256:<hex>" over the predicted tags: for each
// sentence its number of tags in decimal and a NUL, then each tag and a
// NUL. It allocates a buffer of one sentence, never one per tag.
func PredictionsHash(pred [][]string) string {
	h := sha256.New()
	var buf []byte
	for _, p := range pred {
		buf = append(strconv.AppendInt(buf[:0], int64(len(p)), 10), 0)
		for _, t := range p {
			buf = append(append(buf, t...), 0)
		}
		h.Write(buf)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

// Tags returns the predictions as tag slices in corpus order.
func (f *File) Tags() [][]string {
	out := make([][]string, len(f.Predictions))
	for i, p := range f.Predictions {
		out[i] = p.Tags
	}
	return out
}

// CachedPredictions returns the predictions of f if they are valid for
// corpus c and a model with hash modelHash: same model hash, same corpus
// hash, and the same sentence ids with one tag per word. Otherwise it
// returns nil and the reason.
func (f *File) CachedPredictions(c *benchmarks.Corpus, modelHash string) ([][]string, string) {
	switch {
	case f.Model.Hash != modelHash:
		return nil, "the model changed"
	case f.Dataset.Hash != CorpusHash(c):
		return nil, "the dataset changed"
	case len(f.Predictions) != len(c.Sentences):
		return nil, "the number of sentences differs"
	}
	for i, p := range f.Predictions {
		s := c.Sentences[i]
		if p.ID != s.ID || len(p.Tags) != len(s.Words) {
			return nil, fmt.Sprintf("sentence %s does not match", s.ID)
		}
	}
	if PredictionsHash(f.Tags()) != f.PredictionsHash {
		return nil, "the predictions do not match their hash"
	}
	return f.Tags(), ""
}

// Golden returns the deterministic summary that golden files hold: model,
// dataset, scoring, the scores with four decimals and the predictions hash,
// without the version, command line or paths.
func (f *File) Golden() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "model %s %s\n", f.Model.Name, f.Model.Hash)
	fmt.Fprintf(&b, "dataset %s/%s %s sentences=%d tokens=%d\n", f.Dataset.Name, f.Dataset.Split, f.Dataset.Hash, f.Dataset.Sentences, f.Dataset.Tokens)
	fmt.Fprintf(&b, "scoring mode=%s scheme=%s seed=%d resamples=%d level=%.2f\n", f.Scoring.Mode, f.Scoring.Scheme, f.Scoring.Seed, f.Scoring.Resamples, f.Scoring.Level)
	fmt.Fprintf(&b, "main %s (%s)\n", f.Main, f.MainReason)
	for _, s := range []struct {
		name  string
		score *Score
	}{{"misc_on", f.MISCOn}, {"misc_off", f.MISCOff}} {
		if s.score == nil {
			continue
		}
		m := s.score.Micro
		iv := s.score.Intervals
		fmt.Fprintf(&b, "%s micro p=%.4f r=%.4f f1=%.4f tp=%d pred=%d gold=%d acc=%.4f\n", s.name, m.Precision, m.Recall, m.F1, m.TP, m.Predicted, m.Gold, s.score.Accuracy)
		fmt.Fprintf(&b, "%s ci thesis=[%.4f,%.4f] bootstrap=[%.4f,%.4f]\n", s.name, iv.ThesisF1.Lo, iv.ThesisF1.Hi, iv.F1.Lo, iv.F1.Hi)
		types := make([]string, 0, len(s.score.PerType))
		for t := range s.score.PerType {
			types = append(types, t)
		}
		sort.Strings(types)
		for _, t := range types {
			m := s.score.PerType[t]
			fmt.Fprintf(&b, "%s %s p=%.4f r=%.4f f1=%.4f tp=%d pred=%d gold=%d\n", s.name, t, m.Precision, m.Recall, m.F1, m.TP, m.Predicted, m.Gold)
		}
	}
	fmt.Fprintf(&b, "predictions %s\n", f.PredictionsHash)
	return b.Bytes()
}
