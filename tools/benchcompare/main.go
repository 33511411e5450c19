// Command benchcompare times conlleval.pl, Python seqeval 1.2.2 and
// `nerbench score` on the same seeded corpus in one run, checks that they
// agree, and prints the medians and the ratios (issue 15). `make
// bench-compare` runs it.
//
// The corpus has -tokens tokens of random IOB2 tags (types PER, LOC, ORG,
// MISC; sentences of 5 to 40 words) in conlleval's "word gold pred" format,
// with -noise of the predicted tags replaced by a random tag. Every tool
// runs -runs times, interleaved, and the median counts. conlleval.pl and
// nerbench are timed as whole processes; seqeval as the time its script
// measures for reading the file and for f1_score (or
// classification_report), without Python's start, and as a whole process.
//
// The tools must agree: nerbench's conlleval report equals conlleval.pl's
// byte for byte, its micro F1 (JSON) equals seqeval's f1_score, and its
// seqeval report equals classification_report's text.
//
// -before OLD times another nerbench binary's `score FILE` in the same
// runs, so that a before/after speed-up is measured under the same load.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"
)

// lastCPU is the CPU time of the last command timeCmd ran, in seconds.
var lastCPU float64

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "benchcompare:", err)
		os.Exit(1)
	}
}

type config struct {
	tokens, runs, reportRuns                        int
	noise                                           float64
	seed                                            uint64
	nerbench, perl, conlleval, python, seqeval, dir string
	before                                          string
}

