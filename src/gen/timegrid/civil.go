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
