package validate

import (
	"fmt"
	"math"
	"strconv"

	"datagen/src/column"
	"datagen/src/dsl"
	"datagen/src/gen/expr"
)

// planDeclared registers the hard checks of what columns declare about
// their values: decimals, aggregates and lifetimes.
func (v *Validator) planDeclared() {
	for _, t := range v.tables {
		for j, c := range t.cols {
			name := t.id + "." + c.spec.Name
			if d := c.spec.Decimals; d != nil && c.spec.Type == column.Float {
				dc := &decimalsCheck{t: t, j: j, d: *d, precision: c.spec.Precision, name: v.name(name + ".decimals")}
				t.feeders = append(t.feeders, dc)
				v.add(dc)
			}
			g := c.spec.Generator
			if a := g.Aggregate; a != nil {
				v.addAggregate(t, j, a, v.name(name+".aggregate"))
			}
			if ds := g.DatetimeSeries; ds != nil && ds.Lifetime != nil {
				v.addLifetime(t, j, ds.Lifetime, v.name(name+".lifetime"))
			}
		}
	}
}

// violations counts bad values with up to five samples.
type violations struct {
	checked, bad int64
	samples      []string
}

func (x *violations) add(sample func() string) {
	x.bad++
	if len(x.samples) < 5 {
		x.samples = append(x.samples, sample())
	}
}

func (x *violations) details(d map[string]any) map[string]any {
	if d == nil {
		d = map[string]any{}
	}
	d["checked"], d["violations"], d["sample_violations"] = x.checked, x.bad, nonNil(x.samples)
	return d
}

// decimalsCheck: every value of a column with decimals has at most that
// many (and, for a decimal column, at most precision − scale digits
// before the point).
type decimalsCheck struct {
	t         *tableState
	j, d      int
	precision int
	name      string
	violations
}

func (c *decimalsCheck) feed(b *blockView) {
	vec := b.cols[c.j]
	if vec == nil || vec.Type != column.Float {
		return
	}
	limit := math.Inf(1)
	if c.precision > 0 {
		limit = math.Pow10(c.precision - c.d)
	}
	for i, x := range vec.Floats[:b.rows] {
		if vec.IsNull(i) {
			continue
		}
		c.checked++
		if column.RoundHalfEven(x, c.d) != x || !(math.Abs(x) < limit) {
			c.add(func() string { return strconv.FormatFloat(x, 'f', -1, 64) })
		}
	}
}

func (c *decimalsCheck) results(*Validator) []Result {
	col := c.t.cols[c.j].spec.Name
	d := c.details(map[string]any{"decimals": c.d})
	if c.precision > 0 {
		d["precision"] = c.precision
	}
	if c.bad > 0 {
		return []Result{newResult(Structural, true, c.t.id, c.name, false, d, "%d of %d values of %s.%s have more than %d decimals or too many digits, e.g. %s",
			c.bad, c.checked, c.t.id, col, c.d, c.samples)}
	}
	return []Result{newResult(Structural, true, c.t.id, c.name, true, d, "every value of %s.%s has at most %d decimals", c.t.id, col, c.d)}
}

// parentLinked finds, for an aggregate or a lifetime of table t read from
// its primary parent, the parent, the child's link column and the key
// kind; ok is false (with a reason) when the link cannot be checked.
func (v *Validator) parentLinked(parent, child *tableState) (link int, kind keyKind, why string) {
	if parent == nil || child == nil {
		return -1, 0, "a table is not in the schema"
	}
	pk := parent.keyCol()
	if pk < 0 {
		return -1, 0, fmt.Sprintf("%q has no single-column primary key to link its rows", parent.id)
	}
	link = v.linkColumn(child, parent)
	if link < 0 {
		return -1, 0, fmt.Sprintf("%q has no column that copies the primary key of %q", child.id, parent.id)
	}
	return link, pairKind(child.cols[link].spec.Type, parent.cols[pk].spec.Type), ""
}

// aggregateCheck recomputes an aggregate from the child rows, grouped by
// the child's link column, and compares it with the parent's value.
type aggregateCheck struct {
	parent, child *tableState
	j, src, link  int
	fn            string
	kind          keyKind
	where         *expr.Evaluator
	keep          column.Vector
	pv            *parentValues
	// scale is 10^decimals of a float source with decimals (exact sums).
	scale float64
	// decimals of the aggregate column, or -1.
	decimals int
	acc      map[int64]*aggState
	buf      []byte
	name     string
	// preview: only parents whose children are all in the capped data
	// are compared (every parent seen but the last one).
	preview bool
	lastKey int64
	seenAny bool
	violations
}

type aggState struct {
	n    int64
	f    float64
	i    int64
	seen bool
}

