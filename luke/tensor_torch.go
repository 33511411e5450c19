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
	n := int64(1)
	for _, d := range shape {
		n *= d
	}
	if n != int64(len(data)) {
		return nil, fmt.Errorf("%d values for shape %v", len(data), shape)
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
