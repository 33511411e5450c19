//go:build torch

package train

import (
	"fmt"
	"math"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"

	"github.com/nerbench/nerbench/luke"
)

// AdamW is the optimizer of AdamWConfig over libtorch tensors, with its
// moments kept per parameter name so that they can be saved beside the
// weights. It is not safe for concurrent use.
type AdamW struct {
	cfg    AdamWConfig
	names  []string // sorted
	params map[string]*ts.Tensor
	decay  map[string]bool
	m, v   map[string]*ts.Tensor
	// detached aliases of params, which the updates write through
	detached map[string]*ts.Tensor
	steps    int
}

// NewAdamW makes an optimizer over params, whose tensors must require
// gradients. The optimizer does not own them; its moments start at zero.
func NewAdamW(params map[string]*ts.Tensor, cfg AdamWConfig) (o *AdamW, err error) {
	defer luke.RecoverTorch(&err)
	if !(cfg.Beta1 >= 0 && cfg.Beta1 < 1 && cfg.Beta2 >= 0 && cfg.Beta2 < 1 && cfg.Eps > 0 && cfg.WeightDecay >= 0) {
		return nil, fmt.Errorf("adamw: betas (%v, %v) must be in [0, 1), eps %v positive, weight decay %v not negative",
			cfg.Beta1, cfg.Beta2, cfg.Eps, cfg.WeightDecay)
	}
	o = &AdamW{cfg: cfg, params: params, decay: map[string]bool{},
		m: make(map[string]*ts.Tensor, len(params)), v: make(map[string]*ts.Tensor, len(params)),
		detached: make(map[string]*ts.Tensor, len(params))}
	names := make([]string, 0, len(params))
	for k := range params {
		names = append(names, k)
	}
	decay, _ := DecayGroups(names, cfg.NoDecay)
	o.names, _ = DecayGroups(names, nil)
	for _, k := range decay {
		o.decay[k] = true
	}
	for _, k := range o.names {
		o.m[k] = params[k].MustZerosLike(false)
		o.v[k] = params[k].MustZerosLike(false)
		o.detached[k] = params[k].MustDetach(false)
	}
	return o, nil
}

// Groups returns the names of the decaying and the non-decaying parameters,
// each sorted, for State.Decay and State.NoDecay.
func (o *AdamW) Groups() (decay, none []string) { return DecayGroups(o.names, o.cfg.NoDecay) }

// Steps returns the number of updates applied.
func (o *AdamW) Steps() int { return o.steps }

