package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/nerbench/nerbench/golden/published"
	"github.com/nerbench/nerbench/internal/experiment"
)

// collectedResults reads path as the JSON output of `experiment collect`
// (schema nerbench.experiment.collect/v1). ok is false for any other file.
// Each result is a mean over runs, with its Student-t interval as the CI.
func collectedResults(path, name string) (rs []published.Result, ok bool, err error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, false, err
	}
	var head struct {
		Schema string `json:"schema"`
	}
	if json.Unmarshal(data, &head) != nil || head.Schema != experiment.CollectSchema {
		return nil, false, nil
	}
	var c experiment.Collected
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, true, fmt.Errorf("read collected experiment %s: %w", path, err)
	}
	for _, cr := range c.Compare {
		r := published.Result{
			Model: cr.Model, TrainedOn: cr.TrainedOn, Dataset: cr.Dataset, Split: cr.Split,
			Scores: map[published.Metric]float64{}, CI: map[published.Metric]published.Interval{},
			Source: fmt.Sprintf("%s (experiment %s, mean of %d runs)", name, c.Name, cr.Runs),
		}
		for m, v := range cr.Scores {
			r.Scores[m] = v
		}
		for m, iv := range cr.CI {
			r.CI[m] = published.Interval{Lo: iv[0], Hi: iv[1]}
		}
		rs = append(rs, r)
	}
	return rs, true, nil
}
