//go:build torch

package luke

import (
	"sort"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"
)

// Names returns the names of the model's weights, sorted.
func (m *Model) Names() []string {
	names := make([]string, 0, len(m.w))
	for k := range m.w {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// Param returns the libtorch tensor of a weight, or nil if the model has no
// such weight. The model keeps ownership: do not drop it.
func (m *Model) Param(name string) *ts.Tensor { return m.w[name] }

// Device returns the device the weights are on.
func (m *Model) Device() gotch.Device { return m.device }

// SetRequiresGrad makes libtorch track (or stop tracking) gradients for
// every weight, which training needs.
func (m *Model) SetRequiresGrad(on bool) (err error) {
	defer recoverTorch(&err)
	for k, t := range m.w {
		r := t.MustSetRequiresGrad(on, false)
		t.MustDrop()
		m.w[k] = r
	}
	return nil
}

// Export copies the weights to Go memory as a checkpoint with the model's
// metadata and config; its EntityVocab is nil.
func (m *Model) Export() (ck *Checkpoint, err error) {
	defer recoverTorch(&err)
	tensors := make(map[string]*Tensor, len(m.w))
	var s scope
	defer s.free()
	for k, t := range m.w {
		d := s.keep(t.MustDetach(false))
		shape := d.MustSize()
		dims := make([]int, len(shape))
		for i, v := range shape {
			dims[i] = int(v)
		}
		tensors[k] = &Tensor{Shape: dims, F32: values(&s, d)}
	}
	return &Checkpoint{Metadata: m.meta, Tensors: tensors, Config: m.cfg}, nil
}

// Metadata returns the model's metadata.
func (m *Model) Metadata() Metadata { return m.meta }
