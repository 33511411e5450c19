package flair

import (
	"archive/zip"
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"os"
	"strings"
	"unsafe"

	"github.com/nlpodyssey/gopickle/pickle"
	"github.com/nlpodyssey/gopickle/types"
)

// object is an instance of a Python class the reader does not special-case
// (flair, gensim and torch.nn classes): its class and its __dict__, filled
// by BUILD. gopickle's GenericObject does not accept BUILD.
type object struct {
	Module, Name string
	Args         []any
	Dict         map[string]any
}

func (o *object) class() string { return o.Module + "." + o.Name }

// PySetState implements BUILD: a dict, or a (dict, slots) pair, of attributes.
func (o *object) PySetState(state any) error {
	var slots any
	if t, ok := state.(*types.Tuple); ok && t.Len() == 2 {
		state, slots = t.Get(0), t.Get(1)
	}
	for _, s := range []any{state, slots} {
		switch d := s.(type) {
		case nil:
		case *types.Dict:
			for _, e := range *d {
				k, ok := e.Key.(string)
				if !ok {
					return fmt.Errorf("%s: attribute name %v is no string", o.class(), e.Key)
				}
				o.Dict[k] = e.Value
			}
		default:
			return fmt.Errorf("%s: BUILD state %T, want a dict", o.class(), s)
		}
	}
	return nil
}

// PyDictSet lets SETITEMS-free dict updates through (unused by BUILD here).
func (o *object) PyDictSet(key, value any) error {
	k, ok := key.(string)
	if !ok {
		return fmt.Errorf("%s: attribute name %v is no string", o.class(), key)
	}
	o.Dict[k] = value
	return nil
}

// class is a Python class the reader builds objects of.
type class struct{ Module, Name string }

func (c *class) PyNew(args ...any) (any, error) {
	return &object{Module: c.Module, Name: c.Name, Args: args, Dict: map[string]any{}}, nil
}

func (c *class) Call(args ...any) (any, error) { return c.PyNew(args...) }

// ndarray is a numpy array rebuilt by numpy.core.multiarray._reconstruct and
// BUILD((version, shape, dtype, is_fortran, rawdata)).
type ndarray struct {
	Shape   []int
	Dtype   *dtype
	Fortran bool
	Raw     []byte
}

func (a *ndarray) PySetState(state any) error {
	t, ok := state.(*types.Tuple)
	if !ok || t.Len() != 5 {
		return fmt.Errorf("numpy.ndarray: BUILD state %T, want a 5-tuple", state)
	}
	shape, ok := t.Get(1).(*types.Tuple)
	if !ok {
		return fmt.Errorf("numpy.ndarray: shape %T, want a tuple", t.Get(1))
	}
	for _, d := range *shape {
		n, ok := d.(int)
		if !ok || n < 0 {
			return fmt.Errorf("numpy.ndarray: bad dimension %v", d)
		}
		a.Shape = append(a.Shape, n)
	}
	if a.Dtype, ok = t.Get(2).(*dtype); !ok {
		return fmt.Errorf("numpy.ndarray: dtype %T, want numpy.dtype", t.Get(2))
	}
	a.Fortran, _ = t.Get(3).(bool)
	switch raw := t.Get(4).(type) {
	case []byte:
		a.Raw = raw
	case string: // protocol 2 files store the data as a latin-1 str
		a.Raw = []byte(raw)
	default:
		return fmt.Errorf("numpy.ndarray: data %T, want bytes (object arrays are not supported)", raw)
	}
	return nil
}

