package expr

import (
	"strings"
	"time"

	"datagen/src/column"
)

// floorDiv is a / b rounded toward negative infinity (b > 0).
func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b < 0 {
		q--
	}
	return q
}

// floorMod is a mod b in [0, b) (b > 0).
func floorMod(a, b int64) int64 {
	m := a % b
	if m < 0 {
		m += b
	}
	return m
}

// weekday is the day of the week of a day number (days since 1970-01-01,
// a Thursday), Monday = 0 ... Sunday = 6.
func weekday(days int64) int64 { return floorMod(days+3, 7) }

// timeLayouts are the accepted forms of date and timestamp literals.
// Values without an offset are UTC.
var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04",
	"2006-01-02 15:04",
	"2006-01-02",
}

// parseTime parses a date or timestamp literal to microseconds since the
// epoch.
func parseTime(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return column.Micros(t), true
		}
	}
	return 0, false
}
