// Package figures draws the plots of nerbench reports with gonum.org/v1/plot:
// per-class F1 of several models as grouped bars with confidence-interval
// whiskers, and annotated heat maps for confusion matrices and
// train×test score matrices. Save writes each plot as PNG and SVG.
package figures

import (
	"errors"
	"fmt"
	"image/color"
	"io"
	"math"
	"path/filepath"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/nerbench/nerbench/internal/atomicfile"
)

// Size of the figures: 16 × 10 cm, about 454 × 283 points; PNG output is
// rendered at 96 dots per inch.
const (
	Width  = 16 * vg.Centimeter
	Height = 10 * vg.Centimeter
)

// Formats are the file formats Save writes, as file extensions.
var Formats = []string{"png", "svg"}

// ErrInput is wrapped by the constructors for data they cannot draw.
var ErrInput = errors.New("figures: bad input")

// Series is one model's bars in a grouped bar chart.
type Series struct {
	// Name labels the series in the legend.
	Name string
	// Values holds one value per group, in percent (0..100). NaN draws no
	// bar (a type the model does not predict).
	Values []float64
	// Lo and Hi are the interval bounds of each value, in percent; nil
	// draws no whiskers, and NaN bounds draw none for that bar.
	Lo, Hi []float64
}

// palette holds the bar colours, Okabe and Ito's colour-blind-safe set.
var palette = []color.RGBA{
	{0, 114, 178, 255}, {230, 159, 0, 255}, {0, 158, 115, 255}, {204, 121, 167, 255},
	{86, 180, 233, 255}, {213, 94, 0, 255}, {240, 228, 66, 255}, {0, 0, 0, 255},
}

// GroupedBars returns a bar chart with one group of bars per group name
// and one bar per series in each group, with whiskers from Lo to Hi. The
// y axis runs from 0 to 100. It returns an error wrapping ErrInput when
// there are no groups or series, or a series has the wrong number of
// values.
func GroupedBars(title, yLabel string, groups []string, series []Series) (*plot.Plot, error) {
	if len(groups) == 0 || len(series) == 0 {
		return nil, fmt.Errorf("%w: %d groups and %d series, want at least one of each", ErrInput, len(groups), len(series))
	}
	for _, s := range series {
		if len(s.Values) != len(groups) || (s.Lo != nil && len(s.Lo) != len(groups)) || (s.Hi != nil && len(s.Hi) != len(groups)) {
			return nil, fmt.Errorf("%w: series %s has %d values, %d lower and %d upper bounds for %d groups",
				ErrInput, s.Name, len(s.Values), len(s.Lo), len(s.Hi), len(groups))
		}
	}
	p := plot.New()
	p.Title.Text = title
	p.Y.Label.Text = yLabel
	p.Y.Min, p.Y.Max = 0, 100
	var ticks []plot.Tick
	for y := 0; y <= 100; y += 10 {
		t := plot.Tick{Value: float64(y)}
		if y%20 == 0 {
			t.Label = fmt.Sprint(y)
		}
		ticks = append(ticks, t)
	}
	p.Y.Tick.Marker = plot.ConstantTicks(ticks)
	p.NominalX(groups...)
	p.X.Min, p.X.Max = -0.5, float64(len(groups))-0.5
	p.Legend.Top = true
	p.Legend.Left = false
	p.Add(plotter.NewGrid())
	width := 0.8 / float64(len(series))
	for k, s := range series {
		b := &bars{Series: s, offset: -0.4 + width*float64(k), width: width, color: palette[k%len(palette)]}
		p.Add(b)
		p.Legend.Add(s.Name, b)
	}
	return p, nil
}

// bars draws one series of a grouped bar chart in data coordinates.
type bars struct {
	Series
	offset, width float64
	color         color.Color
}

var whisker = draw.LineStyle{Color: color.Black, Width: vg.Points(1)}

// Plot implements plot.Plotter.
func (b *bars) Plot(c draw.Canvas, p *plot.Plot) {
	tx, ty := p.Transforms(&c)
	for i, v := range b.Values {
		if math.IsNaN(v) {
			continue
		}
		x0, x1 := float64(i)+b.offset, float64(i)+b.offset+b.width
		pts := []vg.Point{{X: tx(x0), Y: ty(0)}, {X: tx(x1), Y: ty(0)}, {X: tx(x1), Y: ty(v)}, {X: tx(x0), Y: ty(v)}}
		c.FillPolygon(b.color, c.ClipPolygonXY(pts))
		if b.Lo == nil || b.Hi == nil || math.IsNaN(b.Lo[i]) || math.IsNaN(b.Hi[i]) {
			continue
		}
		xm := tx((x0 + x1) / 2)
		capW := (tx(x1) - tx(x0)) / 4
		lo, hi := ty(b.Lo[i]), ty(b.Hi[i])
		c.StrokeLine2(whisker, xm, lo, xm, hi)
		c.StrokeLine2(whisker, xm-capW, lo, xm+capW, lo)
		c.StrokeLine2(whisker, xm-capW, hi, xm+capW, hi)
	}
}

// Thumbnail implements plot.Thumbnailer for the legend.
func (b *bars) Thumbnail(c *draw.Canvas) {
	pts := []vg.Point{{X: c.Min.X, Y: c.Min.Y}, {X: c.Max.X, Y: c.Min.Y}, {X: c.Max.X, Y: c.Max.Y}, {X: c.Min.X, Y: c.Max.Y}}
	c.FillPolygon(b.color, c.ClipPolygonY(pts))
}

