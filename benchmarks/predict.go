package benchmarks

import (
	"context"
	"errors"
	"fmt"
)

// ErrPrediction is wrapped by errors about a model's output that does not
// fit its input.
var ErrPrediction = errors.New("bad prediction")

// DefaultBatchSize is the number of sentences Predict hands a Tagger at once
// when the caller passes 0.
const DefaultBatchSize = 32

// Predict tags the sentences with t, batchSize sentences at a time (0 means
// DefaultBatchSize), and checks ctx between batches. It returns one tag
// slice per sentence. A tagger that returns a different number of sentences
// or of tags than it was given is an error wrapping ErrPrediction that names
// the sentence: nothing is truncated or padded. progress, if not nil, is
// called after each batch with the number of sentences done so far.
func Predict(ctx context.Context, t Tagger, sents []Sentence, batchSize int, progress func(done int)) ([][]string, error) {
	if batchSize <= 0 {
		batchSize = DefaultBatchSize
	}
	out := make([][]string, 0, len(sents))
	batch := make([][]string, 0, batchSize)
	for start := 0; start < len(sents); start += batchSize {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		end := min(start+batchSize, len(sents))
		batch = batch[:0]
		for _, s := range sents[start:end] {
			batch = append(batch, s.Words)
		}
		tags, err := t.Tag(ctx, batch)
		if err != nil {
			return nil, fmt.Errorf("tag sentences %d-%d: %w", start+1, end, err)
		}
		if len(tags) != len(batch) {
			return nil, fmt.Errorf("%w: model returned %d tag sequences for a batch of %d sentences (%s-%s)",
				ErrPrediction, len(tags), len(batch), sents[start].ID, sents[end-1].ID)
		}
		for i, tg := range tags {
			s := sents[start+i]
			if len(tg) != len(s.Words) {
				return nil, fmt.Errorf("%w: sentence %s: model returned %d tags for %d words",
					ErrPrediction, s.ID, len(tg), len(s.Words))
			}
		}
		out = append(out, tags...)
		if progress != nil {
			progress(end)
		}
	}
	return out, nil
}