// float32s returns the array's data as row-major float32, reinterpreting
// the raw bytes in place on little-endian hosts so that the 375 MB vector
// matrix of the released model is never held twice.
func (a *ndarray) float32s() ([]float32, error) {
	if a.Dtype == nil || a.Dtype.code() != "<f4" {
		code := "?"
		if a.Dtype != nil {
			code = a.Dtype.code()
		}
		return nil, fmt.Errorf("dtype %s, want float32 (<f4)", code)
	}
	n := 1
	for _, d := range a.Shape {
		n *= d
	}
	if a.Fortran && len(a.Shape) > 1 && n > 0 {
		return nil, errors.New("Fortran-ordered array, want C order")
	}
	if len(a.Raw) != 4*n {
		return nil, fmt.Errorf("%d data bytes for shape %v, want %d", len(a.Raw), a.Shape, 4*n)
	}
	if n == 0 {
		return []float32{}, nil
	}
	if littleEndian && uintptr(unsafe.Pointer(&a.Raw[0]))%4 == 0 {
		out := unsafe.Slice((*float32)(unsafe.Pointer(&a.Raw[0])), n)
		a.Raw = nil
		return out, nil
	}
	out := make([]float32, n)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(a.Raw[4*i:]))
	}
	a.Raw = nil
	return out, nil
}

var littleEndian = func() bool {
	x := uint16(1)
	return *(*byte)(unsafe.Pointer(&x)) == 1
}()

// dtype is numpy.dtype(name, align, copy) + BUILD((3, order, ...)).
type dtype struct {
	Name  string
	Order string
}

func (d *dtype) PySetState(state any) error {
	t, ok := state.(*types.Tuple)
	if !ok || t.Len() < 2 {
		return fmt.Errorf("numpy.dtype: BUILD state %T, want a tuple", state)
	}
	d.Order, _ = t.Get(1).(string)
	return nil
}

func (d *dtype) code() string {
	order := d.Order
	if order == "|" || order == "=" {
		order = "<"
	}
	return order + d.Name
}

type dtypeClass struct{}

func (dtypeClass) Call(args ...any) (any, error) {
	if len(args) < 1 {
		return nil, errors.New("numpy.dtype: no arguments")
	}
	name, ok := args[0].(string)
	if !ok {
		return nil, fmt.Errorf("numpy.dtype: name %T, want a str", args[0])
	}
	return &dtype{Name: name, Order: "<"}, nil
}

type reconstruct struct{}

func (reconstruct) Call(args ...any) (any, error) { return &ndarray{}, nil }

// ndarrayClass is numpy.ndarray, passed to _reconstruct as an argument.
type ndarrayClass struct{}

// defaultdictClass builds a plain dict (default_factory is irrelevant here).
type defaultdictClass struct{}

func (defaultdictClass) Call(args ...any) (any, error) { return types.NewDict(), nil }

// builtinType is a builtin type passed as a value (defaultdict(int)).
type builtinType struct{ Name string }

// codecsEncode is _codecs.encode(str, "latin1"), how protocol 2 stores bytes.
type codecsEncode struct{}

func (codecsEncode) Call(args ...any) (any, error) {
	if len(args) != 2 {
		return nil, errors.New("_codecs.encode: want 2 arguments")
	}
	s, ok := args[0].(string)
	if !ok {
		return nil, fmt.Errorf("_codecs.encode: %T, want a str", args[0])
	}
	if enc, _ := args[1].(string); enc != "latin1" && enc != "latin-1" {
		return nil, fmt.Errorf("_codecs.encode: encoding %q, want latin1", args[1])
	}
	b := make([]byte, 0, len(s))
	for _, r := range s {
		if r > 255 {
			return nil, errors.New("_codecs.encode: character outside latin-1")
		}
		b = append(b, byte(r))
	}
	return b, nil
}

// storageType is a torch storage class (torch.FloatStorage...).
type storageType struct {
	Name    string
	Size    int // bytes per element
	Float32 bool
}

// storage is one torch storage: its data, read after the pickle (legacy
// format) or from its zip record.
type storage struct {
	Type  *storageType
	Key   string
	Numel int
	F32   []float32
	Read  bool
}

