package dsl

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// FreqUnit is the canonical unit of a frequency string.
type FreqUnit string

// The frequency units. Tick units step from the start of a range; the
// others are anchored to calendar boundaries.
const (
	FreqNano         FreqUnit = "ns"
	FreqMicro        FreqUnit = "us"
	FreqMilli        FreqUnit = "ms"
	FreqSecond       FreqUnit = "s"
	FreqMinute       FreqUnit = "min"
	FreqHour         FreqUnit = "h"
	FreqDay          FreqUnit = "D"
	FreqBusinessDay  FreqUnit = "B"
	FreqWeek         FreqUnit = "W"
	FreqMonthEnd     FreqUnit = "ME"
	FreqMonthStart   FreqUnit = "MS"
	FreqQuarterEnd   FreqUnit = "QE"
	FreqQuarterStart FreqUnit = "QS"
	FreqYearEnd      FreqUnit = "YE"
	FreqYearStart    FreqUnit = "YS"
)

// Freq is a parsed frequency string (pandas offset alias): N units, with
// the anchor of weekly, quarterly and yearly units.
type Freq struct {
	N    int
	Unit FreqUnit
	// Weekday anchors FreqWeek (default Sunday, as "W" = "W-SUN").
	Weekday time.Weekday
	// Month anchors quarterly and yearly units: the last month of a
	// quarter/year for QE/YE (default December), the first for QS/YS
	// (default January).
	Month time.Month
}

var tickUnits = map[FreqUnit]time.Duration{
	FreqNano: time.Nanosecond, FreqMicro: time.Microsecond, FreqMilli: time.Millisecond,
	FreqSecond: time.Second, FreqMinute: time.Minute, FreqHour: time.Hour, FreqDay: 24 * time.Hour,
}

// freqAliases maps every accepted alias (case matters) to its unit.
var freqAliases = map[string]FreqUnit{
	"N": FreqNano, "ns": FreqNano,
	"U": FreqMicro, "us": FreqMicro,
	"L": FreqMilli, "ms": FreqMilli,
	"S": FreqSecond, "s": FreqSecond,
	"T": FreqMinute, "min": FreqMinute,
	"H": FreqHour, "h": FreqHour,
	"D": FreqDay,
	"B": FreqBusinessDay,
	"W": FreqWeek,
	"M": FreqMonthEnd, "ME": FreqMonthEnd,
	"MS": FreqMonthStart,
	"Q":  FreqQuarterEnd, "QE": FreqQuarterEnd,
	"QS": FreqQuarterStart,
	"A":  FreqYearEnd, "Y": FreqYearEnd, "YE": FreqYearEnd,
	"AS": FreqYearStart, "YS": FreqYearStart,
}

// freqWords maps common spelled-out words (lower case) to an alias, for
// suggestions.
var freqWords = map[string]string{
	"nanosecond": "ns", "nanoseconds": "ns", "microsecond": "us", "microseconds": "us",
	"millisecond": "ms", "milliseconds": "ms", "second": "s", "seconds": "s", "sec": "s",
	"minute": "min", "minutes": "min", "mins": "min", "hour": "h", "hours": "h", "hourly": "h",
	"day": "D", "days": "D", "daily": "D", "d": "D", "week": "W", "weeks": "W", "weekly": "W",
	"month": "MS", "months": "MS", "monthly": "MS", "quarter": "QS", "quarterly": "QS",
	"year": "YS", "years": "YS", "yearly": "YS", "annual": "YS", "bd": "B", "businessday": "B",
}