func run() error {
	var c config
	flag.IntVar(&c.tokens, "tokens", 1_000_000, "tokens in the corpus")
	flag.Float64Var(&c.noise, "noise", 0.05, "fraction of predicted tags replaced by a random tag")
	flag.Uint64Var(&c.seed, "seed", 15, "seed of the corpus")
	flag.IntVar(&c.runs, "runs", 5, "runs of each tool; the median counts")
	flag.IntVar(&c.reportRuns, "report-runs", 1, "runs of seqeval's classification_report (slow)")
	flag.StringVar(&c.nerbench, "nerbench", "bin/nerbench", "the nerbench binary")
	flag.StringVar(&c.perl, "perl", "/usr/bin/perl", "perl")
	flag.StringVar(&c.conlleval, "conlleval", "../shared/tools/conlleval.pl", "conlleval.pl")
	flag.StringVar(&c.python, "python", "/usr/bin/python3", "a Python 3 with numpy and scikit-learn (Debian's python3-numpy, python3-sklearn)")
	flag.StringVar(&c.seqeval, "seqeval", "../shared/tools/seqeval-1.2.2", "the folder holding the seqeval 1.2.2 package")
	flag.StringVar(&c.dir, "dir", "", "folder for the corpus (default: a temporary folder, removed)")
	flag.StringVar(&c.before, "before", "", "another nerbench binary (an older build) to time in the same runs, for before/after ratios")
	flag.Parse()
	if err := check(&c); err != nil {
		return err
	}
	if c.dir == "" {
		d, err := os.MkdirTemp("", "benchcompare")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		c.dir = d
	}
	corpus := filepath.Join(c.dir, "corpus.txt")
	if err := writeCorpus(corpus, c.tokens, c.noise, c.seed); err != nil {
		return err
	}
	st, _ := os.Stat(corpus)
	fmt.Printf("corpus: %d tokens, %.1f MB, seed %d, %.0f %% noise; %d runs each (median); %s, %d CPUs\n",
		c.tokens, float64(st.Size())/1e6, c.seed, 100*c.noise, c.runs, runtime.GOARCH, runtime.NumCPU())
	fmt.Printf("start: %s\n", machineState())
	defer func() { fmt.Printf("end: %s\n", machineState()) }()

	script, err := filepath.Abs(filepath.Join(filepath.Dir(os.Args[0]), "seqeval_bench.py"))
	if err != nil {
		return err
	}
	if _, err := os.Stat(script); err != nil {
		script = filepath.Join("tools", "benchcompare", "seqeval_bench.py")
	}
	times := map[string][]float64{}
	outs := map[string][]byte{}
	var seqF1 float64
	var seqReport string
	add := func(name string, d float64) { times[name] = append(times[name], d) }
	addCPU := func(name string) { times[name+" (cpu)"] = append(times[name+" (cpu)"], lastCPU) }
	for r := range c.runs {
		d, out, err := timeCmd(corpus, c.perl, c.conlleval)
		if err != nil {
			return fmt.Errorf("conlleval.pl: %w", err)
		}
		add("conlleval.pl", d)
		addCPU("conlleval.pl")
		outs["conlleval.pl"] = out

		d, out, err = timeCmd("", c.python, script, corpus, "f1")
		if err != nil {
			return fmt.Errorf("seqeval f1_score: %w", err)
		}
		var py struct {
			ReadS  float64 `json:"read_s"`
			ScoreS float64 `json:"score_s"`
			F1     float64 `json:"f1"`
			Report string  `json:"report"`
		}
		if err := json.Unmarshal(out, &py); err != nil {
			return fmt.Errorf("seqeval output %q: %w", out, err)
		}
		add("seqeval read", py.ReadS)
		add("seqeval f1_score", py.ScoreS)
		add("seqeval read + f1_score", py.ReadS+py.ScoreS)
		add("seqeval f1_score process", d)
		addCPU("seqeval f1_score process")
		seqF1 = py.F1

		if r < c.reportRuns {
			d, out, err = timeCmd("", c.python, script, corpus, "report")
			if err != nil {
				return fmt.Errorf("seqeval classification_report: %w", err)
			}
			if err := json.Unmarshal(out, &py); err != nil {
				return fmt.Errorf("seqeval output %q: %w", out, err)
			}
			add("seqeval read + classification_report", py.ReadS+py.ScoreS)
			seqReport = py.Report
		}

		d, _, err = timeCmd("", c.nerbench, "version")
		if err != nil {
			return fmt.Errorf("nerbench version: %w", err)
		}
		add("nerbench version (start only)", d)
		addCPU("nerbench version (start only)")
		for _, v := range []struct{ name, output string }{
			{"nerbench score", "conlleval"}, {"nerbench score -o seqeval", "seqeval"}, {"nerbench score -o json", "json"},
		} {
			d, out, err = timeCmd("", c.nerbench, "score", "--output", v.output, corpus)
			if err != nil {
				return fmt.Errorf("%s: %w", v.name, err)
			}
			add(v.name, d)
			addCPU(v.name)
			outs[v.name] = out
		}
		if c.before != "" {
			d, out, err = timeCmd("", c.before, "score", corpus)
			if err != nil {
				return fmt.Errorf("nerbench score (before): %w", err)
			}
			add("before: nerbench score", d)
			addCPU("before: nerbench score")
			outs["before: nerbench score"] = out
		}
	}

	// Agreement.
	var problems []string
	if !bytes.Equal(outs["nerbench score"], outs["conlleval.pl"]) {
		problems = append(problems, fmt.Sprintf("the conlleval reports differ:\nconlleval.pl:\n%s\nnerbench:\n%s", outs["conlleval.pl"], outs["nerbench score"]))
	}
	if c.before != "" && !bytes.Equal(outs["before: nerbench score"], outs["conlleval.pl"]) {
		problems = append(problems, "the conlleval report of the -before binary differs from conlleval.pl's")
	}
	var js struct{ Micro struct{ F1 float64 } }
	if err := json.Unmarshal(outs["nerbench score -o json"], &js); err != nil {
		return fmt.Errorf("nerbench JSON: %w", err)
	}
	if js.Micro.F1 != seqF1 {
		problems = append(problems, fmt.Sprintf("micro F1: nerbench %v, seqeval %v", js.Micro.F1, seqF1))
	}
	_, rep, _ := strings.Cut(string(outs["nerbench score -o seqeval"]), "\n\n")
	if seqReport != "" && rep != seqReport {
		problems = append(problems, fmt.Sprintf("classification_report differs:\nseqeval:\n%s\nnerbench:\n%s", seqReport, rep))
	}

	med := func(name string) float64 {
		v := slices.Clone(times[name])
		slices.Sort(v)
		if len(v) == 0 {
			return math.NaN()
		}
		if len(v)%2 == 1 {
			return v[len(v)/2]
		}
		return (v[len(v)/2-1] + v[len(v)/2]) / 2
	}
	base, baseCPU := med("nerbench score"), med("nerbench score (cpu)")
	fmt.Printf("\n%-38s %9s %12s %10s   %9s %10s\n", "tool", "wall s", "tokens/s", "÷ nerbench", "cpu s", "÷ nerbench")
	for _, name := range []string{"conlleval.pl", "seqeval read", "seqeval f1_score", "seqeval read + f1_score", "seqeval f1_score process",
		"seqeval read + classification_report", "nerbench version (start only)", "nerbench score", "nerbench score -o seqeval", "nerbench score -o json",
		"before: nerbench score"} {
		m := med(name)
		if math.IsNaN(m) {
			continue
		}
		fmt.Printf("%-38s %9.3f %12.0f %9.1f×", name, m, float64(c.tokens)/m, m/base)
		if cpu := med(name + " (cpu)"); !math.IsNaN(cpu) {
			fmt.Printf("   %9.3f %9.1f×", cpu, cpu/baseCPU)
		}
		fmt.Println()
	}
	fmt.Printf("\nnerbench score FILE, whole process: %.1f× conlleval.pl (goal 50×; CPU time %.1f×), %.1f× seqeval read + f1_score (goal 20×)\n",
		med("conlleval.pl")/base, med("conlleval.pl (cpu)")/baseCPU, med("seqeval read + f1_score")/base)
	if c.before != "" {
		fmt.Printf("before (%s): %.1f× conlleval.pl (CPU time %.1f×), %.1f× seqeval read + f1_score; after/before speed-up %.2f× (CPU time %.2f×)\n",
			c.before, med("conlleval.pl")/med("before: nerbench score"), med("conlleval.pl (cpu)")/med("before: nerbench score (cpu)"),
			med("seqeval read + f1_score")/med("before: nerbench score"), med("before: nerbench score")/base, med("before: nerbench score (cpu)")/baseCPU)
	}
	fmt.Println("(seqeval's read + f1_score is the time its script measures, without Python's start and imports;")
	fmt.Println(" the seqeval f1_score process row is the whole process. cpu is user + system time of the process.)")
	if len(problems) > 0 {
		return errors.New("the tools disagree:\n" + strings.Join(problems, "\n"))
	}
	fmt.Println("agreement: conlleval reports byte-identical; micro F1 equal to seqeval's f1_score; seqeval report equal to classification_report")
	return nil
}

