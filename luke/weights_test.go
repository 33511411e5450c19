//go:build linux

package luke

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unsafe"

	"github.com/google/go-cmp/cmp"
)

// pagemap reads /proc/self/pagemap.
type pagemap struct {
	t testing.TB
	f *os.File
}

func openPagemap(t testing.TB) *pagemap {
	t.Helper()
	f, err := os.Open("/proc/self/pagemap")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return &pagemap{t, f}
}

// resident returns the bytes of b's pages that are present in this
// process's page tables (bit 63 of their pagemap entries), whether
// anonymous or mapped from a file: unlike RSS it counts b alone, and unlike
// mincore it does not count a file's pages that are only in the page cache.
func (p *pagemap) resident(b []byte) int {
	if len(b) == 0 {
		return 0
	}
	first := uintptr(unsafe.Pointer(&b[0])) / uintptr(pageSize)
	last := (uintptr(unsafe.Pointer(&b[0])) + uintptr(len(b)) - 1) / uintptr(pageSize)
	buf := make([]byte, 8*(last-first+1))
	if _, err := p.f.ReadAt(buf, int64(first*8)); err != nil {
		p.t.Fatal(err)
	}
	n := 0
	for i := 0; i < len(buf); i += 8 {
		if binary.LittleEndian.Uint64(buf[i:])&(1<<63) != 0 {
			n += pageSize
		}
	}
	return n
}

// checkNoMappings fails t if some weights are still mapped.
func checkNoMappings(t *testing.T) {
	t.Helper()
	if n := mappedBytes.Load(); n != 0 {
		t.Errorf("got %d bytes of weights still mapped, want 0", n)
	}
}

// A storage's pages go back to the system when the last of the tensors
// that view it is consumed (tied weights), not before; pages it shares
// with a neighbour stay.
func TestConsumeReleasesTiedStorage(t *testing.T) {
	mem, err := anonMemory(16 * pageSize)
	if err != nil {
		t.Fatal(err)
	}
	defer checkNoMappings(t)
	defer mem.close()
	for i := range mem.b {
		mem.b[i] = 1
	}
	// A storage from the middle of page 1 to the middle of page 12: pages
	// 2 to 11 are its own.
	span := &storageSpan{off: pageSize + 100, n: 11 * pageSize}
	a, b := &Tensor{}, &Tensor{}
	mem.track(a, span)
	mem.track(b, span)
	pm := openPagemap(t)
	mem.consume(a)
	if got, want := pm.resident(mem.b), 16*pageSize; got != want {
		t.Errorf("one of two tied tensors consumed: got %d resident bytes, want %d", got, want)
	}
	mem.consume(b)
	if got, want := pm.resident(mem.b), 6*pageSize; got != want {
		t.Errorf("both consumed: got %d resident bytes, want %d", got, want)
	}
	if got := mem.b[pageSize+100]; got != 1 {
		t.Errorf("byte on a shared page: got %d, want 1 (kept)", got)
	}
	if got := mem.b[5*pageSize]; got != 0 {
		t.Errorf("byte on a released page: got %d, want 0", got)
	}
}

