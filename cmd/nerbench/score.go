package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nerbench/nerbench/benchmarks"
	"github.com/nerbench/nerbench/seqeval"
)

// scoreOutputs are the formats of `nerbench score`.
var scoreOutputs = []string{"conlleval", "seqeval", "json"}

type scoreOptions struct {
	out    *streams
	file   string // "-" for standard input
	opts   seqeval.Options
	output string
	digits int
}

func newScoreCmd(s *streams, runF func(context.Context, *scoreOptions) error) *cobra.Command {
	o := &scoreOptions{out: s}
	var mode, scheme, output, iob1 string
	var maps []string
	var zeroDivision int
	cmd := &cobra.Command{
		Use:   "score [FILE|-]",
		Short: "Score tagged text like conlleval.pl and seqeval",
		Long: `Score a file in conlleval.pl's input format: one word per line with
whitespace-separated columns whose last two are the gold and the predicted
tag, and a blank line (or a line whose first field is -X-) between
sentences. With no FILE, or with -, standard input is read.

--output conlleval (the default) prints conlleval.pl's report byte for byte;
on B/I/O and E/I/O tags its counts equal conlleval.pl's. --output seqeval
prints seqeval's classification_report, and --output json the raw counts
(tp, predicted, gold per type) with the metrics, as documented in the
seqeval package.

--mode default is seqeval's default mode (conlleval's chunking rules).
--mode strict needs --scheme (IOB1, IOB2, IOE1, IOE2, IOBES or BILOU) and
follows seqeval's strict mode: chunks the scheme does not allow, such as I-X
after O in IOB2, are dropped. There is no fallback from one mode to the
other. The mode, scheme, options and tag repairs head the seqeval report,
are fields of the JSON report, and are written to standard error with the
conlleval report (whose layout has no place for them).

Before scoring, lower-case prefixes (b-per, o) are upper-cased and counted
(--keep-case scores the tags as written, as conlleval.pl and seqeval do);
--iob1-to-iob2 converts IOB1 tags. --no-misc drops MISC entities after
chunking, which equals replacing every *-MISC tag by O. --map FROM=TO renames
an entity type (TO=O drops it); when any --map is given, a predicted type
that is neither mapped, a mapping target nor a gold type is an error.

Differences from conlleval.pl's reading: columns are split at any run of
spaces and tabs (conlleval.pl splits at single spaces), so a line of only
spaces or tabs separates sentences, and a trailing carriage return is
removed. Lines with another number of columns than the first line are an
error naming the line, as in conlleval.pl.`,
		Example: `  nerbench score output.conll
  nerbench score --output seqeval --mode strict --scheme IOB2 < output.conll
  nerbench score --no-misc --map PERSON=PER --map LOCATION=LOC --output json output.conll`,
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
			var err error
			if o.opts.Mode, err = seqeval.ParseMode(mode); err != nil {
				return flagErrorf("--mode: %v", err)
			}
			if o.opts.Scheme, err = seqeval.ParseScheme(scheme); err != nil {
				return flagErrorf("--scheme: %v", err)
			}
			switch {
			case o.opts.Mode == seqeval.Strict && o.opts.Scheme == seqeval.NoScheme:
				return flagErrorf("--mode strict needs --scheme (IOB1, IOB2, IOE1, IOE2, IOBES or BILOU)")
			case o.opts.Mode == seqeval.Default && o.opts.Scheme != seqeval.NoScheme:
				return flagErrorf("--scheme %v needs --mode strict", o.opts.Scheme)
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
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return runScore(cmd.Context(), o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&mode, "mode", "default", "chunker: default or strict")
	f.StringVar(&scheme, "scheme", "", "scheme of strict mode: IOB1, IOB2, IOE1, IOE2, IOBES or BILOU")
	f.BoolVar(&o.opts.NoMisc, "no-misc", false, "drop MISC entities after chunking")
	f.StringVar(&output, "output", "conlleval", "report format: "+strings.Join(scoreOutputs, ", "))
	f.StringArrayVar(&maps, "map", nil, "rename entity type FROM to TO (FROM=TO, repeatable; TO=O drops it)")
	f.BoolVar(&o.opts.KeepCase, "keep-case", false, "score tags as written, without upper-casing prefixes")
	f.StringVar(&iob1, "iob1-to-iob2", "", "convert IOB1 tags to IOB2 first: gold, pred or both")
	f.BoolVar(&o.opts.Suffix, "suffix", false, "read suffix-style tags (PER-B)")
	f.IntVar(&o.digits, "digits", 2, "digits of the seqeval report")
	f.IntVar(&zeroDivision, "zero-division", 0, "value of an undefined precision or recall: 0 or 1")
	return cmd
}

// conllInput is a conlleval-format file read into sentences.
type conllInput struct {
	name       string
	gold, pred [][]string
	firstLine  []int // 1-based line of each sentence's first word
}

// readConll reads conlleval's input format; see the command's Long text.
func readConll(ctx context.Context, r io.Reader, name string) (*conllInput, error) {
	in := &conllInput{name: name}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 16*1024*1024)
	var gold, pred []string
	start, ncol, lineNo := 0, -1, 0
	flush := func() {
		if len(gold) > 0 {
			in.gold = append(in.gold, gold)
			in.pred = append(in.pred, pred)
			in.firstLine = append(in.firstLine, start)
		}
		gold, pred = nil, nil
	}
	for sc.Scan() {
		lineNo++
		if lineNo%65536 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		fields := strings.Fields(strings.TrimSuffix(sc.Text(), "\r"))
		if len(fields) == 0 {
			flush()
			continue
		}
		if ncol < 0 {
			ncol = len(fields)
		} else if len(fields) != ncol {
			return nil, &benchmarks.ParseError{File: name, Line: lineNo,
				Err: fmt.Errorf("%w: want %d, got %d (as on the first line)", benchmarks.ErrColumns, ncol, len(fields))}
		}
		if len(fields) < 2 {
			return nil, &benchmarks.ParseError{File: name, Line: lineNo,
				Err: fmt.Errorf("%w: want at least 2 (gold and predicted tag), got %d", benchmarks.ErrColumns, len(fields))}
		}
		if fields[0] == "-X-" {
			flush()
			continue
		}
		if len(gold) == 0 {
			start = lineNo
		}
		gold = append(gold, fields[len(fields)-2])
		pred = append(pred, fields[len(fields)-1])
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	flush()
	return in, nil
}

func runScore(ctx context.Context, o *scoreOptions) error {
	name := o.file
	var r io.Reader = o.out.In
	if o.file == "-" {
		name = "<stdin>"
	} else {
		f, err := os.Open(o.file)
		if err != nil {
			return err
		}
		defer f.Close()
		r = f
	}
	in, err := readConll(ctx, r, name)
	if err != nil {
		return err
	}
	res, err := seqeval.Score(in.gold, in.pred, o.opts)
	if err != nil {
		var te *seqeval.TagError
		if errors.As(err, &te) && te.Sentence < len(in.firstLine) {
			return &benchmarks.ParseError{File: name, Line: in.firstLine[te.Sentence] + te.Word, Err: err}
		}
		return fmt.Errorf("score %s: %w", name, err)
	}
	switch o.output {
	case "conlleval":
		fmt.Fprintf(o.out.Err, "nerbench: %s\n", res.Header())
		_, err = io.WriteString(o.out.Out, res.ConllevalReport())
	case "seqeval":
		_, err = fmt.Fprintf(o.out.Out, "%s\n\n%s", res.Header(), res.ClassificationReport(o.digits))
	case "json":
		var b []byte
		if b, err = res.JSON(); err == nil {
			_, err = o.out.Out.Write(b)
		}
	}
	return err
}
