package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// progress reports how many of total items are done: a progress bar when w
// is a terminal, otherwise a plain line at every tenth of the way.
type progress struct {
	w     io.Writer
	label string
	total int
	bar   *progressbar.ProgressBar
	next  int // plain mode: the count at which the next line is printed
	start time.Time
	now   func() time.Time // time.Now; tests replace it
}

// minRateTime is how long a run must have taken before a rate is shown: a
// rate over the first batch alone, measured in microseconds, means nothing.
const minRateTime = time.Second

// progressRate formats done items over elapsed as "12 sent/s", or "" before
// minRateTime has passed.
func progressRate(done int, elapsed time.Duration) string {
	if elapsed < minRateTime || done <= 0 {
		return ""
	}
	return fmt.Sprintf("%.0f sent/s", float64(done)/elapsed.Seconds())
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func newProgress(w io.Writer, label string, total int) *progress {
	p := &progress{w: w, label: label, total: total, now: time.Now}
	p.start = p.now()
	if isTerminal(w) {
		// The bar's own rate (OptionShowIts) is shown from the first
		// batch, where it is absurd; set shows ours instead.
		p.bar = progressbar.NewOptions(total,
			progressbar.OptionSetWriter(w),
			progressbar.OptionSetDescription(label),
			progressbar.OptionShowCount(),
			progressbar.OptionClearOnFinish(),
		)
	}
	return p
}

// set records that done items are finished.
func (p *progress) set(done int) {
	r := progressRate(done, p.now().Sub(p.start))
	if p.bar != nil {
		if r != "" {
			p.bar.Describe(p.label + " (" + r + ")")
		}
		_ = p.bar.Set(done)
		return
	}
	if done >= p.next || done == p.total {
		if r != "" {
			r = ", " + r
		}
		fmt.Fprintf(p.w, "%s: %d/%d sentences%s\n", p.label, done, p.total, r)
		p.next = done + max(1, p.total/10)
	}
}

func (p *progress) finish() {
	if p.bar != nil {
		_ = p.bar.Finish()
	}
}
