package corpus

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/nerbench/nerbench/internal/mediawiki"
)

// syntheticDump writes copies×(fixture pages) to a bz2 dump in dir, each
// copy's titles suffixed so that every page is distinct, and returns its
// path and page count. It needs the bzip2 program.
func syntheticDump(b *testing.B, dir string, copies int) (string, int, int) {
	b.Helper()
	if _, err := exec.LookPath("bzip2"); err != nil {
		b.Skip("needs the bzip2 program to compress the synthetic dump")
	}
	d, err := mediawiki.Open(fixtureDump)
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	var pages []*mediawiki.Page
	for {
		p, err := d.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			b.Fatal(err)
		}
		pages = append(pages, p)
	}
	var buf bytes.Buffer
	buf.WriteString(`<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.10/" version="0.10" xml:lang="da">` + "\n")
	esc := func(s string) string {
		var e bytes.Buffer
		_ = xml.EscapeText(&e, []byte(s))
		return e.String()
	}
	n := 0
	for c := range copies {
		for _, p := range pages {
			title := p.Title
			if c > 0 {
				title = fmt.Sprintf("%s %d", p.Title, c)
			}
			red := ""
			if p.Redirect != "" {
				red = `<redirect title="` + esc(p.Redirect) + `" />`
			}
			fmt.Fprintf(&buf, "<page><title>%s</title><ns>%d</ns><id>%d</id>%s<revision><text>%s</text></revision></page>\n",
				esc(title), p.Namespace, n+1, red, esc(p.Text))
			n++
		}
	}
	buf.WriteString("</mediawiki>\n")
	path := filepath.Join(dir, "synthetic.xml")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		b.Fatal(err)
	}
	if out, err := exec.Command("bzip2", "-9", path).CombinedOutput(); err != nil {
		b.Fatalf("bzip2: %v: %s", err, out)
	}
	return path + ".bz2", n, buf.Len()
}

// cpuSeconds returns the process's user and system CPU time.
func cpuSeconds(b *testing.B) float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

// BenchmarkBuild builds the data of a synthetic dump of 100 copies of the
// fixture (3,000 pages) with 1 and 4 workers and reports pages/s and MB/s
// of the bz2 file (both passes over the dump included), and pages and MB
// of uncompressed XML per CPU second. The synthetic dump repeats its pages,
// so it compresses far better than a real one: scale real dumps by their
// uncompressed size.
func BenchmarkBuild(b *testing.B) {
	dump, n, xmlBytes := syntheticDump(b, b.TempDir(), 100)
	st, err := os.Stat(dump)
	if err != nil {
		b.Fatal(err)
	}
	for _, workers := range []int{1, 4} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			cpu0 := cpuSeconds(b)
			for b.Loop() {
				if _, err := Build(b.Context(), dump, b.TempDir(), Config{NewTokenizer: fixtureTokenizer(b), Workers: workers}); err != nil {
					b.Fatal(err)
				}
			}
			sec := b.Elapsed().Seconds() / float64(b.N)
			b.ReportMetric(float64(n)/sec, "pages/s")
			b.ReportMetric(float64(st.Size())/1e6/sec, "MB-bz2/s")
			// On a shared machine wall time depends on the neighbours; CPU
			// time (all goroutines) does not.
			cpu := (cpuSeconds(b) - cpu0) / float64(b.N)
			b.ReportMetric(float64(n)/cpu, "pages/cpu-s")
			b.ReportMetric(float64(xmlBytes)/1e6/cpu, "MB-xml/cpu-s")
		})
	}
}
