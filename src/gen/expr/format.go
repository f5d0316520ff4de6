package expr

import (
	"math"
	"strconv"
	"unsafe"

	"datagen/src/civil"
	"datagen/src/column"
)

// arena holds the bytes of the strings built during one Eval call, so that
// building a string costs no allocation of its own. Strings are views of
// the arena's bytes; bytes are only ever appended, never rewritten, so a
// string stays valid when the buffer grows (the old array lives on as long
// as a string refers to it). When the result escapes (a string-typed
// program), every Eval starts a fresh buffer sized from the previous
// block; otherwise the buffer is reused.
type arena struct {
	buf  []byte
	hint int // capacity for a fresh buffer: the last block's use plus 1/8
}

// begin prepares the arena for one Eval call.
func (a *arena) begin(escapes bool) {
	if used := len(a.buf); used > 0 {
		a.hint = used + used/8
	}
	if escapes {
		a.buf = nil
	} else {
		a.buf = a.buf[:0]
	}
}

// mark returns the current end of the arena, the start of a new string.
func (a *arena) mark() int {
	if a.buf == nil && a.hint > 0 {
		a.buf = make([]byte, 0, a.hint)
	}
	return len(a.buf)
}

// since returns the string of the bytes appended after mark m.
func (a *arena) since(m int) string {
	if len(a.buf) == m {
		return ""
	}
	return unsafe.String(&a.buf[m], len(a.buf)-m)
}

// appendValue appends the text form of row i of v (of value type t).
func appendValue(b []byte, t column.Type, v *column.Vector, i int) []byte {
	switch t {
	case column.Int:
		return strconv.AppendInt(b, v.Ints[i], 10)
	case column.Float:
		return appendFloat(b, v.Floats[i])
	case column.String:
		return append(b, v.Strs[i]...)
	case column.Bool:
		return strconv.AppendBool(b, v.Bools[i])
	case column.Timestamp:
		return appendTimestamp(b, v.Ints[i])
	case column.Date:
		return civil.AppendDate(b, v.Ints[i])
	}
	return b
}

// appendTimestamp appends the text form of an instant: the written form
// with the fraction's trailing zeros dropped (2024-01-31T12:00:00.25Z).
func appendTimestamp(b []byte, us int64) []byte {
	b = civil.AppendTimestamp(b, us)
	if us%1_000_000 == 0 {
		return b
	}
	n := len(b) - 1 // the 'Z'
	for b[n-1] == '0' {
		n--
	}
	b[n] = 'Z'
	return b[:n+1]
}

// appendFloat formats f the way Python's repr does: the shortest
// representation that reads back exactly, with a ".0" on integral values
// and scientific notation below 1e-4 and from 1e16.
func appendFloat(b []byte, f float64) []byte {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return strconv.AppendFloat(b, f, 'g', -1, 64)
	}
	abs := math.Abs(f)
	if abs != 0 && (abs < 1e-4 || abs >= 1e16) {
		return strconv.AppendFloat(b, f, 'e', -1, 64)
	}
	start := len(b)
	b = strconv.AppendFloat(b, f, 'f', -1, 64)
	for _, c := range b[start:] {
		if c == '.' {
			return b
		}
	}
	return append(b, '.', '0')
}
