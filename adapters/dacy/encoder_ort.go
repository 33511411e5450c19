package dacy

import (
	"context"
	"fmt"
	"slices"

	onnxruntime "github.com/yalue/onnxruntime_go"

	"github.com/nerbench/nerbench/adapters/internal/ort"
)

// ONNXFile is the feature-extraction export the ONNX Runtime engine runs.
const ONNXFile = "model.onnx"

// ortEncoder runs a feature-extraction ONNX export (inputs input_ids,
// attention_mask and optionally token_type_ids; output last_hidden_state)
// with ONNX Runtime.
type ortEncoder struct {
	path   string
	sess   *onnxruntime.DynamicAdvancedSession
	inputs []string
	width  int
}

func newORTEncoder(path string, width, threads int) (*ortEncoder, error) {
	if _, err := ort.Init(); err != nil {
		return nil, err
	}
	ins, outs, err := ort.GraphIO(path)
	if err != nil {
		return nil, err
	}
	e := &ortEncoder{path: path, width: width}
	for _, in := range ins {
		switch in.Name {
		case "input_ids", "attention_mask", "token_type_ids":
			e.inputs = append(e.inputs, in.Name)
		default:
			return nil, fmt.Errorf("%s: %w: input %q (want input_ids, attention_mask, token_type_ids)", path, ErrUnsupported, in.Name)
		}
	}
	if !slices.Contains(e.inputs, "input_ids") {
		return nil, fmt.Errorf("%s: %w: input input_ids", path, ErrMissing)
	}
	output := ""
	for _, o := range outs {
		if o.Name == "last_hidden_state" {
			output = o.Name
			if d := o.Dimensions; len(d) != 3 || (d[2] > 0 && int(d[2]) != width) {
				return nil, fmt.Errorf("%s: %w: last_hidden_state has dimensions %v, want [batch sequence %d]", path, ErrShape, d, width)
			}
		}
	}
	if output == "" {
		return nil, fmt.Errorf("%s: %w: output last_hidden_state (export with --task feature-extraction)", path, ErrMissing)
	}
	opts, err := onnxruntime.NewSessionOptions()
	if err != nil {
		return nil, err
	}
	defer opts.Destroy()
	if threads > 0 {
		if err := opts.SetIntraOpNumThreads(threads); err != nil {
			return nil, err
		}
	}
	e.sess, err = onnxruntime.NewDynamicAdvancedSession(path, e.inputs, []string{output}, opts)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return e, nil
}

func (e *ortEncoder) Width() int { return e.width }

func (e *ortEncoder) Hidden(ctx context.Context, ids, mask [][]int64) ([]float32, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	n := len(ids)
	if n == 0 {
		return nil, nil
	}
	L := len(ids[0])
	flat := func(rows [][]int64) []int64 {
		out := make([]int64, 0, n*L)
		for _, r := range rows {
			out = append(out, r...)
		}
		return out
	}
	shape := onnxruntime.NewShape(int64(n), int64(L))
	var inputs []onnxruntime.Value
	defer func() {
		for _, v := range inputs {
			_ = v.Destroy()
		}
	}()
	for _, name := range e.inputs {
		var data []int64
		switch name {
		case "input_ids":
			data = flat(ids)
		case "attention_mask":
			data = flat(mask)
		default:
			data = make([]int64, n*L)
		}
		v, err := onnxruntime.NewTensor(shape, data)
		if err != nil {
			return nil, err
		}
		inputs = append(inputs, v)
	}
	out := make([]float32, n*L*e.width)
	ov, err := onnxruntime.NewTensor(onnxruntime.NewShape(int64(n), int64(L), int64(e.width)), out)
	if err != nil {
		return nil, err
	}
	defer ov.Destroy()
	if err := e.sess.Run(inputs, []onnxruntime.Value{ov}); err != nil {
		return nil, fmt.Errorf("run %s: %w", e.path, err)
	}
	return out, nil
}

func (e *ortEncoder) Close() error {
	if e.sess == nil {
		return nil
	}
	err := e.sess.Destroy()
	e.sess = nil
	return err
}
