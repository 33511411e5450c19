// Command stub disables the functions of gotch's generated C++ wrapper that do
// not compile against the installed libtorch.
//
// gotch v0.9.1 generates libtch/torch_api_generated.cpp.h for libtorch 2.1;
// about a hundred of its atg_* functions call operators that libtorch 1.13
// (Debian bookworm's libtorch-dev) lacks. Given the wrapper and the log of a
// failed g++ run over it, stub rewrites every atg_* function that an error
// points into:
//
//   - a function whose only incompatibility is known is adapted to the older
//     operator (see adapt): the to_dense family, whose masked_grad argument
//     libtorch 2.1 added, calls 1.13's operator without it, so that an MKL-DNN
//     or sparse tensor can still be made dense;
//   - every other one gets a body that throws through gotch's PROTECT macro,
//     so that calling it from Go returns an ordinary error instead of
//     breaking the build.
//
// tools/gotch/build.sh runs it between two compiler passes, and once more
// with -adapt=false if an adapted function still fails to compile (a libtorch
// older or newer than the adaptations expect), which then stubs it.
//
// Usage:
//
//	go run ./tools/gotch/stub -src libtch/torch_api_generated.cpp.h -log pass1.log [-adapt=false]
//
// It rewrites -src in place and prints the names of the adapted and of the
// stubbed functions. It fails when an error in the log lies outside every
// atg_* function of -src, because stubbing cannot fix such an error.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
)

func main() {
	src := flag.String("src", "", "the generated wrapper to rewrite in place")
	logFile := flag.String("log", "", "the g++ error log of a failed compile")
	adaptKnown := flag.Bool("adapt", true, "adapt the functions with a known incompatibility instead of stubbing them")
	flag.Parse()
	if *src == "" || *logFile == "" {
		fmt.Fprintln(os.Stderr, "usage: stub -src torch_api_generated.cpp.h -log gcc.log")
		os.Exit(2)
	}
	if err := run(*src, *logFile, *adaptKnown); err != nil {
		fmt.Fprintln(os.Stderr, "stub:", err)
		os.Exit(1)
	}
}

func run(srcPath, logPath string, adaptKnown bool) error {
	src, err := os.ReadFile(srcPath)
	if err != nil {
		return err
	}
	log, err := os.ReadFile(logPath)
	if err != nil {
		return err
	}
	lines, err := errorLines(log, filepath.Base(srcPath))
	if err != nil {
		return err
	}
	out, rep, err := stubFunctions(src, lines, adaptKnown)
	if err != nil {
		return fmt.Errorf("%s: %w", srcPath, err)
	}
	if err := os.WriteFile(srcPath, out, 0o644); err != nil {
		return err
	}
	if len(rep.adapted) > 0 {
		fmt.Printf("adapted %d functions to this libtorch: %s\n", len(rep.adapted), strings.Join(rep.adapted, " "))
	}
	fmt.Printf("stubbed %d functions: %s\n", len(rep.stubbed), strings.Join(rep.stubbed, " "))
	return nil
}

// diagnostic matches a compiler diagnostic line "path:line:col: kind...",
// where kind is "error:", "note:", "required from here" and the like.
var diagnostic = regexp.MustCompile(`^(?:.*/)?([^/:\s]+):(\d+):\d+:\s+(.*)$`)

// errorLines returns the 1-based lines of file that the errors in log point
// at. An error inside a header counts for the line of file whose
// "required from here" precedes it, as g++ prints for failed template
// instantiations. errorLines fails on any other error outside file, or when
// the log holds no error.
func errorLines(log []byte, file string) ([]int, error) {
	var lines []int
	var other []string
	pending := 0 // the last "required from here" line of file not yet followed by an error in file
	for _, l := range strings.Split(string(log), "\n") {
		m := diagnostic.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		n, err := strconv.Atoi(m[2])
		if err != nil {
			return nil, err
		}
		kind := m[3]
		switch {
		case strings.HasPrefix(kind, "required from") && m[1] == file:
			pending = n
		case strings.HasPrefix(kind, "error:") || strings.HasPrefix(kind, "fatal error:"):
			switch {
			case m[1] == file:
				lines = append(lines, n)
				pending = 0
			case pending > 0:
				// A header error of the current instantiation; g++ may print
				// several for one "required from here".
				lines = append(lines, pending)
			default:
				other = append(other, fmt.Sprintf("%s:%d", m[1], n))
			}
		}
	}
	if len(other) > 0 {
		return nil, fmt.Errorf("errors outside %s cannot be stubbed: %s", file, strings.Join(other, ", "))
	}
	if len(lines) == 0 {
		return nil, errors.New("the log holds no compiler error")
	}
	sort.Ints(lines)
	return slices.Compact(lines), nil
}

// funcStart matches the first line of a generated function definition, such
// as "void atg_abs(tensor *out__, tensor self) {" or "int64_t atg_x(...) {".
var funcStart = regexp.MustCompile(`^([A-Za-z_][\w \*]*?)\b(atg_\w+)\(.*\)\s*\{\s*$`)

