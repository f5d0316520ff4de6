package validate

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"datagen/src/civil"
	"datagen/src/column"
	"datagen/src/dsl"
)

// operand is one side of an inequality: a column or a literal.
type operand struct {
	t      *tableState
	j      int
	lit    bool
	isTime bool // literal instant (µs in i)
	f      float64
	i      int64
	text   string
}

// resolveOperand reads side s of an inequality whose other side is
// other: "table.column", a bare column of the other side's table, a
// number, or an ISO date/datetime.
func (v *Validator) resolveOperand(s, other string) (operand, error) {
	s = strings.TrimSpace(s)
	if t, j := v.column(s); t != nil && j >= 0 {
		return operand{t: t, j: j, text: s}, nil
	}
	if ot, _, ok := splitRef(other); ok && v.byID[ot] != nil {
		if t := v.byID[ot]; t.colIndex(s) >= 0 {
			return operand{t: t, j: t.colIndex(s), text: ot + "." + s}, nil
		}
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		return operand{lit: true, f: f, i: int64(f), text: s}, nil
	}
	if us, err := civil.ParseMicros(s); err == nil {
		return operand{lit: true, isTime: true, i: us, text: s}, nil
	}
	if tn, _, ok := splitRef(s); ok && v.byID[tn] != nil {
		return operand{}, fmt.Errorf("%q is not a column of %q", s, tn)
	}
	return operand{}, fmt.Errorf("%q is neither a column (table.column) nor a number or date", s)
}

// inequalityCheck checks left op right row by row: two columns of one
// table, a column and a literal, or a column of a child table and a
// column of its parent reached through the child's foreign key.
type inequalityCheck struct {
	name    string
	table   string
	in      dsl.Inequality
	err     string
	l, r    operand
	op      string
	link    *parentValues // cross-table: parent values by key
	linkCol int           // the child's link column
	flip    bool          // the parent is on the left
	// at says when a changing parent column is read (linkedValues).
	at      rowTime
	checked int64
	bad     int64
	samples []string
	buf     []byte
}

func (v *Validator) newInequality(in dsl.Inequality) checker {
	c := &inequalityCheck{in: in, op: in.Op}
	l, errL := v.resolveOperand(in.Left, in.Right)
	r, errR := v.resolveOperand(in.Right, in.Left)
	c.l, c.r = l, r
	base := fmt.Sprintf("inequality.%s_%s_%s", in.Left, in.Op, in.Right)
	switch {
	case errL != nil || errR != nil:
		c.err = "cannot resolve the inequality: " + joinErr(errL, errR)
	case l.lit && r.lit:
		c.err = "both sides are literals"
	}
	var owner *tableState
	switch {
	case !l.lit:
		owner = l.t
	case !r.lit:
		owner = r.t
	}
	if owner != nil {
		c.table = owner.id
	}
	defer func() {
		if c.table != "" {
			c.name = v.name(c.table + "." + base)
		} else {
			c.name = v.name(base)
		}
	}()
	if c.err != "" {
		return c
	}
	switch op := in.Op; op {
	case "<", "<=", ">", ">=", "==":
	default:
		c.err = fmt.Sprintf("unknown operator %q", op)
		return c
	}
	if msg := comparable(l, r); msg != "" {
		c.err = msg
		return c
	}
	if !l.lit && !r.lit && l.t != r.t {
		// Cross-table: find the child's foreign key to the parent's pk.
		if j := v.linkColumn(l.t, r.t); j >= 0 {
			c.table, c.linkCol = l.t.id, j
			c.link, c.at = v.linkedValues(l.t, r.t, r.j)
			l.t.feeders = append(l.t.feeders, c)
		} else if j := v.linkColumn(r.t, l.t); j >= 0 {
			c.table, c.linkCol, c.flip = r.t.id, j, true
			c.link, c.at = v.linkedValues(r.t, l.t, l.j)
			r.t.feeders = append(r.t.feeders, c)
		} else {
			c.err = fmt.Sprintf("%q and %q are in different tables and neither has a foreign key to the other's primary key", l.text, r.text)
			return c
		}
		return c
	}
	owner.feeders = append(owner.feeders, c)
	return c
}

