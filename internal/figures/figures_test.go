package figures

import (
	"bytes"
	"encoding/xml"
	"errors"
	"image"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"testing"

	"gonum.org/v1/plot"
)

// checkImages checks that the PNG and SVG files at paths are valid images
// of a non-trivial size and content.
func checkImages(t *testing.T, paths []string) {
	t.Helper()
	if len(paths) != 2 {
		t.Fatalf("got %d files %v, want a PNG and an SVG", len(paths), paths)
	}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if len(data) < 4000 {
			t.Errorf("%s: got %d bytes, want at least 4000", p, len(data))
		}
		switch filepath.Ext(p) {
		case ".png":
			img, err := png.Decode(bytes.NewReader(data))
			if err != nil {
				t.Fatalf("%s: %v", p, err)
			}
			b := img.Bounds()
			// 16 × 10 cm at 96 dpi is 605 × 378 pixels.
			if b.Dx() < 600 || b.Dy() < 370 {
				t.Errorf("%s: got %d×%d pixels, want at least 600×370", p, b.Dx(), b.Dy())
			}
			if n := colours(img); n < 8 {
				t.Errorf("%s: got %d distinct colours, want a drawing (at least 8)", p, n)
			}
		case ".svg":
			dec := xml.NewDecoder(bytes.NewReader(data))
			root := ""
			elems := 0
			for {
				tok, err := dec.Token()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatalf("%s: not XML: %v", p, err)
				}
				if se, ok := tok.(xml.StartElement); ok {
					if root == "" {
						root = se.Name.Local
					}
					elems++
				}
			}
			if root != "svg" || elems < 20 {
				t.Errorf("%s: got root <%s> with %d elements, want <svg> with at least 20", p, root, elems)
			}
		default:
			t.Errorf("unexpected file %s", p)
		}
	}
}

func colours(img image.Image) int {
	seen := map[[4]uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			r, g, bl, a := img.At(x, y).RGBA()
			seen[[4]uint32{r, g, bl, a}] = true
		}
	}
	return len(seen)
}

func TestGroupedBars(t *testing.T) {
	nan := math.NaN()
	p, err := GroupedBars("F1 per class", "F1 (%)", []string{"LOC", "PER", "ORG", "MISC"}, []Series{
		{Name: "baseline", Values: []float64{80, 90, 60, 55}, Lo: []float64{75, 86, 54, 48}, Hi: []float64{85, 94, 66, 62}},
		{Name: "other", Values: []float64{70, 88, 65, nan}, Lo: []float64{64, 84, 59, nan}, Hi: []float64{76, 92, 71, nan}},
		{Name: "no intervals", Values: []float64{50, 60, 70, 80}},
	})
	if err != nil {
		t.Fatal(err)
	}
	paths, err := Save(p, filepath.Join(t.TempDir(), "f1"))
	if err != nil {
		t.Fatal(err)
	}
	checkImages(t, paths)
	// The first bar (baseline, LOC) is drawn in the first palette colour.
	img := decodePNG(t, paths[0])
	if !hasColour(img, palette[0]) {
		t.Errorf("got no pixel of the first series' colour %v", palette[0])
	}
}

func TestHeatmap(t *testing.T) {
	labels := []string{"LOC", "PER", "ORG", "MISC", "O"}
	counts := [][]float64{
		{80, 3, 5, 1, 12},
		{2, 300, 4, 0, 12},
		{10, 9, 120, 6, 76},
		{1, 2, 3, 70, 83},
		{5, 8, 12, 14, 9185},
	}
	p, err := Heatmap("Confusion", "Predicted", "Gold", labels, labels, counts, nil, "%.0f", true)
	if err != nil {
		t.Fatal(err)
	}
	paths, err := Save(p, filepath.Join(t.TempDir(), "confusion"))
	if err != nil {
		t.Fatal(err)
	}
	checkImages(t, paths)
	img := decodePNG(t, paths[0])
	// The largest cell gets the darkest colour of the palette.
	if !hasColour(img, sequential(64)[63]) {
		t.Errorf("got no pixel of the darkest colour")
	}
}

func TestGridOrientation(t *testing.T) {
	g := &grid{rows: 2, cols: 3, z: []float64{1, 2, 3, 4, 5, 6}}
	// Row 0 of the input is drawn at the top, at y = rows-1.
	for _, tc := range []struct{ c, r int }{{0, 1}, {2, 1}, {0, 0}, {2, 0}} {
		want := []float64{1, 2, 3, 4, 5, 6}[(1-tc.r)*3+tc.c]
		if got := g.Z(tc.c, tc.r); got != want {
			t.Errorf("Z(%d, %d): got %v, want %v", tc.c, tc.r, got, want)
		}
	}
}

func TestInputErrors(t *testing.T) {
	tests := []struct {
		name string
		f    func() (*plot.Plot, error)
	}{
		{"no groups", func() (*plot.Plot, error) { return GroupedBars("", "", nil, []Series{{Name: "a"}}) }},
		{"no series", func() (*plot.Plot, error) { return GroupedBars("", "", []string{"LOC"}, nil) }},
		{"short series", func() (*plot.Plot, error) {
			return GroupedBars("", "", []string{"LOC", "PER"}, []Series{{Name: "a", Values: []float64{1}}})
		}},
		{"short bounds", func() (*plot.Plot, error) {
			return GroupedBars("", "", []string{"LOC"}, []Series{{Name: "a", Values: []float64{1}, Lo: []float64{}}})
		}},
		{"ragged", func() (*plot.Plot, error) {
			return Heatmap("", "", "", []string{"a", "b"}, []string{"x"}, [][]float64{{1}, {1, 2}}, nil, "%v", false)
		}},
		{"empty", func() (*plot.Plot, error) { return Heatmap("", "", "", nil, nil, nil, nil, "%v", false) }},
		{"negative log", func() (*plot.Plot, error) {
			return Heatmap("", "", "", []string{"a"}, []string{"x"}, [][]float64{{-1}}, nil, "%v", true)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := tc.f(); !errors.Is(err, ErrInput) {
				t.Errorf("got %v, want an error wrapping ErrInput", err)
			}
		})
	}
}

func decodePNG(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func hasColour(img image.Image, c interface{ RGBA() (r, g, b, a uint32) }) bool {
	wr, wg, wb, _ := c.RGBA()
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r>>8 == wr>>8 && g>>8 == wg>>8 && bl>>8 == wb>>8 {
				return true
			}
		}
	}
	return false
}
