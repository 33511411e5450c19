package corpus

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// The special entities at the start of every vocabulary.
const (
	PadEntity  = "[PAD]"
	UnkEntity  = "[UNK]"
	MaskEntity = "[MASK]"
)

// Entity is one entry of the entity vocabulary.
type Entity struct {
	Title string
	ID    int
	Count int
}

// Vocab is the entity vocabulary: [PAD]=0, [UNK]=1, [MASK]=2, then titles
// by descending count.
type Vocab struct {
	Entities []Entity // by id
	ids      map[string]int
}

// ID returns the id of a title and whether it is in the vocabulary.
func (v *Vocab) ID(title string) (int, bool) {
	id, ok := v.ids[title]
	return id, ok
}

// Len returns the number of entities, the special ones included.
func (v *Vocab) Len() int { return len(v.Entities) }

// droppedPrefix reports titles that the thesis-era loader drops
// (load_entity_vocab): lower-cased prefixes billede:, fil:, kategori:.
func droppedPrefix(title string) bool {
	l := strings.ToLower(title)
	return strings.HasPrefix(l, "billede:") || strings.HasPrefix(l, "fil:") || strings.HasPrefix(l, "kategori:")
}

// BuildVocab builds the vocabulary from link counts, already resolved
// through redirects (spec §4.3): a title is kept if it is a page of the dump
// (pages), does not start with "Category:" and has no dropped Danish
// prefix. Titles are ordered by count descending, ties by title ascending
// (byte order); ids are contiguous.
func BuildVocab(counts map[string]int, pages map[string]bool) *Vocab {
	var es []Entity
	for t, c := range counts {
		if c > 0 && pages[t] && !strings.HasPrefix(t, "Category:") && !droppedPrefix(t) {
			es = append(es, Entity{Title: t, Count: c})
		}
	}
	slices.SortFunc(es, func(a, b Entity) int {
		if c := cmp.Compare(b.Count, a.Count); c != 0 {
			return c
		}
		return cmp.Compare(a.Title, b.Title)
	})
	es = append([]Entity{{Title: PadEntity}, {Title: UnkEntity}, {Title: MaskEntity}}, es...)
	return newVocab(es)
}

func newVocab(es []Entity) *Vocab {
	v := &Vocab{Entities: es, ids: make(map[string]int, len(es))}
	for i := range v.Entities {
		v.Entities[i].ID = i
		v.ids[v.Entities[i].Title] = i
	}
	return v
}

// MarshalJSON writes {title: {"id", "count"}} in id order.
func (v *Vocab) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("{")
	for i, e := range v.Entities {
		if i > 0 {
			b.WriteString(",\n")
		} else {
			b.WriteString("\n")
		}
		k, err := json.Marshal(e.Title)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(&b, "%s: {\"id\": %d, \"count\": %d}", k, e.ID, e.Count)
	}
	b.WriteString("\n}\n")
	return b.Bytes(), nil
}

// ParseVocab reads entity-vocab.json. The ids must be 0..N-1.
func ParseVocab(data []byte) (*Vocab, error) {
	var raw map[string]struct {
		ID    *int `json:"id"`
		Count int  `json:"count"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, err
	}
	es := make([]Entity, len(raw))
	seen := make([]bool, len(raw))
	for t, e := range raw {
		if e.ID == nil {
			return nil, fmt.Errorf("entity %q has no id", t)
		}
		if *e.ID < 0 || *e.ID >= len(raw) || seen[*e.ID] {
			return nil, fmt.Errorf("entity %q has id %d, want distinct ids 0 to %d", t, *e.ID, len(raw)-1)
		}
		seen[*e.ID] = true
		es[*e.ID] = Entity{Title: t, Count: e.Count}
	}
	for i, want := range []string{PadEntity, UnkEntity, MaskEntity} {
		if i >= len(es) || es[i].Title != want {
			return nil, fmt.Errorf("entity id %d is not %s", i, want)
		}
	}
	return newVocab(es), nil
}
