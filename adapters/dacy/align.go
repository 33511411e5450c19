package dacy

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// diff returns, for each element of a, the index of its match in b (or -1),
// and the same from b to a: the shortest edit script of Myers' algorithm
// with divide and conquer, ported from the Rust crate seqdiff 0.3.0
// (src/lib.rs), whose tie-breaking decides which of several equal-length
// scripts is chosen (dacy-spec §4.5).
func diff(a, b []rune) (a2b, b2a []int) {
	d := &differ{x: a, y: b}
	n := len(a) + len(b) + 1
	d.offset = len(b)
	d.vf = make([]int, n)
	d.vb = make([]int, n)
	for i := range n {
		d.vf[i] = minInt
		d.vb[i] = maxInt
	}
	d.xe = make([]int, len(a))
	d.ye = make([]int, len(b))
	for i := range d.xe {
		d.xe[i] = -1
	}
	for i := range d.ye {
		d.ye[i] = -1
	}
	d.part(0, len(a), 0, len(b))
	return d.xe, d.ye
}

const (
	minInt = -1 << 62
	maxInt = 1 << 62
)

type differ struct {
	x, y   []rune
	vf, vb []int
	offset int
	xe, ye []int
}

// at returns v[k+offset] and whether that index exists (Rust's Vec::get).
func (d *differ) at(v []int, k int) (int, bool) {
	i := k + d.offset
	if i < 0 || i >= len(v) {
		return 0, false
	}
	return v[i], true
}

func (d *differ) set(v []int, k, val int) {
	if i := k + d.offset; i >= 0 && i < len(v) {
		v[i] = val
	}
}

func (d *differ) part(xl, xr, yl, yr int) int {
	for xl < xr && yl < yr && d.x[xl] == d.y[yl] {
		d.xe[xl], d.ye[yl] = yl, xl
		xl++
		yl++
	}
	for xl < xr && yl < yr && d.x[xr-1] == d.y[yr-1] {
		xr--
		yr--
		d.xe[xr], d.ye[yr] = yr, xr
	}
	switch {
	case xl == xr:
		for i := yl; i < yr; i++ {
			d.ye[i] = -1
		}
		return yr - yl
	case yl == yr:
		for i := xl; i < xr; i++ {
			d.xe[i] = -1
		}
		return xr - xl
	}
	dist, xm, ym := d.mid(xl, xr, yl, yr)
	d.part(xl, xm, yl, ym)
	d.part(xm, xr, ym, yr)
	return dist
}

func (d *differ) mid(xl, xr, yl, yr int) (int, int, int) {
	kmin, kmax := xl-yr, xr-yl
	kmidf, kmidb := xl-yl, xr-yr
	delta := (xr - xl) - (yr - yl)
	odd := delta&1 == 1
	d.set(d.vf, kmidf, xl)
	d.set(d.vb, kmidb, xr)
	kminf, kmaxf, kminb, kmaxb := kmidf, kmidf, kmidb, kmidb
	gety := func(x, k int) int { return x - k }
	for D := 1; ; D++ {
		// forward
		if kminf > kmin {
			kminf--
			d.set(d.vf, kminf-1, minInt)
		} else {
			kminf++
		}
		if kmaxf < kmax {
			kmaxf++
			d.set(d.vf, kmaxf+1, minInt)
		} else {
			kmaxf--
		}
		for k := kmaxf; k >= kminf; k -= 2 {
			// max(lo.map(|x| x+1), hi) over Options: None is the least.
			lo, okLo := d.at(d.vf, k-1)
			hi, okHi := d.at(d.vf, k+1)
			var x int
			switch {
			case okLo && okHi:
				x = max(lo+1, hi)
			case okLo:
				x = lo + 1
			default:
				x = hi
			}
			y := gety(x, k)
			if !(xl <= x && x <= xr && yl <= y && y <= yr) {
				continue
			}
			u, v := x, y
			for u < xr && v < yr && d.x[u] == d.y[v] {
				u++
				v++
			}
			d.set(d.vf, k, u)
			if vb, ok := d.at(d.vb, k); odd && kminb <= k && k <= kmaxb && ok && vb <= u {
				return 2*D - 1, x, y
			}
		}
		// backward
		if kminb > kmin {
			kminb--
			d.set(d.vb, kminb-1, maxInt)
		} else {
			kminb++
		}
		if kmaxb < kmax {
			kmaxb++
			d.set(d.vb, kmaxb+1, maxInt)
		} else {
			kmaxb--
		}
		for k := kmaxb; k >= kminb; k -= 2 {
			lo, okLo := d.at(d.vb, k-1)
			hi, okHi := d.at(d.vb, k+1)
			var x int
			switch {
			case okLo && okHi:
				x = min(lo, hi-1)
			case okLo:
				x = lo
			default:
				x = hi - 1
			}
			y := gety(x, k)
			if !(xl <= x && x <= xr && yl <= y && y <= yr) {
				continue
			}
			u, v := x, y
			for u > xl && v > yl && d.x[u-1] == d.y[v-1] {
				u--
				v--
			}
			d.set(d.vb, k, u)
			if vf, ok := d.at(d.vf, k); !odd && kminf <= k && k <= kmaxf && ok && vf >= u {
				return 2 * D, x, y
			}
		}
	}
}

