package finetune

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"log/slog"

	"github.com/nerbench/nerbench/luke"
)

// Files of a run's output folder.
const (
	LogFile         = "train-log.jsonl"
	CheckpointDir   = "ckpt"
	BestArchive     = "best.tar.gz"
	LastArchive     = "last.tar.gz"
	BestSafetensors = "best.safetensors"
	LastSafetensors = "last.safetensors"
)

// Run describes a fine-tuning run.
type Run struct {
	// Dir is the output folder: the log, the checkpoints and the models.
	Dir    string
	Config Config
	// Start is the NER checkpoint to start from; a resumed run reads its
	// weights from the checkpoint instead.
	Start *luke.Checkpoint
	// Device is "cpu" or "cuda".
	Device  string
	Special luke.SpecialIDs
	// Train holds the training sentences; Dev the sentences scored after
	// every epoch (none: no evaluation, and no best model).
	Train, Dev []Sentence
	// EvalBatch is the number of examples per evaluation forward pass (0
	// means 8).
	EvalBatch int
	// Resume continues the run saved in Dir's checkpoint.
	Resume bool
	// Settings are added to the settings a resume must match (the data
	// set, the start model).
	Settings map[string]string
	// Log receives progress messages; nil discards them.
	Log *slog.Logger
}

// Outcome is what a finished run produced.
type Outcome struct {
	Steps     int
	BestEpoch int     // from 1; 0 without dev data
	BestF1    float64 // dev micro F1 of the best epoch
	Epochs    []EpochRecord
}

// itemsHash identifies the training examples (word pieces, spans and
// labels), so that a resume with other data is refused.
func itemsHash(items []Item) string {
	h := sha256.New()
	var b [8]byte
	put := func(v int64) {
		binary.LittleEndian.PutUint64(b[:], uint64(v))
		h.Write(b[:])
	}
	for _, it := range items {
		put(int64(len(it.WordIDs)))
		for _, id := range it.WordIDs {
			put(id)
		}
		put(int64(len(it.Spans)))
		for k, sp := range it.Spans {
			put(int64(sp.Start))
			put(int64(sp.End))
			put(int64(it.Labels[k]))
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}