func (v *Validator) addAggregate(t *tableState, j int, a *dsl.Aggregate, name string) {
	child := v.byID[a.Table]
	link, kind, why := v.parentLinked(t, child)
	src := -1
	if child != nil {
		src = child.colIndex(a.Column)
	}
	if why == "" && src < 0 {
		why = fmt.Sprintf("%q is not a column of the schema", a.From)
	}
	if why != "" {
		v.add(fixed(newResult(Structural, true, t.id, name, false, nil, "aggregate of %s cannot be checked: %s", a.From, why)))
		return
	}
	c := &aggregateCheck{parent: t, child: child, j: j, src: src, link: link, fn: a.Fn, kind: kind, name: name,
		pv: v.parentValues(t, j), acc: map[int64]*aggState{}, decimals: -1, preview: v.opts.DryRunSample > 0}
	if d := child.cols[src].spec.Decimals; d != nil && child.cols[src].spec.Type == column.Float {
		c.scale = column.Pow10(*d)
	}
	if d := t.cols[j].spec.Decimals; d != nil {
		c.decimals = *d
	}
	if a.Where != "" {
		types := map[string]column.Type{}
		for _, cc := range child.cols {
			types[cc.spec.Name] = cc.spec.Type
		}
		p, err := expr.Compile(a.Where, types)
		if err != nil || p.Type() != column.Bool {
			v.add(fixed(newResult(Structural, true, t.id, name, false, nil, "aggregate of %s cannot be checked: where %q is not a condition", a.From, a.Where)))
			return
		}
		c.where = p.NewEvaluator()
	}
	child.feeders = append(child.feeders, c)
	v.add(c)
}

func (c *aggregateCheck) feed(b *blockView) {
	lv, sv := b.cols[c.link], b.cols[c.src]
	if lv == nil || sv == nil {
		return
	}
	if c.where != nil {
		get := func(name string) *column.Vector {
			if k := c.child.colIndex(name); k >= 0 {
				return b.cols[k]
			}
			return nil
		}
		if err := c.where.Eval(get, b.rows, &c.keep); err != nil {
			return
		}
	}
	for i := 0; i < b.rows; i++ {
		if lv.IsNull(i) {
			continue
		}
		k := keyOf(c.kind, lv, i, &c.buf)
		c.lastKey, c.seenAny = k, true
		s := c.acc[k]
		if s == nil {
			s = &aggState{}
			c.acc[k] = s
		}
		if sv.IsNull(i) || c.where != nil && (c.keep.IsNull(i) || !c.keep.Bools[i]) {
			continue
		}
		f, n, isInt := cell(sv, i)
		switch c.fn {
		case dsl.AggSum, dsl.AggMean:
			switch {
			case c.scale > 0:
				s.i += int64(math.Round(f * c.scale))
			case isInt && sv.Type == column.Int:
				s.i += n
			default:
				s.f += f
			}
		case dsl.AggMin:
			if !s.seen || f < s.f {
				s.f, s.i = f, n
			}
		case dsl.AggMax:
			if !s.seen || f > s.f {
				s.f, s.i = f, n
			}
		}
		s.seen = true
		s.n++
	}
}

// expected returns the recomputed value of a parent (null for a parent
// without values, except for sum and count).
func (c *aggregateCheck) expected(s *aggState) (float64, bool) {
	if s == nil {
		s = &aggState{}
	}
	intSrc := c.child.cols[c.src].spec.Type == column.Int
	var x float64
	switch c.fn {
	case dsl.AggCount:
		return float64(s.n), true
	case dsl.AggSum:
		switch {
		case c.scale > 0:
			x = float64(s.i) / c.scale
		case intSrc:
			x = float64(s.i)
		default:
			x = s.f
		}
	case dsl.AggMean:
		if s.n == 0 {
			return 0, false
		}
		switch {
		case c.scale > 0:
			x = float64(s.i) / c.scale / float64(s.n)
		case intSrc:
			x = float64(s.i) / float64(s.n)
		default:
			x = s.f / float64(s.n)
		}
	default:
		if s.n == 0 {
			return 0, false
		}
		x = s.f
	}
	if c.decimals >= 0 {
		x = column.RoundHalfEven(x, c.decimals)
	}
	return x, true
}

