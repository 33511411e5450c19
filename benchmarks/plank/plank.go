// Package plank reads the Danish NER data of Plank (2019), "Neural
// Cross-Lingual Transfer and Limited Annotated Data for Named Entity
// Recognition in Danish", NoDaLiDa 2019.
//
// The files come from github.com/bplank/danish_ner_transfer, folder data/,
// at commit 55f314beddec90e554095c5a139f49c3a473f63b:
// da_ddt-ud-ner-{train-10k,train-5k,dev,test}.conll. Each line is
// "word<TAB>tag", tags are IOB2 over PER, ORG, LOC and MISC, and a sentence
// ends at an empty or whitespace-only line (a single TAB in most files,
// " \t" in train-5k); the last sentence may lack its separator. The
// repository states no licence; the text is from UD Danish-DDT (GPL v2 or
// CC BY-SA 4.0).
//
// The dev file holds one ill-formed chunk, "Nat King Cole" tagged
// B-PER I-PER I-LOC. Load keeps such tags as they are and lists them in
// Corpus.Irregular.
package plank

import (
	"context"
	"io"

	"github.com/nerbench/nerbench/benchmarks"
	"github.com/nerbench/nerbench/benchmarks/internal/columns"
)

// Name is the dataset's identifier on the command line.
const Name = "plank"

// Files maps each split to its file name inside the dataset folder.
var Files = map[string]string{
	"train-10k": "da_ddt-ud-ner-train-10k.conll",
	"train-5k":  "da_ddt-ud-ner-train-5k.conll",
	"dev":       "da_ddt-ud-ner-dev.conll",
	"test":      "da_ddt-ud-ner-test.conll",
}

// splits lists the split names in their conventional order.
var splits = []string{"train-10k", "train-5k", "dev", "test"}

// Dataset describes the Plank (2019) benchmark.
var Dataset = benchmarks.Dataset{
	Name:   Name,
	Title:  "Plank (2019) Danish NER: B. Plank, Neural Cross-Lingual Transfer and Limited Annotated Data for Named Entity Recognition in Danish, NoDaLiDa 2019",
	Splits: splits,
	Types:  []string{"LOC", "MISC", "ORG", "PER"},
	Source: "https://github.com/bplank/danish_ner_transfer (data/, commit 55f314beddec90e554095c5a139f49c3a473f63b); no licence stated, text from UD Danish-DDT (GPL v2 or CC BY-SA 4.0)",
	Load:   Load,
}

// Load reads split from dir, the folder that holds the four
// da_ddt-ud-ner-*.conll files.
func Load(ctx context.Context, dir, split string) (*benchmarks.Corpus, error) {
	return columns.LoadSplit(ctx, Name, dir, split, Files, splits, Read)
}

// Read parses one split in the Plank format from r; file names the input in
// errors. Bad input gives a *benchmarks.ParseError.
func Read(ctx context.Context, r io.Reader, file, split string) (*benchmarks.Corpus, error) {
	return columns.Read(ctx, r, file, columns.Format{
		Dataset:    Name,
		Split:      split,
		Columns:    2,
		Sep:        "\t",
		WordColumn: 0,
		TagColumn:  1,
	})
}
