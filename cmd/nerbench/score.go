package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nerbench/nerbench/benchmarks"
	"github.com/nerbench/nerbench/seqeval"
)

// scoreOutputs are the formats of `nerbench score`.
var scoreOutputs = []string{"conlleval", "latex", "seqeval", "nervaluate", "text", "markdown", "csv", "json"}

type scoreOptions struct {
	out       *streams
	file      string // "-" for standard input; "" with gold and pred
	gold      string // --gold FILE
	pred      string // --pred FILE
	opts      seqeval.Options
	output    string
	digits    int
	delimiter string // conlleval.pl's -d, a regular expression; "" or " " for the single space
	raw       bool   // conlleval.pl's -r
	outside   string // conlleval.pl's -o
}

func newScoreCmd(s *streams, runF func(context.Context, *scoreOptions) error) *cobra.Command {
	o := &scoreOptions{out: s}
	var mode, scheme, output, iob1, beta string
	var maps []string
	var zeroDivision int
	var latex bool
	cmd := &cobra.Command{
		Use:   "score [FILE|-] | score --gold FILE --pred FILE",
		Short: "Score tagged text like conlleval.pl, seqeval and nervaluate",
		Long: `Score a file in conlleval.pl's input format: one word per line with
columns whose last two are the gold and the predicted tag, and an empty line
(or a line whose first field is -X-) between sentences. With no FILE, or
with -, standard input is read. With --gold FILE --pred FILE, two aligned
files are read instead, each with the tag in its last column (as seqeval
users keep y_true and y_pred): their sentences must have the same lengths
and, where both files have a word column, the same words; the first place
where they differ is an error naming both lines.

Lines are read exactly as conlleval.pl reads them: columns are split at
every single space (--delimiter REGEX, conlleval.pl's -d, splits at a
regular expression instead, such as '\t'), a carriage return stays part of
the last tag (a note on standard error names the first such line), and a
line with another number of columns than the first is an error naming the
line. When conlleval.pl's rules count the conlleval or LaTeX report, a
regular file of 4 MiB or more is counted in segments cut after empty lines,
on all cores (GOMAXPROCS; GOMAXPROCS=1 counts it in one pass), with the
same output as one pass.

--output conlleval (the default) is conlleval.pl's report byte for byte on
every input that conlleval.pl accepts, with conlleval.pl's own chunking
rules (which differ from seqeval's on tags without prefix, S-, E- after I-,
".", "[" and "]"), and tags read as written; -l (--output latex) is
conlleval.pl's -l table, -r (--raw) its -r and --outside TAG its -o TAG
(the outside tag of raw input). --output seqeval prints seqeval's
classification_report, --output nervaluate nervaluate 1.x's summary reports
(strict, exact, partial and ent_type, overall and per type), --output
text|markdown|csv a table, and --output json every count and metric
(schema nerbench.score/v1, documented in the seqeval package).

The seqeval, nervaluate, table and JSON outputs chunk with seqeval's rules:
--mode default is seqeval's default mode, --mode strict needs --scheme
(IOB1, IOB2, IOE1, IOE2, IOBES or BILOU) and drops the chunks the scheme
does not allow, such as I-X after O in IOB2. --scheme IO reads IO tags (O,
PER or I-PER; a run of one type is one entity) in either mode, and in the
conlleval report too. With --mode strict or --suffix, the conlleval report
shows seqeval's counts in conlleval's layout. The mode, scheme, options and
tag repairs head the seqeval and nervaluate reports, are fields of the JSON
report, and are written to standard error with the other outputs.

Before seqeval's chunking, lower-case prefixes (b-per, o) are upper-cased
and counted (--keep-case scores them as written, as seqeval does);
--iob1-to-iob2 converts IOB1 tags. --no-misc drops MISC entities, which
equals replacing every *-MISC tag by O (the accuracy compares the tags so
replaced). --map FROM=TO renames an entity type (TO=O drops it); when any
--map is given, a predicted type that is neither mapped, a mapping target
nor a gold type is an error. --beta B adds seqeval's F-beta to the JSON
report, which also carries seqeval's performance_measure (token TP, FP, FN,
TN).`,
		Example: `  nerbench score output.conll
  nerbench score -l --delimiter '\t' < output.tsv
  nerbench score -r --outside OUT raw.txt
  nerbench score --gold gold.conll --pred pred.conll -o seqeval
  nerbench score -o seqeval --mode strict --scheme IOB2 < output.conll
  nerbench score -o nervaluate output.conll
  nerbench score --no-misc --map PERSON=PER --map LOCATION=LOC -o json output.conll`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) > 1 {
				return flagErrorf("score takes at most one FILE, got %d arguments", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			o.file = "-"
			if len(args) == 1 {
				o.file = args[0]
			}
			switch {
			case (o.gold == "") != (o.pred == ""):
				return flagErrorf("--gold and --pred go together")
			case o.gold != "" && len(args) > 0:
				return flagErrorf("give either FILE or --gold and --pred, not both")
			case o.gold != "":
				o.file = ""
			}
			var err error
			if o.opts.Mode, err = seqeval.ParseMode(mode); err != nil {
				return flagErrorf("--mode: %v", err)
			}
			if o.opts.Scheme, err = seqeval.ParseScheme(scheme); err != nil {
				return flagErrorf("--scheme: %v", err)
			}
			switch {
			case o.opts.Mode == seqeval.Strict && o.opts.Scheme == seqeval.NoScheme:
				return flagErrorf("--mode strict needs --scheme (IOB1, IOB2, IOE1, IOE2, IOBES, BILOU or IO)")
			case o.opts.Mode == seqeval.Default && o.opts.Scheme != seqeval.NoScheme && o.opts.Scheme != seqeval.IO:
				return flagErrorf("--scheme %v needs --mode strict", o.opts.Scheme)
			}
			if latex {
				if cmd.Flags().Changed("output") && output != "latex" {
					return flagErrorf("-l is --output latex; it cannot go with --output %s", output)
				}
				output = "latex"
			}
			if !slices.Contains(scoreOutputs, output) {
				return flagErrorf("--output %q: want one of %s", output, strings.Join(scoreOutputs, ", "))
			}
			o.output = output
			switch iob1 {
			case "":
			case "gold":
				o.opts.IOB1ToIOB2 = seqeval.GoldSide
			case "pred":
				o.opts.IOB1ToIOB2 = seqeval.PredSide
			case "both":
				o.opts.IOB1ToIOB2 = seqeval.BothSides
			default:
				return flagErrorf("--iob1-to-iob2 %q: want gold, pred or both", iob1)
			}
			if o.opts.IOB1ToIOB2 != 0 && o.conllevalEngine() {
				return flagErrorf("--iob1-to-iob2 applies to seqeval's chunking; the conlleval report reads IOB1 as conlleval.pl does (I- after O starts a chunk): use another --output")
			}
			if o.opts.Scheme == seqeval.IO && (o.opts.Suffix || o.opts.IOB1ToIOB2 != 0) {
				return flagErrorf("--scheme IO has no prefixes: it cannot go with --suffix or --iob1-to-iob2")
			}
			for _, m := range maps {
				from, to, ok := strings.Cut(m, "=")
				if !ok || from == "" || to == "" {
					return flagErrorf("--map %q: want FROM=TO", m)
				}
				if o.opts.Map == nil {
					o.opts.Map = map[string]string{}
				}
				if prev, dup := o.opts.Map[from]; dup && prev != to {
					return flagErrorf("--map: %s mapped to both %s and %s", from, prev, to)
				}
				o.opts.Map[from] = to
			}
			switch zeroDivision {
			case 0:
			case 1:
				o.opts.ZeroDivisionOne = true
			default:
				return flagErrorf("--zero-division %d: want 0 or 1", zeroDivision)
			}
			if o.digits < 0 || o.digits > 15 {
				return flagErrorf("--digits %d: want 0 to 15", o.digits)
			}
			b, err := strconv.ParseFloat(beta, 64)
			if err != nil || !(b > 0) {
				return flagErrorf("--beta %q: want a number > 0 (or inf); beta 0 is the precision", beta)
			}
			if b != 1 {
				o.opts.Beta = b
			}
			if o.delimiter == "" {
				return flagErrorf("--delimiter: want a regular expression, not the empty string")
			}
			if _, err := regexp.Compile(o.delimiter); err != nil {
				return flagErrorf("--delimiter %q: %v", o.delimiter, err)
			}
			if o.outside == "" {
				return flagErrorf("--outside: want a tag, not the empty string")
			}
			if o.outside != "O" && !o.raw {
				fmt.Fprintf(o.out.Err, "nerbench: --outside %s has no effect without --raw, as conlleval.pl's -o\n", o.outside)
			}
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return runScore(cmd.Context(), o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&mode, "mode", "default", "chunker: default or strict")
	f.StringVar(&scheme, "scheme", "", "scheme: IOB1, IOB2, IOE1, IOE2, IOBES or BILOU (strict mode), or IO (either mode)")
	f.BoolVar(&o.opts.NoMisc, "no-misc", false, "drop MISC entities (as if every *-MISC tag were O)")
	f.StringVarP(&output, "output", "o", "conlleval", "report format: "+strings.Join(scoreOutputs, ", "))
	f.BoolVarP(&latex, "latex", "l", false, "conlleval.pl's -l: its LaTeX table (--output latex)")
	f.BoolVarP(&o.raw, "raw", "r", false, "conlleval.pl's -r: tags have no prefixes; every tag but O is one word's chunk")
	f.StringVar(&o.outside, "outside", "O", "conlleval.pl's -o: the outside tag of --raw input")
	f.StringVar(&o.delimiter, "delimiter", " ", "conlleval.pl's -d: the column delimiter, a regular expression")
	f.StringVar(&o.gold, "gold", "", "file of gold tags (last column), aligned with --pred")
	f.StringVar(&o.pred, "pred", "", "file of predicted tags (last column), aligned with --gold")
	f.StringArrayVar(&maps, "map", nil, "rename entity type FROM to TO (FROM=TO, repeatable; TO=O drops it)")
	f.BoolVar(&o.opts.KeepCase, "keep-case", false, "score tags as written, without upper-casing prefixes")
	f.StringVar(&iob1, "iob1-to-iob2", "", "convert IOB1 tags to IOB2 first: gold, pred or both")
	f.BoolVar(&o.opts.Suffix, "suffix", false, "read suffix-style tags (PER-B)")
	f.IntVar(&o.digits, "digits", 2, "digits of the seqeval and nervaluate reports")
	f.IntVar(&zeroDivision, "zero-division", 0, "value of an undefined precision or recall: 0 or 1")
	f.StringVar(&beta, "beta", "1", "beta of the F-beta score in the JSON report (seqeval's beta)")
	_ = cmd.RegisterFlagCompletionFunc("output", cobra.FixedCompletions(scoreOutputs, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// conllevalEngine reports whether the output is conlleval.pl's, counted by
// seqeval.Conlleval: the conlleval and LaTeX reports in default mode with
// prefix tags.
func (o *scoreOptions) conllevalEngine() bool {
	return (o.output == "conlleval" || o.output == "latex") && o.opts.Mode == seqeval.Default && !o.opts.Suffix
}

// openInput opens the input for streaming and returns its name; close
// closes it (a no-op for standard input).
func openInput(o *scoreOptions, file string) (io.Reader, string, func(), error) {
	if file == "-" {
		return o.out.In, "<stdin>", func() {}, nil
	}
	f, err := os.Open(file)
	if err != nil {
		return nil, file, nil, err
	}
	return f, file, func() { f.Close() }, nil
}

func runScore(ctx context.Context, o *scoreOptions) error {
	src, err := openScoreSource(o)
	if err != nil {
		return err
	}
	defer src.close()
	if o.conllevalEngine() {
		return scoreConlleval(ctx, o, src)
	}
	in, err := readSentences(ctx, src, o)
	if err != nil {
		return err
	}
	opts := o.opts
	// Only JSON and nervaluate need the entities, the breakdown and the
	// confusion matrix.
	opts.Details = o.output == "json" || o.output == "nervaluate"
	res, err := seqeval.Score(in.gold, in.pred, opts)
	if err != nil {
		var te *seqeval.TagError
		if errors.As(err, &te) && te.Sentence < len(in.goldLine) {
			return &benchmarks.ParseError{File: in.fileOf(te.Side), Line: in.lineOf(te.Side, te.Sentence) + te.Word, Err: err}
		}
		return fmt.Errorf("score %s: %w", src.name(), err)
	}
	if te := res.FirstUnknown; te != nil {
		res.Repairs.FirstUnknown = fmt.Sprintf("%s:%d: %s tag %q: %s", in.fileOf(te.Side), in.lineOf(te.Side, te.Sentence)+te.Word, te.Side, te.Tag, te.Reason)
	}
	src.notes(o.out.Err)
	return writeScore(o, res)
}

// scoreConlleval streams the input through conlleval.pl's counter.
func scoreConlleval(ctx context.Context, o *scoreOptions, src *scoreSource) error {
	c := newConllevalCounter(o)
	if one := src.one; one != nil {
		split, err := countSplit(ctx, o, one, c)
		if !split {
			err = countConll(ctx, one, c)
		}
		if err != nil {
			return err
		}
	} else if err := countAligned(ctx, src, c); err != nil {
		return err
	}
	if err := c.Err(); err != nil {
		return fmt.Errorf("score %s: %w", src.name(), err)
	}
	counts := c.Counts()
	header := "nerbench: chunks: conlleval.pl's rules"
	if c.IO {
		header += "; scheme: IO"
	}
	if c.Raw {
		header += "; raw tags (outside tag " + o.outside + ")"
	}
	if c.NoMisc {
		header += "; MISC: off"
	} else {
		header += "; MISC: on"
	}
	if len(c.Map) > 0 {
		header += "; map:"
		for i, k := range slices.Sorted(mapsKeys(c.Map)) {
			if i > 0 {
				header += ","
			}
			header += " " + k + "=" + c.Map[k]
		}
	}
	fmt.Fprintln(o.out.Err, header)
	if counts.LowerCasePrefixes > 0 {
		fmt.Fprintf(o.out.Err, "nerbench: %d tags with a lower-case prefix read as written, as conlleval.pl does (the seqeval outputs upper-case them)\n", counts.LowerCasePrefixes)
	}
	src.notes(o.out.Err)
	if o.output == "latex" {
		return counts.WriteLaTeX(o.out.Out)
	}
	return counts.WriteReport(o.out.Out)
}

// countAligned counts the tags of two aligned files with c.
func countAligned(ctx context.Context, src *scoreSource, c *seqeval.Conlleval) error {
	for n := 0; ; n++ {
		if n&0xffff == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		kind, err := src.nextAligned()
		if err != nil {
			return err
		}
		switch kind {
		case lineEOF:
			return nil
		case lineBoundary:
			c.Boundary()
			continue
		}
		if err := c.TokenBytes(src.gold, src.pred); err != nil {
			file, line := src.place(strings.HasPrefix(err.Error(), "gold"))
			return &benchmarks.ParseError{File: file, Line: line, Err: err}
		}
	}
}

func mapsKeys(m map[string]string) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// scoreSource yields (gold, predicted) tag pairs and boundaries from one
// file or from two aligned files.
type scoreSource struct {
	one        *conllReader // FILE
	g, p       *conllReader // --gold, --pred
	ga, pa     *alignedReader
	gold, pred []byte
	closers    []func()
}

func openScoreSource(o *scoreOptions) (*scoreSource, error) {
	var delim *regexp.Regexp
	if o.delimiter != " " && o.delimiter != "" {
		delim = regexp.MustCompile(o.delimiter) // checked with the flags
	}
	s := &scoreSource{}
	if o.file != "" {
		in, name, closeIn, err := openInput(o, o.file)
		if err != nil {
			return nil, err
		}
		s.closers = append(s.closers, closeIn)
		s.one = newStreamReader(name, in, delim)
		return s, nil
	}
	if o.gold == "-" && o.pred == "-" {
		return nil, flagErrorf("--gold and --pred cannot both be standard input")
	}
	gin, gname, closeG, err := openInput(o, o.gold)
	if err != nil {
		return nil, err
	}
	s.closers = append(s.closers, closeG)
	pin, pname, closeP, err := openInput(o, o.pred)
	if err != nil {
		s.close()
		return nil, err
	}
	s.closers = append(s.closers, closeP)
	s.g, s.p = newStreamReader(gname, gin, delim), newStreamReader(pname, pin, delim)
	s.ga, s.pa = &alignedReader{r: s.g}, &alignedReader{r: s.p}
	return s, nil
}

// close closes the input files.
func (s *scoreSource) close() {
	for _, c := range s.closers {
		c()
	}
	s.closers = nil
}

func (s *scoreSource) name() string {
	if s.one != nil {
		return s.one.name
	}
	return s.g.name + " and " + s.p.name
}

// place returns the file and line of the current gold or predicted tag.
func (s *scoreSource) place(gold bool) (string, int) {
	switch {
	case s.one != nil:
		return s.one.name, s.one.line
	case gold:
		return s.g.name, s.g.line
	}
	return s.p.name, s.p.line
}

// notes writes what the reading noticed, to standard error.
func (s *scoreSource) notes(w io.Writer) {
	for _, r := range []*conllReader{s.one, s.g, s.p} {
		if r != nil && r.cr > 0 {
			fmt.Fprintf(w, "nerbench: %s:%d: the line ends in a carriage return, which stays part of the last tag, as in conlleval.pl (convert the file to LF line ends)\n", r.name, r.cr)
		}
	}
}

// next reads the next token or boundary. With two files, runs of
// boundaries count as one, boundaries at the start and the end count as
// none, and a token in one file against a boundary or the end in the
// other, or a different word, is an error naming both lines.
func (s *scoreSource) next() (lineKind, error) {
	if s.one == nil {
		return s.nextAligned()
	}
	k, err := s.one.next(2)
	s.gold, s.pred = s.one.before, s.one.last
	return k, err
}

// nextAligned is next for two files.
func (s *scoreSource) nextAligned() (lineKind, error) {
	gk, err := s.ga.next()
	if err != nil {
		return 0, err
	}
	pk, err := s.pa.next()
	if err != nil {
		return 0, err
	}
	if gk != pk {
		return 0, s.misaligned(gk, pk)
	}
	if gk != lineToken {
		return gk, nil
	}
	if s.g.n >= 2 && s.p.n >= 2 && string(s.g.first) != string(s.p.first) {
		return 0, fmt.Errorf("%s:%d and %s:%d: misaligned: word %q in gold, %q in predictions", s.g.name, s.g.line, s.p.name, s.p.line, s.g.first, s.p.first)
	}
	s.gold, s.pred = s.g.last, s.p.last
	return lineToken, nil
}

// alignedReader reads one of two aligned files, with runs of boundaries
// as one and no boundary at the start or before the end.
type alignedReader struct {
	r                *conllReader
	pending, started bool // a token read after a boundary; a token returned
}

func (a *alignedReader) next() (lineKind, error) {
	if a.pending {
		a.pending = false
		return lineToken, nil
	}
	boundary := false
	for {
		k, err := a.r.next(1)
		switch {
		case err != nil:
			return 0, err
		case k == lineBoundary:
			boundary = true
			continue
		case k == lineEOF:
			return lineEOF, nil
		case boundary && a.started:
			a.pending = true
			return lineBoundary, nil
		}
		a.started = true
		return lineToken, nil
	}
}

func (s *scoreSource) misaligned(gk, pk lineKind) error {
	what := func(k lineKind) string {
		switch k {
		case lineEOF:
			return "the end of the file"
		case lineBoundary:
			return "a sentence boundary"
		}
		return "a word"
	}
	return fmt.Errorf("%s:%d and %s:%d: misaligned: %s in gold, %s in predictions", s.g.name, s.g.line, s.p.name, s.p.line, what(gk), what(pk))
}

// sentences are the input read into sentences for seqeval.Score. Tags are
// interned: the tag strings are allocated once per distinct tag.
type sentences struct {
	gold, pred         [][]string
	goldLine, predLine []int // line of each sentence's first word
	goldFile, predFile string
}

func (in *sentences) fileOf(side string) string {
	if side == "predicted" {
		return in.predFile
	}
	return in.goldFile
}

func (in *sentences) lineOf(side string, sent int) int {
	if side == "predicted" {
		return in.predLine[sent]
	}
	return in.goldLine[sent]
}

func readSentences(ctx context.Context, src *scoreSource, o *scoreOptions) (*sentences, error) {
	in := &sentences{}
	in.goldFile, _ = src.place(true)
	in.predFile, _ = src.place(false)
	// The tags are read into ids of distinct tags (4 bytes a word, cheap
	// to grow), and the string slices are made once at the end, at their
	// final size.
	ids := map[string]int32{}
	var names []string
	id := func(b []byte) int32 {
		if k, ok := ids[string(b)]; ok {
			return k
		}
		s := string(b)
		t := s
		if o.raw { // conlleval.pl's -r and -o, as for the conlleval report
			if t == o.outside {
				t = "O"
			}
			if t != "O" {
				t = "B-" + t
			}
		}
		k := int32(len(names))
		ids[s] = k
		names = append(names, t)
		return k
	}
	var gIDs, pIDs []int32
	var lens []int
	start := 0
	flush := func() {
		if len(gIDs) > start {
			lens = append(lens, len(gIDs)-start)
		}
		start = len(gIDs)
	}
	for n := 0; ; n++ {
		if n&0xffff == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		kind, err := src.next()
		if err != nil {
			return nil, err
		}
		if kind == lineEOF {
			break
		}
		if kind == lineBoundary {
			flush()
			continue
		}
		if len(gIDs) == start {
			_, gl := src.place(true)
			_, pl := src.place(false)
			in.goldLine = append(in.goldLine, gl)
			in.predLine = append(in.predLine, pl)
		}
		gIDs = append(gIDs, id(src.gold))
		pIDs = append(pIDs, id(src.pred))
	}
	flush()
	gAll, pAll := make([]string, len(gIDs)), make([]string, len(pIDs))
	for i, k := range gIDs {
		gAll[i] = names[k]
	}
	for i, k := range pIDs {
		pAll[i] = names[k]
	}
	in.gold, in.pred = make([][]string, len(lens)), make([][]string, len(lens))
	off := 0
	for i, n := range lens {
		in.gold[i] = gAll[off : off+n : off+n]
		in.pred[i] = pAll[off : off+n : off+n]
		off += n
	}
	return in, nil
}

// writeScore writes a seqeval result in the chosen format.
func writeScore(o *scoreOptions, res *seqeval.Result) error {
	var err error
	switch o.output {
	case "conlleval":
		fmt.Fprintf(o.out.Err, "nerbench: %s\n", res.Header())
		_, err = io.WriteString(o.out.Out, res.ConllevalReport())
	case "latex":
		fmt.Fprintf(o.out.Err, "nerbench: %s\n", res.Header())
		c := res.ConllCounts()
		err = c.WriteLaTeX(o.out.Out)
	case "seqeval":
		_, err = fmt.Fprintf(o.out.Out, "%s\n\n%s", res.Header(), res.ClassificationReport(o.digits))
	case "nervaluate":
		n := seqeval.Nervaluate(res.Gold, res.Pred)
		var b strings.Builder
		b.WriteString(res.Header() + "\n\n")
		b.WriteString(nervaluateReport(n, o.digits))
		_, err = io.WriteString(o.out.Out, b.String())
	case "json":
		var b []byte
		if b, err = res.JSON(); err == nil {
			_, err = o.out.Out.Write(b)
		}
	default:
		err = writeScoreTable(o, res)
	}
	return err
}
