package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLeanRoot requires `score` and `conlleval` to behave the same in the
// lean tree of newRootFor as in the whole tree: output, errors and help.
func TestLeanRoot(t *testing.T) {
	file := filepath.Join(t.TempDir(), "in.txt")
	in := "w B-PER B-PER\nw I-PER O\n\nw O B-LOC\n"
	if err := os.WriteFile(file, []byte(in), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := [][]string{
		{"score", file},
		{"score", "-o", "json", file},
		{"score", "-l", file},
		{"score"},
		{"score", "--help"},
		{"score", "-h"},
		{"score", "--bogus", file},
		{"score", file, file},
		{"score", "--output", "nope", file},
		{"score", "missing.txt"},
		{"score", "help"},
		{"conlleval"},
		{"conlleval", "-l"},
		{"conlleval", "-h"},
		{"conlleval", "-x"},
		{"conlleval", "extra"},
	}
	exec := func(full bool, args []string) string {
		var out, errb bytes.Buffer
		s := &streams{In: strings.NewReader(in), Out: &out, Err: &errb}
		root := newRootFor(s, args)
		if full {
			root = newRootCmd(s)
		}
		root.SetArgs(args)
		err := root.ExecuteContext(t.Context())
		return fmt.Sprintf("%s\n--- stderr\n%s\n--- error %v (exit %d)", out.String(), errb.String(), err, exitCode(err))
	}
	for _, args := range tests {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			if got, want := exec(false, args), exec(true, args); got != want {
				t.Errorf("lean tree: got\n%s\nwant (whole tree)\n%s", got, want)
			}
			if len(newRootFor(&streams{}, args).Commands()) != 1 {
				t.Errorf("got the whole tree, want the lean one")
			}
		})
	}
}
