// Package wikiann reads the Danish part of WikiANN (X. Pan, B. Zhang,
// J. May, J. Nothman, K. Knight and H. Ji, "Cross-lingual Name Tagging and
// Linking for 282 Languages", ACL 2017) in the train, dev and test splits of
// A. Rahimi, Y. Li and T. Cohn, "Massively Multilingual Transfer for NER",
// ACL 2019.
//
// The official source of the splits is https://github.com/afshinrahimi/mmner,
// which links the archive panx_dataset.tar
// (https://www.dropbox.com/s/12h3qqog6q4bjve/panx_dataset.tar?dl=1); it
// holds one da.tar.gz whose files train, dev and test are the three splits.
// Load expects them under those names in the dataset folder. No licence is
// stated for the data.
//
// Each word line is "da:word<TAB>tag": the language code and a colon come
// before the word, and Read removes them, only as a prefix (a word such as
// "foda:x" is kept whole). Tags are IOB2 over PER, ORG and LOC; sentences
// are separated by empty lines.
package wikiann

import (
	"context"
	"io"
	"strings"

	"github.com/nerbench/nerbench/benchmarks"
	"github.com/nerbench/nerbench/benchmarks/internal/columns"
)

// Name is the dataset's identifier on the command line.
const Name = "wikiann"

// Prefix is the language prefix before every word in the Danish files.
const Prefix = "da:"

// files maps each split to its file name: the Rahimi et al. archive names
// its files after the splits.
var files = map[string]string{"train": "train", "dev": "dev", "test": "test"}

// splits lists the split names in their conventional order.
var splits = []string{"train", "dev", "test"}

// Dataset describes the WikiANN-da benchmark with the Rahimi et al. splits.
var Dataset = benchmarks.Dataset{
	Name:   Name,
	Title:  "WikiANN Danish (Pan et al., ACL 2017) with the splits of Rahimi, Li and Cohn, Massively Multilingual Transfer for NER, ACL 2019",
	Splits: splits,
	Types:  []string{"LOC", "ORG", "PER"},
	Source: "https://github.com/afshinrahimi/mmner (panx_dataset.tar, https://www.dropbox.com/s/12h3qqog6q4bjve/panx_dataset.tar?dl=1, member da.tar.gz); no licence stated",
	Load:   Load,
}

// Load reads split ("train", "dev" or "test") from dir, the folder that
// holds the files train, dev and test of da.tar.gz.
func Load(ctx context.Context, dir, split string) (*benchmarks.Corpus, error) {
	return columns.LoadSplit(ctx, Name, dir, split, files, splits, Read)
}

// Read parses one split in the WikiANN format from r; file names the input
// in errors. A word without the "da:" prefix is an error wrapping
// benchmarks.ErrMissing; bad input gives a *benchmarks.ParseError.
func Read(ctx context.Context, r io.Reader, file, split string) (*benchmarks.Corpus, error) {
	return columns.Read(ctx, r, file, columns.Format{
		Dataset:    Name,
		Split:      split,
		Columns:    2,
		Sep:        "\t",
		WordColumn: 0,
		TagColumn:  1,
		Word:       stripPrefix,
	})
}

func stripPrefix(w string) (string, error) {
	word, ok := strings.CutPrefix(w, Prefix)
	if !ok {
		return "", columns.Detail(benchmarks.ErrMissing, "word %q lacks the %q prefix", w, Prefix)
	}
	return word, nil
}
