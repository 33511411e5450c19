package luke

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"testing"
)

// readFloat32s decodes little-endian values across its 1 MiB blocks and
// refuses a storage shorter than its size.
func TestReadFloat32s(t *testing.T) {
	n := 1<<18 + 3 // one full block and three values
	data := make([]byte, 4*n)
	for i := range n {
		binary.LittleEndian.PutUint32(data[4*i:], math.Float32bits(float32(i)-0.5))
	}
	got, err := readFloat32s(bytes.NewReader(data), n)
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range []int{0, 1, 1<<18 - 1, 1 << 18, n - 1} {
		if want := float32(i) - 0.5; got[i] != want {
			t.Errorf("value %d: got %g, want %g", i, got[i], want)
		}
	}
	if _, err := readFloat32s(bytes.NewReader(data[:4*n-1]), n); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("a short storage: got %v, want io.ErrUnexpectedEOF", err)
	}
}
