package ort

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	onnxruntime "github.com/yalue/onnxruntime_go"
	"google.golang.org/protobuf/encoding/protowire"
)

// Hand-built onnx.proto messages (field numbers of onnx/onnx.proto).

func field(num protowire.Number, msg []byte) []byte {
	b := protowire.AppendTag(nil, num, protowire.BytesType)
	return protowire.AppendBytes(b, msg)
}

func varintField(num protowire.Number, v uint64) []byte {
	b := protowire.AppendTag(nil, num, protowire.VarintType)
	return protowire.AppendVarint(b, v)
}

func cat(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// valueInfoMsg is a ValueInfoProto of a tensor; a dim < 0 is symbolic
// (dim_param), and nil dims leaves the shape out.
func valueInfoMsg(name string, elem uint64, dims []int64) []byte {
	tensor := varintField(1, elem)
	if dims != nil {
		var shape []byte
		for _, d := range dims {
			if d < 0 {
				shape = append(shape, field(1, field(2, []byte("batch")))...)
			} else {
				shape = append(shape, field(1, varintField(1, uint64(d)))...)
			}
		}
		tensor = append(tensor, field(2, shape)...)
	}
	return cat(field(1, []byte(name)), field(2, field(1, tensor)))
}

// tensorMsg is a TensorProto with raw data.
func tensorMsg(name string, raw int) []byte {
	return cat(varintField(1, uint64(raw/4)), varintField(2, 1), field(8, []byte(name)), field(9, make([]byte, raw)))
}

func TestGraphIO(t *testing.T) {
	int64T, floatT := uint64(onnxruntime.TensorElementDataTypeInt64), uint64(onnxruntime.TensorElementDataTypeFloat)
	node := field(1, cat(field(1, []byte("input_ids")), field(2, []byte("logits")), field(4, []byte("Gather"))))
	graph := cat(
		node,
		field(5, tensorMsg("weight", 4096)),
		field(11, valueInfoMsg("input_ids", int64T, []int64{-1, -1})),
		field(11, valueInfoMsg("weight", floatT, []int64{32, 32})), // an initializer listed as an input (IR < 4)
		field(11, valueInfoMsg("sparse", floatT, []int64{4})),
		field(11, valueInfoMsg("attention_mask", int64T, []int64{-1, 7})),
		field(12, valueInfoMsg("logits", floatT, []int64{-1, -1, 9})),
		field(12, valueInfoMsg("unshaped", floatT, nil)),
		field(15, cat(field(1, tensorMsg("sparse", 16)), field(2, tensorMsg("", 8)))),
	)
	model := cat(varintField(1, 8), field(2, []byte("test")), field(7, graph), field(8, cat(field(1, nil), varintField(2, 17))))
	tensor := func(name string, dt onnxruntime.TensorElementDataType, dims ...int64) onnxruntime.InputOutputInfo {
		return onnxruntime.InputOutputInfo{Name: name, OrtValueType: onnxruntime.ONNXTypeTensor, DataType: dt, Dimensions: append(onnxruntime.Shape{}, dims...)}
	}
	wantIn := []onnxruntime.InputOutputInfo{
		tensor("input_ids", onnxruntime.TensorElementDataTypeInt64, -1, -1),
		tensor("attention_mask", onnxruntime.TensorElementDataTypeInt64, -1, 7),
	}
	wantOut := []onnxruntime.InputOutputInfo{
		tensor("logits", onnxruntime.TensorElementDataTypeFloat, -1, -1, 9),
		tensor("unshaped", onnxruntime.TensorElementDataTypeFloat), // no dimensions, as ONNX Runtime reports it
	}

	tests := []struct {
		name    string
		data    []byte
		wantErr string // empty: no error
		wantIn  []onnxruntime.InputOutputInfo
		wantOut []onnxruntime.InputOutputInfo
	}{
		{name: "model", data: model, wantIn: wantIn, wantOut: wantOut},
		{name: "empty file", data: nil, wantErr: "no graph"},
		{name: "no graph", data: cat(varintField(1, 8), field(2, []byte("test"))), wantErr: "no graph"},
		{name: "text", data: []byte("not an ONNX graph"), wantErr: "offset 0"},
		{name: "truncated", data: model[:len(model)-40], wantErr: "run past the end"},
		{name: "graph as a number", data: varintField(7, 3), wantErr: "wire type"},
		{name: "input without a name", data: field(7, field(11, field(2, nil))), wantErr: "without a name"},
		{name: "bad shape", data: field(7, field(11, cat(field(1, []byte("x")), field(2, field(1, field(2, []byte{0xff})))))), wantErr: "input or output"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "model.onnx")
			if err := os.WriteFile(path, tc.data, 0o644); err != nil {
				t.Fatal(err)
			}
			in, out, err := GraphIO(path)
			if tc.wantErr != "" {
				if err == nil {
					t.Fatalf("got inputs %v, outputs %v, want an error with %q", in, out, tc.wantErr)
				}
				if !errors.Is(err, errONNX) || !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), path) {
					t.Errorf("got %v, want errONNX naming %s and %q", err, path, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.wantIn, in); d != "" {
				t.Errorf("inputs (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tc.wantOut, out); d != "" {
				t.Errorf("outputs (-want +got):\n%s", d)
			}
		})
	}
}

func TestGraphIOMissingFile(t *testing.T) {
	_, _, err := GraphIO(filepath.Join(t.TempDir(), "model.onnx"))
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("got %v, want %v", err, os.ErrNotExist)
	}
}
