package main

import (
	"fmt"
	"io"
	"os"

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
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func newProgress(w io.Writer, label string, total int) *progress {
	p := &progress{w: w, label: label, total: total}
	if isTerminal(w) {
		p.bar = progressbar.NewOptions(total,
			progressbar.OptionSetWriter(w),
			progressbar.OptionSetDescription(label),
			progressbar.OptionShowCount(),
			progressbar.OptionSetItsString("sent"),
			progressbar.OptionShowIts(),
			progressbar.OptionClearOnFinish(),
		)
	}
	return p
}

// set records that done items are finished.
func (p *progress) set(done int) {
	if p.bar != nil {
		_ = p.bar.Set(done)
		return
	}
	if done >= p.next || done == p.total {
		fmt.Fprintf(p.w, "%s: %d/%d sentences\n", p.label, done, p.total)
		p.next = done + max(1, p.total/10)
	}
}

func (p *progress) finish() {
	if p.bar != nil {
		_ = p.bar.Finish()
	}
}
