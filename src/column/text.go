package column

import (
	"math"
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
	if a := math.Abs(f); a >= 1e-6 && a < 1e21 {
		return strconv.AppendFloat(b, f, 'f', -1, 64)
	}
	return strconv.AppendFloat(b, f, 'e', -1, 64)
}
