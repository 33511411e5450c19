package baseline

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/nerbench/nerbench/benchmarks"
	"github.com/nerbench/nerbench/seqeval"
)

// FormatVersion is the version of the model file format that this package
// writes and reads.
const FormatVersion = 1

// scale is the fixed-point scale of stored weights: a stored weight w means
// w/scale.
const scale = 1000

// TrainConfig holds the training settings. The zero TrainConfig gives the
// defaults, which are the settings of the shipped DaNE model.
type TrainConfig struct {
	// Seed seeds the order in which sentences are visited in each epoch.
	// Every value, zero included, is a valid seed.
	Seed uint64
	// MaxEpochs is the most passes over the training data. Zero or less
	// means 30.
	MaxEpochs int
	// Patience stops training after this many epochs without a better dev
	// F1. Zero means 6; a negative value never stops early.
	Patience int
	// MinCount keeps only features seen at least this many times in the
	// training data. Zero or less means 1.
	MinCount int
	// GazetteerMaxLen is the longest entity, in words, that goes into the
	// gazetteer. Zero or less means 6.
	GazetteerMaxLen int
	// Bags is how many perceptrons are trained, each on its own order of
	// the training sentences, and summed into the model. Zero or less
	// means 1. On DaNE dev, five bags score about the same as one and
	// double the model's size.
	Bags int
	// Prune drops averaged weights whose absolute value is below it, to
	// keep the model file small. Zero means 0.05; a negative value keeps
	// every nonzero weight.
	Prune float64
	// Features selects the feature groups that enter the model: "" or
	// "all" for every feature, "words" for all but the gazetteer
	// features (an ablation without entity knowledge), "entities" for
	// the gazetteer features and the bias only. Features left out get
	// no weight, so the tagger ignores them too.
	Features string

	// Dataset, TrainSplit, DevSplit and Command are recorded in the
	// model's provenance.
	Dataset, TrainSplit, DevSplit string
	Command                       string

	// Progress, when not nil, is called after every epoch with the bag
	// and epoch numbers (from 1) and the micro-F1 on dev in percent.
	Progress func(bag, epoch int, devF1 float64)
}

// Resolved returns the settings training with c uses, with every zero
// field replaced by its default.
func (c TrainConfig) Resolved() Hyper {
	h := Hyper{Seed: c.Seed, MaxEpochs: c.MaxEpochs, Patience: c.Patience, MinCount: c.MinCount,
		GazetteerMaxLen: c.GazetteerMaxLen, Bags: c.Bags, Prune: c.Prune, Scale: scale, Features: c.Features}
	if h.Features == "all" {
		h.Features = ""
	}
	if h.MaxEpochs <= 0 {
		h.MaxEpochs = 30
	}
	if h.Patience == 0 {
		h.Patience = 6
	}
	if h.MinCount <= 0 {
		h.MinCount = 1
	}
	if h.GazetteerMaxLen <= 0 {
		h.GazetteerMaxLen = 6
	}
	if h.Bags <= 0 {
		h.Bags = 1
	}
	if h.Prune == 0 {
		h.Prune = 0.05
	}
	return h
}

