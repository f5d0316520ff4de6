package validate

import (
	"errors"
	"fmt"
	"io"
	"strconv"

	"datagen/src/civil"
	"datagen/src/column"
	"datagen/src/outdir"
)

// csvHeader returns the header row of a CSV file.
func csvHeader(path string) ([]string, error) {
	r, closeFn, err := outdir.OpenCSV(path)
	if err != nil {
		return nil, err
	}
	defer closeFn()
	names, _, err := outdir.ReadCSVHeader(r, outdir.KeboolaCSV)
	return names, err
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
	r, closeFn, err := outdir.OpenCSV(path)
	if err != nil {
		return err
	}
	defer closeFn()
	c := outdir.NewCSVReader(r, outdir.KeboolaCSV)
	if err := c.Next(); err != nil {
		if errors.Is(err, io.EOF) {
			return outdir.ErrNoHeader
		}
		return err
	}
	names := c.Fields()
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
				b.blk.Cols[p].Reset(f.Type, outdir.ReadBlockRows)
				b.blk.Cols[p].Null = nil
				b.offs[p] = b.offs[p][:0]
			}
			b.arena = b.arena[:0]
			var found []issue
			n := 0
			for n < outdir.ReadBlockRows {
				err := c.Next()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					errc <- err
					return
				}
				if c.NumFields() != nf {
					errc <- fmt.Errorf("line %d: %d fields, the header has %d", c.Line(), c.NumFields(), nf)
					return
				}
				for i := 0; i < nf; i++ {
					p := idx[i]
					if !b.setCell(p, n, w.fields[p], c.Field(i)) && sch[p] >= 0 {
						found = append(found, issue{sch[p], string(c.Field(i))})
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
			if n < outdir.ReadBlockRows {
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
