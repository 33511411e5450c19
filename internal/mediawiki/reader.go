package mediawiki

import (
	"bufio"
	"compress/bzip2"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync/atomic"
)

// Page is one page of a dump: its newest revision's wikitext.
type Page struct {
	Title     string // as in the dump, e.g. "Kategori:Dyr"
	Namespace int    // the <ns> number: 0 articles, 6 files, 14 categories, ...
	ID        int64
	// Redirect is the target title of a redirect page, "" for other pages.
	Redirect string
	Text     string // the wikitext, XML-unescaped
}

// ParseError reports malformed dump XML at a line of the decompressed
// stream.
type ParseError struct {
	File string
	Line int
	Err  error
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
}

func (e *ParseError) Unwrap() error { return e.Err }

// Reader reads pages from a dump's XML, one at a time.
type Reader struct {
	name string
	dec  *xml.Decoder
	// Namespaces maps namespace numbers to their local names (14 to
	// "Kategori" in a Danish dump), from the dump's <siteinfo>. It is filled
	// in once the first page has been read.
	Namespaces map[int]string
	Lang       string // the xml:lang of the root element
	started    bool
}

// NewReader returns a reader of the uncompressed export XML in r; name
// appears in errors.
func NewReader(r io.Reader, name string) *Reader {
	return &Reader{name: name, dec: xml.NewDecoder(bufio.NewReaderSize(r, 1<<16)), Namespaces: map[int]string{}}
}

type xmlPage struct {
	Title    string `xml:"title"`
	NS       int    `xml:"ns"`
	ID       int64  `xml:"id"`
	Redirect *struct {
		Title string `xml:"title,attr"`
	} `xml:"redirect"`
	Revisions []struct {
		Text string `xml:"text"`
	} `xml:"revision"`
}

type xmlNamespace struct {
	Key  int    `xml:"key,attr"`
	Name string `xml:",chardata"`
}

func (r *Reader) errorf(format string, a ...any) error {
	line, _ := r.dec.InputPos()
	return &ParseError{File: r.name, Line: line, Err: fmt.Errorf(format, a...)}
}

// Next returns the next page, or io.EOF after the last one.
func (r *Reader) Next() (*Page, error) {
	for {
		tok, err := r.dec.Token()
		if err == io.EOF {
			if !r.started {
				return nil, r.errorf("no <mediawiki> element")
			}
			return nil, io.EOF
		}
		if err != nil {
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				return nil, &ParseError{File: r.name, Line: se.Line, Err: errors.New(se.Msg)}
			}
			return nil, r.errorf("%w", err)
		}
		start, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch start.Name.Local {
		case "mediawiki":
			r.started = true
			for _, a := range start.Attr {
				if a.Name.Local == "lang" {
					r.Lang = a.Value
				}
			}
		case "siteinfo":
			// descend: namespaces are read below
		case "namespaces":
		case "namespace":
			var ns xmlNamespace
			if err := r.dec.DecodeElement(&ns, &start); err != nil {
				return nil, r.errorf("namespace: %w", err)
			}
			r.Namespaces[ns.Key] = ns.Name
		case "page":
			if !r.started {
				return nil, r.errorf("<page> outside <mediawiki>")
			}
			line, _ := r.dec.InputPos()
			var p xmlPage
			if err := r.dec.DecodeElement(&p, &start); err != nil {
				var se *xml.SyntaxError
				if errors.As(err, &se) {
					return nil, &ParseError{File: r.name, Line: se.Line, Err: errors.New(se.Msg)}
				}
				return nil, &ParseError{File: r.name, Line: line, Err: fmt.Errorf("page: %w", err)}
			}
			if p.Title == "" {
				return nil, &ParseError{File: r.name, Line: line, Err: errors.New("page without a <title>")}
			}
			page := &Page{Title: p.Title, Namespace: p.NS, ID: p.ID}
			if p.Redirect != nil {
				page.Redirect = p.Redirect.Title
			}
			if n := len(p.Revisions); n > 0 {
				page.Text = p.Revisions[n-1].Text
			}
			return page, nil
		default:
			if !r.started {
				return nil, r.errorf("root element <%s>, want <mediawiki>", start.Name.Local)
			}
			if err := r.dec.Skip(); err != nil {
				return nil, r.errorf("%w", err)
			}
		}
	}
}

// CountingReader counts the bytes read through it; N is safe to read from
// other goroutines.
type CountingReader struct {
	R io.Reader
	n atomic.Int64
}

func (c *CountingReader) Read(p []byte) (int, error) {
	n, err := c.R.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// N returns the number of bytes read so far.
func (c *CountingReader) N() int64 { return c.n.Load() }

// Dump is an open dump file.
type Dump struct {
	*Reader
	f    *os.File
	raw  *CountingReader
	Size int64 // the file's size in bytes
}

// Open opens a dump; a name ending in ".bz2" is decompressed.
func Open(path string) (*Dump, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	d := &Dump{f: f, raw: &CountingReader{R: f}, Size: st.Size()}
	var r io.Reader = d.raw
	if strings.HasSuffix(path, ".bz2") {
		r = bzip2.NewReader(bufio.NewReaderSize(d.raw, 1<<16))
	}
	d.Reader = NewReader(r, path)
	return d, nil
}

// BytesRead returns how many bytes of the file, compressed, have been read.
func (d *Dump) BytesRead() int64 { return d.raw.N() }

// Close closes the file.
func (d *Dump) Close() error { return d.f.Close() }
