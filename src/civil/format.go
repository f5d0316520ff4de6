package civil

import (
	"encoding/binary"
	"slices"
	"time"
)

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
	n := 20
	if frac != 0 {
		n = 27
	}
	l := len(b)
	b = slices.Grow(b, n)[:l+n]
	d := b[l : l+n]
	putCivil(d[:10], uint32(days-fastFirstDay))
	t := uint32(sod)
	d[10] = 'T'
	put2(d[11:13], t/3600)
	d[13] = ':'
	put2(d[14:16], t/60%60)
	d[16] = ':'
	put2(d[17:19], t%60)
	if frac != 0 {
		f := uint32(frac)
		d[19] = '.'
		put2(d[20:22], f/10_000)
		put2(d[22:24], f/100%100)
		put2(d[24:26], f%100)
	}
	d[n-1] = 'Z'
	return b
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
// 0000-03-01 as YYYY-MM-DD.
func appendCivil(b []byte, z uint32) []byte {
	l := len(b)
	b = slices.Grow(b, 10)[:l+10]
	putCivil(b[l:l+10], z)
	return b
}

// putCivil writes the proleptic Gregorian date of z days after 0000-03-01
// as YYYY-MM-DD into d[:10] (H. Hinnant's civil_from_days).
func putCivil(d []byte, z uint32) {
	_ = d[9]
	era := z / 146_097
	doe := z - era*146_097
	yoe := (doe - doe/1_460 + doe/36_524 - doe/146_096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	day := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if mp >= 10 {
		m = mp - 9
	}
	y := yoe + era*400
	if m <= 2 {
		y++
	}
	put2(d[0:2], y/100)
	put2(d[2:4], y%100)
	d[4] = '-'
	put2(d[5:7], m)
	d[7] = '-'
	put2(d[8:10], day)
}

// twoDigits[v] is v (0-99) as two ASCII digits, the first in the low
// byte.
var twoDigits = func() (t [100]uint16) {
	for v := range t {
		t[v] = uint16('0'+v/10) | uint16('0'+v%10)<<8
	}
	return t
}()

// put2 writes v (0-99) as two digits into d[:2].
func put2(d []byte, v uint32) {
	binary.LittleEndian.PutUint16(d, twoDigits[v])
}

// DayStart returns the midnight UTC that starts the day holding us.
func DayStart(us int64) int64 { return FloorDiv(us, MicrosPerDay) * MicrosPerDay }