// tensor is a torch tensor rebuilt by torch._utils._rebuild_tensor_v2.
type tensor struct {
	Storage *storage
	Offset  int
	Shape   []int
	Stride  []int
}

type rebuildTensor struct{}

func (rebuildTensor) Call(args ...any) (any, error) {
	if len(args) < 4 {
		return nil, fmt.Errorf("_rebuild_tensor_v2: %d arguments, want at least 4", len(args))
	}
	s, ok := args[0].(*storage)
	if !ok {
		return nil, fmt.Errorf("_rebuild_tensor_v2: storage %T", args[0])
	}
	off, ok := args[1].(int)
	if !ok {
		return nil, fmt.Errorf("_rebuild_tensor_v2: offset %T", args[1])
	}
	shape, err := intTuple(args[2])
	if err != nil {
		return nil, fmt.Errorf("_rebuild_tensor_v2: size: %w", err)
	}
	stride, err := intTuple(args[3])
	if err != nil {
		return nil, fmt.Errorf("_rebuild_tensor_v2: stride: %w", err)
	}
	if len(shape) != len(stride) {
		return nil, errors.New("_rebuild_tensor_v2: size and stride differ in length")
	}
	return &tensor{Storage: s, Offset: off, Shape: shape, Stride: stride}, nil
}

// rebuildParameter is torch._utils._rebuild_parameter(data, requires_grad,
// hooks): the parameter is its tensor.
type rebuildParameter struct{}

func (rebuildParameter) Call(args ...any) (any, error) {
	if len(args) < 1 {
		return nil, errors.New("_rebuild_parameter: no arguments")
	}
	return args[0], nil
}

func intTuple(v any) ([]int, error) {
	t, ok := v.(*types.Tuple)
	if !ok {
		return nil, fmt.Errorf("%T, want a tuple", v)
	}
	out := make([]int, t.Len())
	for i := range out {
		n, ok := t.Get(i).(int)
		if !ok {
			return nil, fmt.Errorf("element %d is %T, want an int", i, t.Get(i))
		}
		out[i] = n
	}
	return out, nil
}

// findClass resolves the globals of a Flair model pickle. Classes of the
// flair, gensim and torch.nn modules become objects; anything else is
// rejected with its name.
func findClass(module, name string) (any, error) {
	full := module + "." + name
	switch full {
	case "torch._utils._rebuild_tensor_v2":
		return rebuildTensor{}, nil
	case "torch._utils._rebuild_parameter":
		return rebuildParameter{}, nil
	case "torch.FloatStorage":
		return &storageType{Name: name, Size: 4, Float32: true}, nil
	case "torch.LongStorage", "torch.DoubleStorage":
		return &storageType{Name: name, Size: 8}, nil
	case "torch.IntStorage":
		return &storageType{Name: name, Size: 4}, nil
	case "torch.HalfStorage", "torch.BFloat16Storage", "torch.ShortStorage":
		return &storageType{Name: name, Size: 2}, nil
	case "torch.CharStorage", "torch.ByteStorage", "torch.BoolStorage":
		return &storageType{Name: name, Size: 1}, nil
	case "numpy.core.multiarray._reconstruct", "numpy._core.multiarray._reconstruct":
		return reconstruct{}, nil
	case "numpy.ndarray":
		return ndarrayClass{}, nil
	case "numpy.dtype":
		return dtypeClass{}, nil
	case "collections.defaultdict":
		return defaultdictClass{}, nil
	case "builtins.int", "builtins.float", "builtins.str", "builtins.list":
		return builtinType{Name: name}, nil
	case "_codecs.encode":
		return codecsEncode{}, nil
	case "builtins.set":
		return &class{Module: module, Name: name}, nil
	}
	for _, p := range []string{"flair.", "gensim.", "torch.nn.modules.", "torch.nn.parameter."} {
		if strings.HasPrefix(full, p) {
			return &class{Module: module, Name: name}, nil
		}
	}
	return nil, fmt.Errorf("%w: %s", ErrUnknownClass, full)
}

