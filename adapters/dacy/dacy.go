package dacy

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Model names in the nerbench registry, also the folder names in the
// models folder.
const (
	Medium = "dacy-medium"
	Large  = "dacy-large"
)

// Packages are the released package names (unzipped folders) per model.
var Packages = map[string]string{
	Medium: "da_dacy_medium_tft-0.0.0",
	Large:  "da_dacy_large_tft-0.0.0",
}

// Types are the entity types DaCy predicts (DaNE's).
var Types = []string{"LOC", "MISC", "ORG", "PER"}

// Config holds the options of a loaded model. The zero Config gives the
// defaults.
type Config struct {
	// ONNXDir is the folder of the transformer's feature-extraction ONNX
	// export (model.onnx, and tokenizer.json unless transformer/model has
	// one) that EngineORT runs; empty means <package>/transformer/onnx.
	ONNXDir string `json:"onnx_dir,omitempty"`
	// Threads is ONNX Runtime's intra-op thread count (0: its default);
	// EngineTorch uses libtorch's (OMP_NUM_THREADS).
	Threads int `json:"threads,omitempty"`
	// Engine runs the transformer: EngineTorch (libtorch, on the released
	// pytorch_model.bin) or EngineORT (ONNX Runtime, on the export in
	// ONNXDir). Empty means EngineTorch in a torch build of nerbench and
	// EngineORT otherwise.
	Engine string `json:"engine,omitempty"`
	// Device is where EngineTorch runs: "cpu" (also when empty) or "cuda".
	// EngineORT always runs on the CPU.
	Device string `json:"device,omitempty"`
}

// ResolvedEngine returns the engine cfg selects.
func (cfg Config) ResolvedEngine() string {
	switch {
	case cfg.Engine != "":
		return cfg.Engine
	case torchBuild:
		return EngineTorch
	}
	return EngineORT
}

// Info is what a results file records about a loaded model.
type Info struct {
	Config
	Transformer string   `json:"transformer"`
	ModelType   string   `json:"model_type"`
	Engine      string   `json:"engine"`
	Window      int      `json:"window"`
	Stride      int      `json:"stride"`
	Moves       []string `json:"moves"`
	// Tokenization records that Docs are built from the given words,
	// bypassing spaCy's tokenizer, as the DaLUKE thesis ran DaCy.
	Tokenization string `json:"tokenization"`
	SpacyVersion string `json:"spacy_version,omitempty"`
}

// head is everything but the transformer: settings, NER weights and moves.
type head struct {
	dir      string
	settings *settings
	hf       *hfConfig
	ner      *ner
	meta     meta
}

