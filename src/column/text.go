package column

import (
	"encoding/binary"
	"math"
	"math/bits"
	"slices"
	"strconv"
)

// AppendFloat appends f in the written form of a float (CSV files,
// previews): the shortest text that parses back to f, plain decimal for
// 1e-6 <= |f| < 1e21, exponent notation otherwise. Zero of either sign is
// "0"; NaN and ±Inf append nothing (a null field).
func AppendFloat(b []byte, f float64) []byte {
	if f == 0 {
		return append(b, '0')
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return b
	}
	a := math.Abs(f)
	if a < 1e-6 || a >= 1e21 {
		return strconv.AppendFloat(b, f, 'e', -1, 64)
	}
	if a < 1<<53 && a == math.Trunc(a) {
		// An integer below 2^53 is its own shortest form: every float
		// near it is at least 1 away.
		return AppendInt(b, int64(f))
	}
	return strconv.AppendFloat(b, f, 'f', -1, 64)
}

// AppendInt appends the decimal form of x, as strconv.AppendInt(b, x, 10)
// does, writing the digits in place.
func AppendInt(b []byte, x int64) []byte {
	u := uint64(x)
	if x < 0 {
		b = append(b, '-')
		u = -u
	}
	if u < 10 {
		return append(b, byte('0'+u))
	}
	n := decimalLen(u)
	l := len(b)
	b = slices.Grow(b, n)[:l+n]
	d := b[l : l+n]
	// Two digits at a time from the end; r&127 == r keeps the table
	// index provably in range.
	for i := n - 2; i >= 1; i -= 2 {
		q := u / 100
		r := u - q*100
		u = q
		binary.LittleEndian.PutUint16(d[i:], twoDigits[r&127])
	}
	if n%2 == 0 {
		binary.LittleEndian.PutUint16(d, twoDigits[u&127])
	} else {
		d[0] = byte('0' + u)
	}
	return b
}

// decimalLen is the number of decimal digits of u >= 10.
func decimalLen(u uint64) int {
	t := bits.Len64(u) * 1233 >> 12 // about log10(u)
	if u < uintPow10[t] {
		return t
	}
	return t + 1
}

var uintPow10 = [20]uint64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19}

// twoDigits[v] is v (0-99) as two ASCII digits, the first in the low
// byte (128 entries so that an index masked with 127 needs no check).
var twoDigits = func() (t [128]uint16) {
	for v := range 100 {
		t[v] = uint16('0'+v/10) | uint16('0'+v%10)<<8
	}
	return t
}()
