package baseline

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/nerbench/nerbench/internal/atomicfile"
)

// The model file is gzip-compressed (no name, zero modification time) and
// holds, in order: the magic line, the format version, the provenance as
// JSON, the tag set, the transition weights, the gazetteer, the
// capitalisation counts, the feature weights and the end marker. Integers
// are varints (encoding/binary), strings are a length and their bytes, and
// every list is sorted, so the same model always gives the same bytes.
const (
	magic     = "nerbench baseline model\n"
	endMarker = "end\n"
)

// Errors returned for bad model files, wrapped with detail.
var (
	ErrFormat  = errors.New("not a nerbench baseline model file")
	ErrVersion = errors.New("unsupported model format version")
	ErrCorrupt = errors.New("corrupt model file")
)

// WriteFile writes the model to path atomically.
func (m *Model) WriteFile(path string) error {
	return atomicfile.Write(path, 0o644, func(w io.Writer) error {
		_, err := m.WriteTo(w)
		return err
	})
}

// WriteTo writes the model file to w.
func (m *Model) WriteTo(w io.Writer) (int64, error) {
	data, err := m.compressed()
	if err != nil {
		return 0, err
	}
	n, err := w.Write(data)
	return int64(n), err
}

// compressed returns the bytes of the model file.
func (m *Model) compressed() ([]byte, error) {
	raw, err := m.encode()
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	// The gzip header has no name and a zero modification time, so the
	// output depends on the model only.
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(raw); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

type encoder struct{ b []byte }

func (e *encoder) uint(v uint64) { e.b = binary.AppendUvarint(e.b, v) }
func (e *encoder) int(v int64)   { e.b = binary.AppendVarint(e.b, v) }
func (e *encoder) str(s string)  { e.uint(uint64(len(s))); e.b = append(e.b, s...) }
func (e *encoder) ints(v []int32) {
	for _, x := range v {
		e.int(int64(x))
	}
}

func (e *encoder) gazetteer(gaz map[string]*gazEntry) {
	keys := make([]string, 0, len(gaz))
	for k := range gaz {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	e.uint(uint64(len(keys)))
	for _, k := range keys {
		g := gaz[k]
		e.str(k)
		e.ints(g.types)
		e.int(int64(g.total))
	}
}

func (m *Model) encode() ([]byte, error) {
	e := &encoder{}
	e.b = append(e.b, magic...)
	e.uint(FormatVersion)
	meta, err := json.Marshal(m.prov)
	if err != nil {
		return nil, err
	}
	e.str(string(meta))
	e.uint(uint64(len(m.types)))
	for _, t := range m.types {
		e.str(t)
	}
	e.ints(m.trans)
	e.ints(m.end)

	// Gazetteers and capitalisation counts, sorted by key.
	e.uint(uint64(m.stats.maxLen))
	e.gazetteer(m.stats.gaz)
	e.gazetteer(m.stats.words)
	keys := make([]string, 0, len(m.stats.caps))
	for k := range m.stats.caps {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	e.uint(uint64(len(keys)))
	for _, k := range keys {
		c := m.stats.caps[k]
		e.str(k)
		e.int(int64(c.upper))
		e.int(int64(c.lower))
	}

	// Features in sorted order, each with a bit mask of its nonzero
	// weights and those weights.
	T := len(m.tags)
	names := make([]string, len(m.feats))
	for name, id := range m.feats {
		names[id] = name
	}
	order := make([]int, len(names))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return strings.Compare(names[a], names[b]) })
	e.uint(uint64(len(names)))
	prev := ""
	for _, id := range order {
		name := names[id]
		shared := 0
		for shared < len(prev) && shared < len(name) && prev[shared] == name[shared] {
			shared++
		}
		e.uint(uint64(shared))
		e.str(name[shared:])
		prev = name
		row := m.weights[id*T : id*T+T]
		var mask uint64
		for t, w := range row {
			if w != 0 {
				mask |= 1 << t
			}
		}
		e.uint(mask)
		for _, w := range row {
			if w != 0 {
				e.int(int64(w))
			}
		}
	}
	e.b = append(e.b, endMarker...)
	return e.b, nil
}

// reader reads the uncompressed model file; the first error sticks.
type reader struct {
	b   []byte
	off int
	err error
}

func (r *reader) fail(format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf("%w: byte %d: %s", ErrCorrupt, r.off, fmt.Sprintf(format, args...))
	}
}

