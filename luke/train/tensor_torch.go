//go:build torch

package train

import (
	"fmt"
	"runtime"
	"slices"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"

	"github.com/nerbench/nerbench/luke"
)

// recoverTorch turns a panic of gotch's Must functions into an error.
func recoverTorch(err *error) {
	if r := recover(); r != nil {
		if e, ok := r.(error); ok {
			*err = fmt.Errorf("libtorch: %w", e)
			return
		}
		*err = fmt.Errorf("libtorch: %v", r)
	}
}

// ToTensor copies a float32 libtorch tensor, on any device, to Go memory.
func ToTensor(t *ts.Tensor) (out *luke.Tensor, err error) {
	defer recoverTorch(&err)
	if k := t.DType(); k != gotch.Float {
		return nil, fmt.Errorf("dtype %v, want float32", k)
	}
	d := t.MustDetach(false)
	defer d.MustDrop()
	c := d.MustTo(gotch.CPU, false)
	defer c.MustDrop()
	cc := c.MustContiguous(false)
	defer cc.MustDrop()
	shape := cc.MustSize()
	out = &luke.Tensor{Shape: make([]int, len(shape))}
	for i, v := range shape {
		out.Shape[i] = int(v)
	}
	out.F32 = make([]float32, out.Len())
	if len(out.F32) > 0 {
		cc.MustCopyData(out.F32, uint(len(out.F32)))
	}
	return out, nil
}

// CopyInto overwrites dst, a float32 libtorch tensor, with src, which must
// have its shape.
func CopyInto(dst *ts.Tensor, src *luke.Tensor) (err error) {
	defer recoverTorch(&err)
	shape := dst.MustSize()
	want := make([]int, len(shape))
	for i, v := range shape {
		want[i] = int(v)
	}
	if !slices.Equal(want, src.Shape) || src.F32 == nil {
		return fmt.Errorf("%w %v, want float32 %v", luke.ErrShape, src.Shape, want)
	}
	t, err := ts.NewTensorFromData(src.F32, shape)
	if err != nil {
		return err
	}
	defer t.MustDrop()
	d := dst.MustDetach(false)
	defer d.MustDrop()
	d.Copy_(t)
	return nil
}

// NoGrad runs fn with libtorch's gradient tracking off. The mode is per
// OS thread, so the goroutine is locked to its thread meanwhile (gotch's
// ts.NoGrad alone may switch it off on one thread and back on on another).
func NoGrad(fn func()) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	ts.NoGrad(fn)
}
