package luke

import (
	"archive/zip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/nlpodyssey/gopickle/pickle"
	"github.com/nlpodyssey/gopickle/pytorch"
	"github.com/nlpodyssey/gopickle/types"
)

// ReadTorchPickle reads a state dict saved by torch.save in the zip format of
// PyTorch 1.6 and later: <name>/data.pkl, a pickle of an OrderedDict of
// tensors, and <name>/data/<key>, the raw little-endian storages. Tensors
// that share a storage (tied weights) share their backing array when they are
// contiguous. Only float32 and int64 tensors are supported.
func ReadTorchPickle(r io.ReaderAt, size int64) (map[string]*Tensor, error) {
	return readTorchZip(r, size, nil)
}

// readTorchZip is ReadTorchPickle; where r reads mem.b, the float32
// storages that torch.save stored uncompressed and aligned are viewed in
// place instead of copied (storageSpan), and the storages no tensor views
// are handed back to the system at the end.
func readTorchZip(r io.ReaderAt, size int64, mem *weightMem) (map[string]*Tensor, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, fmt.Errorf("not a torch.save zip file: %w", err)
	}
	var pkl *zip.File
	records := make(map[string]*zip.File)
	for _, f := range zr.File {
		switch {
		case strings.HasSuffix(f.Name, "/data.pkl"):
			pkl = f
		case strings.Contains(f.Name, "/data/"):
			records[f.Name[strings.LastIndex(f.Name, "/data/")+len("/data/"):]] = f
		case strings.HasSuffix(f.Name, "/constants.pkl"):
			return nil, fmt.Errorf("TorchScript archives: %w", ErrUnsupported)
		}
	}
	if pkl == nil {
		return nil, fmt.Errorf("%w: data.pkl", ErrMissingKey)
	}
	rc, err := pkl.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()

	storages := make(map[string]pytorch.StorageInterface)
	spans := make(map[pytorch.StorageInterface]*storageSpan)
	u := pickle.NewUnpickler(rc)
	u.FindClass = findTorchClass
	u.PersistentLoad = func(id any) (any, error) {
		t, ok := id.(*types.Tuple)
		if !ok || t.Len() < 5 {
			return nil, fmt.Errorf("persistent id %v: want a 5-tuple", id)
		}
		if kind, _ := t.Get(0).(string); kind != "storage" {
			return nil, fmt.Errorf("persistent id %v: want a storage", id)
		}
		class, ok1 := t.Get(1).(pytorch.StorageClassInterface)
		key, ok2 := t.Get(2).(string)
		location, ok3 := t.Get(3).(string)
		n, ok4 := t.Get(4).(int)
		if !ok1 || !ok2 || !ok3 || !ok4 {
			return nil, fmt.Errorf("persistent id %v: unexpected field types", id)
		}
		if s, ok := storages[key]; ok {
			return s, nil
		}
		f, ok := records[key]
		if !ok {
			return nil, fmt.Errorf("%w: storage record data/%s", ErrMissingKey, key)
		}
		if _, ok := class.(*pytorch.FloatStorageClass); ok {
			data, span, ok, err := mem.viewRecord(f, n)
			if err != nil {
				return nil, fmt.Errorf("storage data/%s: %w", key, err)
			}
			if ok {
				s := &pytorch.FloatStorage{BaseStorage: pytorch.BaseStorage{Size: n, Location: location}, Data: data}
				storages[key], spans[s] = s, span
				return s, nil
			}
		}
		rc, err := f.Open()
		if err != nil {
			return nil, err
		}
		defer rc.Close()
		var s pytorch.StorageInterface
		if _, ok := class.(*pytorch.FloatStorageClass); ok {
			data, err := readFloat32s(rc, n)
			if err != nil {
				return nil, fmt.Errorf("storage data/%s: %w", key, err)
			}
			s = &pytorch.FloatStorage{BaseStorage: pytorch.BaseStorage{Size: n, Location: location}, Data: data}
		} else {
			s = class.New(n, location)
			if err := s.SetFromFileWithSize(rc, n); err != nil {
				return nil, fmt.Errorf("storage data/%s: %w", key, err)
			}
		}
		// Copied: the record's bytes are no longer needed.
		if off, err := f.DataOffset(); err == nil && mem != nil {
			mem.release(int(off), int(f.CompressedSize64))
		}
		storages[key] = s
		return s, nil
	}
	obj, err := u.Load()
	if err != nil {
		return nil, fmt.Errorf("data.pkl: %w", err)
	}
	out, err := stateDict(obj, mem, spans)
	if err != nil {
		return nil, err
	}
	for _, s := range spans {
		if s.users == 0 {
			mem.release(s.off, s.n)
		}
	}
	return out, nil
}