// normalize is tokenizations' normalize: Rust's str::to_lowercase, then NFKD.
func normalize(s string) string {
	return norm.NFKD.String(lowercase(s))
}

// lowercase is the full Unicode lowercase of Rust's str::to_lowercase and
// Python's str.lower: per-rune lowercase, İ → "i̇", and the final sigma.
func lowercase(s string) string {
	rs := []rune(s)
	var b strings.Builder
	b.Grow(len(s))
	for i, r := range rs {
		switch {
		case r == '\u0130':
			b.WriteString("i\u0307")
		case r == 'Σ' && finalSigma(rs, i):
			b.WriteRune('ς')
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// finalSigma reports whether the Σ at i ends a word: a cased letter comes
// before it and none after it (case-ignorable characters skipped).
func finalSigma(rs []rune, i int) bool {
	ignorable := func(r rune) bool {
		return unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf, unicode.Lm, unicode.Sk) || r == '\'' || r == '.' || r == ':' || r == '\u00b7' || r == '\u2019'
	}
	cased := func(r rune) bool { return unicode.IsUpper(r) || unicode.IsLower(r) || unicode.IsTitle(r) }
	before := false
	for j := i - 1; j >= 0; j-- {
		if ignorable(rs[j]) {
			continue
		}
		before = cased(rs[j])
		break
	}
	if !before {
		return false
	}
	for j := i + 1; j < len(rs); j++ {
		if ignorable(rs[j]) {
			continue
		}
		return !cased(rs[j])
	}
	return true
}

// alignments is tokenizations.get_alignments: for each token of a, the
// indices of the tokens of b that share characters with it (after
// normalization), in character order without consecutive repeats; and the
// same from b to a.
func alignments(a, b []string) (a2b, b2a [][]int) {
	na := make([]string, len(a))
	nb := make([]string, len(b))
	for i, s := range a {
		na[i] = normalize(s)
	}
	for i, s := range b {
		nb[i] = normalize(s)
	}
	ac2t, ac := char2token(na)
	bc2t, bc := char2token(nb)
	ca2b, cb2a := diff(ac, bc)
	return tokenAlignment(len(a), ca2b, ac2t, bc2t), tokenAlignment(len(b), cb2a, bc2t, ac2t)
}

func char2token(tokens []string) ([]int, []rune) {
	var c2t []int
	var chars []rune
	for i, t := range tokens {
		for _, r := range t {
			c2t = append(c2t, i)
			chars = append(chars, r)
		}
	}
	return c2t, chars
}

func tokenAlignment(n int, a2b, ac2t, bc2t []int) [][]int {
	out := make([][]int, n)
	for c, j := range a2b {
		if j < 0 {
			continue
		}
		t := ac2t[c]
		if k := len(out[t]); k > 0 && out[t][k-1] == bc2t[j] {
			continue
		}
		out[t] = append(out[t], bc2t[j])
	}
	for i := range out {
		if out[i] == nil {
			out[i] = []int{}
		}
	}
	return out
}