// loadHead reads and checks config.cfg, meta.json, ner/cfg, ner/moves,
// ner/model and transformer/model/config.json.
func loadHead(dir string) (*head, error) {
	h := &head{dir: dir}
	cfg, err := readCfg(pkgFile(dir, "config.cfg"))
	if err != nil {
		return nil, err
	}
	if h.settings, err = readSettings(cfg); err != nil {
		return nil, err
	}
	metaPath := pkgFile(dir, "meta.json")
	if err := readJSON(metaPath, &h.meta); err != nil {
		return nil, err
	}
	var nc nerCfg
	nc.BeamWidth = 1
	cfgPath := pkgFile(dir, "ner", "cfg")
	if err := readJSON(cfgPath, &nc); err != nil {
		return nil, err
	}
	if nc.BeamWidth != 1 {
		return nil, fmt.Errorf("%s: %w: beam_width %d (only greedy decoding, beam_width 1, is implemented)", cfgPath, ErrUnsupported, nc.BeamWidth)
	}
	movesPath := pkgFile(dir, "ner", "moves")
	data, err := os.ReadFile(movesPath)
	if err != nil {
		return nil, err
	}
	moves, err := readMoves(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", movesPath, err)
	}
	labels := entityLabels(moves)
	for _, l := range labels {
		if !slices.Contains(Types, l) {
			return nil, fmt.Errorf("%s: %w: entity label %q is not one of DaNE's %s", movesPath, ErrUnsupported, l, strings.Join(Types, ", "))
		}
	}
	if ml, ok := h.meta.Labels["ner"]; ok {
		want := slices.Clone(ml)
		slices.Sort(want)
		if !slices.Equal(want, labels) {
			return nil, fmt.Errorf("%s: labels.ner %v disagree with %s's %v", metaPath, ml, movesPath, labels)
		}
	}
	hfPath := pkgFile(dir, "transformer", "model", "config.json")
	h.hf = &hfConfig{}
	if err := readJSON(hfPath, h.hf); err != nil {
		return nil, err
	}
	switch h.hf.ModelType {
	case "xlm-roberta", "roberta", "bert":
	default:
		return nil, fmt.Errorf("%s: %w: model_type %q (want xlm-roberta or bert)", hfPath, ErrUnsupported, h.hf.ModelType)
	}
	if h.hf.HiddenSize < 1 {
		return nil, fmt.Errorf("%s: %w: hidden_size", hfPath, ErrMissing)
	}
	modelPath := pkgFile(dir, "ner", "model")
	data, err = os.ReadFile(modelPath)
	if err != nil {
		return nil, err
	}
	nodes, err := readThinc(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", modelPath, err)
	}
	w, err := nerModel(nodes, h.hf.HiddenSize)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", modelPath, err)
	}
	s := h.settings
	wantNF := 3
	if s.ExtraTokens {
		wantNF = 6
	}
	switch {
	case w.HW != s.HiddenWidth:
		return nil, fmt.Errorf("%s: %w: the tok2vec linear has %d outputs, config.cfg hidden_width is %d", modelPath, ErrShape, w.HW, s.HiddenWidth)
	case w.NP != s.Maxout:
		return nil, fmt.Errorf("%s: %w: precomputable_affine has nP %d, config.cfg maxout_pieces is %d", modelPath, ErrShape, w.NP, s.Maxout)
	case w.NF != wantNF:
		return nil, fmt.Errorf("%s: %w: precomputable_affine has nF %d, want %d for state_type ner", modelPath, ErrShape, w.NF, wantNF)
	case (w.UpW != nil) != s.UseUpper:
		return nil, fmt.Errorf("%s: %w: config.cfg use_upper is %v but the model's upper layer disagrees", modelPath, ErrShape, s.UseUpper)
	case w.actions() != len(moves):
		return nil, fmt.Errorf("%s: %w: the model scores %d actions, ner/moves gives %d", modelPath, ErrShape, w.actions(), len(moves))
	}
	h.ner = &ner{w: w, moves: moves}
	return h, nil
}

// Model is a loaded DaCy NER pipeline (transformer + ner). It is not safe
// for concurrent use.
type Model struct {
	head *head
	tok  Tokenizer
	enc  Encoder
	info Info
	cut  int
}

// Load opens the DaCy package folder dir (see the package documentation)
// with the transformer engine cfg selects.
func Load(ctx context.Context, dir string, cfg Config) (*Model, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return nil, fmt.Errorf("%s: %w: not a DaCy package folder", dir, ErrMissing)
	}
	dir, err := findPackage(dir)
	if err != nil {
		return nil, err
	}
	h, err := loadHead(dir)
	if err != nil {
		return nil, err
	}
	onnxDir := cfg.ONNXDir
	if onnxDir == "" {
		onnxDir = pkgFile(dir, "transformer", "onnx")
	}
	modelDir := pkgFile(dir, "transformer", "model")
	switch engine := cfg.ResolvedEngine(); engine {
	case EngineTorch:
		tok, err := loadTokenizer(modelDir, h.hf.PadTokenID)
		if err != nil {
			return nil, err
		}
		device := cfg.Device
		if device == "" {
			device = "cpu"
		}
		e, err := newTorchEncoder(modelDir, h.hf, device)
		if err != nil {
			return nil, err
		}
		return newModel(h, tok, e, cfg, engine), nil
	case EngineORT:
		onnxPath := pkgFile(onnxDir, ONNXFile)
		if _, err := os.Stat(onnxPath); err != nil {
			return nil, fmt.Errorf("%s: %w; export the package's transformer once with `optimum-cli export onnx --task "+
				"feature-extraction %s %s`", onnxPath, err, modelDir, onnxDir)
		}
		tok, err := loadTokenizer(tokenizerDir(onnxDir, modelDir), h.hf.PadTokenID)
		if err != nil {
			return nil, err
		}
		e, err := newORTEncoder(onnxPath, h.hf.HiddenSize, cfg.Threads)
		if err != nil {
			return nil, err
		}
		return newModel(h, tok, e, cfg, engine), nil
	default:
		return nil, fmt.Errorf("%w: engine %q (want %s or %s)", ErrUnsupported, engine, EngineTorch, EngineORT)
	}
}

