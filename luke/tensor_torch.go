//go:build torch

package luke

import (
	"fmt"
	"unsafe"

	"github.com/sugarme/gotch"
	lib "github.com/sugarme/gotch/libtch"
	"github.com/sugarme/gotch/ts"
)

// fromSlice copies data into a new CPU tensor of the given shape with one
// memcpy. gotch's NewTensorFromData walks the data through reflection,
// boxing every value twice, and encodes it into a byte buffer before the
// copy: for a base-size checkpoint's 135 million floats that is hundreds
// of millions of small allocations and one more copy of each tensor, which
// made loading take half a minute of CPU and gigabytes of garbage.
func fromSlice[T float32 | int64](data []T, shape []int64) (*ts.Tensor, error) {
	n, err := numel(shape, len(data))
	if err != nil {
		return nil, err
	}
	if len(shape) == 0 || n == 0 {
		return ts.NewTensorFromData(data, shape)
	}
	dt := gotch.Float
	if _, ok := any(data).([]int64); ok {
		dt = gotch.Int64
	}
	var zero T
	// at_tensor_of_data copies the values into a new tensor and keeps no
	// pointer to data.
	c := lib.AtTensorOfData(unsafe.Pointer(&data[0]), shape, uint(len(shape)), uint(unsafe.Sizeof(zero)), int(dt.CKind()))
	if err := ts.TorchErr(); err != nil {
		return nil, err
	}
	return ts.New(c), nil
}

// numel returns the number of elements of shape, or an error unless it is
// the number of values given.
func numel(shape []int64, values int) (int64, error) {
	n := int64(1)
	for _, d := range shape {
		n *= d
	}
	if n != int64(values) {
		return 0, fmt.Errorf("%d values for shape %v", values, shape)
	}
	return n, nil
}

// copyChunk is the bytes fromSliceChunked copies between two calls of its
// done function (a variable for tests).
var copyChunk = 16 << 20

// fromSliceChunked is fromSlice for float32 data that is copied copyChunk
// bytes at a time into an empty tensor, calling done(dst, k) once the
// first k values are in dst, the tensor's memory (first with k = 0, before
// any is copied): the caller hands back the
// source's pages as they are copied, so that a tensor as large as XLM-R
// large's 1 GB embedding table is never held twice.
func fromSliceChunked(data []float32, shape []int64, done func(dst []float32, k int)) (*ts.Tensor, error) {
	n, err := numel(shape, len(data))
	if err != nil {
		return nil, err
	}
	if len(shape) == 0 || n == 0 {
		return fromSlice(data, shape)
	}
	x, err := ts.Empty(shape, gotch.Float, gotch.CPU)
	if err != nil {
		return nil, err
	}
	p, err := x.DataPtr()
	if err != nil {
		x.MustDrop()
		return nil, err
	}
	// at::empty is contiguous; libtorch owns the memory and keeps no Go
	// pointer.
	dst := unsafe.Slice((*float32)(p), n)
	done(dst, 0)
	step := max(copyChunk/4, 1)
	for lo := 0; lo < len(data); lo += step {
		hi := min(lo+step, len(data))
		copy(dst[lo:hi], data[lo:hi])
		done(dst, hi)
	}
	return x, nil
}
