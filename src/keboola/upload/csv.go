package upload

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"datagen/src/outdir"
)

// dialect is a CSV dialect (the manifest's delimiter and enclosure).
type dialect = outdir.Dialect

// defaultDialect is Keboola's: comma and double quote.
var defaultDialect = outdir.KeboolaCSV

// maxHeaderBytes bounds how far the header line is searched for.
const maxHeaderBytes = 16 << 20

// readHeader parses the first record of r and returns its fields and its
// length in bytes including the line end.
func readHeader(r io.Reader, d dialect) ([]string, int64, error) {
	cols, n, err := outdir.ReadCSVHeader(io.LimitReader(r, maxHeaderBytes+1), d)
	switch {
	case errors.Is(err, outdir.ErrNoHeader):
		return nil, 0, errors.New("the file is empty; a header row is needed")
	case err != nil:
		return nil, 0, fmt.Errorf("the header row: %w", err)
	case n > maxHeaderBytes:
		return nil, 0, fmt.Errorf("no end of the header row within %d MiB", maxHeaderBytes>>20)
	}
	return cols, n, nil
}

// headerLine renders cols as one CSV record in dialect d, every name enclosed.
func headerLine(cols []string, d dialect) []byte {
	var b bytes.Buffer
	for i, c := range cols {
		if i > 0 {
			b.WriteByte(d.Delim)
		}
		if !d.NoEncl {
			q := string(d.Encl)
			b.WriteString(q + strings.ReplaceAll(c, q, q+q) + q)
		} else {
			b.WriteString(c)
		}
	}
	b.WriteByte('\n')
	return b.Bytes()
}

// rowCounter counts CSV records in the bytes written to it. Line ends inside
// enclosed fields do not count. It never allocates.
type rowCounter struct {
	d       dialect
	inQuote bool
	rows    int64
	open    bool // bytes seen since the last record end
}

// Write counts the records completed in p.
func (c *rowCounter) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		if !c.inQuote {
			q := -1
			if !c.d.NoEncl {
				q = bytes.IndexByte(p, c.d.Encl)
			}
			seg := p
			if q >= 0 {
				seg = p[:q]
			}
			if k := bytes.Count(seg, []byte{'\n'}); k > 0 {
				c.rows += int64(k)
				c.open = seg[len(seg)-1] != '\n'
			} else if len(seg) > 0 {
				c.open = true
			}
			if q < 0 {
				return n, nil
			}
			c.inQuote, c.open = true, true
			p = p[q+1:]
			continue
		}
		q := bytes.IndexByte(p, c.d.Encl)
		if q < 0 {
			return n, nil
		}
		// A doubled enclosure toggles twice, which leaves the state right.
		c.inQuote = false
		p = p[q+1:]
	}
	return n, nil
}

// records returns the number of records seen, counting an unterminated last line.
func (c *rowCounter) records() int64 {
	if c.open {
		return c.rows + 1
	}
	return c.rows
}

// findSplits returns offsets in (start, size) where records begin, about
// every target bytes, so that [start, s1), [s1, s2), ..., [sk, size) hold
// whole records. r is read sequentially from start.
func findSplits(r io.ReaderAt, start, size, target int64, d dialect) ([]int64, error) {
	if target <= 0 || size-start <= target {
		return nil, nil
	}
	var splits []int64
	buf := make([]byte, 1<<20)
	inQuote := false
	next := start + target // seek a record end at or after this offset
	searching := false
	quote := []byte{d.Encl}
	for pos := start; pos < size; {
		n, err := r.ReadAt(buf[:min(int64(len(buf)), size-pos)], pos)
		if n == 0 && err != nil {
			return nil, fmt.Errorf("reading at offset %d: %w", pos, err)
		}
		chunk := buf[:n]
		for i := 0; i < n; {
			if !searching {
				end := n
				if rel := next - pos; rel < int64(n) {
					end = int(rel)
					searching = true
				}
				if !d.NoEncl && bytes.Count(chunk[i:end], quote)%2 == 1 {
					inQuote = !inQuote
				}
				i = end
				continue
			}
			c := chunk[i]
			i++
			switch {
			case !d.NoEncl && c == d.Encl:
				inQuote = !inQuote
			case c == '\n' && !inQuote:
				at := pos + int64(i)
				if at < size {
					splits = append(splits, at)
				}
				next = at + target
				searching = false
				if next >= size {
					return splits, nil
				}
			}
		}
		pos += int64(n)
	}
	return splits, nil
}
