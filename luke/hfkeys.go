package luke

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/nlpodyssey/gopickle/pytorch"
)

// The Hugging Face side of the model: reading a BERT or XLM-RoBERTa state
// dict and renaming its keys to the model's. DaLUKE's pretraining
// initialises from Danish BERT this way (package luke/pretrain), and DaCy's
// transformer runs as a words-only model (KindEncoder, hfencoder.go).

// BERTKey maps a Hugging Face BERT (BertForPreTraining) state-dict key to
// DaLUKE's (spec §3.5, load_base_model_weights): ".attention.self." becomes
// ".attention.", ".attention.output." ".self_output.", ".layer." ".",
// ".cls.predictions." ".mask_word_scorer.", in this order on "."+key; a
// leading ".bert." or "." is stripped; then the parts embeddings, query,
// key and value become word_embeddings, Q_w, K and V. TensorFlow-era
// LayerNorm names gamma and beta become weight and bias, as
// from_pretrained does.
func BERTKey(key string) string {
	k := "." + key
	for _, r := range [][2]string{{".attention.self.", ".attention."}, {".attention.output.", ".self_output."},
		{".layer.", "."}, {".cls.predictions.", ".mask_word_scorer."}} {
		k = strings.ReplaceAll(k, r[0], r[1])
	}
	if rest, ok := strings.CutPrefix(k, ".bert."); ok {
		k = rest
	} else {
		k = strings.TrimPrefix(k, ".")
	}
	parts := strings.Split(k, ".")
	for i, p := range parts {
		switch p {
		case "embeddings":
			parts[i] = "word_embeddings"
		case "query":
			parts[i] = "Q_w"
		case "key":
			parts[i] = "K"
		case "value":
			parts[i] = "V"
		case "gamma":
			parts[i] = "weight"
		case "beta":
			parts[i] = "bias"
		}
	}
	return strings.Join(parts, ".")
}

// ReadStateDict reads a Hugging Face checkpoint, pytorch_model.bin (a
// torch.save file, zip or legacy) or model.safetensors, chosen by the file
// name's suffix.
func ReadStateDict(file string) (map[string]*Tensor, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if strings.HasSuffix(file, ".safetensors") {
		t, _, err := ReadSafetensors(f)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		return t, nil
	}
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	t, err := ReadTorchPickle(f, st.Size())
	if errors.Is(err, zip.ErrFormat) {
		t, err = readLegacyTorch(file)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return t, nil
}

// StateDict is a Hugging Face state dict read by OpenStateDict, whose
// float32 tensors view the file's bytes outside the Go heap.
type StateDict struct {
	Tensors map[string]*Tensor
	mem     *weightMem
}

// OpenStateDict is ReadStateDict with the file read into memory outside
// the Go heap (an anonymous mapping, on Linux) and the float32 tensors
// viewing it where torch.save or safetensors stored them aligned
// (torch.save's zip format aligns them to 64 bytes); legacy torch.save
// files are read onto the Go heap. The caller must Close the state dict or turn it into a checkpoint
// with Encoder.
func OpenStateDict(file string) (sd *StateDict, err error) {
	mem, err := readFileMemory(file)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			mem.close()
		}
	}()
	var t map[string]*Tensor
	if strings.HasSuffix(file, ".safetensors") {
		t, _, err = mapSafetensors(mem)
	} else {
		t, err = readTorchZip(bytes.NewReader(mem.b), int64(len(mem.b)), mem)
		if errors.Is(err, zip.ErrFormat) {
			mem.close()
			t, err = readLegacyTorch(file)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return &StateDict{Tensors: t, mem: mem}, nil
}

// Encoder checks the state dict as EncoderCheckpoint does and returns the
// checkpoint, which takes over the state dict's memory: the tensors the
// encoder does not use are dropped, and sd is empty afterwards. Close the
// checkpoint or hand it to MoveToModel. On error sd is unchanged.
func (sd *StateDict) Encoder(c HFEncoder) (*Checkpoint, error) {
	ck, err := EncoderCheckpoint(sd.Tensors, c)
	if err != nil {
		return nil, err
	}
	used := make(map[*Tensor]bool, len(ck.Tensors))
	for _, t := range ck.Tensors {
		used[t] = true
	}
	for _, t := range sd.Tensors {
		if !used[t] {
			sd.mem.consume(t)
		}
	}
	ck.mem = sd.mem
	sd.Tensors, sd.mem = nil, nil
	return ck, nil
}

// Close frees the state dict's memory and drops its tensors (see
// Checkpoint.Close).
func (sd *StateDict) Close() error {
	for _, t := range sd.Tensors {
		t.F32, t.I64 = nil, nil
	}
	sd.Tensors = nil
	err := sd.mem.close()
	sd.mem = nil
	return err
}

// readLegacyTorch reads a state dict that torch.save wrote in the format
// of PyTorch before 1.6 (or with _use_new_zipfile_serialization=False),
// with gopickle's reader, whose panics on what it does not implement
// become errors.
func readLegacyTorch(file string) (t map[string]*Tensor, err error) {
	defer func() {
		if r := recover(); r != nil {
			t, err = nil, fmt.Errorf("legacy torch.save file: %w: %v", ErrUnsupported, r)
		}
	}()
	// gopickle also tries a tar archive first, and loops on an empty one:
	// check the legacy format's magic number before handing it the file.
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	head := make([]byte, len(legacyMagic))
	_, err = io.ReadFull(f, head)
	f.Close()
	if err != nil || !bytes.Equal(head, legacyMagic) {
		return nil, errors.New("neither a torch.save zip file nor a legacy one (no magic number)")
	}
	obj, err := pytorch.Load(file)
	if err != nil {
		return nil, fmt.Errorf("legacy torch.save file: %w", err)
	}
	return stateDict(obj, nil, nil)
}

// legacyMagic is how torch.save's legacy format begins: the pickle
// (protocol 2) of its magic number 0x1950a86a20f9469cfc6c.
var legacyMagic = []byte{0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19}
