package timegrid

import (
	"errors"
	"fmt"

	"datagen/src/civil"
)

// Supported instants: 0001-01-01T00:00:00 … 9999-12-31T23:59:59.999999
// (wall clock). Keeping all instants in this range keeps every difference
// and lattice index far from int64 overflow.
var (
	minWallUS = civil.DaysFromCivil(1, 1, 1) * usPerDay
	maxWallUS = civil.DaysFromCivil(10000, 1, 1)*usPerDay - 1
)

// maxOffsetUS bounds a zone offset (ISO 8601 allows ±18:00 at most).
const maxOffsetUS = 18 * usPerHour

// Grid is the ordered set of instants pandas.date_range(start, end, freq)
// produces, represented without materialising it.
//
// Internally a grid is a lattice: a monotone map phi from integers to
// wall-clock microseconds (the instants of the infinite grid that share
// the start's anchoring) together with the index j0 of the first instant
// ≥ start, a stride n (the frequency's multiple, for anchored kinds) and a
// length. Grid point k is phi(j0 + k·n). Both phi and its inverse
// ("smallest j with phi(j) ≥ t") are O(1) for every kind, so At, Search
// and Len need no table.
//
// A Grid is immutable and safe for concurrent use.
type Grid struct {
	freq Freq
	kind freqKind

	base, period int64 // tick and weekly: phi(j) = base + j·period
	tod          int64 // business and monthly: time of day of every point
	months       int64 // monthly: months per lattice step
	phase        int64 // monthly: lattice month index j ↔ month months·j + phase
	monthEnd     bool  // monthly: anchored on the last day of the month

	n      int64 // lattice steps per grid step
	j0     int64 // lattice index of point 0
	length int64

	offUS       int64 // wall clock = UTC + offUS
	first, last int64 // wall-clock microseconds of the first and last points
}

// NewGrid builds the grid [start, end] at frequency f like
// pandas.date_range(start, end, freq): both ends are included when they
// fall on the grid. startUS and endUS are UTC microseconds since the epoch
// and so are the grid's instants.
//
// Tick frequencies step from start exactly (start 00:30 with "H" gives
// 00:30, 01:30, …). Anchored frequencies roll start forward to the first
// on-offset date (the first Sunday for "W", weekday for "B", month end for
// "M", …), keep start's time of day, and then step by the frequency's
// multiple: "2M" from 2024-09-15 10:00 gives 09-30 10:00, 11-30 10:00, ….
//
// An empty grid (end before the first instant) is an error, as are
// instants outside the years 1–9999.
func NewGrid(startUS, endUS int64, f Freq) (*Grid, error) {
	return NewGridInZone(startUS, endUS, f, 0)
}

// NewGridInZone is NewGrid for a grid built in a fixed-offset time zone:
// anchoring (days, weekdays, month ends, times of day) follows the wall
// clock at utcOffsetSeconds east of UTC, as pandas does for start and end
// strings carrying that offset; the instants are still returned in UTC,
// and a Sampler computes hour, weekday and month on that wall clock.
func NewGridInZone(startUS, endUS int64, f Freq, utcOffsetSeconds int) (*Grid, error) {
	if f.kind == 0 {
		return nil, errors.New("grid: frequency not set (use ParseFreq)")
	}
	off := int64(utcOffsetSeconds) * usPerSecond
	if off < -maxOffsetUS || off > maxOffsetUS {
		return nil, fmt.Errorf("grid: zone offset %ds is outside ±18:00", utcOffsetSeconds)
	}
	if startUS < minWallUS-off || startUS > maxWallUS-off {
		return nil, fmt.Errorf("grid: start %d µs is outside the years 0001–9999", startUS)
	}
	if endUS < minWallUS-off || endUS > maxWallUS-off {
		return nil, fmt.Errorf("grid: end %d µs is outside the years 0001–9999", endUS)
	}
	start, end := startUS+off, endUS+off
	g := &Grid{freq: f, kind: f.kind, n: f.n, offUS: off, tod: civil.FloorMod(start, usPerDay)}
	switch f.kind {
	case kindTick:
		g.base, g.period, g.n = start, f.stepUS, 1
	case kindWeekly:
		// Day wd-3 since the epoch is the first day with weekday wd on or
		// after 1969-12-29 (a Monday).
		g.base, g.period = (f.weekday-3)*usPerDay+g.tod, usPerWeek
	case kindBusiness:
	case kindMonthly:
		g.months, g.monthEnd = f.months, f.monthEnd
		g.phase = (f.anchor - 1) % f.months
	}
	g.j0 = g.ceilIndex(start)
	jEnd := g.ceilIndex(end + 1)
	if jEnd > g.j0 {
		g.length = civil.CeilDiv(jEnd-g.j0, g.n)
	}
	if g.length == 0 {
		return nil, fmt.Errorf("no instants between %s and %s at freq %s",
			civil.FormatTimestamp(startUS), civil.FormatTimestamp(endUS), f)
	}
	g.first = g.phi(g.j0)
	g.last = g.phi(g.j0 + (g.length-1)*g.n)
	return g, nil
}

