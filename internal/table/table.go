// Package table renders a result table in the formats the nerbench commands
// offer: an aligned text table for the terminal, GitHub markdown, CSV and a
// LaTeX tabular. JSON is not a table format: commands marshal their own
// documented structures for it.
package table

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
)

// Format is an output format for tables.
type Format string

// The table formats.
const (
	Text     Format = "text"
	Markdown Format = "markdown"
	CSV      Format = "csv"
	LaTeX    Format = "latex"
	JSON     Format = "json" // not rendered by this package; listed for flag validation
)

// ParseFormat checks s against the formats allowed, which the command
// chooses, and returns it as a Format.
func ParseFormat(s string, allowed ...Format) (Format, error) {
	names := make([]string, len(allowed))
	for i, f := range allowed {
		if string(f) == s {
			return f, nil
		}
		names[i] = string(f)
	}
	return "", fmt.Errorf("unknown output format %q (want %s)", s, strings.Join(names, ", "))
}

// Table is a titled grid of cells. Columns whose header is listed in
// RightAlign are right-aligned in text output (numbers).
type Table struct {
	Title  string
	Header []string
	Rows   [][]string
	// Notes are printed under the table in text and markdown, as LaTeX
	// comments, and never in CSV: Print sends them to its diagnostics
	// writer there.
	Notes []string
	// Numeric marks columns to right-align in text and markdown; its length
	// may be shorter than Header.
	Numeric []bool
}

// Render writes t in format f. It returns an error for JSON, which is not a
// table format. CSV output is the header row and the data rows only, one
// value per cell (RFC 4180): the title and the notes are left out, and a
// row whose length differs from the header's is an error wrapping
// ErrRagged.
func (t *Table) Render(w io.Writer, f Format) error {
	switch f {
	case Text:
		return t.renderText(w)
	case Markdown:
		return t.renderMarkdown(w)
	case CSV:
		return t.renderCSV(w)
	case LaTeX:
		return t.renderLaTeX(w)
	}
	return fmt.Errorf("table: cannot render format %q", f)
}

// Print writes t in format f to out. In CSV, which has no place for them,
// the title and the notes go to diag, one per line, so that out stays a
// table that any CSV reader reads; in the other formats Print is Render.
func (t *Table) Print(out, diag io.Writer, f Format) error {
	if f != CSV {
		return t.Render(out, f)
	}
	if err := t.Render(out, f); err != nil {
		return err
	}
	return t.WriteNotes(diag)
}

// WriteNotes writes the title and the notes of t to w, one per line.
func (t *Table) WriteNotes(w io.Writer) error {
	lines := t.Notes
	if t.Title != "" {
		lines = append([]string{t.Title}, lines...)
	}
	for _, n := range lines {
		if _, err := fmt.Fprintln(w, n); err != nil {
			return err
		}
	}
	return nil
}

// ErrRagged is wrapped by Render for a CSV row with another number of cells
// than the header.
var ErrRagged = errors.New("table: row length differs from the header's")

func (t *Table) aligns() []tw.Align {
	a := make([]tw.Align, len(t.Header))
	for i := range a {
		a[i] = tw.AlignLeft
		if i < len(t.Numeric) && t.Numeric[i] {
			a[i] = tw.AlignRight
		}
	}
	return a
}

func (t *Table) renderText(w io.Writer) error {
	if t.Title != "" {
		if _, err := fmt.Fprintln(w, t.Title); err != nil {
			return err
		}
	}
	tbl := tablewriter.NewTable(w,
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithRowAutoWrap(tw.WrapNone),
		tablewriter.WithHeaderAlignment(tw.AlignCenter),
		tablewriter.WithRowAlignmentConfig(tw.CellAlignment{PerColumn: t.aligns()}),
		tablewriter.WithTrimSpace(tw.Off),
	)
	tbl.Header(toAny(t.Header)...)
	for _, r := range t.Rows {
		if err := tbl.Append(toAny(r)...); err != nil {
			return err
		}
	}
	if err := tbl.Render(); err != nil {
		return err
	}
	for _, n := range t.Notes {
		if _, err := fmt.Fprintln(w, n); err != nil {
			return err
		}
	}
	return nil
}

