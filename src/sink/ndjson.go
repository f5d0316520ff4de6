package sink

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"unicode/utf8"

	"datagen/src/civil"
	"datagen/src/column"
)

// NDJSONTableKey is the member of an NDJSON row that names its table. No
// column can take the name: column names do not start with '_'.
const NDJSONTableKey = "_table"

// EncodeNDJSON appends the rows of b, whose columns are fields, to dst as
// newline-delimited JSON: one object a line, {"_table": table} followed by
// the columns in order. Numbers and booleans are JSON numbers and
// booleans, strings, datetimes (ISO 8601, UTC) and dates (YYYY-MM-DD) JSON
// strings, nulls null. It is safe for concurrent use.
func EncodeNDJSON(dst []byte, b *column.Block, fields []column.Field, table string) ([]byte, error) {
	if err := checkBlock(b, fields); err != nil {
		return dst, err
	}
	prefix := appendJSONString([]byte(`{"`+NDJSONTableKey+`":`), table)
	keys := make([][]byte, len(fields))
	for c, f := range fields {
		keys[c] = append(appendJSONString([]byte{','}, f.Name), ':')
	}
	buf := dst
	for i := 0; i < b.Rows; i++ {
		buf = append(buf, prefix...)
		for c, v := range b.Cols {
			buf = append(buf, keys[c]...)
			if v.Null != nil && v.Null[i] {
				buf = append(buf, "null"...)
				continue
			}
			switch v.Type {
			case column.Int:
				buf = strconv.AppendInt(buf, v.Ints[i], 10)
			case column.Float:
				if x := v.Floats[i]; math.IsNaN(x) || math.IsInf(x, 0) {
					buf = append(buf, "null"...)
				} else {
					buf = column.AppendFloat(buf, x)
				}
			case column.String:
				buf = appendJSONString(buf, v.Strs[i])
			case column.Bool:
				buf = strconv.AppendBool(buf, v.Bools[i])
			case column.Timestamp:
				buf = append(civil.AppendTimestamp(append(buf, '"'), v.Ints[i]), '"')
			case column.Date:
				buf = append(civil.AppendDate(append(buf, '"'), v.Ints[i]), '"')
			}
		}
		buf = append(buf, '}', '\n')
	}
	return buf, nil
}

// appendJSONString appends s as a JSON string; invalid UTF-8 becomes
// U+FFFD.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			b = append(b, `\ufffd`...)
		} else {
			b = append(b, s[i:i+n]...)
		}
		i += n
	}
	return append(b, '"')
}

// NDJSONWriter writes the rows of one table as NDJSON lines to a stream
// shared by every table of a run (a pipe, stdout): each block's lines go
// out in one Write, so a reader never sees part of a line. It implements
// the engine's Writer and Encoder; Commit and Abort do nothing, since a
// stream cannot take back what it wrote.
type NDJSONWriter struct {
	w      io.Writer
	table  string
	fields []column.Field
	// Rows counts the rows written.
	Rows int64
}

// NewNDJSON returns the writer of table's rows, whose columns are fields,
// to w.
func NewNDJSON(w io.Writer, table string, fields []column.Field) *NDJSONWriter {
	return &NDJSONWriter{w: w, table: table, fields: fields}
}

// WriteBlock encodes and writes b.
func (n *NDJSONWriter) WriteBlock(b *column.Block) error {
	p, err := n.EncodeBlock(b, nil)
	if err != nil {
		return err
	}
	return n.WriteEncoded(b, p)
}

// EncodeBlock appends the lines of b to dst; safe for concurrent use.
func (n *NDJSONWriter) EncodeBlock(b *column.Block, dst []byte) ([]byte, error) {
	return EncodeNDJSON(dst, b, n.fields, n.table)
}

// WriteEncoded writes the lines EncodeBlock made of b.
func (n *NDJSONWriter) WriteEncoded(b *column.Block, p []byte) error {
	if len(p) == 0 {
		return nil
	}
	if _, err := n.w.Write(p); err != nil {
		return fmt.Errorf("writing table %q: %w", n.table, err)
	}
	n.Rows += int64(b.Rows)
	return nil
}

// Commit does nothing: the rows are written.
func (n *NDJSONWriter) Commit() error { return nil }

// Abort does nothing: written rows stay written.
func (n *NDJSONWriter) Abort() {}