// bigCheckpoint returns a NER checkpoint of about 24 MB of float32 weights
// (hidden 256, 4 layers, 8,000 word pieces: an 8 MB embedding table), large
// enough against the page size and malloc's bookkeeping for the memory
// tests.
func bigCheckpoint(t testing.TB) *Checkpoint {
	t.Helper()
	ner, err := ReadArchive(filepath.Join("testdata", "daluke-ner.tar.gz"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{Kind: KindNER, VocabSize: 8000, Hidden: 256, Layers: 4, Heads: 4, Intermediate: 1024,
		MaxPositions: 128, EntitySize: 64, EntityVocabSize: 2, Labels: 5}
	tensors := make(map[string]*Tensor)
	for k, shape := range cfg.Shapes() {
		x := &Tensor{Shape: shape}
		x.F32 = make([]float32, x.Len())
		for i := range x.F32 {
			x.F32[i] = float32(i%251)/251 - float32(len(k)%7)
		}
		tensors[k] = x
	}
	meta := ner.Metadata
	meta.Raw = nil
	ck, err := NewCheckpoint(meta, ner.EntityVocab, tensors)
	if err != nil {
		t.Fatal(err)
	}
	return ck
}

// writeBig writes bigCheckpoint into dir as an archive and as a
// safetensors file and returns their paths.
func writeBig(t testing.TB, dir string) (archive, safetensors string) {
	t.Helper()
	big := bigCheckpoint(t)
	archive = filepath.Join(dir, "big.tar.gz")
	if err := WriteArchive(archive, big); err != nil {
		t.Fatal(err)
	}
	safetensors = filepath.Join(dir, "big.safetensors")
	if err := SaveSafetensors(safetensors, big); err != nil {
		t.Fatal(err)
	}
	return archive, safetensors
}

// weightBytes returns the bytes of ck's float32 tensors and of the largest.
func weightBytes(ck *Checkpoint) (total, largest int) {
	for _, x := range ck.Tensors {
		total += 4 * len(x.F32)
		largest = max(largest, 4*len(x.F32))
	}
	return total, largest
}

// checkViews fails t unless every float32 tensor of ck views ck's memory.
func checkViews(t *testing.T, ck *Checkpoint) {
	t.Helper()
	lo := uintptr(unsafe.Pointer(unsafe.SliceData(ck.mem.b)))
	hi := lo + uintptr(len(ck.mem.b))
	for k, x := range ck.Tensors {
		if p := uintptr(unsafe.Pointer(unsafe.SliceData(x.F32))); p < lo || p >= hi || ck.mem.spans[x] == nil {
			t.Errorf("%s does not view the checkpoint's memory", k)
		}
	}
}

// The Open functions read what the Read functions read, with every float32
// tensor viewing the mapped memory (torch.save's 64-byte alignment, which
// WriteTorchPickle copies), and Close unmaps it and drops the tensors.
func TestOpenViews(t *testing.T) {
	archive, safetensors := writeBig(t, t.TempDir())
	tests := []struct {
		name       string
		read, open func(string) (*Checkpoint, error)
		file       string
	}{
		{"archive of torch.save (Python fixture)", ReadArchive, OpenArchive, filepath.Join("testdata", "daluke.tar.gz")},
		{"archive of WriteArchive", ReadArchive, OpenArchive, archive},
		{"safetensors", LoadSafetensors, OpenSafetensors, safetensors},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			defer checkNoMappings(t)
			want, err := tc.read(tc.file)
			if err != nil {
				t.Fatal(err)
			}
			got, err := tc.open(tc.file)
			if err != nil {
				t.Fatal(err)
			}
			checkViews(t, got)
			checkSameTensors(t, want.Tensors, got.Tensors)
			if got.Config != want.Config {
				t.Errorf("got config %+v, want %+v", got.Config, want.Config)
			}
			kept := got.Tensors["word_embeddings.word_embeddings.weight"]
			if err := got.Close(); err != nil {
				t.Fatal(err)
			}
			if got.Tensors != nil || kept.F32 != nil {
				t.Errorf("after Close: got %d tensors and %d values of a kept tensor, want none",
					len(got.Tensors), len(kept.F32))
			}
		})
	}
}

