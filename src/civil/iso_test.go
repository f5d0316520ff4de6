package civil

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

func TestParseTimestamp(t *testing.T) {
	utc := func(y int, mo time.Month, d, h, mi, s, ns int) time.Time {
		return time.Date(y, mo, d, h, mi, s, ns, time.UTC)
	}
	good := map[string]time.Time{
		"2024-01-01":                       utc(2024, 1, 1, 0, 0, 0, 0),
		"20240229":                         utc(2024, 2, 29, 0, 0, 0, 0),
		"2024-01-01T10":                    utc(2024, 1, 1, 10, 0, 0, 0),
		"2024-01-01T10:30":                 utc(2024, 1, 1, 10, 30, 0, 0),
		"2024-01-01t10:30Z":                utc(2024, 1, 1, 10, 30, 0, 0),
		"2024-01-01 10:30:15":              utc(2024, 1, 1, 10, 30, 15, 0),
		"2024-01-01T10:30:15.5":            utc(2024, 1, 1, 10, 30, 15, 500_000_000),
		"2024-01-01T10:30:15,123456789123": utc(2024, 1, 1, 10, 30, 15, 123_456_789),
		"2024-01-01T103015":                utc(2024, 1, 1, 10, 30, 15, 0),
		"2024-01-01T00:00:00Z":             utc(2024, 1, 1, 0, 0, 0, 0),
		"2024-01-01T02:00:00+02:00":        utc(2024, 1, 1, 0, 0, 0, 0),
		"2024-01-01T00:00:00-0530":         utc(2024, 1, 1, 5, 30, 0, 0),
		"2024-01-01T00:00:00+00:00:30":     utc(2023, 12, 31, 23, 59, 30, 0),
		"2025-10-08T23:59:59Z":             utc(2025, 10, 8, 23, 59, 59, 0),
		"1969-12-31T23:59:59.5Z":           utc(1969, 12, 31, 23, 59, 59, 500_000_000),
		"0001-01-01":                       utc(1, 1, 1, 0, 0, 0, 0),
		"9999-12-31T23:59:59.999999Z":      utc(9999, 12, 31, 23, 59, 59, 999_999_000),
	}
	for in, want := range good {
		got, err := ParseTimestamp(in)
		if err != nil || !got.Equal(want) || got.Location() != time.UTC {
			t.Errorf("ParseTimestamp(%q) = %v, %v; want %v", in, got, err, want)
		}
		us, err := ParseMicros(in)
		if err != nil || us != want.UnixMicro() {
			t.Errorf("ParseMicros(%q) = %d, %v; want %d", in, us, err, want.UnixMicro())
		}
		if us2, err := ParseMicros([]byte(in)); err != nil || us2 != us {
			t.Errorf("ParseMicros([]byte(%q)) = %d, %v; want %d", in, us2, err, us)
		}
	}
	bad := map[string]string{
		"":                          "expected a 4-digit year",
		"2024":                      "expected '-' or a 2-digit month",
		"2024-1-01":                 "expected a 2-digit month",
		"2024-02-30":                "day 30 is out of range for 2024-02",
		"2023-02-29":                "day 29 is out of range",
		"2024-13-01":                "month 13 is out of range",
		"2024-01-01T24:00":          "time 24:00:00 is out of range",
		"2024-01-01T10:60":          "time 10:60:00 is out of range",
		"2024-01-01T10:00:00+25:00": "offset 25:00 is out of range",
		"2024-01-01X10":             `unexpected 'X' after the date`,
		"2024-01-01T10:00:00.":      "expected digits after the decimal separator",
		"0000-01-01":                "year 0000 is out of range",
		"01/02/2024":                "expected a 4-digit year",
		"2024-01-01T10:00 UTC":      `unexpected " UTC" after the time`,
		" 2024-01-01":               "expected a 4-digit year",
		"2024-01-01 ":               "expected a 2-digit hour",
		"yesterday":                 "expected a 4-digit year",
	}
	for in, msg := range bad {
		_, err := ParseTimestamp(in)
		if err == nil || !strings.Contains(err.Error(), msg) || !strings.HasPrefix(err.Error(), "invalid ISO 8601 timestamp") {
			t.Errorf("ParseTimestamp(%q) = %v, want an error with %q", in, err, msg)
		}
		if _, err := ParseMicros([]byte(in)); err == nil {
			t.Errorf("ParseMicros(%q) accepted", in)
		}
	}
}

