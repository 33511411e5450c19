package luke

import (
	"fmt"
	"os"
	"strings"
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
// torch.save zip) or model.safetensors, chosen by the file name's suffix.
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
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return t, nil
}
