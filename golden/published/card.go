package published

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"regexp"
	"sync"
)

//go:embed card-*.json
var cardFiles embed.FS

// CardSchema is the "schema" of a model-card table file.
const CardSchema = "nerbench.model-card/v1"

// CardRow is one model of a model card's comparison table.
type CardRow struct {
	Model string `json:"model"`
	// Adapter is the nerbench model name, empty when nerbench has none.
	Adapter    string `json:"adapter"`
	Layers     int    `json:"layers"`
	HiddenSize int    `json:"hidden_size"`
	// Params is the parameter count as printed ("14.7M").
	Params string `json:"params"`
	// F1 and SD are the average micro F1 on the test set and its standard
	// deviation over runs, in percent.
	F1 float64 `json:"f1"`
	SD float64 `json:"sd"`
	// InferenceSecPerEpoch is the card's average inference time in seconds
	// per epoch of the test set.
	InferenceSecPerEpoch float64 `json:"inference_s_per_epoch"`
}

// Card is a comparison table printed on a model card (not in the thesis).
type Card struct {
	Schema string `json:"schema"`
	ID     string `json:"id"`
	Title  string `json:"title"`
	Source struct {
		URL     string `json:"url"`
		Section string `json:"section"`
	} `json:"source"`
	Dataset string    `json:"dataset"`
	Split   string    `json:"split"`
	Notes   []string  `json:"notes"`
	Rows    []CardRow `json:"rows"`
}

var paramsRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9]+(\.[0-9]+)?[KMB]$`) })

// ModelCard returns the stored model-card table id ("aelaectra").
func ModelCard(id string) (*Card, error) {
	name := "card-" + id + ".json"
	data, err := cardFiles.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("%w: model card %q", ErrUnknownTable, id)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var c Card
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrFormat, name, err)
	}
	if c.Schema != CardSchema || c.ID != id || len(c.Rows) == 0 {
		return nil, fmt.Errorf("%w: %s: want schema %s, id %s and rows", ErrFormat, name, CardSchema, id)
	}
	for i, r := range c.Rows {
		if r.Model == "" || r.Layers < 1 || r.HiddenSize < 1 || !paramsRE().MatchString(r.Params) ||
			r.F1 <= 0 || r.F1 > 100 || r.SD < 0 || r.InferenceSecPerEpoch <= 0 {
			return nil, fmt.Errorf("%w: %s: row %d (%s) has a missing or impossible value", ErrFormat, name, i+1, r.Model)
		}
	}
	return &c, nil
}
