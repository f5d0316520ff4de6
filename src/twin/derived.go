package twin

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"

	"datagen/src/column"
)

// derived is a column computed from others of its row.
type derived struct {
	code string
	why  string
}

// identRE matches column names an expression can use as they are.
var identRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// findDerived finds, in a sample of rows, number columns that are the sum,
// difference, product or quotient of two other number columns, or a
// constant multiple of one, in (almost) every row: they are written as
// expressions, so that the relation holds in the twin. A column that
// others are computed from is not itself computed from them (no cycle);
// a computed column may feed another.
func (m *model) findDerived(t *tableStats) map[string]derived {
	out := map[string]derived{}
	rows := t.numRows.vals
	m.timeOffsets(t, out)
	if len(rows) < 20 {
		return out
	}
	var nums []int
	for i, c := range t.cols {
		if c.typ.IsNumeric() && identRE.MatchString(c.name) && c.name != m.pk[t.src.name] && m.fkOf(t.src.name, c.name) == nil && c.nonNull() >= int64(m.opt.K) &&
			m.aggs[t.src.name][c.name].fn == "" {
			nums = append(nums, i)
		}
	}
	used := map[int]bool{}
	for i, c := range t.cols {
		if m.attrs[t.src.name][c.name] != "" {
			used[i] = true // copied from a parent: an input, never computed
		}
	}
	// try tests whether column ci equals f in almost every sampled row,
	// and records the expression when it does.
	try := func(ci int, f func(r []float64) float64, code string) bool {
		c := t.cols[ci]
		dec := -1
		if c.typ == column.Float {
			dec = decimals(rows, ci)
		}
		n, ok := 0, 0
		for _, r := range rows {
			x, y := r[ci], f(r)
			if math.IsNaN(x) || math.IsNaN(y) || math.IsInf(y, 0) {
				continue
			}
			n++
			if dec >= 0 {
				p := math.Pow(10, float64(dec))
				y = math.Round(y*p) / p
			}
			if math.Abs(x-y) <= 1e-9*math.Max(1, math.Abs(x)) {
				ok++
			}
		}
		if n < 20 || float64(ok) < 0.99*float64(n) || n < len(rows)/2 {
			return false
		}
		if dec >= 0 {
			code = fmt.Sprintf("round(%s, %d)", code, dec)
		}
		out[c.name] = derived{code: code, why: fmt.Sprintf("in %d of %d sampled rows", ok, n)}
		return true
	}
	free := func(i int) bool { return out[t.cols[i].name].code == "" }
	// Sums and products first, so that a line amount is written as price ×
	// quantity rather than the price as amount ÷ quantity.
	type rel struct {
		op        string
		f         func(a, b float64) float64
		symmetric bool
	}
	rels := [][]rel{
		{{"+", func(a, b float64) float64 { return a + b }, true}, {"*", func(a, b float64) float64 { return a * b }, true}},
		{{"-", func(a, b float64) float64 { return a - b }, false}, {"/", func(a, b float64) float64 { return a / b }, false}},
	}
	for _, pass := range rels {
		for _, ci := range nums {
			if used[ci] || !free(ci) {
				continue
			}
		pairs:
			for _, ai := range nums {
				for _, bi := range nums {
					if ai == ci || bi == ci || ai == bi {
						continue
					}
					for _, r := range pass {
						if r.symmetric && ai > bi {
							continue
						}
						f := r.f
						a, b := ai, bi
						if try(ci, func(row []float64) float64 { return f(row[a], row[b]) }, t.cols[ai].name+" "+r.op+" "+t.cols[bi].name) {
							used[ai], used[bi] = true, true
							break pairs
						}
					}
				}
			}
		}
	}
	// A constant multiple: c = r·a with r the median ratio.
	for _, ci := range nums {
		if used[ci] || !free(ci) {
			continue
		}
		for _, ai := range nums {
			if ai == ci {
				continue
			}
			var ratios []float64
			for _, r := range rows {
				if x, y := r[ci], r[ai]; !math.IsNaN(x) && !math.IsNaN(y) && y != 0 {
					ratios = append(ratios, x/y)
				}
			}
			if len(ratios) < 20 {
				continue
			}
			sort.Float64s(ratios)
			k := round6(ratios[len(ratios)/2])
			if k == 1 || k == 0 {
				continue
			}
			a := ai
			if try(ci, func(r []float64) float64 { return r[a] * k }, t.cols[ai].name+" * "+strconv.FormatFloat(k, 'g', -1, 64)) {
				used[ai] = true
				break
			}
		}
	}
	return out
}

// decimals returns the number of decimals of a float column's sampled
// values when all have at most 6, else -1 (full precision).
func decimals(rows [][]float64, ci int) int {
	d := 0
	for _, r := range rows {
		x := r[ci]
		if math.IsNaN(x) {
			continue
		}
		for d <= 6 && math.Abs(x*math.Pow(10, float64(d))-math.Round(x*math.Pow(10, float64(d)))) > 1e-6 {
			d++
		}
		if d > 6 {
			return -1
		}
	}
	return d
}

// timeOffsets finds time columns that are another time column of the row
// plus a constant duration (a promotion ends 7 days after it starts) in
// (almost) every sampled row: they become expressions.
func (m *model) timeOffsets(t *tableStats, out map[string]derived) {
	name := t.src.name
	rows := t.numRows.vals
	var times []int
	for i, c := range t.cols {
		if c.typ.IsTime() && identRE.MatchString(c.name) && c.nonNull() >= int64(m.opt.K) {
			times = append(times, i)
		}
	}
	for _, ci := range times {
		c := t.cols[ci]
		if out[c.name].code != "" || m.attrs[name][c.name] != "" || m.lifetimes[name][c.name].start != "" {
			continue
		}
		for _, ai := range times {
			a := t.cols[ai]
			if ai == ci || out[a.name].code != "" {
				continue
			}
			var diffs []float64
			for _, r := range rows {
				if x, y := r[ci], r[ai]; !math.IsNaN(x) && !math.IsNaN(y) {
					diffs = append(diffs, x-y)
				}
			}
			if len(diffs) < max(m.opt.K, 10) || len(diffs) < len(rows)/2 {
				continue
			}
			sort.Float64s(diffs)
			d := diffs[len(diffs)/2]
			same := 0
			for _, x := range diffs {
				if x == d {
					same++
				}
			}
			if d <= 0 || float64(same) < 0.99*float64(len(diffs)) { // the later column follows the earlier
				continue
			}
			code := a.name + durationCode(int64(d))
			if c.typ == column.Date {
				code = "date(" + code + ")"
			}
			out[c.name] = derived{code: code, why: fmt.Sprintf("%s plus a constant duration in %d of %d sampled rows", a.name, same, len(diffs))}
			break
		}
	}
}

// durationCode writes a duration in microseconds as " + days(n)" (or
// hours, minutes, seconds; " - ..." when negative).
func durationCode(us int64) string {
	sign := " + "
	if us < 0 {
		sign, us = " - ", -us
	}
	for _, u := range []struct {
		fn string
		us int64
	}{{"days", 86_400_000_000}, {"hours", 3_600_000_000}, {"minutes", 60_000_000}, {"seconds", 1_000_000}} {
		if us%u.us == 0 {
			return fmt.Sprintf("%s%s(%d)", sign, u.fn, us/u.us)
		}
	}
	return fmt.Sprintf("%sseconds(%g)", sign, float64(us)/1e6)
}
