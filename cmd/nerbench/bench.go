package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/nerbench/nerbench/adapters/hfonnx"
	"github.com/nerbench/nerbench/benchmarks/dane"
	"github.com/nerbench/nerbench/internal/table"
)

// benchOptions are the flags of `nerbench bench`.
type benchOptions struct {
	out       *streams
	modelDir  string
	model     string // a registry model (bench_model.go) instead of --model-dir
	modelsDir string
	dataset   string
	split     string
	dataDir   string
	sentences int
	batchSize int
	threads   int
	stride    int
	device    string
	labelMap  map[string]string
	warmup    int
	repeat    int
	output    string
	data      datasetOptions // --dataset-file and --allow-unknown-types
}

func newBenchCmd(s *streams, runF func(context.Context, *benchOptions) error) *cobra.Command {
	opts := &benchOptions{out: s}
	cmd := &cobra.Command{
		Use:   "bench --model-dir DIR",
		Short: "Measure the speed and overhead of an ONNX token-classification model",
		Long: `Measure how fast nerbench tags with a Hugging Face token-classification
model exported to ONNX (optimum-cli export onnx --task token-classification
MODEL DIR), and how much time goes to everything but the model.

Protocol: the model is loaded once (the load time covers reading the
files, loading ONNX Runtime when needed and creating the session). Then
--warmup batches of sentences are tagged untimed. Each of --repeat timed
runs then tags all the sentences in one call and measures its wall time
(end to end: tokenisation, windowing, batching, padding, ONNX Runtime,
decoding). The batches of that call are recorded and run again through
ONNX Runtime alone (bare forward time: only the Run calls are timed). The
overhead ratio is end-to-end time over bare forward time on the same
batches, measured in the same run; the goal is at most 1.10. The headline
is the median of the runs' ratios; the fastest end-to-end run over the
fastest replay (the batches are the same in every run, and timing noise
only adds time) and the time spent inside ONNX Runtime during the Tag
call are shown too. The CPU ratio compares the process's CPU time (user
and system, all threads) in the Tag call and in its replay: other load on
the machine disturbs it far less than wall time, and it is meaningful with
--threads 1, since ONNX Runtime's pool threads spin while they wait. The word cache keeps the words of the warm-up and of earlier
runs, so run 1 is the coldest.

Sentences come from a benchmark split (--dataset, --split, --data-dir);
DaNE's test split is embedded and used when no data folder has it.
Peak RSS is the process's high-water mark (VmHWM).

With --model NAME, a model of the registry (dacy-medium, dacy-large, flair,
...) is loaded from the models folder and timed end to end instead: load
time, then per run the wall and CPU time of one Tag call over all the
sentences (no overhead ratio: these adapters do more than run one graph).`,
		Example: `  nerbench bench --model-dir ~/.local/share/nerbench/models/dabert
  nerbench bench --model-dir adapters/internal/ort/testdata/bert-random --threads 1 --batch-size 16
  nerbench bench --model-dir ./xlmr-ner --label-map PERSON=PER,GPE=LOC --sentences 200 --output json
  nerbench bench --model flair --repeat 1`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			// Checked here rather than with MarkFlagRequired, whose error is
			// not a usage error (exit 2).
			if opts.model != "" && opts.modelDir != "" {
				return flagErrorf("--model and --model-dir exclude each other")
			}
			if opts.modelDir == "" && opts.model == "" {
				return flagErrorf("--model-dir is required: the folder of an ONNX token-classification export (or --model NAME)")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			if opts.model != "" {
				return runBenchModel(cmd.Context(), opts)
			}
			return runBench(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.modelDir, "model-dir", "", "export folder of the model (required unless --model)")
	f.StringVarP(&opts.model, "model", "m", "", "time a model of the registry (such as dacy-large or flair) end to end instead")
	f.StringVar(&opts.modelsDir, "models-dir", "", "models folder for --model (default $NERBENCH_MODELS, then $XDG_DATA_HOME/nerbench/models)")
	f.StringVarP(&opts.dataset, "dataset", "d", dane.Name, "benchmark whose sentences are tagged: "+strings.Join(dataDatasetNames(), ", "))
	f.StringVar(&opts.split, "split", "test", "split whose sentences are tagged")
	f.StringVar(&opts.dataDir, "data-dir", "", "data folder (default $NERBENCH_DATA, then $XDG_CACHE_HOME/nerbench)")
	f.IntVar(&opts.sentences, "sentences", 0, "tag only the first N sentences (0: all)")
	f.IntVar(&opts.batchSize, "batch-size", hfonnx.DefaultBatchSize, "windows per forward pass")
	f.IntVar(&opts.threads, "threads", 0, "ONNX Runtime intra-op threads (0: chosen by ONNX Runtime, one per physical core)")
	f.IntVar(&opts.stride, "stride", 0, "subwords shared by the windows of a long sentence (0: a quarter of a window, -1: none)")
	f.StringVar(&opts.device, "device", "cpu", "cpu or cuda (falls back on the CPU with a message)")
	f.StringToStringVar(&opts.labelMap, "label-map", nil, "map model labels or types to dataset types, e.g. PERSON=PER,GPE=LOC")
	f.IntVar(&opts.warmup, "warmup", 3, "untimed warm-up batches")
	f.IntVar(&opts.repeat, "repeat", 3, "timed runs")
	f.StringVarP(&opts.output, "output", "o", "text", "output format: text, markdown, csv or json")
	opts.data.addFlags(f, dane.Name)
	_ = cmd.MarkFlagDirname("model-dir")
	return cmd
}

// benchRun is one timed run.
type benchRun struct {
	Run             int     `json:"run"`
	EndToEndSeconds float64 `json:"end_to_end_s"`
	ForwardSeconds  float64 `json:"bare_forward_s"`
	InRunForwardSec float64 `json:"in_run_forward_s"`
	Ratio           float64 `json:"overhead_ratio"`
	// EndToEndCPU and ForwardCPU are the process's CPU time (user and
	// system, all threads) over the Tag call and over the replay.
	EndToEndCPU     float64 `json:"end_to_end_cpu_s"`
	ForwardCPU      float64 `json:"bare_forward_cpu_s"`
	CPURatio        float64 `json:"cpu_overhead_ratio"`
	SentencesPerSec float64 `json:"sentences_per_s"`
	WordsPerSec     float64 `json:"words_per_s"`
	Batches         int     `json:"batches"`
}

// benchReport is what `nerbench bench` prints; its JSON form has the
// schema "nerbench.bench/v1".
type benchReport struct {
	Schema            string     `json:"schema"`
	ModelDir          string     `json:"model_dir"`
	ModelType         string     `json:"model_type"`
	Dataset           string     `json:"dataset"`
	Split             string     `json:"split"`
	Source            string     `json:"source"`
	Sentences         int        `json:"sentences"`
	Words             int        `json:"words"`
	BatchSize         int        `json:"batch_size"`
	Threads           int        `json:"threads"`
	Device            string     `json:"device"`
	MaxLength         int        `json:"max_length"`
	Stride            int        `json:"stride"`
	ORTVersion        string     `json:"ort_version"`
	CPUs              int        `json:"cpus"`
	WarmupBatches     int        `json:"warmup_batches"`
	LoadSeconds       float64    `json:"load_s"`
	PeakRSSKiB        int64      `json:"peak_rss_kib"`
	Runs              []benchRun `json:"runs"`
	Ratio             float64    `json:"overhead_ratio"`
	BestRatio         float64    `json:"best_overhead_ratio"`
	InRunRatio        float64    `json:"in_run_overhead_ratio"`
	CPURatio          float64    `json:"cpu_overhead_ratio"`
	SentencesPerSec   float64    `json:"sentences_per_s"`
	WordsPerSec       float64    `json:"words_per_s"`
	Windows           int        `json:"windows"`
	ZeroSubwordWords  int        `json:"zero_subword_words"`
	WindowedSentences int        `json:"windowed_sentences"`
	Notes             []string   `json:"notes,omitempty"`
}

// checkBenchRuns checks the flags that both kinds of bench share: how many
// sentences, and the untimed and timed runs.
func checkBenchRuns(opts *benchOptions) error {
	switch {
	case opts.sentences < 0:
		return flagErrorf("--sentences must not be negative")
	case opts.warmup < 0:
		return flagErrorf("--warmup must not be negative")
	case opts.repeat < 1:
		return flagErrorf("--repeat must be at least 1")
	}
	return nil
}

func runBench(ctx context.Context, opts *benchOptions) error {
	format, err := table.ParseFormat(opts.output, table.Text, table.Markdown, table.CSV, table.JSON)
	if err != nil {
		return flagErrorf("%v", err)
	}
	if err := checkBenchRuns(opts); err != nil {
		return err
	}
	switch {
	case opts.batchSize < 1:
		return flagErrorf("--batch-size must be at least 1")
	case opts.threads < 0:
		return flagErrorf("--threads must not be negative")
	case opts.device != "cpu" && opts.device != "cuda":
		return flagErrorf("--device %q: want cpu or cuda", opts.device)
	}
	ds, corpus, words, nWords, err := benchSentences(ctx, opts)
	if err != nil {
		return err
	}

	start := time.Now()
	m, err := hfonnx.Load(ctx, opts.modelDir, hfonnx.Config{
		BatchSize: opts.batchSize, Threads: opts.threads, Device: opts.device, Stride: opts.stride,
		Types: ds.Types, LabelMap: opts.labelMap, Log: opts.out.Err,
	})
	if err != nil {
		return unmappedLabels(err)
	}
	load := time.Since(start)
	defer m.Close()
	info := m.Info()

	warm := words[:min(len(words), opts.warmup*opts.batchSize)]
	if len(warm) > 0 {
		if _, err := m.Tag(ctx, warm); err != nil {
			return err
		}
	}
	rep := &benchReport{
		Schema: "nerbench.bench/v1", ModelDir: opts.modelDir, ModelType: info.ModelType, Dataset: ds.Name, Split: corpus.Split, Source: corpus.File,
		Sentences: len(words), Words: nWords, BatchSize: info.BatchSize, Threads: info.Threads, Device: info.Device,
		MaxLength: info.MaxLength, Stride: info.Stride, ORTVersion: info.ORTVersion, CPUs: runtime.NumCPU(),
		WarmupBatches: opts.warmup, LoadSeconds: load.Seconds(), Notes: info.Notes,
	}
	for r := 1; r <= opts.repeat; r++ {
		m.Record(true)
		before := m.Stats()
		cpu0 := cpuTime()
		start := time.Now()
		if _, err := m.Tag(ctx, words); err != nil {
			return err
		}
		e2e := time.Since(start)
		cpu1 := cpuTime()
		after := m.Stats()
		bare, batches, err := m.Replay(ctx)
		cpu2 := cpuTime()
		m.Record(false)
		if err != nil {
			return err
		}
		if bare <= 0 {
			return fmt.Errorf("bare forward time is zero; too few sentences to time")
		}
		rep.Runs = append(rep.Runs, benchRun{
			Run: r, EndToEndSeconds: e2e.Seconds(), ForwardSeconds: bare.Seconds(),
			InRunForwardSec: (after.Forward - before.Forward).Seconds(), Ratio: e2e.Seconds() / bare.Seconds(),
			EndToEndCPU: (cpu1 - cpu0).Seconds(), ForwardCPU: (cpu2 - cpu1).Seconds(), CPURatio: ratio(cpu1-cpu0, cpu2-cpu1),
			SentencesPerSec: float64(len(words)) / e2e.Seconds(), WordsPerSec: float64(nWords) / e2e.Seconds(),
			Batches: batches,
		})
		if r == 1 {
			rep.ZeroSubwordWords = after.ZeroSubwordWords - before.ZeroSubwordWords
			rep.WindowedSentences = after.WindowedSentences - before.WindowedSentences
			rep.Windows = after.Windows - before.Windows
		}
	}
	// The headline is the median of the per-run ratios, each pairing a Tag
	// call with the replay of its own batches right after it. Timing noise
	// only adds time, so the fastest end-to-end run over the fastest replay
	// (the batches are the same in every run) is shown too.
	med := medianRun(rep.Runs)
	rep.Ratio, rep.SentencesPerSec, rep.WordsPerSec = med.Ratio, med.SentencesPerSec, med.WordsPerSec
	bestE2E, bestBare, bestIn := rep.Runs[0], rep.Runs[0], rep.Runs[0]
	for _, r := range rep.Runs[1:] {
		if r.EndToEndSeconds < bestE2E.EndToEndSeconds {
			bestE2E = r
		}
		if r.ForwardSeconds < bestBare.ForwardSeconds {
			bestBare = r
		}
		if r.EndToEndSeconds/r.InRunForwardSec < bestIn.EndToEndSeconds/bestIn.InRunForwardSec {
			bestIn = r
		}
	}
	rep.BestRatio = bestE2E.EndToEndSeconds / bestBare.ForwardSeconds
	rep.InRunRatio = bestIn.EndToEndSeconds / bestIn.InRunForwardSec
	cpu := make([]float64, len(rep.Runs))
	for i, r := range rep.Runs {
		cpu[i] = r.CPURatio
	}
	slices.Sort(cpu)
	rep.CPURatio = cpu[(len(cpu)-1)/2]
	rep.PeakRSSKiB = peakRSSKiB()
	return writeBench(opts.out, format, rep)
}

// cpuTime returns the CPU time (user and system) the process has used, all
// its threads together; 0 when getrusage fails.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// ratio returns a/b, 0 when b is not positive.
func ratio(a, b time.Duration) float64 {
	if b <= 0 {
		return 0
	}
	return a.Seconds() / b.Seconds()
}

// medianRun returns the run with the median overhead ratio (the lower
// middle one for an even count).
func medianRun(runs []benchRun) benchRun {
	sorted := slices.Clone(runs)
	slices.SortFunc(sorted, func(a, b benchRun) int {
		switch {
		case a.Ratio < b.Ratio:
			return -1
		case a.Ratio > b.Ratio:
			return 1
		}
		return a.Run - b.Run
	})
	return sorted[(len(sorted)-1)/2]
}

// peakRSSKiB returns the process's peak resident set size in KiB: VmHWM
// from /proc/self/status, else getrusage's ru_maxrss (KiB on Linux); 0
// when neither is available.
func peakRSSKiB() int64 {
	if f, err := os.Open("/proc/self/status"); err == nil {
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
				fields := strings.Fields(rest)
				if len(fields) > 0 {
					if n, err := strconv.ParseInt(fields[0], 10, 64); err == nil {
						return n
					}
				}
			}
		}
	}
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err == nil {
		return ru.Maxrss
	}
	return 0
}

