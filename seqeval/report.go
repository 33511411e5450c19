package seqeval

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// ClassificationReport returns the text of seqeval 1.2.2's
// classification_report(y_true, y_pred, digits=digits) character for
// character: a row per type, then the micro, macro and weighted averages.
// Its column widths follow seqeval's StringReporter: names right-aligned to
// the longest type name (at least len("weighted avg") and digits, counted in
// characters), numbers right-aligned to 9 characters.
//
// Where seqeval raises ValueError (no entities in gold or predictions),
// ClassificationReport prints the averages alone; a NaN prints as "nan".
// The report does not name the mode: see Header.
func (r *Result) ClassificationReport(digits int) string {
	width := max(len("weighted avg"), digits)
	for _, t := range r.Types {
		width = max(width, utf8.RuneCountInString(t))
	}
	var b strings.Builder
	b.WriteString(pad("", width))
	b.WriteByte(' ')
	for _, h := range []string{"precision", "recall", "f1-score", "support"} {
		b.WriteByte(' ')
		b.WriteString(pad(h, 9))
	}
	b.WriteString("\n\n")
	row := func(name string, m Metrics) {
		b.WriteString(pad(name, width))
		b.WriteByte(' ')
		for _, v := range []float64{m.Precision, m.Recall, m.F1} {
			b.WriteByte(' ')
			b.WriteString(pad(pyFloat(v, digits), 9))
		}
		b.WriteByte(' ')
		b.WriteString(pad(strconv.Itoa(m.Gold), 9))
		b.WriteByte('\n')
	}
	for _, t := range r.Types {
		row(t, r.PerType[t])
	}
	b.WriteByte('\n')
	row("micro avg", r.Micro)
	row("macro avg", r.Macro)
	row("weighted avg", r.Weighted)
	return b.String()
}

// pad right-aligns s to width characters, as Python's '{:>N}'.
func pad(s string, width int) string {
	n := utf8.RuneCountInString(s)
	if n >= width {
		return s
	}
	return strings.Repeat(" ", width-n) + s
}

// pyFloat formats v as Python's '{:.Nf}'.
func pyFloat(v float64, digits int) string {
	switch {
	case math.IsNaN(v):
		return "nan"
	case math.IsInf(v, 1):
		return "inf"
	case math.IsInf(v, -1):
		return "-inf"
	}
	return strconv.FormatFloat(v, 'f', digits, 64)
}

// Header returns one line naming how the result was computed, for
// example "mode: strict; scheme: IOB2; MISC: off; map: PERSON=PER;
// repairs: 2 gold IOB1 tags converted". Repairs that did not happen are
// left out.
func (r *Result) Header() string {
	var b strings.Builder
	fmt.Fprintf(&b, "mode: %v", r.Mode)
	if r.Scheme != NoScheme {
		fmt.Fprintf(&b, "; scheme: %v", r.Scheme)
	}
	if r.Suffix {
		b.WriteString("; suffix tags")
	}
	if r.NoMisc {
		b.WriteString("; MISC: off")
	} else {
		b.WriteString("; MISC: on")
	}
	if len(r.Map) > 0 {
		b.WriteString("; map:")
		for i, k := range sortedKeys(r.Map) {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, " %s=%s", k, r.Map[k])
		}
	}
	if r.ZeroDivisionOne {
		b.WriteString("; zero_division: 1")
	}
	rp := r.Repairs
	var parts []string
	for _, p := range []struct {
		what string
		n    int
	}{
		{"gold prefixes upper-cased", rp.GoldCase}, {"predicted prefixes upper-cased", rp.PredCase},
		{"gold IOB1 tags converted", rp.GoldIOB1}, {"predicted IOB1 tags converted", rp.PredIOB1},
		{"gold tags with unknown prefix", rp.GoldUnknown}, {"predicted tags with unknown prefix", rp.PredUnknown},
	} {
		if p.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", p.n, p.what))
		}
	}
	if len(parts) > 0 {
		fmt.Fprintf(&b, "; repairs: %s", strings.Join(parts, ", "))
		if rp.FirstUnknown != "" {
			fmt.Fprintf(&b, " (first: %s)", rp.FirstUnknown)
		}
	}
	return b.String()
}

// ConllCounts returns the counts of r in conlleval.pl's terms: the chunks
// of r's mode (not conlleval.pl's own; see Conlleval), with seqeval's
// untyped "_" and a type "0" read as conlleval's "", and the tags compared
// as conlleval.pl compares them (prefix and type split at the first '-').
func (r *Result) ConllCounts() ConllCounts {
	c := ConllCounts{Tokens: r.Tokens, CorrectTags: r.conllCorrectTags}
	byName := map[string]int{}
	for _, t := range r.Types {
		m := r.PerType[t]
		c.Correct += m.TP
		c.Gold += m.Gold
		c.Found += m.Predicted
		name := t
		if name == untyped || name == "0" {
			name = ""
		}
		i, ok := byName[name]
		if !ok {
			i = len(c.PerType)
			byName[name] = i
			c.PerType = append(c.PerType, ConllTypeCounts{Name: name})
		}
		c.PerType[i].Gold += m.Gold
		c.PerType[i].Found += m.Predicted
		c.PerType[i].Correct += m.TP
	}
	sort.Slice(c.PerType, func(i, j int) bool { return c.PerType[i].Name < c.PerType[j].Name })
	return c
}

