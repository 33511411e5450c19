// Package conll2003 reads the English data of the CoNLL-2003 shared task:
// E. F. Tjong Kim Sang and F. De Meulder, "Introduction to the CoNLL-2003
// Shared Task: Language-Independent Named Entity Recognition", CoNLL 2003.
//
// The files are eng.train, eng.testa (dev) and eng.testb (test). Each word
// line has four space-separated columns: word, POS tag, chunk tag and NER
// tag. Sentences are separated by empty lines, and a line starting with
// -DOCSTART- begins a new document; it is never read as a sentence.
//
// The NER tags are IOB1: a chunk starts with I-X and B-X appears only
// between two adjacent chunks of the same type. Load converts them to IOB2
// and keeps the file's tags in Sentence.OrigTags. Sentences get Doc
// "<split>-d<n>", counting documents from 1.
//
// The text is from the Reuters Corpus (RCV1), which Reuters/NIST license for
// research only; the official release (https://www.clips.uantwerpen.be/conll2003/ner/)
// ships annotations and build scripts, not the text. nerbench therefore
// never downloads or redistributes these files: users copy their own.
package conll2003

import (
	"context"
	"io"

	"github.com/nerbench/nerbench/benchmarks"
	"github.com/nerbench/nerbench/benchmarks/internal/columns"
)

// Name is the dataset's identifier on the command line.
const Name = "conll2003"

// Files maps each split to its file name inside the dataset folder.
var Files = map[string]string{
	"train": "eng.train",
	"dev":   "eng.testa",
	"test":  "eng.testb",
}

// splits lists the split names in their conventional order.
var splits = []string{"train", "dev", "test"}

// Dataset describes the CoNLL-2003 English benchmark.
var Dataset = benchmarks.Dataset{
	Name:   Name,
	Title:  "CoNLL-2003 English NER: E. F. Tjong Kim Sang and F. De Meulder, Introduction to the CoNLL-2003 Shared Task, CoNLL 2003",
	Splits: splits,
	Types:  []string{"LOC", "MISC", "ORG", "PER"},
	Source: "https://www.clips.uantwerpen.be/conll2003/ner/ (annotations); text from the Reuters Corpus RCV1 under a research licence, not redistributable: supply eng.train, eng.testa and eng.testb yourself",
	Load:   Load,
}

// Load reads split ("train", "dev" or "test") from dir, the folder that
// holds eng.train, eng.testa and eng.testb.
func Load(ctx context.Context, dir, split string) (*benchmarks.Corpus, error) {
	return columns.LoadSplit(ctx, Name, dir, split, Files, splits, Read)
}

// Read parses one split in the CoNLL-2003 format from r; file names the
// input in errors. Bad input gives a *benchmarks.ParseError.
func Read(ctx context.Context, r io.Reader, file, split string) (*benchmarks.Corpus, error) {
	return columns.Read(ctx, r, file, columns.Format{
		Dataset:    Name,
		Split:      split,
		Columns:    4,
		WordColumn: 0,
		TagColumn:  3,
		DocStart:   "-DOCSTART-",
		IOB1:       true,
	})
}
