package ort

import (
	"errors"
	"fmt"
	"io"
	"os"

	onnxruntime "github.com/yalue/onnxruntime_go"
	"google.golang.org/protobuf/encoding/protowire"
)

// errONNX is wrapped by the errors of GraphIO about the file's contents.
var errONNX = errors.New("not a readable ONNX model")

// Field numbers of onnx.proto (github.com/onnx/onnx, onnx/onnx.proto,
// ONNX 1.17) that GraphIO reads.
const (
	modelGraph             = 7  // ModelProto.graph
	graphInitializer       = 5  // GraphProto.initializer
	graphInput             = 11 // GraphProto.input
	graphOutput            = 12 // GraphProto.output
	graphSparseInitializer = 15 // GraphProto.sparse_initializer
	tensorName             = 8  // TensorProto.name
	sparseValues           = 1  // SparseTensorProto.values
	valueInfoName          = 1  // ValueInfoProto.name
	valueInfoType          = 2  // ValueInfoProto.type
	typeTensor             = 1  // TypeProto.tensor_type
	typeSequence           = 4  // TypeProto.sequence_type
	typeMap                = 5  // TypeProto.map_type
	typeOpaque             = 7  // TypeProto.opaque_type
	typeSparseTensor       = 8  // TypeProto.sparse_tensor_type
	typeOptional           = 9  // TypeProto.optional_type
	tensorTypeElem         = 1  // TypeProto.Tensor.elem_type
	tensorTypeShape        = 2  // TypeProto.Tensor.shape
	shapeDim               = 1  // TensorShapeProto.dim
	dimValue               = 1  // TensorShapeProto.Dimension.dim_value
)

// maxValueInfo bounds the size of one graph input or output description
// that GraphIO reads into memory (a name and a shape take well under 1 KB).
const maxValueInfo = 1 << 20

// GraphIO returns the inputs and outputs of the ONNX model at path as ONNX
// Runtime lists them for a session (graph inputs that no initializer
// provides, then graph outputs, in graph order; a symbolic or unknown
// dimension is -1), without creating a session. It reads only the field
// headers of the file and the descriptions of its inputs and outputs,
// skipping the weights and the nodes, so it costs a few milliseconds and no
// memory, where onnxruntime.GetInputOutputInfo builds a whole temporary
// session: reading, parsing and copying every weight. Errors name the file
// and the byte offset.
func GraphIO(path string) (inputs, outputs []onnxruntime.InputOutputInfo, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	r := &protoFile{r: f, path: path}
	graphs := 0
	var ins []onnxruntime.InputOutputInfo
	initialized := map[string]bool{}
	err = r.fields(0, st.Size(), func(num protowire.Number, typ protowire.Type, start, end int64) error {
		if num != modelGraph {
			return nil
		}
		if typ != protowire.BytesType {
			return r.errorf(start, "graph field has wire type %d, want %d", typ, protowire.BytesType)
		}
		graphs++
		return r.fields(start, end, func(num protowire.Number, typ protowire.Type, start, end int64) error {
			if typ != protowire.BytesType {
				return nil
			}
			switch num {
			case graphInput, graphOutput:
				info, err := r.valueInfo(start, end)
				if err != nil {
					return err
				}
				if num == graphInput {
					ins = append(ins, info)
				} else {
					outputs = append(outputs, info)
				}
			case graphInitializer:
				name, err := r.tensorName(start, end)
				if err != nil {
					return err
				}
				initialized[name] = true
			case graphSparseInitializer:
				return r.fields(start, end, func(num protowire.Number, typ protowire.Type, start, end int64) error {
					if num != sparseValues || typ != protowire.BytesType {
						return nil
					}
					name, err := r.tensorName(start, end)
					initialized[name] = true
					return err
				})
			}
			return nil
		})
	})
	if err != nil {
		return nil, nil, err
	}
	if graphs == 0 {
		return nil, nil, fmt.Errorf("%s: %w: no graph", path, errONNX)
	}
	for _, in := range ins {
		if !initialized[in.Name] {
			inputs = append(inputs, in)
		}
	}
	return inputs, outputs, nil
}

// protoFile reads protobuf messages of a file in place, by offset, so that
// large fields are skipped rather than read.
type protoFile struct {
	r    io.ReaderAt
	path string
	head [2 * binary64Max]byte
}

// binary64Max is the longest varint encoding (of a 64-bit value).
const binary64Max = 10

func (p *protoFile) errorf(off int64, format string, args ...any) error {
	return fmt.Errorf("%s: offset %d: %w: %s", p.path, off, errONNX, fmt.Sprintf(format, args...))
}

