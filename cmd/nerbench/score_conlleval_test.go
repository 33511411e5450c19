package main

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/nerbench/nerbench/seqeval"
)

// conllevalPL returns perl and the absolute path of conlleval.pl, found in
// $NERBENCH_TOOLS or ../shared/tools beside the repository. It skips the
// test when either is missing, and fails it under CI=true.
func conllevalPL(t *testing.T) (string, string) {
	t.Helper()
	dir := os.Getenv("NERBENCH_TOOLS")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared", "tools")
	}
	script, err := filepath.Abs(filepath.Join(dir, "conlleval.pl"))
	if err == nil {
		_, err = os.Stat(script)
	}
	perl, perr := exec.LookPath("perl")
	if err != nil || perr != nil {
		msg := fmt.Sprintf("conlleval.pl (%v) or perl (%v) missing; set NERBENCH_TOOLS to the folder of conlleval.pl", err, perr)
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return perl, script
}

// randomConllFile returns a random input of every tag shape and of one of
// conlleval.pl's option sets, as the file's bytes and conlleval.pl's
// arguments. Some files break conlleval.pl's rules (a line with another
// number of columns, a one-column line), so that rejections are compared
// too.
func randomConllFile(rng *rand.Rand) ([]byte, []string) {
	prefixes := []string{"B", "I", "E", "S", "O", "O", "O", ".", "[", "]", "b", "i", "x", ""}
	types := []string{"PER", "LOC", "_", "0", "ORG-X", "MISC", ""}
	tag := func() string {
		p := prefixes[rng.IntN(len(prefixes))]
		if p == "O" || (p == "." || p == "[" || p == "]") && rng.IntN(2) == 0 {
			return p
		}
		typ := types[rng.IntN(len(types))]
		switch {
		case p == "" && typ == "":
			return "O"
		case p == "":
			return typ
		case typ == "" && rng.IntN(2) == 0:
			return p
		}
		return p + "-" + typ
	}
	var args []string
	sep := " "
	switch rng.IntN(10) {
	case 0:
		args = []string{"-r"}
	case 1:
		args = []string{"-r", "-o", "PER"}
	case 2:
		args = []string{"-o", "LOC"}
	case 3:
		args = []string{"-l"}
	case 4:
		args = []string{"-l", "-r"}
	case 5:
		args, sep = []string{"-d", `\t`}, "\t"
	case 6:
		args, sep = []string{"-d", ","}, ","
	case 7:
		args, sep = []string{"-d", "[,;]"}, ";"
	}
	ncol := 2 + rng.IntN(3)
	var b bytes.Buffer
	nsent := rng.IntN(8)
	cr := nsent == 1 && rng.IntN(4) == 0 // a blank CRLF line is "\r", which conlleval.pl rejects
	for s := range nsent {
		if s > 0 {
			switch rng.IntN(4) {
			case 0:
				b.WriteString(strings.Repeat("-X-"+sep, ncol-1) + "-X-\n")
			case 1:
				b.WriteString(strings.Repeat(sep, rng.IntN(3)) + "\n")
			default:
				b.WriteString("\n")
			}
		}
		for i := range 1 + rng.IntN(12) {
			cols := ncol
			if rng.IntN(300) == 0 {
				cols = 1 + rng.IntN(5) // a broken line
			}
			f := make([]string, 0, cols)
			for c := 0; c < cols-2; c++ {
				f = append(f, fmt.Sprintf("w%d_%d", i, c))
			}
			if cols > 2 && rng.IntN(20) == 0 {
				f[0] = "" // an empty first field
			}
			g := tag()
			p := g
			if rng.IntN(3) == 0 {
				p = tag()
			}
			f = append(f, g, p)
			b.WriteString(strings.Join(f[max(0, len(f)-cols):], sep))
			if cr {
				b.WriteByte('\r')
			}
			b.WriteByte('\n')
		}
	}
	return b.Bytes(), args
}

