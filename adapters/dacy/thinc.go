package dacy

import (
	"encoding/binary"
	"fmt"
	"math"
)

// array is a float32 ndarray from srsly's msgpack numpy encoding.
type array struct {
	Shape []int
	Data  []float32
}

// node is one entry of a thinc Model.to_dict: its name, dims, refs, params.
type node struct {
	Index  int
	Name   string
	Dims   map[string]any
	Refs   map[string]any
	Attrs  map[string][]byte
	Params map[string]*array
}

// dim returns the node's dim as an int; ok is false when absent or null.
func (n *node) dim(name string) (int, bool) {
	v, ok := n.Dims[name].(int64)
	return int(v), ok
}

// decodeArray reads srsly's {nd, type, kind, shape, data} map.
func decodeArray(v any) (*array, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%T, want an ndarray map", v)
	}
	if nd, _ := m["nd"].(bool); !nd {
		return nil, fmt.Errorf("map without nd=true, want an ndarray")
	}
	typ, _ := m["type"].(string)
	if typ == "" {
		if b, ok := m["type"].([]byte); ok {
			typ = string(b)
		}
	}
	if typ != "<f4" {
		return nil, fmt.Errorf("dtype %q, want <f4", typ)
	}
	shapeV, ok := m["shape"].([]any)
	if !ok {
		return nil, fmt.Errorf("shape %T, want an array", m["shape"])
	}
	a := &array{}
	n := 1
	for _, d := range shapeV {
		k, ok := d.(int64)
		if !ok || k < 0 {
			return nil, fmt.Errorf("bad dimension %v", d)
		}
		a.Shape = append(a.Shape, int(k))
		n *= int(k)
	}
	data, ok := m["data"].([]byte)
	if !ok {
		return nil, fmt.Errorf("data %T, want bin", m["data"])
	}
	if len(data) != 4*n {
		return nil, fmt.Errorf("%d data bytes for shape %v, want %d", len(data), a.Shape, 4*n)
	}
	a.Data = make([]float32, n)
	for i := range a.Data {
		a.Data[i] = math.Float32frombits(binary.LittleEndian.Uint32(data[4*i:]))
	}
	return a, nil
}

// readThinc decodes Model.to_bytes(): {nodes, attrs, params, shims}.
func readThinc(data []byte) ([]*node, error) {
	v, err := unpack(data)
	if err != nil {
		return nil, err
	}
	top, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%w: top level %T, want a map", errMsgpack, v)
	}
	nodesV, ok := top["nodes"].([]any)
	if !ok {
		return nil, fmt.Errorf("%w: field nodes missing", ErrMissing)
	}
	paramsV, _ := top["params"].([]any)
	attrsV, _ := top["attrs"].([]any)
	if len(paramsV) != len(nodesV) {
		return nil, fmt.Errorf("%w: %d params maps for %d nodes", ErrShape, len(paramsV), len(nodesV))
	}
	nodes := make([]*node, len(nodesV))
	for i, nv := range nodesV {
		m, ok := nv.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("nodes[%d] is %T, want a map", i, nv)
		}
		n := &node{Index: i, Params: map[string]*array{}, Attrs: map[string][]byte{}}
		n.Name, _ = m["name"].(string)
		n.Dims, _ = m["dims"].(map[string]any)
		n.Refs, _ = m["refs"].(map[string]any)
		if idx, ok := m["index"].(int64); ok && int(idx) != i {
			return nil, fmt.Errorf("nodes[%d] has index %d", i, idx)
		}
		if pm, ok := paramsV[i].(map[string]any); ok {
			for k, pv := range pm {
				if pv == nil {
					continue
				}
				a, err := decodeArray(pv)
				if err != nil {
					return nil, fmt.Errorf("params of node %d (%s) %s: %w", i, n.Name, k, err)
				}
				n.Params[k] = a
			}
		}
		if i < len(attrsV) {
			if am, ok := attrsV[i].(map[string]any); ok {
				for k, av := range am {
					if b, ok := av.([]byte); ok {
						n.Attrs[k] = b
					}
				}
			}
		}
		nodes[i] = n
	}
	return nodes, nil
}

// ref returns the node that node n refers to as name.
func ref(nodes []*node, n *node, name string) (*node, error) {
	v, ok := n.Refs[name].(int64)
	if !ok || v < 0 || int(v) >= len(nodes) {
		return nil, fmt.Errorf("%w: ref %s of node %d (%s)", ErrMissing, name, n.Index, n.Name)
	}
	return nodes[v], nil
}