// fields calls fn for each field of the message that spans [start, end) of
// the file, with the field's number and wire type and, for a
// length-delimited field, the span of its contents (for others, the span of
// its value).
func (p *protoFile) fields(start, end int64, fn func(num protowire.Number, typ protowire.Type, start, end int64) error) error {
	for off := start; off < end; {
		n, err := p.r.ReadAt(p.head[:min(int64(len(p.head)), end-off)], off)
		if n == 0 && err != nil {
			return p.errorf(off, "read: %v", err)
		}
		buf := p.head[:n]
		num, typ, tl := protowire.ConsumeTag(buf)
		if tl < 0 {
			return p.errorf(off, "field tag: %v", protowire.ParseError(tl))
		}
		var vl int
		var size uint64
		switch typ {
		case protowire.BytesType:
			size, vl = protowire.ConsumeVarint(buf[tl:])
		default:
			vl = protowire.ConsumeFieldValue(num, typ, buf[tl:])
		}
		if vl < 0 {
			return p.errorf(off, "field %d: %v", num, protowire.ParseError(vl))
		}
		valStart := off + int64(tl)
		next := valStart + int64(vl)
		if typ == protowire.BytesType {
			valStart = next
			if size > uint64(end-next) {
				return p.errorf(off, "field %d: %d bytes run past the end of its message at offset %d", num, size, end)
			}
			next += int64(size)
		}
		if err := fn(num, typ, valStart, next); err != nil {
			return err
		}
		off = next
	}
	return nil
}

// bytes reads the span [start, end) of the file.
func (p *protoFile) bytes(start, end int64, what string) ([]byte, error) {
	if end-start > maxValueInfo {
		return nil, p.errorf(start, "%s of %d bytes (at most %d expected)", what, end-start, maxValueInfo)
	}
	buf := make([]byte, end-start)
	if _, err := p.r.ReadAt(buf, start); err != nil {
		return nil, p.errorf(start, "read %s: %v", what, err)
	}
	return buf, nil
}

// tensorName returns the name of the TensorProto at [start, end), reading
// nothing of its data.
func (p *protoFile) tensorName(start, end int64) (string, error) {
	name := ""
	err := p.fields(start, end, func(num protowire.Number, typ protowire.Type, start, end int64) error {
		if num != tensorName || typ != protowire.BytesType {
			return nil
		}
		b, err := p.bytes(start, end, "initializer name")
		name = string(b)
		return err
	})
	return name, err
}

// valueInfo decodes the ValueInfoProto at [start, end).
func (p *protoFile) valueInfo(start, end int64) (onnxruntime.InputOutputInfo, error) {
	var info onnxruntime.InputOutputInfo
	buf, err := p.bytes(start, end, "input or output")
	if err != nil {
		return info, err
	}
	err = eachField(buf, func(num protowire.Number, typ protowire.Type, v []byte) error {
		if typ != protowire.BytesType {
			return nil
		}
		switch num {
		case valueInfoName:
			info.Name = string(v)
		case valueInfoType:
			return eachField(v, func(num protowire.Number, typ protowire.Type, v []byte) error {
				switch num {
				case typeTensor, typeSparseTensor:
					info.OrtValueType = onnxruntime.ONNXTypeTensor
					if num == typeSparseTensor {
						info.OrtValueType = onnxruntime.ONNXTypeSparseTensor
					}
					return tensorType(v, &info)
				case typeSequence:
					info.OrtValueType = onnxruntime.ONNXTypeSequence
				case typeMap:
					info.OrtValueType = onnxruntime.ONNXTypeMap
				case typeOpaque:
					info.OrtValueType = onnxruntime.ONNXTypeOpaque
				case typeOptional:
					info.OrtValueType = onnxruntime.ONNXTypeOptional
				}
				return nil
			})
		}
		return nil
	})
	if err != nil {
		return info, p.errorf(start, "input or output: %v", err)
	}
	if info.Name == "" {
		return info, p.errorf(start, "input or output without a name")
	}
	return info, nil
}

// tensorType decodes a TypeProto.Tensor into info.
func tensorType(buf []byte, info *onnxruntime.InputOutputInfo) error {
	info.Dimensions = onnxruntime.Shape{}
	return eachField(buf, func(num protowire.Number, typ protowire.Type, v []byte) error {
		switch {
		case num == tensorTypeElem && typ == protowire.VarintType:
			x, _ := protowire.ConsumeVarint(v)
			info.DataType = onnxruntime.TensorElementDataType(int32(x))
		case num == tensorTypeShape && typ == protowire.BytesType:
			return eachField(v, func(num protowire.Number, typ protowire.Type, v []byte) error {
				if num != shapeDim || typ != protowire.BytesType {
					return nil
				}
				d := int64(-1)
				err := eachField(v, func(num protowire.Number, typ protowire.Type, v []byte) error {
					if num == dimValue && typ == protowire.VarintType {
						x, _ := protowire.ConsumeVarint(v)
						d = int64(x)
					}
					return nil
				})
				info.Dimensions = append(info.Dimensions, d)
				return err
			})
		}
		return nil
	})
}

// eachField calls fn for each field of the message in buf with its number,
// wire type and value: the contents of a length-delimited field, else the
// encoded value.
func eachField(buf []byte, fn func(num protowire.Number, typ protowire.Type, v []byte) error) error {
	for len(buf) > 0 {
		num, typ, n := protowire.ConsumeTag(buf)
		if n < 0 {
			return fmt.Errorf("field tag: %w", protowire.ParseError(n))
		}
		buf = buf[n:]
		m := protowire.ConsumeFieldValue(num, typ, buf)
		if m < 0 {
			return fmt.Errorf("field %d: %w", num, protowire.ParseError(m))
		}
		v := buf[:m]
		if typ == protowire.BytesType {
			v, _ = protowire.ConsumeBytes(v)
		}
		if err := fn(num, typ, v); err != nil {
			return err
		}
		buf = buf[m:]
	}
	return nil
}