// readTorchFile reads a torch.save file in the zip format (torch ≥ 1.6) or
// the legacy format, and returns the unpickled object. Every storage's data
// is read.
func readTorchFile(path string) (any, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var magic [4]byte
	if _, err := io.ReadFull(f, magic[:]); err != nil {
		return nil, fmt.Errorf("%s: %w: %v", path, ErrFormat, err)
	}
	if string(magic[:]) == "PK\x03\x04" {
		fi, err := f.Stat()
		if err != nil {
			return nil, err
		}
		obj, err := readZip(f, fi.Size())
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return obj, nil
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	obj, err := readLegacy(bufio.NewReaderSize(f, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return obj, nil
}

// legacyMagic is torch's magic number for the pre-1.6 format.
var legacyMagic, _ = new(big.Int).SetString("1950a86a20f9469cfc6c", 16)

func unpickleOne(r *bufio.Reader) (any, error) {
	u := pickle.NewUnpickler(r)
	return u.Load()
}

func readLegacy(r *bufio.Reader) (any, error) {
	m, err := unpickleOne(r)
	if err != nil {
		return nil, fmt.Errorf("%w: magic number: %v", ErrFormat, err)
	}
	if b, ok := m.(*big.Int); !ok || b.Cmp(legacyMagic) != 0 {
		return nil, fmt.Errorf("%w: not a torch.save file (no zip header, no legacy magic number)", ErrFormat)
	}
	v, err := unpickleOne(r)
	if err != nil {
		return nil, fmt.Errorf("%w: protocol version: %v", ErrFormat, err)
	}
	if n, ok := v.(int); !ok || n != 1001 {
		return nil, fmt.Errorf("%w: legacy protocol version %v, want 1001", ErrFormat, v)
	}
	if _, err := unpickleOne(r); err != nil { // sys_info
		return nil, fmt.Errorf("%w: sys_info: %v", ErrFormat, err)
	}
	storages := map[string]*storage{}
	u := pickle.NewUnpickler(r)
	u.FindClass = findClass
	u.PersistentLoad = func(id any) (any, error) {
		// Legacy files persist each nn.Module class once as
		// ('module', class, source_file, source).
		if t, ok := id.(*types.Tuple); ok && t.Len() >= 2 && t.Get(0) == "module" {
			return t.Get(1), nil
		}
		s, err := persistentStorage(id, storages)
		if err != nil {
			return nil, err
		}
		return s, nil
	}
	obj, err := u.Load()
	if err != nil {
		return nil, err
	}
	keysObj, err := unpickleOne(r)
	if err != nil {
		return nil, fmt.Errorf("%w: storage keys: %v", ErrFormat, err)
	}
	keys, ok := keysObj.(*types.List)
	if !ok {
		return nil, fmt.Errorf("%w: storage keys %T, want a list", ErrFormat, keysObj)
	}
	for _, k := range *keys {
		key, ok := k.(string)
		if !ok {
			return nil, fmt.Errorf("%w: storage key %v is no string", ErrFormat, k)
		}
		s, ok := storages[key]
		if !ok {
			return nil, fmt.Errorf("%w: storage %s listed but never referenced", ErrFormat, key)
		}
		var hdr [8]byte
		if _, err := io.ReadFull(r, hdr[:]); err != nil {
			return nil, fmt.Errorf("%w: storage %s: %v", ErrFormat, key, err)
		}
		if n := int64(binary.LittleEndian.Uint64(hdr[:])); n != int64(s.Numel) {
			return nil, fmt.Errorf("%w: storage %s holds %d elements, the pickle says %d", ErrFormat, key, n, s.Numel)
		}
		if err := s.readData(r); err != nil {
			return nil, fmt.Errorf("storage %s: %w", key, err)
		}
	}
	return obj, nil
}

func readZip(r io.ReaderAt, size int64) (any, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	var pkl *zip.File
	records := map[string]*zip.File{}
	for _, f := range zr.File {
		switch {
		case strings.HasSuffix(f.Name, "/data.pkl"):
			pkl = f
		case strings.Contains(f.Name, "/data/"):
			records[f.Name[strings.LastIndex(f.Name, "/data/")+len("/data/"):]] = f
		}
	}
	if pkl == nil {
		return nil, fmt.Errorf("%w: zip member data.pkl missing", ErrFormat)
	}
	rc, err := pkl.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	storages := map[string]*storage{}
	u := pickle.NewUnpickler(bufio.NewReader(rc))
	u.FindClass = findClass
	u.PersistentLoad = func(id any) (any, error) {
		s, err := persistentStorage(id, storages)
		if err != nil || s.Read {
			return s, err
		}
		rec, ok := records[s.Key]
		if !ok {
			return nil, fmt.Errorf("%w: zip member data/%s missing", ErrFormat, s.Key)
		}
		if rec.UncompressedSize64 != uint64(s.Numel*s.Type.Size) {
			return nil, fmt.Errorf("%w: zip member data/%s has %d bytes, want %d", ErrFormat, s.Key,
				rec.UncompressedSize64, s.Numel*s.Type.Size)
		}
		rr, err := rec.Open()
		if err != nil {
			return nil, err
		}
		defer rr.Close()
		if err := s.readData(rr); err != nil {
			return nil, fmt.Errorf("data/%s: %w", s.Key, err)
		}
		return s, nil
	}
	obj, err := u.Load()
	if err != nil {
		return nil, fmt.Errorf("data.pkl: %w", err)
	}
	return obj, nil
}

// persistentStorage resolves ('storage', class, key, location, numel, view).
func persistentStorage(id any, storages map[string]*storage) (*storage, error) {
	t, ok := id.(*types.Tuple)
	if !ok || t.Len() < 5 {
		return nil, fmt.Errorf("%w: persistent id %v, want a storage tuple", ErrFormat, id)
	}
	if kind, _ := t.Get(0).(string); kind != "storage" {
		return nil, fmt.Errorf("%w: persistent id of kind %v, want storage", ErrFormat, t.Get(0))
	}
	st, ok1 := t.Get(1).(*storageType)
	key, ok2 := t.Get(2).(string)
	n, ok3 := t.Get(4).(int)
	if !ok1 || !ok2 || !ok3 || n < 0 {
		return nil, fmt.Errorf("%w: persistent id %v: unexpected field types", ErrFormat, id)
	}
	if t.Len() > 5 && t.Get(5) != nil {
		return nil, fmt.Errorf("%w: storage %s is a view (torch < 1.0 file)", ErrUnsupported, key)
	}
	if s, ok := storages[key]; ok {
		return s, nil
	}
	s := &storage{Type: st, Key: key, Numel: n}
	storages[key] = s
	return s, nil
}

func (s *storage) readData(r io.Reader) error {
	if !s.Type.Float32 {
		// Skip the data of other storages: tagging uses none. A tensor
		// that needs one fails later with its name.
		if _, err := io.CopyN(io.Discard, r, int64(s.Numel)*int64(s.Type.Size)); err != nil {
			return fmt.Errorf("%w: %v", ErrFormat, err)
		}
		s.Read = true
		return nil
	}
	s.F32 = make([]float32, s.Numel)
	buf := make([]byte, 1<<16)
	for i := 0; i < s.Numel; {
		k := min(len(buf)/4, s.Numel-i)
		if _, err := io.ReadFull(r, buf[:4*k]); err != nil {
			return fmt.Errorf("%w: %v", ErrFormat, err)
		}
		for j := range k {
			s.F32[i+j] = math.Float32frombits(binary.LittleEndian.Uint32(buf[4*j:]))
		}
		i += k
	}
	s.Read = true
	return nil
}
