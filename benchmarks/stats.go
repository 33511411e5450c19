package benchmarks

import (
	"github.com/nerbench/nerbench/seqeval"
)

// Stats summarises one split: its size and its entities per type.
type Stats struct {
	Dataset   string `json:"dataset"`
	Split     string `json:"split"`
	Sentences int    `json:"sentences"`
	Tokens    int    `json:"tokens"`
	// Documents counts the distinct Sentence.Doc values; 0 for formats
	// without documents.
	Documents int `json:"documents"`
	// Entities maps each entity type to its number of chunks.
	Entities map[string]int `json:"entities"`
	// Irregular counts the entries of Corpus.Irregular.
	Irregular int `json:"irregular"`
}

// Total returns the number of entities of all types.
func (s Stats) Total() int {
	n := 0
	for _, k := range s.Entities {
		n += k
	}
	return n
}

// Stats counts the sentences, tokens, documents and entities of c. Entities
// are the chunks of seqeval's default rule (seqeval.DefaultEntities), which
// equals conlleval.pl's: a chunk starts at B-X, or at I-X after O or after a
// tag of another type, so an irregular I-X counts as an entity of its own.
func (c *Corpus) Stats() Stats {
	s := Stats{Dataset: c.Dataset, Split: c.Split, Sentences: len(c.Sentences), Entities: map[string]int{}, Irregular: len(c.Irregular)}
	docs := map[string]bool{}
	for _, sent := range c.Sentences {
		s.Tokens += len(sent.Words)
		if sent.Doc != "" {
			docs[sent.Doc] = true
		}
		for _, e := range seqeval.DefaultEntities(sent.Tags) {
			s.Entities[e.Type]++
		}
	}
	s.Documents = len(docs)
	return s
}
