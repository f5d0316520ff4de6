package timegrid

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"datagen/src/civil"
)

// us parses a UTC wall-clock string ("2024-09-01", "2024-09-01 10:00",
// "2024-01-01 00:00:01.1") into microseconds since the epoch.
func us(t testing.TB, s string) int64 {
	t.Helper()
	for _, layout := range []string{"2006-01-02", "2006-01-02 15:04", "2006-01-02 15:04:05.999999"} {
		if v, err := time.Parse(layout, s); err == nil {
			return v.UnixMicro()
		}
	}
	t.Fatalf("bad time %q", s)
	return 0
}

func show(v int64) string {
	return time.UnixMicro(v).UTC().Format("2006-01-02 15:04:05.999999")
}

func materialise(g *Grid) []string {
	out := make([]string, g.Len())
	for k := range out {
		out[k] = show(g.At(int64(k)))
	}
	return out
}

// TestGridPandas pins grids to pandas.date_range(start, end, freq); the
// expected instants follow the pandas offset rules and were confirmed with
// pandas 1.5.3, except where noted.
func TestGridPandas(t *testing.T) {
	tests := []struct {
		start, end, freq string
		want             []string
	}{
		{"2024-09-01", "2025-01-15", "M", []string{
			"2024-09-30 00:00:00", "2024-10-31 00:00:00", "2024-11-30 00:00:00", "2024-12-31 00:00:00"}},
		// Ticks step from start; the end is inclusive.
		{"2024-01-01 00:30", "2024-01-01 03:30", "H", []string{
			"2024-01-01 00:30:00", "2024-01-01 01:30:00", "2024-01-01 02:30:00", "2024-01-01 03:30:00"}},
		{"2024-01-01 23:50", "2024-01-02 00:40", "15min", []string{
			"2024-01-01 23:50:00", "2024-01-02 00:05:00", "2024-01-02 00:20:00", "2024-01-02 00:35:00"}},
		{"2024-02-28 12:00", "2024-03-01 12:00", "D", []string{
			"2024-02-28 12:00:00", "2024-02-29 12:00:00", "2024-03-01 12:00:00"}},
		{"2024-12-30 18:00", "2025-01-03", "2D", []string{"2024-12-30 18:00:00", "2025-01-01 18:00:00"}},
		{"2024-01-01", "2024-01-01 05:00", "1h30min", []string{
			"2024-01-01 00:00:00", "2024-01-01 01:30:00", "2024-01-01 03:00:00", "2024-01-01 04:30:00"}},
		{"2024-01-01", "2024-01-01 00:00:01.1", "250ms", []string{
			"2024-01-01 00:00:00", "2024-01-01 00:00:00.25", "2024-01-01 00:00:00.5",
			"2024-01-01 00:00:00.75", "2024-01-01 00:00:01"}},
		{"2024-01-01", "2024-01-01 00:00:00.000003", "U", []string{
			"2024-01-01 00:00:00", "2024-01-01 00:00:00.000001", "2024-01-01 00:00:00.000002",
			"2024-01-01 00:00:00.000003"}},
		{"2024-03-10 10:00", "2024-03-10 10:00", "H", []string{"2024-03-10 10:00:00"}},
		// Weekly: Sundays by default, rolled forward.
		{"2024-09-04", "2024-09-30", "W", []string{
			"2024-09-08 00:00:00", "2024-09-15 00:00:00", "2024-09-22 00:00:00", "2024-09-29 00:00:00"}},
		{"2024-09-01", "2024-10-01", "2W-MON", []string{
			"2024-09-02 00:00:00", "2024-09-16 00:00:00", "2024-09-30 00:00:00"}},
		// Business days skip weekends and keep the time of day.
		{"2024-09-06 09:00", "2024-09-10 09:00", "B", []string{
			"2024-09-06 09:00:00", "2024-09-09 09:00:00", "2024-09-10 09:00:00"}},
		{"2024-09-07", "2024-09-20", "3B", []string{
			"2024-09-09 00:00:00", "2024-09-12 00:00:00", "2024-09-17 00:00:00", "2024-09-20 00:00:00"}},
		// Months, quarters, years.
		{"2024-01-31", "2024-03-31", "M", []string{
			"2024-01-31 00:00:00", "2024-02-29 00:00:00", "2024-03-31 00:00:00"}},
		{"2024-09-15 10:00", "2025-03-31 10:00", "2M", []string{
			"2024-09-30 10:00:00", "2024-11-30 10:00:00", "2025-01-31 10:00:00", "2025-03-31 10:00:00"}},
		{"2024-01-15 10:00", "2024-04-01 10:00", "MS", []string{
			"2024-02-01 10:00:00", "2024-03-01 10:00:00", "2024-04-01 10:00:00"}},
		{"2021-01-01 09:00", "2021-03-01 08:00", "MS", []string{"2021-01-01 09:00:00", "2021-02-01 09:00:00"}},
		{"2024-01-01", "2024-12-31", "Q", []string{
			"2024-03-31 00:00:00", "2024-06-30 00:00:00", "2024-09-30 00:00:00", "2024-12-31 00:00:00"}},
		{"2024-02-10", "2025-01-01", "QS", []string{
			"2024-04-01 00:00:00", "2024-07-01 00:00:00", "2024-10-01 00:00:00", "2025-01-01 00:00:00"}},
		{"2024-11-15", "2025-08-20", "QS-FEB", []string{
			"2025-02-01 00:00:00", "2025-05-01 00:00:00", "2025-08-01 00:00:00"}},
		{"2020-06-01", "2023-12-31", "A", []string{
			"2020-12-31 00:00:00", "2021-12-31 00:00:00", "2022-12-31 00:00:00", "2023-12-31 00:00:00"}},
		{"2020-01-01", "2022-06-01", "AS", []string{
			"2020-01-01 00:00:00", "2021-01-01 00:00:00", "2022-01-01 00:00:00"}},
		{"2023-07-01", "2025-07-01", "A-JUN", []string{"2024-06-30 00:00:00", "2025-06-30 00:00:00"}},
		// pandas ≤ 3.0 drops the last instant of these two (end rolled back
		// with its own, earlier, time of day); see the package doc.
		{"2019-04-30 00:02", "2019-07-01 00:01", "M", []string{
			"2019-04-30 00:02:00", "2019-05-31 00:02:00", "2019-06-30 00:02:00"}},
		{"2024-06-29 08:00", "2024-07-08", "W-SAT", []string{"2024-06-29 08:00:00", "2024-07-06 08:00:00"}},
	}
	for _, tt := range tests {
		name := fmt.Sprintf("%s..%s@%s", tt.start, tt.end, tt.freq)
		g, err := NewGrid(us(t, tt.start), us(t, tt.end), MustParseFreq(tt.freq))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if got := materialise(g); !slices.Equal(got, tt.want) {
			t.Errorf("%s:\n got %q\nwant %q", name, got, tt.want)
		}
		if g.Freq() != MustParseFreq(tt.freq) {
			t.Errorf("%s: Freq() = %v", name, g.Freq())
		}
		if show(g.First()) != tt.want[0] || show(g.Last()) != tt.want[len(tt.want)-1] {
			t.Errorf("%s: First/Last = %s/%s", name, show(g.First()), show(g.Last()))
		}
	}
}

