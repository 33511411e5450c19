package ort

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	onnxruntime "github.com/yalue/onnxruntime_go"
)

// ErrClosed is returned by Tag after Close.
var ErrClosed = errors.New("model is closed")

// Config tunes how a model runs. The zero Config gives the documented
// defaults.
type Config struct {
	// BatchSize is the number of windows (sentences, or parts of long ones)
	// per forward pass. Zero means DefaultBatchSize (32).
	BatchSize int
	// BatchTokens caps the padded tokens of one forward pass: a batch
	// holds at most BatchTokens / (its longest window's tokens) windows, and
	// at least one. Activations grow with windows × length (attention's with
	// windows × length²), so without the cap a batch of long windows takes
	// many times the memory of one of short windows: BatchSize 32 at 512
	// tokens held over 0.6 GB of activations for a base-size BERT, more than
	// its weights. Zero means DefaultBatchTokens (2048: 32 windows of 64
	// tokens, 16 of 128, 4 of 512).
	BatchTokens int
	// Threads is the number of ONNX Runtime intra-op threads. Zero lets ONNX
	// Runtime choose (one per physical core).
	Threads int
	// Device is "cpu" or "cuda"; empty means "cpu". With "cuda" the model
	// runs on ONNX Runtime's CUDA execution provider, GPU 0; when that is not
	// available it runs on the CPU and says why in Info.Notes (and on Log).
	Device string
	// MaxLength is the largest number of tokens, special tokens included,
	// in one forward window. Zero means the model's own limit:
	// max_position_embeddings of config.json (less 2 for the RoBERTa family,
	// whose positions start after the padding index), capped by
	// model_max_length of tokenizer_config.json.
	MaxLength int
	// Stride is the number of subwords that consecutive windows of a long
	// sentence share. Zero means a quarter of the window; a negative value
	// means no overlap. Each word is labelled from the window in which its
	// first subword has the most context on its narrower side.
	Stride int
	// Types lists the entity types of the dataset. Every label of the model
	// must map to O or B-/I- of one of them. Nil means LOC, MISC, ORG and PER
	// (DaNE, Plank and CoNLL-2003).
	Types []string
	// LabelMap maps model labels to dataset labels. A key is a whole label
	// ("B-PERSON", "[CLS]") or an entity type ("PERSON"); a value is an
	// entity type ("PER") or "O". Entries here override the adapter's own.
	LabelMap map[string]string
	// RawUnicode passes words to the tokenizer as written. By default they
	// are converted to NFC first, so that composed and decomposed æ, ø and å
	// tokenise alike.
	RawUnicode bool
	// Log, when not nil, receives notes such as a CUDA fallback.
	Log io.Writer
}

// Spec describes a known model: what the registry shows and what Load
// checks. The zero Spec accepts any export folder.
type Spec struct {
	// Name is the adapter's name, also the folder name under the models
	// directory ("dabert").
	Name string `json:"name"`
	// Title names the model for people.
	Title string `json:"title"`
	// ModelID is the public id of the fine-tuned model.
	ModelID string `json:"model_id"`
	// Export is the command that makes the export folder.
	Export string `json:"export"`
	// Cased reports whether the tokenizer keeps case.
	Cased bool `json:"cased"`
	// PredictsMISC reports whether the model has MISC labels; a model
	// without them is scored with MISC off.
	PredictsMISC bool `json:"predicts_misc"`
	// Labels lists the model's labels as published. Load checks that the
	// export's labels give the same entity types after mapping (names, order
	// and case may differ); nil accepts any.
	Labels []string `json:"labels,omitempty"`
	// LabelMap holds the adapter's label mapping (see Config.LabelMap).
	LabelMap map[string]string `json:"label_map,omitempty"`
}

