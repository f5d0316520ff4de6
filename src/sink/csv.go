package sink

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/klauspost/compress/gzip"

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
	if err := checkBlock(b, w.fields); err != nil {
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
				buf = strconv.AppendInt(buf, v.Ints[i], 10)
			case column.Float:
				buf = appendCSVFloat(buf, v.Floats[i])
			case column.String:
				buf = appendCSVString(buf, v.Strs[i])
			case column.Bool:
				if v.Bools[i] {
					buf = append(buf, "true"...)
				} else {
					buf = append(buf, "false"...)
				}
			case column.Timestamp:
				buf = appendTimestamp(buf, v.Ints[i])
			case column.Date:
				buf = appendDate(buf, v.Ints[i])
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

// csvSpecial marks the bytes that force a field to be enclosed in quotes.
var csvSpecial = [256]bool{',': true, '"': true, '\r': true, '\n': true}

// appendCSVString appends s as a CSV field, enclosed in quotes with inner
// quotes doubled when it contains a delimiter, a quote, CR or LF.
func appendCSVString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if csvSpecial[s[i]] {
			return appendQuoted(b, s)
		}
	}
	return append(b, s...)
}

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

// appendCSVFloat appends f in the shortest form that parses back to f:
// plain decimal for 1e-6 <= |f| < 1e21, exponent notation otherwise. Zero
// of either sign is "0"; NaN and ±Inf append nothing (a null field).
func appendCSVFloat(b []byte, f float64) []byte {
	if f == 0 {
		return append(b, '0')
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return b
	}
	if a := math.Abs(f); a >= 1e-6 && a < 1e21 {
		return strconv.AppendFloat(b, f, 'f', -1, 64)
	}
	return strconv.AppendFloat(b, f, 'e', -1, 64)
}

// Time layouts for the instants outside the fast path (before 0000-03-01
// or after 9999-12-31).
const (
	layoutTimestamp     = "2006-01-02T15:04:05Z"
	layoutTimestampFrac = "2006-01-02T15:04:05.000000Z"
	layoutDate          = "2006-01-02"
)

// The fast path formats days from 0000-03-01 (epoch day -719468) to
// 9999-12-31 (epoch day 2932896) with unsigned 32-bit arithmetic.
const (
	fastFirstDay = -719_468
	fastLastDay  = 2_932_896
)

// appendTimestamp appends microseconds since the epoch as ISO 8601 UTC,
// with six fractional digits only when the sub-second part is non-zero.
func appendTimestamp(b []byte, us int64) []byte {
	secs, frac := us/1_000_000, us%1_000_000
	if frac < 0 {
		secs, frac = secs-1, frac+1_000_000
	}
	days, sod := secs/86_400, secs%86_400
	if sod < 0 {
		days, sod = days-1, sod+86_400
	}
	if days < fastFirstDay || days > fastLastDay {
		layout := layoutTimestamp
		if frac != 0 {
			layout = layoutTimestampFrac
		}
		return column.Time(us).AppendFormat(b, layout)
	}
	b = appendCivil(b, uint32(days-fastFirstDay))
	t := uint32(sod)
	b = append(b, 'T')
	b = append2(b, t/3600)
	b = append(b, ':')
	b = append2(b, t/60%60)
	b = append(b, ':')
	b = append2(b, t%60)
	if frac != 0 {
		f := uint32(frac)
		b = append(b, '.')
		b = append2(b, f/10_000)
		b = append2(b, f/100%100)
		b = append2(b, f%100)
	}
	return append(b, 'Z')
}

// appendDate appends the UTC calendar day of microseconds since the epoch
// as YYYY-MM-DD.
func appendDate(b []byte, us int64) []byte {
	days := epochDay(us)
	if days < fastFirstDay || days > fastLastDay {
		return column.Time(us).AppendFormat(b, layoutDate)
	}
	return appendCivil(b, uint32(days-fastFirstDay))
}

// appendCivil appends the proleptic Gregorian date of z days after
// 0000-03-01 as YYYY-MM-DD (H. Hinnant's civil_from_days).
func appendCivil(b []byte, z uint32) []byte {
	era := z / 146_097
	doe := z - era*146_097
	yoe := (doe - doe/1_460 + doe/36_524 - doe/146_096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if mp >= 10 {
		m = mp - 9
	}
	y := yoe + era*400
	if m <= 2 {
		y++
	}
	b = append2(b, y/100)
	b = append2(b, y%100)
	b = append(b, '-')
	b = append2(b, m)
	b = append(b, '-')
	return append2(b, d)
}

const digitPairs = "00010203040506070809" +
	"10111213141516171819" +
	"20212223242526272829" +
	"30313233343536373839" +
	"40414243444546474849" +
	"50515253545556575859" +
	"60616263646566676869" +
	"70717273747576777879" +
	"80818283848586878889" +
	"90919293949596979899"

// append2 appends v (< 100) as two digits.
func append2(b []byte, v uint32) []byte {
	return append(b, digitPairs[2*v], digitPairs[2*v+1])
}

// epochDay returns the day since 1970-01-01 (negative before) that holds
// microsecond us, rounding towards negative infinity.
func epochDay(us int64) int64 {
	d := us / column.MicrosPerDay
	if us%column.MicrosPerDay < 0 {
		d--
	}
	return d
}

// Commit flushes, closes and renames the file into place.
func (w *csvWriter) Commit() error { return w.commitWith(w.finish) }
