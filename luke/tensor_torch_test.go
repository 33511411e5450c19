//go:build torch

package luke

import (
	"runtime"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"
)

func TestFromSlice(t *testing.T) {
	var s scope
	defer s.free()
	f, err := fromSlice([]float32{1, 2, 3, 4, 5, 6}, []int64{2, 3})
	if err != nil {
		t.Fatal(err)
	}
	s.keep(f)
	if diff := cmp.Diff([]int64{2, 3}, f.MustSize()); diff != "" {
		t.Errorf("shape mismatch (-want +got):\n%s", diff)
	}
	if got := values(&s, s.keep(f.MustSum(gotch.Float, false))); !slices.Equal(got, []float32{21}) {
		t.Errorf("sum: got %v, want 21", got)
	}
	if got := values(&s, s.keep(f.MustSelect(0, 1, false))); !slices.Equal(got, []float32{4, 5, 6}) {
		t.Errorf("row 1: got %v, want [4 5 6]", got)
	}
	i, err := fromSlice([]int64{7, 1 << 40}, []int64{2})
	if err != nil {
		t.Fatal(err)
	}
	s.keep(i)
	if i.DType() != gotch.Int64 {
		t.Errorf("dtype %v, want int64", i.DType())
	}
	got := make([]int64, 2)
	i.MustCopyData(got, 2)
	if !slices.Equal(got, []int64{7, 1 << 40}) {
		t.Errorf("got %v, want [7 %d]", got, int64(1)<<40)
	}
	e, err := fromSlice([]float32{}, []int64{0, 4})
	if err != nil {
		t.Fatal(err)
	}
	s.keep(e)
	if diff := cmp.Diff([]int64{0, 4}, e.MustSize()); diff != "" {
		t.Errorf("empty shape mismatch (-want +got):\n%s", diff)
	}
	if _, err := fromSlice([]float32{1, 2, 3}, []int64{2, 2}); err == nil {
		t.Error("3 values for shape [2 2]: no error")
	}
}

// fromSliceChunked fills the tensor in chunks of copyChunk bytes, reporting
// 0 first and then each chunk's end, and makes what fromSlice makes.
func TestFromSliceChunked(t *testing.T) {
	defer func(c int) { copyChunk = c }(copyChunk)
	copyChunk = 8 // two values
	tests := []struct {
		name  string
		data  []float32
		shape []int64
		want  []int // the k of each done call
	}{
		{"2×3", []float32{1, 2, 3, 4, 5, 6}, []int64{2, 3}, []int{0, 2, 4, 6}},
		{"odd", []float32{1, 2, 3}, []int64{3}, []int{0, 2, 3}},
		{"empty", []float32{}, []int64{0, 4}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var s scope
			defer s.free()
			var calls []int
			x, err := fromSliceChunked(tc.data, tc.shape, func(dst []float32, k int) {
				if len(dst) != len(tc.data) {
					t.Errorf("done got %d values of memory, want %d", len(dst), len(tc.data))
				}
				if !slices.Equal(dst[:k], tc.data[:k]) {
					t.Errorf("after %d values: got %v, want %v", k, dst[:k], tc.data[:k])
				}
				calls = append(calls, k)
			})
			if err != nil {
				t.Fatal(err)
			}
			s.keep(x)
			if diff := cmp.Diff(tc.want, calls); diff != "" {
				t.Errorf("done calls (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.shape, x.MustSize()); diff != "" {
				t.Errorf("shape mismatch (-want +got):\n%s", diff)
			}
			if got := values(&s, x); !slices.Equal(got, tc.data) {
				t.Errorf("got %v, want %v", got, tc.data)
			}
		})
	}
	if _, err := fromSliceChunked([]float32{1, 2, 3}, []int64{2, 2}, func([]float32, int) {}); err == nil {
		t.Error("3 values for shape [2 2]: no error")
	}
}

// TestFromSliceAllocations checks that a tensor is made with a fixed number
// of Go allocations, not a few per value as gotch's NewTensorFromData makes.
func TestFromSliceAllocations(t *testing.T) {
	data := make([]float32, 1<<16)
	allocs := testing.AllocsPerRun(5, func() {
		x, err := fromSlice(data, []int64{256, 256})
		if err != nil {
			t.Fatal(err)
		}
		x.MustDrop()
	})
	if allocs > 50 {
		t.Errorf("%.0f allocations for %d values, want at most 50", allocs, len(data))
	}
}

// TestInPlaceFrees checks that a tensor changed in place by one of gotch's
// in-place methods gives its memory back when dropped, which gotch's
// generated wrappers do only as patched by tools/gotch/build.sh (they lost
// the handle they replaced): the tensor is 64 MiB, so its memory is an mmap
// of its own that glibc returns at once.
func TestInPlaceFrees(t *testing.T) {
	const n = 16 << 20 // float32s
	tests := []struct {
		name string
		op   func(x, y *ts.Tensor)
	}{
		{"add", func(x, y *ts.Tensor) { x.MustAdd_(y) }},
		{"gelu", func(x, _ *ts.Tensor) { x.MustGelu_("none") }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			y := ts.MustOnes([]int64{1}, gotch.Float, gotch.CPU)
			defer y.MustDrop()
			before := mallocInUse()
			x := ts.MustZeros([]int64{n}, gotch.Float, gotch.CPU)
			tc.op(x, y)
			x.MustDrop()
			if leaked := mallocInUse() - before; leaked > n {
				t.Errorf("%d bytes still allocated after the drop, want under %d", leaked, n)
			}
		})
	}
}

// TestTensorGoBytes checks that a gotch tensor costs the Go heap a few
// hundred bytes, not the 100 kB object that gotch's newTensor allocated with
// every tensor until tools/gotch/build.sh removed it (patch 1c): a forward
// pass makes hundreds of tensors, and those objects kept tens of megabytes
// of garbage in the Go heap between collections.
func TestTensorGoBytes(t *testing.T) {
	const n = 200
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range n {
		x := ts.MustZeros([]int64{4}, gotch.Float, gotch.CPU)
		x.MustDrop()
	}
	runtime.ReadMemStats(&after)
	if per := (after.TotalAlloc - before.TotalAlloc) / n; per > 2_000 {
		t.Errorf("%d bytes of Go heap allocated per tensor, want at most 2,000", per)
	}
}
