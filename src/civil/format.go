package civil

import "time"

// Microseconds per unit of time (no leap seconds).
const (
	MicrosPerSecond = 1_000_000
	MicrosPerMinute = 60 * MicrosPerSecond
	MicrosPerHour   = 60 * MicrosPerMinute
	MicrosPerDay    = 24 * MicrosPerHour
	MicrosPerWeek   = 7 * MicrosPerDay
)

// MinMicros and MaxMicros bound the instants datagen writes:
// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999999Z, in microseconds
// since the epoch. Files, Parquet readers and Keboola Storage take
// four-digit years only.
const (
	MinMicros int64 = -719_162 * MicrosPerDay
	MaxMicros int64 = (fastLastDay+1)*MicrosPerDay - 1
)

// InRange reports whether us lies in [MinMicros, MaxMicros].
func InRange(us int64) bool { return us >= MinMicros && us <= MaxMicros }

// Time layouts for the instants outside the fast path (before 0000-03-01
// or after 9999-12-31).
const (
	layoutTimestamp     = "2006-01-02T15:04:05Z"
	layoutTimestampFrac = "2006-01-02T15:04:05.000000Z"
	layoutDate          = "2006-01-02"
)

// The fast path formats days from 0000-03-01 (epoch day -719468) to
// 9999-12-31 (epoch day 2932896) with unsigned 32-bit arithmetic.
const (
	fastFirstDay = -719_468
	fastLastDay  = 2_932_896
)

// AppendTimestamp appends microseconds since the epoch in datagen's one
// written form of an instant: ISO 8601 UTC, 2024-01-31T12:00:00Z, with
// six fraction digits (2024-01-31T12:00:00.250000Z) only when the
// sub-second part is not zero. It allocates nothing.
func AppendTimestamp(b []byte, us int64) []byte {
	secs, frac := us/1_000_000, us%1_000_000
	if frac < 0 {
		secs, frac = secs-1, frac+1_000_000
	}
	days, sod := secs/86_400, secs%86_400
	if sod < 0 {
		days, sod = days-1, sod+86_400
	}
	if days < fastFirstDay || days > fastLastDay {
		layout := layoutTimestamp
		if frac != 0 {
			layout = layoutTimestampFrac
		}
		return time.UnixMicro(us).UTC().AppendFormat(b, layout)
	}
	b = appendCivil(b, uint32(days-fastFirstDay))
	t := uint32(sod)
	b = append(b, 'T')
	b = append2(b, t/3600)
	b = append(b, ':')
	b = append2(b, t/60%60)
	b = append(b, ':')
	b = append2(b, t%60)
	if frac != 0 {
		f := uint32(frac)
		b = append(b, '.')
		b = append2(b, f/10_000)
		b = append2(b, f/100%100)
		b = append2(b, f%100)
	}
	return append(b, 'Z')
}

// FormatTimestamp returns AppendTimestamp's form of us.
func FormatTimestamp(us int64) string {
	var buf [32]byte
	return string(AppendTimestamp(buf[:0], us))
}

// AppendDate appends the UTC calendar day of microseconds since the epoch
// as YYYY-MM-DD.
func AppendDate(b []byte, us int64) []byte {
	days := FloorDiv(us, MicrosPerDay)
	if days < fastFirstDay || days > fastLastDay {
		return time.UnixMicro(us).UTC().AppendFormat(b, layoutDate)
	}
	return appendCivil(b, uint32(days-fastFirstDay))
}

// FormatDate returns AppendDate's form of us.
func FormatDate(us int64) string {
	var buf [16]byte
	return string(AppendDate(buf[:0], us))
}

// appendCivil appends the proleptic Gregorian date of z days after
// 0000-03-01 as YYYY-MM-DD (H. Hinnant's civil_from_days).
func appendCivil(b []byte, z uint32) []byte {
	era := z / 146_097
	doe := z - era*146_097
	yoe := (doe - doe/1_460 + doe/36_524 - doe/146_096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if mp >= 10 {
		m = mp - 9
	}
	y := yoe + era*400
	if m <= 2 {
		y++
	}
	b = append2(b, y/100)
	b = append2(b, y%100)
	b = append(b, '-')
	b = append2(b, m)
	b = append(b, '-')
	return append2(b, d)
}

const digitPairs = "00010203040506070809" +
	"10111213141516171819" +
	"20212223242526272829" +
	"30313233343536373839" +
	"40414243444546474849" +
	"50515253545556575859" +
	"60616263646566676869" +
	"70717273747576777879" +
	"80818283848586878889" +
	"90919293949596979899"

// append2 appends v (< 100) as two digits.
func append2(b []byte, v uint32) []byte {
	return append(b, digitPairs[2*v], digitPairs[2*v+1])
}

// DayStart returns the midnight UTC that starts the day holding us.
func DayStart(us int64) int64 { return FloorDiv(us, MicrosPerDay) * MicrosPerDay }