// phi maps a lattice index to wall-clock microseconds.
func (g *Grid) phi(j int64) int64 {
	switch g.kind {
	case kindBusiness:
		// Lattice index 5w+r is weekday r (Monday = 0) of the week starting
		// on Monday 1969-12-29 + 7w days.
		d := 7*civil.FloorDiv(j, 5) + civil.FloorMod(j, 5) - 3
		return d*usPerDay + g.tod
	case kindMonthly:
		m := g.months*j + g.phase // months since 0000-01
		y, mon := civil.FloorDiv(m, 12), civil.FloorMod(m, 12)+1
		day := int64(1)
		if g.monthEnd {
			day = civil.DaysInMonth(y, mon)
		}
		return civil.DaysFromCivil(y, mon, day)*usPerDay + g.tod
	default:
		return g.base + j*g.period
	}
}

// ceilIndex returns the smallest lattice index j with phi(j) ≥ t.
func (g *Grid) ceilIndex(t int64) int64 {
	switch g.kind {
	case kindBusiness:
		d := civil.FloorDiv(t, usPerDay)
		w, r := civil.FloorDiv(d+3, 7), civil.FloorMod(d+3, 7)
		if r >= 5 { // weekend: next Monday
			return 5*w + 5
		}
		j := 5*w + r
		if g.phi(j) < t {
			j++
		}
		return j
	case kindMonthly:
		y, mon, _ := civil.FromDays(civil.FloorDiv(t, usPerDay))
		j := civil.CeilDiv(12*y+mon-1-g.phase, g.months)
		if g.phi(j) < t {
			j++
		}
		return j
	default:
		return civil.CeilDiv(t-g.base, g.period)
	}
}

// Freq returns the grid's frequency.
func (g *Grid) Freq() Freq { return g.freq }

// Len returns the number of instants.
func (g *Grid) Len() int64 { return g.length }

// At returns instant k (0 ≤ k < Len) in UTC microseconds. It is O(1).
func (g *Grid) At(k int64) int64 {
	return g.phi(g.j0+k*g.n) - g.offUS
}

// First returns the first instant (UTC microseconds).
func (g *Grid) First() int64 { return g.first - g.offUS }

// Last returns the last instant (UTC microseconds).
func (g *Grid) Last() int64 { return g.last - g.offUS }

// ZoneOffsetSeconds returns the wall-clock offset east of UTC the grid was
// built in.
func (g *Grid) ZoneOffsetSeconds() int { return int(g.offUS / usPerSecond) }

// Search returns the index of the first instant ≥ tUS (UTC microseconds),
// or Len if there is none; like sort.Search, the instants in [lo, hi) are
// those with indexes Search(lo) … Search(hi)-1.
func (g *Grid) Search(tUS int64) int64 {
	switch {
	case tUS <= g.first-g.offUS:
		return 0
	case tUS > g.last-g.offUS:
		return g.length
	}
	return g.searchWall(tUS + g.offUS)
}

// searchWall is Search on wall-clock microseconds.
func (g *Grid) searchWall(t int64) int64 {
	if t <= g.first {
		return 0
	}
	if t > g.last {
		return g.length
	}
	return civil.CeilDiv(g.ceilIndex(t)-g.j0, g.n)
}

// wall returns instant k on the wall clock.
func (g *Grid) wall(k int64) int64 { return g.phi(g.j0 + k*g.n) }