func writeBench(s *streams, format table.Format, rep *benchReport) error {
	if format == table.JSON {
		enc := json.NewEncoder(s.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	threads := strconv.Itoa(rep.Threads)
	if rep.Threads == 0 {
		threads = "chosen by ONNX Runtime"
	}
	t := &table.Table{
		Title:   fmt.Sprintf("nerbench bench: %s on %s %s", rep.ModelDir, rep.Dataset, rep.Split),
		Header:  []string{"run", "sentences/s", "words/s", "end-to-end s", "bare ORT s", "in-run ORT s", "overhead ratio", "CPU ratio"},
		Numeric: []bool{true, true, true, true, true, true, true, true},
	}
	for _, r := range rep.Runs {
		t.Rows = append(t.Rows, []string{
			strconv.Itoa(r.Run), fmt.Sprintf("%.1f", r.SentencesPerSec), fmt.Sprintf("%.0f", r.WordsPerSec),
			fmt.Sprintf("%.4f", r.EndToEndSeconds), fmt.Sprintf("%.4f", r.ForwardSeconds),
			fmt.Sprintf("%.4f", r.InRunForwardSec), fmt.Sprintf("%.3f", r.Ratio), fmt.Sprintf("%.3f", r.CPURatio),
		})
	}
	t.Notes = append([]string{
		fmt.Sprintf("overhead ratio: %.3f (goal <= 1.10), the median over %d runs of end-to-end / bare ORT replay of the same batches; "+
			"fastest end-to-end / fastest replay %.3f; within one Tag call, end-to-end / time in ORT Run %.3f at best",
			rep.Ratio, len(rep.Runs), rep.BestRatio, rep.InRunRatio),
		fmt.Sprintf("CPU ratio: %.3f, the median of the process's CPU time (user and system, all threads) in the Tag call over that in the replay; "+
			"less sensitive than wall time to other load on the machine, and meaningful with --threads 1 (ONNX Runtime's pool threads spin while waiting)", rep.CPURatio),
		fmt.Sprintf("speed (median run): %.1f sentences/s, %.0f words/s", rep.SentencesPerSec, rep.WordsPerSec),
		fmt.Sprintf("model load: %.3f s; peak RSS: %.1f MiB", rep.LoadSeconds, float64(rep.PeakRSSKiB)/1024),
		fmt.Sprintf("input: %d sentences, %d words from %s; %d windowed sentences, %d zero-subword words",
			rep.Sentences, rep.Words, rep.Source, rep.WindowedSentences, rep.ZeroSubwordWords),
		fmt.Sprintf("model: %s, max length %d, stride %d; ONNX Runtime %s on %s, intra-op threads %s, batch size %d, %d CPUs",
			rep.ModelType, rep.MaxLength, rep.Stride, rep.ORTVersion, rep.Device, threads, rep.BatchSize, rep.CPUs),
		fmt.Sprintf("protocol: %d untimed warm-up batches; each run times one Tag call over all sentences (end to end), "+
			"then replays its batches through ONNX Runtime alone timing only Run (bare ORT); ratio = end-to-end / bare ORT", rep.WarmupBatches),
	}, rep.Notes...)
	return t.Print(s.Out, s.Err, format)
}
