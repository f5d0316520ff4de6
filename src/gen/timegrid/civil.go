package timegrid

// Calendar arithmetic on wall-clock microseconds (proleptic Gregorian,
// no leap seconds), as in Howard Hinnant's "chrono-compatible low-level
// date algorithms".

const (
	usPerSecond = int64(1_000_000)
	usPerMinute = 60 * usPerSecond
	usPerHour   = 60 * usPerMinute
	usPerDay    = 24 * usPerHour
	usPerWeek   = 7 * usPerDay
)

// floorDiv returns ⌊a/b⌋ for b > 0.
func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}

// floorMod returns a - b⌊a/b⌋ (in [0, b)) for b > 0.
func floorMod(a, b int64) int64 {
	m := a % b
	if m < 0 {
		m += b
	}
	return m
}

// ceilDiv returns ⌈a/b⌉ for b > 0.
func ceilDiv(a, b int64) int64 {
	return -floorDiv(-a, b)
}

// weekday returns the day of week of day z since 1970-01-01, Monday = 0
// (1970-01-01 was a Thursday).
func weekday(z int64) int64 {
	return floorMod(z+3, 7)
}
