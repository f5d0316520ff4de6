package timegrid

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// freqKind is the family of a frequency.
type freqKind uint8

const (
	kindTick     freqKind = iota + 1 // fixed step from the start
	kindBusiness                     // Monday–Friday
	kindWeekly                       // one weekday
	kindMonthly                      // month, quarter or year start/end
)

// maxStepUS bounds a tick step (10,000 years), keeping all arithmetic on
// grid instants far from int64 overflow.
const maxStepUS = 10_000 * 366 * usPerDay

// Freq is a parsed pandas-style frequency. The zero value is not a valid
// frequency; obtain one from ParseFreq.
type Freq struct {
	kind     freqKind
	n        int64 // multiple (anchored kinds); ticks fold it into stepUS
	stepUS   int64 // tick step in microseconds
	weekday  int64 // weekly anchor, Monday = 0
	months   int64 // monthly: months per period (1, 3 or 12)
	anchor   int64 // monthly: anchor month 1–12 (quarter/year phase)
	monthEnd bool  // monthly: last day of the month (else the 1st)
}

// AcceptedAliases describes the frequency strings ParseFreq accepts; it is
// part of its error messages.
const AcceptedAliases = "D (day), H or h (hour), T or min (minute), S or s (second), " +
	"L or ms (millisecond), U or us (microsecond), N or ns (nanosecond, whole microseconds only), " +
	"B (business day), W or W-SUN, W-MON … W-SAT (week), M or ME (month end), MS (month start), " +
	"Q or QE (quarter end, optional -JAN … -DEC), QS (quarter start, optional -JAN … -DEC), " +
	"A, Y or YE (year end, optional -JAN … -DEC), AS or YS (year start, optional -JAN … -DEC); " +
	"each may be preceded by a positive integer multiple (6H, 15min, 2W) and tick frequencies " +
	"may be combined (1h30min)"

var tickUnitsNS = map[string]int64{
	"D": 86_400_000_000_000,
	"H": 3_600_000_000_000, "h": 3_600_000_000_000,
	"T": 60_000_000_000, "min": 60_000_000_000, "Min": 60_000_000_000,
	"S": 1_000_000_000, "s": 1_000_000_000,
	"L": 1_000_000, "ms": 1_000_000,
	"U": 1_000, "us": 1_000,
	"N": 1, "ns": 1,
}

var weekdayNames = []string{"MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"}

