package ort

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"golang.org/x/sync/errgroup"
)

// sentence is one input sentence on its way through Tag.
type sentence struct {
	idx     int       // index in Tag's input
	words   [][]int64 // subword ids per word, cut to one window
	windows []*window
	best    []int32 // per word: index in windows of the window that labels it; -1 for none
	labels  []int32 // per word: label id; -1 until set
}

// window is a run of whole words fed to the model in one row.
type window struct {
	s          *sentence
	id         int32 // index in s.windows
	start, end int   // word range
	length     int   // tokens, special tokens included
}

// chunk is a group of sentences tokenised together and then batched
// together, sorted by length.
type chunk struct {
	sentences []*sentence
	windows   []*window
}

// Tag returns one IOB2 tag per word for each sentence, labelling each word
// by its first subword. Words that tokenise to no subwords get O and are
// counted in Stats. Sentences longer than a window are split into
// overlapping windows; no word is dropped.
//
// Tokenisation of the next group of sentences runs while the model runs on
// the current one. ctx is checked between batches.
func (m *Model) Tag(ctx context.Context, sentences [][]string) ([][]string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return nil, ErrClosed
	}
	begin := time.Now()
	out := make([][]string, len(sentences))
	chunkSize := m.batch * defaultChunkFactor
	ch := make(chan *chunk, 1)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		defer close(ch)
		for lo := 0; lo < len(sentences); lo += chunkSize {
			c, err := m.tokenize(sentences, lo, min(lo+chunkSize, len(sentences)))
			if err != nil {
				return err
			}
			select {
			case ch <- c:
			case <-gctx.Done():
				return gctx.Err()
			}
		}
		return nil
	})
	g.Go(func() error {
		for c := range ch {
			if err := m.infer(gctx, c); err != nil {
				return err
			}
			for _, s := range c.sentences {
				tags := make([]string, len(s.labels))
				for i, l := range s.labels {
					if l < 0 {
						tags[i] = "O"
					} else {
						tags[i] = m.labels[l]
					}
				}
				out[s.idx] = tags
			}
		}
		return nil
	})
	err := g.Wait()
	m.stats.Total += time.Since(begin)
	if err != nil {
		return nil, err
	}
	return out, nil
}

// tokenize encodes sentences[lo:hi] and splits them into windows.
func (m *Model) tokenize(sentences [][]string, lo, hi int) (*chunk, error) {
	c := &chunk{}
	for i := lo; i < hi; i++ {
		words := sentences[i]
		s := &sentence{idx: i, words: make([][]int64, len(words)), best: make([]int32, len(words)), labels: make([]int32, len(words))}
		total := 0
		for j, w := range words {
			ids, err := m.tok.word(w)
			if err != nil {
				return nil, fmt.Errorf("sentence %d, word %d: %w", i+1, j+1, err)
			}
			if len(ids) == 0 {
				m.stats.ZeroSubwordWords++
				if len(m.stats.ZeroSubwordExamples) < 20 {
					m.stats.ZeroSubwordExamples = append(m.stats.ZeroSubwordExamples, strconv.QuoteToASCII(w))
				}
			}
			if len(ids) > m.window {
				m.stats.LongWords++
				ids = ids[:m.window]
			}
			s.words[j] = ids
			s.best[j] = -1
			s.labels[j] = -1
			total += len(ids)
		}
		m.stats.Sentences++
		m.stats.Words += len(words)
		m.stats.Subwords += total
		if total > 0 {
			m.plan(s)
			c.windows = append(c.windows, s.windows...)
		}
		c.sentences = append(c.sentences, s)
	}
	return c, nil
}

// plan splits a sentence into windows of at most m.window subwords, each
// starting at a word boundary and sharing up to m.stride subwords with the
// one before, and picks for each word the window in which its first
// subword has the most context on its narrower side (the earlier window on
// a tie).
func (m *Model) plan(s *sentence) {
	n := len(s.words)
	extra := len(m.tok.prefix) + len(m.tok.suffix)
	for start := 0; ; {
		end, used := start, 0
		for end < n && used+len(s.words[end]) <= m.window {
			used += len(s.words[end])
			end++
		}
		w := &window{s: s, id: int32(len(s.windows)), start: start, end: end, length: used + extra}
		s.windows = append(s.windows, w)
		if end == n {
			break
		}
		next, overlap := end, 0
		for next-1 > start && overlap+len(s.words[next-1]) <= m.stride {
			next--
			overlap += len(s.words[next])
		}
		start = next
	}
	if len(s.windows) > 1 {
		m.stats.WindowedSentences++
	}
	m.stats.Windows += len(s.windows)
	score := make([]int, n)
	for _, w := range s.windows {
		used := w.length - extra
		pos := 0
		for j := w.start; j < w.end; j++ {
			if len(s.words[j]) == 0 {
				continue
			}
			if sc := min(pos, used-pos-1); s.best[j] < 0 || sc > score[j] {
				s.best[j], score[j] = w.id, sc
			}
			pos += len(s.words[j])
		}
	}
}

// infer runs the model on the windows of a chunk, longest first, in batches
// padded to their longest window (see batchEnd).
func (m *Model) infer(ctx context.Context, c *chunk) error {
	slices.SortStableFunc(c.windows, func(a, b *window) int { return b.length - a.length })
	for lo := 0; lo < len(c.windows); {
		if err := ctx.Err(); err != nil {
			return err
		}
		hi := m.batchEnd(c.windows, lo)
		if err := m.runBatch(c.windows[lo:hi]); err != nil {
			return err
		}
		lo = hi
	}
	return nil
}

// batchEnd returns the end of the batch that starts at windows[lo], the
// windows sorted longest first: at most m.batch windows and at most
// m.batchTokens padded tokens (windows × the first window's length), but
// at least one window.
func (m *Model) batchEnd(windows []*window, lo int) int {
	n := max(1, min(m.batch, m.batchTokens/windows[lo].length))
	return min(lo+n, len(windows))
}

func (m *Model) runBatch(batch []*window) error {
	b, t := len(batch), batch[0].length
	n := b * t
	ids, mask := m.ids[:n], m.mask[:n]
	for r, w := range batch {
		row := ids[r*t : (r+1)*t]
		k := copy(row, m.tok.prefix)
		for j := w.start; j < w.end; j++ {
			k += copy(row[k:], w.s.words[j])
		}
		k += copy(row[k:], m.tok.suffix)
		for i := k; i < t; i++ {
			row[i] = m.tok.padID
		}
		mrow := mask[r*t : (r+1)*t]
		for i := range mrow {
			if i < k {
				mrow[i] = 1
			} else {
				mrow[i] = 0
			}
		}
	}
	// token_type_ids stay 0: one sequence per row.
	d, err := m.forward(b, t)
	m.stats.Forward += d
	if err != nil {
		return err
	}
	m.stats.Batches++
	m.stats.PaddedTokens += n
	logits := m.logits[:n*m.nLabels]
	for r, w := range batch {
		pos := len(m.tok.prefix)
		for j := w.start; j < w.end; j++ {
			sub := len(w.s.words[j])
			if sub == 0 {
				continue
			}
			if w.s.best[j] == w.id {
				row := logits[((r*t)+pos)*m.nLabels : ((r*t)+pos+1)*m.nLabels]
				w.s.labels[j] = int32(argmax(row))
			}
			pos += sub
		}
	}
	return nil
}

// argmax returns the index of the largest score, the first on a tie (as
// numpy.argmax).
func argmax(row []float32) int {
	best := 0
	for i, v := range row[1:] {
		if v > row[best] {
			best = i + 1
		}
	}
	return best
}
