package benchmarks

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// ErrType is wrapped by the *ParseError for a tag whose entity type the
// dataset does not declare.
var ErrType = errors.New("unknown entity type")

// LoadOptions configure Dataset.Open.
type LoadOptions struct {
	// AllowUnknownTypes keeps tags whose entity type is not among the
	// dataset's Types instead of returning an error. Callers that keep them
	// should describe the corpus with Dataset.WithTypes, so that per-type
	// tables list every type found.
	AllowUnknownTypes bool
}

// Open reads split from dir with d.Load and checks, unless
// o.AllowUnknownTypes is set, that every tag's entity type is one of
// d.Types (Corpus.CheckTypes).
func (d *Dataset) Open(ctx context.Context, dir, split string, o LoadOptions) (*Corpus, error) {
	c, err := d.Load(ctx, dir, split)
	if err != nil {
		return nil, err
	}
	if !o.AllowUnknownTypes {
		if err := c.CheckTypes(d.Types); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// WithTypes returns a copy of d whose Types are d's declared types together
// with every type found in the tags of the corpora, sorted. It is how a
// corpus read with LoadOptions.AllowUnknownTypes is described, so that a
// per-type table has a column for each type and its columns add up to the
// total.
func (d Dataset) WithTypes(corpora ...*Corpus) Dataset {
	types := slices.Clone(d.Types)
	for _, c := range corpora {
		for _, t := range c.Types() {
			if !slices.Contains(types, t) {
				types = append(types, t)
			}
		}
	}
	slices.Sort(types)
	d.Types = types
	return d
}

// Types returns the entity types of c's tags, sorted.
func (c *Corpus) Types() []string {
	seen := map[string]bool{}
	for _, s := range c.Sentences {
		for _, tag := range s.Tags {
			if typ, ok := tagType(tag); ok {
				seen[typ] = true
			}
		}
	}
	out := make([]string, 0, len(seen))
	for t := range seen {
		out = append(out, t)
	}
	slices.Sort(out)
	return out
}

// CheckTypes returns a *ParseError wrapping ErrType for the first tag of c,
// in file order, whose entity type is not in types. The error names c.File
// and the tag's line (Corpus.TypeLines, or the sentence's first line when
// the reader did not record it).
func (c *Corpus) CheckTypes(types []string) error {
	for _, s := range c.Sentences {
		for i, tag := range s.Tags {
			typ, ok := tagType(tag)
			if !ok || slices.Contains(types, typ) {
				continue
			}
			line, ok := c.TypeLines[typ]
			if !ok {
				line = s.Line
			}
			if s.OrigTags != nil {
				tag = s.OrigTags[i]
			}
			return &ParseError{File: c.File, Line: line, Err: fmt.Errorf("%w %q in tag %s: dataset %s declares %s",
				ErrType, typ, tag, c.Dataset, strings.Join(types, ", "))}
		}
	}
	return nil
}

// tagType returns the entity type of an IOB2 tag, and false for O.
func tagType(tag string) (string, bool) {
	if len(tag) > 2 && tag[1] == '-' {
		return tag[2:], true
	}
	return "", false
}