// Info describes a loaded model and how it runs; it is meant for results
// files, so that runs can be reproduced.
type Info struct {
	Spec        Spec              `json:"spec"`
	Dir         string            `json:"dir"`
	ModelType   string            `json:"model_type"`
	ModelLabels []string          `json:"model_labels"` // config.json id2label, in id order
	Labels      []string          `json:"labels"`       // after mapping, in id order
	LabelMap    map[string]string `json:"label_map"`    // the mapping in force
	Types       []string          `json:"types"`        // entity types after mapping, sorted
	Inputs      []string          `json:"inputs"`
	VocabSize   int               `json:"vocab_size"`
	MaxLength   int               `json:"max_length"`
	Stride      int               `json:"stride"`
	BatchSize   int               `json:"batch_size"`
	BatchTokens int               `json:"batch_tokens"`
	Threads     int               `json:"threads"` // 0: chosen by ONNX Runtime
	Device      string            `json:"device"`  // where it runs: cpu or cuda
	Unicode     string            `json:"unicode"` // NFC or raw
	Library     string            `json:"library"`
	ORTVersion  string            `json:"ort_version"`
	Notes       []string          `json:"notes,omitempty"`
}

// Stats counts what Tag did since the model was loaded.
type Stats struct {
	Sentences int
	Words     int
	Subwords  int
	// ZeroSubwordWords counts words that tokenised to no subwords (empty
	// words, lone control or zero-width characters). They are tagged O.
	ZeroSubwordWords int
	// ZeroSubwordExamples holds up to 20 such words, quoted.
	ZeroSubwordExamples []string
	// LongWords counts words with more subwords than a window holds; only
	// their leading subwords are fed to the model. Their first subword, and
	// so their label, is always kept.
	LongWords int
	// WindowedSentences counts sentences split over several windows.
	WindowedSentences int
	Windows           int
	Batches           int
	// PaddedTokens is the sum of batch size times padded length.
	PaddedTokens int
	// Forward is the time spent inside ONNX Runtime's Run.
	Forward time.Duration
	// Total is the time spent inside Tag.
	Total time.Duration
}

// Model is a token-classification model on ONNX Runtime. Its methods are
// safe for concurrent use; Tag calls run one at a time.
type Model struct {
	info     Info
	mu       sync.Mutex
	tok      *wordTokenizer
	sess     *onnxruntime.DynamicAdvancedSession
	useMask  bool
	useTypes bool
	nLabels  int
	labels   []string
	maxLen   int
	window   int // subwords per window, special tokens excluded
	stride   int
	batch    int
	// batchTokens caps windows × padded length per batch (Config.BatchTokens).
	batchTokens int
	ids         []int64
	mask        []int64
	types       []int64
	logits      []float32
	stats       Stats
	closed      bool
	// recording keeps a copy of every batch's inputs in recorded, for
	// Replay.
	recording bool
	recorded  []recordedBatch
}

// Load opens the export folder dir of any Hugging Face token-classification
// model (see the package documentation for its files).
func Load(ctx context.Context, dir string, cfg Config) (*Model, error) {
	return LoadSpec(ctx, dir, Spec{Name: filepath.Base(dir)}, cfg)
}

