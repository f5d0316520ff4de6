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

// civil converts days since 1970-01-01 to a proleptic Gregorian year,
// month (1-12) and day (1-31). It is H. Hinnant's days-to-civil
// algorithm.
func civil(days int64) (year, month, day int64) {
	z := days + 719468
	era := floorDiv(z, 146097)
	// Within an era everything fits in 32 bits, where division by a
	// constant is cheap.
	doe := uint32(z - era*146097)                          // [0, 146096]
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365 // [0, 399]
	doy := doe - (365*yoe + yoe/4 - yoe/100)               // [0, 365]
	mp := (5*doy + 2) / 153                                // [0, 11], March-based
	day = int64(doy - (153*mp+2)/5 + 1)
	month = int64(mp) + 3
	if mp >= 10 {
		month = int64(mp) - 9
	}
	year = int64(yoe) + era*400
	if month <= 2 {
		year++
	}
	return year, month, day
}

// daysFromCivil is the inverse of civil.
func daysFromCivil(year, month, day int64) int64 {
	if month <= 2 {
		year--
	}
	era := floorDiv(year, 400)
	yoe := year - era*400
	mp := (month + 9) % 12
	doy := (153*mp+2)/5 + day - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

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