// nerWeights are the NER model's parameters (dacy-spec §5.2).
type nerWeights struct {
	H, HW, A, NF, NP int
	LinW, LinB       []float32 // [HW, H], [HW]
	W                []float32 // [NF, A, NP, HW]
	B                []float32 // [A, NP]
	Pad              []float32 // [1, NF, A, NP]
	UpW, UpB         []float32 // [A, HW], [A]; nil without an upper layer
}

// nerModel reads the node table of spacy.TransitionBasedParser (v1 or v2)
// and checks every shape.
func nerModel(nodes []*node, H int) (*nerWeights, error) {
	if len(nodes) == 0 {
		return nil, fmt.Errorf("%w: no nodes", ErrMissing)
	}
	root := nodes[0]
	if root.Name != "parser_model" {
		return nil, fmt.Errorf("%w: node 0 is %q, want parser_model", ErrUnsupported, root.Name)
	}
	lower, err := ref(nodes, root, "lower")
	if err != nil {
		return nil, err
	}
	upper, err := ref(nodes, root, "upper")
	if err != nil {
		return nil, err
	}
	if lower.Name != "precomputable_affine" {
		return nil, fmt.Errorf("%w: lower is %q, want precomputable_affine", ErrUnsupported, lower.Name)
	}
	w := &nerWeights{H: H}
	// The projection: the node named linear reachable from tok2vec with nI = H.
	var lin *node
	for _, n := range nodes {
		if n.Name == "linear" && n != upper {
			if nI, ok := n.dim("nI"); !ok || nI == H {
				if p := n.Params["W"]; p != nil && len(p.Shape) == 2 && p.Shape[1] == H {
					lin = n
					break
				}
			}
		}
	}
	if lin == nil {
		return nil, fmt.Errorf("%w: no linear node with nI = %d (the transformer width) in the tok2vec", ErrShape, H)
	}
	lw := lin.Params["W"]
	w.HW = lw.Shape[0]
	lb := lin.Params["b"]
	if lb == nil || len(lb.Shape) != 1 || lb.Shape[0] != w.HW {
		return nil, fmt.Errorf("%w: linear b shape, want [%d]", ErrShape, w.HW)
	}
	w.LinW, w.LinB = lw.Data, lb.Data
	W, b, pad := lower.Params["W"], lower.Params["b"], lower.Params["pad"]
	if W == nil || b == nil || pad == nil {
		return nil, fmt.Errorf("%w: precomputable_affine params W, b, pad", ErrMissing)
	}
	if len(W.Shape) != 4 || W.Shape[3] != w.HW {
		return nil, fmt.Errorf("%w: precomputable_affine W has shape %v, want [nF nO nP %d]", ErrShape, W.Shape, w.HW)
	}
	w.NF, w.A, w.NP = W.Shape[0], W.Shape[1], W.Shape[2]
	if !equalShape(b.Shape, w.A, w.NP) {
		return nil, fmt.Errorf("%w: precomputable_affine b has shape %v, want [%d %d]", ErrShape, b.Shape, w.A, w.NP)
	}
	if !equalShape(pad.Shape, 1, w.NF, w.A, w.NP) {
		return nil, fmt.Errorf("%w: precomputable_affine pad has shape %v, want [1 %d %d %d]", ErrShape, pad.Shape, w.NF, w.A, w.NP)
	}
	w.W, w.B, w.Pad = W.Data, b.Data, pad.Data
	switch upper.Name {
	case "noop":
	case "linear":
		uw, ub := upper.Params["W"], upper.Params["b"]
		if uw == nil || ub == nil || len(uw.Shape) != 2 || uw.Shape[1] != w.A || ub.Shape[0] != uw.Shape[0] {
			return nil, fmt.Errorf("%w: upper linear params", ErrShape)
		}
		// With an upper layer, lower's nO is the hidden width and the
		// upper's nO the number of actions.
		w.UpW, w.UpB = uw.Data, ub.Data
	default:
		return nil, fmt.Errorf("%w: upper is %q, want noop or linear", ErrUnsupported, upper.Name)
	}
	return w, nil
}

// actions returns the number of output columns (the moves).
func (w *nerWeights) actions() int {
	if w.UpW != nil {
		return len(w.UpB)
	}
	return w.A
}

func equalShape(s []int, want ...int) bool {
	if len(s) != len(want) {
		return false
	}
	for i := range s {
		if s[i] != want[i] {
			return false
		}
	}
	return true
}
