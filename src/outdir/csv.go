package outdir

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// Dialect is a CSV dialect: a one-byte delimiter and an optional one-byte
// enclosure, inside which the enclosure is doubled (RFC 4180).
type Dialect struct {
	Delim byte
	Encl  byte
	// NoEncl means fields are never enclosed.
	NoEncl bool
}

// KeboolaCSV is the dialect datagen writes and Keboola reads: "," and '"'.
var KeboolaCSV = Dialect{Delim: ',', Encl: '"'}

// CSVReader reads CSV records: the one CSV reader of datagen (validate,
// upload). Enclosed fields may span lines; LF or CRLF end a record. It
// is strict: an enclosure inside an unenclosed field, text after a
// closing enclosure and an enclosed field left open are errors.
type CSVReader struct {
	d      Dialect
	r      *bufio.Reader
	rec    []byte // the current record's field bytes, unescaped
	starts []int
	ends   []int
	line   int64
	off    int64
	long   []byte
}

// NewCSVReader reads records of dialect d from r.
func NewCSVReader(r io.Reader, d Dialect) *CSVReader {
	return &CSVReader{d: d, r: bufio.NewReaderSize(r, 1<<20)}
}

// Line returns the line number of the end of the current record.
func (c *CSVReader) Line() int64 { return c.line }

// Offset returns the number of bytes read up to the end of the current
// record, its line end included.
func (c *CSVReader) Offset() int64 { return c.off }

// NumFields returns the number of fields of the current record.
func (c *CSVReader) NumFields() int { return len(c.starts) }

// Field returns field i of the current record, unescaped. The bytes are
// valid until the next call of Next.
func (c *CSVReader) Field(i int) []byte { return c.rec[c.starts[i]:c.ends[i]] }

// Fields returns the fields of the current record as strings.
func (c *CSVReader) Fields() []string {
	out := make([]string, len(c.starts))
	for i := range out {
		out[i] = string(c.Field(i))
	}
	return out
}

// readLine returns the next line without its line end; io.EOF when the
// input is exhausted.
func (c *CSVReader) readLine() ([]byte, error) {
	line, err := c.r.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		c.long = append(c.long[:0], line...)
		for errors.Is(err, bufio.ErrBufferFull) {
			line, err = c.r.ReadSlice('\n')
			c.long = append(c.long, line...)
		}
		line = c.long
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	if len(line) == 0 && errors.Is(err, io.EOF) {
		return nil, io.EOF
	}
	c.line++
	c.off += int64(len(line))
	line = bytes.TrimSuffix(line, []byte{'\n'})
	return line, nil
}

// Next reads the next record; io.EOF at the end of the input.
func (c *CSVReader) Next() error {
	c.rec, c.starts, c.ends = c.rec[:0], c.starts[:0], c.ends[:0]
	line, err := c.readLine()
	if err != nil {
		return err
	}
	if c.d.NoEncl || bytes.IndexByte(line, c.d.Encl) < 0 {
		line = bytes.TrimSuffix(line, []byte{'\r'})
		c.rec = append(c.rec, line...)
		s := 0
		for {
			i := bytes.IndexByte(c.rec[s:], c.d.Delim)
			if i < 0 {
				c.starts, c.ends = append(c.starts, s), append(c.ends, len(c.rec))
				return nil
			}
			c.starts, c.ends = append(c.starts, s), append(c.ends, s+i)
			s += i + 1
		}
	}
	return c.slow(line)
}

// slow parses a record with enclosures.
func (c *CSVReader) slow(line []byte) error {
	first := c.line
	q, delim := c.d.Encl, c.d.Delim
	i := 0
	for {
		start := len(c.rec)
		if i < len(line) && line[i] == q {
			i++
			for {
				k := bytes.IndexByte(line[i:], q)
				if k < 0 {
					c.rec = append(c.rec, line[i:]...)
					c.rec = append(c.rec, '\n')
					var err error
					if line, err = c.readLine(); err != nil {
						if errors.Is(err, io.EOF) {
							return fmt.Errorf("line %d: unterminated quoted field", first)
						}
						return err
					}
					i = 0
					continue
				}
				c.rec = append(c.rec, line[i:i+k]...)
				i += k + 1
				if i < len(line) && line[i] == q {
					c.rec = append(c.rec, q)
					i++
					continue
				}
				break
			}
			c.starts, c.ends = append(c.starts, start), append(c.ends, len(c.rec))
			switch {
			case i == len(line) || (line[i] == '\r' && i == len(line)-1):
				return nil
			case line[i] == delim:
				i++
				continue
			}
			return fmt.Errorf("line %d: unexpected %q after a quoted field", c.line, line[i])
		}
		j := bytes.IndexByte(line[i:], delim)
		if j < 0 {
			f := bytes.TrimSuffix(line[i:], []byte{'\r'})
			if bytes.IndexByte(f, q) >= 0 {
				return fmt.Errorf("line %d: bare quote in an unquoted field", c.line)
			}
			c.rec = append(c.rec, f...)
			c.starts, c.ends = append(c.starts, start), append(c.ends, len(c.rec))
			return nil
		}
		f := line[i : i+j]
		if bytes.IndexByte(f, q) >= 0 {
			return fmt.Errorf("line %d: bare quote in an unquoted field", c.line)
		}
		c.rec = append(c.rec, f...)
		c.starts, c.ends = append(c.starts, start), append(c.ends, len(c.rec))
		i += j + 1
	}
}

// OpenCSV opens a CSV table file, gunzipping a ".gz" file; close releases
// it.
func OpenCSV(path string) (r io.Reader, close func(), err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	if !strings.HasSuffix(path, ".gz") {
		return f, func() { f.Close() }, nil
	}
	gz, err := gzip.NewReader(bufio.NewReaderSize(f, 1<<20))
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("gzip: %w", err)
	}
	return gz, func() { gz.Close(); f.Close() }, nil
}

// ErrNoHeader is the error of a CSV file without a header row.
var ErrNoHeader = errors.New("empty file: no header row")

// ReadCSVHeader reads the header record of r, of dialect d: its fields
// and its length in bytes, line end included.
func ReadCSVHeader(r io.Reader, d Dialect) ([]string, int64, error) {
	c := NewCSVReader(r, d)
	if err := c.Next(); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, 0, ErrNoHeader
		}
		return nil, 0, err
	}
	return c.Fields(), c.Offset(), nil
}
