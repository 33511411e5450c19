//go:build torch

package luke

import (
	"errors"
	"math"
	"testing"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"
)

// linearPathList names the two ways the packed pass runs its linear layers.
var linearPathList = []struct {
	name   string
	oneDNN bool
}{{"openblas", false}, {"onednn", true}}

// linearPaths runs fn once with the packed pass's linear layers on
// libtorch's linear (openblas) and once on oneDNN (onednn, skipped where
// this libtorch has no oneDNN), on the same model.
func linearPaths(t *testing.T, m *Model, fn func(t *testing.T)) {
	t.Helper()
	use := m.oneDNN
	t.Cleanup(func() { m.oneDNN = use })
	for _, path := range linearPathList {
		t.Run(path.name, func(t *testing.T) {
			if path.oneDNN {
				if err := useOneDNN(m.device); err != nil {
					t.Skip(err)
				}
			}
			m.oneDNN = path.oneDNN
			fn(t)
		})
	}
}

// TestOneDNNLinear checks oneDNN's linear (mkldnn_linear, through the
// to_dense that tools/gotch/stub adapts to libtorch 1.13) against libtorch's
// linear, with and without a bias and on a non-contiguous input.
func TestOneDNNLinear(t *testing.T) {
	if err := oneDNNAvailable(); err != nil {
		t.Skipf("no oneDNN here: %v", err)
	}
	var s scope
	defer s.free()
	gen := func(shape ...int64) *ts.Tensor {
		return s.keep(ts.MustRandn(shape, gotch.Float, gotch.CPU))
	}
	x, w, b := gen(37, 48), gen(20, 48), gen(20)
	tests := []struct {
		name string
		x, b *ts.Tensor
	}{
		{"bias", x, b},
		{"no bias", x, nil},
		{"strided input", s.keep(gen(48, 37).MustT(false)), b},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			bias := tc.b
			if bias == nil {
				bias = s.keep(ts.NewTensor())
			}
			want := values(&s, s.keep(ts.MustLinear(tc.x, w, bias)))
			y := oneDNNLinear(&s, tc.x, w, tc.b)
			if got := y.MustSize(); got[0] != 37 || got[1] != 20 {
				t.Fatalf("got shape %v, want [37 20]", got)
			}
			got := values(&s, y)
			d := 0.0
			for i := range want {
				d = math.Max(d, math.Abs(float64(got[i]-want[i])))
			}
			if d > 1e-4 || math.IsNaN(d) {
				t.Errorf("oneDNN and libtorch's linear differ by up to %.3g, want <= 1e-4", d)
			}
		})
	}
}

func TestUseOneDNN(t *testing.T) {
	if err := useOneDNN(gotch.CudaBuilder(0)); !errors.Is(err, errOneDNNDevice) {
		t.Errorf("CUDA device: got %v, want %v", err, errOneDNNDevice)
	}
	if got, want := useOneDNN(gotch.CPU), oneDNNAvailable(); got != want {
		t.Errorf("CPU: got %v, want the probe's %v", got, want)
	}
}

// TestNewModelOneDNN checks that a libtorch with MKL-DNN (one that can
// convert a tensor to it) passes the probe, which needs the to_dense that
// tools/gotch/stub adapts, and that a CPU model uses oneDNN exactly where
// the probe found it.
func TestNewModelOneDNN(t *testing.T) {
	var s scope
	defer s.free()
	x := s.keep(ts.MustOnes([]int64{2, 2}, gotch.Float, gotch.CPU))
	if y, err := x.ToMkldnn(gotch.Float, false); err == nil {
		s.keep(y)
		if err := oneDNNAvailable(); err != nil {
			t.Errorf("libtorch has MKL-DNN, but the oneDNN probe fails: %v", err)
		}
	}
	m := newFixtureModel(t, "daluke-ner.tar.gz")
	if want := m.device == gotch.CPU && oneDNNAvailable() == nil; m.oneDNN != want {
		t.Errorf("model on %v uses oneDNN: %v, want %v", m.device, m.oneDNN, want)
	}
}
