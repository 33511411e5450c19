package finetune

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
)

// LogSchema is the schema of every record of train-log.jsonl.
const LogSchema = "nerbench.finetune.log/v1"

// StepRecord is the log record of one update (kind "step").
type StepRecord struct {
	Schema   string  `json:"schema"`
	Kind     string  `json:"kind"`
	Step     int     `json:"step"`  // from 1
	Epoch    int     `json:"epoch"` // from 1
	Loss     float64 `json:"loss"`  // mean of the update's micro-batch losses
	LR       float64 `json:"lr"`
	Examples int     `json:"examples"`
}

// EpochRecord is the log record of one epoch (kind "epoch"), written after
// its dev evaluation.
type EpochRecord struct {
	Schema    string  `json:"schema"`
	Kind      string  `json:"kind"`
	Epoch     int     `json:"epoch"` // from 1
	Step      int     `json:"step"`  // updates applied so far
	TrainLoss float64 `json:"train_loss"`
	LR        float64 `json:"lr"` // of the epoch's last update
	// DevF1 and DevF1NoMisc are seqeval's default-mode micro F1 (0-1) on
	// the dev sentences, with MISC and without; absent without dev data.
	DevF1       *float64 `json:"dev_f1,omitempty"`
	DevF1NoMisc *float64 `json:"dev_f1_nomisc,omitempty"`
	// Best marks the epoch whose model is now best.tar.gz.
	Best    bool    `json:"best"`
	Seconds float64 `json:"seconds"` // wall time of the epoch's updates and evaluation
}

// ReadLog reads a train-log.jsonl file: its step and epoch records in file
// order. A line that is not a record of LogSchema is an error naming it.
func ReadLog(file string) ([]StepRecord, []EpochRecord, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	var steps []StepRecord
	var epochs []EpochRecord
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for line := 1; sc.Scan(); line++ {
		var head struct{ Schema, Kind string }
		if err := json.Unmarshal(sc.Bytes(), &head); err != nil {
			return nil, nil, fmt.Errorf("%s:%d: %w", file, line, err)
		}
		if head.Schema != LogSchema {
			return nil, nil, fmt.Errorf("%s:%d: schema %q, want %q", file, line, head.Schema, LogSchema)
		}
		switch head.Kind {
		case "step":
			var r StepRecord
			if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
				return nil, nil, fmt.Errorf("%s:%d: %w", file, line, err)
			}
			steps = append(steps, r)
		case "epoch":
			var r EpochRecord
			if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
				return nil, nil, fmt.Errorf("%s:%d: %w", file, line, err)
			}
			epochs = append(epochs, r)
		default:
			return nil, nil, fmt.Errorf("%s:%d: kind %q, want step or epoch", file, line, head.Kind)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", file, err)
	}
	return steps, epochs, nil
}