// TestScoreConllevalRandom runs conlleval.pl itself (from ../shared/tools)
// and `nerbench score` on thousands of random files of every tag shape and
// option set (see randomConllFile): the outputs must be equal byte for
// byte, and a file conlleval.pl rejects must be rejected.
func TestScoreConllevalRandom(t *testing.T) {
	perl, script := conllevalPL(t)
	files := 2000
	if testing.Short() {
		files = 300
	}
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(2026, 10))
	var manifest bytes.Buffer
	inputs := make([][]string, files)
	for i := range files {
		data, args := randomConllFile(rng)
		in := filepath.Join(dir, fmt.Sprintf("%d.txt", i))
		if err := os.WriteFile(in, data, 0o644); err != nil {
			t.Fatal(err)
		}
		inputs[i] = args
		manifest.WriteString(strings.Join(append([]string{in, in + ".out"}, args...), "\t") + "\n")
	}
	if err := os.WriteFile(filepath.Join(dir, "manifest"), manifest.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(t.Context(), perl, filepath.Join("testdata", "score", "conlleval-batch.pl"), script, filepath.Join(dir, "manifest"))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("conlleval-batch.pl: %v\n%s", err, out)
	}
	// The batch runner must give what conlleval.pl run on its own gives.
	for i := range 3 {
		in := filepath.Join(dir, fmt.Sprintf("%d.txt", i))
		f, err := os.Open(in)
		if err != nil {
			t.Fatal(err)
		}
		c := exec.CommandContext(t.Context(), perl, append([]string{script}, inputs[i]...)...)
		c.Stdin = f
		direct, err := c.Output()
		f.Close()
		batch, rerr := os.ReadFile(in + ".out")
		if err == nil && (rerr != nil || string(direct) != string(batch)) {
			t.Fatalf("%s: conlleval.pl alone gives %q, in the batch %q (%v)", in, direct, batch, rerr)
		}
	}
	diffs, rejected := 0, 0
	for i, args := range inputs {
		in := filepath.Join(dir, fmt.Sprintf("%d.txt", i))
		want, err := os.ReadFile(in + ".out")
		if err != nil {
			t.Fatal(err)
		}
		why, exitErr := os.ReadFile(in + ".out.exit")
		refOK := exitErr != nil
		var out, errb bytes.Buffer
		nargs := append([]string{"score"}, conllevalArgs(t, args)...)
		code := run(t.Context(), append(nargs, in), strings.NewReader(""), &out, &errb)
		if i%10 == 0 {
			// The drop-in command, with conlleval.pl's own arguments, on
			// standard input.
			data, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			var out2, errb2 bytes.Buffer
			code2 := run(t.Context(), append([]string{"conlleval"}, args...), bytes.NewReader(data), &out2, &errb2)
			if code2 != code || out2.String() != out.String() {
				diffs++
				t.Errorf("%s: nerbench conlleval %q: exit code %d and %q, score gives %d and %q", in, args, code2, out2.String(), code, out.String())
			}
		}
		switch {
		case !refOK:
			rejected++
			if code == exitOK {
				diffs++
				t.Errorf("%s %q: conlleval.pl rejects the file (%s), nerbench accepts it\n%s", in, args, why, out.String())
			}
		case code != exitOK:
			diffs++
			t.Errorf("%s %q: exit code %d, stderr %q", in, args, code, errb.String())
		case out.String() != string(want):
			diffs++
			if diffs <= 3 {
				t.Errorf("%s %q:\ngot  %q\nwant %q", in, args, out.String(), want)
			}
		}
	}
	t.Logf("%d files (%d rejected by conlleval.pl), %d differences", files, rejected, diffs)
}

// FuzzScoreInput runs `nerbench score` on arbitrary input with every
// output: it may fail, but only with an error, never a panic, and the
// conlleval report never fails on input with two columns everywhere.
func FuzzScoreInput(f *testing.F) {
	f.Add("a B-PER B-PER\nb I-PER O\n\n-X- O O\nc x .\n", " ")
	f.Add("a\tB-PER\tO\r\n\r\n", `\t`)
	f.Add("a,[,]\n,,\n", "(,)")
	f.Fuzz(func(t *testing.T, in, delim string) {
		if _, err := regexp.Compile(delim); err != nil || delim == "" {
			delim = " "
		}
		for _, output := range scoreOutputs {
			for _, scheme := range []seqeval.Scheme{seqeval.NoScheme, seqeval.IO} {
				o := scoreOptions{output: output, delimiter: delim, opts: seqeval.Options{Scheme: scheme}}
				_, _, _ = scoreRun(t, "-", in, o)
			}
		}
	})
}
