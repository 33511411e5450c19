package experiment

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/nerbench/nerbench/internal/atomicfile"
)

// IDSalt starts every hashed job description. Change it only when the
// meaning of a hashed line changes, which re-runs every job.
const IDSalt = "nerbench.job/v1"

// FoldScheme names the fold assignment (see Folds in the package doc); it
// is hashed into the id of every cross-validation job.
const FoldScheme = "nerbench.folds/v1"

// Split names a dataset split.
type Split struct {
	Dataset string `json:"dataset"`
	Split   string `json:"split"`
}

func (s Split) String() string { return s.Dataset + " " + s.Split }

// CV places a job in k-fold cross-validation.
type CV struct {
	// K is the number of folds, Fold the test fold (1..K) and Seed the seed
	// of the fold assignment.
	K    int    `json:"k"`
	Fold int    `json:"fold"`
	Seed uint64 `json:"seed"`
}

// Config is everything that changes a job's result. Paths, --jobs, log
// levels and cluster resources are not part of it.
type Config struct {
	// Model is the model kind.
	Model string `json:"model"`
	// Params holds the model parameters (fixed and grid), canonical text
	// by name.
	Params map[string]string `json:"params,omitempty"`
	// Features is the feature switch, "" for a kind without any.
	Features string `json:"features,omitempty"`
	// Train, Dev and Test are the splits; with CV they are the splits
	// pooled (in this order) before the folds are drawn.
	Train Split `json:"train"`
	Dev   Split `json:"dev"`
	Test  Split `json:"test"`
	CV    *CV   `json:"cv,omitempty"`
	// Seed seeds training.
	Seed uint64 `json:"seed"`
}

// Lines returns the hashed description of c: one "key value" line per
// field, in a fixed order, parameters sorted by name.
func (c Config) Lines() []string {
	lines := []string{"model " + c.Model}
	for _, k := range sortedKeys(c.Params) {
		lines = append(lines, "param "+k+" "+c.Params[k])
	}
	if c.Features != "" {
		lines = append(lines, "features "+c.Features)
	}
	lines = append(lines, "train "+c.Train.String(), "dev "+c.Dev.String(), "test "+c.Test.String())
	if c.CV != nil {
		lines = append(lines,
			"cv-scheme "+FoldScheme,
			"cv-folds "+strconv.Itoa(c.CV.K),
			"cv-fold "+strconv.Itoa(c.CV.Fold),
			"cv-seed "+strconv.FormatUint(c.CV.Seed, 10))
	}
	lines = append(lines, "seed "+strconv.FormatUint(c.Seed, 10))
	return lines
}

// ID returns the job id: the SHA-256, in hex, of IDSalt and a newline
// followed by Lines, each ended by a newline.
func (c Config) ID() string {
	h := sha256.New()
	io.WriteString(h, IDSalt+"\n")
	for _, l := range c.Lines() {
		io.WriteString(h, l+"\n")
	}
	return hex.EncodeToString(h.Sum(nil))
}

// TestSplitName is the split name recorded in the result file: the test
// split, or "cvK" for cross-validation (as in published Table 6.16).
func (c Config) TestSplitName() string {
	if c.CV != nil {
		return "cv" + strconv.Itoa(c.CV.K)
	}
	return c.Test.Split
}

// Job is one training run of a plan.
type Job struct {
	// Index is the job's place in the plan, from 1 (the array task id).
	Index  int    `json:"index"`
	ID     string `json:"id"`
	Config Config `json:"config"`
}

// Short returns the first 12 hex digits of the id.
func (j Job) Short() string { return j.ID[:min(12, len(j.ID))] }

// PlanSchema is the schema of plan.json.
const PlanSchema = "nerbench.plan/v1"

// Plan is the expanded list of jobs of a spec.
type Plan struct {
	Schema string `json:"schema"`
	Name   string `json:"name"`
	Jobs   []Job  `json:"jobs"`
}

// NewPlan expands s into its jobs: for each training/test pair, feature
// switch, grid combination (keys sorted, the last varying fastest), fold
// and seed, in that nesting order.
func NewPlan(s *Spec) (*Plan, error) {
	type pair struct{ train, test DataRef }
	var pairs []pair
	if s.Same {
		for _, r := range s.Train {
			pairs = append(pairs, pair{r, r})
		}
	} else {
		for _, tr := range s.Train {
			for _, te := range s.Test {
				pairs = append(pairs, pair{tr, te})
			}
		}
	}
	combos := []map[string]string{{}}
	for _, k := range s.GridKeys {
		var next []map[string]string
		for _, c := range combos {
			for _, v := range s.Grid[k] {
				m := map[string]string{}
				for kk, vv := range c {
					m[kk] = vv
				}
				m[k] = v
				next = append(next, m)
			}
		}
		combos = next
	}
	features := s.Features
	if len(features) == 0 {
		features = []string{""}
	}
	folds := max(s.Folds, 1)
	p := &Plan{Schema: PlanSchema, Name: s.Name}
	seen := map[string]int{}
	for _, pr := range pairs {
		for _, f := range features {
			for _, combo := range combos {
				for fold := 1; fold <= folds; fold++ {
					for _, seed := range s.Seeds {
						c := Config{
							Model: s.Kind.Name, Features: f, Seed: seed,
							Train: Split{pr.train.Dataset, pr.train.Train},
							Dev:   Split{pr.train.Dataset, pr.train.Dev},
							Test:  Split{pr.test.Dataset, pr.test.Test},
						}
						if len(s.Params)+len(combo) > 0 {
							c.Params = map[string]string{}
							for k, v := range s.Params {
								c.Params[k] = v
							}
							for k, v := range combo {
								c.Params[k] = v
							}
						}
						if s.Folds > 0 {
							c.CV = &CV{K: s.Folds, Fold: fold, Seed: s.FoldSeed}
						}
						id := c.ID()
						if prev, dup := seen[id]; dup {
							return nil, fmt.Errorf("%s: %w: jobs %d and %d have the same configuration", s.File, ErrSpec, prev, len(p.Jobs)+1)
						}
						seen[id] = len(p.Jobs) + 1
						p.Jobs = append(p.Jobs, Job{Index: len(p.Jobs) + 1, ID: id, Config: c})
					}
				}
			}
		}
	}
	return p, nil
}

