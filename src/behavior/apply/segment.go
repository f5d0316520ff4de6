package apply

import (
	"fmt"
	"strconv"

	"datagen/src/behavior"

	"datagen/src/column"
	"datagen/src/rng"
)

// SegmentIndex maps the rows of a table with a segment_behavior to their
// segments, and draws rows with probability proportional to their
// segment's fanout multiplier.
type SegmentIndex struct {
	spec *behavior.Segment
	// seg[row] indexes spec.Segments; -1 for a value without settings
	// (multipliers 1).
	seg []int32
	// Weighted row choice: rows grouped by segment (group g = segment g,
	// the last group = rows without settings), each group's rows in
	// order, and an alias table over the groups' total multipliers.
	groupStart []int64
	groupRows  []int64
	groups     []int
	alias      *rng.Alias
}

// SegmentName returns the string a segment value is compared by: the
// value itself for strings, the decimal form of numbers, true/false.
func SegmentName(v *column.Vector, i int) (string, bool) {
	if v.IsNull(i) {
		return "", false
	}
	switch v.Type {
	case column.String:
		return v.Strs[i], true
	case column.Int:
		return strconv.FormatInt(v.Ints[i], 10), true
	case column.Float:
		return strconv.FormatFloat(v.Floats[i], 'f', -1, 64), true
	case column.Bool:
		return strconv.FormatBool(v.Bools[i]), true
	}
	return "", false
}

// NewSegmentIndex indexes the segment column col of a table.
func NewSegmentIndex(spec *behavior.Segment, col *column.Vector, rows int64) *SegmentIndex {
	x := &SegmentIndex{spec: spec, seg: make([]int32, rows)}
	pos := make(map[string]int32, len(spec.Segments))
	for i, g := range spec.Segments {
		pos[g.Name] = int32(i)
	}
	for r := int64(0); r < rows; r++ {
		x.seg[r] = -1
		if name, ok := SegmentName(col, int(r)); ok {
			if k, found := pos[name]; found {
				x.seg[r] = k
			}
		}
	}
	return x
}

// Of returns the settings of row's segment, or nil when it has none.
func (x *SegmentIndex) Of(row int64) *behavior.SegmentSpec {
	if k := x.seg[row]; k >= 0 {
		return &x.spec.Segments[k]
	}
	return nil
}

// Fanout returns the fanout multiplier of row.
func (x *SegmentIndex) Fanout(row int64) float64 {
	if g := x.Of(row); g != nil {
		return g.Fanout
	}
	return 1
}

// Value returns the value multiplier of row.
func (x *SegmentIndex) Value(row int64) float64 {
	if g := x.Of(row); g != nil {
		return g.Value
	}
	return 1
}

// prepareWeighted builds the weighted row choice; it fails when no row
// has a positive multiplier.
func (x *SegmentIndex) prepareWeighted() error {
	ng := len(x.spec.Segments) + 1
	counts := make([]int64, ng)
	for _, k := range x.seg {
		counts[group(k, ng)]++
	}
	x.groupStart = make([]int64, ng+1)
	for g := 0; g < ng; g++ {
		x.groupStart[g+1] = x.groupStart[g] + counts[g]
	}
	x.groupRows = make([]int64, len(x.seg))
	fill := append([]int64(nil), x.groupStart[:ng]...)
	for r, k := range x.seg {
		g := group(k, ng)
		x.groupRows[fill[g]] = int64(r)
		fill[g]++
	}
	var w []float64
	for g := 0; g < ng; g++ {
		m := 1.0
		if g < ng-1 {
			m = x.spec.Segments[g].Fanout
		}
		if counts[g] > 0 && m > 0 {
			w = append(w, float64(counts[g])*m)
			x.groups = append(x.groups, g)
		}
	}
	if len(w) == 0 {
		return fmt.Errorf("no row has a segment with a positive fanout_multiplier")
	}
	a, err := rng.NewAlias(w)
	if err != nil {
		return err
	}
	x.alias = a
	return nil
}

func group(k int32, ng int) int {
	if k < 0 {
		return ng - 1
	}
	return int(k)
}

// Pick returns a row drawn with probability proportional to its
// segment's fanout multiplier (rows without settings weigh 1), from three
// uniform 64-bit draws.
func (x *SegmentIndex) Pick(u1, u2, u3 uint64) int64 {
	g := x.groups[x.alias.Sample(u1, float64(u2>>11)*(1.0/(1<<53)))]
	lo, hi := x.groupStart[g], x.groupStart[g+1]
	return x.groupRows[lo+int64(rng.Bounded(u3, uint64(hi-lo)))]
}