func TestGridInZone(t *testing.T) {
	// Wall clock UTC+02:00: start 2024-09-01 00:00+02:00 is 2024-08-31
	// 22:00Z; month ends and times of day follow the wall clock.
	start := us(t, "2024-08-31 22:00")
	end := us(t, "2024-12-01")
	g, err := NewGridInZone(start, end, MustParseFreq("M"), 2*3600)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"2024-09-29 22:00:00", "2024-10-30 22:00:00", "2024-11-29 22:00:00"}
	if got := materialise(g); !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	if g.ZoneOffsetSeconds() != 7200 {
		t.Errorf("ZoneOffsetSeconds = %d", g.ZoneOffsetSeconds())
	}
	// "W" in UTC-05:00 from Saturday 2024-09-07 22:00-05:00 (= Sunday
	// 03:00Z): the first wall-clock Sunday is 09-08 22:00-05:00.
	g, err = NewGridInZone(us(t, "2024-09-08 03:00"), us(t, "2024-09-20"), MustParseFreq("W"), -5*3600)
	if err != nil {
		t.Fatal(err)
	}
	want = []string{"2024-09-09 03:00:00", "2024-09-16 03:00:00"}
	if got := materialise(g); !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestGridErrors(t *testing.T) {
	tests := []struct {
		start, end string
		freq       string
		off        int
		want       string
	}{
		{"2024-09-01", "2024-09-29", "M", 0, "no instants between 2024-09-01T00:00:00Z and 2024-09-29T00:00:00Z at freq ME"},
		{"2024-09-02", "2024-09-01", "H", 0, "no instants between 2024-09-02T00:00:00Z and 2024-09-01T00:00:00Z at freq h"},
		{"2024-09-07", "2024-09-08 23:00", "B", 0, "no instants between 2024-09-07T00:00:00Z and 2024-09-08T23:00:00Z at freq B"},
		{"2024-01-02", "2024-12-31", "AS", 0, "at freq YS-JAN"},
		{"2024-01-01", "2024-01-02", "H", 19 * 3600, "zone offset 68400s is outside ±18:00"},
	}
	for _, tt := range tests {
		_, err := NewGridInZone(us(t, tt.start), us(t, tt.end), MustParseFreq(tt.freq), tt.off)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s..%s@%s: err %v, want %q", tt.start, tt.end, tt.freq, err, tt.want)
		}
	}
	year1 := time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC).UnixMicro()
	year10000 := time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC).UnixMicro()
	if _, err := NewGrid(year1-1, year1+usPerDay, MustParseFreq("D")); err == nil || !strings.Contains(err.Error(), "start") {
		t.Errorf("start before year 1: %v", err)
	}
	if _, err := NewGrid(year1, year10000, MustParseFreq("D")); err == nil || !strings.Contains(err.Error(), "end") {
		t.Errorf("end in year 10000: %v", err)
	}
	if _, err := NewGrid(0, 1, Freq{}); err == nil || !strings.Contains(err.Error(), "frequency not set") {
		t.Errorf("zero Freq: %v", err)
	}
	// The whole supported range works, at the finest and coarsest steps.
	for _, f := range []string{"us", "D", "B", "W", "M", "QS", "A"} {
		g, err := NewGrid(year1, year10000-1, MustParseFreq(f))
		if err != nil {
			t.Errorf("years 1–9999 at %s: %v", f, err)
			continue
		}
		if g.At(g.Len()-1) != g.Last() || g.Last() >= year10000 || g.First() < year1 {
			t.Errorf("years 1–9999 at %s: first %s last %s", f, show(g.First()), show(g.Last()))
		}
	}
}