// A model.bin whose storages are not aligned (another zip writer than
// torch.save's) is read all the same: those storages are copied, and their
// bytes in the mapping handed back.
func TestOpenArchiveMisaligned(t *testing.T) {
	defer checkNoMappings(t)
	want, err := ReadArchive(filepath.Join("testdata", "daluke-ner.tar.gz"))
	if err != nil {
		t.Fatal(err)
	}
	var model bytes.Buffer
	if err := WriteTorchPickle(&model, want.Tensors); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(model.Bytes()), int64(model.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var rezipped bytes.Buffer
	zw := zip.NewWriter(&rezipped)
	for i, f := range zr.File {
		h := f.FileHeader
		h.Extra = nil
		h.Name = strings.Repeat("a", i%3) + f.Name // shift each record by a few bytes
		w, err := zw.CreateRaw(&h)
		if err != nil {
			t.Fatal(err)
		}
		r, err := f.OpenRaw()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(w, r); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	metaJSON, err := json.Marshal(want.Metadata.Raw)
	if err != nil {
		t.Fatal(err)
	}
	vocab := map[string]map[string]int{}
	for k, id := range want.EntityVocab {
		vocab[k] = map[string]int{"id": id}
	}
	vocabJSON, err := json.Marshal(vocab)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "misaligned.tar.gz")
	if err := os.WriteFile(file, tarGz(t, [][2]string{{memberMetadata, string(metaJSON)},
		{memberEntityVocab, string(vocabJSON)}, {memberModel, rezipped.String()}}), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := OpenArchive(file)
	if err != nil {
		t.Fatal(err)
	}
	defer got.Close()
	copied := 0
	for _, x := range got.Tensors {
		if got.mem.spans[x] == nil {
			copied++
		}
	}
	if copied == 0 {
		t.Errorf("got every tensor viewed, want some copied (misaligned)")
	}
	if diff := cmp.Diff(want.Tensors, got.Tensors); diff != "" {
		t.Errorf("tensors differ (-want +got):\n%s", diff)
	}
}

// checkSameTensors fails t unless got has want's names, shapes and values
// (compared with slices.Equal: cmp is slow on millions of values).
func checkSameTensors(t *testing.T, want, got map[string]*Tensor) {
	t.Helper()
	if diff := cmp.Diff(slices.Sorted(maps.Keys(want)), slices.Sorted(maps.Keys(got))); diff != "" {
		t.Fatalf("tensor names differ (-want +got):\n%s", diff)
	}
	for k, w := range want {
		g := got[k]
		if !slices.Equal(w.Shape, g.Shape) || !slices.Equal(w.F32, g.F32) || !slices.Equal(w.I64, g.I64) {
			t.Errorf("%s: got shape %v and other values than want (shape %v)", k, g.Shape, w.Shape)
		}
	}
}

// tarGz returns a .tar.gz of the members, in order.
func tarGz(t *testing.T, members [][2]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for _, m := range members {
		if err := tw.WriteHeader(&tar.Header{Name: m[0], Mode: 0o644, Size: int64(len(m[1])), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(m[1])); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := gz.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// Bad archives and files are errors naming the file and the problem, and
// leave nothing mapped; a storage whose bytes do not match the zip's CRC-32
// is refused as archive/zip refuses it when it copies.
func TestOpenErrors(t *testing.T) {
	ner, err := ReadArchive(filepath.Join("testdata", "daluke-ner.tar.gz"))
	if err != nil {
		t.Fatal(err)
	}
	var model bytes.Buffer
	if err := WriteTorchPickle(&model, ner.Tensors); err != nil {
		t.Fatal(err)
	}
	corrupt := append([]byte(nil), model.Bytes()...)
	zr, err := zip.NewReader(bytes.NewReader(corrupt), int64(len(corrupt)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if strings.HasSuffix(f.Name, "/data/0") {
			off, err := f.DataOffset()
			if err != nil {
				t.Fatal(err)
			}
			corrupt[off] ^= 0xff
		}
	}
	metaJSON := `{"max-seq-length": 64, "max-entities": 16, "max-entity-span": 8, "output-size": 5}`
	vocabJSON := `{"[PAD]": {"id": 0}, "[MASK]": {"id": 1}}`
	dir := t.TempDir()
	tests := []struct {
		name    string
		data    []byte
		open    func(string) (*Checkpoint, error)
		mention []string
	}{
		{"checksum", tarGz(t, [][2]string{{memberMetadata, metaJSON}, {memberEntityVocab, vocabJSON}, {memberModel, string(corrupt)}}),
			OpenArchive, []string{"model.bin", "storage data/0", "checksum"}},
		{"no model.bin", tarGz(t, [][2]string{{memberMetadata, metaJSON}, {memberEntityVocab, vocabJSON}}),
			OpenArchive, []string{"missing key", "model.bin"}},
		{"model.bin last of a bad archive", tarGz(t, [][2]string{{memberModel, model.String()}, {"extra.txt", "x"}}),
			OpenArchive, []string{"unexpected archive member"}},
		{"metadata after model.bin", tarGz(t, [][2]string{{memberModel, model.String()}, {memberEntityVocab, vocabJSON}, {memberMetadata, "{"}}),
			OpenArchive, []string{"metadata.json"}},
		{"model.bin not a zip", tarGz(t, [][2]string{{memberModel, "PK?"}, {memberEntityVocab, vocabJSON}, {memberMetadata, metaJSON}}),
			OpenArchive, []string{"model.bin", "not a torch.save zip file"}},
		{"truncated gzip", tarGz(t, [][2]string{{memberModel, model.String()}})[:2000], OpenArchive, []string{"unexpected EOF"}},
		{"safetensors header only", []byte{8, 0, 0, 0, 0, 0, 0, 0, '{', '}', ' ', ' ', ' ', ' ', ' ', ' '},
			OpenSafetensors, []string{"__metadata__"}},
		{"safetensors truncated", []byte{200, 0, 0, 0, 0, 0, 0, 0, '{'}, OpenSafetensors, []string{"header"}},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			defer checkNoMappings(t)
			file := filepath.Join(dir, tc.name)
			if err := os.WriteFile(file, tc.data, 0o644); err != nil {
				t.Fatal(err)
			}
			ck, err := tc.open(file)
			if err == nil {
				ck.Close()
				t.Fatalf("test %d: got no error, want one mentioning %q", i, tc.mention)
			}
			for _, m := range append([]string{file}, tc.mention...) {
				if !strings.Contains(err.Error(), m) {
					t.Errorf("got error %q, want it to mention %q", err, m)
				}
			}
			if tc.name == "checksum" && !errors.Is(err, zip.ErrChecksum) {
				t.Errorf("got error %v, want zip.ErrChecksum", err)
			}
		})
	}
	if _, err := OpenSafetensors(filepath.Join(dir, "missing.safetensors")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("got %v, want os.ErrNotExist", err)
	}
	checkNoMappings(t)
}
