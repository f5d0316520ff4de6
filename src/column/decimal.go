package column

import (
	"math"
	"strconv"
)

// MaxDecimals is the largest number of decimals RoundHalfEven accepts.
const MaxDecimals = 15

var pow10 = func() (p [MaxDecimals + 1]float64) {
	p[0] = 1
	for i := 1; i < len(p); i++ {
		p[i] = p[i-1] * 10
	}
	return p
}()

// Pow10 returns 10^d for 0 <= d <= MaxDecimals (exact in a float64).
func Pow10(d int) float64 { return pow10[d] }

// RoundHalfEven rounds x to d decimals (0 <= d <= MaxDecimals), half to
// even, on its decimal value: x is read as the shortest decimal that
// converts back to it (2.675 is 2.675, not 2.67499999...), so 2.675 gives
// 2.68 and 0.125 gives 0.12. The result is the float64 nearest to the
// rounded decimal, whose shortest form has at most d decimals. Values too
// large to carry d decimals in a float64 (|x|·10^d ≥ 2^53), infinities and
// NaN are returned unchanged. It does not allocate.
func RoundHalfEven(x float64, d int) float64 {
	p := pow10[d]
	s := x * p
	if math.IsNaN(s) || math.Abs(s) >= 1<<53 {
		return x
	}
	r := math.RoundToEven(s)
	// Far from a tie the scaled value decides; near one, the decimal
	// digits do.
	if f := math.Abs(s - math.Trunc(s)); math.Abs(f-0.5) > 1e-7 {
		return r / p
	}
	var buf [40]byte
	b := strconv.AppendFloat(buf[:0], math.Abs(x), 'f', -1, 64)
	var m int64
	frac, seen := -1, false
	next, rest := -1, false
	for _, c := range b {
		if c == '.' {
			frac, seen = 0, true
			continue
		}
		digit := int64(c - '0')
		switch {
		case !seen || frac < d:
			m = m*10 + digit
			if seen {
				frac++
			}
		case next < 0:
			next = int(digit)
		case digit != 0:
			rest = true
		}
	}
	for ; frac < d; frac++ {
		if frac < 0 {
			frac = 0
		}
		m *= 10
	}
	if next > 5 || next == 5 && (rest || m%2 == 1) {
		m++
	}
	v := float64(m) / p
	if x < 0 {
		v = -v
	}
	return v
}
