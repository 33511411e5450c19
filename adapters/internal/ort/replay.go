package ort

import (
	"context"
	"fmt"
	"slices"
	"time"

	onnxruntime "github.com/yalue/onnxruntime_go"
)

// recordedBatch is a copy of one batch's inputs.
type recordedBatch struct {
	b, t      int
	ids, mask []int64
}

// Record starts (on) or stops and forgets (off) keeping a copy of the
// inputs of every batch that Tag runs, for Replay. It is meant for
// benchmarks.
func (m *Model) Record(on bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.recording = on
	m.recorded = nil
}

// Replay runs the recorded batches again through ONNX Runtime alone, with
// no tokenisation, alignment or decoding, and returns the time spent in Run
// and the number of batches. The timer covers only the Run calls, like
// Stats.Forward; tensors are created outside it.
func (m *Model) Replay(ctx context.Context) (time.Duration, int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return 0, 0, ErrClosed
	}
	recording := m.recording
	m.recording = false
	defer func() { m.recording = recording }()
	var total time.Duration
	for _, rb := range m.recorded {
		if err := ctx.Err(); err != nil {
			return 0, 0, err
		}
		n := rb.b * rb.t
		copy(m.ids, rb.ids)
		copy(m.mask, rb.mask)
		clear(m.types[:n])
		d, err := m.forward(rb.b, rb.t)
		if err != nil {
			return 0, 0, err
		}
		total += d
	}
	return total, len(m.recorded), nil
}

// forward runs the model on the first b×t entries of the input buffers and
// leaves the scores in m.logits. It returns the time spent in Run.
func (m *Model) forward(b, t int) (time.Duration, error) {
	n := b * t
	shape := onnxruntime.NewShape(int64(b), int64(t))
	var inputs []onnxruntime.Value
	defer func() {
		for _, v := range inputs {
			_ = v.Destroy()
		}
	}()
	for _, name := range m.info.Inputs {
		data := m.ids[:n]
		switch name {
		case "attention_mask":
			data = m.mask[:n]
		case "token_type_ids":
			data = m.types[:n]
		}
		v, err := onnxruntime.NewTensor(shape, data)
		if err != nil {
			return 0, fmt.Errorf("input tensor %s: %w", name, err)
		}
		inputs = append(inputs, v)
	}
	out, err := onnxruntime.NewTensor(onnxruntime.NewShape(int64(b), int64(t), int64(m.nLabels)), m.logits[:n*m.nLabels])
	if err != nil {
		return 0, fmt.Errorf("output tensor: %w", err)
	}
	defer out.Destroy()
	start := time.Now()
	err = m.sess.Run(inputs, []onnxruntime.Value{out})
	d := time.Since(start)
	if err != nil {
		return 0, fmt.Errorf("run %s: %w", m.info.Dir, err)
	}
	if m.recording {
		m.recorded = append(m.recorded, recordedBatch{b: b, t: t, ids: slices.Clone(m.ids[:n]), mask: slices.Clone(m.mask[:n])})
	}
	return d, nil
}
