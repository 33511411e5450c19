//go:build torch

package luke

import (
	"errors"
	"fmt"
	"os"
	"sync"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"
)

// The packed evaluation pass runs its linear layers on oneDNN (MKL-DNN)
// where libtorch has it: mkldnn_linear on an MKL-DNN copy of the input,
// converted back to a dense tensor. On the CPUs here oneDNN's float32
// inner product is 1.6–2× faster than OpenBLAS's sgemm, which libtorch's
// linear calls (BENCHMARKS.md). The weights stay the model's dense float32
// tensors (oneDNN reads them in place, no second copy in memory), so
// training, which keeps the padded pass and libtorch's linear, sees no
// change. Results agree with libtorch's linear to float32 rounding, not bit
// for bit.
//
// The probe runs once per process; a libtorch built without MKL-DNN, a
// gotch whose to_dense is stubbed, or a device other than the CPU falls
// back to libtorch's linear.

var oneDNNProbe struct {
	once sync.Once
	err  error
}

// primitiveCache is the capacity of oneDNN's primitive cache that
// oneDNNAvailable sets, unless ONEDNN_PRIMITIVE_CACHE_CAPACITY is set
// already. oneDNN caches a compiled primitive per input shape, 1,024 by
// default, and a primitive of the base-size model's products holds
// megabytes; the packed pass makes new shapes with every batch (its row
// counts), so over a corpus the default cache grew the process by gigabytes
// (BENCHMARKS.md, Memory). One batch makes about twenty primitives (eight
// products at three row counts, and the conversions of their inputs and
// outputs), which its twelve layers reuse; 32 keeps them all.
const primitiveCache = "32"

// oneDNNAvailable reports why oneDNN's linear cannot be used, or nil.
func oneDNNAvailable() error {
	oneDNNProbe.once.Do(func() {
		// oneDNN reads the variable when it makes its first primitive,
		// which the probe does.
		if _, ok := os.LookupEnv("ONEDNN_PRIMITIVE_CACHE_CAPACITY"); !ok {
			if err := os.Setenv("ONEDNN_PRIMITIVE_CACHE_CAPACITY", primitiveCache); err != nil {
				oneDNNProbe.err = err
				return
			}
		}
		oneDNNProbe.err = probeOneDNN()
	})
	return oneDNNProbe.err
}

// probeOneDNN runs oneDNN's linear on a small product and checks the result.
func probeOneDNN() (err error) {
	defer RecoverTorch(&err)
	var s scope
	defer s.free()
	x := s.keep(ts.MustOfSlice([]float32{1, 2, 3, 4, 5, 6}))
	x = s.keep(x.MustView([]int64{2, 3}, false))
	w := s.keep(ts.MustOfSlice([]float32{1, 0, 0, 0, 1, 0, 1, 1, 1, 0, 0, 2}))
	w = s.keep(w.MustView([]int64{4, 3}, false))
	b := s.keep(ts.MustOfSlice([]float32{0.5, 0, 0, -1}))
	got := values(&s, oneDNNLinear(&s, x, w, b))
	want := []float32{1.5, 2, 6, 5, 4.5, 5, 15, 11}
	if len(got) != len(want) {
		return fmt.Errorf("oneDNN linear probe: %d values, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			return fmt.Errorf("oneDNN linear probe: got %v, want %v", got, want)
		}
	}
	return nil
}

// errOneDNNDevice says why a model off the CPU does not use oneDNN.
var errOneDNNDevice = errors.New("oneDNN runs on the CPU only")

// useOneDNN decides whether a model on dev runs its packed pass on oneDNN.
func useOneDNN(dev gotch.Device) error {
	if dev != gotch.CPU {
		return errOneDNNDevice
	}
	return oneDNNAvailable()
}

// oneDNNLinear is x·wᵀ + b for a 2-D float32 x on the CPU with oneDNN's
// inner product; b may be nil.
func oneDNNLinear(s *scope, x, w, b *ts.Tensor) *ts.Tensor {
	// The MKL-DNN copies of the input and the output are freed as soon as
	// they are read: the input's before the output is converted.
	return s.step(func(s *scope) *ts.Tensor {
		if b == nil {
			b = s.keep(ts.NewTensor()) // an undefined tensor: no bias
		}
		xm := s.keep(x.MustToMkldnn(gotch.Float, false))
		ym := s.keep(xm.MustMkldnnLinear(w, b, false))
		s.drop(xm)
		// masked_grad only matters for sparse tensors (tools/gotch/stub).
		return s.keep(ym.MustToDense(gotch.Float, true, false))
	})
}

// evalLinear is the linear layer of the packed evaluation pass: x·wᵀ + b
// for a 2-D x, on oneDNN when the model uses it (Model.oneDNN) and x has
// rows, and with libtorch's linear otherwise.
func (m *Model) evalLinear(s *scope, x, w, b *ts.Tensor) *ts.Tensor {
	if m.oneDNN && x.MustSize()[0] > 0 {
		return oneDNNLinear(s, x, w, b)
	}
	return s.keep(ts.MustLinear(x, w, b))
}

// evalLinearOf is evalLinear with the weight and bias of a named layer.
func (m *Model) evalLinearOf(s *scope, x *ts.Tensor, prefix string) *ts.Tensor {
	return m.evalLinear(s, x, m.weight(prefix+".weight"), m.weight(prefix+".bias"))
}