func joinErr(a, b error) string {
	var s []string
	for _, e := range []error{a, b} {
		if e != nil {
			s = append(s, e.Error())
		}
	}
	return strings.Join(s, "; ")
}

// comparable explains why two operands cannot be compared, or "".
func comparable(l, r operand) string {
	kind := func(o operand) string {
		if o.lit {
			if o.isTime {
				return "time"
			}
			return "number"
		}
		t := o.t.cols[o.j].spec.Type
		switch {
		case t.IsNumeric():
			return "number"
		case t.IsTime():
			return "time"
		}
		return t.String()
	}
	kl, kr := kind(l), kind(r)
	if kl != kr || (kl != "number" && kl != "time") {
		return fmt.Sprintf("cannot compare %s (%s) with %s (%s)", l.text, kl, r.text, kr)
	}
	return ""
}

// linkColumn returns the column of child that holds parent's primary key
// (a lookup of the pk, or a declared foreign key to it), or -1.
func (v *Validator) linkColumn(child, parent *tableState) int {
	if j, _ := v.parentLink(child, parent); j >= 0 {
		return j
	}
	for _, fk := range v.s.Constraints.ForeignKeys {
		ft, fj := v.column(fk.From)
		tt, tj := v.column(fk.To)
		if ft == child && tt == parent && fj >= 0 && tj == parent.keyCol() {
			return fj
		}
	}
	return -1
}

// parentValues keeps a parent column by primary key for cross-table
// inequalities, up to parentValuesCap rows.
type parentValues struct {
	t      *tableState
	pk, j  int
	idx    map[int64]int32
	vals   []float64
	ints   []int64
	isInt  bool
	nulls  []bool
	over   bool
	buf    []byte
	kindPK keyKind
	// versioned values keep every version of a changing column: idx
	// holds an entity's first version, and its later versions follow,
	// from[k] being the instant version k starts; starts marks the
	// first versions (versionedValue).
	versioned bool
	from      []int64
	starts    []bool
	last      int64
}

const parentValuesCap = 5_000_000

func (v *Validator) parentValues(t *tableState, j int) *parentValues {
	p := newParentValues(t, j)
	t.feeders = append(t.feeders, p)
	return p
}

func newParentValues(t *tableState, j int) *parentValues {
	pk := t.keyCol()
	kind := keyText
	if pk >= 0 && intLike(t.cols[pk].spec.Type) {
		kind = keyInt
	}
	return &parentValues{t: t, pk: pk, j: j, idx: map[int64]int32{}, isInt: intLike(t.cols[j].spec.Type), kindPK: kind}
}

func (p *parentValues) feed(b *blockView) {
	if p.pk < 0 || p.over {
		return
	}
	kv, vv := b.cols[p.pk], b.cols[p.j]
	if kv == nil || vv == nil {
		return
	}
	for i := 0; i < b.rows; i++ {
		if kv.IsNull(i) {
			continue
		}
		if len(p.nulls) >= parentValuesCap {
			p.over, p.idx, p.vals, p.ints, p.nulls, p.from, p.starts = true, nil, nil, nil, nil, nil, nil
			return
		}
		key := keyOf(p.kindPK, kv, i, &p.buf)
		if p.versioned {
			// A row with the key of the row before it is a later version
			// of the same entity.
			later := len(p.nulls) > 0 && key == p.last
			p.last = key
			from := int64(math.MaxInt64) // a version without its start is never current
			if b.at != nil && !b.at.IsNull(i) {
				from = b.at.Ints[i]
			}
			p.from = append(p.from, from)
			p.starts = append(p.starts, !later)
			if !later {
				p.idx[key] = int32(len(p.nulls))
			}
		} else {
			p.idx[key] = int32(len(p.nulls))
		}
		p.nulls = append(p.nulls, vv.IsNull(i))
		if p.isInt {
			p.ints = append(p.ints, vv.Ints[i])
		} else if vv.Type == column.Float {
			p.vals = append(p.vals, vv.Floats[i])
		}
	}
}