var monthNames = []string{"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}

// ParseFreq parses a pandas-style frequency alias with an optional positive
// integer multiple: D, H/h, T/min, S/s, L/ms, U/us, N/ns (tick frequencies
// step from the start exactly; several may be combined, as in "1h30min"),
// B (business days), W / W-SUN / W-MON …, M/ME (month end), MS (month
// start), Q/QE and QS (quarter end/start, optional -MON suffix naming the
// anchor month; defaults DEC and JAN), A/Y/YE and AS/YS (year end/start,
// same suffixes). Anchored frequencies roll forward to the first on-offset
// date and keep the start's time of day (see NewGrid). Case matters:
// "M" is month end, "min" minute, "MS" month start, "ms" millisecond.
func ParseFreq(s string) (Freq, error) {
	text := strings.TrimSpace(s)
	if text == "" {
		return Freq{}, fmt.Errorf("empty frequency: accepted are %s", AcceptedAliases)
	}
	pieces, err := splitFreq(text)
	if err != nil {
		return Freq{}, fmt.Errorf("frequency %q: %w; accepted are %s", s, err, AcceptedAliases)
	}
	if len(pieces) == 1 {
		f, err := parsePiece(pieces[0])
		if err != nil {
			return Freq{}, fmt.Errorf("frequency %q: %w; accepted are %s", s, err, AcceptedAliases)
		}
		return f, nil
	}
	// A combination: every piece must be a tick; the steps add up.
	var stepUS int64
	for _, p := range pieces {
		f, err := parsePiece(p)
		if err != nil {
			return Freq{}, fmt.Errorf("frequency %q: %w; accepted are %s", s, err, AcceptedAliases)
		}
		if f.kind != kindTick {
			return Freq{}, fmt.Errorf("frequency %q: only tick frequencies (D, h, min, s, ms, us, ns) can be combined, not %q; accepted are %s", s, p.alias, AcceptedAliases)
		}
		stepUS += f.stepUS
		if stepUS > maxStepUS {
			return Freq{}, fmt.Errorf("frequency %q: step longer than 10,000 years; accepted are %s", s, AcceptedAliases)
		}
	}
	return Freq{kind: kindTick, n: 1, stepUS: stepUS}, nil
}

// MustParseFreq is ParseFreq for constant strings; it panics on error.
func MustParseFreq(s string) Freq {
	f, err := ParseFreq(s)
	if err != nil {
		panic(err)
	}
	return f
}

type freqPiece struct {
	multiple string // digits, possibly empty
	alias    string
}

// splitFreq splits "1h30min" into (1, h), (30, min): each piece is optional
// digits, optional blanks, letters, and an optional "-SUFFIX".
func splitFreq(s string) ([]freqPiece, error) {
	var out []freqPiece
	i := 0
	for i < len(s) {
		j := i
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		mult := s[i:j]
		for j < len(s) && s[j] == ' ' {
			j++
		}
		k := j
		for k < len(s) && isLetter(s[k]) {
			k++
		}
		if k == j {
			if j < len(s) {
				return nil, fmt.Errorf("unexpected %q at offset %d", s[j:j+1], j)
			}
			return nil, errors.New("a multiple needs an alias after it")
		}
		if k < len(s) && s[k] == '-' {
			k++
			m := k
			for k < len(s) && isLetter(s[k]) {
				k++
			}
			if k == m {
				return nil, fmt.Errorf("missing suffix after %q", s[j:m])
			}
		}
		out = append(out, freqPiece{multiple: mult, alias: s[j:k]})
		for k < len(s) && s[k] == ' ' {
			k++
		}
		i = k
	}
	return out, nil
}

func isLetter(c byte) bool {
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

func parsePiece(p freqPiece) (Freq, error) {
	n := int64(1)
	if p.multiple != "" {
		v, err := strconv.ParseInt(p.multiple, 10, 64)
		if err != nil {
			return Freq{}, fmt.Errorf("multiple %q is too large", p.multiple)
		}
		if v < 1 {
			return Freq{}, fmt.Errorf("multiple %s must be at least 1", p.multiple)
		}
		n = v
	}
	if unitNS, ok := tickUnitsNS[p.alias]; ok {
		return tickFreq(p, n, unitNS)
	}
	base, suffix, _ := strings.Cut(p.alias, "-")
	switch base {
	case "B":
		if suffix != "" {
			break
		}
		if n > maxStepUS/usPerDay {
			return Freq{}, fmt.Errorf("multiple %d is too large", n)
		}
		return Freq{kind: kindBusiness, n: n}, nil
	case "W":
		wd := int64(6)
		if suffix != "" {
			wd = int64(indexOf(weekdayNames, suffix))
			if wd < 0 {
				return Freq{}, fmt.Errorf("unknown weekday %q in %q (want MON, TUE, WED, THU, FRI, SAT or SUN)", suffix, p.alias)
			}
		}
		if n > maxStepUS/usPerWeek {
			return Freq{}, fmt.Errorf("multiple %d is too large", n)
		}
		return Freq{kind: kindWeekly, n: n, weekday: wd}, nil
	case "M", "ME", "MS":
		if suffix != "" {
			break
		}
		return monthlyFreq(n, 1, 1, base != "MS")
	case "Q", "QE", "QS", "A", "Y", "YE", "AS", "YS":
		start := base == "QS" || base == "AS" || base == "YS"
		months := int64(12)
		if base[0] == 'Q' {
			months = 3
		}
		anchor := int64(12)
		if start {
			anchor = 1
		}
		if suffix != "" {
			a := indexOf(monthNames, suffix)
			if a < 0 {
				return Freq{}, fmt.Errorf("unknown month %q in %q (want JAN … DEC)", suffix, p.alias)
			}
			anchor = int64(a) + 1
		}
		return monthlyFreq(n, months, anchor, !start)
	}
	return Freq{}, fmt.Errorf("unknown alias %q", p.alias)
}

func tickFreq(p freqPiece, n, unitNS int64) (Freq, error) {
	// Work in microseconds, keeping the sub-microsecond remainder apart so
	// that large multiples of ns cannot overflow.
	var stepUS int64
	if unitNS >= 1000 {
		unitUS := unitNS / 1000
		if n > maxStepUS/unitUS {
			return Freq{}, fmt.Errorf("step %s%s is longer than 10,000 years", p.multiple, p.alias)
		}
		stepUS = n * unitUS
	} else {
		perUS := 1000 / unitNS
		if n%perUS != 0 {
			return Freq{}, fmt.Errorf("step %s%s is not a whole number of microseconds (timestamps have microsecond resolution)", p.multiple, p.alias)
		}
		stepUS = n / perUS
		if stepUS > maxStepUS {
			return Freq{}, fmt.Errorf("step %s%s is longer than 10,000 years", p.multiple, p.alias)
		}
	}
	return Freq{kind: kindTick, n: 1, stepUS: stepUS}, nil
}

func monthlyFreq(n, months, anchor int64, end bool) (Freq, error) {
	if n > 10_000*12/months {
		return Freq{}, fmt.Errorf("multiple %d is too large", n)
	}
	return Freq{kind: kindMonthly, n: n, months: months, anchor: anchor, monthEnd: end}, nil
}

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return -1
}

// IsTick reports whether f steps from the start by a fixed duration.
func (f Freq) IsTick() bool { return f.kind == kindTick }

// TickUS returns the step of a tick frequency in microseconds, or 0 for an
// anchored frequency.
func (f Freq) TickUS() int64 {
	if f.kind != kindTick {
		return 0
	}
	return f.stepUS
}

// String returns a canonical spelling of f in the pandas ≥ 2.2 style
// ("15min", "6h", "D", "B", "2W-SUN", "ME", "QS-JAN", "YE-DEC").
func (f Freq) String() string {
	mult := func(n int64) string {
		if n == 1 {
			return ""
		}
		return strconv.FormatInt(n, 10)
	}
	switch f.kind {
	case kindTick:
		units := []struct {
			us   int64
			name string
		}{{usPerDay, "D"}, {usPerHour, "h"}, {usPerMinute, "min"}, {usPerSecond, "s"}, {1000, "ms"}, {1, "us"}}
		for _, u := range units {
			if f.stepUS%u.us == 0 {
				return mult(f.stepUS/u.us) + u.name
			}
		}
	case kindBusiness:
		return mult(f.n) + "B"
	case kindWeekly:
		return mult(f.n) + "W-" + weekdayNames[f.weekday]
	case kindMonthly:
		name := "M"
		switch f.months {
		case 3:
			name = "Q"
		case 12:
			name = "Y"
		}
		if f.monthEnd {
			name += "E"
		} else {
			name += "S"
		}
		if f.months > 1 {
			name += "-" + monthNames[f.anchor-1]
		}
		return mult(f.n) + name
	}
	return "invalid"
}
