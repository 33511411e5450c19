// Command stub disables the functions of gotch's generated C++ wrapper that do
// not compile against the installed libtorch.
//
// gotch v0.9.1 generates libtch/torch_api_generated.cpp.h for libtorch 2.1;
// about a hundred of its atg_* functions call operators that libtorch 1.13
// (Debian bookworm's libtorch-dev) lacks. Given the wrapper and the log of a
// failed g++ run over it, stub replaces the body of every atg_* function that
// an error points into with one that throws through gotch's PROTECT macro, so
// that calling it from Go returns an ordinary error instead of breaking the
// build. tools/gotch/build.sh runs it between two compiler passes.
//
// Usage:
//
//	go run ./tools/gotch/stub -src libtch/torch_api_generated.cpp.h -log pass1.log
//
// It rewrites -src in place and prints the names of the stubbed functions. It
// fails when an error in the log lies outside every atg_* function of -src,
// because stubbing cannot fix such an error.
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
	flag.Parse()
	if *src == "" || *logFile == "" {
		fmt.Fprintln(os.Stderr, "usage: stub -src torch_api_generated.cpp.h -log gcc.log")
		os.Exit(2)
	}
	if err := run(*src, *logFile); err != nil {
		fmt.Fprintln(os.Stderr, "stub:", err)
		os.Exit(1)
	}
}

func run(srcPath, logPath string) error {
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
	out, names, err := stubFunctions(src, lines)
	if err != nil {
		return fmt.Errorf("%s: %w", srcPath, err)
	}
	if err := os.WriteFile(srcPath, out, 0o644); err != nil {
		return err
	}
	fmt.Printf("stubbed %d functions: %s\n", len(names), strings.Join(names, " "))
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

// stubFunctions replaces the body of every function containing one of lines
// (1-based) and returns the new source and the sorted names it stubbed.
func stubFunctions(src []byte, lines []int) ([]byte, []string, error) {
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
			return nil, nil, fmt.Errorf("line %d: function %s has no closing brace", i+1, m[2])
		}
		funcs = append(funcs, function{name: m[2], ret: strings.TrimSpace(m[1]), start: i, end: j})
		i = j
	}
	stub := make(map[int]bool) // index into funcs
	for _, n := range lines {
		k := sort.Search(len(funcs), func(k int) bool { return funcs[k].end >= n-1 })
		if k == len(funcs) || funcs[k].start > n-1 {
			return nil, nil, fmt.Errorf("line %d: error outside every atg_ function", n)
		}
		stub[k] = true
	}
	var out bytes.Buffer
	var names []string
	prev := 0
	for k, f := range funcs {
		if !stub[k] {
			continue
		}
		for _, l := range text[prev : f.start+1] {
			out.WriteString(l)
			out.WriteByte('\n')
		}
		fmt.Fprintf(&out, "  PROTECT(throw std::runtime_error(%q);)\n",
			f.name+": not available in the libtorch this gotch was built against")
		if f.ret != "void" {
			out.WriteString("  return 0;\n")
		}
		prev = f.end
		names = append(names, f.name)
	}
	out.WriteString(strings.Join(text[prev:], "\n"))
	sort.Strings(names)
	return out.Bytes(), names, nil
}
