//go:build torch

package finetune

import (
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/nerbench/nerbench/luke"
	"github.com/nerbench/nerbench/luke/train"
)

// usage returns the process's CPU time and minor page faults so far.
func usage() (time.Duration, int64) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), ru.Minflt
}

// BenchmarkTrainStep times fine-tuning updates on the model and batches
// that `reference_train.py bench DIR` wrote into $NERBENCH_TRAIN_BENCH and
// reports them against PyTorch's time per update on the same batches
// (make daluke-train-bench). Metrics: ms/update (wall), cpu-ms/update, the
// share of it in the forward and backward pass and in AdamW, minor page
// faults per update (memory that libtorch gets fresh from the kernel), and
// torch/go, PyTorch's time over Go's (above 1: Go is faster).
func BenchmarkTrainStep(b *testing.B) {
	dir := os.Getenv("NERBENCH_TRAIN_BENCH")
	if dir == "" {
		b.Skip("NERBENCH_TRAIN_BENCH is unset: run make daluke-train-bench")
	}
	data, err := os.ReadFile(filepath.Join(dir, "bench.json"))
	if err != nil {
		b.Fatal(err)
	}
	var f struct {
		Examples    []refExample `json:"examples"`
		Batches     [][]int      `json:"batches"`
		TorchWall   float64      `json:"torch_seconds_per_update"`
		TorchCPU    float64      `json:"torch_cpu_seconds_per_update"`
		TorchFaults float64      `json:"torch_minflt_per_update"`
		TorchLosses []float64    `json:"losses"`
	}
	if err := json.Unmarshal(data, &f); err != nil {
		b.Fatal(err)
	}
	ck, err := luke.ReadArchive(filepath.Join(dir, "bench-ner.tar.gz"))
	if err != nil {
		b.Fatal(err)
	}
	items := refItems(f.Examples)
	cfg := DefaultConfig().Deterministic()
	cfg.LR, cfg.Warmup = 1e-4, 0
	tr, err := NewTrainer(ck, "cpu", cfg, items, luke.SpecialIDs{CLS: 2, SEP: 3})
	if err != nil {
		b.Fatal(err)
	}
	defer tr.Close()
	step := func(s int) (fwd, upd time.Duration, loss float64) {
		t0 := time.Now()
		loss, err := tr.Forward(b.Context(), train.Micro{Batch: f.Batches[s], Step: s, Parts: 1})
		if err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		if err := tr.Update(b.Context(), train.Update{Step: s + 1, LR: cfg.LR}); err != nil {
			b.Fatal(err)
		}
		return t1.Sub(t0), time.Since(t1), loss
	}
	// As train.Loop.Run does: libtorch keeps per-thread state.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	step(0)
	step(1)
	n := len(f.Batches) - 2
	b.ResetTimer()
	var fwd, upd time.Duration
	c0, f0 := usage()
	w0 := time.Now()
	for range b.N {
		for s := 2; s < n+2; s++ {
			a, u, _ := step(s)
			fwd += a
			upd += u
		}
	}
	wall := time.Since(w0).Seconds() / float64(b.N*n)
	c1, f1 := usage()
	cpu := (c1 - c0).Seconds() / float64(b.N*n)
	b.ReportMetric(1000*wall, "ms/update")
	b.ReportMetric(1000*cpu, "cpu-ms/update")
	b.ReportMetric(float64(f1-f0)/float64(b.N*n), "minflt/update")
	b.ReportMetric(100*fwd.Seconds()/(fwd+upd).Seconds(), "%fwd+bwd")
	b.ReportMetric(100*upd.Seconds()/(fwd+upd).Seconds(), "%adamw")
	b.ReportMetric(f.TorchWall/wall, "torch/go-wall")
	if f.TorchCPU > 0 {
		b.ReportMetric(f.TorchCPU/cpu, "torch/go-cpu")
	}
	if f.TorchFaults > 0 {
		b.ReportMetric(f.TorchFaults, "torch-minflt/update")
	}
}
