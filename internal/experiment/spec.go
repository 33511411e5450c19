package experiment

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"

	"github.com/nerbench/nerbench/benchmarks"
	"github.com/nerbench/nerbench/golden/published"
)

// SpecSchema is the value of a spec's optional schema key.
const SpecSchema = "nerbench.experiment/v1"

// ParseError is an error in a spec file, at a line (1-based; 0 when it
// concerns the whole file).
type ParseError struct {
	File string
	Line int
	Err  error
}

func (e *ParseError) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: %v", e.File, e.Err)
	}
	return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
}

func (e *ParseError) Unwrap() error { return e.Err }

// ErrSpec is wrapped by every error about the content of a spec.
var ErrSpec = errors.New("bad experiment spec")

// Shape is the table shape an experiment reports in.
type Shape string

// The table shapes, after the DaLUKE thesis's tables.
const (
	// Seeds: one row per seed, then the mean with its Student-t interval
	// and the standard deviation (Table 6.15).
	Seeds Shape = "seeds"
	// Folds: one row per cross-validation fold, then the mean with its
	// Student-t interval and the standard deviation (Table 6.16).
	Folds Shape = "folds"
	// Cross: one row per test set and training set, and the train × test
	// matrix of the first metric (Table 6.17).
	Cross Shape = "cross"
	// Features: one row per feature switch (Table 6.19).
	Features Shape = "features"
	// Grid: one row per combination of hyper-parameters (Table A.3).
	Grid Shape = "grid"
)

var shapes = []Shape{Seeds, Folds, Cross, Features, Grid}

// ParamType is the type of a model parameter.
type ParamType string

// The parameter types.
const (
	Int    ParamType = "int"
	Float  ParamType = "float"
	Bool   ParamType = "bool"
	String ParamType = "string"
)

// Kind is a model kind that experiments can name: the parameters it takes,
// its feature switches and the Runner that trains it.
type Kind struct {
	// Name is the spec's model.kind, such as "baseline".
	Name string
	// Params are the parameters model.params and axes.grid may set, with
	// their types. Any other key is an error.
	Params map[string]ParamType
	// Features lists the accepted values of axes.features; the first is
	// the default, used when the spec sets none.
	Features []string
	// Runner trains and predicts. A nil Runner can be planned but not run;
	// Unavailable says why.
	Runner      Runner
	Unavailable string
}

// Resources are what one job asks of a cluster scheduler.
type Resources struct {
	// Time is the wall-clock limit of one job, as HH:MM:SS or D-HH:MM:SS.
	Time string `toml:"time" json:"time"`
	// CPUs per job, at least 1.
	CPUs int `toml:"cpus" json:"cpus"`
	// Mem is the memory per job with a unit suffix (K, M, G, T), such as "4G".
	Mem string `toml:"mem" json:"mem"`
	// GPUs per job, 0 for none.
	GPUs int `toml:"gpus" json:"gpus"`
	// Partition (Slurm) or queue (LSF); empty for the default.
	Partition string `toml:"partition" json:"partition"`
	// MaxParallel is the most array tasks run at once (%K); 0 means no
	// limit.
	MaxParallel int `toml:"max_parallel" json:"max_parallel"`
}

// DataRef names a dataset and the splits an experiment uses from it.
type DataRef struct {
	Dataset          string
	Train, Dev, Test string
	// CVPool lists the splits pooled for cross-validation: train, dev and
	// test, in that order.
	CVPool []string
}

// Spec is a validated experiment spec.
type Spec struct {
	// File is the path the spec was read from.
	File      string
	Name      string
	Title     string
	Shape     Shape
	Published string
	Kind      *Kind
	// Params are the fixed model parameters, canonical text by name.
	Params map[string]string
	// Train and Test are the training and test datasets. With Same, job
	// i trains on Train[i] and tests on Test[i]; otherwise every training
	// set is tested on every test set.
	Train, Test []DataRef
	Same        bool
	Seeds       []uint64
	// Folds is k of k-fold cross-validation, 0 for none; FoldSeed seeds the
	// fold assignment.
	Folds    int
	FoldSeed uint64
	Features []string
	// Grid holds the hyper-parameter lists, canonical text, by name;
	// GridKeys lists the names in sorted order.
	Grid      map[string][]string
	GridKeys  []string
	Metrics   []published.Metric
	Level     float64
	Resources Resources
}