// LoadSpec opens the export folder dir and checks it against spec. Errors
// name the file at fault and wrap ErrModelFile, ErrConfig, ErrTokenizer,
// ErrLabel, ErrVocabSize or ErrNoLibrary.
func LoadSpec(ctx context.Context, dir string, spec Spec, cfg Config) (*Model, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if cfg.BatchSize < 0 || cfg.BatchTokens < 0 || cfg.Threads < 0 || cfg.MaxLength < 0 {
		return nil, fmt.Errorf("batch size, batch tokens, threads and max length must not be negative")
	}
	device := strings.ToLower(cfg.Device)
	if device == "" {
		device = "cpu"
	}
	if device != "cpu" && device != "cuda" {
		return nil, fmt.Errorf("device %q: want cpu or cuda", cfg.Device)
	}
	if st, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("model folder: %w", err)
	} else if !st.IsDir() {
		return nil, fmt.Errorf("model folder %s: not a directory", dir)
	}
	mc, modelLabels, err := readConfig(dir)
	if err != nil {
		return nil, err
	}
	configPath := filepath.Join(dir, ConfigFile)
	labelMap := maps.Clone(spec.LabelMap)
	if labelMap == nil {
		labelMap = map[string]string{}
	}
	maps.Copy(labelMap, cfg.LabelMap)
	types := cfg.Types
	if types == nil {
		types = defaultTypes
	}
	labels, err := mapLabels(configPath, modelLabels, labelMap, types)
	if err != nil {
		return nil, err
	}
	// The export must be the spec's model: its labels, under the spec's own
	// mapping (before any dataset mapping such as MISC to O), give the
	// spec's types.
	if want := spec.Types(); want != nil {
		got := Spec{Labels: modelLabels, LabelMap: spec.LabelMap}.Types()
		if !slices.Equal(got, want) {
			return nil, fmt.Errorf("%w: %s: labels %s give types %s, want %s for %s (is this the %s export?)", ErrLabel, configPath,
				strings.Join(modelLabels, " "), strings.Join(got, " "), strings.Join(want, " "), spec.Name, spec.ModelID)
		}
	}
	modelPath := filepath.Join(dir, ModelFile)
	if _, err := os.Stat(modelPath); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrModelFile, err)
	}
	tok, err := loadTokenizer(dir, cfg.RawUnicode)
	if err != nil {
		return nil, err
	}
	if tok.vocabSize != mc.VocabSize {
		return nil, fmt.Errorf("%w: %s has %d tokens but %s says vocab_size %d (export the tokenizer together with the model)",
			ErrVocabSize, filepath.Join(dir, TokenizerFile), tok.vocabSize, configPath, mc.VocabSize)
	}
	tc, err := readTokenizerConfig(dir)
	if err != nil {
		return nil, err
	}
	maxLen, err := maxLength(mc, tc, cfg.MaxLength, configPath)
	if err != nil {
		return nil, err
	}
	window := maxLen - len(tok.prefix) - len(tok.suffix)
	if window < 1 {
		return nil, fmt.Errorf("max length %d leaves no room beside %d special tokens", maxLen, len(tok.prefix)+len(tok.suffix))
	}
	stride := cfg.Stride
	switch {
	case stride == 0:
		stride = window / 4
	case stride < 0:
		stride = 0
	case stride >= window:
		return nil, fmt.Errorf("stride %d must be less than the %d subwords of a window", stride, window)
	}
	tok.padID = padID(mc, tok, dir)

	lib, err := initRuntime()
	if err != nil {
		return nil, err
	}
	m := &Model{
		tok: tok, nLabels: len(labels), labels: labels, maxLen: maxLen, window: window, stride: stride,
		batch: cmpOr(cfg.BatchSize, DefaultBatchSize), batchTokens: cmpOr(cfg.BatchTokens, DefaultBatchTokens),
	}
	inputs, output, err := m.checkGraph(modelPath, configPath)
	if err != nil {
		return nil, err
	}
	var notes []string
	m.sess, device, notes, err = newSession(modelPath, inputs, output, cfg.Threads, device)
	if err != nil {
		return nil, err
	}
	for _, n := range notes {
		if cfg.Log != nil {
			fmt.Fprintf(cfg.Log, "%s: %s\n", spec.Name, n)
		}
	}
	n := m.batch * maxLen
	m.ids, m.mask, m.types = make([]int64, n), make([]int64, n), make([]int64, n)
	m.logits = make([]float32, n*m.nLabels)
	unicode := "NFC"
	if cfg.RawUnicode {
		unicode = "raw"
	}
	m.info = Info{
		Spec: spec, Dir: dir, ModelType: mc.ModelType, ModelLabels: modelLabels, Labels: labels,
		LabelMap: labelMap, Types: typesOf(labels), Inputs: inputs, VocabSize: mc.VocabSize,
		MaxLength: maxLen, Stride: stride, BatchSize: m.batch, BatchTokens: m.batchTokens, Threads: cfg.Threads, Device: device,
		Unicode: unicode, Library: lib, ORTVersion: onnxruntime.GetVersion(), Notes: notes,
	}
	return m, nil
}

