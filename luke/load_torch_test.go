//go:build torch && linux

package luke

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"unsafe"

	"github.com/google/go-cmp/cmp"
)

// heapInUse returns the bytes of live Go heap objects, after a collection.
func heapInUse() int64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapAlloc)
}

// Moving a checkpoint into libtorch never holds two copies of the weights,
// nor two of its largest tensor. After each tensor, and each chunk of a
// tensor copied in chunks, it measures:
//
//   - allocated: libtorch's allocations (glibc's malloc in use), the pages
//     of the checkpoint's memory still present in the process and the Go
//     heap's growth, which must stay under the weights, the largest tensor
//     (allocated whole before its chunks are written) and a little slack,
//     plus the 100 kB of Go heap that gotch gives every tensor (ts.Tensor's
//     bigStruct, which exists to make the collector run);
//   - resident: the pages present in the process of the model's tensors,
//     of the tensor being filled (less those present before its first value,
//     freed memory that malloc kept and hands out again) and of the
//     checkpoint's memory (/proc/self/pagemap), which must stay under the
//     weights and one chunk, plus slack (pages shared by two storages or
//     tensors).
//
// Without handing back each storage once copied both reach twice the
// weights; without the chunks, resident reaches the weights and the largest
// tensor (8 MB of 24 here). It checks too that the measure sees libtorch's
// copy.
func TestMoveToModelPeak(t *testing.T) {
	dir := t.TempDir()
	archive, safetensors := writeBig(t, dir)
	// A BERT state dict of the same sizes, as DaCy's pytorch_model.bin.
	hf := HFEncoder{ModelType: "bert", VocabSize: 8000, Hidden: 256, Layers: 4, Heads: 4, Intermediate: 1024,
		MaxPositions: 128, TypeVocabSize: 2, LayerNormEps: 1e-12}
	sd := map[string]*Tensor{"pooler.dense.weight": {Shape: []int{256, 256}, F32: make([]float32, 256*256)}}
	for k, shape := range hf.shapes() {
		x := &Tensor{Shape: shape}
		x.F32 = make([]float32, x.Len())
		for i := range x.F32 {
			x.F32[i] = float32(i%13) / 13
		}
		sd[k] = x
	}
	bin := filepath.Join(dir, "pytorch_model.bin")
	f, err := os.Create(bin)
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteTorchPickle(f, sd); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		open func() (*Checkpoint, error)
	}{
		{"OpenArchive", func() (*Checkpoint, error) { return OpenArchive(archive) }},
		{"OpenSafetensors", func() (*Checkpoint, error) { return OpenSafetensors(safetensors) }},
		{"OpenStateDict", func() (*Checkpoint, error) {
			sd, err := OpenStateDict(bin)
			if err != nil {
				return nil, err
			}
			ck, err := sd.Encoder(hf)
			if err != nil {
				sd.Close()
			}
			return ck, err
		}},
	}
	const (
		slack       = 4 << 20 // 2 MiB, and one huge page (the mappings ask for them)
		gotchTensor = 110_000 // the Tensor, its name, and bigStruct's 1e5 bytes in a gotch built before patch 1c
	)
	defer func(c int) { copyChunk = c }(copyChunk)
	copyChunk = 256 << 10
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			defer checkNoMappings(t)
			ck, err := tc.open()
			if err != nil {
				t.Fatal(err)
			}
			total, largest := weightBytes(ck)
			n := len(ck.Tensors)
			mem := ck.mem.b
			pm := openPagemap(t)
			// Freed memory that malloc kept (earlier subtests' models) would
			// be resident before the tensors that reuse it are written.
			ReleaseMemory()
			baseMalloc, baseHeap := mallocInUse(), heapInUse()
			allocated, resident := 0, 0
			reused := 0 // pages of the tensor being filled present before its first value
			loadProbe = func(m *Model, filling []float32, filled int) {
				onMap := pm.resident(mem)
				allocated = max(allocated, int(mallocInUse()-baseMalloc)+onMap+int(max(heapInUse()-baseHeap, 0)))
				if filled == 0 {
					reused = pm.resident(floatBytes(filling))
				}
				r := onMap + pm.resident(floatBytes(filling)) - reused
				for _, x := range m.w {
					r += pm.resident(unsafe.Slice((*byte)(x.MustDataPtr()), 4*x.Numel()))
				}
				resident = max(resident, r)
			}
			defer func() { loadProbe = nil }()
			m, err := MoveToModel(ck, "cpu")
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			if held := int(mallocInUse() - baseMalloc); held < total {
				t.Errorf("libtorch holds %d bytes, want at least the %d of the weights", held, total)
			}
			if limit := total + largest + slack + n*gotchTensor; allocated > limit {
				t.Errorf("allocated: got a peak of %d bytes while loading %d bytes of weights (largest tensor %d), want at most %d",
					allocated, total, largest, limit)
			}
			if limit := total + copyChunk + slack; resident > limit {
				t.Errorf("resident: got a peak of %d bytes while loading %d bytes of weights in chunks of %d, want at most %d",
					resident, total, copyChunk, limit)
			}
			t.Logf("weights %d bytes, largest tensor %d; peaks: allocated %d (%d tensors), resident %d",
				total, largest, allocated, n, resident)
		})
	}
}

// floatBytes returns the bytes of f.
func floatBytes(f []float32) []byte {
	if len(f) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&f[0])), 4*len(f))
}

// MoveToModel gives the model the checkpoint's values, tied weights (which
// share a storage) included, and consumes the checkpoint: it is closed,
// its tensors hold no data, and using it again is ErrClosed. On error it
// closes the checkpoint too.
func TestMoveToModelConsumes(t *testing.T) {
	defer checkNoMappings(t)
	file := filepath.Join("testdata", "daluke.tar.gz")
	want, err := ReadArchive(file)
	if err != nil {
		t.Fatal(err)
	}
	ck, err := OpenArchive(file)
	if err != nil {
		t.Fatal(err)
	}
	kept := ck.Tensors["entity_embeddings.ent_embeds.weight"]
	m, err := MoveToModel(ck, "cpu")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	got, err := m.Export()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want.Tensors, got.Tensors); diff != "" {
		t.Errorf("model weights differ from the archive's (-want +got):\n%s", diff)
	}
	if ck.Tensors != nil || kept.F32 != nil {
		t.Errorf("after MoveToModel: got %d tensors and %d values of a kept tensor, want none",
			len(ck.Tensors), len(kept.F32))
	}
	if _, err := NewModel(ck, "cpu"); !errors.Is(err, ErrClosed) {
		t.Errorf("NewModel of a consumed checkpoint: got %v, want ErrClosed", err)
	}
	if _, err := MoveToModel(ck, "cpu"); !errors.Is(err, ErrClosed) {
		t.Errorf("MoveToModel of a consumed checkpoint: got %v, want ErrClosed", err)
	}

	bad, err := OpenArchive(file)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := MoveToModel(bad, "tpu"); err == nil {
		t.Error("device tpu: got no error")
	}
	if bad.Tensors != nil {
		t.Errorf("after a failed MoveToModel: got %d tensors, want none", len(bad.Tensors))
	}
}