// ConllevalReport returns the report of conlleval.pl (version 2004-01-26)
// byte for byte for the counts of r (see ConllCounts): the overall line,
// the accuracy line (absent for 0 tokens) and a line per type, whose last
// number is the predicted (found) count. As in conlleval.pl, a type ""
// found in both gold and predictions prints two identical lines. Padding
// counts bytes, as Perl does.
//
// These are the counts of r's mode and options. They equal conlleval.pl's
// in Default mode on B/I/O and E/I/O tags with types other than "_"; for
// conlleval.pl's own counts on any input, use Conlleval.
func (r *Result) ConllevalReport() string {
	c := r.ConllCounts()
	var b strings.Builder
	_ = c.WriteReport(&b)
	return b.String()
}

// conllPRF computes percentages in conlleval.pl's order of operations.
func conllPRF(tp, pred, gold int) (float64, float64, float64) {
	var p, r, f float64
	if pred > 0 {
		p = float64(100*tp) / float64(pred)
	}
	if gold > 0 {
		r = float64(100*tp) / float64(gold)
	}
	if p+r > 0 {
		f = 2 * p * r / (p + r)
	}
	return p, r, f
}

// jsonFloat is a float64 that encodes NaN and infinities as null.
type jsonFloat float64

func (f jsonFloat) MarshalJSON() ([]byte, error) {
	v := float64(f)
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return []byte("null"), nil
	}
	return json.Marshal(v)
}

type jsonMicro struct {
	Precision jsonFloat `json:"precision"`
	Recall    jsonFloat `json:"recall"`
	F1        jsonFloat `json:"f1"`
	TP        int       `json:"tp"`
	Predicted int       `json:"predicted"`
	Gold      int       `json:"gold"`
}

type jsonAverage struct {
	Precision jsonFloat `json:"precision"`
	Recall    jsonFloat `json:"recall"`
	F1        jsonFloat `json:"f1"`
	Support   int       `json:"support"`
}

type jsonType struct {
	Precision jsonFloat `json:"precision"`
	Recall    jsonFloat `json:"recall"`
	F1        jsonFloat `json:"f1"`
	TP        int       `json:"tp"`
	Predicted int       `json:"predicted"`
	Support   int       `json:"support"`
}

type jsonRepairs struct {
	GoldCase     int    `json:"gold_case"`
	PredCase     int    `json:"pred_case"`
	GoldIOB1     int    `json:"gold_iob1"`
	PredIOB1     int    `json:"pred_iob1"`
	GoldUnknown  int    `json:"gold_unknown"`
	PredUnknown  int    `json:"pred_unknown"`
	FirstUnknown string `json:"first_unknown,omitempty"`
}

type jsonConfusion struct {
	Labels []string `json:"labels"`
	Counts [][]int  `json:"counts"`
}

type jsonTokenCounts struct {
	TP int `json:"TP"`
	FP int `json:"FP"`
	FN int `json:"FN"`
	TN int `json:"TN"`
}

type jsonFBeta struct {
	Micro    jsonFloat            `json:"micro"`
	Macro    jsonFloat            `json:"macro"`
	Weighted jsonFloat            `json:"weighted"`
	PerType  map[string]jsonFloat `json:"per_type"`
}

type jsonNervalCounts struct {
	Correct   int       `json:"correct"`
	Incorrect int       `json:"incorrect"`
	Partial   int       `json:"partial"`
	Missed    int       `json:"missed"`
	Spurious  int       `json:"spurious"`
	Possible  int       `json:"possible"`
	Actual    int       `json:"actual"`
	Precision jsonFloat `json:"precision"`
	Recall    jsonFloat `json:"recall"`
	F1        jsonFloat `json:"f1"`
}

type jsonNerval struct {
	Reference string                                 `json:"reference"`
	Overall   map[string]jsonNervalCounts            `json:"overall"`
	PerType   map[string]map[string]jsonNervalCounts `json:"per_type"`
}

func nervalJSON(n *Nerval) jsonNerval {
	conv := func(c *[NumNervalSchemas]NervalCounts) map[string]jsonNervalCounts {
		m := make(map[string]jsonNervalCounts, NumNervalSchemas)
		for s := range NumNervalSchemas {
			x := c[s]
			m[s.String()] = jsonNervalCounts{x.Correct, x.Incorrect, x.Partial, x.Missed, x.Spurious, x.Possible, x.Actual,
				jsonFloat(x.Precision), jsonFloat(x.Recall), jsonFloat(x.F1)}
		}
		return m
	}
	j := jsonNerval{Reference: "nervaluate 1.1.0", Overall: conv(&n.Overall), PerType: make(map[string]map[string]jsonNervalCounts, len(n.Types))}
	for _, t := range n.Types {
		j.PerType[t] = conv(n.PerType[t])
	}
	return j
}