// fileSpec is the TOML document.
type fileSpec struct {
	Schema    string `toml:"schema"`
	Name      string `toml:"name"`
	Title     string `toml:"title"`
	Table     string `toml:"table"`
	Published string `toml:"published"`
	Model     struct {
		Kind   string         `toml:"kind"`
		Params map[string]any `toml:"params"`
	} `toml:"model"`
	Data struct {
		Datasets []string                `toml:"datasets"`
		Train    []string                `toml:"train"`
		Test     []string                `toml:"test"`
		Splits   map[string]fileSplitSet `toml:"splits"`
	} `toml:"data"`
	Axes struct {
		Seeds    []int64          `toml:"seeds"`
		Folds    int              `toml:"folds"`
		FoldSeed int64            `toml:"fold_seed"`
		Features []string         `toml:"features"`
		Grid     map[string][]any `toml:"grid"`
	} `toml:"axes"`
	Report struct {
		Metrics []string `toml:"metrics"`
		Level   float64  `toml:"level"`
	} `toml:"report"`
	Resources Resources `toml:"resources"`
}

type fileSplitSet struct {
	Train string `toml:"train"`
	Dev   string `toml:"dev"`
	Test  string `toml:"test"`
}

// DefaultMetrics are reported when the spec's report.metrics is empty.
var DefaultMetrics = []published.Metric{
	published.F1, published.Precision, published.Recall, published.F1NoMISC,
	published.F1LOC, published.F1PER, published.F1ORG, published.F1MISC,
}

// LoadSpec reads and validates the spec file at path against the model
// kinds and datasets of env. Errors are *ParseError values naming the file
// and the line of the offending key, and wrap ErrSpec for content errors.
func LoadSpec(path string, env *Env) (*Spec, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read spec: %w", err)
	}
	return ParseSpec(path, data, env)
}

// ParseSpec validates the spec document data, read from file.
func ParseSpec(file string, data []byte, env *Env) (*Spec, error) {
	var fs fileSpec
	dec := toml.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&fs); err != nil {
		var de *toml.DecodeError
		var sm *toml.StrictMissingError
		switch {
		case errors.As(err, &sm) && len(sm.Errors) > 0:
			e := sm.Errors[0]
			row, _ := e.Position()
			return nil, &ParseError{File: file, Line: row, Err: fmt.Errorf("%w: unknown key %s", ErrSpec, strings.Join(e.Key(), "."))}
		case errors.As(err, &de):
			row, _ := de.Position()
			msg := de.Error()
			if k := de.Key(); len(k) > 0 {
				msg = strings.Join(k, ".") + ": " + msg
			}
			return nil, &ParseError{File: file, Line: row, Err: fmt.Errorf("%w: %s", ErrSpec, msg)}
		}
		return nil, &ParseError{File: file, Err: fmt.Errorf("%w: %v", ErrSpec, err)}
	}
	v := &validator{file: file, lines: keyLines(data)}
	s := v.spec(&fs, env)
	if v.err != nil {
		return nil, v.err
	}
	return s, nil
}

// keyLines maps every dotted key of the document ("axes.seeds",
// "data.splits.plank.train") and every table header to its 1-based line.
func keyLines(data []byte) map[string]int {
	lines := map[string]int{}
	var p unstable.Parser
	p.Reset(data)
	var prefix []string
	keyOf := func(n *unstable.Node) ([]string, int) {
		var parts []string
		line := 0
		it := n.Key()
		for it.Next() {
			k := it.Node()
			if line == 0 {
				line = p.Shape(k.Raw).Start.Line
			}
			parts = append(parts, string(k.Data))
		}
		return parts, line
	}
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table, unstable.ArrayTable:
			k, line := keyOf(e)
			prefix = k
			if _, ok := lines[strings.Join(k, ".")]; !ok {
				lines[strings.Join(k, ".")] = line
			}
		case unstable.KeyValue:
			k, line := keyOf(e)
			full := strings.Join(append(slices.Clone(prefix), k...), ".")
			lines[full] = line
		}
	}
	return lines
}

// validator collects the first error, with the line of the key it concerns.
type validator struct {
	file  string
	lines map[string]int
	err   error
}

