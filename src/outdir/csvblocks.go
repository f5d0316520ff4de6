package outdir

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"

	"datagen/src/civil"
	"datagen/src/column"
)

// csvBlock is a block being filled from CSV rows, with the bytes of its
// string values in one arena (one allocation per block, not per value).
type csvBlock struct {
	blk   column.Block
	arena []byte
	offs  [][]int32
}

// ReadCSV reads the CSV table file at path (gunzipped when it ends in
// ".gz"; Keboola's dialect, a header row) as blocks of fields, in blocks
// of at most ReadBlockRows rows, and passes each to fn. match maps the
// header's names to block columns: file column i goes to column idx[i],
// read as type fields[idx[i]].Type. An empty field is a null (an empty
// string in a string column that is not nullable); a value that cannot
// be read as its type is a null too, and is reported to bad with its
// block column. A reader goroutine parses the next block while fn runs.
// The blocks are reused from call to call; strings stay valid. ReadCSV
// stops when ctx is cancelled.
func ReadCSV(ctx context.Context, path string, fields []column.Field, match func(names []string) ([]int, error),
	bad func(field int, raw string), fn func(*column.Block) error) error {
	r, closeFn, err := OpenCSV(path)
	if err != nil {
		return err
	}
	defer closeFn()
	c := NewCSVReader(r, KeboolaCSV)
	if err := c.Next(); err != nil {
		if errors.Is(err, io.EOF) {
			return ErrNoHeader
		}
		return err
	}
	idx, err := match(c.Fields())
	if err != nil {
		return err
	}
	nf := len(fields)
	if len(idx) != c.NumFields() {
		return fmt.Errorf("%d column indexes for %d columns", len(idx), c.NumFields())
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
		p   int
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
			for p, f := range fields {
				b.blk.Cols[p].Reset(f.Type, ReadBlockRows)
				b.blk.Cols[p].Null = nil
				b.offs[p] = b.offs[p][:0]
			}
			b.arena = b.arena[:0]
			var found []issue
			n := 0
			for n < ReadBlockRows {
				err := c.Next()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					errc <- err
					return
				}
				if c.NumFields() != len(idx) {
					errc <- fmt.Errorf("line %d: %d fields, the header has %d", c.Line(), c.NumFields(), len(idx))
					return
				}
				for i := 0; i < len(idx); i++ {
					p := idx[i]
					if !b.setCell(p, n, fields[p], c.Field(i)) {
						found = append(found, issue{p, string(c.Field(i))})
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
			if n < ReadBlockRows {
				return
			}
		}
	}()
	defer close(stop)
	for b := range full {
		issues = <-issuesCh
		if bad != nil {
			for _, is := range issues {
				bad(is.p, is.raw)
			}
		}
		if err := context.Cause(ctx); err != nil {
			return err
		}
		if err := fn(&b.blk); err != nil {
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