var weekdayNames = []string{"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}
var monthNames = []string{"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}

// IsTick reports whether the unit is a fixed duration stepped from the
// start of the range.
func (u FreqUnit) IsTick() bool { _, ok := tickUnits[u]; return ok }

// Tick returns the fixed step of a tick frequency.
func (f Freq) Tick() (time.Duration, bool) {
	d, ok := tickUnits[f.Unit]
	if !ok {
		return 0, false
	}
	return time.Duration(f.N) * d, true
}

// String renders the canonical spelling, e.g. "6h", "W-MON", "QS-JAN".
func (f Freq) String() string {
	var b strings.Builder
	if f.N != 1 {
		b.WriteString(strconv.Itoa(f.N))
	}
	b.WriteString(string(f.Unit))
	switch f.Unit {
	case FreqWeek:
		b.WriteString("-" + weekdayNames[f.Weekday])
	case FreqQuarterEnd, FreqQuarterStart, FreqYearEnd, FreqYearStart:
		b.WriteString("-" + monthNames[f.Month-1])
	}
	return b.String()
}

// ParseFreq parses a frequency string: an optional positive multiple and a
// pandas offset alias ("D", "H"/"h", "T"/"min", "S"/"s", "L"/"ms",
// "U"/"us", "N"/"ns", "B", "W" or "W-MON".."W-SUN", "M"/"ME", "MS",
// "Q"/"QE", "QS", "A"/"Y"/"YE", "AS"/"YS", the last four optionally
// anchored with "-JAN".."-DEC"). Case matters: "M" is month end, "min" is
// minute, "MS" month start, "ms" millisecond.
func ParseFreq(s string) (Freq, error) {
	i := 0
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	f := Freq{N: 1}
	if i > 0 {
		n, err := strconv.Atoi(s[:i])
		if err != nil || n <= 0 {
			return Freq{}, fmt.Errorf("invalid frequency %q: the multiple must be a positive integer", s)
		}
		f.N = n
	}
	alias, anchor, hasAnchor := strings.Cut(s[i:], "-")
	unit, ok := freqAliases[alias]
	if !ok {
		return Freq{}, fmt.Errorf("invalid frequency %q", s)
	}
	f.Unit = unit
	switch unit {
	case FreqWeek:
		f.Weekday = time.Sunday
		if hasAnchor {
			k := indexOf(weekdayNames, anchor)
			if k < 0 {
				return Freq{}, fmt.Errorf("invalid frequency %q: weekly anchor must be one of %s", s, strings.Join(weekdayNames, ", "))
			}
			f.Weekday = time.Weekday(k)
		}
	case FreqQuarterEnd, FreqQuarterStart, FreqYearEnd, FreqYearStart:
		f.Month = time.December
		if unit == FreqQuarterStart || unit == FreqYearStart {
			f.Month = time.January
		}
		if hasAnchor {
			k := indexOf(monthNames, anchor)
			if k < 0 {
				return Freq{}, fmt.Errorf("invalid frequency %q: anchor must be one of %s", s, strings.Join(monthNames, ", "))
			}
			f.Month = time.Month(k + 1)
		}
	default:
		if hasAnchor {
			return Freq{}, fmt.Errorf("invalid frequency %q: %q takes no anchor", s, alias)
		}
	}
	if d, ok := tickUnits[unit]; ok && int64(f.N) > math.MaxInt64/int64(d) {
		return Freq{}, fmt.Errorf("invalid frequency %q: the step is too large", s)
	}
	if f.N > 100_000 && !unit.IsTick() {
		return Freq{}, fmt.Errorf("invalid frequency %q: the multiple is too large", s)
	}
	return f, nil
}

// freqSuggestion proposes a valid spelling for an invalid frequency.
func freqSuggestion(s string) string {
	i := 0
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	prefix, rest := s[:i], strings.TrimSpace(s[i:])
	if a, ok := freqWords[strings.ToLower(rest)]; ok {
		return "did you mean " + strconv.Quote(prefix+a) + "?"
	}
	names := make([]string, 0, len(freqAliases))
	for a := range freqAliases {
		names = append(names, a)
	}
	slices.Sort(names)
	if c := closest(rest, names); c != "" {
		return "did you mean " + strconv.Quote(prefix+c) + "?"
	}
	return "use a pandas offset alias such as D, h, 15min, W-MON, MS, QS or YS"
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}
