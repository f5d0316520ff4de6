package behavior

import (
	"datagen/src/civil"
	"math"
	"testing"
	"time"

	"datagen/src/rng"
)

func us(s string) int64 {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t.UnixMicro()
}

func TestAddUnits(t *testing.T) {
	cases := []struct {
		from string
		k    int64
		u    Unit
		want string
	}{
		{"2024-01-31T10:00:00Z", 1, Month, "2024-02-29T10:00:00Z"},
		{"2024-01-31T10:00:00Z", 2, Month, "2024-03-31T10:00:00Z"},
		{"2023-01-31T00:00:00Z", 1, Month, "2023-02-28T00:00:00Z"},
		{"2024-11-15T23:59:59Z", 3, Month, "2025-02-15T23:59:59Z"},
		{"2024-03-31T00:00:00Z", -1, Month, "2024-02-29T00:00:00Z"},
		{"2024-02-29T12:00:00Z", 1, Year, "2025-02-28T12:00:00Z"},
		{"2024-01-01T00:00:00Z", 2, Quarter, "2024-07-01T00:00:00Z"},
		{"2024-01-01T00:00:00Z", 3, Week, "2024-01-22T00:00:00Z"},
		{"2024-01-01T00:00:00Z", 36, Hour, "2024-01-02T12:00:00Z"},
	}
	for _, c := range cases {
		if got := AddUnits(us(c.from), c.k, c.u); got != us(c.want) {
			t.Errorf("%s + %d %s = %s, want %s", c.from, c.k, c.u, time.UnixMicro(got).UTC().Format(time.RFC3339), c.want)
		}
	}
}

func TestAge(t *testing.T) {
	cases := []struct {
		from, to string
		u        Unit
		want     float64
	}{
		{"2024-01-15T00:00:00Z", "2024-02-15T00:00:00Z", Month, 1},
		// January 15 to March 1: one month to February 15, then 15 of
		// the 29 days to March 15.
		{"2024-01-15T00:00:00Z", "2024-03-01T00:00:00Z", Month, 1 + 15.0/29},
		{"2024-01-31T00:00:00Z", "2024-02-29T00:00:00Z", Month, 1},
		{"2024-01-31T00:00:00Z", "2024-02-28T00:00:00Z", Month, 28.0 / 29},
		{"2024-01-01T00:00:00Z", "2024-01-11T12:00:00Z", Day, 10.5},
		{"2024-01-01T00:00:00Z", "2025-07-01T00:00:00Z", Year, 1 + 181.0/365},
		{"2024-05-01T00:00:00Z", "2024-04-01T00:00:00Z", Month, 0},
	}
	for _, c := range cases {
		if got := Age(us(c.from), us(c.to), c.u); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("Age(%s, %s, %s) = %v, want %v", c.from, c.to, c.u, got, c.want)
		}
	}
}

func TestCurve(t *testing.T) {
	arr := Curve{Points: []float64{1, 0.8, 0.5}}
	log := Curve{Form: "logarithmic", A: 1, B: 0.25}
	exp := Curve{Form: "exponential", A: 1, B: -0.05}
	lin := Curve{Form: "linear", A: 1, B: -0.5}
	cases := []struct {
		c    *Curve
		age  float64
		want float64
	}{
		{&arr, 0, 1}, {&arr, 0.99, 1}, {&arr, 1, 0.8}, {&arr, 1.7, 0.8}, {&arr, 2, 0.5}, {&arr, 40, 0.5},
		{&log, 0, 1}, {&log, math.E - 1, 1.25},
		{&exp, 10, math.Exp(-0.5)},
		{&lin, 1, 0.5}, {&lin, 3, 0}, // clipped at 0
	}
	for _, c := range cases {
		if got := c.c.At(c.age); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("%+v at %v = %v, want %v", *c.c, c.age, got, c.want)
		}
	}
	grow := Curve{Form: "exponential", A: 1, B: 0.1}
	if got := grow.Max(5); math.Abs(got-math.Exp(0.5)) > 1e-12 {
		t.Errorf("max of a growing curve over [0, 5] = %v", got)
	}
	if got := (&Curve{Points: []float64{0.5, 2, 0.1, 9}}).Max(2.5); got != 2 {
		t.Errorf("array max over ages [0, 2.5] = %v, want 2", got)
	}
}

// TestAddUnitsMatchesCalendar compares calendar arithmetic with the time
// package over many instants (including before 1970) and month counts.
func TestAddUnitsMatchesCalendar(t *testing.T) {
	r := rng.NewKey(1, "calendar").Row(0)
	for i := 0; i < 20000; i++ {
		at := time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(r.IntN(200*365*24*3600)) * time.Second)
		k := r.IntN(61) - 30
		y, m, d := at.Date()
		first := time.Date(y, m+time.Month(k), 1, at.Hour(), at.Minute(), at.Second(), 0, time.UTC)
		last := time.Date(first.Year(), first.Month()+1, 0, 0, 0, 0, 0, time.UTC).Day()
		want := first.AddDate(0, 0, min(d, last)-1)
		if got := AddUnits(at.UnixMicro(), k, Month); got != want.UnixMicro() {
			t.Fatalf("%s + %d months = %s, want %s", at, k, time.UnixMicro(got).UTC(), want)
		}
		if k > 0 {
			// The age of the result is k months exactly, or more when the
			// day was clamped.
			if a := Age(at.UnixMicro(), want.UnixMicro(), Month); a < float64(k)-1e-9 || a > float64(k)+1e-9 && d <= last {
				t.Fatalf("Age(%s, %s) = %v months, want %d", at, want, a, k)
			}
		}
	}
}

// TestCalendarAgeMatchesCivil checks the month-table fast path against the
// general civil arithmetic on random instants.
func TestCalendarAgeMatchesCivil(t *testing.T) {
	k := rng.NewKey(11, "calendar-age")
	lo := civil.DaysFromCivil(1850, 1, 1) * usPerDay
	span := civil.DaysFromCivil(2250, 1, 1)*usPerDay - lo
	for i := int64(0); i < 50000; i++ {
		s := k.Row(i)
		a := lo + int64(rng.Bounded(s.Uint64(), uint64(span)))
		b := a + int64(rng.Bounded(s.Uint64(), uint64(40*365*usPerDay)))
		for _, step := range []int{1, 3, 12} {
			fast, ok := calendarAge(a, b, step)
			if !ok {
				continue
			}
			if want := civilAge(a, b, int64(step)); math.Abs(fast-want) > 1e-9 {
				t.Fatalf("calendarAge(%d, %d, %d) = %v, civil %v", a, b, step, fast, want)
			}
		}
	}
}

// civilAge is Age for calendar units through the general civil algorithms.
func civilAge(from, to, step int64) float64 {
	a, b := splitCivil(from), splitCivil(to)
	k := ((b.y-a.y)*12 + b.m - a.m) / step
	anchor := a.addMonths(k * step)
	for anchor > to {
		k--
		anchor = a.addMonths(k * step)
	}
	next := a.addMonths((k + 1) * step)
	for next <= to {
		k++
		anchor, next = next, a.addMonths((k+1)*step)
	}
	return float64(k) + float64(to-anchor)/float64(next-anchor)
}
