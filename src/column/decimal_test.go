package column

import (
	"math"
	"strconv"
	"testing"
)

func TestRoundHalfEven(t *testing.T) {
	for _, c := range []struct {
		x    float64
		d    int
		want string
	}{
		{2.675, 2, "2.68"}, {2.665, 2, "2.66"}, {0.125, 2, "0.12"}, {0.135, 2, "0.14"},
		{-0.125, 2, "-0.12"}, {-2.675, 2, "-2.68"}, {1.005, 2, "1"}, {1.0051, 2, "1.01"},
		{2.5, 0, "2"}, {3.5, 0, "4"}, {171.16635716452333, 2, "171.17"}, {0.1 + 0.2, 2, "0.3"},
		{12345678.125, 2, "12345678.12"}, {7, 2, "7"}, {0.0049, 2, "0"}, {1e20, 2, "100000000000000000000"},
		{946142094867549.4, 2, "946142094867549.4"}, {5e-324, 3, "0"}, {0.5, 0, "0"}, {1.25, 1, "1.2"},
	} {
		got := RoundHalfEven(c.x, c.d)
		if s := strconv.FormatFloat(got, 'f', -1, 64); s != c.want {
			t.Errorf("RoundHalfEven(%v, %d) = %s, want %s", c.x, c.d, s, c.want)
		}
	}
	if !math.IsNaN(RoundHalfEven(math.NaN(), 2)) || !math.IsInf(RoundHalfEven(math.Inf(1), 2), 1) {
		t.Error("NaN and infinities must pass through")
	}
}

// TestRoundHalfEvenWritesAtMostDDecimals: the shortest form of a rounded
// value has at most d decimals, over a sweep of magnitudes.
func TestRoundHalfEvenWritesAtMostDDecimals(t *testing.T) {
	x := 0.000123
	for i := 0; i < 20000; i++ {
		x = x*1.0007 + 0.0131
		for d := 0; d <= 4; d++ {
			s := strconv.FormatFloat(RoundHalfEven(x, d), 'f', -1, 64)
			if k := len(s) - 1 - indexDot(s); indexDot(s) >= 0 && k > d {
				t.Fatalf("RoundHalfEven(%v, %d) is written %s", x, d, s)
			}
		}
	}
	if n := testing.AllocsPerRun(100, func() { RoundHalfEven(2.675, 2) }); n != 0 {
		t.Errorf("%v allocations per call", n)
	}
}

func indexDot(s string) int {
	for i := range s {
		if s[i] == '.' {
			return i
		}
	}
	return -1
}
