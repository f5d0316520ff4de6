package twin

import (
	"math"
	"strings"

	"github.com/cespare/xxhash/v2"

	"datagen/src/civil"
	"datagen/src/column"
	"datagen/src/rng"
)

// Sketch sizes: they bound the memory of a column whatever the rows.
const (
	kmvSize       = 4096    // distinct-value sketch
	sampleParents = 1 << 14 // values whose occurrences are counted exactly
	maxCounted    = 5000    // distinct values counted before a column counts as high-cardinality
	numSample     = 20000   // numbers and instants kept for quantiles and fits
	strSample     = 2000    // strings kept for pattern detection
)

// colStats is what is learned of one column in one pass.
type colStats struct {
	name string
	typ  column.Type

	rows, nulls int64
	kmv         *kmv
	sample      *hashSample

	// counts of each value, while at most maxCounted distinct values.
	intCounts map[int64]int64
	strCounts map[string]*int64
	fltCounts map[float64]int64
	trues     int64
	overflow  bool

	// numbers (int, float) and instants (as float microseconds)
	min, max   float64
	nums       *reservoir[float64]
	increasing bool  // strictly increasing in row order
	step       int64 // the constant step of an int column, 0 when none
	prev       int64
	runs       int64 // value changes in row order (rows grouped by value: runs ≈ distinct)
	prevHash   uint64
	// instants
	hour  [24]int64
	dow   [7]int64
	month [12]int64
	// gran is the coarsest unit every instant is a multiple of.
	allDay, allHour, allMin, allSec bool
	// monthStart and monthEnd: every instant is midnight on the first (the
	// last) day of a month.
	monthStart, monthEnd bool
	// strings
	strs *reservoir[string]
}

func newColStats(name string, t column.Type) *colStats {
	c := &colStats{name: name, typ: t, kmv: newKMV(kmvSize), increasing: true,
		min: math.Inf(1), max: math.Inf(-1), allDay: true, allHour: true, allMin: true, allSec: true, monthStart: true, monthEnd: true}
	switch t {
	case column.Int, column.Timestamp, column.Date:
		c.intCounts = map[int64]int64{}
		c.nums = newReservoir[float64](numSample, name)
	case column.Float:
		c.fltCounts = map[float64]int64{}
		c.nums = newReservoir[float64](numSample, name)
	case column.String:
		c.strCounts = map[string]*int64{}
		c.strs = newReservoir[string](strSample, name)
	}
	if t == column.Int || t == column.String {
		c.sample = newHashSample(sampleParents)
	}
	return c
}

// nonNull is the number of non-null values.
func (c *colStats) nonNull() int64 { return c.rows - c.nulls }

func (c *colStats) hashed(h uint64) {
	c.kmv.add(h)
	if c.sample != nil {
		c.sample.add(h)
	}
	if c.rows == 0 || h != c.prevHash {
		c.runs++
	}
	c.prevHash = h
}

func (c *colStats) addNull() { c.rows++; c.nulls++ }

func (c *colStats) addInt(v int64) {
	n := c.nonNull()
	if n > 0 {
		d := v - c.prev
		if d <= 0 {
			c.increasing = false
		}
		if n == 1 {
			c.step = d
		} else if d != c.step {
			c.step = 0
		}
	}
	c.prev = v
	c.hashed(rng.Mix64(uint64(v)))
	c.rows++
	f := float64(v)
	c.min, c.max = math.Min(c.min, f), math.Max(c.max, f)
	if i := c.nums.slot(); i >= 0 {
		c.nums.put(i, f)
	}
	if !c.overflow {
		c.intCounts[v]++
		if len(c.intCounts) > maxCounted {
			c.dropCounts()
		}
	}
	if c.typ.IsTime() {
		c.addInstant(v)
	}
}

func (c *colStats) addInstant(us int64) {
	c.hour[civil.Hour(us)]++
	day := civil.Day(us)
	c.dow[civil.Weekday(day)]++
	c.month[civil.Month(day)-1]++
	r := civil.FloorMod(us, civil.MicrosPerDay)
	c.allDay = c.allDay && r == 0
	if c.monthStart || c.monthEnd {
		y, mo, d := civil.FromDays(day)
		c.monthStart = c.monthStart && r == 0 && d == 1
		c.monthEnd = c.monthEnd && r == 0 && d == civil.DaysInMonth(y, mo)
	}
	c.allHour = c.allHour && r%3_600_000_000 == 0
	c.allMin = c.allMin && r%60_000_000 == 0
	c.allSec = c.allSec && r%1_000_000 == 0
}

func (c *colStats) addFloat(v float64) {
	c.hashed(rng.Mix64(math.Float64bits(v)))
	c.rows++
	c.min, c.max = math.Min(c.min, v), math.Max(c.max, v)
	if i := c.nums.slot(); i >= 0 {
		c.nums.put(i, v)
	}
	if !c.overflow {
		c.fltCounts[v]++
		if len(c.fltCounts) > maxCounted {
			c.dropCounts()
		}
	}
}

func (c *colStats) addBool(v bool) {
	h := uint64(0)
	if v {
		h, c.trues = 1, c.trues+1
	}
	c.hashed(rng.Mix64(h))
	c.rows++
}