// oracle lists the instants of a grid the slow way, with the time package:
// every tick from start, or every on-offset day from start's date to end's
// date at start's time of day, keeping every n-th.
type oracle struct {
	freq string
	step time.Duration        // tick step, or 0
	on   func(time.Time) bool // on-offset date test for anchored freqs
	n    int
}

func lastDay(d time.Time) bool { return d.AddDate(0, 0, 1).Day() == 1 }

func (o oracle) list(start, end time.Time) []int64 {
	var out []int64
	if o.step > 0 {
		for t := start; !t.After(end); t = t.Add(o.step) {
			out = append(out, t.UnixMicro())
		}
		return out
	}
	tod := start.Sub(start.Truncate(24 * time.Hour))
	i := 0
	for d := start.Truncate(24 * time.Hour); !d.After(end); d = d.AddDate(0, 0, 1) {
		t := d.Add(tod)
		if t.Before(start) || t.After(end) || !o.on(d) {
			continue
		}
		if i%o.n == 0 {
			out = append(out, t.UnixMicro())
		}
		i++
	}
	return out
}

func TestGridMatchesOracle(t *testing.T) {
	quarterEnd := func(anchor int) func(time.Time) bool {
		return func(d time.Time) bool { return lastDay(d) && (int(d.Month())-anchor)%3 == 0 }
	}
	oracles := []oracle{
		{freq: "H", step: time.Hour},
		{freq: "7min", step: 7 * time.Minute},
		{freq: "5H", step: 5 * time.Hour},
		{freq: "13S", step: 13 * time.Second},
		{freq: "D", step: 24 * time.Hour},
		{freq: "3D", step: 72 * time.Hour},
		{freq: "25H", step: 25 * time.Hour},
		{freq: "B", n: 1, on: func(d time.Time) bool { return d.Weekday() != time.Saturday && d.Weekday() != time.Sunday }},
		{freq: "4B", n: 4, on: func(d time.Time) bool { return d.Weekday() != time.Saturday && d.Weekday() != time.Sunday }},
		{freq: "W", n: 1, on: func(d time.Time) bool { return d.Weekday() == time.Sunday }},
		{freq: "3W-THU", n: 3, on: func(d time.Time) bool { return d.Weekday() == time.Thursday }},
		{freq: "M", n: 1, on: lastDay},
		{freq: "5M", n: 5, on: lastDay},
		{freq: "MS", n: 1, on: func(d time.Time) bool { return d.Day() == 1 }},
		{freq: "2MS", n: 2, on: func(d time.Time) bool { return d.Day() == 1 }},
		{freq: "Q", n: 1, on: quarterEnd(12)},
		{freq: "2Q-JAN", n: 2, on: quarterEnd(1)},
		{freq: "QS", n: 1, on: func(d time.Time) bool { return d.Day() == 1 && d.Month()%3 == 1 }},
		{freq: "QS-MAR", n: 1, on: func(d time.Time) bool { return d.Day() == 1 && d.Month()%3 == 0 }},
		{freq: "A", n: 1, on: func(d time.Time) bool { return d.Month() == 12 && d.Day() == 31 }},
		{freq: "A-FEB", n: 1, on: func(d time.Time) bool { return d.Month() == 2 && lastDay(d) }},
		{freq: "AS", n: 1, on: func(d time.Time) bool { return d.Month() == 1 && d.Day() == 1 }},
		{freq: "2YS-JUL", n: 2, on: func(d time.Time) bool { return d.Month() == 7 && d.Day() == 1 }},
	}
	r := rand.New(rand.NewPCG(1, 2))
	for _, o := range oracles {
		f := MustParseFreq(o.freq)
		maxSpan := 6 * 365 * 24 * time.Hour
		if o.step > 0 && o.step < time.Hour {
			maxSpan = 3 * 24 * time.Hour
		} else if o.step > 0 || o.freq[len(o.freq)-1] == 'B' || strings.Contains(o.freq, "W") {
			maxSpan = 200 * 24 * time.Hour
		}
		for range 60 {
			start := time.Date(1999+r.IntN(40), time.Month(1+r.IntN(12)), 1+r.IntN(31), 0, 0, 0, 0, time.UTC)
			if r.IntN(2) == 0 {
				start = start.Add(time.Duration(r.Int64N(int64(24 * time.Hour))).Truncate(time.Second))
			}
			end := start.Add(time.Duration(r.Int64N(int64(maxSpan))) - time.Duration(r.Int64N(int64(12*time.Hour))))
			want := o.list(start, end)
			g, err := NewGrid(start.UnixMicro(), end.UnixMicro(), f)
			name := fmt.Sprintf("%s %s..%s", o.freq, start.Format(time.DateTime), end.Format(time.DateTime))
			if len(want) == 0 {
				if err == nil {
					t.Errorf("%s: want an empty-grid error, got %d instants", name, g.Len())
				}
				continue
			}
			if err != nil {
				t.Errorf("%s: %v", name, err)
				continue
			}
			if g.Len() != int64(len(want)) {
				t.Errorf("%s: Len %d, want %d", name, g.Len(), len(want))
				continue
			}
			for k, w := range want {
				if got := g.At(int64(k)); got != w {
					t.Errorf("%s: At(%d) = %s, want %s", name, k, show(got), show(w))
					break
				}
				if got := g.Search(w); got != int64(k) {
					t.Errorf("%s: Search(At(%d)) = %d", name, k, got)
				}
				if got := g.Search(w + 1); got != int64(k+1) {
					t.Errorf("%s: Search(At(%d)+1) = %d", name, k, got)
				}
			}
			// Search at arbitrary instants agrees with a linear scan.
			for range 20 {
				q := start.UnixMicro() - int64(time.Hour/time.Microsecond) + r.Int64N(end.UnixMicro()-start.UnixMicro()+2*int64(time.Hour/time.Microsecond))
				wantK, _ := slices.BinarySearch(want, q)
				if got := g.Search(q); got != int64(wantK) {
					t.Errorf("%s: Search(%s) = %d, want %d", name, show(q), got, wantK)
				}
			}
		}
	}
}