// check says what is missing.
func check(c *config) error {
	var missing []string
	for _, f := range []string{c.nerbench, c.conlleval, c.seqeval, c.perl, c.python, c.before} {
		if _, err := os.Stat(f); f != "" && err != nil {
			missing = append(missing, f)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("missing: %s (build nerbench with make build; conlleval.pl and seqeval 1.2.2 are in ../shared/tools)", strings.Join(missing, ", "))
	}
	cmd := exec.Command(c.python, "-c", "import numpy, sklearn")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%s cannot import numpy and sklearn (%v: %s); install Debian's python3-numpy and python3-sklearn: sudo apt-get install python3-numpy python3-sklearn", c.python, err, bytes.TrimSpace(out))
	}
	abs, err := filepath.Abs(c.seqeval)
	if err != nil {
		return err
	}
	c.seqeval = abs
	os.Setenv("PYTHONPATH", abs)
	return nil
}

// timeCmd runs a command with stdin from the file in (if any) and returns
// its wall time in seconds and its standard output. It records the
// command's CPU time (user and system) in lastCPU.
func timeCmd(in string, name string, args ...string) (float64, []byte, error) {
	cmd := exec.Command(name, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if in != "" {
		f, err := os.Open(in)
		if err != nil {
			return 0, nil, err
		}
		defer f.Close()
		cmd.Stdin = f
	}
	start := time.Now()
	err := cmd.Run()
	d := time.Since(start).Seconds()
	if cmd.ProcessState != nil {
		lastCPU = (cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()).Seconds()
	}
	if err != nil {
		return 0, nil, fmt.Errorf("%v: %s", err, errb.Bytes())
	}
	return d, out.Bytes(), nil
}

// writeCorpus writes the seeded corpus.
func writeCorpus(path string, tokens int, noise float64, seed uint64) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	rng := rand.New(rand.NewPCG(seed, 1))
	types := []string{"PER", "LOC", "ORG", "MISC"}
	words := []string{"Danmark", "og", "i", "København", "blev", "af", "Jensen", "til", "den", "EU", "det", "Aarhus", "at", "med"}
	randTag := func() string {
		switch r := rng.IntN(10); {
		case r < 6:
			return "O"
		case r < 8:
			return "B-" + types[rng.IntN(4)]
		default:
			return "I-" + types[rng.IntN(4)]
		}
	}
	for n := 0; n < tokens; {
		l := min(5+rng.IntN(36), tokens-n)
		prev := "O"
		for range l {
			var g string
			switch r := rng.IntN(100); {
			case r < 83:
				g = "O"
			case r < 92 || prev == "O":
				g = "B-" + types[rng.IntN(4)]
			default:
				g = "I-" + prev[2:]
			}
			prev = g
			p := g
			if rng.Float64() < noise {
				p = randTag()
			}
			fmt.Fprintf(w, "%s %s %s\n", words[rng.IntN(len(words))], g, p)
		}
		n += l
		w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}

// machineState describes the load: the load averages of /proc/loadavg
// (Linux) and how many times as fast two goroutines spin through a fixed
// work as one, a measure of the cores free now (nerbench score counts a
// large file on all cores, so its wall time depends on them).
func machineState() string {
	load := "load average unknown"
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		if f := strings.Fields(string(b)); len(f) >= 3 {
			load = "load average " + strings.Join(f[:3], " ")
		}
	}
	if runtime.GOMAXPROCS(0) < 2 {
		return load
	}
	return fmt.Sprintf("%s; 2 goroutines spin %.2f× as fast as 1", load, spin(1)/spin(2))
}

// spin returns the seconds that g goroutines take for 100M steps of a
// random number generator in all.
func spin(g int) float64 {
	const steps = 100_000_000
	start := time.Now()
	var wg sync.WaitGroup
	sink := make([]uint64, g)
	for i := range g {
		wg.Go(func() {
			x := uint64(i + 1)
			for range steps / g {
				x = x*6364136223846793005 + 1442695040888963407
				x ^= x >> 17
			}
			sink[i] = x
		})
	}
	wg.Wait()
	return time.Since(start).Seconds()
}
