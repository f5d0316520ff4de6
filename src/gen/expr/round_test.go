package expr

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// exactRound is the reference: v rounded half to even to digits decimal
// places in exact rational arithmetic, then converted to the nearest float.
func exactRound(v float64, digits int) float64 {
	x := new(big.Rat).SetFloat64(v)
	scale := new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(abs(digits))), nil))
	if digits >= 0 {
		x.Mul(x, scale)
	} else {
		x.Quo(x, scale)
	}
	// half to even on the rational x
	num, den := x.Num(), x.Denom()
	q, m := new(big.Int).QuoRem(num, den, new(big.Int)) // truncates toward zero
	twice := new(big.Int).Mul(new(big.Int).Abs(m), big.NewInt(2))
	switch c := twice.Cmp(den); {
	case c > 0 || c == 0 && q.Bit(0) == 1:
		if num.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	r := new(big.Rat).SetInt(q)
	if digits >= 0 {
		r.Quo(r, scale)
	} else {
		r.Mul(r, scale)
	}
	f, _ := r.Float64()
	if f == 0 && math.Signbit(v) {
		return math.Copysign(0, -1)
	}
	return f
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

func roundDigits(v float64, digits int) float64 {
	switch {
	case digits == 0:
		return math.RoundToEven(v)
	case digits > 0:
		return roundScaled(v, math.Pow10(digits), false)
	default:
		return roundScaled(v, math.Pow10(-digits), true)
	}
}

func TestRoundScaledExact(t *testing.T) {
	cases := []struct {
		v      float64
		digits int
		want   float64
	}{
		{946142094867549.4, 2, 946142094867549.4},
		{946142094867549.4, 1, 946142094867549.4},
		{946142094867549.4, 0, 946142094867549},
		{2.675, 2, 2.67},
		{1.005, 2, 1.0},
		{0.125, 2, 0.12},
		{0.375, 2, 0.38},
		{-0.125, 2, -0.12},
		{1e300, 2, 1e300},
		{123456789012345678, -1, 123456789012345680},
		{125e17, -18, 12e18},
		{135e17, -18, 14e18},
		{-135e17, -18, -14e18},
		{99999999999999999999.0, -3, 1e20},
		{4503599627370497.5, 2, 4503599627370497.5},
		{0.1 + 0.2, 1, 0.3},
	}
	for _, c := range cases {
		got := roundDigits(c.v, c.digits)
		if got != c.want {
			t.Errorf("round(%v, %d) = %v, want %v", c.v, c.digits, got, c.want)
		}
		if ref := exactRound(c.v, c.digits); got != ref {
			t.Errorf("round(%v, %d) = %v, exact reference %v", c.v, c.digits, got, ref)
		}
	}
}

// TestRoundScaledMatchesExact compares against exact rational rounding over
// values of every magnitude, with digits from -18 to 18.
func TestRoundScaledMatchesExact(t *testing.T) {
	r := rand.New(rand.NewPCG(14, 2))
	n := 200000
	if testing.Short() {
		n = 20000
	}
	for i := 0; i < n; i++ {
		exp := r.IntN(60) - 20
		v := (r.Float64()*2 - 1) * math.Pow10(exp)
		if i%4 == 0 { // short decimals, many of them near ties
			v = math.Round(v*1000) / 1000
		}
		digits := r.IntN(37) - 18
		got, want := roundDigits(v, digits), exactRound(v, digits)
		if got != want && !(got == 0 && want == 0) {
			t.Fatalf("round(%v, %d) = %v, exact %v", v, digits, got, want)
		}
	}
}

func TestRoundScaledAllocatesNothing(t *testing.T) {
	allocs := testing.AllocsPerRun(100, func() {
		roundDigits(946142094867549.4, 2)
		roundDigits(123456789012345678, -1)
	})
	if allocs != 0 {
		t.Fatalf("round allocates %v times per call", allocs)
	}
}
