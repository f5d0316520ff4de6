package timegrid

import "datagen/src/civil"

// Calendar arithmetic on wall-clock microseconds (proleptic Gregorian,
// no leap seconds), as in Howard Hinnant's "chrono-compatible low-level
// date algorithms".

const (
	usPerSecond = int64(civil.MicrosPerSecond)
	usPerMinute = int64(civil.MicrosPerMinute)
	usPerHour   = int64(civil.MicrosPerHour)
	usPerDay    = int64(civil.MicrosPerDay)
	usPerWeek   = int64(civil.MicrosPerWeek)
)