// tokenizerDir returns the first of dirs that holds tokenizer.json, or the
// last one (whose missing file loadTokenizer then reports).
func tokenizerDir(dirs ...string) string {
	for _, d := range dirs {
		if _, err := os.Stat(pkgFile(d, TokenizerFile)); err == nil {
			return d
		}
	}
	return dirs[len(dirs)-1]
}

// findPackage returns dir, or the one folder below it (at most two levels
// down, as unzipped DaCy archives nest: da_dacy_large_tft-0.0.0/
// da_dacy_large_tft/da_dacy_large_tft-0.0.0/) that holds config.cfg.
func findPackage(dir string) (string, error) {
	if _, err := os.Stat(pkgFile(dir, "config.cfg")); err == nil {
		return dir, nil
	}
	var found []string
	for _, pattern := range []string{"*/config.cfg", "*/*/config.cfg"} {
		m, _ := filepath.Glob(pkgFile(dir, pattern))
		found = append(found, m...)
	}
	switch len(found) {
	case 1:
		return filepath.Dir(found[0]), nil
	case 0:
		return "", fmt.Errorf("%s: %w: config.cfg (not a DaCy package folder)", dir, ErrMissing)
	}
	return "", fmt.Errorf("%s: %d DaCy packages below it (%s); keep one", dir, len(found), strings.Join(found, ", "))
}

func newModel(h *head, tok Tokenizer, enc Encoder, cfg Config, engine string) *Model {
	m := &Model{head: h, tok: tok, enc: enc}
	m.info = Info{Config: cfg, Transformer: h.settings.Transformer, ModelType: h.hf.ModelType, Engine: engine,
		Window: h.settings.Window, Stride: h.settings.Stride, SpacyVersion: h.meta.SpacyVersion,
		Tokenization: "Doc built from the given words (spaCy's tokenizer bypassed, as in the DaLUKE thesis)"}
	for _, a := range h.ner.moves {
		m.info.Moves = append(m.info.Moves, a.String())
	}
	return m
}

// Info returns what the results file records about the model.
func (m *Model) Info() Info { return m.info }

// maxPieces is model_max_length of both DaCy transformers.
const maxPieces = 512

// vectors returns the pooled token vectors [N, H] of one Doc.
func (m *Model) vectors(ctx context.Context, words []string) ([]float32, error) {
	p, err := tokenize(m.tok, words, m.head.settings.Window, m.head.settings.Stride, maxPieces)
	if err != nil {
		return nil, err
	}
	m.cut += p.cut
	if limit := m.head.hf.positions(); limit > 0 && p.L > limit {
		return nil, fmt.Errorf("%w: a span needs %d word pieces, transformer/model/config.json's max_position_embeddings allows %d",
			ErrShape, p.L, limit)
	}
	x, err := m.enc.Hidden(ctx, p.ids, p.mask)
	if err != nil {
		return nil, err
	}
	return pool(x, m.enc.Width(), align(words, p, m.tok.Specials())), nil
}

// Tag returns IOB2 tags for each sentence, one Doc per sentence.
func (m *Model) Tag(ctx context.Context, sentences [][]string) ([][]string, error) {
	out := make([][]string, len(sentences))
	for i, words := range sentences {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		for j, w := range words {
			if w == "" {
				return nil, fmt.Errorf("sentence %d: word %d is empty (spaCy rejects empty words, E031)", i+1, j+1)
			}
		}
		if len(words) == 0 {
			out[i] = []string{}
			continue
		}
		vecs, err := m.vectors(ctx, words)
		if err != nil {
			return nil, fmt.Errorf("sentence %d: %w", i+1, err)
		}
		_, out[i] = m.head.ner.decode(vecs, words)
	}
	return out, nil
}

// CutPieces returns how many word pieces spans have lost so far to the cut
// at 512 pieces that spacy-transformers applies (truncate_oversize_splits);
// the words they belonged to are pooled from their other pieces, or get a
// zero vector. A span of 128 words never needs that many on Danish text.
func (m *Model) CutPieces() int { return m.cut }

// Close frees the transformer engine.
func (m *Model) Close() error {
	if m.enc == nil {
		return nil
	}
	err := m.enc.Close()
	m.enc = nil
	return err
}
