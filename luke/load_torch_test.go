//go:build torch && linux

package luke

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// heapInUse returns the bytes of live Go heap objects, after a collection.
func heapInUse() int64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapAlloc)
}

// Moving a checkpoint into libtorch never holds two copies of the weights:
// after each tensor is copied, libtorch's memory (glibc's malloc in use),
// the pages of the checkpoint's memory still present in the process and
// the Go heap's growth add up to at most the weights, the largest tensor
// and a little slack (pages shared by two storages, malloc's alignment),
// plus the 100 kB of Go heap that gotch gives every tensor (ts.Tensor's
// bigStruct, which exists to make the collector run).
// Without handing back each storage once copied the sum reaches twice the
// weights. It checks too that the measure sees libtorch's copy.
func TestMoveToModelPeak(t *testing.T) {
	big := bigCheckpoint(t)
	dir := t.TempDir()
	archive := filepath.Join(dir, "big.tar.gz")
	if err := WriteArchive(archive, big); err != nil {
		t.Fatal(err)
	}
	safetensors := filepath.Join(dir, "big.safetensors")
	if err := SaveSafetensors(safetensors, big); err != nil {
		t.Fatal(err)
	}
	// A BERT state dict of the same sizes, as DaCy's pytorch_model.bin.
	hf := HFEncoder{ModelType: "bert", VocabSize: 4000, Hidden: 256, Layers: 4, Heads: 4, Intermediate: 1024,
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
		slack       = 2 << 20
		gotchTensor = 110_000 // bigStruct's 1e5 bytes, the Tensor and its name
	)
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
			baseMalloc, baseHeap := mallocInUse(), heapInUse()
			peak := 0
			loadProbe = func() {
				used := int(mallocInUse()-baseMalloc) + residentBytes(t, mem) + int(max(heapInUse()-baseHeap, 0))
				peak = max(peak, used)
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
			if limit := total + largest + slack + n*gotchTensor; peak > limit {
				t.Errorf("got a peak of %d bytes while loading %d bytes of weights (largest tensor %d), want at most %d",
					peak, total, largest, limit)
			}
			t.Logf("weights %d bytes, peak %d bytes", total, peak)
		})
	}
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