// Heatmap returns a heat map of values with rows[i] labelled on the y axis
// (the first row at the top) and cols[j] on the x axis, each cell
// annotated with its label cells[i][j] (values[i][j] formatted with
// format when cells is nil). The colour scale runs from 0 (or the smallest
// value, if negative) to the largest value. With logScale the colour follows
// log(1+value), so that a matrix dominated by one large cell, such as a
// confusion matrix's O/O count, still shows the small ones. NaN values are
// drawn in light grey. It returns an error wrapping ErrInput for an empty
// or ragged matrix, or for negative values with logScale.
func Heatmap(title, xLabel, yLabel string, rows, cols []string, values [][]float64, cells [][]string, format string, logScale bool) (*plot.Plot, error) {
	if len(rows) == 0 || len(cols) == 0 || len(values) != len(rows) || (cells != nil && len(cells) != len(rows)) {
		return nil, fmt.Errorf("%w: %d rows of values for %d row labels and %d columns", ErrInput, len(values), len(rows), len(cols))
	}
	g := &grid{rows: len(rows), cols: len(cols), z: make([]float64, 0, len(rows)*len(cols))}
	lo, hi := math.Inf(1), math.Inf(-1)
	for i, r := range values {
		if len(r) != len(cols) || (cells != nil && len(cells[i]) != len(cols)) {
			return nil, fmt.Errorf("%w: row %s has %d values for %d columns", ErrInput, rows[i], len(r), len(cols))
		}
		for _, v := range r {
			z := v
			if logScale && !math.IsNaN(v) {
				if v < 0 {
					return nil, fmt.Errorf("%w: negative value %v on a log scale", ErrInput, v)
				}
				z = math.Log1p(v)
			}
			if !math.IsNaN(z) {
				lo, hi = math.Min(lo, z), math.Max(hi, z)
			}
			g.z = append(g.z, z)
		}
	}
	if math.IsInf(lo, 1) { // all NaN
		lo, hi = 0, 1
	}
	// Counts and scores start at 0: a cell of 0 is white.
	lo = math.Min(lo, 0)
	if hi == lo {
		hi = lo + 1
	}
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = xLabel
	p.Y.Label.Text = yLabel
	h := plotter.NewHeatMap(g, sequential(64))
	h.Min, h.Max = lo, hi
	h.NaN = color.Gray{Y: 230}
	p.Add(h)
	var xys plotter.XYs
	var labels []string
	var dark []bool
	for i := range rows {
		for j := range cols {
			xys = append(xys, plotter.XY{X: float64(j), Y: float64(len(rows) - 1 - i)})
			switch {
			case cells != nil:
				labels = append(labels, cells[i][j])
			case math.IsNaN(values[i][j]):
				labels = append(labels, "–")
			default:
				labels = append(labels, fmt.Sprintf(format, values[i][j]))
			}
			z := g.z[i*len(cols)+j]
			dark = append(dark, !math.IsNaN(z) && (z-lo)/(hi-lo) > 0.55)
		}
	}
	l, err := plotter.NewLabels(plotter.XYLabels{XYs: xys, Labels: labels})
	if err != nil {
		return nil, err
	}
	for i := range l.TextStyle {
		l.TextStyle[i].XAlign = draw.XCenter
		l.TextStyle[i].YAlign = draw.YCenter
		if dark[i] {
			l.TextStyle[i].Color = color.White
		}
	}
	p.Add(l)
	p.NominalX(cols...)
	ylab := make([]string, len(rows))
	for i, r := range rows {
		ylab[len(rows)-1-i] = r
	}
	p.NominalY(ylab...)
	p.X.Min, p.X.Max = -0.5, float64(len(cols))-0.5
	p.Y.Min, p.Y.Max = -0.5, float64(len(rows))-0.5
	return p, nil
}

// grid is a matrix for plotter.HeatMap; row 0 of the input is drawn at the
// top.
type grid struct {
	rows, cols int
	z          []float64 // row-major, input row order
}

func (g *grid) Dims() (c, r int)   { return g.cols, g.rows }
func (g *grid) Z(c, r int) float64 { return g.z[(g.rows-1-r)*g.cols+c] }
func (g *grid) X(c int) float64    { return float64(c) }
func (g *grid) Y(r int) float64    { return float64(r) }

// sequentialPalette runs from white to dark blue.
type sequentialPalette []color.Color

func (p sequentialPalette) Colors() []color.Color { return p }

func sequential(n int) sequentialPalette {
	from, to := [3]float64{255, 255, 255}, [3]float64{8, 48, 107}
	p := make(sequentialPalette, n)
	for i := range p {
		t := float64(i) / float64(n-1)
		var c [3]uint8
		for k := range c {
			c[k] = uint8(math.Round(from[k] + t*(to[k]-from[k])))
		}
		p[i] = color.RGBA{c[0], c[1], c[2], 255}
	}
	return p
}

// Save writes p as base.png and base.svg (base is a path without
// extension), each atomically, and returns the paths written.
func Save(p *plot.Plot, base string) ([]string, error) {
	var paths []string
	for _, ext := range Formats {
		wt, err := p.WriterTo(Width, Height, ext)
		if err != nil {
			return paths, fmt.Errorf("draw %s.%s: %w", base, ext, err)
		}
		path := base + "." + ext
		if err := atomicfile.Write(path, 0o644, func(w io.Writer) error {
			_, err := wt.WriteTo(w)
			return err
		}); err != nil {
			return paths, fmt.Errorf("write figure %s: %w", filepath.Base(path), err)
		}
		paths = append(paths, path)
	}
	return paths, nil
}