func TestParseDate(t *testing.T) {
	for in, want := range map[string]string{
		"2024-01-31":                "2024-01-31",
		"2024-01-31T00:00:00Z":      "2024-01-31",
		"2024-01-31T01:00:00+01:00": "2024-01-31",
		"1969-12-31":                "1969-12-31",
	} {
		us, err := ParseDate(in)
		if err != nil || FormatDate(us) != want || us%MicrosPerDay != 0 {
			t.Errorf("ParseDate(%q) = %d (%s), %v; want %s", in, us, FormatDate(us), err, want)
		}
	}
	for _, in := range []string{"2024-01-31T00:00:01Z", "2024-01-31T00:00:00+01:00", "2024-02-30", "x"} {
		if _, err := ParseDate(in); err == nil {
			t.Errorf("ParseDate(%q) accepted", in)
		}
	}
}

// Reading the written form gives back the instant.
func TestFormatParseRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	lo := time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC).UnixMicro()
	hi := time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC).UnixMicro()
	for range 100_000 {
		v := lo + r.Int64N(hi-lo)
		s := FormatTimestamp(v)
		if got, err := ParseMicros(s); err != nil || got != v {
			t.Fatalf("ParseMicros(FormatTimestamp(%d) = %q) = %d, %v", v, s, got, err)
		}
	}
}

func TestParseMicrosAllocatesNothing(t *testing.T) {
	b := []byte("2024-02-29T13:45:30.123456Z")
	if n := testing.AllocsPerRun(100, func() {
		if _, err := ParseMicros(b); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Errorf("ParseMicros allocates %v times", n)
	}
}

// The fast timestamp and date formatting agrees with package time over the
// whole supported range.
func TestAppendTimestampMatchesTime(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	lo := time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC).UnixMicro()
	hi := time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC).UnixMicro()
	for i := range 300_000 {
		v := lo + r.Int64N(hi-lo)
		if i%3 == 0 {
			v -= v % 1_000_000 // whole seconds
		}
		tm := time.UnixMicro(v).UTC()
		layout := "2006-01-02T15:04:05Z"
		if tm.Nanosecond() != 0 {
			layout = "2006-01-02T15:04:05.000000Z"
		}
		if got, want := string(AppendTimestamp(nil, v)), tm.Format(layout); got != want {
			t.Fatalf("AppendTimestamp(%d) = %q, want %q", v, got, want)
		}
		if got, want := string(AppendDate(nil, v)), tm.Format("2006-01-02"); got != want {
			t.Fatalf("AppendDate(%d) = %q, want %q", v, got, want)
		}
	}
	// Outside years 0-9999 the year has as many digits as it needs.
	for _, tt := range []struct {
		tm       time.Time
		ts, date string
	}{
		{time.Date(-1, 12, 31, 23, 59, 59, 0, time.UTC), "-0001-12-31T23:59:59Z", "-0001-12-31"},
		{time.Date(12345, 6, 7, 8, 9, 10, 11000, time.UTC), "12345-06-07T08:09:10.000011Z", "12345-06-07"},
	} {
		v := tt.tm.UnixMicro()
		if got := FormatTimestamp(v); got != tt.ts {
			t.Errorf("FormatTimestamp(%v) = %q, want %q", tt.tm, got, tt.ts)
		}
		if got := FormatDate(v); got != tt.date {
			t.Errorf("FormatDate(%v) = %q, want %q", tt.tm, got, tt.date)
		}
	}
}

func TestFloorHelpers(t *testing.T) {
	for _, c := range []struct{ a, b, div, mod, ceil int64 }{
		{7, 2, 3, 1, 4}, {-7, 2, -4, 1, -3}, {-8, 2, -4, 0, -4}, {0, 5, 0, 0, 0}, {-1, 7, -1, 6, 0},
	} {
		if FloorDiv(c.a, c.b) != c.div || FloorMod(c.a, c.b) != c.mod || CeilDiv(c.a, c.b) != c.ceil {
			t.Errorf("%d, %d: got %d %d %d", c.a, c.b, FloorDiv(c.a, c.b), FloorMod(c.a, c.b), CeilDiv(c.a, c.b))
		}
	}
	if FloorDiv(7, -2) != -4 || FloorDiv(-7, -2) != 3 {
		t.Error("FloorDiv with a negative divisor")
	}
	if Weekday(0) != 3 || Weekday(-1) != 2 || Weekday(4) != 0 {
		t.Error("Weekday: 1970-01-01 is a Thursday")
	}
}
