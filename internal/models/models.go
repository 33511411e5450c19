// Package models is nerbench's registry of known NER models: for each, its
// name, the public model it stands for, what it was trained on, the entity
// types it predicts, how a user gets it, and how to load it from the models
// folder.
//
// The models folder holds one folder per model, named after the model
// ("dabert/", "daluke/"). It is found through the --models-dir flag, then
// $NERBENCH_MODELS, then $XDG_DATA_HOME/nerbench/models
// (~/.local/share/nerbench/models). The embedded baseline needs no folder.
package models

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/nerbench/nerbench/benchmarks"
)

// Model is a loaded model as the runner uses it.
type Model interface {
	benchmarks.Tagger
	Close() error
}

// Loaded is a model with what a result file records about it.
type Loaded struct {
	Model Model
	// Hash is "sha256:<hex>" of the model's files (for a folder: of every
	// file's relative path and content, in path order), and of any setting
	// that changes its predictions, such as a LoadOptions.LabelMap the
	// model applies.
	Hash string
	// Config is the adapter configuration used, recorded so that a run can
	// be reproduced. It must marshal to JSON.
	Config any
	// Provenance is what the model file says about how it was made, when it
	// says anything; nil otherwise. It must marshal to JSON.
	Provenance any
}

// Spec describes one known model.
type Spec struct {
	// Name is the registry name used with --model, and the folder name
	// inside the models folder.
	Name string
	// Title is the name used in tables, as in the DaLUKE thesis.
	Title string
	// ID is the public model id (Hugging Face hub id or release URL).
	ID string
	// TrainedOn names the training data, for the "Trained on" column.
	TrainedOn string
	// Types lists the entity types the model predicts after label mapping.
	Types []string
	// Get tells a user how to obtain the model folder, in full.
	Get string
	// Hint is Get in one short line (at most 60 characters), for the
	// default view of `models list`; empty means Get.
	Hint string
	// Embedded is true for models built into the binary.
	Embedded bool
	// Unavailable, when not empty, says why this binary cannot run the model
	// at all (for example a build tag it lacks), whatever the models folder
	// holds.
	Unavailable string
	// Load opens the model from dir, its folder in the models folder (empty
	// for embedded models).
	Load func(ctx context.Context, dir string, opts LoadOptions) (*Loaded, error)
	// Hash, when not nil, returns the Loaded.Hash that Load would give for
	// dir and opts without loading the model; when nil, Registry.Hash
	// loads it.
	Hash func(dir string, opts LoadOptions) (string, error)
}

// LoadOptions are the run-time settings a user may give any model. The zero
// value lets each adapter use its defaults.
type LoadOptions struct {
	// BatchSize is the adapter's own batch size (0: the adapter's default).
	BatchSize int
	// Threads is the number of compute threads (0: the runtime chooses).
	Threads int
	// Device is "cpu" or "cuda" ("" means cpu). Adapters that cannot use
	// the device run on the CPU and say so.
	Device string
	// Log receives notes, such as a fallback to the CPU.
	Log io.Writer
	// LabelMap maps model labels or types to dataset types ("PERSON" to
	// "PER", "EVT" to "O"), for adapters whose labels are not fixed; the
	// others ignore it and say so on Log.
	LabelMap map[string]string
}

// PredictsMISC reports whether the model predicts the MISC type.
func (s *Spec) PredictsMISC() bool { return slices.Contains(s.Types, "MISC") }

// ErrUnknown is wrapped by Lookup for a name that is not registered.
var ErrUnknown = errors.New("unknown model")

// ErrUnavailable is wrapped when a known model cannot be loaded here.
var ErrUnavailable = errors.New("model not available")

// Registry is a set of known models.
type Registry struct {
	specs []*Spec
}

// ErrDuplicate is wrapped by Build for two specs whose names are equal
// under case folding.
var ErrDuplicate = errors.New("duplicate model name")

// Build returns a registry of the given specs, kept in the given order. Its
// error wraps ErrDuplicate when two names are equal under case folding, as
// model names are looked up.
func Build(specs ...*Spec) (*Registry, error) {
	seen := map[string]*Spec{}
	for _, s := range specs {
		k := strings.ToLower(s.Name)
		if o, ok := seen[k]; ok {
			return nil, fmt.Errorf("%w: %s (%s) and %s (%s)", ErrDuplicate, o.Name, o.ID, s.Name, s.ID)
		}
		seen[k] = s
	}
	return &Registry{specs: specs}, nil
}

// New is Build for a fixed list of specs, such as nerbench's own registry.
// It panics if two specs share a name: that is a programming error. Specs
// built from user input go through Build.
func New(specs ...*Spec) *Registry {
	r, err := Build(specs...)
	if err != nil {
		panic("models: " + err.Error())
	}
	return r
}