// Step applies one update with learning rate lr to every parameter that
// has a gradient, and advances the step count. It does not clear the
// gradients: call ZeroGrad.
func (o *AdamW) Step(lr float64) (err error) {
	defer luke.RecoverTorch(&err)
	o.steps++
	c := o.cfg
	size := lr
	if c.BiasCorrection {
		size = lr * math.Sqrt(1-math.Pow(c.Beta2, float64(o.steps))) / (1 - math.Pow(c.Beta1, float64(o.steps)))
	}
	// The updates act on detached aliases of the parameters: in-place
	// changes to a leaf that requires gradients are refused, and
	// libtorch's no-grad mode is per OS thread, which a goroutine does
	// not keep. gotch's in-place methods free the handle they replace only
	// as patched by tools/gotch/build.sh; unpatched, they leaked it, and
	// with it the memory of every temporary updated in place.
	//
	// The operations are those of transformers.AdamW, in its order of
	// rounding, with two temporaries per parameter:
	//
	//	m.mul_(β1).add_(g, alpha=1-β1)
	//	v.mul_(β2).addcmul_(g, g, value=1-β2)
	//	p.addcdiv_(m, v.sqrt().add_(ε), value=-step)
	//	p.add_(p, alpha=-lr·wd)
	//
	// gotch's addcmul_ and addcdiv_ take no value and its add_ no alpha,
	// so the factors go into a temporary (s = (1-β2)·g, then s = -step·m)
	// or into a one-element tensor that the product broadcasts.
	if len(o.names) == 0 {
		return nil
	}
	dev := o.params[o.names[0]].MustDevice()
	one := func(v float64) *ts.Tensor {
		t := ts.MustOfSlice([]float32{float32(v)})
		if dev != gotch.CPU {
			defer t.MustDrop()
			return t.MustTo(dev, false)
		}
		return t
	}
	b1c, decay := one(1-c.Beta1), one(-lr*c.WeightDecay)
	defer b1c.MustDrop()
	defer decay.MustDrop()
	for _, k := range o.names {
		g := o.params[k].MustGrad(false)
		if !g.MustDefined() {
			g.MustDrop()
			continue
		}
		p, m, v := o.detached[k], o.m[k], o.v[k]
		m.MustMulScalar_(ts.FloatScalar(c.Beta1))
		m.MustAddcmul_(g, b1c)
		v.MustMulScalar_(ts.FloatScalar(c.Beta2))
		tmp := g.MustMulScalar(ts.FloatScalar(1-c.Beta2), false)
		v.MustAddcmul_(tmp, g)
		denom := v.MustSqrt(false)
		denom.MustAddScalar_(ts.FloatScalar(c.Eps))
		m.MustMulScalarOut(tmp, ts.FloatScalar(-size), false).MustDrop() // tmp = -step·m
		p.MustAddcdiv_(tmp, denom)
		if c.WeightDecay > 0 && o.decay[k] {
			p.MustAddcmul_(p, decay)
		}
		tmp.MustDrop()
		denom.MustDrop()
		g.MustDrop()
	}
	return nil
}

// ZeroGrad sets every parameter's gradient to zero.
func (o *AdamW) ZeroGrad() (err error) {
	defer luke.RecoverTorch(&err)
	for _, k := range o.names {
		g := o.params[k].MustGrad(false)
		if g.MustDefined() {
			g.MustZero_()
		}
		g.MustDrop()
	}
	return nil
}

// Moments copies the moments to Go memory, named by MomentNames.
func (o *AdamW) Moments() (map[string]*luke.Tensor, error) {
	out := make(map[string]*luke.Tensor, 2*len(o.names))
	for _, k := range o.names {
		mn, vn := MomentNames(k)
		var err error
		if out[mn], err = ToTensor(o.m[k]); err != nil {
			return nil, fmt.Errorf("%s: %w", mn, err)
		}
		if out[vn], err = ToTensor(o.v[k]); err != nil {
			return nil, fmt.Errorf("%s: %w", vn, err)
		}
	}
	return out, nil
}

// Restore sets the moments from a saved state (every moment of every
// parameter, with the parameter's shape) and the number of updates
// applied.
func (o *AdamW) Restore(moments map[string]*luke.Tensor, steps int) (err error) {
	defer luke.RecoverTorch(&err)
	if len(moments) != 2*len(o.names) {
		return fmt.Errorf("optimizer state has %d tensors, want %d (two per parameter)", len(moments), 2*len(o.names))
	}
	for _, k := range o.names {
		mn, vn := MomentNames(k)
		for _, pair := range []struct {
			name string
			dst  *ts.Tensor
		}{{mn, o.m[k]}, {vn, o.v[k]}} {
			t, ok := moments[pair.name]
			if !ok {
				return fmt.Errorf("optimizer state: %w %q", luke.ErrMissingKey, pair.name)
			}
			if err := CopyInto(pair.dst, t); err != nil {
				return fmt.Errorf("optimizer state %q: %w", pair.name, err)
			}
		}
	}
	o.steps = steps
	return nil
}

// Close frees the moments.
func (o *AdamW) Close() error {
	for _, k := range o.names {
		o.m[k].MustDrop()
		o.v[k].MustDrop()
		o.detached[k].MustDrop()
	}
	o.m, o.v, o.detached = nil, nil, nil
	return nil
}
