package timegrid

import (
	"strings"
	"testing"
)

func TestParseFreqAliases(t *testing.T) {
	const (
		s  = usPerSecond
		mn = usPerMinute
		h  = usPerHour
		d  = usPerDay
	)
	tests := []struct {
		in     string
		want   string // canonical String()
		tickUS int64  // 0 for anchored
	}{
		{"D", "D", d},
		{"2D", "2D", 2 * d},
		{"H", "h", h},
		{"h", "h", h},
		{"6H", "6h", 6 * h},
		{"24H", "D", d},
		{"T", "min", mn},
		{"min", "min", mn},
		{"Min", "min", mn},
		{"15min", "15min", 15 * mn},
		{"15T", "15min", 15 * mn},
		{"90min", "90min", 90 * mn},
		{"S", "s", s},
		{"s", "s", s},
		{"30s", "30s", 30 * s},
		{"L", "ms", 1000},
		{"ms", "ms", 1000},
		{"250ms", "250ms", 250_000},
		{"1000ms", "s", s},
		{"U", "us", 1},
		{"us", "us", 1},
		{"5U", "5us", 5},
		{"1000N", "us", 1},
		{"2000ns", "2us", 2},
		{"1500000N", "1500us", 1500},
		{"1h30min", "90min", 90 * mn},
		{"1D2H", "26h", 26 * h},
		{"2h 30min", "150min", 150 * mn},
		{" 6 H ", "6h", 6 * h},
		{"B", "B", 0},
		{"3B", "3B", 0},
		{"W", "W-SUN", 0},
		{"W-SUN", "W-SUN", 0},
		{"W-MON", "W-MON", 0},
		{"W-TUE", "W-TUE", 0},
		{"W-WED", "W-WED", 0},
		{"W-THU", "W-THU", 0},
		{"W-FRI", "W-FRI", 0},
		{"W-SAT", "W-SAT", 0},
		{"2W", "2W-SUN", 0},
		{"M", "ME", 0},
		{"ME", "ME", 0},
		{"3M", "3ME", 0},
		{"MS", "MS", 0},
		{"2MS", "2MS", 0},
		{"Q", "QE-DEC", 0},
		{"QE", "QE-DEC", 0},
		{"Q-JAN", "QE-JAN", 0},
		{"QE-NOV", "QE-NOV", 0},
		{"QS", "QS-JAN", 0},
		{"QS-FEB", "QS-FEB", 0},
		{"2Q", "2QE-DEC", 0},
		{"A", "YE-DEC", 0},
		{"Y", "YE-DEC", 0},
		{"YE", "YE-DEC", 0},
		{"A-JUN", "YE-JUN", 0},
		{"Y-MAR", "YE-MAR", 0},
		{"AS", "YS-JAN", 0},
		{"YS", "YS-JAN", 0},
		{"AS-JUL", "YS-JUL", 0},
		{"YS-OCT", "YS-OCT", 0},
		{"5A", "5YE-DEC", 0},
	}
	for _, tt := range tests {
		f, err := ParseFreq(tt.in)
		if err != nil {
			t.Errorf("ParseFreq(%q): %v", tt.in, err)
			continue
		}
		if got := f.String(); got != tt.want {
			t.Errorf("ParseFreq(%q).String() = %q, want %q", tt.in, got, tt.want)
		}
		if got := f.TickUS(); got != tt.tickUS {
			t.Errorf("ParseFreq(%q).TickUS() = %d, want %d", tt.in, got, tt.tickUS)
		}
		if f.IsTick() != (tt.tickUS > 0) {
			t.Errorf("ParseFreq(%q).IsTick() = %v", tt.in, f.IsTick())
		}
		// The canonical spelling parses back to the same frequency.
		back, err := ParseFreq(f.String())
		if err != nil || back != f {
			t.Errorf("ParseFreq(%q) = %+v, %v; want %+v", f.String(), back, err, f)
		}
	}
}

func TestParseFreqErrors(t *testing.T) {
	tests := []struct {
		in   string
		want string // substring of the error
	}{
		{"", "empty frequency"},
		{"   ", "empty frequency"},
		{"X", `unknown alias "X"`},
		{"m", `unknown alias "m"`},
		{"MIN", `unknown alias "MIN"`},
		{"d", `unknown alias "d"`},
		{"Minutes", `unknown alias "Minutes"`},
		{"0H", "multiple 0 must be at least 1"},
		{"00D", "multiple 00 must be at least 1"},
		{"-1H", `unexpected "-"`},
		{"1.5H", `unexpected "."`},
		{"2", "a multiple needs an alias"},
		{"W-FOO", `unknown weekday "FOO"`},
		{"W-", "missing suffix"},
		{"Q-FOO", `unknown month "FOO"`},
		{"AS-13", `missing suffix after "AS-"`},
		{"B-MON", `unknown alias "B-MON"`},
		{"M-JAN", `unknown alias "M-JAN"`},
		{"MS-JAN", `unknown alias "MS-JAN"`},
		{"1h1M", `only tick frequencies (D, h, min, s, ms, us, ns) can be combined, not "M"`},
		{"W2D", `only tick frequencies`},
		{"1N", "not a whole number of microseconds"},
		{"1500N", "not a whole number of microseconds"},
		{"99999999999999999999H", "multiple \"99999999999999999999\" is too large"},
		{"100000000D", "longer than 10,000 years"},
		{"5000000D5000000D", "longer than 10,000 years"},
		{"1000000000000W", "multiple 1000000000000 is too large"},
		{"200000A", "multiple 200000 is too large"},
	}
	for _, tt := range tests {
		_, err := ParseFreq(tt.in)
		if err == nil {
			t.Errorf("ParseFreq(%q): no error, want %q", tt.in, tt.want)
			continue
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseFreq(%q) = %q, want it to contain %q", tt.in, err, tt.want)
		}
		if !strings.Contains(err.Error(), "M or ME (month end)") {
			t.Errorf("ParseFreq(%q) = %q, want the accepted aliases listed", tt.in, err)
		}
	}
}

func TestMustParseFreqPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("MustParseFreq(\"bogus\") did not panic")
		}
	}()
	MustParseFreq("bogus")
}