func (t *Table) renderMarkdown(w io.Writer) error {
	if t.Title != "" {
		if _, err := fmt.Fprintf(w, "**%s**\n\n", t.Title); err != nil {
			return err
		}
	}
	tbl := tablewriter.NewTable(w,
		tablewriter.WithRenderer(renderer.NewMarkdown()),
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithRowAutoWrap(tw.WrapNone),
		tablewriter.WithRowAlignmentConfig(tw.CellAlignment{PerColumn: t.aligns()}),
		tablewriter.WithHeaderAlignmentConfig(tw.CellAlignment{PerColumn: t.aligns()}),
	)
	tbl.Header(toAny(escapeMarkdown(t.Header))...)
	for _, r := range t.Rows {
		if err := tbl.Append(toAny(escapeMarkdown(r))...); err != nil {
			return err
		}
	}
	if err := tbl.Render(); err != nil {
		return err
	}
	if len(t.Notes) > 0 {
		if _, err := fmt.Fprintln(w); err != nil {
			return err
		}
		for _, n := range t.Notes {
			if _, err := fmt.Fprintf(w, "%s\n", n); err != nil {
				return err
			}
		}
	}
	return nil
}

func (t *Table) renderCSV(w io.Writer) error {
	for i, r := range t.Rows {
		if len(r) != len(t.Header) {
			return fmt.Errorf("%w: row %d has %d cells, the header %d", ErrRagged, i+1, len(r), len(t.Header))
		}
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(t.Header); err != nil {
		return err
	}
	if err := cw.WriteAll(t.Rows); err != nil {
		return err
	}
	return cw.Error()
}

func (t *Table) renderLaTeX(w io.Writer) error {
	var b strings.Builder
	b.WriteString("\\begin{tabular}{")
	for _, a := range t.aligns() {
		if a == tw.AlignRight {
			b.WriteByte('r')
		} else {
			b.WriteByte('l')
		}
	}
	b.WriteString("}\n\\toprule\n")
	writeLaTeXRow(&b, t.Header)
	b.WriteString("\\midrule\n")
	for _, r := range t.Rows {
		writeLaTeXRow(&b, r)
	}
	b.WriteString("\\bottomrule\n\\end{tabular}\n")
	for _, n := range t.Notes {
		fmt.Fprintf(&b, "%% %s\n", n)
	}
	if t.Title != "" {
		fmt.Fprintf(&b, "%% %s\n", t.Title)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Float formats x for a CSV cell with prec decimals, and NaN as an empty
// cell (a value that does not apply).
func Float(x float64, prec int) string {
	if math.IsNaN(x) {
		return ""
	}
	return strconv.FormatFloat(x, 'f', prec, 64)
}

func writeLaTeXRow(b *strings.Builder, cells []string) {
	for i, c := range cells {
		if i > 0 {
			b.WriteString(" & ")
		}
		b.WriteString(escapeLaTeX(c))
	}
	b.WriteString(" \\\\\n")
}

var latexEscaper = strings.NewReplacer(
	`\`, `\textbackslash{}`, `&`, `\&`, `%`, `\%`, `$`, `\$`, `#`, `\#`,
	`_`, `\_`, `{`, `\{`, `}`, `\}`, `~`, `\textasciitilde{}`, `^`, `\textasciicircum{}`,
	`±`, `$\pm$`,
)

func escapeLaTeX(s string) string { return latexEscaper.Replace(s) }

func escapeMarkdown(cells []string) []string {
	out := make([]string, len(cells))
	for i, c := range cells {
		out[i] = strings.ReplaceAll(c, "|", `\|`)
	}
	return out
}

func toAny(s []string) []any {
	a := make([]any, len(s))
	for i, v := range s {
		a[i] = v
	}
	return a
}
