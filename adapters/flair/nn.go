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

// runBatch runs the layer forward over several sequences from zero states.
// xs[k] holds lens[k] rows of In; the lengths must not increase with k, so
// that the sequences still running at a step are a prefix. It returns the
// outputs, lens[k] rows of H each.
func (l *lstmLayer) runBatch(xs [][]float32, lens []int) [][]float32 {
	B := len(xs)
	H := l.H
	in := linear{In: l.In, Out: 4 * H, W: l.Wih, B: l.Bih}
	xg := make([][]float32, B)
	outs := make([][]float32, B)
	for k := range xs {
		xg[k] = in.apply(xs[k], lens[k])
		outs[k] = make([]float32, lens[k]*H)
	}
	h := make([]float32, B*H)
	c := make([]float32, B*H)
	z := make([]float32, B*4*H)
	maxLen := 0
	if B > 0 {
		maxLen = lens[0]
	}
	for t := range maxLen {
		active := 0
		for active < B && lens[active] > t {
			active++
		}
		for r := range active {
			copy(z[r*4*H:(r+1)*4*H], l.Bhh)
		}
		blas32.Gemm(blas.NoTrans, blas.Trans, 1,
			blas32.General{Rows: active, Cols: H, Stride: H, Data: h},
			blas32.General{Rows: 4 * H, Cols: H, Stride: H, Data: l.Whh},
			1, blas32.General{Rows: active, Cols: 4 * H, Stride: 4 * H, Data: z})
		for r := range active {
			g := xg[r][t*4*H : (t+1)*4*H]
			zr := z[r*4*H : (r+1)*4*H]
			hr := h[r*H : (r+1)*H]
			cr := c[r*H : (r+1)*H]
			for j := range H {
				i := sigmoid(g[j] + zr[j])
				f := sigmoid(g[H+j] + zr[H+j])
				gg := tanh32(g[2*H+j] + zr[2*H+j])
				o := sigmoid(g[3*H+j] + zr[3*H+j])
				cr[j] = f*cr[j] + i*gg
				hr[j] = o * tanh32(cr[j])
			}
			copy(outs[r][t*H:(t+1)*H], hr)
		}
	}
	return outs
}

func sigmoid(x float32) float32 { return float32(1 / (1 + math.Exp(-float64(x)))) }

func tanh32(x float32) float32 { return float32(math.Tanh(float64(x))) }
