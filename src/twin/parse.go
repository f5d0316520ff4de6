package twin

import (
	"strconv"
	"unsafe"

	"datagen/src/civil"
	"datagen/src/column"
)

// Candidate types of a CSV column while its values are read.
const (
	candBool uint8 = 1 << iota
	candInt
	candFloat
	candDate
	candTime
	candAll = candBool | candInt | candFloat | candDate | candTime
)

// candidates returns the subset of cand that the non-empty field f parses
// as.
func candidates(f []byte, cand uint8) uint8 {
	var out uint8
	if cand&candBool != 0 && isBool(f) {
		out |= candBool
	}
	if cand&candInt != 0 {
		if _, ok := parseInt(f); ok {
			out |= candInt
		}
	}
	if cand&candFloat != 0 {
		if _, ok := parseFloat(f); ok {
			out |= candFloat
		}
	}
	if cand&(candDate|candTime) != 0 && len(f) >= 10 && f[4] == '-' {
		if us, ok := parseTime(f); ok {
			out |= cand & candTime
			if len(f) == 10 && civil.FloorMod(us, civil.MicrosPerDay) == 0 {
				out |= cand & candDate
			}
		}
	}
	return out
}

// typeOf picks the column type of the remaining candidates.
func typeOf(c uint8) column.Type {
	switch {
	case c&candBool != 0:
		return column.Bool
	case c&candInt != 0:
		return column.Int
	case c&candFloat != 0:
		return column.Float
	case c&candDate != 0:
		return column.Date
	case c&candTime != 0:
		return column.Timestamp
	}
	return column.String
}

func isBool(f []byte) bool {
	switch string(f) {
	case "true", "false", "True", "False", "TRUE", "FALSE":
		return true
	}
	return false
}

// parseInt reads a decimal integer of at most 18 digits.
func parseInt(f []byte) (int64, bool) {
	i, neg := 0, false
	if len(f) > 0 && f[0] == '-' {
		i, neg = 1, true
	}
	if i == len(f) || len(f)-i > 18 || (f[i] == '0' && len(f)-i > 1) {
		return 0, false
	}
	var v int64
	for ; i < len(f); i++ {
		d := f[i] - '0'
		if d > 9 {
			return 0, false
		}
		v = v*10 + int64(d)
	}
	if neg {
		v = -v
	}
	return v, true
}

// parseFloat reads a finite decimal number (digits, sign, point, exponent).
func parseFloat(f []byte) (float64, bool) {
	for _, c := range f {
		if !(c >= '0' && c <= '9' || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E') {
			return 0, false
		}
	}
	v, err := strconv.ParseFloat(unsafeString(f), 64)
	return v, err == nil
}

// parseTime reads an ISO 8601 date or timestamp as microseconds.
func parseTime(f []byte) (int64, bool) {
	us, err := civil.ParseMicros(f)
	return us, err == nil
}

// unsafeString views b as a string without copying; valid while b is.
func unsafeString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}
