package luke

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"sort"

	"github.com/nerbench/nerbench/internal/atomicfile"
)

// The safetensors format (https://github.com/huggingface/safetensors): an
// 8-byte little-endian header length N, N bytes of JSON mapping each tensor
// name to {"dtype", "shape", "data_offsets": [begin, end]} (offsets relative
// to the end of the header) plus an optional "__metadata__" object of
// strings, then the raw little-endian data.

// Metadata keys under which SaveSafetensors stores a checkpoint's
// non-tensor parts.
const (
	safetensorsFormat      = "nerbench-daluke"
	safetensorsKeyFormat   = "format"
	safetensorsKeyMetadata = "metadata.json"
	safetensorsKeyEntities = "entity-vocab.json"
)

// maxSafetensorsHeader bounds the JSON header, which holds the entity
// vocabulary of a saved checkpoint (about 10 MB for the released models).
const maxSafetensorsHeader = 256 << 20

type safetensorsEntry struct {
	DType       string   `json:"dtype"`
	Shape       []int    `json:"shape"`
	DataOffsets [2]int64 `json:"data_offsets"`
}

// WriteSafetensors writes tensors and string metadata in the safetensors
// format, tensors in name order.
func WriteSafetensors(w io.Writer, tensors map[string]*Tensor, meta map[string]string) error {
	names := make([]string, 0, len(tensors))
	for k := range tensors {
		names = append(names, k)
	}
	sort.Strings(names)
	header := make(map[string]any, len(names)+1)
	if len(meta) > 0 {
		header["__metadata__"] = meta
	}
	var off int64
	for _, k := range names {
		t := tensors[k]
		e := safetensorsEntry{Shape: t.Shape}
		if e.Shape == nil {
			e.Shape = []int{}
		}
		switch {
		case t.F32 != nil && t.I64 == nil && len(t.F32) == t.Len():
			e.DType = "F32"
			e.DataOffsets = [2]int64{off, off + 4*int64(len(t.F32))}
		case t.I64 != nil && t.F32 == nil && len(t.I64) == t.Len():
			e.DType = "I64"
			e.DataOffsets = [2]int64{off, off + 8*int64(len(t.I64))}
		default:
			return fmt.Errorf("tensor %q: data does not match shape %v", k, t.Shape)
		}
		off = e.DataOffsets[1]
		header[k] = e
	}
	js, err := json.Marshal(header)
	if err != nil {
		return err
	}
	for len(js)%8 != 0 {
		js = append(js, ' ')
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	if err := binary.Write(bw, binary.LittleEndian, uint64(len(js))); err != nil {
		return err
	}
	if _, err := bw.Write(js); err != nil {
		return err
	}
	var buf [8]byte
	for _, k := range names {
		t := tensors[k]
		for _, v := range t.F32 {
			binary.LittleEndian.PutUint32(buf[:4], math.Float32bits(v))
			bw.Write(buf[:4])
		}
		for _, v := range t.I64 {
			binary.LittleEndian.PutUint64(buf[:], uint64(v))
			bw.Write(buf[:])
		}
	}
	return bw.Flush()
}

// safetensorsItem is one tensor of a safetensors header, its element size
// in bytes (4 for F32, 8 for I64) and its tensor, shape set.
type safetensorsItem struct {
	name string
	e    safetensorsEntry
	size int64
	t    *Tensor
}

// readSafetensorsHeader reads the header length and the header, and checks
// that the tensors are F32 or I64 and lie one after the other in offset
// order, which it returns them in.
func readSafetensorsHeader(r io.Reader) ([]safetensorsItem, map[string]string, error) {
	var n uint64
	if err := binary.Read(r, binary.LittleEndian, &n); err != nil {
		return nil, nil, fmt.Errorf("header length: %w", err)
	}
	if n > maxSafetensorsHeader {
		return nil, nil, fmt.Errorf("header of %d bytes: over the limit of %d", n, maxSafetensorsHeader)
	}
	js := make([]byte, n)
	if _, err := io.ReadFull(r, js); err != nil {
		return nil, nil, fmt.Errorf("header: %w", err)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(js, &raw); err != nil {
		return nil, nil, fmt.Errorf("header: %w", err)
	}
	var meta map[string]string
	if m, ok := raw["__metadata__"]; ok {
		if err := json.Unmarshal(m, &meta); err != nil {
			return nil, nil, fmt.Errorf("__metadata__: %w", err)
		}
		delete(raw, "__metadata__")
	}
	items := make([]safetensorsItem, 0, len(raw))
	for k, v := range raw {
		var e safetensorsEntry
		if err := json.Unmarshal(v, &e); err != nil {
			return nil, nil, fmt.Errorf("tensor %q: %w", k, err)
		}
		items = append(items, safetensorsItem{name: k, e: e})
	}
	sort.Slice(items, func(i, j int) bool { return items[i].e.DataOffsets[0] < items[j].e.DataOffsets[0] })
	var pos int64
	for i := range items {
		it := &items[i]
		it.t = &Tensor{Shape: it.e.Shape}
		it.size = map[string]int64{"F32": 4, "I64": 8}[it.e.DType]
		if it.size == 0 {
			return nil, nil, fmt.Errorf("tensor %q: dtype %s: %w", it.name, it.e.DType, ErrUnsupported)
		}
		for _, d := range it.t.Shape {
			if d < 0 {
				return nil, nil, fmt.Errorf("tensor %q: negative dimension in %v", it.name, it.t.Shape)
			}
		}
		if it.e.DataOffsets[0] != pos || it.e.DataOffsets[1]-it.e.DataOffsets[0] != it.size*int64(it.t.Len()) {
			return nil, nil, fmt.Errorf("tensor %q: data_offsets %v do not follow the previous tensor at %d or fit shape %v",
				it.name, it.e.DataOffsets, pos, it.t.Shape)
		}
		pos = it.e.DataOffsets[1]
	}
	return items, meta, nil
}

// ReadSafetensors reads a safetensors file of F32 and I64 tensors.
func ReadSafetensors(r io.Reader) (map[string]*Tensor, map[string]string, error) {
	items, meta, err := readSafetensorsHeader(r)
	if err != nil {
		return nil, nil, err
	}
	br := bufio.NewReaderSize(r, 1<<20)
	tensors := make(map[string]*Tensor, len(items))
	for _, it := range items {
		t := it.t
		var buf [8]byte
		if it.size == 4 {
			t.F32 = make([]float32, t.Len())
			for i := range t.F32 {
				if _, err := io.ReadFull(br, buf[:4]); err != nil {
					return nil, nil, fmt.Errorf("tensor %q: %w", it.name, err)
				}
				t.F32[i] = math.Float32frombits(binary.LittleEndian.Uint32(buf[:4]))
			}
		} else {
			t.I64 = make([]int64, t.Len())
			for i := range t.I64 {
				if _, err := io.ReadFull(br, buf[:]); err != nil {
					return nil, nil, fmt.Errorf("tensor %q: %w", it.name, err)
				}
				t.I64[i] = int64(binary.LittleEndian.Uint64(buf[:]))
			}
		}
		tensors[it.name] = t
	}
	if _, err := br.ReadByte(); !errors.Is(err, io.EOF) {
		return nil, nil, errors.New("data continues after the last tensor")
	}
	return tensors, meta, nil
}

// mapSafetensors reads a safetensors file as ReadSafetensors does, from
// mem, the file's bytes: float32 tensors that are aligned view mem (one
// storageSpan each), the others are copied, and the header's pages are
// handed back once parsed.
func mapSafetensors(mem *weightMem) (map[string]*Tensor, map[string]string, error) {
	r := bytes.NewReader(mem.b)
	items, meta, err := readSafetensorsHeader(r)
	if err != nil {
		return nil, nil, err
	}
	start := len(mem.b) - r.Len()
	mem.release(0, start)
	tensors := make(map[string]*Tensor, len(items))
	var end int64
	for _, it := range items {
		t := it.t
		lo, hi := int64(start)+it.e.DataOffsets[0], int64(start)+it.e.DataOffsets[1]
		if hi > int64(len(mem.b)) {
			return nil, nil, fmt.Errorf("tensor %q: %w", it.name, io.ErrUnexpectedEOF)
		}
		data := mem.b[lo:hi]
		end = hi
		switch {
		case it.size == 8:
			t.I64 = make([]int64, t.Len())
			for i := range t.I64 {
				t.I64[i] = int64(binary.LittleEndian.Uint64(data[8*i:]))
			}
		default:
			if v, ok := mem.viewFloat32s(int(lo), t.Len()); ok {
				t.F32 = v
				mem.track(t, &storageSpan{off: int(lo), n: len(data)})
				break
			}
			t.F32 = make([]float32, t.Len())
			for i := range t.F32 {
				t.F32[i] = math.Float32frombits(binary.LittleEndian.Uint32(data[4*i:]))
			}
		}
		if mem.spans[t] == nil {
			mem.release(int(lo), len(data))
		}
		tensors[it.name] = t
	}
	if len(items) == 0 {
		end = int64(start)
	}
	if end != int64(len(mem.b)) {
		return nil, nil, errors.New("data continues after the last tensor")
	}
	return tensors, meta, nil
}

// SaveSafetensors writes a checkpoint as one safetensors file: the tensors,
// with metadata.json and entity-vocab.json stored as strings in the
// header's __metadata__. Unlike model.bin it needs no pickle reader and no
// particular PyTorch version. The file is replaced atomically.
func SaveSafetensors(file string, ck *Checkpoint) error {
	var metaJSON []byte
	var err error
	if ck.Metadata.Raw != nil {
		metaJSON, err = json.Marshal(ck.Metadata.Raw)
	} else {
		metaJSON, err = json.Marshal(ck.Metadata)
	}
	if err != nil {
		return err
	}
	vocab := make(map[string]map[string]int, len(ck.EntityVocab))
	for title, id := range ck.EntityVocab {
		vocab[title] = map[string]int{"id": id}
	}
	vocabJSON, err := json.Marshal(vocab)
	if err != nil {
		return err
	}
	meta := map[string]string{
		safetensorsKeyFormat:   safetensorsFormat,
		safetensorsKeyMetadata: string(metaJSON),
		safetensorsKeyEntities: string(vocabJSON),
	}
	return atomicfile.Write(file, 0o644, func(w io.Writer) error {
		return WriteSafetensors(w, ck.Tensors, meta)
	})
}

// LoadSafetensors reads a checkpoint written by SaveSafetensors and checks it
// as ReadArchive does.
func LoadSafetensors(file string) (*Checkpoint, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	tensors, meta, err := ReadSafetensors(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return safetensorsCheckpoint(file, tensors, meta)
}

// OpenSafetensors is LoadSafetensors with the file read into memory
// outside the Go heap (an anonymous mapping, on Linux) and the float32
// tensors viewing it. The caller must Close the checkpoint or hand it to
// MoveToModel (see OpenArchive).
func OpenSafetensors(file string) (ck *Checkpoint, err error) {
	mem, err := readFileMemory(file)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			mem.close()
		}
	}()
	tensors, meta, err := mapSafetensors(mem)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if ck, err = safetensorsCheckpoint(file, tensors, meta); err != nil {
		return nil, err
	}
	ck.mem = mem
	return ck, nil
}

// safetensorsCheckpoint checks the tensors and metadata of a file written
// by SaveSafetensors.
func safetensorsCheckpoint(file string, tensors map[string]*Tensor, meta map[string]string) (*Checkpoint, error) {
	if meta[safetensorsKeyFormat] != safetensorsFormat {
		return nil, fmt.Errorf("%s: __metadata__ %q is %q, want %q", file, safetensorsKeyFormat,
			meta[safetensorsKeyFormat], safetensorsFormat)
	}
	for _, k := range []string{safetensorsKeyMetadata, safetensorsKeyEntities} {
		if _, ok := meta[k]; !ok {
			return nil, fmt.Errorf("%s: __metadata__: %w %q", file, ErrMissingKey, k)
		}
	}
	m, err := ParseMetadata([]byte(meta[safetensorsKeyMetadata]))
	if err != nil {
		return nil, fmt.Errorf("%s: %s: %w", file, safetensorsKeyMetadata, err)
	}
	vocab, err := ParseEntityVocab([]byte(meta[safetensorsKeyEntities]))
	if err != nil {
		return nil, fmt.Errorf("%s: %s: %w", file, safetensorsKeyEntities, err)
	}
	ck, err := NewCheckpoint(m, vocab, tensors)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return ck, nil
}