// HashSentences returns the SHA-256 digest, in hex, of the words and tags of
// sents: each word is written as word TAB tag LF, and each sentence ends
// with an extra LF.
func HashSentences(sents []benchmarks.Sentence) string {
	h := sha256.New()
	for _, s := range sents {
		for i, w := range s.Words {
			h.Write([]byte(w))
			h.Write([]byte{'\t'})
			h.Write([]byte(s.Tags[i]))
			h.Write([]byte{'\n'})
		}
		h.Write([]byte{'\n'})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// ErrNoData is returned by Train when the training or dev split is empty.
var ErrNoData = errors.New("no sentences")

// checkSplit reports sentences whose tags do not match their words or are
// not IOB2.
func checkSplit(name string, sents []benchmarks.Sentence) error {
	if len(sents) == 0 {
		return fmt.Errorf("%s split: %w", name, ErrNoData)
	}
	for k, s := range sents {
		if len(s.Tags) != len(s.Words) {
			return fmt.Errorf("%s split, sentence %d (%s): %d words but %d tags", name, k+1, s.ID, len(s.Words), len(s.Tags))
		}
		for i, t := range s.Tags {
			if _, _, ok := entityType(t); !ok && t != "O" {
				return fmt.Errorf("%s split, sentence %d (%s), word %d: tag %q is not IOB2", name, k+1, s.ID, i+1, t)
			}
		}
	}
	return nil
}

// Train trains a model on train with the averaged structured perceptron,
// and selects the number of epochs by the micro-F1 on dev (MISC on).
// Nothing but train and dev is read. The result depends only on train, dev
// and cfg, not on the platform, since training uses integer arithmetic
// only: the same input gives the same model, and the same model file as
// long as Go's compress/gzip compresses the same way (it has for many
// releases). Train checks ctx between epochs.
func Train(ctx context.Context, train, dev []benchmarks.Sentence, cfg TrainConfig) (*Model, error) {
	if err := checkSplit("train", train); err != nil {
		return nil, err
	}
	if err := checkSplit("dev", dev); err != nil {
		return nil, err
	}
	h := cfg.Resolved()
	if !slices.Contains([]string{"", "words", "entities"}, h.Features) {
		return nil, fmt.Errorf("features %q: want all, words or entities", cfg.Features)
	}

	// Entity types, tags and statistics come from train only.
	typeSet := map[string]bool{}
	words := make([][]string, len(train))
	gold := make([][]string, len(train))
	for k, s := range train {
		words[k], gold[k] = s.Words, s.Tags
		for _, t := range s.Tags {
			if typ, _, ok := entityType(t); ok {
				typeSet[typ] = true
			}
		}
	}
	types := make([]string, 0, len(typeSet))
	for t := range typeSet {
		types = append(types, t)
	}
	slices.Sort(types)
	tags, allowed := newTagSet(types)
	tagIdx := map[string]int32{}
	for i, t := range tags {
		tagIdx[t] = int32(i)
	}
	T := len(tags)
	st, owns := buildStats(words, gold, types, h.GazetteerMaxLen)

	// Feature dictionary: features seen at least MinCount times, numbered
	// in order of first appearance.
	var bufs []featureBuf
	counts := map[string]int{}
	for k := range train {
		bufs = st.extract(words[k], owns[k], bufs)
		for i := range bufs {
			bufs[i].each(func(f []byte) { counts[string(f)]++ })
		}
	}
	feats := map[string]int32{}
	var names []string
	rows := make([][][]int32, len(train))
	goldIdx := make([][]int32, len(train))
	for k := range train {
		bufs = st.extract(words[k], owns[k], bufs)
		rows[k] = make([][]int32, len(words[k]))
		goldIdx[k] = make([]int32, len(words[k]))
		for i := range bufs {
			var r []int32
			bufs[i].each(func(f []byte) {
				if counts[string(f)] < h.MinCount || !keepFeature(h.Features, f) {
					return
				}
				id, ok := feats[string(f)]
				if !ok {
					id = int32(len(names))
					names = append(names, string(f))
					feats[names[id]] = id
				}
				r = append(r, id)
			})
			rows[k][i] = r
			t, ok := tagIdx[gold[k][i]]
			if !ok {
				// Unreachable: every tag of train is in the tag set.
				panic("baseline: unknown training tag " + gold[k][i])
			}
			goldIdx[k][i] = t
		}
	}
	counts = nil

	m := &Model{
		tags: tags, types: types, feats: feats, stats: st, allowed: allowed,
		prov: Provenance{
			Format: FormatVersion, Dataset: cfg.Dataset, TrainSplit: cfg.TrainSplit, DevSplit: cfg.DevSplit,
			TrainSentences: len(train), DevSentences: len(dev),
			TrainHash: HashSentences(train), DevHash: HashSentences(dev),
			Hyper: h, Command: cfg.Command,
		},
	}

	// Dev features are fixed, so extract them once.
	var d decoder
	devRows := make([][][]int32, len(dev))
	for k, s := range dev {
		r := d.features(m, s.Words, nil)
		devRows[k] = make([][]int32, len(r))
		for i := range r {
			devRows[k][i] = slices.Clone(r[i])
		}
	}

	m.weights = make([]int32, len(names)*T)

	// Train Bags perceptrons that differ only in the order of the
	// sentences, each stopped at its best dev epoch, and add up their
	// averaged weights.
	nF := len(names)
	sumW := make([]int32, nF*T)
	sumT := make([]int32, (T+1)*T)
	sumE := make([]int32, T)
	for bag := range h.Bags {
		r, err := trainBag(ctx, m, &d, rows, goldIdx, dev, devRows, h, bag, cfg.Progress)
		if err != nil {
			return nil, err
		}
		addTo(sumW, r.w)
		addTo(sumT, r.t)
		addTo(sumE, r.e)
		m.prov.Epochs = append(m.prov.Epochs, r.epoch)
		m.prov.DevCurves = append(m.prov.DevCurves, r.curve)
	}
	m.trans, m.end = sumT, sumE
	bestW := sumW

	// Keep only the features with a weight at or above the pruning
	// threshold, in sorted order.
	limit := int32(0)
	if h.Prune > 0 {
		limit = int32(math.Ceil(h.Prune * scale * float64(h.Bags)))
	}
	type kept struct {
		name string
		row  []int32
	}
	var keep []kept
	for id, name := range names {
		row := bestW[id*T : id*T+T]
		nonzero := false
		for t, w := range row {
			if w != 0 && (w >= limit || w <= -limit) {
				nonzero = true
			} else {
				row[t] = 0
			}
		}
		if nonzero {
			keep = append(keep, kept{name, row})
		}
	}
	slices.SortFunc(keep, func(a, b kept) int {
		switch {
		case a.name < b.name:
			return -1
		case a.name > b.name:
			return 1
		}
		return 0
	})
	m.feats = make(map[string]int32, len(keep))
	m.weights = make([]int32, len(keep)*T)
	for i, k := range keep {
		m.feats[k.name] = int32(i)
		copy(m.weights[i*T:], k.row)
	}
	m.prov.Features = len(keep)
	f1, err := devF1(m, &d, dev, nil)
	if err != nil {
		return nil, err
	}
	m.prov.DevF1 = round4(f1)
	data, err := m.compressed()
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data)
	m.hash = hex.EncodeToString(sum[:])
	return m, nil
}

// keepFeature reports whether feature f belongs to the feature group
// selected by TrainConfig.Features. Gazetteer features start with "gz".
func keepFeature(group string, f []byte) bool {
	switch group {
	case "words":
		return !bytes.HasPrefix(f, []byte("gz"))
	case "entities":
		return bytes.HasPrefix(f, []byte("gz")) || string(f) == "b"
	}
	return true
}

// perceptron holds the state of averaged perceptron training: the current
// weights w and the sums u of each update times the step at which it was
// made, from which the average is w - u/c (Daumé III, 2006, "A Course in
// Machine Learning", ch. 4, averaged perceptron).
type perceptron struct {
	T       int
	allowed []bool
	w       []int32
	u       []int64
	tw, ew  []int32
	tu, eu  []int64
	c       int64
}

// step decodes one sentence with the current weights and, when the result
// differs from gold, moves the weights towards gold.
func (p *perceptron) step(d *decoder, rows [][]int32, gold []int32) {
	pred := d.viterbi(len(gold), p.T, rows, p.w, p.tw, p.ew, p.allowed)
	if !slices.Equal(pred, gold) {
		T := p.T
		prevG, prevP := int32(-1), int32(-1)
		for i := range gold {
			g, q := gold[i], pred[i]
			if g != q {
				for _, f := range rows[i] {
					p.update(p.w, p.u, int(f)*T+int(g), 1)
					p.update(p.w, p.u, int(f)*T+int(q), -1)
				}
			}
			if g != q || prevG != prevP {
				p.update(p.tw, p.tu, int(prevG+1)*T+int(g), 1)
				p.update(p.tw, p.tu, int(prevP+1)*T+int(q), -1)
			}
			prevG, prevP = g, q
		}
		if prevG != prevP {
			p.update(p.ew, p.eu, int(prevG), 1)
			p.update(p.ew, p.eu, int(prevP), -1)
		}
	}
	p.c++
}

func (p *perceptron) update(w []int32, u []int64, i int, delta int32) {
	w[i] += delta
	u[i] += int64(delta) * p.c
}

// average writes the averaged weights times scale, rounded half away from
// zero, into the three slices.
func (p *perceptron) average(w, t, e []int32) {
	avg := func(dst, w []int32, u []int64) {
		for i := range w {
			num := (int64(w[i])*p.c - u[i]) * scale
			q := (abs64(num) + p.c/2) / p.c
			if num < 0 {
				q = -q
			}
			dst[i] = int32(q)
		}
	}
	avg(w, p.w, p.u)
	avg(t, p.tw, p.tu)
	avg(e, p.ew, p.eu)
}

func abs64(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

// devF1 tags dev with the model's current weights and returns seqeval's
// micro-F1 (default mode, MISC included) in percent. rows holds the
// features of each dev sentence, or is nil to extract them.
func devF1(m *Model, d *decoder, dev []benchmarks.Sentence, rows [][][]int32) (float64, error) {
	gold := make([][]string, len(dev))
	pred := make([][]string, len(dev))
	for k, s := range dev {
		var r [][]int32
		if rows != nil {
			r = rows[k]
		}
		ids := d.decode(m, s.Words, r)
		p := make([]string, len(ids))
		for i, t := range ids {
			p[i] = m.tags[t]
		}
		gold[k], pred[k] = s.Tags, p
	}
	res, err := seqeval.Score(gold, pred, seqeval.Options{})
	if err != nil {
		return 0, fmt.Errorf("score dev: %w", err)
	}
	return 100 * res.Micro.F1, nil
}

// bagResult is one perceptron of the bag: its averaged weights at the
// epoch with the best dev F1, that epoch, and the dev F1 after each epoch.
type bagResult struct {
	w, t, e []int32
	epoch   int
	curve   []float64
}

// trainBag trains one perceptron, visiting the sentences in an order drawn
// from the seed and the bag number, and keeps the averaged weights of the
// epoch with the best dev F1 (the earliest on ties).
func trainBag(ctx context.Context, m *Model, d *decoder, rows [][][]int32, gold [][]int32,
	dev []benchmarks.Sentence, devRows [][][]int32, h Hyper, bag int, progress func(bag, epoch int, f1 float64)) (bagResult, error) {
	T := len(m.tags)
	nF := len(m.weights) / T
	p := perceptron{
		T: T, allowed: m.allowed,
		w: make([]int32, nF*T), u: make([]int64, nF*T),
		tw: make([]int32, (T+1)*T), tu: make([]int64, (T+1)*T),
		ew: make([]int32, T), eu: make([]int64, T),
		c: 1,
	}
	avgW := make([]int32, nF*T)
	avgT := make([]int32, (T+1)*T)
	avgE := make([]int32, T)
	var r bagResult
	bestF1 := -1.0
	rng := rand.New(rand.NewPCG(h.Seed, 0x6e657262656e6368+uint64(bag))) // "nerbench"
	order := make([]int, len(rows))
	for i := range order {
		order[i] = i
	}
	for epoch := 1; epoch <= h.MaxEpochs; epoch++ {
		if err := ctx.Err(); err != nil {
			return r, err
		}
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, k := range order {
			p.step(d, rows[k], gold[k])
		}
		p.average(avgW, avgT, avgE)
		m.weights, m.trans, m.end = avgW, avgT, avgE
		f1, err := devF1(m, d, dev, devRows)
		if err != nil {
			return r, err
		}
		r.curve = append(r.curve, round4(f1))
		if progress != nil {
			progress(bag+1, epoch, f1)
		}
		if f1 > bestF1 {
			bestF1, r.epoch = f1, epoch
			r.w, r.t, r.e = slices.Clone(avgW), slices.Clone(avgT), slices.Clone(avgE)
		} else if h.Patience > 0 && epoch-r.epoch >= h.Patience {
			break
		}
	}
	return r, nil
}

func addTo(dst, src []int32) {
	for i, v := range src {
		dst[i] += v
	}
}

// round4 rounds to four decimals, for the figures kept in provenance.
func round4(x float64) float64 { return math.Round(x*1e4) / 1e4 }