// stateDict turns an unpickled state dict into tensors; a contiguous
// float32 tensor whose storage is in spans views it, and mem tracks it.
func stateDict(obj any, mem *weightMem, spans map[pytorch.StorageInterface]*storageSpan) (map[string]*Tensor, error) {
	dict, ok := obj.(*types.OrderedDict)
	if !ok {
		return nil, fmt.Errorf("data.pkl holds %T, want a state dict (OrderedDict)", obj)
	}
	out := make(map[string]*Tensor, dict.Len())
	for e := dict.List.Front(); e != nil; e = e.Next() {
		entry := e.Value.(*types.OrderedDictEntry)
		name, ok := entry.Key.(string)
		if !ok {
			return nil, fmt.Errorf("state dict key %v is no string", entry.Key)
		}
		pt, ok := entry.Value.(*pytorch.Tensor)
		if !ok {
			return nil, fmt.Errorf("%q holds %T, want a tensor", name, entry.Value)
		}
		t, err := denseTensor(pt)
		if err != nil {
			return nil, fmt.Errorf("%q: %w", name, err)
		}
		if s := spans[pt.Source]; s != nil && t.F32 != nil && len(t.F32) > 0 {
			if fs, ok := pt.Source.(*pytorch.FloatStorage); ok && &t.F32[0] == &fs.Data[pt.StorageOffset] {
				mem.track(t, s)
			}
		}
		out[name] = t
	}
	return out, nil
}

func findTorchClass(module, name string) (any, error) {
	switch module + "." + name {
	case "torch._utils._rebuild_tensor_v2":
		return &pytorch.RebuildTensorV2{}, nil
	case "torch.FloatStorage":
		return &pytorch.FloatStorageClass{}, nil
	case "torch.LongStorage":
		return &pytorch.LongStorageClass{}, nil
	case "torch.DoubleStorage", "torch.HalfStorage", "torch.BFloat16Storage", "torch.IntStorage",
		"torch.ShortStorage", "torch.CharStorage", "torch.ByteStorage", "torch.BoolStorage":
		return nil, fmt.Errorf("%s tensors (want float32 or int64): %w", name, ErrUnsupported)
	}
	return nil, fmt.Errorf("pickle class %s.%s: %w", module, name, ErrUnsupported)
}

// denseTensor copies a strided tensor into row-major order, or aliases its
// storage when it is contiguous.
func denseTensor(pt *pytorch.Tensor) (*Tensor, error) {
	t := &Tensor{Shape: append([]int(nil), pt.Size...)}
	n := t.Len()
	if len(pt.Stride) != len(pt.Size) {
		return nil, errors.New("stride and size differ in length")
	}
	// Bounds: the largest element offset must lie inside the storage.
	last := pt.StorageOffset
	for i, d := range pt.Size {
		if d == 0 {
			last = -1
			break
		}
		last += (d - 1) * pt.Stride[i]
	}
	contiguous := true
	step := 1
	for i := len(pt.Size) - 1; i >= 0; i-- {
		if pt.Size[i] != 1 && pt.Stride[i] != step {
			contiguous = false
		}
		step *= pt.Size[i]
	}
	index := func(k int) int { // storage index of row-major element k
		off := pt.StorageOffset
		for i := len(pt.Size) - 1; i >= 0; i-- {
			off += (k % pt.Size[i]) * pt.Stride[i]
			k /= pt.Size[i]
		}
		return off
	}
	switch s := pt.Source.(type) {
	case *pytorch.FloatStorage:
		if last >= len(s.Data) || pt.StorageOffset < 0 {
			return nil, errors.New("tensor exceeds its storage")
		}
		if contiguous {
			t.F32 = s.Data[pt.StorageOffset : pt.StorageOffset+n : pt.StorageOffset+n]
			return t, nil
		}
		t.F32 = make([]float32, n)
		for k := range t.F32 {
			t.F32[k] = s.Data[index(k)]
		}
	case *pytorch.LongStorage:
		if last >= len(s.Data) || pt.StorageOffset < 0 {
			return nil, errors.New("tensor exceeds its storage")
		}
		t.I64 = make([]int64, n)
		for k := range t.I64 {
			t.I64[k] = int64(s.Data[index(k)])
		}
	default:
		return nil, fmt.Errorf("storage %T: %w", pt.Source, ErrUnsupported)
	}
	return t, nil
}

// readFloat32s reads n little-endian float32 values, in blocks: gopickle's
// FloatStorage reads them one at a time, which took 45 s for the 2.2 GB of
// XLM-R large.
func readFloat32s(r io.Reader, n int) ([]float32, error) {
	out := make([]float32, n)
	buf := make([]byte, 1<<20)
	for done := 0; done < n; {
		k := min(n-done, len(buf)/4)
		if _, err := io.ReadFull(r, buf[:4*k]); err != nil {
			return nil, fmt.Errorf("%d of %d values: %w", done, n, err)
		}
		for i := range k {
			out[done+i] = math.Float32frombits(binary.LittleEndian.Uint32(buf[4*i:]))
		}
		done += k
	}
	return out, nil
}
