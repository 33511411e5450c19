package results

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/nerbench/nerbench/internal/atomicfile"
)

// Result files hold one tag per word, so on a large corpus (CoNLL-2003
// train: 204k words) the predictions are most of the file. Save and Load
// therefore stream them one sentence at a time: neither holds the encoded
// file in memory beside the predictions, so a result file costs one copy
// of the predictions, never two or three. Save writes the same bytes as
// json.MarshalIndent(f, "", "  ") plus a final newline.

// predictionsKey is the JSON key of File.Predictions, its last field.
const predictionsKey = "predictions"

// Save writes f to path atomically, as indented JSON (the bytes of
// json.MarshalIndent with a two-space indent, and a final newline). The
// predictions are encoded one sentence at a time straight to the file.
func (f *File) Save(path string) error {
	err := atomicfile.Write(path, 0o644, func(w io.Writer) error {
		bw := bufio.NewWriterSize(w, 64<<10)
		if err := f.encode(bw); err != nil {
			return err
		}
		return bw.Flush()
	})
	if err != nil {
		return fmt.Errorf("encode result %s: %w", path, err)
	}
	return nil
}

// encode writes f to w as json.MarshalIndent(f, "", "  ") does, followed
// by a newline.
func (f *File) encode(w *bufio.Writer) error {
	head := *f
	head.Predictions = nil
	data, err := json.MarshalIndent(&head, "", "  ")
	if err != nil {
		return err
	}
	// Predictions is the last field, so the head ends with its null value.
	data, ok := bytes.CutSuffix(data, []byte("null\n}"))
	if !ok || !bytes.HasSuffix(data, []byte(`"`+predictionsKey+`": `)) {
		return fmt.Errorf("results: %q is not the last key of a result file", predictionsKey)
	}
	w.Write(data)
	switch {
	case f.Predictions == nil:
		w.WriteString("null")
	case len(f.Predictions) == 0:
		w.WriteString("[]")
	default:
		// One sentence at a time, indented as at depth 2 of the file,
		// through a reused buffer.
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetIndent("    ", "  ")
		w.WriteByte('[')
		for i := range f.Predictions {
			buf.Reset()
			if err := enc.Encode(&f.Predictions[i]); err != nil {
				return err
			}
			if i > 0 {
				w.WriteByte(',')
			}
			w.WriteString("\n    ")
			w.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
		}
		w.WriteString("\n  ]")
	}
	_, err = w.WriteString("\n}\n")
	return err
}

// ErrSchema is wrapped by Load for a file of another schema.
var ErrSchema = errors.New("not a nerbench result file")

// Load reads a result file written by Save and checks that its stored
// figures agree with its stored counts and its predictions with their hash;
// a file that disagrees is an error wrapping ErrScores that names the file
// and the figure. Verify recomputes the scores from the corpus.
//
// The predictions are decoded one sentence at a time from the file, and
// equal tags share one string, so the loaded predictions cost about as
// much memory as those a model returns.
func Load(path string) (*File, error) {
	r, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	f, err := decode(bufio.NewReaderSize(r, 64<<10))
	if err != nil {
		return nil, fmt.Errorf("read result %s: %w", path, err)
	}
	if f.Schema != Schema {
		return nil, fmt.Errorf("read result %s: %w (schema %q, want %q)", path, ErrSchema, f.Schema, Schema)
	}
	if f.MISCOff == nil {
		return nil, fmt.Errorf("read result %s: missing misc_off scores", path)
	}
	if err := f.checkCounts(); err != nil {
		return nil, fmt.Errorf("read result %s: %w", path, err)
	}
	return f, nil
}

// decode reads one JSON object into a File as json.Decoder.Decode would
// (keys matched without regard to case, the last of repeated keys wins,
// unknown keys ignored), but decodes the predictions array element by
// element, so that the encoded predictions are never held whole.
func decode(r io.Reader) (*File, error) {
	dec := json.NewDecoder(r)
	if tok, err := dec.Token(); err != nil {
		return nil, noEOF(err)
	} else if tok != json.Delim('{') {
		return nil, fmt.Errorf("want a JSON object, got %v", tok)
	}
	var head bytes.Buffer // every key but the predictions, as one object
	head.WriteByte('{')
	var pred []Prediction
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, noEOF(err)
		}
		key := tok.(string) // dec.Token checks that object keys are strings
		if strings.EqualFold(key, predictionsKey) {
			if pred, err = decodePredictions(dec); err != nil {
				return nil, fmt.Errorf("%s: %w", predictionsKey, err)
			}
			continue
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, noEOF(err)
		}
		if head.Len() > 1 {
			head.WriteByte(',')
		}
		k, _ := json.Marshal(key) // a string always marshals
		head.Write(k)
		head.WriteByte(':')
		head.Write(raw)
	}
	if _, err := dec.Token(); err != nil {
		return nil, noEOF(err)
	}
	head.WriteByte('}')
	var f File
	if err := json.Unmarshal(head.Bytes(), &f); err != nil {
		return nil, err
	}
	f.Predictions = pred
	return &f, nil
}

// decodePredictions decodes the value of the predictions key: null or an
// array of Prediction, one element at a time. Equal tags share a string.
func decodePredictions(dec *json.Decoder) ([]Prediction, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, noEOF(err)
	}
	switch tok {
	case nil:
		return nil, nil
	case json.Delim('['):
	default:
		return nil, fmt.Errorf("want an array, got %v", tok)
	}
	pred := []Prediction{}
	tags := map[string]string{}
	// Each sentence is decoded into scratch, whose tag slice is reused, and
	// then copied to a slice of its exact length. encoding/json leaves a
	// missing "tags" key alone (len 0, cap > 0 here), sets null to nil and
	// [] to a new empty slice (cap 0), so all three are told apart.
	var scratch Prediction
	buf := make([]string, 0, 64)
	for dec.More() {
		scratch = Prediction{Tags: buf[:0]}
		if err := dec.Decode(&scratch); err != nil {
			return nil, fmt.Errorf("sentence %d: %w", len(pred)+1, noEOF(err))
		}
		p := Prediction{ID: scratch.ID}
		switch {
		case len(scratch.Tags) > 0:
			p.Tags = make([]string, len(scratch.Tags))
			for i, t := range scratch.Tags {
				if s, ok := tags[t]; ok {
					p.Tags[i] = s
				} else {
					tags[t] = t
					p.Tags[i] = t
				}
			}
			if cap(scratch.Tags) > cap(buf) {
				buf = scratch.Tags
			}
		case scratch.Tags != nil && cap(scratch.Tags) == 0:
			p.Tags = []string{}
		}
		pred = append(pred, p)
	}
	if _, err := dec.Token(); err != nil {
		return nil, noEOF(err)
	}
	return pred, nil
}

// noEOF turns the io.EOF of a truncated file into io.ErrUnexpectedEOF.
func noEOF(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}
