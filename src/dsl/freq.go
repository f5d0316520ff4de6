package dsl

import (
	"slices"
	"strconv"
	"strings"

	"datagen/src/gen/timegrid"
	"datagen/src/input"
)

// checkFreq parses a frequency string with the same parser the
// datetime_series generator uses, so a schema that passes validation
// never fails on its frequency at generation time.
func checkFreq(s string) error {
	_, err := timegrid.ParseFreq(s)
	return err
}

// freqAliases are the base aliases offered as suggestions.
var freqAliases = []string{"N", "ns", "U", "us", "L", "ms", "S", "s", "T", "min", "H", "h", "D", "B", "W",
	"M", "ME", "MS", "Q", "QE", "QS", "A", "Y", "YE", "AS", "YS"}

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
	names := slices.Clone(freqAliases)
	slices.Sort(names)
	if c := input.Closest(rest, names); c != "" {
		return "did you mean " + strconv.Quote(prefix+c) + "?"
	}
	return "use a pandas offset alias such as D, h, 15min, W-MON, MS, QS or YS"
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
