package column

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

func TestAppendFloat(t *testing.T) {
	tests := []struct {
		in   float64
		want string
	}{
		{0, "0"},
		{math.Copysign(0, -1), "0"},
		{1, "1"},
		{-1, "-1"},
		{0.1, "0.1"},
		{1.0 / 3, "0.3333333333333333"},
		{2.5e-6, "0.0000025"},
		{1e-6, "0.000001"},
		{9.99e-7, "9.99e-07"},
		{5e-324, "5e-324"},
		{math.SmallestNonzeroFloat64 * 3, "1.5e-323"},
		{123456.789, "123456.789"},
		{1e20, "100000000000000000000"},
		{999999999999999900000, "999999999999999900000"},
		{1e21, "1e+21"},
		{-1.5e300, "-1.5e+300"},
		{math.MaxFloat64, "1.7976931348623157e+308"},
		{math.NaN(), ""},
		{math.Inf(1), ""},
		{math.Inf(-1), ""},
	}
	for _, tt := range tests {
		if got := string(AppendFloat(nil, tt.in)); got != tt.want {
			t.Errorf("AppendFloat(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// Every finite float must parse back to itself (negative zero to zero).
func TestAppendFloatRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 200_000 {
		f := math.Float64frombits(r.Uint64())
		if math.IsNaN(f) || math.IsInf(f, 0) {
			continue
		}
		s := string(AppendFloat(nil, f))
		g, err := strconv.ParseFloat(s, 64)
		if err != nil || g != f {
			t.Fatalf("%v formatted as %q parses to %v (%v)", f, s, g, err)
		}
		if strings.ContainsAny(s, "eE") == (math.Abs(f) >= 1e-6 && math.Abs(f) < 1e21) {
			t.Fatalf("%v formatted as %q: wrong notation", f, s)
		}
	}
}

// AppendFloat writes exactly what strconv writes: the plain shortest form
// ('f', -1) in [1e-6, 1e21), the exponent form outside, for random bit
// patterns, integers, short decimals and the bounds of the plain range.
func TestAppendFloatMatchesStrconv(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	check := func(f float64) {
		t.Helper()
		if f == 0 || math.IsNaN(f) || math.IsInf(f, 0) {
			return
		}
		want := strconv.FormatFloat(f, 'e', -1, 64)
		if a := math.Abs(f); a >= 1e-6 && a < 1e21 {
			want = strconv.FormatFloat(f, 'f', -1, 64)
		}
		if got := string(AppendFloat([]byte("x"), f)); got != "x"+want {
			t.Fatalf("AppendFloat(%b) = %q, want %q", f, got[1:], want)
		}
	}
	for _, f := range []float64{1e-6, math.Nextafter(1e-6, 0), math.Nextafter(1e-6, 1), 1e21, math.Nextafter(1e21, 0),
		1 << 53, 1<<53 - 1, 1<<53 + 2, 0.5, 1.5, 12.25, 100, 1e15, 1e16, 123456789012345680, 0.000123, 0.1 + 0.2} {
		check(f)
		check(-f)
	}
	for range 300_000 {
		check(math.Float64frombits(r.Uint64()))
		check(float64(r.Int64N(1<<62) >> r.IntN(62)))
		check(float64(r.Int64N(2_000_000)-1_000_000) / 100)
		check(r.NormFloat64() * math.Pow(10, float64(r.IntN(40)-12)))
	}
}

func TestAppendInt(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	check := func(x int64) {
		t.Helper()
		if got, want := string(AppendInt([]byte("x"), x)), "x"+strconv.FormatInt(x, 10); got != want {
			t.Fatalf("AppendInt(%d) = %q, want %q", x, got, want)
		}
	}
	for _, x := range []int64{0, 1, 9, 10, 11, 99, 100, 101, 999, 1000, math.MaxInt64, math.MinInt64, math.MinInt64 + 1} {
		check(x)
		check(-x)
	}
	for p := int64(1); p < math.MaxInt64/10; p *= 10 {
		for _, x := range []int64{p - 1, p, p + 1, 10*p - 1} {
			check(x)
			check(-x)
		}
	}
	for range 300_000 {
		check(r.Int64() >> r.IntN(63))
		check(-(r.Int64() >> r.IntN(63)))
	}
}

func TestAppendNumbersAllocateNothing(t *testing.T) {
	buf := make([]byte, 0, 64)
	if n := testing.AllocsPerRun(100, func() {
		buf = AppendInt(buf[:0], -1234567890123)
		buf = AppendFloat(buf[:0], 78.12345678901234)
		buf = AppendFloat(buf[:0], 2.5e-5)
	}); n != 0 {
		t.Errorf("%v allocations per run, want 0", n)
	}
}
