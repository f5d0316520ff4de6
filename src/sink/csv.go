package sink

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/klauspost/compress/gzip"

	"datagen/src/civil"
	"datagen/src/column"
)

// csvFlushAt is the size at which the row buffer is handed to the file (or
// to the gzip stream). Rows are appended whole, so the buffer holds at most
// csvFlushAt plus one row.
const csvFlushAt = 256 << 10

// csvWriter writes a table as Keboola-dialect CSV.
type csvWriter struct {
	lifecycle
	fields []column.Field
	out    io.Writer     // file, or gz
	gz     *gzip.Writer  // nil without gzip
	gzBuf  *bufio.Writer // batches the small writes of the gzip stream
	buf    []byte
}

func newCSVWriter(tf *tempFile, fields []column.Field, opts Options) (*csvWriter, error) {
	w := &csvWriter{lifecycle: lifecycle{file: tf, format: "csv"}, fields: fields, out: tf, buf: make([]byte, 0, csvFlushAt+csvFlushAt/4)}
	if opts.Gzip {
		level := opts.GzipLevel
		if level == 0 {
			level = gzip.BestSpeed
		}
		w.gzBuf = bufio.NewWriterSize(tf, csvFlushAt)
		gz, err := gzip.NewWriterLevel(w.gzBuf, level)
		if err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
		w.gz = gz
		w.out = gz
	}
	if !opts.NoHeader {
		for i := range fields {
			if i > 0 {
				w.buf = append(w.buf, ',')
			}
			w.buf = appendCSVString(w.buf, fields[i].Name)
		}
		w.buf = append(w.buf, '\n')
	}
	return w, nil
}

// WriteBlock appends the rows of b as CSV lines.
func (w *csvWriter) WriteBlock(b *column.Block) error {
	if err := w.usable(); err != nil {
		return err
	}
	buf, err := w.EncodeBlock(b, w.buf)
	if err != nil {
		w.err = err
		return err
	}
	w.buf = buf
	w.rows += int64(b.Rows)
	if len(w.buf) >= csvFlushAt {
		return w.flushBuf()
	}
	return nil
}

func (w *csvWriter) usable() error {
	if w.err != nil {
		return w.err
	}
	if w.done {
		return errors.New("write after commit or abort")
	}
	return nil
}

func (w *csvWriter) flushBuf() error {
	if _, err := w.out.Write(w.buf); err != nil {
		w.buf = w.buf[:0]
		w.err = fmt.Errorf("csv: %w", err)
		return w.err
	}
	w.buf = w.buf[:0]
	return nil
}

// EncodeBlock appends the CSV lines of b to dst and returns the extended
// slice. It reads only the writer's schema, so several goroutines may
// encode blocks at once; the encoded bytes are then written in row order
// with WriteEncoded.
func (w *csvWriter) EncodeBlock(b *column.Block, dst []byte) ([]byte, error) {
	return EncodeCSV(dst, b, w.fields)
}

// EncodeCSV appends the CSV lines of b, whose columns are fields, to dst
// and returns the extended slice: the bytes a CSV TableWriter writes for
// b (without the header). It is safe for concurrent use.
func EncodeCSV(dst []byte, b *column.Block, fields []column.Field) ([]byte, error) {
	if err := checkBlock(b, fields); err != nil {
		return dst, err
	}
	cols := b.Cols
	buf := dst
	for i := 0; i < b.Rows; i++ {
		rowStart := len(buf)
		for c, v := range cols {
			if c > 0 {
				buf = append(buf, ',')
			}
			if v.Null != nil && v.Null[i] {
				continue
			}
			switch v.Type {
			case column.Int:
				buf = column.AppendInt(buf, v.Ints[i])
			case column.Float:
				buf = column.AppendFloat(buf, v.Floats[i])
			case column.String:
				buf = appendCSVString(buf, v.Strs[i])
			case column.Bool:
				if v.Bools[i] {
					buf = append(buf, "true"...)
				} else {
					buf = append(buf, "false"...)
				}
			case column.Timestamp:
				buf = civil.AppendTimestamp(buf, v.Ints[i])
			case column.Date:
				buf = civil.AppendDate(buf, v.Ints[i])
			}
		}
		if len(buf) == rowStart {
			// A single-column row whose value is empty: enclose it so that
			// the line is not blank, which some readers skip or reject.
			buf = append(buf, '"', '"')
		}
		buf = append(buf, '\n')
	}
	return buf, nil
}

// WriteEncoded writes the bytes EncodeBlock produced for b, in row order.
func (w *csvWriter) WriteEncoded(b *column.Block, p []byte) error {
	if err := w.usable(); err != nil {
		return err
	}
	if len(w.buf) > 0 {
		if err := w.flushBuf(); err != nil {
			return err
		}
	}
	if _, err := w.out.Write(p); err != nil {
		w.err = fmt.Errorf("csv: %w", err)
		return w.err
	}
	w.rows += int64(b.Rows)
	return nil
}

func (w *csvWriter) finish() error {
	if len(w.buf) > 0 {
		if _, err := w.out.Write(w.buf); err != nil {
			return err
		}
		w.buf = w.buf[:0]
	}
	if w.gz != nil {
		if err := w.gz.Close(); err != nil {
			return fmt.Errorf("gzip: %w", err)
		}
		if err := w.gzBuf.Flush(); err != nil {
			return err
		}
	}
	return nil
}

// appendCSVString appends s as a CSV field, enclosed in quotes with inner
// quotes doubled when it contains a delimiter, a quote, CR or LF.
func appendCSVString(b []byte, s string) []byte {
	if needsQuotes(s) {
		return appendQuoted(b, s)
	}
	return append(b, s...)
}

// Byte masks for needsQuotes: every byte 0x01, every byte 0x80, and every
// byte one of the characters that force quotes.
const (
	lows    = 0x0101010101010101
	highs   = 0x8080808080808080
	commas  = ',' * lows
	quotes  = '"' * lows
	crs     = '\r' * lows
	lfs     = '\n' * lows
	special = 1<<',' | 1<<'"' | 1<<'\r' | 1<<'\n'
)

// needsQuotes reports whether s contains a delimiter, a quote, CR or LF.
// It tests eight bytes at a time: (x - lows) &^ x & highs is not zero
// exactly when some byte of x is zero.
func needsQuotes(s string) bool {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		w := s[i : i+8]
		x := uint64(w[0]) | uint64(w[1])<<8 | uint64(w[2])<<16 | uint64(w[3])<<24 |
			uint64(w[4])<<32 | uint64(w[5])<<40 | uint64(w[6])<<48 | uint64(w[7])<<56
		if hasZero(x^commas)|hasZero(x^quotes)|hasZero(x^crs)|hasZero(x^lfs) != 0 {
			return true
		}
	}
	for ; i < len(s); i++ {
		if c := s[i]; c < 64 && special>>c&1 != 0 {
			return true
		}
	}
	return false
}

// hasZero is not zero exactly when some byte of x is zero.
func hasZero(x uint64) uint64 { return (x - lows) &^ x & highs }

func appendQuoted(b []byte, s string) []byte {
	b = append(b, '"')
	for {
		j := strings.IndexByte(s, '"')
		if j < 0 {
			break
		}
		b = append(b, s[:j+1]...)
		b = append(b, '"')
		s = s[j+1:]
	}
	b = append(b, s...)
	return append(b, '"')
}

// Commit flushes, closes and renames the file into place.
func (w *csvWriter) Commit() error { return w.commitWith(w.finish) }
