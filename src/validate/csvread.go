package validate

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"datagen/src/civil"
	"datagen/src/column"
)

// csvReader reads RFC 4180 records: "," delimiter, '"' enclosure with
// doubled inner quotes, quoted fields may span lines, LF or CRLF line
// ends.
type csvReader struct {
	r      *bufio.Reader
	rec    []byte // the current record's field bytes, unescaped
	starts []int
	ends   []int
	line   int64
	long   []byte
}

func newCSVReader(r io.Reader) *csvReader {
	return &csvReader{r: bufio.NewReaderSize(r, 1<<20)}
}

// readLine returns the next line without its line end; io.EOF when the
// input is exhausted.
func (c *csvReader) readLine() ([]byte, error) {
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
	line = bytes.TrimSuffix(line, []byte{'\n'})
	return line, nil
}

// next reads one record; io.EOF at the end.
func (c *csvReader) next() error {
	c.rec, c.starts, c.ends = c.rec[:0], c.starts[:0], c.ends[:0]
	line, err := c.readLine()
	if err != nil {
		return err
	}
	if bytes.IndexByte(line, '"') < 0 {
		line = bytes.TrimSuffix(line, []byte{'\r'})
		c.rec = append(c.rec, line...)
		s := 0
		for {
			i := bytes.IndexByte(c.rec[s:], ',')
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

// slow parses a record with quotes.
func (c *csvReader) slow(line []byte) error {
	first := c.line
	i := 0
	for {
		start := len(c.rec)
		if i < len(line) && line[i] == '"' {
			i++
			for {
				q := bytes.IndexByte(line[i:], '"')
				if q < 0 {
					c.rec = append(c.rec, line[i:]...)
					c.rec = append(c.rec, '\n')
					var err error
					if line, err = c.readLine(); err != nil {
						if errors.Is(err, io.EOF) {
							return fmt.Errorf("line %d: quoted field not closed", first)
						}
						return err
					}
					i = 0
					continue
				}
				c.rec = append(c.rec, line[i:i+q]...)
				i += q + 1
				if i < len(line) && line[i] == '"' {
					c.rec = append(c.rec, '"')
					i++
					continue
				}
				break
			}
			c.starts, c.ends = append(c.starts, start), append(c.ends, len(c.rec))
			switch {
			case i == len(line) || (line[i] == '\r' && i == len(line)-1):
				return nil
			case line[i] == ',':
				i++
				continue
			}
			return fmt.Errorf("line %d: unexpected %q after a quoted field", c.line, line[i])
		}
		j := bytes.IndexByte(line[i:], ',')
		if j < 0 {
			f := bytes.TrimSuffix(line[i:], []byte{'\r'})
			if bytes.IndexByte(f, '"') >= 0 {
				return fmt.Errorf("line %d: bare quote in an unquoted field", c.line)
			}
			c.rec = append(c.rec, f...)
			c.starts, c.ends = append(c.starts, start), append(c.ends, len(c.rec))
			return nil
		}
		f := line[i : i+j]
		if bytes.IndexByte(f, '"') >= 0 {
			return fmt.Errorf("line %d: bare quote in an unquoted field", c.line)
		}
		c.rec = append(c.rec, f...)
		c.starts, c.ends = append(c.starts, start), append(c.ends, len(c.rec))
		i += j + 1
	}
}

func (c *csvReader) field(i int) []byte { return c.rec[c.starts[i]:c.ends[i]] }

// openCSV opens a CSV file, gunzipping ".gz" files.
func openCSV(path string) (io.Reader, func(), error) {
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

// csvHeader returns the header row of a CSV file.
func csvHeader(path string) ([]string, error) {
	r, closeFn, err := openCSV(path)
	if err != nil {
		return nil, err
	}
	defer closeFn()
	c := newCSVReader(r)
	if err := c.next(); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("empty file: no header row")
		}
		return nil, err
	}
	out := make([]string, len(c.starts))
	for i := range out {
		out[i] = string(c.field(i))
	}
	return out, nil
}

// csvBlock is a block being filled from CSV rows, with the bytes of its
// string values in one arena (one allocation per block, not per value).
type csvBlock struct {
	blk   column.Block
	arena []byte
	offs  [][]int32
}

// readCSV feeds one CSV file to w: a reader goroutine parses blocks while
// the caller's goroutine collects them.
func readCSV(path string, w *TableWriter) error {
	r, closeFn, err := openCSV(path)
	if err != nil {
		return err
	}
	defer closeFn()
	c := newCSVReader(r)
	if err := c.next(); err != nil {
		if errors.Is(err, io.EOF) {
			return errors.New("empty file: no header row")
		}
		return err
	}
	names := make([]string, len(c.starts))
	for i := range names {
		names[i] = string(c.field(i))
	}
	idx, err := w.fieldIndex(names)
	if err != nil {
		return err
	}
	nf := len(w.fields)
	sch := make([]int, nf) // schema column of each field, -1 for extras
	for p := range sch {
		sch[p] = w.schemaCol(p)
	}
	const inflight = 3
	free := make(chan *csvBlock, inflight)
	for range inflight {
		b := &csvBlock{blk: column.Block{Cols: make([]*column.Vector, nf)}, offs: make([][]int32, nf)}
		for p := range b.blk.Cols {
			b.blk.Cols[p] = &column.Vector{}
		}
		free <- b
	}
	full := make(chan *csvBlock, inflight)
	errc := make(chan error, 1)
	stop := make(chan struct{})
	type issue struct {
		j   int
		raw string
	}
	var issues []issue // type problems found by the parser, applied by the collector
	issuesCh := make(chan []issue, inflight)
	go func() {
		defer close(full)
		for {
			var b *csvBlock
			select {
			case b = <-free:
			case <-stop:
				return
			}
			for p, f := range w.fields {
				b.blk.Cols[p].Reset(f.Type, readBlockRows)
				b.blk.Cols[p].Null = nil
				b.offs[p] = b.offs[p][:0]
			}
			b.arena = b.arena[:0]
			var found []issue
			n := 0
			for n < readBlockRows {
				err := c.next()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					errc <- err
					return
				}
				if len(c.starts) != nf {
					errc <- fmt.Errorf("line %d: %d fields, the header has %d", c.line, len(c.starts), nf)
					return
				}
				for i := 0; i < nf; i++ {
					p := idx[i]
					if !b.setCell(p, n, w.fields[p], c.field(i)) && sch[p] >= 0 {
						found = append(found, issue{sch[p], string(c.field(i))})
					}
				}
				n++
			}
			if n == 0 {
				return
			}
			b.finish(n)
			issuesCh <- found
			full <- b
			if n < readBlockRows {
				return
			}
		}
	}()
	defer close(stop)
	for b := range full {
		issues = <-issuesCh
		for _, is := range issues {
			w.typeIssue(is.j, is.raw)
		}
		if err := w.WriteBlock(&b.blk); err != nil {
			return err
		}
		free <- b
	}
	select {
	case err := <-errc:
		return err
	default:
	}
	return nil
}

// setCell stores one CSV value in row n of field p; false when it cannot
// be read as the field's type (the value becomes null).
func (b *csvBlock) setCell(p, n int, f column.Field, raw []byte) bool {
	v := b.blk.Cols[p]
	if len(raw) == 0 && (f.Type != column.String || f.Nullable) {
		v.SetNull(n)
		if f.Type == column.String {
			b.offs[p] = append(b.offs[p], int32(len(b.arena)), int32(len(b.arena)))
		}
		return true
	}
	ok := true
	switch f.Type {
	case column.Int:
		v.Ints[n], ok = parseInt(raw)
	case column.Float:
		x, err := strconv.ParseFloat(string(raw), 64)
		v.Floats[n], ok = x, err == nil
	case column.Bool:
		x, err := strconv.ParseBool(string(raw))
		v.Bools[n], ok = x, err == nil
	case column.Timestamp:
		var err error
		v.Ints[n], err = civil.ParseMicros(raw)
		ok = err == nil
	case column.Date:
		var err error
		v.Ints[n], err = civil.ParseDate(raw)
		ok = err == nil
	case column.String:
		b.offs[p] = append(b.offs[p], int32(len(b.arena)))
		b.arena = append(b.arena, raw...)
		b.offs[p] = append(b.offs[p], int32(len(b.arena)))
	}
	if !ok {
		v.SetNull(n)
	}
	return ok
}

// finish trims the vectors to n rows and points the strings into the
// arena.
func (b *csvBlock) finish(n int) {
	b.blk.Rows = n
	s := string(b.arena)
	for p, v := range b.blk.Cols {
		switch v.Type {
		case column.Int, column.Timestamp, column.Date:
			v.Ints = v.Ints[:n]
		case column.Float:
			v.Floats = v.Floats[:n]
		case column.Bool:
			v.Bools = v.Bools[:n]
		case column.String:
			v.Strs = v.Strs[:n]
			o := b.offs[p]
			for i := 0; i < n; i++ {
				v.Strs[i] = s[o[2*i]:o[2*i+1]]
			}
		}
		if v.Null != nil {
			v.Null = v.Null[:n]
		}
	}
}

// parseInt reads a decimal integer.
func parseInt(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 18 {
		x, err := strconv.ParseInt(string(b), 10, 64)
		return x, err == nil
	}
	neg := false
	i := 0
	if b[0] == '-' || b[0] == '+' {
		neg, i = b[0] == '-', 1
		if len(b) == 1 {
			return 0, false
		}
	}
	var x int64
	for ; i < len(b); i++ {
		d := b[i] - '0'
		if d > 9 {
			return 0, false
		}
		x = x*10 + int64(d)
	}
	if neg {
		x = -x
	}
	return x, true
}
