package luke

import (
	"bytes"
	"errors"
	"maps"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func readFixture(t *testing.T, name string) *Checkpoint {
	t.Helper()
	ck, err := ReadArchive(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return ck
}

func TestReadArchive(t *testing.T) {
	ref := readReference(t)
	rc := ref.Config
	tests := []struct {
		file string
		want Config
	}{
		{"daluke.tar.gz", Config{Kind: KindPretrained, VocabSize: rc.VocabSize, Hidden: rc.HiddenSize,
			Layers: rc.NumLayers, Heads: rc.NumHeads, Intermediate: rc.Intermediate, MaxPositions: rc.MaxPositions,
			EntitySize: rc.EntitySize, EntityVocabSize: rc.EntityVocabSize}},
		{"daluke-ner.tar.gz", Config{Kind: KindNER, VocabSize: rc.VocabSize, Hidden: rc.HiddenSize,
			Layers: rc.NumLayers, Heads: rc.NumHeads, Intermediate: rc.Intermediate, MaxPositions: rc.MaxPositions,
			EntitySize: rc.EntitySize, EntityVocabSize: 2, Labels: 5}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			ck := readFixture(t, tc.file)
			if diff := cmp.Diff(tc.want, ck.Config); diff != "" {
				t.Errorf("config mismatch (-want +got):\n%s", diff)
			}
			if got, want := len(ck.Tensors), len(tc.want.Shapes()); got != want {
				t.Errorf("got %d tensors, want %d", got, want)
			}
			if got, want := len(ck.EntityVocab), rc.EntityVocabSize; got != want {
				t.Errorf("got %d entities, want %d", got, want)
			}
			if got := ck.EntityVocab["[MASK]"]; got != 2 {
				t.Errorf("got [MASK] entity id %d, want 2", got)
			}
		})
	}
}

// The pretrained fixture ties mask_entity_scorer.decode.weight to the entity
// table and mask_word_scorer.decoder.bias to mask_word_scorer.bias, as the
// released model does (spec §1.7); both names must see the same data.
func TestReadArchiveTied(t *testing.T) {
	ck := readFixture(t, "daluke.tar.gz")
	for _, pair := range [][2]string{
		{"mask_entity_scorer.decode.weight", "entity_embeddings.ent_embeds.weight"},
		{"mask_word_scorer.decoder.bias", "mask_word_scorer.bias"},
	} {
		a, b := ck.Tensors[pair[0]], ck.Tensors[pair[1]]
		if !cmp.Equal(a, b) {
			t.Errorf("%s and %s differ", pair[0], pair[1])
		}
	}
	// The NER entity table is rows [PAD]=0 and [MASK]=2 of the pretrained one.
	ner := readFixture(t, "daluke-ner.tar.gz")
	h := ck.Config.EntitySize
	pre := ck.Tensors["entity_embeddings.ent_embeds.weight"].F32
	want := append(append([]float32(nil), pre[:h]...), pre[2*h:3*h]...)
	if diff := cmp.Diff(want, ner.Tensors["entity_embeddings.ent_embeds.weight"].F32); diff != "" {
		t.Errorf("NER entity table mismatch (-want +got):\n%s", diff)
	}
}

func TestNewCheckpointKeys(t *testing.T) {
	ck := readFixture(t, "daluke-ner.tar.gz")
	tests := []struct {
		name   string
		change func(m map[string]*Tensor)
		err    error
		key    string
	}{
		{"unknown", func(m map[string]*Tensor) { m["encoder.0.attention.Q_x.weight"] = m["encoder.0.attention.Q_w.weight"] },
			ErrUnknownKey, "encoder.0.attention.Q_x.weight"},
		{"missing", func(m map[string]*Tensor) { delete(m, "encoder.1.attention.Q_e2w.bias") },
			ErrMissingKey, "encoder.1.attention.Q_e2w.bias"},
		{"missing table", func(m map[string]*Tensor) { delete(m, "entity_embeddings.ent_embeds.weight") },
			ErrMissingKey, "entity_embeddings.ent_embeds.weight"},
		{"shape", func(m map[string]*Tensor) {
			m["classifier.bias"] = &Tensor{Shape: []int{4}, F32: make([]float32, 4)}
		}, ErrShape, "classifier.bias"},
		{"features", func(m map[string]*Tensor) { // 2·Hidden inputs (words only) without NER-words-only
			w := m["classifier.weight"]
			m["classifier.weight"] = &Tensor{Shape: []int{w.Shape[0], w.Shape[1] / 3 * 2}, F32: w.F32[:w.Shape[0]*w.Shape[1]/3*2]}
		}, ErrShape, "classifier.weight"},
		{"no head", func(m map[string]*Tensor) { delete(m, "classifier.weight"); delete(m, "classifier.bias") },
			ErrMissingKey, "classifier.weight"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := maps.Clone(ck.Tensors)
			tc.change(m)
			_, err := NewCheckpoint(ck.Metadata, ck.EntityVocab, m)
			if !errors.Is(err, tc.err) || !strings.Contains(err.Error(), tc.key) {
				t.Errorf("got error %v, want %v naming %q", err, tc.err, tc.key)
			}
		})
	}
}

