package luke

import (
	"archive/zip"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"sync/atomic"
	"unsafe"
)

// mappedBytes counts the bytes of the weights mapped and not yet unmapped
// in this process; tests check that no path leaves any behind.
var mappedBytes atomic.Int64

// weightMem is the one buffer that a checkpoint's float32 tensors view: a
// decompressed model.bin, or the bytes of a pytorch_model.bin or
// safetensors file. The Open functions (OpenArchive, OpenSafetensors,
// OpenStateDict) put it outside the Go heap (an anonymous mapping on
// Linux), so that it can be handed back to the system piece by piece while
// MoveToModel copies the weights into libtorch, and freed at once by
// close; the Read functions keep it on the Go heap (mapped false), where
// the garbage collector frees it once no tensor views it.
//
// Files are read into the anonymous mapping rather than mapped: with a
// file mapping, the pages that MADV_DONTNEED dropped during a chunked copy
// stayed present (6.0 of 7.8 MiB of the storage being copied, in
// TestMoveToModelPeak on ext4 with Linux 6.18), presumably mapped again
// from the page cache by the faults nearby, so the tensor was held twice.
type weightMem struct {
	b      []byte
	mapped bool // b is a mapping that close unmaps
	// spans holds the storage each viewing tensor views.
	spans map[*Tensor]*storageSpan
}

// readFileMemory reads file into memory from anonMemory: outside the Go
// heap on Linux. Errors name the file.
func readFileMemory(file string) (*weightMem, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	size := st.Size()
	if int64(int(size)) != size {
		return nil, fmt.Errorf("%s: file of %d bytes: too large to read", file, size)
	}
	m, err := anonMemory(int(size))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if _, err := io.ReadFull(io.NewSectionReader(f, 0, size), m.b); err != nil {
		m.close()
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return m, nil
}

// heapMemory returns size bytes on the Go heap.
func heapMemory(size int) (*weightMem, error) { return &weightMem{b: make([]byte, size)}, nil }

// storageSpan is the byte range of one storage in a weightMem and the
// number of tensors that view it and have not yet been consumed (tied
// weights share a storage).
type storageSpan struct {
	off, n int
	users  int
}

// littleEndian reports whether this machine stores float32 values as the
// checkpoint files do, so that their bytes can be viewed in place.
var littleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// viewFloat32s returns the n float32 values of m.b[off:off+4n] in place,
// or false where they cannot be viewed (misaligned, or a big-endian
// machine); the caller then decodes a copy.
func (m *weightMem) viewFloat32s(off, n int) ([]float32, bool) {
	if m == nil || !littleEndian || n <= 0 || off < 0 || off+4*n > len(m.b) {
		return nil, false
	}
	p := unsafe.Pointer(&m.b[off])
	if uintptr(p)%unsafe.Alignof(float32(0)) != 0 {
		return nil, false
	}
	return unsafe.Slice((*float32)(p), n), true
}

// viewRecord returns n float32 values viewing a zip record of m.b, which
// torch.save stores uncompressed and 64-byte aligned, after checking its
// CRC-32 as archive/zip does when it reads a record; false when the record
// is compressed or cannot be viewed.
func (m *weightMem) viewRecord(f *zip.File, n int) ([]float32, *storageSpan, bool, error) {
	if m == nil || f.Method != zip.Store || f.CompressedSize64 != f.UncompressedSize64 {
		return nil, nil, false, nil
	}
	off, err := f.DataOffset()
	if err != nil {
		return nil, nil, false, err
	}
	size := f.UncompressedSize64
	if size < 4*uint64(n) || uint64(off)+size > uint64(len(m.b)) {
		return nil, nil, false, nil
	}
	data, ok := m.viewFloat32s(int(off), n)
	if !ok {
		return nil, nil, false, nil
	}
	if crc32.ChecksumIEEE(m.b[off:uint64(off)+size]) != f.CRC32 {
		return nil, nil, false, zip.ErrChecksum
	}
	return data, &storageSpan{off: int(off), n: int(size)}, true, nil
}

// track records that t views s.
func (m *weightMem) track(t *Tensor, s *storageSpan) {
	if m.spans == nil {
		m.spans = make(map[*Tensor]*storageSpan)
	}
	m.spans[t] = s
	s.users++
}

// copied returns, for a tensor that alone views its storage, a function
// that hands back the pages of t's first k values once they are copied
// (fromSliceChunked), or nil where t's pages cannot go before the end
// (tied weights, memory on the Go heap, a tensor of its own).
func (m *weightMem) copied(t *Tensor) func(k int) {
	if m == nil || !m.mapped || len(t.F32) == 0 {
		return nil
	}
	if s := m.spans[t]; s == nil || s.users != 1 {
		return nil
	}
	start := int(uintptr(unsafe.Pointer(&t.F32[0])) - uintptr(unsafe.Pointer(&m.b[0])))
	from := start // pages before from are handed back
	return func(k int) {
		end := start + 4*k
		m.release(from, end-from)
		from = max(from, end/pageSize*pageSize)
	}
}

// consume marks t as copied: its data is dropped, and the pages of its
// storage go back to the system once no other tensor views them.
func (m *weightMem) consume(t *Tensor) {
	t.F32, t.I64 = nil, nil
	if m == nil {
		return
	}
	s := m.spans[t]
	if s == nil {
		return
	}
	delete(m.spans, t)
	s.users--
	if s.users == 0 {
		m.release(s.off, s.n)
	}
}

// close frees m; the tensors that view it must not be used afterwards.
func (m *weightMem) close() error {
	if m == nil || m.b == nil {
		return nil
	}
	b := m.b
	m.b, m.spans = nil, nil
	if !m.mapped {
		return nil
	}
	mappedBytes.Add(-int64(len(b)))
	if err := unmap(b); err != nil {
		return fmt.Errorf("unmap weights: %w", err)
	}
	return nil
}

// release hands the whole pages inside m.b[off:off+n] back to the system;
// they read as zeros afterwards.
func (m *weightMem) release(off, n int) {
	if m == nil || !m.mapped || m.b == nil {
		return
	}
	page := pageSize
	lo := (off + page - 1) / page * page
	hi := min(off+n, len(m.b)) / page * page
	if hi > lo {
		dontNeed(m.b[lo:hi])
	}
}