type function struct {
	name       string
	ret        string
	start, end int // 0-based indices of the first line and of the closing "}"
}

// rewritten names the functions that stubFunctions adapted and stubbed,
// each list sorted.
type rewritten struct{ adapted, stubbed []string }

// stubFunctions rewrites every function containing one of lines (1-based):
// with adaptKnown, the ones that adapt knows get its body, the others a
// throwing one. It returns the new source and the names it rewrote.
func stubFunctions(src []byte, lines []int, adaptKnown bool) ([]byte, rewritten, error) {
	text := strings.Split(string(src), "\n")
	var funcs []function
	for i := 0; i < len(text); i++ {
		m := funcStart.FindStringSubmatch(text[i])
		if m == nil {
			continue
		}
		j := i + 1
		for j < len(text) && text[j] != "}" {
			j++
		}
		if j == len(text) {
			return nil, rewritten{}, fmt.Errorf("line %d: function %s has no closing brace", i+1, m[2])
		}
		funcs = append(funcs, function{name: m[2], ret: strings.TrimSpace(m[1]), start: i, end: j})
		i = j
	}
	stub := make(map[int]bool) // index into funcs
	for _, n := range lines {
		k := sort.Search(len(funcs), func(k int) bool { return funcs[k].end >= n-1 })
		if k == len(funcs) || funcs[k].start > n-1 {
			return nil, rewritten{}, fmt.Errorf("line %d: error outside every atg_ function", n)
		}
		stub[k] = true
	}
	var out bytes.Buffer
	var rep rewritten
	prev := 0
	for k, f := range funcs {
		if !stub[k] {
			continue
		}
		for _, l := range text[prev : f.start+1] {
			out.WriteString(l)
			out.WriteByte('\n')
		}
		body, ok := adapt(text[f.start], text[f.start+1:f.end])
		switch {
		case ok && adaptKnown:
			out.WriteString(body)
			rep.adapted = append(rep.adapted, f.name)
		default:
			fmt.Fprintf(&out, "  PROTECT(throw std::runtime_error(%q);)\n",
				f.name+": not available in the libtorch this gotch was built against")
			if f.ret != "void" {
				out.WriteString("  return 0;\n")
			}
			rep.stubbed = append(rep.stubbed, f.name)
		}
		prev = f.end
	}
	out.WriteString(strings.Join(text[prev:], "\n"))
	sort.Strings(rep.adapted)
	sort.Strings(rep.stubbed)
	return out.Bytes(), rep, nil
}

// maskedGradArg is the argument that libtorch 2.1 added to to_dense,
// _to_dense, _to_dense_out and to_dense_backward, as gotch v0.9.1 passes it.
const maskedGradArg = ", (bool)masked_grad)"

// maskedGradTensor matches the tensor parameter of a to_dense-family
// signature whose layout masked_grad concerns: self, or input for
// to_dense_backward.
var maskedGradTensor = regexp.MustCompile(`\btensor (self|input)\b`)

// adapt returns the body (the lines between the signature and the closing
// brace, each ending in a newline) that makes a function with a known
// incompatibility compile against libtorch 1.13, and false for any other
// function.
//
// The only one known is masked_grad. In libtorch 2.1, to_dense(dtype, *,
// masked_grad) decides whether the gradient of a sparse input is masked to
// the input's sparsity pattern (the default, true); 1.13's operator has no
// such argument and always masks. So the adapted function drops the
// argument and refuses masked_grad=false for a tensor that is neither
// strided nor MKL-DNN, the only case where the two would differ. On strided
// and MKL-DNN tensors (mkldnn_linear's output) masked_grad changes nothing.
func adapt(signature string, body []string) (string, bool) {
	if !strings.Contains(signature, "int masked_grad") {
		return "", false
	}
	t := maskedGradTensor.FindStringSubmatch(signature)
	calls := 0
	for _, l := range body {
		calls += strings.Count(l, maskedGradArg)
	}
	if t == nil || calls != 1 {
		return "", false
	}
	name := funcStart.FindStringSubmatch(signature)[2]
	var b strings.Builder
	for _, l := range body {
		if strings.Contains(l, maskedGradArg) {
			indent := l[:len(l)-len(strings.TrimLeft(l, " "))]
			fmt.Fprintf(&b, "%sif (!masked_grad && %s->layout() != c10::kStrided && %s->layout() != c10::kMkldnn)\n", indent, t[1], t[1])
			fmt.Fprintf(&b, "%s  throw std::runtime_error(%q);\n", indent,
				name+": masked_grad=false needs libtorch 2.1; this one always masks the gradient of a sparse tensor")
			l = strings.Replace(l, maskedGradArg, ")", 1)
		}
		b.WriteString(l)
		b.WriteByte('\n')
	}
	return b.String(), true
}