func (c *aggregateCheck) results(v *Validator) []Result {
	col := c.parent.cols[c.j].spec.Name
	from := c.child.id + "." + c.child.cols[c.src].spec.Name
	d := map[string]any{"fn": c.fn, "from": from}
	if c.pv.over {
		return []Result{newResult(Structural, true, c.parent.id, c.name, true, d,
			"%s.%s not checked: %q has more than %d rows", c.parent.id, col, c.parent.id, parentValuesCap)}
	}
	intCol := c.pv.isInt
	for key, k := range c.pv.idx {
		if c.preview && (c.acc[key] == nil || c.seenAny && key == c.lastKey) {
			// The cap may have cut this parent's children.
			continue
		}
		want, ok := c.expected(c.acc[key])
		c.checked++
		null := c.pv.nulls[k]
		var got float64
		if !null {
			if intCol {
				got = float64(c.pv.ints[k])
			} else if int(k) < len(c.pv.vals) {
				got = c.pv.vals[k]
			}
		}
		var good bool
		switch {
		case !ok || null:
			good = !ok && null
		case intCol:
			good = got == math.Round(want)
		default:
			good = got == want || math.Abs(got-want) <= 1e-9*math.Max(1, math.Abs(want))
		}
		if !good {
			c.add(func() string {
				g, w := "null", "null"
				if !null {
					g = strconv.FormatFloat(got, 'f', -1, 64)
				}
				if ok {
					w = strconv.FormatFloat(want, 'f', -1, 64)
				}
				return fmt.Sprintf("%s for %s", g, w)
			})
		}
	}
	d = c.details(d)
	if c.preview {
		d["preview"] = "only the parents whose children are all in the capped data are compared"
	}
	if c.bad > 0 {
		return []Result{newResult(Structural, true, c.parent.id, c.name, false, d, "%d of %d rows of %s.%s differ from the %s of %s over their children (value for recomputed), e.g. %s",
			c.bad, c.checked, c.parent.id, col, c.fn, from, c.samples)}
	}
	return []Result{newResult(Structural, true, c.parent.id, c.name, true, d, "%s.%s equals the %s of %s over each row's children", c.parent.id, col, c.fn, from)}
}

// lifetimeCheck: every non-null value of a child's column lies inside its
// parent's lifetime intersected with the timeframe.
type lifetimeCheck struct {
	child      *tableState
	j, link    int
	kind       keyKind
	start, end *parentValues
	endDay     int64
	lo, hi     int64
	buf        []byte
	name       string
	violations
}

func (v *Validator) addLifetime(t *tableState, j int, l *dsl.Lifetime, name string) {
	parent := v.byID[l.Table]
	link, kind, why := v.parentLinked(parent, t)
	if why != "" {
		v.add(fixed(newResult(Structural, true, t.id, name, false, nil, "lifetime of %s.%s cannot be checked: %s", t.id, t.cols[j].spec.Name, why)))
		return
	}
	c := &lifetimeCheck{child: t, j: j, link: link, kind: kind, name: name,
		lo: v.s.Timeframe.Start.UnixMicro(), hi: v.s.Timeframe.End.UnixMicro()}
	if sj := parent.colIndex(l.StartCol); sj >= 0 {
		c.start = v.parentValues(parent, sj)
	}
	if l.EndCol != "" {
		if ej := parent.colIndex(l.EndCol); ej >= 0 {
			c.end = v.parentValues(parent, ej)
			if parent.cols[ej].spec.Type == column.Date {
				c.endDay = column.MicrosPerDay - 1
			}
		}
	}
	t.feeders = append(t.feeders, c)
	v.add(c)
}

// parentBound returns the parent's value of key, if any.
func parentBound(p *parentValues, key int64) (int64, bool) {
	if p == nil || p.over {
		return 0, false
	}
	k, ok := p.idx[key]
	if !ok || p.nulls[k] || int(k) >= len(p.ints) {
		return 0, false
	}
	return p.ints[k], true
}

func (c *lifetimeCheck) feed(b *blockView) {
	lv, tv := b.cols[c.link], b.cols[c.j]
	if lv == nil || tv == nil || !tv.Type.IsTime() {
		return
	}
	for i := 0; i < b.rows; i++ {
		if lv.IsNull(i) || tv.IsNull(i) {
			continue
		}
		key := keyOf(c.kind, lv, i, &c.buf)
		lo, hi := c.lo, c.hi
		if s, ok := parentBound(c.start, key); ok {
			lo = max(lo, s)
		}
		if e, ok := parentBound(c.end, key); ok {
			hi = min(hi, e+c.endDay)
		}
		c.checked++
		if t := tv.Ints[i]; t < lo || t > hi {
			c.add(func() string {
				return fmt.Sprintf("%s outside %s..%s", formatTime(t, tv.Type), formatTime(lo, column.Timestamp), formatTime(hi, column.Timestamp))
			})
		}
	}
}

func (c *lifetimeCheck) results(*Validator) []Result {
	col := c.child.cols[c.j].spec.Name
	d := c.details(nil)
	if c.bad > 0 {
		return []Result{newResult(Structural, true, c.child.id, c.name, false, d, "%d of %d values of %s.%s fall outside their parent's lifetime, e.g. %s",
			c.bad, c.checked, c.child.id, col, c.samples)}
	}
	return []Result{newResult(Structural, true, c.child.id, c.name, true, d, "every value of %s.%s falls inside its parent's lifetime", c.child.id, col)}
}
