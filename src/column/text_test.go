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