// failf records an error about key (a dotted path; the line of the longest
// existing prefix is used).
func (v *validator) failf(key, format string, args ...any) {
	if v.err != nil {
		return
	}
	line := 0
	for k := key; k != ""; {
		if l, ok := v.lines[k]; ok {
			line = l
			break
		}
		i := strings.LastIndexByte(k, '.')
		if i < 0 {
			break
		}
		k = k[:i]
	}
	v.err = &ParseError{File: v.file, Line: line, Err: fmt.Errorf("%w: %s: %s", ErrSpec, key, fmt.Sprintf(format, args...))}
}

var nameRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`) })

func (v *validator) spec(fs *fileSpec, env *Env) *Spec {
	s := &Spec{File: v.file, Name: fs.Name, Title: fs.Title, Published: fs.Published, Params: map[string]string{}, Grid: map[string][]string{}}
	if fs.Schema != "" && fs.Schema != SpecSchema {
		v.failf("schema", "got %q, want %q", fs.Schema, SpecSchema)
	}
	if !nameRE().MatchString(fs.Name) {
		v.failf("name", "got %q, want a name of lower-case letters, digits, '.', '_' and '-'", fs.Name)
	}
	if strings.ContainsAny(fs.Title, "\n\r") {
		v.failf("title", "want one line")
	}
	s.Shape = Shape(fs.Table)
	if !slices.Contains(shapes, s.Shape) {
		v.failf("table", "got %q, want one of %s", fs.Table, joinShapes())
	}
	if fs.Published != "" {
		if _, err := published.ByID(fs.Published); err != nil {
			// Tables 6.19 and A.3 are not stored as data; allow any
			// thesis-style number but nothing else.
			if !regexp.MustCompile(`^[A-Z0-9]+\.[0-9]+$`).MatchString(fs.Published) {
				v.failf("published", "got %q, want a thesis table number such as 6.15", fs.Published)
			}
		}
	}

	// Model.
	k := env.kind(fs.Model.Kind)
	if k == nil {
		v.failf("model.kind", "unknown model kind %q (want %s)", fs.Model.Kind, strings.Join(env.kindNames(), ", "))
		return s
	}
	s.Kind = k
	for _, name := range sortedKeys(fs.Model.Params) {
		if t, ok := v.param(k, "model.params."+name, name, fs.Model.Params[name]); ok {
			s.Params[name] = t
		}
	}

	// Data.
	v.data(s, fs, env)

	// Axes.
	if len(fs.Axes.Seeds) == 0 {
		s.Seeds = []uint64{1}
	}
	for i, seed := range fs.Axes.Seeds {
		if seed < 0 {
			v.failf("axes.seeds", "seed %d is negative", seed)
		}
		if slices.Contains(fs.Axes.Seeds[:i], seed) {
			v.failf("axes.seeds", "seed %d is listed twice", seed)
		}
		s.Seeds = append(s.Seeds, uint64(seed))
	}
	switch {
	case fs.Axes.Folds < 0 || fs.Axes.Folds == 1:
		v.failf("axes.folds", "got %d, want 0 (no cross-validation) or at least 2", fs.Axes.Folds)
	case fs.Axes.Folds > 100:
		v.failf("axes.folds", "got %d, want at most 100", fs.Axes.Folds)
	}
	s.Folds = fs.Axes.Folds
	if fs.Axes.FoldSeed < 0 {
		v.failf("axes.fold_seed", "got %d, want a non-negative seed", fs.Axes.FoldSeed)
	}
	s.FoldSeed = uint64(fs.Axes.FoldSeed)
	if _, set := v.lines["axes.fold_seed"]; set && s.Folds == 0 {
		v.failf("axes.fold_seed", "set without axes.folds")
	}
	if s.Folds > 0 && !s.Same {
		v.failf("axes.folds", "cross-validation needs data.datasets (each dataset is split into folds), not data.train and data.test")
	}
	s.Features = fs.Axes.Features
	if len(s.Features) == 0 && len(k.Features) > 0 {
		s.Features = []string{k.Features[0]}
	}
	for i, f := range s.Features {
		if !slices.Contains(k.Features, f) {
			v.failf("axes.features", "model kind %s has no feature switch %q (want %s)", k.Name, f, strings.Join(k.Features, ", "))
		}
		if slices.Contains(s.Features[:i], f) {
			v.failf("axes.features", "%q is listed twice", f)
		}
	}
	for _, name := range sortedKeys(fs.Axes.Grid) {
		key := "axes.grid." + name
		if _, fixed := s.Params[name]; fixed {
			v.failf(key, "%s is also fixed in model.params", name)
		}
		vals := fs.Axes.Grid[name]
		if len(vals) == 0 {
			v.failf(key, "empty list")
		}
		var texts []string
		for _, raw := range vals {
			t, ok := v.param(k, key, name, raw)
			if !ok {
				break
			}
			if slices.Contains(texts, t) {
				v.failf(key, "value %s is listed twice", t)
			}
			texts = append(texts, t)
		}
		s.Grid[name] = texts
		s.GridKeys = append(s.GridKeys, name)
	}

	// The axis the table shows must vary, or the table says nothing.
	switch s.Shape {
	case Seeds:
		if len(s.Seeds) < 2 {
			v.failf("axes.seeds", "table %q needs at least two seeds", s.Shape)
		}
	case Folds:
		if s.Folds == 0 {
			v.failf("axes.folds", "table %q needs axes.folds", s.Shape)
		}
	case Cross:
		if s.Same && len(s.Train) < 2 {
			v.failf("data", "table %q needs data.train and data.test, or at least two data.datasets", s.Shape)
		}
	case Features:
		if len(fs.Axes.Features) == 0 {
			v.failf("axes.features", "table %q needs axes.features", s.Shape)
		}
	case Grid:
		if len(s.GridKeys) == 0 {
			v.failf("axes.grid", "table %q needs axes.grid", s.Shape)
		}
	}

	// Report.
	for i, m := range fs.Report.Metrics {
		pm := published.Metric(m)
		if !pm.Known() {
			names := make([]string, 0, len(published.Metrics()))
			for _, x := range published.Metrics() {
				names = append(names, string(x))
			}
			v.failf("report.metrics", "unknown metric %q (want %s)", m, strings.Join(names, ", "))
		}
		if slices.Contains(fs.Report.Metrics[:i], m) {
			v.failf("report.metrics", "%q is listed twice", m)
		}
		s.Metrics = append(s.Metrics, pm)
	}
	if len(s.Metrics) == 0 {
		s.Metrics = slices.Clone(DefaultMetrics)
	}
	s.Level = fs.Report.Level
	if s.Level == 0 {
		s.Level = 0.95
	}
	if !(s.Level > 0 && s.Level < 1) {
		v.failf("report.level", "got %v, want a confidence level in (0, 1)", fs.Report.Level)
	}

	// Resources.
	r := fs.Resources
	if r.Time == "" {
		r.Time = "01:00:00"
	}
	if !regexp.MustCompile(`^([0-9]+-)?[0-9]{1,2}:[0-9]{2}:[0-9]{2}$`).MatchString(r.Time) {
		v.failf("resources.time", "got %q, want HH:MM:SS or D-HH:MM:SS", r.Time)
	}
	if r.CPUs == 0 {
		r.CPUs = 1
	}
	if r.CPUs < 0 {
		v.failf("resources.cpus", "got %d, want at least 1", r.CPUs)
	}
	if r.Mem == "" {
		r.Mem = "4G"
	}
	if !regexp.MustCompile(`^[0-9]+[KMGT]$`).MatchString(r.Mem) {
		v.failf("resources.mem", "got %q, want a number with a unit K, M, G or T, such as 4G", r.Mem)
	}
	if r.GPUs < 0 {
		v.failf("resources.gpus", "got %d, want 0 or more", r.GPUs)
	}
	if r.MaxParallel < 0 {
		v.failf("resources.max_parallel", "got %d, want 0 (no limit) or more", r.MaxParallel)
	}
	if r.Partition != "" && !regexp.MustCompile(`^[A-Za-z0-9_.-]+$`).MatchString(r.Partition) {
		v.failf("resources.partition", "got %q, want a partition name", r.Partition)
	}
	s.Resources = r
	return s
}

// param checks one parameter value against the kind and returns its
// canonical text.
func (v *validator) param(k *Kind, key, name string, raw any) (string, bool) {
	t, ok := k.Params[name]
	if !ok {
		v.failf(key, "model kind %s has no parameter %q (want %s)", k.Name, name, strings.Join(sortedKeys(k.Params), ", "))
		return "", false
	}
	switch t {
	case Int:
		if i, ok := raw.(int64); ok {
			return strconv.FormatInt(i, 10), true
		}
	case Float:
		switch x := raw.(type) {
		case int64:
			return strconv.FormatFloat(float64(x), 'g', -1, 64), true
		case float64:
			if !math.IsNaN(x) && !math.IsInf(x, 0) {
				return strconv.FormatFloat(x, 'g', -1, 64), true
			}
		}
	case Bool:
		if b, ok := raw.(bool); ok {
			return strconv.FormatBool(b), true
		}
	case String:
		if s, ok := raw.(string); ok && s != "" && !strings.ContainsFunc(s, func(r rune) bool { return r < ' ' || r == 0x7f }) {
			return s, true
		}
	}
	v.failf(key, "got %v (%T), want a %s", raw, raw, t)
	return "", false
}

func (v *validator) data(s *Spec, fs *fileSpec, env *Env) {
	d := fs.Data
	switch {
	case len(d.Datasets) > 0 && (len(d.Train) > 0 || len(d.Test) > 0):
		v.failf("data.datasets", "give either data.datasets or data.train and data.test, not both")
		return
	case len(d.Datasets) > 0:
		s.Same = true
		s.Train = v.refs(env, "data.datasets", d.Datasets, d.Splits)
		s.Test = s.Train
	case len(d.Train) > 0 && len(d.Test) > 0:
		s.Train = v.refs(env, "data.train", d.Train, d.Splits)
		s.Test = v.refs(env, "data.test", d.Test, d.Splits)
	default:
		v.failf("data", "want data.datasets, or data.train and data.test")
		return
	}
	for name := range d.Splits {
		used := false
		for _, r := range append(slices.Clone(s.Train), s.Test...) {
			used = used || r.Dataset == name
		}
		if !used {
			v.failf("data.splits."+name, "dataset %q is not used by the experiment", name)
		}
	}
}

func (v *validator) refs(env *Env, key string, names []string, splits map[string]fileSplitSet) []DataRef {
	var out []DataRef
	for i, name := range names {
		if slices.Contains(names[:i], name) {
			v.failf(key, "dataset %q is listed twice", name)
			return nil
		}
		ds := env.dataset(name)
		if ds == nil {
			v.failf(key, "unknown dataset %q (want %s)", name, strings.Join(env.datasetNames(), ", "))
			return nil
		}
		r := DataRef{Dataset: name, Train: defaultTrainSplit(ds), Dev: "dev", Test: "test"}
		if o, ok := splits[name]; ok {
			if o.Train != "" {
				r.Train = o.Train
			}
			if o.Dev != "" {
				r.Dev = o.Dev
			}
			if o.Test != "" {
				r.Test = o.Test
			}
		}
		for _, sp := range []struct{ field, split string }{{"train", r.Train}, {"dev", r.Dev}, {"test", r.Test}} {
			if !slices.Contains(ds.Splits, sp.split) {
				v.failf("data.splits."+name+"."+sp.field, "dataset %s has no split %q (want %s)", name, sp.split, strings.Join(ds.Splits, ", "))
				return nil
			}
		}
		if r.Train == r.Dev || r.Train == r.Test || r.Dev == r.Test {
			v.failf("data.splits."+name, "train, dev and test must be different splits, got %s, %s, %s", r.Train, r.Dev, r.Test)
			return nil
		}
		r.CVPool = []string{r.Train, r.Dev, r.Test}
		out = append(out, r)
	}
	return out
}

// defaultTrainSplit is "train", or for datasets without one (Plank) the
// first split whose name starts with "train" ("train-10k").
func defaultTrainSplit(ds *benchmarks.Dataset) string {
	if slices.Contains(ds.Splits, "train") {
		return "train"
	}
	for _, s := range ds.Splits {
		if strings.HasPrefix(s, "train") {
			return s
		}
	}
	return "train"
}

func joinShapes() string {
	var names []string
	for _, s := range shapes {
		names = append(names, string(s))
	}
	return strings.Join(names, ", ")
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