func TestParseMetadata(t *testing.T) {
	tests := []struct {
		name, json, wantErr string
	}{
		{"ok", `{"max-seq-length": 512, "max-entities": 128, "max-entity-span": 30, "language": "da"}`, ""},
		{"missing", `{"max-seq-length": 512, "max-entities": 128}`, `missing key "max-entity-span"`},
		{"words and entities only", `{"max-seq-length": 512, "max-entities": 128, "max-entity-span": 30, "NER-words-only": true, "NER-entities-only": true}`,
			"both true"},
		{"reduced", `{"max-seq-length": 512, "max-entities": 128, "max-entity-span": 30, "reduced-vocab": true}`,
			"unsupported"},
		{"syntax", `{"max-seq-length": }`, "invalid character"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := ParseMetadata([]byte(tc.json))
			if tc.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				if m.MaxEntitySpan != 30 || m.Raw["language"] != "da" {
					t.Errorf("got %+v, want max-entity-span 30 and language da", m)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("got error %v, want one containing %q", err, tc.wantErr)
			}
		})
	}
}

func TestSafetensorsRoundTrip(t *testing.T) {
	ck := readFixture(t, "daluke.tar.gz")
	file := filepath.Join(t.TempDir(), "model.safetensors")
	if err := SaveSafetensors(file, ck); err != nil {
		t.Fatal(err)
	}
	got, err := LoadSafetensors(file)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(ck, got, cmpopts.IgnoreUnexported(Checkpoint{})); diff != "" {
		t.Errorf("checkpoint mismatch (-want +got):\n%s", diff)
	}
}

func TestReadSafetensorsErrors(t *testing.T) {
	var good bytes.Buffer
	if err := WriteSafetensors(&good, map[string]*Tensor{
		"a": {Shape: []int{2}, F32: []float32{1, 2}},
		"b": {Shape: []int{1}, I64: []int64{7}},
	}, nil); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		data    []byte
		wantErr string
	}{
		{"truncated", good.Bytes()[:good.Len()-1], "unexpected EOF"},
		{"trailing", append(append([]byte(nil), good.Bytes()...), 0), "data continues"},
		{"empty", nil, "header length"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := ReadSafetensors(bytes.NewReader(tc.data))
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("got error %v, want one containing %q", err, tc.wantErr)
			}
			// The same checks on the file's bytes in memory (OpenSafetensors).
			_, _, err = mapSafetensors(&weightMem{b: tc.data})
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("in memory: got error %v, want one containing %q", err, tc.wantErr)
			}
		})
	}
	got, _, err := ReadSafetensors(bytes.NewReader(good.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int64{7}, got["b"].I64); diff != "" {
		t.Errorf("b mismatch (-want +got):\n%s", diff)
	}
	mapped, _, err := mapSafetensors(&weightMem{b: good.Bytes()})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(got, mapped); diff != "" {
		t.Errorf("in memory: tensors differ (-read +in memory):\n%s", diff)
	}
}

func TestWriteArchiveRoundTrip(t *testing.T) {
	for _, name := range []string{"daluke-ner.tar.gz", "daluke.tar.gz"} {
		t.Run(name, func(t *testing.T) {
			ck := readFixture(t, name)
			file := filepath.Join(t.TempDir(), "out.tar.gz")
			if err := WriteArchive(file, ck); err != nil {
				t.Fatal(err)
			}
			got, err := ReadArchive(file)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(ck.Tensors, got.Tensors); diff != "" {
				t.Errorf("tensors differ (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(ck.EntityVocab, got.EntityVocab); diff != "" {
				t.Errorf("entity vocabulary differs (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(ck.Metadata.Raw, got.Metadata.Raw); diff != "" {
				t.Errorf("metadata differs (-want +got):\n%s", diff)
			}
		})
	}
}