// JSONSchema is the schema name of Result.JSON.
const JSONSchema = "nerbench.score/v1"

type jsonResult struct {
	Schema       string                    `json:"schema"`
	Reference    string                    `json:"reference"`
	Mode         string                    `json:"mode"`
	Scheme       *string                   `json:"scheme"`
	Suffix       bool                      `json:"suffix"`
	NoMisc       bool                      `json:"no_misc"`
	Map          map[string]string         `json:"map"`
	ZeroDivision int                       `json:"zero_division"`
	Micro        jsonMicro                 `json:"micro"`
	Macro        jsonAverage               `json:"macro"`
	Weighted     jsonAverage               `json:"weighted"`
	PerType      map[string]jsonType       `json:"per_type"`
	Beta         jsonFloat                 `json:"beta"`
	FBeta        jsonFBeta                 `json:"f_beta"`
	Accuracy     jsonFloat                 `json:"accuracy"`
	TokenCounts  jsonTokenCounts           `json:"performance_measure"`
	Sentences    int                       `json:"sentences"`
	Tokens       int                       `json:"tokens"`
	CorrectTags  int                       `json:"correct_tags"`
	Repairs      jsonRepairs               `json:"repairs"`
	Errors       map[string]map[string]int `json:"errors"`
	ErrorTotal   map[string]int            `json:"errors_total"`
	Confusion    jsonConfusion             `json:"confusion"`
	Nervaluate   jsonNerval                `json:"nervaluate"`
}

func errorMap(c ErrorCounts) map[string]int {
	m := make(map[string]int, NumErrorKinds)
	for k := range NumErrorKinds {
		m[k.String()] = c[k]
	}
	return m
}

// JSON returns the result as indented JSON ending in a newline, in the
// schema documented in the package comment. Object keys are sorted, so the
// output is the same on every run. The keys errors, errors_total,
// confusion and nervaluate hold no counts unless Score had Options.Details.
func (r *Result) JSON() ([]byte, error) {
	j := jsonResult{
		Schema:    JSONSchema,
		Reference: "seqeval 1.2.2",
		Mode:      r.Mode.String(),
		Suffix:    r.Suffix,
		NoMisc:    r.NoMisc,
		Map:       map[string]string{},
		Micro: jsonMicro{jsonFloat(r.Micro.Precision), jsonFloat(r.Micro.Recall), jsonFloat(r.Micro.F1),
			r.Micro.TP, r.Micro.Predicted, r.Micro.Gold},
		Macro:    jsonAverage{jsonFloat(r.Macro.Precision), jsonFloat(r.Macro.Recall), jsonFloat(r.Macro.F1), r.Macro.Gold},
		Weighted: jsonAverage{jsonFloat(r.Weighted.Precision), jsonFloat(r.Weighted.Recall), jsonFloat(r.Weighted.F1), r.Weighted.Gold},
		PerType:  make(map[string]jsonType, len(r.Types)),
		Beta:     jsonFloat(r.Beta),
		FBeta: jsonFBeta{jsonFloat(r.FBeta.Micro), jsonFloat(r.FBeta.Macro), jsonFloat(r.FBeta.Weighted),
			make(map[string]jsonFloat, len(r.Types))},
		Accuracy:    jsonFloat(r.Accuracy),
		TokenCounts: jsonTokenCounts{r.TokenCounts.TP, r.TokenCounts.FP, r.TokenCounts.FN, r.TokenCounts.TN},
		Nervaluate:  nervalJSON(Nervaluate(r.Gold, r.Pred)),
		Sentences:   r.Sentences,
		Tokens:      r.Tokens,
		CorrectTags: r.CorrectTags,
		Repairs: jsonRepairs{r.Repairs.GoldCase, r.Repairs.PredCase, r.Repairs.GoldIOB1, r.Repairs.PredIOB1,
			r.Repairs.GoldUnknown, r.Repairs.PredUnknown, r.Repairs.FirstUnknown},
		Errors:     make(map[string]map[string]int, len(r.Types)),
		ErrorTotal: errorMap(r.ErrorTotal),
		Confusion:  jsonConfusion{Labels: r.Confusion.Labels, Counts: r.Confusion.Counts},
	}
	if r.Scheme != NoScheme {
		s := r.Scheme.String()
		j.Scheme = &s
	}
	for k, v := range r.Map {
		j.Map[k] = v
	}
	if r.ZeroDivisionOne {
		j.ZeroDivision = 1
	}
	for _, t := range r.Types {
		m := r.PerType[t]
		j.PerType[t] = jsonType{jsonFloat(m.Precision), jsonFloat(m.Recall), jsonFloat(m.F1), m.TP, m.Predicted, m.Gold}
		j.Errors[t] = errorMap(r.Errors[t])
		j.FBeta.PerType[t] = jsonFloat(r.FBeta.PerType[t])
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(j); err != nil {
		return nil, fmt.Errorf("encode result: %w", err)
	}
	return buf.Bytes(), nil
}
