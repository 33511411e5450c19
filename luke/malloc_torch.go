//go:build torch

package luke

/*
#include <malloc.h>

// One malloc arena, set when the program is loaded: see oneArena below.
__attribute__((constructor)) static void luke_one_arena(void) { mallopt(M_ARENA_MAX, 1); }
*/
import "C"

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
)

// mallocMode is a pair of glibc malloc thresholds (mallopt).
type mallocMode struct {
	mmap, trim int // M_MMAP_THRESHOLD, M_TRIM_THRESHOLD in bytes
}

// trainingMalloc is the process-wide default, set at init.
//
// libtorch allocates its CPU tensors with glibc's malloc, and a training
// step frees and reallocates many tensors of a few hundred kilobytes to a
// few megabytes. Above glibc's mmap threshold each one is a fresh mmap whose
// pages fault in on first touch: a profile of fine-tuning spent 18 % of its
// time in the kernel's page-fault handler. Serving them from the heap (mmap
// only from 32 MiB, and no trimming of the heap's top) took 11 % off a
// training update's CPU time. Memory freed by libtorch then stays with the
// process for reuse.
var trainingMalloc = mallocMode{mmap: 32 << 20, trim: 1 << 30}

// inferenceMalloc is what NER runs under: the heap's free top is given
// back past 256 MiB instead of 1 GiB, so a forward pass without gradients,
// which frees each step's activations as it goes, does not keep the freed
// memory of its largest batches. On 16 CoNLL-2003 sentences with the
// base-size DaLUKE this took the peak RSS from 1.69 to 1.60 GiB at the same
// speed; a 64 MiB trim threshold gave 1.48 GiB at 18 % more CPU time, and
// mmapping every buffer from 1 MiB 1.28 GiB at twice the time (page
// faults), so neither is used (BENCHMARKS.md, Memory).
var inferenceMalloc = mallocMode{mmap: 32 << 20, trim: 256 << 20}

var (
	mallocMu  sync.Mutex
	mallocNow mallocMode
)

// setMalloc applies mode and returns the mode it replaced.
func setMalloc(mode mallocMode) mallocMode {
	mallocMu.Lock()
	defer mallocMu.Unlock()
	old := mallocNow
	C.mallopt(C.M_MMAP_THRESHOLD, C.int(mode.mmap))
	C.mallopt(C.M_TRIM_THRESHOLD, C.int(mode.trim))
	mallocNow = mode
	return old
}

// currentMalloc returns the thresholds in force.
func currentMalloc() mallocMode {
	mallocMu.Lock()
	defer mallocMu.Unlock()
	return mallocNow
}

// One arena: glibc gives each thread that calls malloc an arena of its own
// (up to eight per core), and Go runs cgo calls on whichever of its threads
// is free, so over a long run libtorch's tensors come from several arenas,
// each keeping the freed memory of a batch (trimmed only past
// M_TRIM_THRESHOLD). The limit is set by a C constructor (the preamble
// above), when the program is loaded. The same mallopt from a Go init did
// not take: TestOneArena's four threads still got an arena each, and
// libtorch's weights and activations lay in nine 64 MiB heaps of other
// arenas beside the main heap (/proc/PID/smaps during a DaLUKE run). With the
// limit in force from the start everything is in the main heap (BENCHMARKS.md,
// Memory). Go calls into libtorch from one goroutine at a time, so the
// arena's lock is not contended.
func init() {
	setMalloc(trainingMalloc)
}

// residentSlack is how far NER lets the process's resident memory grow
// over what it was when NER began before it gives glibc's free memory back
// (ReleaseMemory) after a forward pass. The passes' tensors change shape
// from one pass to the next, and glibc's heap does not reuse all the holes
// they leave: on the 32 longest sentences of CoNLL-2003's eng.train the
// heap grew to 1.3 GB around 0.5 GB of weights and tensors in use, and the
// 64 longest took the process to 1.7 GB. Trimming after every pass cost 40 %
// more CPU time (page faults); trimming only past this bound kept 192
// sentences at 0.87–0.88 GiB for +2 % CPU time, and the 64 longest at
// 0.91 GiB for +32 % (their holes fill again after every trim). 192 MiB let
// 192 sentences peak at 0.92 GiB (BENCHMARKS.md, Memory).
var residentSlack int64 = 128 << 20

// residentBound trims the heap once the resident memory passes limit; a
// zero limit never trims.
type residentBound struct{ limit int64 }

// newResidentBound returns a bound slack bytes over the resident memory now
// (none when slack is not positive or /proc cannot be read).
func newResidentBound(slack int64) residentBound {
	if slack <= 0 {
		return residentBound{}
	}
	rss, err := ResidentBytes()
	if err != nil {
		return residentBound{}
	}
	return residentBound{rss + slack}
}

// releaseHook, when set (tests), is called whenever the bound trims.
var releaseHook func()

// check trims the heap if the resident memory is past the bound.
func (b residentBound) check() {
	if b.limit == 0 {
		return
	}
	if rss, err := ResidentBytes(); err == nil && rss > b.limit {
		ReleaseMemory()
		if releaseHook != nil {
			releaseHook()
		}
	}
}

// ResidentBytes returns the process's resident memory in bytes, from
// /proc/self/statm (Linux).
func ResidentBytes() (int64, error) {
	buf, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0, err
	}
	f := strings.Fields(string(buf))
	if len(f) < 2 {
		return 0, errors.New("/proc/self/statm: fewer than two fields")
	}
	pages, err := strconv.ParseInt(f[1], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("/proc/self/statm: %w", err)
	}
	return pages * int64(os.Getpagesize()), nil
}