// rowTime is how a cross-table inequality finds the time of a child row:
// its own time column col, or, for a child that takes its primary
// parent's time, that parent's time column (via) through the child's link
// column to it (link). Neither: the child has no time.
type rowTime struct {
	col  int
	via  *parentValues
	link int
	buf  []byte
}

// of returns the time of row i of b, if it has one.
func (rt *rowTime) of(b *blockView, i int) (int64, bool) {
	if rt.col >= 0 {
		if v := b.cols[rt.col]; v != nil && !v.IsNull(i) {
			return v.Ints[i], true
		}
		return 0, false
	}
	if rt.via == nil || rt.via.over || rt.via.pk < 0 {
		return 0, false
	}
	kv := b.cols[rt.link]
	if kv == nil || kv.IsNull(i) {
		return 0, false
	}
	row, ok := rt.via.idx[keyOf(rt.via.kindPK, kv, i, &rt.buf)]
	if !ok || rt.via.nulls[row] {
		return 0, false
	}
	return rt.via.ints[row], true
}

// linkedValues returns the values of column j of parent that a
// cross-table inequality compares the rows of child with, and how to find
// a child row's time. A column that changes over time is compared at the
// child row's time, as a lookup copies it (dsl.md 3.8): its time column,
// or the time column of the primary parent it takes its time from (a
// child of parent itself takes parent's begin: the first version). A
// child without a time, or a null time, compares with the first version.
func (v *Validator) linkedValues(child, parent *tableState, j int) (*parentValues, rowTime) {
	at := rowTime{col: -1, link: -1}
	if parent.node.History == nil || parent.cols[j].spec.Changes == nil {
		return v.parentValues(parent, j), at
	}
	p := newParentValues(parent, j)
	p.versioned = true
	parent.versionFeeders = append(parent.versionFeeders, p)
	pt := child.pt
	switch {
	case pt == nil:
	case pt.Time >= 0:
		at.col = child.colIndex(pt.TimeColumn())
	case pt.ParentTime && pt.Primary.ID() != parent.id && pt.Primary.Time >= 0:
		if pr := v.byID[pt.Primary.ID()]; pr != nil {
			if l := v.linkColumn(child, pr); l >= 0 {
				at.via, at.link = v.parentValues(pr, pr.colIndex(pt.Primary.TimeColumn())), l
			}
		}
	}
	return p, at
}

// versionedValue returns the version of the entity whose first version
// is row that is current at instant t.
func (p *parentValues) versionedValue(row int32, t int64) int32 {
	k := int(row)
	for k+1 < len(p.from) && !p.starts[k+1] && p.from[k+1] <= t {
		k++
	}
	return int32(k)
}

// value of a column row as (float, int, isInt).
func cell(vec *column.Vector, i int) (float64, int64, bool) {
	if vec.Type == column.Float {
		return vec.Floats[i], 0, false
	}
	return float64(vec.Ints[i]), vec.Ints[i], true
}

func (c *inequalityCheck) holds(lf float64, li int64, lint bool, rf float64, ri int64, rint bool) bool {
	if lint && rint {
		switch c.op {
		case "<":
			return li < ri
		case "<=":
			return li <= ri
		case ">":
			return li > ri
		case ">=":
			return li >= ri
		}
		return li == ri
	}
	switch c.op {
	case "<":
		return lf < rf
	case "<=":
		return lf <= rf
	case ">":
		return lf > rf
	case ">=":
		return lf >= rf
	}
	return lf == rf
}