func (r *reader) uint() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b[r.off:])
	if n <= 0 {
		r.fail("bad or truncated integer")
		return 0
	}
	r.off += n
	return v
}

func (r *reader) int() int64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Varint(r.b[r.off:])
	if n <= 0 {
		r.fail("bad or truncated integer")
		return 0
	}
	r.off += n
	return v
}

func (r *reader) int32() int32 {
	v := r.int()
	if v < -1<<31 || v >= 1<<31 {
		r.fail("integer %d out of range", v)
		return 0
	}
	return int32(v)
}

// count reads a list length and checks it against what the rest of the
// file could hold, at least min bytes per element.
func (r *reader) count(min int) int {
	v := r.uint()
	if r.err == nil && v > uint64((len(r.b)-r.off)/min) {
		r.fail("list length %d exceeds the file", v)
		return 0
	}
	return int(v)
}

func (r *reader) str() string {
	n := r.count(1)
	if r.err != nil {
		return ""
	}
	s := string(r.b[r.off : r.off+n])
	r.off += n
	return s
}

func (r *reader) ints(n int) []int32 {
	v := make([]int32, n)
	for i := range v {
		v[i] = r.int32()
	}
	return v
}

func (r *reader) gazetteer(nTypes int) map[string]*gazEntry {
	n := r.count(2 + nTypes)
	gaz := make(map[string]*gazEntry, n)
	for range n {
		k := r.str()
		gaz[k] = &gazEntry{types: r.ints(nTypes), total: r.int32()}
	}
	return gaz
}

// decode parses a compressed model file.
func decode(data []byte) (*Model, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrFormat, err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("%w: truncated or damaged compressed data: %w", ErrCorrupt, err)
	}
	if !bytes.HasPrefix(raw, []byte(magic)) {
		return nil, ErrFormat
	}
	r := &reader{b: raw, off: len(magic)}
	if v := r.uint(); r.err == nil && v != FormatVersion {
		return nil, fmt.Errorf("%w: file has version %d, this nerbench reads version %d", ErrVersion, v, FormatVersion)
	}
	m := &Model{}
	meta := r.str()
	if r.err == nil {
		if err := json.Unmarshal([]byte(meta), &m.prov); err != nil {
			return nil, fmt.Errorf("%w: provenance: %w", ErrCorrupt, err)
		}
	}
	nTypes := r.count(1)
	for range nTypes {
		m.types = append(m.types, r.str())
	}
	if r.err != nil {
		return nil, r.err
	}
	if !slices.IsSorted(m.types) || len(m.types) > 31 {
		r.fail("entity types not sorted or too many")
		return nil, r.err
	}
	m.tags, m.allowed = newTagSet(m.types)
	T := len(m.tags)
	m.trans = r.ints((T + 1) * T)
	m.end = r.ints(T)

	st := &stats{types: m.types, caps: map[string]capCount{}}
	st.maxLen = int(r.count(1))
	st.gaz = r.gazetteer(nTypes)
	st.words = r.gazetteer(nTypes)
	nCaps := r.count(3)
	for range nCaps {
		k := r.str()
		st.caps[k] = capCount{upper: r.int32(), lower: r.int32()}
	}
	m.stats = st

	nFeat := r.count(3)
	m.feats = make(map[string]int32, nFeat)
	m.weights = make([]int32, nFeat*T)
	prev := ""
	for i := range nFeat {
		shared := r.uint()
		if r.err == nil && shared > uint64(len(prev)) {
			r.fail("feature %d shares %d bytes with a shorter name", i, shared)
		}
		if r.err != nil {
			return nil, r.err
		}
		name := prev[:shared] + r.str()
		mask := r.uint()
		if r.err == nil && mask>>T != 0 {
			r.fail("feature %q has weights for tags beyond %d", name, T)
		}
		for t := range T {
			if mask&(1<<t) != 0 {
				m.weights[i*T+t] = r.int32()
			}
		}
		if r.err != nil {
			return nil, r.err
		}
		m.feats[name] = int32(i)
		prev = name
	}
	if r.err != nil {
		return nil, r.err
	}
	if !bytes.Equal(raw[r.off:], []byte(endMarker)) {
		return nil, fmt.Errorf("%w: missing end marker after byte %d", ErrCorrupt, r.off)
	}
	return m, nil
}
