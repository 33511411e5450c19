package luke

import "errors"

// ErrNoTorch is returned by every model operation of a binary built without
// the torch build tag.
var ErrNoTorch = errors.New("DaLUKE needs the torch build of nerbench: install libtorch " +
	"(apt-get install -y libtorch-dev libopenblas0-pthread), run `make torch`, " +
	"and build or test with -tags torch -modfile=bin/torch.mod")

// Input is one sequence for a forward pass: word-piece ids, [CLS] and [SEP]
// included, and entity slots whose positions index WordIDs.
type Input struct {
	WordIDs  []int64
	Entities []Entity
}

// Hidden holds the last layer's hidden states of one Input, row-major:
// Words is len(WordIDs)×Hidden, Entities len(Entities)×Hidden.
type Hidden struct {
	Words    []float32
	Entities []float32
}

// NEROptions tunes span NER inference. The zero value gives the defaults.
type NEROptions struct {
	// BatchSize is the number of examples (chunks of up to max-entities
	// spans) per forward pass; 0 means 8, the reference API's batch size.
	BatchSize int
	// MaxRows bounds the padded size of a forward pass: its examples times
	// the word pieces plus entity slots of its largest example. A pass
	// ends early rather than exceed it, and an example larger than MaxRows
	// has a pass of its own. The memory of a pass grows with this size
	// (BENCHMARKS.md, Memory); the results do not depend on it beyond
	// float rounding. 0 means DefaultMaxRows.
	MaxRows int
	// Labels are the class names in classifier order; nil means Labels.
	Labels []string
	// MaxEntities overrides the metadata's max-entities, the number of
	// candidate spans per example, when positive. Spans of one example
	// attend to each other, so a value other than the one the model was
	// fine-tuned with (128 for the released model) changes the results.
	MaxEntities int
}

// NERResult is the span NER output for one text.
type NERResult struct {
	// Tags holds one IOB2 tag per word.
	Tags []string
	// Windows are the word windows the text was split into (usually one).
	Windows []Window
	// Spans are all candidate spans, with word indices relative to the
	// text, in the order they were scored; Logits[k] are the classifier
	// outputs of Spans[k].
	Spans  []Span
	Logits [][]float32
}