func TestSearchExtremes(t *testing.T) {
	g, err := NewGrid(us(t, "2024-01-01"), us(t, "2024-01-02"), MustParseFreq("H"))
	if err != nil {
		t.Fatal(err)
	}
	const maxInt64, minInt64 = int64(^uint64(0) >> 1), -int64(^uint64(0)>>1) - 1
	if g.Search(minInt64) != 0 || g.Search(maxInt64) != g.Len() || g.Len() != 25 {
		t.Errorf("Search(min) = %d, Search(max) = %d, Len = %d", g.Search(minInt64), g.Search(maxInt64), g.Len())
	}
	gz, err := NewGridInZone(us(t, "2024-01-01"), us(t, "2024-01-02"), MustParseFreq("H"), -18*3600)
	if err != nil {
		t.Fatal(err)
	}
	if gz.Search(minInt64) != 0 || gz.Search(maxInt64) != gz.Len() {
		t.Errorf("zoned Search(min) = %d, Search(max) = %d", gz.Search(minInt64), gz.Search(maxInt64))
	}
}

func TestCivilRoundTrip(t *testing.T) {
	for z := civil.DaysFromCivil(1, 1, 1); z < civil.DaysFromCivil(10000, 1, 1); z += 17 {
		y, m, d := civil.FromDays(z)
		tt := time.Date(int(y), time.Month(m), int(d), 0, 0, 0, 0, time.UTC)
		if tt.Unix()/86400 != z || civil.DaysFromCivil(y, m, d) != z {
			t.Fatalf("day %d: civil %d-%d-%d", z, y, m, d)
		}
		if wd := (int64(tt.Weekday()) + 6) % 7; civil.Weekday(z) != wd {
			t.Fatalf("day %d: weekday %d, want %d", z, civil.Weekday(z), wd)
		}
		if want := int64(time.Date(int(y), time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()); civil.DaysInMonth(y, m) != want {
			t.Fatalf("civil.DaysInMonth(%d, %d) = %d, want %d", y, m, civil.DaysInMonth(y, m), want)
		}
	}
}
