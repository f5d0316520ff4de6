// Package civil is datagen's calendar: it converts between day numbers
// (days since 1970-01-01) and proleptic Gregorian dates with Howard
// Hinnant's branch-free algorithms, and reads and writes ISO 8601 dates
// and timestamps (one syntax, one written form). Every package that
// splits timestamps into calendar parts, parses a date or writes one uses
// it.
package civil

// FloorDiv returns ⌊a/b⌋ (b != 0): division rounding toward negative
// infinity.
func FloorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// FloorMod returns a - b⌊a/b⌋, in [0, b) for b > 0.
func FloorMod(a, b int64) int64 {
	return a - b*FloorDiv(a, b)
}

// CeilDiv returns ⌈a/b⌉ for b > 0.
func CeilDiv(a, b int64) int64 {
	return -FloorDiv(-a, b)
}

// Day returns the day since 1970-01-01 that holds instant us
// (microseconds since the epoch, UTC).
func Day(us int64) int64 { return FloorDiv(us, MicrosPerDay) }

// Hour returns the UTC hour of day (0–23) of instant us.
func Hour(us int64) int { return int(FloorMod(us, MicrosPerDay) / MicrosPerHour) }

// Month returns the month (1–12) of day z since 1970-01-01.
func Month(z int64) int {
	_, m, _ := FromDays(z)
	return int(m)
}

// Weekday returns the day of the week of day z since 1970-01-01 (a
// Thursday), Monday = 0 … Sunday = 6.
func Weekday(z int64) int64 {
	return FloorMod(z+3, 7)
}

// DaysFromCivil returns the number of days since 1970-01-01 of y-m-d
// (m 1–12, d 1–31).
func DaysFromCivil(y, m, d int64) int64 {
	if m <= 2 {
		y--
	}
	era := FloorDiv(y, 400)
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// FromDays is the inverse of DaysFromCivil: the year, month (1–12) and day
// (1–31) of day z since 1970-01-01.
func FromDays(z int64) (y, m, d int64) {
	z += 719468
	era := FloorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = doy - (153*mp+2)/5 + 1
	if mp < 10 {
		m = mp + 3
	} else {
		m = mp - 9
	}
	if m <= 2 {
		y++
	}
	return y, m, d
}

// DaysInMonth returns the length of month m (1–12) of year y.
func DaysInMonth(y, m int64) int64 {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}
