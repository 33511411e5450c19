package main

import (
	"context"
	"regexp"

	"github.com/spf13/cobra"
)

// newConllevalCmd is `nerbench conlleval`, a drop-in for conlleval.pl: the
// same options, parsed as conlleval.pl parses them, and the same report.
func newConllevalCmd(s *streams, runF func(context.Context, *scoreOptions) error) *cobra.Command {
	return &cobra.Command{
		Use:   "conlleval [-l] [-r] [-d DELIM] [-o TAG] < FILE",
		Short: "Drop-in replacement for conlleval.pl",
		Long: `Read conlleval.pl's input from standard input and print its report, with
conlleval.pl's own command line (version 2004-01-26), so that
"nerbench conlleval" can stand where "perl conlleval.pl" stood:

  -l        the LaTeX table instead of the report
  -r        raw tags without prefixes: every tag but O is a one-word chunk
  -d DELIM  the column delimiter, a regular expression (default: a space)
  -o TAG    the outside tag of raw input (default: O)

Options come first, as in conlleval.pl. The output is conlleval.pl's byte
for byte; it is "nerbench score" with -l, -r, --delimiter and --outside,
whose help says how input is read.`,
		Example: `  nerbench conlleval < output.txt
  nerbench conlleval -d '\t' -l < output.tsv`,
		DisableFlagParsing: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			o := &scoreOptions{out: s, file: "-", output: "conlleval", digits: 2, delimiter: " ", outside: "O"}
			// conlleval.pl: while (@ARGV and $ARGV[0] =~ /^-/) { ... }
			for len(args) > 0 && len(args[0]) > 0 && args[0][0] == '-' {
				switch a := args[0]; a {
				case "-l":
					o.output = "latex"
				case "-r":
					o.raw = true
				case "-d", "-o":
					if len(args) < 2 {
						return flagErrorf("conlleval: %s requires an argument", a)
					}
					if a == "-d" {
						o.delimiter = args[1]
					} else {
						o.outside = args[1]
					}
					args = args[1:]
				case "-h", "--help":
					return cmd.Help()
				default:
					return flagErrorf("conlleval: unknown argument %s", a)
				}
				args = args[1:]
			}
			if len(args) > 0 {
				return flagErrorf("conlleval: unexpected command line argument %s (input is read from standard input)", args[0])
			}
			if o.delimiter == "" {
				return flagErrorf("conlleval: -d: want a regular expression, not the empty string")
			}
			if _, err := regexp.Compile(o.delimiter); err != nil {
				return flagErrorf("conlleval: -d %q: %v", o.delimiter, err)
			}
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return runScore(cmd.Context(), o)
		},
	}
}
