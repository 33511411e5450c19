package train

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"sort"
)

// StateSchema is the schema of state.json.
const StateSchema = "nerbench.train.state/v1"

// State is where a run stands between two updates: everything besides the
// weights and the optimizer moments that a resumed run needs.
type State struct {
	Schema string `json:"schema"`
	// Config holds the settings that change the result, as text, and
	// ConfigHash their HashConfig. A resumed run must have the same.
	Config     map[string]string `json:"config"`
	ConfigHash string            `json:"config_hash"`
	// Step is the number of updates applied; Total the number the run
	// makes, fixed before the first.
	Step  int `json:"step"`
	Total int `json:"total"`
	// Epoch (from 0) and Batch say where the next micro-batch is: batch
	// Batch of epoch Epoch's plan.
	Epoch int `json:"epoch"`
	Batch int `json:"batch"`
	// Seed is the seed of every random stream of the run.
	Seed uint64 `json:"seed"`
	// LogOffset is the size of the run's JSONL log when the state was
	// saved; a resumed run truncates the log to it.
	LogOffset int64 `json:"log_offset"`
	// Decay and NoDecay list the parameters of the optimizer's two weight
	// decay groups, sorted.
	Decay   []string `json:"decay,omitempty"`
	NoDecay []string `json:"no_decay,omitempty"`
	// Extra holds the recipe's own state (best score so far, loss scale).
	Extra json.RawMessage `json:"extra,omitempty"`
}

// NewState returns the state of a run that has not started.
func NewState(config map[string]string, seed uint64, total int) *State {
	return &State{Schema: StateSchema, Config: config, ConfigHash: HashConfig(config), Seed: seed, Total: total}
}

// HashConfig returns the hex SHA-256 of the salt "nerbench.train.config/v1\n"
// followed by one "key value\n" line per entry in key order.
func HashConfig(config map[string]string) string {
	h := sha256.New()
	h.Write([]byte("nerbench.train.config/v1\n"))
	for _, k := range sortedKeys(config) {
		fmt.Fprintf(h, "%s %s\n", k, config[k])
	}
	return hex.EncodeToString(h.Sum(nil))
}

// DiffConfig lists the keys whose values differ between a saved config and
// the current one, as "key: saved → current" in key order; a key missing on
// one side shows as (none).
func DiffConfig(saved, current map[string]string) []string {
	keys := map[string]bool{}
	for k := range saved {
		keys[k] = true
	}
	for k := range current {
		keys[k] = true
	}
	var out []string
	for _, k := range sortedKeys(keys) {
		a, okA := saved[k]
		b, okB := current[k]
		if okA && okB && a == b {
			continue
		}
		if !okA {
			a = "(none)"
		}
		if !okB {
			b = "(none)"
		}
		out = append(out, fmt.Sprintf("%s: %s → %s", k, a, b))
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// ReadState reads and checks a state.json.
func ReadState(file string) (*State, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var st State
	if err := json.Unmarshal(data, &st); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	switch {
	case st.Schema != StateSchema:
		return nil, fmt.Errorf("%s: schema %q, want %q", file, st.Schema, StateSchema)
	case st.ConfigHash != HashConfig(st.Config):
		return nil, fmt.Errorf("%s: config_hash does not match config", file)
	case st.Step < 0 || st.Total < st.Step || st.Epoch < 0 || st.Batch < 0 || st.LogOffset < 0:
		return nil, fmt.Errorf("%s: step %d of %d, epoch %d, batch %d, log offset %d: want 0 ≤ step ≤ total and no negative value",
			file, st.Step, st.Total, st.Epoch, st.Batch, st.LogOffset)
	}
	return &st, nil
}

// CheckResume returns an error naming every setting that differs when the
// run saved in st is resumed with config.
func (st *State) CheckResume(config map[string]string) error {
	if HashConfig(config) == st.ConfigHash {
		return nil
	}
	diff := DiffConfig(st.Config, config)
	return fmt.Errorf("the checkpoint was made with other settings; resume with the same ones or start a new run: %v", diff)
}