func (c *colStats) addStr(v string) {
	c.hashed(rng.Mix64(xxhash.Sum64String(v)))
	c.rows++
	if i := c.strs.slot(); i >= 0 {
		c.strs.put(i, strings.Clone(v))
	}
	if !c.overflow {
		// Counted through a pointer: assigning to an existing key would
		// replace the stored key by v, whose bytes are reused.
		if n, ok := c.strCounts[v]; ok {
			*n++
		} else {
			one := int64(1)
			c.strCounts[strings.Clone(v)] = &one
			if len(c.strCounts) > maxCounted {
				c.dropCounts()
			}
		}
	}
}

func (c *colStats) dropCounts() {
	c.overflow = true
	c.intCounts, c.strCounts, c.fltCounts = nil, nil, nil
}

// distinct estimates the number of distinct non-null values (exact while
// counted).
func (c *colStats) distinct() float64 {
	switch {
	case c.typ == column.Bool:
		d := 0.0
		if c.trues > 0 {
			d++
		}
		if c.nonNull()-c.trues > 0 {
			d++
		}
		return d
	case c.overflow:
		return c.kmv.distinct()
	case c.intCounts != nil:
		return float64(len(c.intCounts))
	case c.fltCounts != nil:
		return float64(len(c.fltCounts))
	case c.strCounts != nil:
		return float64(len(c.strCounts))
	}
	return c.kmv.distinct()
}

// unique reports whether every non-null value occurs once: exact while the
// values are counted or strictly increasing, else from the exact
// occurrence counts of a sample of the distinct values and the distinct
// estimate.
func (c *colStats) unique() bool {
	n := c.nonNull()
	if n == 0 {
		return false
	}
	if c.typ == column.Int && c.increasing {
		return true
	}
	if !c.overflow {
		return int64(c.distinct()) == n
	}
	if c.sample == nil || c.sample.maxCount() > 1 {
		return false
	}
	return math.Abs(c.kmv.distinct()-float64(n)) < 0.05*float64(n)
}

// rowSample is the number of rows whose numbers are kept to find columns
// computed from others.
const rowSample = 2000

// tableStats is what is learned of one table.
type tableStats struct {
	src  *source
	rows int64
	cols []*colStats
	// cur and numRows: the numbers of the current row and of a sample of
	// rows (NaN for a null or a column that is not a number), to find
	// columns that are sums, products or ratios of others.
	cur     []float64
	numRows *reservoir[[]float64]
	// groups are the group samples of the int and string columns (nil
	// for other columns); aggCols are the number and time columns they
	// aggregate, and raw and hash the current row's values of those and
	// the hashes of the grouping columns' values (raw is NaN, and
	// hashNull true, for a null).
	groups   []*groupSample
	aggCols  []int
	raw      []float64
	hash     []uint64
	hashNull []bool
}

// maxAggCols bounds the columns a group sample aggregates.
const maxAggCols = 32

// index returns the position of a column, or -1.
func (t *tableStats) index(name string) int {
	for i, c := range t.cols {
		if c.name == name {
			return i
		}
	}
	return -1
}

func newTableStats(s *source) *tableStats {
	t := &tableStats{src: s, cur: make([]float64, len(s.columns)), numRows: newReservoir[[]float64](rowSample, "rows:"+s.name)}
	t.groups, t.hash, t.hashNull = make([]*groupSample, len(s.columns)), make([]uint64, len(s.columns)), make([]bool, len(s.columns))
	for i, n := range s.columns {
		t.cols = append(t.cols, newColStats(n, s.types[i]))
		t.cur[i] = math.NaN()
		switch ty := s.types[i]; {
		case ty == column.Int || ty == column.String:
			t.groups[i] = newGroupSample()
		}
		if ty := s.types[i]; (ty.IsNumeric() || ty.IsTime()) && len(t.aggCols) < maxAggCols {
			t.aggCols = append(t.aggCols, i)
		}
	}
	t.raw = make([]float64, len(t.aggCols))
	return t
}

func (t *tableStats) null(i int) {
	t.cols[i].addNull()
	t.cur[i] = math.NaN()
	t.hashNull[i] = true
}
func (t *tableStats) int(i int, v int64) {
	c := t.cols[i]
	c.addInt(v)
	t.cur[i] = float64(v) // instants too (microseconds): for time offsets

	t.hash[i], t.hashNull[i] = c.prevHash, false
}
func (t *tableStats) float(i int, v float64) {
	t.cols[i].addFloat(v)
	t.cur[i] = v
	t.hashNull[i] = false
}
func (t *tableStats) str(i int, v string) {
	t.cols[i].addStr(v)
	t.hash[i], t.hashNull[i] = t.cols[i].prevHash, false
}
func (t *tableStats) bool(i int, v bool) { t.cols[i].addBool(v); t.hashNull[i] = false }
func (t *tableStats) endRow() {
	t.rows++
	for j, ci := range t.aggCols {
		if t.hashNull[ci] {
			t.raw[j] = math.NaN()
		} else {
			t.raw[j] = t.cur[ci]
		}
	}
	for i, g := range t.groups {
		if g != nil && !t.hashNull[i] {
			g.add(t.hash[i], t.raw)
		}
	}
	if i := t.numRows.slot(); i >= 0 {
		if i < len(t.numRows.vals) {
			copy(t.numRows.vals[i], t.cur)
		} else {
			t.numRows.put(i, append([]float64(nil), t.cur...))
		}
	}
}
func (t *tableStats) col(name string) *colStats {
	for _, c := range t.cols {
		if c.name == name {
			return c
		}
	}
	return nil
}
