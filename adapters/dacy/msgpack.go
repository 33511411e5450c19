package dacy

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// errMsgpack is wrapped by every msgpack decoding error.
var errMsgpack = errors.New("bad msgpack")

// unpack decodes one msgpack document: maps become map[string]any (str and
// bin keys alike), arrays []any, str string, bin []byte, integers int64,
// floats float64. The whole input must be one value.
func unpack(data []byte) (any, error) {
	d := &mpDecoder{b: data}
	v, err := d.value(0)
	if err != nil {
		return nil, err
	}
	if d.i != len(d.b) {
		return nil, fmt.Errorf("%w: %d trailing bytes", errMsgpack, len(d.b)-d.i)
	}
	return v, nil
}

type mpDecoder struct {
	b []byte
	i int
}

func (d *mpDecoder) take(n int) ([]byte, error) {
	if n < 0 || d.i+n > len(d.b) {
		return nil, fmt.Errorf("%w: truncated at byte %d", errMsgpack, d.i)
	}
	s := d.b[d.i : d.i+n]
	d.i += n
	return s, nil
}

func (d *mpDecoder) uint(n int) (uint64, error) {
	s, err := d.take(n)
	if err != nil {
		return 0, err
	}
	switch n {
	case 1:
		return uint64(s[0]), nil
	case 2:
		return uint64(binary.BigEndian.Uint16(s)), nil
	case 4:
		return uint64(binary.BigEndian.Uint32(s)), nil
	}
	return binary.BigEndian.Uint64(s), nil
}

func (d *mpDecoder) value(depth int) (any, error) {
	if depth > 64 {
		return nil, fmt.Errorf("%w: nested too deeply", errMsgpack)
	}
	s, err := d.take(1)
	if err != nil {
		return nil, err
	}
	c := s[0]
	switch {
	case c <= 0x7f:
		return int64(c), nil
	case c >= 0xe0:
		return int64(int8(c)), nil
	case c&0xf0 == 0x80:
		return d.mapN(int(c&0x0f), depth)
	case c&0xf0 == 0x90:
		return d.arrayN(int(c&0x0f), depth)
	case c&0xe0 == 0xa0:
		b, err := d.take(int(c & 0x1f))
		return string(b), err
	}
	switch c {
	case 0xc0:
		return nil, nil
	case 0xc2:
		return false, nil
	case 0xc3:
		return true, nil
	case 0xc4, 0xc5, 0xc6:
		n, err := d.uint(1 << (c - 0xc4))
		if err != nil {
			return nil, err
		}
		b, err := d.take(int(n))
		return b, err
	case 0xca:
		n, err := d.uint(4)
		return float64(math.Float32frombits(uint32(n))), err
	case 0xcb:
		n, err := d.uint(8)
		return math.Float64frombits(n), err
	case 0xcc, 0xcd, 0xce, 0xcf:
		n, err := d.uint(1 << (c - 0xcc))
		if n > math.MaxInt64 {
			return nil, fmt.Errorf("%w: integer %d too large", errMsgpack, n)
		}
		return int64(n), err
	case 0xd0:
		n, err := d.uint(1)
		return int64(int8(n)), err
	case 0xd1:
		n, err := d.uint(2)
		return int64(int16(n)), err
	case 0xd2:
		n, err := d.uint(4)
		return int64(int32(n)), err
	case 0xd3:
		n, err := d.uint(8)
		return int64(n), err
	case 0xd9, 0xda, 0xdb:
		n, err := d.uint(1 << (c - 0xd9))
		if err != nil {
			return nil, err
		}
		b, err := d.take(int(n))
		return string(b), err
	case 0xdc, 0xdd:
		n, err := d.uint(2 << (c - 0xdc))
		if err != nil {
			return nil, err
		}
		return d.arrayN(int(n), depth)
	case 0xde, 0xdf:
		n, err := d.uint(2 << (c - 0xde))
		if err != nil {
			return nil, err
		}
		return d.mapN(int(n), depth)
	}
	return nil, fmt.Errorf("%w: unsupported type byte 0x%02x at byte %d", errMsgpack, c, d.i-1)
}

func (d *mpDecoder) arrayN(n int, depth int) ([]any, error) {
	if n > len(d.b)-d.i {
		return nil, fmt.Errorf("%w: array of %d elements exceeds the input", errMsgpack, n)
	}
	out := make([]any, n)
	for i := range out {
		v, err := d.value(depth + 1)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

func (d *mpDecoder) mapN(n int, depth int) (map[string]any, error) {
	if n > len(d.b)-d.i {
		return nil, fmt.Errorf("%w: map of %d entries exceeds the input", errMsgpack, n)
	}
	out := make(map[string]any, n)
	for range n {
		k, err := d.value(depth + 1)
		if err != nil {
			return nil, err
		}
		var key string
		switch k := k.(type) {
		case string:
			key = k
		case []byte:
			key = string(k)
		default:
			return nil, fmt.Errorf("%w: map key %v is neither str nor bin", errMsgpack, k)
		}
		v, err := d.value(depth + 1)
		if err != nil {
			return nil, err
		}
		out[key] = v
	}
	return out, nil
}
