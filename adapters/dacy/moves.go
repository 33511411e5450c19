package dacy

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
)

// Errors wrapped with detail by Load.
var (
	// ErrMissing: a file, field or parameter is missing.
	ErrMissing = errors.New("missing")
	// ErrShape: a shape disagrees with the configuration.
	ErrShape = errors.New("shape mismatch")
	// ErrUnsupported: the package uses something this port does not implement.
	ErrUnsupported = errors.New("unsupported")
)

// Move codes of spaCy's BiluoPushDown (ner.pyx).
const (
	moveMissing = 0
	moveBegin   = 1
	moveIn      = 2
	moveLast    = 3
	moveUnit    = 4
	moveOut     = 5
	moveIsnt    = 6
)

// action is one row of the action table: a move and its label ("" = none).
type action struct {
	Move  int
	Label string
}

func (a action) String() string {
	switch a.Move {
	case moveOut:
		return "O"
	case moveMissing:
		return "M"
	}
	return string("?BILU"[a.Move]) + "-" + a.Label
}

// readMoves decodes ner/moves ({"moves": "<JSON>"}) and rebuilds the action
// table as TransitionSystem.initialize_actions does (dacy-spec §5.4).
func readMoves(data []byte) ([]action, error) {
	v, err := unpack(data)
	if err != nil {
		return nil, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%w: top level %T, want a map", errMsgpack, v)
	}
	js, ok := m["moves"].(string)
	if !ok {
		if b, isBin := m["moves"].([]byte); isBin {
			js, ok = string(b), true
		}
	}
	if !ok {
		return nil, fmt.Errorf("%w: field moves", ErrMissing)
	}
	var labels map[string]map[string]int64
	if err := json.Unmarshal([]byte(js), &labels); err != nil {
		return nil, fmt.Errorf("field moves: %w", err)
	}
	return actionTable(labels)
}

// actionTable is initialize_actions + BiluoPushDown.add_action.
func actionTable(labels map[string]map[string]int64) ([]action, error) {
	keys := make([]string, 0, len(labels))
	for k := range labels {
		keys = append(keys, k)
	}
	sort.Strings(keys) // Python sorts the JSON keys as strings
	var table []action
	seen := map[action]bool{}
	add := func(move int, label string) {
		if move == moveOut && label != "" {
			return
		}
		if move == moveMissing || move == moveIsnt {
			return
		}
		a := action{move, label}
		if seen[a] {
			return
		}
		seen[a] = true
		table = append(table, a)
	}
	type pair struct {
		freq  int64
		label string
	}
	var negative []pair
	negActions := map[string][]int{}
	for _, k := range keys {
		move, err := strconv.Atoi(k)
		if err != nil || move < 0 || move > moveIsnt {
			return nil, fmt.Errorf("%w: move %q", ErrUnsupported, k)
		}
		pairs := make([]pair, 0, len(labels[k]))
		for label, f := range labels[k] {
			pairs = append(pairs, pair{f, label})
		}
		// sorted(..., reverse=True): frequency, then label, descending.
		sort.Slice(pairs, func(i, j int) bool {
			if pairs[i].freq != pairs[j].freq {
				return pairs[i].freq > pairs[j].freq
			}
			return pairs[i].label > pairs[j].label
		})
		for _, p := range pairs {
			if p.freq < 0 {
				negative = append(negative, p)
				negActions[p.label] = append(negActions[p.label], move)
			} else {
				add(move, p.label)
			}
		}
	}
	sort.SliceStable(negative, func(i, j int) bool {
		if negative[i].freq != negative[j].freq {
			return negative[i].freq > negative[j].freq
		}
		return negative[i].label > negative[j].label
	})
	for _, p := range negative {
		for _, move := range negActions[p.label] {
			add(move, p.label)
		}
	}
	if len(table) == 0 {
		return nil, fmt.Errorf("%w: no actions", ErrMissing)
	}
	return table, nil
}

// entityLabels returns the entity labels of the table (those of B- moves),
// sorted.
func entityLabels(table []action) []string {
	set := map[string]bool{}
	for _, a := range table {
		if a.Label != "" {
			set[a.Label] = true
		}
	}
	out := make([]string, 0, len(set))
	for l := range set {
		out = append(out, l)
	}
	sort.Strings(out)
	return out
}
