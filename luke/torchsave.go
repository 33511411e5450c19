package luke

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"sort"
	"time"

	"github.com/nerbench/nerbench/internal/atomicfile"
)

// WriteTorchPickle writes tensors as torch.save writes a state dict in the
// zip format of PyTorch 1.6 and later, readable by torch.load and by
// ReadTorchPickle: archive/data.pkl (a protocol-2 pickle of an OrderedDict,
// in name order, of torch._utils._rebuild_tensor_v2 calls), archive/data/<n>
// (each tensor's own contiguous little-endian storage; tied tensors are
// written twice) and archive/version. Entries are stored uncompressed, and
// the storages start at multiples of 64 bytes, padded as torch.save pads
// them (an extra field "FB"), so that readers can use them in place.
func WriteTorchPickle(w io.Writer, tensors map[string]*Tensor) error {
	names := make([]string, 0, len(tensors))
	for k := range tensors {
		names = append(names, k)
	}
	sort.Strings(names)
	var p pickler
	p.op(0x80, 2) // PROTO 2
	p.global("collections", "OrderedDict")
	p.op(')', 'R') // EMPTY_TUPLE, REDUCE
	p.op('(')      // MARK
	for i, k := range names {
		t := tensors[k]
		if t.Len() != len(t.F32)+len(t.I64) || (t.F32 != nil) == (t.I64 != nil) {
			return fmt.Errorf("tensor %q: data does not match shape %v", k, t.Shape)
		}
		storage := "FloatStorage"
		if t.I64 != nil {
			storage = "LongStorage"
		}
		p.str(k)
		p.global("torch._utils", "_rebuild_tensor_v2")
		p.op('(') // the arguments
		p.op('(') // the persistent id
		p.str("storage")
		p.global("torch", storage)
		p.str(fmt.Sprint(i))
		p.str("cpu")
		p.int(t.Len())
		p.op('t', 'Q') // TUPLE, BINPERSID
		p.int(0)       // storage offset
		p.op('(')
		for _, d := range t.Shape {
			p.int(d)
		}
		p.op('t', '(')
		stride := 1
		strides := make([]int, len(t.Shape))
		for j := len(t.Shape) - 1; j >= 0; j-- {
			strides[j] = stride
			stride *= t.Shape[j]
		}
		for _, s := range strides {
			p.int(s)
		}
		p.op('t', 0x89) // TUPLE, NEWFALSE (requires_grad)
		p.global("collections", "OrderedDict")
		p.op(')', 'R', 't', 'R') // backward hooks; TUPLE of the arguments; REDUCE
	}
	p.op('u', '.') // SETITEMS, STOP

	cw := &countWriter{w: w}
	zw := zip.NewWriter(cw)
	put := func(name string, data []byte) error {
		h := &zip.FileHeader{Name: name, Method: zip.Store, CRC32: crc32.ChecksumIEEE(data),
			CompressedSize64: uint64(len(data)), UncompressedSize64: uint64(len(data)),
			Modified: time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)}
		if err := zw.Flush(); err != nil {
			return err
		}
		// The data follows the 30-byte local header, the name and the
		// extra field (4 bytes of id and size, then the padding).
		pad := (storageAlign - (cw.n+30+int64(len(name))+4)%storageAlign) % storageAlign
		h.Extra = binary.LittleEndian.AppendUint16([]byte("FB"), uint16(pad))
		h.Extra = append(h.Extra, make([]byte, pad)...)
		fw, err := zw.CreateRaw(h)
		if err != nil {
			return err
		}
		_, err = fw.Write(data)
		return err
	}
	if err := put("archive/data.pkl", p.buf.Bytes()); err != nil {
		return err
	}
	for i, k := range names {
		t := tensors[k]
		var data []byte
		if t.F32 != nil {
			data = make([]byte, 4*len(t.F32))
			for j, v := range t.F32 {
				binary.LittleEndian.PutUint32(data[4*j:], math.Float32bits(v))
			}
		} else {
			data = make([]byte, 8*len(t.I64))
			for j, v := range t.I64 {
				binary.LittleEndian.PutUint64(data[8*j:], uint64(v))
			}
		}
		if err := put(fmt.Sprintf("archive/data/%d", i), data); err != nil {
			return err
		}
	}
	if err := put("archive/version", []byte("3\n")); err != nil {
		return err
	}
	return zw.Close()
}

// storageAlign is the alignment torch.save gives the storages of its zip
// format (caffe2's PyTorchStreamWriter, kFieldAlignment).
const storageAlign = 64

// countWriter counts the bytes written through it.
type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// pickler writes the few pickle opcodes WriteTorchPickle needs.
type pickler struct{ buf bytes.Buffer }

func (p *pickler) op(ops ...byte) { p.buf.Write(ops) }

func (p *pickler) global(module, name string) {
	p.buf.WriteByte('c')
	p.buf.WriteString(module + "\n" + name + "\n")
}

func (p *pickler) str(s string) {
	p.buf.WriteByte('X') // BINUNICODE
	var n [4]byte
	binary.LittleEndian.PutUint32(n[:], uint32(len(s)))
	p.buf.Write(n[:])
	p.buf.WriteString(s)
}

func (p *pickler) int(v int) {
	if v >= math.MinInt32 && v <= math.MaxInt32 {
		p.buf.WriteByte('J') // BININT
		var n [4]byte
		binary.LittleEndian.PutUint32(n[:], uint32(int32(v)))
		p.buf.Write(n[:])
		return
	}
	p.buf.Write([]byte{0x8a, 8}) // LONG1 of 8 bytes
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], uint64(v))
	p.buf.Write(n[:])
}

// WriteArchive writes ck in the released archive format (spec §5.1): a
// .tar.gz with entity-vocab.json, metadata.json and model.bin at its root.
// metadata.json holds ck.Metadata.Raw when set, else the Metadata fields.
// The file is replaced atomically.
func WriteArchive(file string, ck *Checkpoint) error {
	var meta any = ck.Metadata
	if ck.Metadata.Raw != nil {
		meta = ck.Metadata.Raw
	}
	metaJSON, err := json.MarshalIndent(meta, "", "  ")
	if err != nil {
		return err
	}
	vocab := make(map[string]map[string]int, len(ck.EntityVocab))
	for title, id := range ck.EntityVocab {
		vocab[title] = map[string]int{"id": id, "count": 0}
	}
	vocabJSON, err := json.Marshal(vocab)
	if err != nil {
		return err
	}
	var model bytes.Buffer
	if err := WriteTorchPickle(&model, ck.Tensors); err != nil {
		return err
	}
	return atomicfile.Write(file, 0o644, func(w io.Writer) error {
		gz := gzip.NewWriter(w)
		tw := tar.NewWriter(gz)
		for _, m := range []struct {
			name string
			data []byte
		}{{memberEntityVocab, vocabJSON}, {memberMetadata, metaJSON}, {memberModel, model.Bytes()}} {
			h := &tar.Header{Name: m.name, Mode: 0o644, Size: int64(len(m.data)), Typeflag: tar.TypeReg,
				ModTime: time.Unix(0, 0).UTC(), Format: tar.FormatPAX}
			if err := tw.WriteHeader(h); err != nil {
				return err
			}
			if _, err := tw.Write(m.data); err != nil {
				return err
			}
		}
		if err := tw.Close(); err != nil {
			return err
		}
		return gz.Close()
	})
}