// All returns the registered specs in registration order.
func (r *Registry) All() []*Spec { return r.specs }

// Lookup returns the spec called name; names are matched without regard to
// case ("DaBERT" finds "dabert"), and leading or trailing spaces are
// ignored.
func (r *Registry) Lookup(name string) (*Spec, error) {
	name = strings.TrimSpace(name)
	for _, s := range r.specs {
		if strings.EqualFold(s.Name, name) {
			return s, nil
		}
	}
	names := make([]string, len(r.specs))
	for i, s := range r.specs {
		names[i] = s.Name
	}
	sort.Strings(names)
	return nil, fmt.Errorf("%w %q (known: %s; use --model-dir for any other ONNX export)", ErrUnknown, name, strings.Join(names, ", "))
}

// Availability says whether a model can be run here and, if not, why.
func (r *Registry) Availability(s *Spec, modelsDir string) (ok bool, why string) {
	if s.Unavailable != "" {
		return false, s.Unavailable
	}
	if s.Embedded {
		return true, "embedded in the binary"
	}
	dir := filepath.Join(modelsDir, s.Name)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return false, fmt.Sprintf("no folder %s; %s", dir, s.Get)
	}
	return true, dir
}

// Open loads the model called name from modelsDir.
func (r *Registry) Open(ctx context.Context, name, modelsDir string, opts LoadOptions) (*Spec, *Loaded, error) {
	s, err := r.Lookup(name)
	if err != nil {
		return nil, nil, err
	}
	ok, why := r.Availability(s, modelsDir)
	if !ok {
		return nil, nil, fmt.Errorf("%w: %s: %s", ErrUnavailable, name, why)
	}
	dir := ""
	if !s.Embedded {
		dir = filepath.Join(modelsDir, s.Name)
	}
	l, err := s.Load(ctx, dir, opts)
	if err != nil {
		return nil, nil, fmt.Errorf("load model %s: %w", name, err)
	}
	return s, l, nil
}

// Hash returns the hash of the model called name as it is now in
// modelsDir, loaded with opts (Loaded.Hash): through Spec.Hash when set,
// else by loading the model. Its error wraps ErrUnknown or ErrUnavailable when the model cannot
// be found.
func (r *Registry) Hash(ctx context.Context, name, modelsDir string, opts LoadOptions) (string, error) {
	s, err := r.Lookup(name)
	if err != nil {
		return "", err
	}
	ok, why := r.Availability(s, modelsDir)
	if !ok {
		return "", fmt.Errorf("%w: %s: %s", ErrUnavailable, s.Name, why)
	}
	dir := ""
	if !s.Embedded {
		dir = filepath.Join(modelsDir, s.Name)
	}
	if s.Hash != nil {
		h, err := s.Hash(dir, opts)
		if err != nil {
			return "", fmt.Errorf("hash model %s: %w", s.Name, err)
		}
		return h, nil
	}
	l, err := s.Load(ctx, dir, opts)
	if err != nil {
		return "", fmt.Errorf("load model %s: %w", s.Name, err)
	}
	return l.Hash, l.Model.Close()
}

// Dir returns the models folder: flag if not empty, else $NERBENCH_MODELS,
// else $XDG_DATA_HOME/nerbench/models, else ~/.local/share/nerbench/models.
func Dir(flag string) (string, error) {
	if flag != "" {
		return flag, nil
	}
	if d := os.Getenv("NERBENCH_MODELS"); d != "" {
		return d, nil
	}
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "nerbench", "models"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("models folder: set --models-dir or NERBENCH_MODELS: %w", err)
	}
	return filepath.Join(home, ".local", "share", "nerbench", "models"), nil
}

// HashBytes returns "sha256:<hex>" of b.
func HashBytes(b []byte) string {
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// HashDir returns "sha256:<hex>" over every regular file below dir: its
// slash-separated relative path, a NUL, its length and its content, in path
// order. Symbolic links are followed for files.
func HashDir(dir string) (string, error) {
	var files []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("hash model folder: %w", err)
	}
	sort.Strings(files)
	h := sha256.New()
	for _, path := range files {
		rel, _ := filepath.Rel(dir, path)
		f, err := os.Open(path)
		if err != nil {
			return "", fmt.Errorf("hash model folder: %w", err)
		}
		fi, err := f.Stat()
		if err != nil {
			f.Close()
			return "", fmt.Errorf("hash model folder: %w", err)
		}
		fmt.Fprintf(h, "%s\x00%d\x00", filepath.ToSlash(rel), fi.Size())
		_, err = io.Copy(h, f)
		f.Close()
		if err != nil {
			return "", fmt.Errorf("hash model folder: %w", err)
		}
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil)), nil
}