// ErrPlanChanged is returned when plan.json exists and holds other jobs.
var ErrPlanChanged = errors.New("plan changed")

// ErrPlanCorrupt is wrapped when plan.json does not verify.
var ErrPlanCorrupt = errors.New("bad plan file")

// Check verifies that every job's id is the hash of its configuration and
// that indexes run from 1.
func (p *Plan) Check() error {
	if p.Schema != PlanSchema {
		return fmt.Errorf("%w: schema %q, want %q", ErrPlanCorrupt, p.Schema, PlanSchema)
	}
	for i, j := range p.Jobs {
		if j.Index != i+1 {
			return fmt.Errorf("%w: job %d has index %d", ErrPlanCorrupt, i+1, j.Index)
		}
		if got := j.Config.ID(); got != j.ID {
			return fmt.Errorf("%w: job %d: id %s does not match its configuration (hash %s)", ErrPlanCorrupt, j.Index, j.ID, got)
		}
	}
	return nil
}

// Job returns the job with the given 1-based index.
func (p *Plan) Job(index int) (Job, error) {
	if index < 1 || index > len(p.Jobs) {
		return Job{}, fmt.Errorf("job index %d out of range 1..%d", index, len(p.Jobs))
	}
	return p.Jobs[index-1], nil
}

func (p *Plan) encode() ([]byte, error) {
	data, err := json.MarshalIndent(p, "", "  ")
	return append(data, '\n'), err
}

// Digest returns "sha256:<hex>" over the plan file's bytes.
func (p *Plan) Digest() (string, error) {
	data, err := p.encode()
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(data)
	return "sha256:" + hex.EncodeToString(sum[:]), nil
}

// ReadPlan reads and checks a plan file.
func ReadPlan(path string) (*Plan, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var p Plan
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("%s: %w: %v", path, ErrPlanCorrupt, err)
	}
	if err := p.Check(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &p, nil
}

// WritePlan writes p to path once: if the file exists, it must hold the
// same jobs in the same order, otherwise the error wraps ErrPlanChanged
// and names the first difference.
func WritePlan(path string, p *Plan) error {
	old, err := ReadPlan(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		data, err := p.encode()
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		return atomicfile.WriteFile(path, data, 0o644)
	case err != nil:
		return err
	}
	if len(old.Jobs) != len(p.Jobs) {
		return fmt.Errorf("%s: %w: it has %d jobs, the spec now gives %d (use another --dir, or remove the folder to start over)", path, ErrPlanChanged, len(old.Jobs), len(p.Jobs))
	}
	for i := range p.Jobs {
		if old.Jobs[i].ID != p.Jobs[i].ID {
			return fmt.Errorf("%s: %w: job %d was %s, the spec now gives %s (use another --dir, or remove the folder to start over)",
				path, ErrPlanChanged, i+1, strings.Join(old.Jobs[i].Config.Lines(), "; "), strings.Join(p.Jobs[i].Config.Lines(), "; "))
		}
	}
	if old.Name != p.Name {
		return fmt.Errorf("%s: %w: experiment %q, the spec is now %q", path, ErrPlanChanged, old.Name, p.Name)
	}
	return nil
}

// Varying returns the axes whose value differs between the plan's jobs,
// in the order train, test, features, the grid keys, fold, seed.
func (p *Plan) Varying() []string {
	var out []string
	for _, ax := range p.axes() {
		first := ""
		for i, j := range p.Jobs {
			v := j.coord(ax)
			if i == 0 {
				first = v
			} else if v != first {
				out = append(out, ax)
				break
			}
		}
	}
	return out
}

func (p *Plan) axes() []string {
	axes := []string{"train", "test", "features"}
	var params []string
	for _, j := range p.Jobs {
		for k := range j.Config.Params {
			if !slices.Contains(params, "param:"+k) {
				params = append(params, "param:"+k)
			}
		}
	}
	slices.Sort(params)
	return append(append(axes, params...), "fold", "seed")
}

// coord returns the job's value on an axis, as text.
func (j Job) coord(axis string) string {
	c := j.Config
	switch axis {
	case "train":
		return c.Train.Dataset
	case "test":
		return c.Test.Dataset
	case "features":
		return c.Features
	case "fold":
		if c.CV == nil {
			return ""
		}
		return strconv.Itoa(c.CV.Fold)
	case "seed":
		return strconv.FormatUint(c.Seed, 10)
	}
	if k, ok := strings.CutPrefix(axis, "param:"); ok {
		return c.Params[k]
	}
	return ""
}
