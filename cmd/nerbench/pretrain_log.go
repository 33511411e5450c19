package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"

	"github.com/nerbench/nerbench/internal/figures"
)

// pretrainLogSchema names the records of train-log.jsonl.
const pretrainLogSchema = "nerbench.pretrain.log/v1"

// pretrainRecord is one line of train-log.jsonl: an update ("train") or a
// validation pass ("validation"). Accuracies are keyed by k; a key is
// missing when there was nothing to score.
type pretrainRecord struct {
	Schema     string             `json:"schema"`
	Kind       string             `json:"kind"`
	Step       int                `json:"step"`
	Epoch      int                `json:"epoch"`
	LR         float64            `json:"lr,omitempty"`
	Loss       float64            `json:"loss"`
	WordLoss   float64            `json:"word_loss"`
	EntityLoss float64            `json:"entity_loss"`
	Examples   int                `json:"examples"`
	Words      int                `json:"masked_words"`
	Entities   int                `json:"masked_entities"`
	WordTop    map[string]float64 `json:"word_top"`
	EntityTop  map[string]float64 `json:"entity_top"`
}

// topMap returns hits/n keyed by k, empty when n is 0.
func topMap(ks, hits []int, n int) map[string]float64 {
	m := map[string]float64{}
	if n == 0 {
		return m
	}
	for j, k := range ks {
		m[strconv.Itoa(k)] = float64(hits[j]) / float64(n)
	}
	return m
}

// readPretrainLog reads train-log.jsonl.
func readPretrainLog(file string) ([]pretrainRecord, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []pretrainRecord
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		var r pretrainRecord
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", file, n, err)
		}
		if r.Schema != pretrainLogSchema {
			return nil, fmt.Errorf("%s:%d: schema %q, want %q", file, n, r.Schema, pretrainLogSchema)
		}
		out = append(out, r)
	}
	return out, sc.Err()
}

// pretrainFigures draws base-loss and base-accuracy (PNG and SVG): the
// training losses per update, and the word and entity top-1 and top-10
// accuracies of the updates and of the validations.
func pretrainFigures(recs []pretrainRecord, base string) ([]string, error) {
	loss := plot.New()
	loss.Title.Text = "DaLUKE pretraining loss"
	loss.X.Label.Text = "update"
	loss.Y.Label.Text = "cross-entropy"
	acc := plot.New()
	acc.Title.Text = "DaLUKE pretraining top-k accuracy"
	acc.X.Label.Text = "update"
	acc.Y.Label.Text = "accuracy"
	series := func(kind string, y func(r pretrainRecord) (float64, bool)) plotter.XYs {
		var xy plotter.XYs
		for _, r := range recs {
			if r.Kind != kind {
				continue
			}
			if v, ok := y(r); ok {
				xy = append(xy, plotter.XY{X: float64(r.Step), Y: v})
			}
		}
		return xy
	}
	var lossArgs, accArgs []any
	for _, s := range []struct {
		name string
		y    func(pretrainRecord) float64
	}{{"loss", func(r pretrainRecord) float64 { return r.Loss }}, {"word", func(r pretrainRecord) float64 { return r.WordLoss }},
		{"entity", func(r pretrainRecord) float64 { return r.EntityLoss }}} {
		lossArgs = append(lossArgs, "train "+s.name, series("train", func(r pretrainRecord) (float64, bool) { return s.y(r), true }))
	}
	for _, kind := range []string{"train", "validation"} {
		for _, k := range []string{"1", "10"} {
			accArgs = append(accArgs, kind+" word top-"+k, series(kind, func(r pretrainRecord) (float64, bool) { v, ok := r.WordTop[k]; return v, ok }))
			accArgs = append(accArgs, kind+" entity top-"+k, series(kind, func(r pretrainRecord) (float64, bool) { v, ok := r.EntityTop[k]; return v, ok }))
		}
	}
	if err := plotutil.AddLines(loss, lossArgs...); err != nil {
		return nil, err
	}
	if err := plotutil.AddLines(acc, accArgs...); err != nil {
		return nil, err
	}
	a, err := figures.Save(loss, base+"-loss")
	if err != nil {
		return a, err
	}
	b, err := figures.Save(acc, base+"-accuracy")
	return append(a, b...), err
}