func (c *inequalityCheck) feed(b *blockView) {
	if c.link != nil {
		c.feedLinked(b)
		return
	}
	var lv, rv *column.Vector
	if !c.l.lit {
		if lv = b.cols[c.l.j]; lv == nil {
			return
		}
	}
	if !c.r.lit {
		if rv = b.cols[c.r.j]; rv == nil {
			return
		}
	}
	for i := 0; i < b.rows; i++ {
		lf, li, lint := c.l.f, c.l.i, c.l.isTime || c.l.f == math.Trunc(c.l.f)
		if lv != nil {
			if lv.IsNull(i) {
				continue
			}
			lf, li, lint = cell(lv, i)
		}
		rf, ri, rint := c.r.f, c.r.i, c.r.isTime || c.r.f == math.Trunc(c.r.f)
		if rv != nil {
			if rv.IsNull(i) {
				continue
			}
			rf, ri, rint = cell(rv, i)
		}
		if math.IsNaN(lf) || math.IsNaN(rf) {
			continue
		}
		c.count(c.holds(lf, li, lint, rf, ri, rint), b.start+int64(i), lv, rv, i)
	}
}

func (c *inequalityCheck) count(ok bool, row int64, lv, rv *column.Vector, i int) {
	c.checked++
	if ok {
		return
	}
	c.bad++
	if len(c.samples) < 5 {
		s := "row " + strconv.FormatInt(row, 10) + ":"
		if lv != nil {
			s += " " + string(appendCanonical(nil, lv, i))
		}
		if rv != nil {
			s += " " + string(appendCanonical(nil, rv, i))
		}
		c.samples = append(c.samples, s)
	}
}

func (c *inequalityCheck) feedLinked(b *blockView) {
	p := c.link
	if p.over || p.pk < 0 {
		return
	}
	child := c.l
	if c.flip {
		child = c.r
	}
	cv, kv := b.cols[child.j], b.cols[c.linkCol]
	if cv == nil || kv == nil {
		return
	}
	for i := 0; i < b.rows; i++ {
		if cv.IsNull(i) || kv.IsNull(i) {
			continue
		}
		row, ok := p.idx[keyOf(p.kindPK, kv, i, &c.buf)]
		if ok && p.versioned {
			if t, timed := c.at.of(b, i); timed {
				row = p.versionedValue(row, t)
			}
		}
		if !ok || p.nulls[row] {
			continue
		}
		var pf float64
		var pi int64
		if p.isInt {
			pi, pf = p.ints[row], float64(p.ints[row])
		} else {
			pf = p.vals[row]
		}
		cf, ci, cint := cell(cv, i)
		var holds bool
		if c.flip {
			holds = c.holds(pf, pi, p.isInt, cf, ci, cint)
		} else {
			holds = c.holds(cf, ci, cint, pf, pi, p.isInt)
		}
		c.count(holds, b.start+int64(i), cv, nil, i)
	}
}

func (c *inequalityCheck) results(*Validator) []Result {
	text := fmt.Sprintf("%s %s %s", c.in.Left, c.in.Op, c.in.Right)
	if c.err != "" {
		return []Result{newResult(Value, false, c.table, c.name, false, nil, "%s: %s", text, c.err)}
	}
	for _, o := range []operand{c.l, c.r} {
		if !o.lit {
			if msg := o.t.unavailable(o.j); msg != "" {
				return []Result{newResult(Value, false, c.table, c.name, false, nil, "%s: %s", text, msg)}
			}
		}
	}
	if c.link != nil && c.link.over {
		return []Result{newResult(Value, false, c.table, c.name, false, nil,
			"%s: the parent table has more than %d rows, too many to keep for a cross-table comparison", text, parentValuesCap)}
	}
	d := map[string]any{"checked": c.checked, "violations": c.bad, "sample_violations": nonNil(c.samples)}
	if c.link != nil {
		d["joined_through"] = c.table + "." + c.linkTable().cols[c.linkCol].spec.Name
	}
	if c.bad > 0 {
		return []Result{newResult(Value, false, c.table, c.name, false, d, "%d of %d rows violate %s", c.bad, c.checked, text)}
	}
	return []Result{newResult(Value, false, c.table, c.name, true, d, "all %d rows satisfy %s", c.checked, text)}
}

func (c *inequalityCheck) linkTable() *tableState {
	if c.flip {
		return c.r.t
	}
	return c.l.t
}
