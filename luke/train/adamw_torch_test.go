//go:build torch

package train

import (
	"math"
	"runtime"
	"runtime/debug"
	"testing"

	"github.com/nerbench/nerbench/luke"
	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"
)

// setGrad accumulates g into p's gradient by a backward pass of sum(p·g).
func setGrad(t *testing.T, p *ts.Tensor, g []float32) {
	t.Helper()
	gt := ts.MustOfSlice(g).MustView(p.MustSize(), true)
	defer gt.MustDrop()
	prod := p.MustMul(gt, false)
	defer prod.MustDrop()
	l := prod.MustSum(gotch.Float, false)
	defer l.MustDrop()
	if err := l.Backward(); err != nil {
		t.Fatal(err)
	}
}

func newParam(t *testing.T, vals []float32) *ts.Tensor {
	t.Helper()
	x := ts.MustOfSlice(vals)
	p := x.MustSetRequiresGrad(true, false)
	x.MustDrop()
	return p
}

// TestAdamWStep checks three updates against the formula of AdamWConfig
// computed in float64, with and without weight decay and bias correction.
func TestAdamWStep(t *testing.T) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	grads := [][]float32{{0.5, -1, 2, 1e-3}, {-0.25, 0.75, 0, 3}, {1, 1, -1, -2e-4}}
	start := []float32{0.1, -0.2, 0.3, 1.5}
	lrs := []float64{1e-3, 5e-4, 2e-3}
	for _, tc := range []struct {
		name string
		cfg  AdamWConfig
	}{
		{"fine-tuning recipe", FineTuneAdamW()},
		{"bias correction", AdamWConfig{Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, WeightDecay: 0.1, BiasCorrection: true, NoDecay: HFNoDecay}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			params := map[string]*ts.Tensor{"w": newParam(t, start), "x.bias": newParam(t, start)}
			defer func() {
				for _, p := range params {
					p.MustDrop()
				}
			}()
			o, err := NewAdamW(params, tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer o.Close()
			want := map[string][]float64{}
			for k := range params {
				want[k] = make([]float64, len(start))
				for i, v := range start {
					want[k][i] = float64(v)
				}
			}
			m, v := map[string][]float64{"w": make([]float64, 4), "x.bias": make([]float64, 4)}, map[string][]float64{"w": make([]float64, 4), "x.bias": make([]float64, 4)}
			c := tc.cfg
			for s, g := range grads {
				for k, p := range params {
					setGrad(t, p, g)
					size := lrs[s]
					if c.BiasCorrection {
						size *= math.Sqrt(1-math.Pow(c.Beta2, float64(s+1))) / (1 - math.Pow(c.Beta1, float64(s+1)))
					}
					for i, gi := range g {
						gf := float64(gi)
						m[k][i] = c.Beta1*m[k][i] + (1-c.Beta1)*gf
						v[k][i] = c.Beta2*v[k][i] + (1-c.Beta2)*gf*gf
						want[k][i] -= size * m[k][i] / (math.Sqrt(v[k][i]) + c.Eps)
						if k == "w" {
							want[k][i] -= lrs[s] * c.WeightDecay * want[k][i]
						}
					}
				}
				if err := o.Step(lrs[s]); err != nil {
					t.Fatal(err)
				}
				if err := o.ZeroGrad(); err != nil {
					t.Fatal(err)
				}
			}
			for k, p := range params {
				got, err := ToTensor(p)
				if err != nil {
					t.Fatal(err)
				}
				for i, w := range want[k] {
					if d := math.Abs(float64(got.F32[i]) - w); d > 1e-6*math.Max(1, math.Abs(w)) {
						t.Errorf("%s[%d] after %d updates: got %v, want %v", k, i, len(grads), got.F32[i], w)
					}
				}
			}
			if o.Steps() != len(grads) {
				t.Errorf("Steps() = %d, want %d", o.Steps(), len(grads))
			}
		})
	}
}

// residentBytes returns the process's resident memory (Linux).
func residentBytes(t *testing.T) int64 {
	t.Helper()
	n, err := luke.ResidentBytes()
	if err != nil {
		t.Skipf("no resident memory figure: %v", err)
	}
	return n
}

// TestAdamWKeepsMemory runs updates of a 4 MiB parameter and checks that the
// process does not grow with them: gotch's in-place methods used to leak
// every temporary they updated (three per parameter and update here, so
// 40 updates grew the process by about 480 MiB).
func TestAdamWKeepsMemory(t *testing.T) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	const n = 1 << 20
	vals := make([]float32, n)
	g := make([]float32, n)
	for i := range vals {
		vals[i] = float32(i%17) / 17
		g[i] = float32(i%5) - 2
	}
	p := newParam(t, vals)
	defer p.MustDrop()
	o, err := NewAdamW(map[string]*ts.Tensor{"w": p}, FineTuneAdamW())
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	step := func() {
		setGrad(t, p, g)
		if err := o.Step(1e-3); err != nil {
			t.Fatal(err)
		}
		if err := o.ZeroGrad(); err != nil {
			t.Fatal(err)
		}
	}
	for range 3 {
		step()
	}
	debug.FreeOSMemory()
	before := residentBytes(t)
	const updates = 40
	for range updates {
		step()
	}
	debug.FreeOSMemory()
	// A leak of one temporary per update would add 160 MiB; the
	// allocators' own slack has been up to 39 MiB (seen with other test
	// binaries running beside this one).
	const limit = 96 * n
	if grew := residentBytes(t) - before; grew > limit {
		t.Errorf("%d updates of a %d MiB parameter grew the process by %d MiB, want under %d MiB",
			updates, 4*n>>20, grew>>20, limit>>20)
	}
}