func cmpOr(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

// robertaFamily lists model types whose position ids start after the
// padding index, so two positions are not usable.
var robertaFamily = []string{"roberta", "xlm-roberta", "camembert", "xlm-roberta-xl", "longformer"}

func maxLength(mc *modelConfig, tc *tokenizerConfig, override int, configPath string) (int, error) {
	limit := mc.MaxPositions
	if slices.Contains(robertaFamily, mc.ModelType) {
		limit -= 2
	}
	if tc.ModelMaxLength > 0 && tc.ModelMaxLength < float64(limit) {
		limit = int(tc.ModelMaxLength)
	}
	if limit <= 0 && override == 0 {
		return 0, fmt.Errorf("%w: %s: no max_position_embeddings (set the max length)", ErrConfig, configPath)
	}
	if override > 0 {
		if limit > 0 && override > limit {
			return 0, fmt.Errorf("max length %d exceeds the model's %d (%s)", override, limit, configPath)
		}
		return override, nil
	}
	return limit, nil
}

// padID returns the padding id: config.json pad_token_id, else the
// pad_token of special_tokens_map.json, else 0. Padding is masked out, so
// it only matters for fidelity.
func padID(mc *modelConfig, tok *wordTokenizer, dir string) int64 {
	if mc.PadTokenID != nil {
		return int64(*mc.PadTokenID)
	}
	if m, err := readSpecialTokensMap(dir); err == nil {
		if name := specialTokenName(m["pad_token"]); name != "" {
			if id, ok := tok.tk.TokenToId(name); ok {
				return int64(id)
			}
		}
	}
	return 0
}

// knownInputs are the graph inputs the engine can feed.
var knownInputs = []string{"input_ids", "attention_mask", "token_type_ids"}

// checkGraph reads the graph's inputs and outputs and checks that they are
// those of a token classifier with the config's labels.
func (m *Model) checkGraph(modelPath, configPath string) (inputs []string, output string, err error) {
	ins, outs, err := GraphIO(modelPath)
	if err != nil {
		return nil, "", fmt.Errorf("%w: %w", ErrModelFile, err)
	}
	for _, in := range ins {
		if !slices.Contains(knownInputs, in.Name) {
			return nil, "", fmt.Errorf("%w: %s: unknown input %q (want %s)", ErrModelFile, modelPath, in.Name, strings.Join(knownInputs, ", "))
		}
		if in.DataType != onnxruntime.TensorElementDataTypeInt64 || len(in.Dimensions) != 2 {
			return nil, "", fmt.Errorf("%w: %s: input %q is %v %v, want int64 [batch, sequence]", ErrModelFile, modelPath, in.Name, in.DataType, in.Dimensions)
		}
		inputs = append(inputs, in.Name)
		m.useMask = m.useMask || in.Name == "attention_mask"
		m.useTypes = m.useTypes || in.Name == "token_type_ids"
	}
	if !slices.Contains(inputs, "input_ids") {
		return nil, "", fmt.Errorf("%w: %s: no input_ids input", ErrModelFile, modelPath)
	}
	var out *onnxruntime.InputOutputInfo
	for i := range outs {
		if outs[i].Name == "logits" || len(outs) == 1 {
			out = &outs[i]
			break
		}
	}
	if out == nil {
		return nil, "", fmt.Errorf("%w: %s: no logits output", ErrModelFile, modelPath)
	}
	if out.DataType != onnxruntime.TensorElementDataTypeFloat || len(out.Dimensions) != 3 {
		return nil, "", fmt.Errorf("%w: %s: output %q is %v %v, want float [batch, sequence, labels]", ErrModelFile, modelPath, out.Name, out.DataType, out.Dimensions)
	}
	if d := out.Dimensions[2]; d > 0 && int(d) != m.nLabels {
		return nil, "", fmt.Errorf("%w: %s has %d labels but %s gives %d scores per token", ErrLabel, configPath, m.nLabels, modelPath, d)
	}
	return inputs, out.Name, nil
}

// cudaProvider is the file of ONNX Runtime's CUDA execution provider,
// beside the main library in GPU builds.
const cudaProvider = "libonnxruntime_providers_cuda.so"

// newSession creates the one session a Model uses. With device "cuda" it
// tries the CUDA execution provider and falls back on the CPU with a note.
func newSession(modelPath string, inputs []string, output string, threads int, device string) (*onnxruntime.DynamicAdvancedSession, string, []string, error) {
	create := func(cuda bool) (*onnxruntime.DynamicAdvancedSession, error) {
		opts, err := onnxruntime.NewSessionOptions()
		if err != nil {
			return nil, err
		}
		defer opts.Destroy()
		if threads > 0 {
			if err := opts.SetIntraOpNumThreads(threads); err != nil {
				return nil, err
			}
			if err := opts.SetInterOpNumThreads(1); err != nil {
				return nil, err
			}
		}
		if cuda {
			co, err := onnxruntime.NewCUDAProviderOptions()
			if err != nil {
				return nil, err
			}
			err = opts.AppendExecutionProviderCUDA(co)
			_ = co.Destroy()
			if err != nil {
				return nil, err
			}
		}
		return onnxruntime.NewDynamicAdvancedSession(modelPath, inputs, []string{output}, opts)
	}
	var notes []string
	if device == "cuda" {
		provider := filepath.Join(filepath.Dir(envPath), cudaProvider)
		if _, err := os.Stat(provider); err != nil {
			notes = append(notes, fmt.Sprintf("CUDA unavailable, running on the CPU: this ONNX Runtime has no CUDA provider "+
				"(%s; it needs a GPU build of ONNX Runtime, CUDA and cuDNN)", provider))
		} else if s, err := create(true); err == nil {
			return s, "cuda", nil, nil
		} else {
			msg, _, _ := strings.Cut(err.Error(), "\n")
			notes = append(notes, fmt.Sprintf("CUDA unavailable, running on the CPU: the CUDA provider did not start: %s", strings.TrimSpace(msg)))
		}
	}
	s, err := create(false)
	if err != nil {
		return nil, "", nil, fmt.Errorf("%w: %s: %w", ErrModelFile, modelPath, err)
	}
	return s, "cpu", notes, nil
}

// Info describes the loaded model and how it runs.
func (m *Model) Info() Info {
	info := m.info
	info.ModelLabels = slices.Clone(info.ModelLabels)
	info.Labels = slices.Clone(info.Labels)
	info.LabelMap = maps.Clone(info.LabelMap)
	info.Types = slices.Clone(info.Types)
	info.Notes = slices.Clone(info.Notes)
	return info
}

// Types returns the entity types the model predicts after label mapping,
// sorted.
func (m *Model) Types() []string { return slices.Clone(m.info.Types) }

// Stats returns what Tag has done since Load.
func (m *Model) Stats() Stats {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.stats
	s.ZeroSubwordExamples = slices.Clone(s.ZeroSubwordExamples)
	return s
}

// Close frees the ONNX Runtime session. It is safe to call more than once.
func (m *Model) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return nil
	}
	m.closed = true
	err := m.sess.Destroy()
	m.sess = nil
	if err != nil {
		return fmt.Errorf("close %s: %w", m.info.Dir, err)
	}
	return nil
}

// Types returns the entity types the spec's labels give after its label
// mapping, sorted; nil when the spec accepts any labels.
func (s Spec) Types() []string {
	if s.Labels == nil {
		return nil
	}
	var mapped []string
	for _, l := range s.Labels {
		if m, ok := mapLabel(strings.ToUpper(l), s.LabelMap); ok {
			mapped = append(mapped, m)
		}
	}
	return typesOf(mapped)
}
