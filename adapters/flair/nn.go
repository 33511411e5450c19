package flair

import (
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
)

// linear is torch.nn.Linear: y = x·Wᵀ + b, W of shape [Out, In].
type linear struct {
	In, Out int
	W, B    []float32
}

// apply maps the n rows of x ([n, In], row-major) to [n, Out].
func (l *linear) apply(x []float32, n int) []float32 {
	y := make([]float32, n*l.Out)
	if n == 0 {
		return y
	}
	blas32.Gemm(blas.NoTrans, blas.Trans, 1,
		blas32.General{Rows: n, Cols: l.In, Stride: l.In, Data: x},
		blas32.General{Rows: l.Out, Cols: l.In, Stride: l.In, Data: l.W},
		0, blas32.General{Rows: n, Cols: l.Out, Stride: l.Out, Data: y})
	for i := range n {
		row := y[i*l.Out : (i+1)*l.Out]
		for j := range row {
			row[j] += l.B[j]
		}
	}
	return y
}

// lstmLayer is one direction of one torch.nn.LSTM layer. The gate blocks of
// the weights are in torch's order i, f, g, o.
type lstmLayer struct {
	In, H    int
	Wih, Whh []float32 // [4H, In], [4H, H]
	Bih, Bhh []float32 // [4H]
}

// run runs the layer over the n rows of x ([n, In]) from zero states, in
// reverse order when backward, and returns the outputs [n, H] in x's order.
func (l *lstmLayer) run(x []float32, n int, backward bool) []float32 {
	in := linear{In: l.In, Out: 4 * l.H, W: l.Wih, B: l.Bih}
	xg := in.apply(x, n) // W_ih·x + b_ih for every step at once
	out := make([]float32, n*l.H)
	h := make([]float32, l.H)
	c := make([]float32, l.H)
	z := make([]float32, 4*l.H)
	whh := blas32.General{Rows: 4 * l.H, Cols: l.H, Stride: l.H, Data: l.Whh}
	for s := range n {
		t := s
		if backward {
			t = n - 1 - s
		}
		copy(z, l.Bhh)
		blas32.Gemv(blas.NoTrans, 1, whh, blas32.Vector{N: l.H, Inc: 1, Data: h}, 1, blas32.Vector{N: 4 * l.H, Inc: 1, Data: z})
		g := xg[t*4*l.H : (t+1)*4*l.H]
		H := l.H
		for j := range H {
			i := sigmoid(g[j] + z[j])
			f := sigmoid(g[H+j] + z[H+j])
			gg := tanh32(g[2*H+j] + z[2*H+j])
			o := sigmoid(g[3*H+j] + z[3*H+j])
			c[j] = f*c[j] + i*gg
			h[j] = o * tanh32(c[j])
		}
		copy(out[t*H:(t+1)*H], h)
	}
	return out
}

func sigmoid(x float32) float32 { return float32(1 / (1 + math.Exp(-float64(x)))) }

func tanh32(x float32) float32 { return float32(math.Tanh(float64(x))) }
