package expr

import (
	"cmp"
	"fmt"
	"math"
	"strconv"
	"unicode/utf8"
	"unsafe"

	"datagen/src/civil"
	"datagen/src/column"
)

// colNode reads an input column.
type colNode struct {
	base
	name string
}

func (c *colNode) eval(ev *Evaluator, n int) (*column.Vector, error) {
	v := ev.get(c.name)
	if v == nil {
		return nil, fmt.Errorf("column %q is not available", c.name)
	}
	if vecType(v.Type) != vecType(c.t) && !(v.Type.IsTime() && c.t.IsTime()) {
		return nil, fmt.Errorf("column %q holds %s values but the expression was compiled for %s", c.name, v.Type, c.t)
	}
	if v.Len() < n || v.Null != nil && len(v.Null) < n {
		return nil, fmt.Errorf("column %q has %d rows, %d needed", c.name, v.Len(), n)
	}
	return v, nil
}

// constNode is a literal; its vector is filled once and reused.
type constNode struct {
	base
	i    int64
	f    float64
	s    string
	b    bool
	null bool
}

func (c *constNode) eval(ev *Evaluator, n int) (*column.Vector, error) {
	v := &ev.vecs[c.id]
	v.Reset(vecType(c.t), n)
	if ev.filled[c.id] < n {
		switch {
		case isInts(c.t):
			fill(v.Ints, c.i)
		case c.t == column.Float:
			fill(v.Floats, c.f)
		case c.t == column.String:
			fill(v.Strs, c.s)
		case c.t == column.Bool:
			fill(v.Bools, c.b)
		}
		if c.null {
			nb := ev.nulls[c.id]
			if cap(nb) < n {
				nb = make([]bool, n)
			}
			nb = nb[:n]
			fill(nb, true)
			ev.nulls[c.id] = nb
		}
		ev.filled[c.id] = n
	}
	if c.null {
		v.Null = ev.nulls[c.id][:n]
	}
	return v, nil
}

func fill[T any](s []T, x T) {
	for i := range s {
		s[i] = x
	}
}

// castNode converts int-stored values (ints, durations, times) to float.
type castNode struct {
	base
	x node
}

func (c *castNode) eval(ev *Evaluator, n int) (*column.Vector, error) {
	a, err := ev.run(c.x, n)
	if err != nil {
		return nil, err
	}
	d := ev.dst(c.id, c.t, n)
	src, out := a.Ints[:n], d.Floats[:n]
	for i, v := range src {
		out[i] = float64(v)
	}
	d.Null = ev.copyNulls(c.id, n, a.Null)
	return d, nil
}

// toIntNode converts floats to int64: truncation toward zero for int(),
// rounding to the nearest for durations. Out-of-range values are null.
type toIntNode struct {
	base
	x     node
	round bool
}

func (c *toIntNode) eval(ev *Evaluator, n int) (*column.Vector, error) {
	a, err := ev.run(c.x, n)
	if err != nil {
		return nil, err
	}
	d := ev.dst(c.id, c.t, n)
	src, out := a.Floats[:n], d.Ints[:n]
	nulls := ev.copyNulls(c.id, n, a.Null)
	for i, v := range src {
		if c.round {
			v = math.Round(v)
		}
		if v >= -9.223372036854775808e18 && v < 9.223372036854775808e18 {
			out[i] = int64(v)
			continue
		}
		out[i] = 0
		if nulls == nil {
			nulls = ev.nullBuf(c.id, n)
		}
		nulls[i] = true
	}
	d.Null = nulls
	return d, nil
}

// unary operators
const (
	opNeg = iota
	opInvert
	opNot
)

// unaryOpNode applies -, ~ or not.
type unaryOpNode struct {
	base
	op int
	x  node
}

func (u *unaryOpNode) eval(ev *Evaluator, n int) (*column.Vector, error) {
	a, err := ev.run(u.x, n)
	if err != nil {
		return nil, err
	}
	d := ev.dst(u.id, u.t, n)
	switch {
	case u.op == opNeg && isInts(u.t):
		src, out := a.Ints[:n], d.Ints[:n]
		for i, v := range src {
			out[i] = -v
		}
	case u.op == opNeg:
		src, out := a.Floats[:n], d.Floats[:n]
		for i, v := range src {
			out[i] = -v
		}
	case u.op == opInvert && u.t == column.Int:
		src, out := a.Ints[:n], d.Ints[:n]
		for i, v := range src {
			out[i] = ^v
		}
	default: // not, or ~ on bool
		src, out := a.Bools[:n], d.Bools[:n]
		for i, v := range src {
			out[i] = !v
		}
	}
	d.Null = ev.copyNulls(u.id, n, a.Null)
	return d, nil
}

// arithmetic operators
const (
	opAdd = iota
	opSub
	opMul
	opDiv
	opFloorDiv
	opMod
	opPow
	opDays // floor division by the number of microseconds in a day (ints only)
)

// arithNode applies an arithmetic operator to two operands of the same
// storage (both int-stored, or both float). For a float result, an
// int-stored operand is converted inside the kernel (lInt, rInt) rather
// than by a separate cast node.
type arithNode struct {
	base
	op         int
	l, r       node
	lInt, rInt bool
}

// newArith builds an arithmetic node, fusing int-to-float casts of its
// operands into the float kernel.
func (c *checker) newArith(t column.Type, op int, l, r node) *arithNode {
	a := &arithNode{base: c.base(t), op: op, l: l, r: r}
	if t == column.Float {
		if cn, ok := l.(*castNode); ok {
			a.l, a.lInt = cn.x, true
		}
		if cn, ok := r.(*castNode); ok {
			a.r, a.rInt = cn.x, true
		}
	}
	return a
}

func (a *arithNode) eval(ev *Evaluator, n int) (*column.Vector, error) {
	x, err := ev.run(a.l, n)
	if err != nil {
		return nil, err
	}
	y, err := ev.run(a.r, n)
	if err != nil {
		return nil, err
	}
	d := ev.dst(a.id, a.t, n)
	nulls := ev.mergeNulls(a.id, n, x.Null, y.Null)
	if isInts(a.t) {
		nulls = ev.intArith(a.id, a.op, n, d.Ints[:n], x.Ints[:n], y.Ints[:n], nulls)
		if a.t != column.Int {
			nulls = ev.timeOverflow(a.id, a.op, a.t, n, d.Ints[:n], x.Ints[:n], y.Ints[:n], nulls)
		}
	} else {
		out := d.Floats[:n]
		var finite bool
		switch {
		case a.lInt && a.rInt:
			finite = floatArith(a.op, out, x.Ints[:n], y.Ints[:n])
		case a.lInt:
			finite = floatArith(a.op, out, x.Ints[:n], y.Floats[:n])
		case a.rInt:
			finite = floatArith(a.op, out, x.Floats[:n], y.Ints[:n])
		default:
			finite = floatArith(a.op, out, x.Floats[:n], y.Floats[:n])
		}
		if !finite {
			nulls = ev.markNonFinite(a.id, n, out, nulls)
		}
	}
	d.Null = nulls
	return d, nil
}

// intArith computes out = x op y on int64 (wrapping on overflow, Python
// floor semantics for // and %); rows without a value become null.
func (ev *Evaluator) intArith(id, op, n int, out, x, y []int64, nulls []bool) []bool {
	y = y[:len(x)]
	out = out[:len(x)]
	bad := func(i int) {
		out[i] = 0
		if nulls == nil {
			nulls = ev.nullBuf(id, n)
		}
		nulls[i] = true
	}
	switch op {
	case opAdd:
		for i := range x {
			out[i] = x[i] + y[i]
		}
	case opSub:
		for i := range x {
			out[i] = x[i] - y[i]
		}
	case opMul:
		for i := range x {
			out[i] = x[i] * y[i]
		}
	case opFloorDiv:
		for i := range x {
			a, b := x[i], y[i]
			if b == 0 {
				bad(i)
				continue
			}
			q := a / b
			if a%b != 0 && (a < 0) != (b < 0) {
				q--
			}
			out[i] = q
		}
	case opMod:
		for i := range x {
			a, b := x[i], y[i]
			if b == 0 {
				bad(i)
				continue
			}
			m := a % b
			if m != 0 && (m < 0) != (b < 0) {
				m += b
			}
			out[i] = m
		}
	case opDays:
		for i, v := range x {
			out[i] = civil.FloorDiv(v, column.MicrosPerDay)
		}
	case opPow:
		for i := range x {
			if y[i] < 0 {
				bad(i)
				continue
			}
			out[i] = ipow(x[i], y[i])
		}
	}
	return nulls
}

// timeOverflow makes null the rows of a duration, datetime or date result
// out = x op y whose exact value does not fit in 64 bits, and the instants
// outside years 1–9999 (civil.InRange): such a time has no value, it never
// wraps around to a plausible one.
func (ev *Evaluator) timeOverflow(id, op int, t column.Type, n int, out, x, y []int64, nulls []bool) []bool {
	y = y[:len(x)]
	out = out[:len(x)]
	for i := range x {
		if nulls != nil && nulls[i] {
			continue
		}
		var over bool
		switch op {
		case opAdd:
			over = (y[i] > 0 && out[i] < x[i]) || (y[i] < 0 && out[i] > x[i])
		case opSub:
			over = (y[i] > 0 && out[i] > x[i]) || (y[i] < 0 && out[i] < x[i])
		case opMul:
			over = x[i] != 0 && (out[i]/x[i] != y[i] || (x[i] == -1 && y[i] == math.MinInt64))
		}
		if !over && t.IsTime() {
			over = !civil.InRange(out[i])
		}
		if over {
			out[i] = 0
			if nulls == nil {
				nulls = ev.nullBuf(id, n)
			}
			nulls[i] = true
		}
	}
	return nulls
}

// ipow is b**e for e >= 0, wrapping on overflow.
func ipow(b, e int64) int64 {
	r := int64(1)
	for e > 0 {
		if e&1 == 1 {
			r *= b
		}
		b *= b
		e >>= 1
	}
	return r
}

// number is the storage of int or float operands of a float kernel.
type number interface{ int64 | float64 }

// floatArith computes out = x op y in float64 with Python semantics for
// // and %, and reports whether every result is finite. Undefined results
// are NaN or ±Inf (made null by the caller). The check costs one
// multiply-add per row: acc stays 0 unless a result is NaN or infinite.
func floatArith[X, Y number](op int, out []float64, xs []X, ys []Y) bool {
	xs = xs[:len(out)]
	ys = ys[:len(out)]
	acc := 0.0
	switch op {
	case opAdd:
		for i := range out {
			r := float64(xs[i]) + float64(ys[i])
			out[i] = r
			acc += r * 0
		}
	case opSub:
		for i := range out {
			r := float64(xs[i]) - float64(ys[i])
			out[i] = r
			acc += r * 0
		}
	case opMul:
		for i := range out {
			r := float64(xs[i]) * float64(ys[i])
			out[i] = r
			acc += r * 0
		}
	case opDiv:
		for i := range out {
			r := float64(xs[i]) / float64(ys[i])
			out[i] = r
			acc += r * 0
		}
	case opFloorDiv:
		for i := range out {
			r := math.Floor(float64(xs[i]) / float64(ys[i]))
			out[i] = r
			acc += r * 0
		}
	case opMod:
		for i := range out {
			x, y := float64(xs[i]), float64(ys[i])
			m := math.Mod(x, y)
			if m != 0 && (m < 0) != (y < 0) {
				m += y
			}
			out[i] = m
			acc += m * 0
		}
	case opPow:
		for i := range out {
			r := math.Pow(float64(xs[i]), float64(ys[i]))
			out[i] = r
			acc += r * 0
		}
	}
	return acc == 0
}

// comparison operators
const (
	cmpLT = iota
	cmpLE
	cmpGT
	cmpGE
	cmpEQ
	cmpNE
)

// cmpNode compares two operands of the same storage type.
type cmpNode struct {
	base
	op   int
	l, r node
}

func (c *cmpNode) eval(ev *Evaluator, n int) (*column.Vector, error) {
	x, err := ev.run(c.l, n)
	if err != nil {
		return nil, err
	}
	y, err := ev.run(c.r, n)
	if err != nil {
		return nil, err
	}
	d := ev.dst(c.id, column.Bool, n)
	out := d.Bools[:n]
	switch {
	case isInts(x.Type):
		compare(c.op, out, x.Ints[:n], y.Ints[:n])
	case x.Type == column.Float:
		compare(c.op, out, x.Floats[:n], y.Floats[:n])
	case x.Type == column.String:
		compare(c.op, out, x.Strs[:n], y.Strs[:n])
	default:
		a, b := x.Bools[:n], y.Bools[:n]
		eq := c.op == cmpEQ
		for i := range out {
			out[i] = (a[i] == b[i]) == eq
		}
	}
	d.Null = ev.mergeNulls(c.id, n, x.Null, y.Null)
	return d, nil
}

func compare[T cmp.Ordered](op int, out []bool, a, b []T) {
	a = a[:len(out)]
	b = b[:len(out)]
	switch op {
	case cmpLT:
		for i := range out {
			out[i] = a[i] < b[i]
		}
	case cmpLE:
		for i := range out {
			out[i] = a[i] <= b[i]
		}
	case cmpGT:
		for i := range out {
			out[i] = a[i] > b[i]
		}
	case cmpGE:
		for i := range out {
			out[i] = a[i] >= b[i]
		}
	case cmpEQ:
		for i := range out {
			out[i] = a[i] == b[i]
		}
	case cmpNE:
		for i := range out {
			out[i] = a[i] != b[i]
		}
	}
}

// logicNode is "and"/"or" with SQL's three-valued logic: false and null
// is false, true or null is true, otherwise null in gives null out.
type logicNode struct {
	base
	or   bool
	l, r node
}

func (g *logicNode) eval(ev *Evaluator, n int) (*column.Vector, error) {
	x, err := ev.run(g.l, n)
	if err != nil {
		return nil, err
	}
	y, err := ev.run(g.r, n)
	if err != nil {
		return nil, err
	}
	d := ev.dst(g.id, column.Bool, n)
	out, a, b := d.Bools[:n], x.Bools[:n], y.Bools[:n]
	if x.Null == nil && y.Null == nil {
		if g.or {
			for i := range out {
				out[i] = a[i] || b[i]
			}
		} else {
			for i := range out {
				out[i] = a[i] && b[i]
			}
		}
		return d, nil
	}
	nulls := ev.nullBuf(g.id, n)
	for i := range out {
		an, bn := x.IsNull(i), y.IsNull(i)
		av, bv := a[i] && !an, b[i] && !bn // value when known
		if g.or {
			switch {
			case av || bv:
				out[i] = true
			case an || bn:
				out[i], nulls[i] = false, true
			default:
				out[i] = false
			}
		} else {
			switch {
			case !an && !a[i] || !bn && !b[i]:
				out[i] = false
			case an || bn:
				out[i], nulls[i] = false, true
			default:
				out[i] = true
			}
		}
	}
	d.Null = nulls
	return d, nil
}

// inNode tests membership in a constant list.
type inNode struct {
	base
	x      node
	negate bool
	ints   map[int64]struct{}
	floats map[float64]struct{}
	strs   map[string]struct{}
	bools  [2]bool // bools[0]: false is listed, bools[1]: true is listed
	// Short lists are scanned: faster than hashing.
	fewInts []int64
	fewStrs []string
	few     bool
}

// fewValues is the longest list that is scanned rather than hashed.
const fewValues = 8

func containsInt(list []int64, v int64) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func containsStr(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func (m *inNode) eval(ev *Evaluator, n int) (*column.Vector, error) {
	x, err := ev.run(m.x, n)
	if err != nil {
		return nil, err
	}
	d := ev.dst(m.id, column.Bool, n)
	out := d.Bools[:n]
	switch {
	case isInts(x.Type) && m.few:
		for i, v := range x.Ints[:n] {
			out[i] = containsInt(m.fewInts, v) != m.negate
		}
	case isInts(x.Type):
		for i, v := range x.Ints[:n] {
			_, ok := m.ints[v]
			out[i] = ok != m.negate
		}
	case x.Type == column.String && m.few:
		for i, v := range x.Strs[:n] {
			out[i] = containsStr(m.fewStrs, v) != m.negate
		}
	case x.Type == column.Float:
		for i, v := range x.Floats[:n] {
			_, ok := m.floats[v]
			out[i] = ok != m.negate
		}
	case x.Type == column.String:
		for i, v := range x.Strs[:n] {
			_, ok := m.strs[v]
			out[i] = ok != m.negate
		}
	default:
		for i, v := range x.Bools[:n] {
			out[i] = m.bools[b2i(v)] != m.negate
		}
	}
	d.Null = ev.copyNulls(m.id, n, x.Null)
	return d, nil
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// ifNode is if(cond, a, b); a null condition selects b.
type ifNode struct {
	base
	c, a, b node
}

func (f *ifNode) eval(ev *Evaluator, n int) (*column.Vector, error) {
	c, err := ev.run(f.c, n)
	if err != nil {
		return nil, err
	}
	a, err := ev.run(f.a, n)
	if err != nil {
		return nil, err
	}
	b, err := ev.run(f.b, n)
	if err != nil {
		return nil, err
	}
	d := ev.dst(f.id, f.t, n)
	cond := c.Bools[:n]
	if c.Null != nil {
		// A null condition counts as false.
		tmp := ev.condBuf(f.id, n)
		for i, v := range cond {
			tmp[i] = v && !c.Null[i]
		}
		cond = tmp
	}
	switch {
	case isInts(f.t):
		pick(d.Ints[:n], a.Ints[:n], b.Ints[:n], cond)
	case f.t == column.Float:
		pick(d.Floats[:n], a.Floats[:n], b.Floats[:n], cond)
	case f.t == column.String:
		pick(d.Strs[:n], a.Strs[:n], b.Strs[:n], cond)
	default:
		pick(d.Bools[:n], a.Bools[:n], b.Bools[:n], cond)
	}
	if a.Null == nil && b.Null == nil {
		d.Null = nil
		return d, nil
	}
	nulls := ev.nullBuf(f.id, n)
	for i, c := range cond {
		nulls[i] = c && a.IsNull(i) || !c && b.IsNull(i)
	}
	d.Null = nulls
	return d, nil
}

func pick[T any](out, a, b []T, cond []bool) {
	a = a[:len(out)]
	b = b[:len(out)]
	cond = cond[:len(out)]
	for i, c := range cond {
		if c {
			out[i] = a[i]
		} else {
			out[i] = b[i]
		}
	}
}

// coalesceNode yields the first non-null argument of each row.
type coalesceNode struct {
	base
	args []node
}

func (c *coalesceNode) eval(ev *Evaluator, n int) (*column.Vector, error) {
	first, err := ev.run(c.args[0], n)
	if err != nil {
		return nil, err
	}
	d := ev.dst(c.id, c.t, n)
	d.CopyValues(0, first, 0, n)
	nulls := ev.copyNulls(c.id, n, first.Null)
	for _, an := range c.args[1:] {
		if nulls == nil {
			break
		}
		a, err := ev.run(an, n)
		if err != nil {
			return nil, err
		}
		remaining := false
		for i, isNull := range nulls {
			if !isNull {
				continue
			}
			if a.IsNull(i) {
				remaining = true
				continue
			}
			nulls[i] = false
			d.CopyValues(i, a, i, i+1)
		}
		if !remaining {
			nulls = nil
		}
	}
	d.Null = nulls
	return d, nil
}

// minMaxNode is min(a, b, ...) or max(a, b, ...) of one row's values.
type minMaxNode struct {
	base
	max  bool
	args []node
}

func (m *minMaxNode) eval(ev *Evaluator, n int) (*column.Vector, error) {
	first, err := ev.run(m.args[0], n)
	if err != nil {
		return nil, err
	}
	d := ev.dst(m.id, m.t, n)
	d.CopyValues(0, first, 0, n)
	nulls := ev.copyNulls(m.id, n, first.Null)
	for _, an := range m.args[1:] {
		a, err := ev.run(an, n)
		if err != nil {
			return nil, err
		}
		switch {
		case isInts(m.t):
			fold(m.max, d.Ints[:n], a.Ints[:n])
		case m.t == column.Float:
			fold(m.max, d.Floats[:n], a.Floats[:n])
		default:
			fold(m.max, d.Strs[:n], a.Strs[:n])
		}
		if a.Null != nil {
			if nulls == nil {
				nulls = ev.nullBuf(m.id, n)
			}
			for i, x := range a.Null[:n] {
				nulls[i] = nulls[i] || x
			}
		}
	}
	d.Null = nulls
	return d, nil
}

func fold[T cmp.Ordered](isMax bool, acc, x []T) {
	x = x[:len(acc)]
	if isMax {
		for i, v := range x {
			if v > acc[i] {
				acc[i] = v
			}
		}
		return
	}
	for i, v := range x {
		if v < acc[i] {
			acc[i] = v
		}
	}
}

// mathNode applies a float function of one or two float arguments.
type mathNode struct {
	base
	f1   func(float64) float64
	f2   func(float64, float64) float64
	x, y node
}

func (m *mathNode) eval(ev *Evaluator, n int) (*column.Vector, error) {
	a, err := ev.run(m.x, n)
	if err != nil {
		return nil, err
	}
	d := ev.dst(m.id, column.Float, n)
	out := d.Floats[:n]
	var nulls []bool
	if m.f2 != nil {
		b, err := ev.run(m.y, n)
		if err != nil {
			return nil, err
		}
		xs, ys := a.Floats[:n], b.Floats[:n]
		for i := range out {
			out[i] = m.f2(xs[i], ys[i])
		}
		nulls = ev.mergeNulls(m.id, n, a.Null, b.Null)
	} else {
		for i, v := range a.Floats[:n] {
			out[i] = m.f1(v)
		}
		nulls = ev.copyNulls(m.id, n, a.Null)
	}
	acc := 0.0
	for _, r := range out {
		acc += r * 0
	}
	if acc != 0 {
		nulls = ev.markNonFinite(m.id, n, out, nulls)
	}
	d.Null = nulls
	return d, nil
}

// intFuncNode applies abs to ints, or rounds ints to a negative number of
// digits (round(1250, -2) == 1200, halves to even).
type intFuncNode struct {
	base
	abs  bool
	unit int64 // 10**-digits for rounding
	x    node
}

func (f *intFuncNode) eval(ev *Evaluator, n int) (*column.Vector, error) {
	a, err := ev.run(f.x, n)
	if err != nil {
		return nil, err
	}
	d := ev.dst(f.id, column.Int, n)
	out := d.Ints[:n]
	if f.abs {
		for i, v := range a.Ints[:n] {
			if v < 0 {
				v = -v
			}
			out[i] = v
		}
	} else {
		q := f.unit
		for i, v := range a.Ints[:n] {
			r := v % q
			if r < 0 {
				r += q
			}
			lo := v - r
			if 2*r > q || 2*r == q && (lo/q)%2 != 0 {
				lo += q
			}
			out[i] = lo
		}
	}
	d.Null = ev.copyNulls(f.id, n, a.Null)
	return d, nil
}

// roundNode rounds floats to a number of decimal digits, halves to even.
type roundNode struct {
	base
	digits int
	x      node
}

func (r *roundNode) eval(ev *Evaluator, n int) (*column.Vector, error) {
	a, err := ev.run(r.x, n)
	if err != nil {
		return nil, err
	}
	d := ev.dst(r.id, column.Float, n)
	out := d.Floats[:n]
	src := a.Floats[:n]
	switch {
	case r.digits == 0:
		for i, v := range src {
			out[i] = math.RoundToEven(v)
		}
	case r.digits > 0:
		p := math.Pow10(r.digits)
		for i, v := range src {
			out[i] = roundScaled(v, p, false)
		}
	default:
		p := math.Pow10(-r.digits)
		for i, v := range src {
			out[i] = roundScaled(v, p, true)
		}
	}
	nulls := ev.copyNulls(r.id, n, a.Null)
	acc := 0.0
	for _, x := range out {
		acc += x * 0
	}
	if acc != 0 {
		nulls = ev.markNonFinite(r.id, n, out, nulls)
	}
	d.Null = nulls
	return d, nil
}

// roundScaled rounds v to a multiple of 1/p (or of p when div is set),
// halves to even, deciding by the exact decimal value of v as Python does:
// 2.675 is stored as 2.67499999..., so it rounds to 2.67 although
// 2.675 * 100 rounds to exactly 267.5 in float arithmetic. The result is
// the float nearest to the exactly rounded decimal.
//
// While the scaled value is below 2^52 float arithmetic is exact enough:
// rounding of the scaling is monotonic and every half-integer there is
// representable, so a false tie is the only possible error (the exact
// residual of the scaling, by a fused multiply-add, breaks it), and the
// final division (multiplication) of an exact integer by an exact power
// of ten is correctly rounded. Larger values go through strconv, which
// rounds the exact binary value in decimal.
func roundScaled(v, p float64, div bool) float64 {
	s := v * p
	if div {
		s = v / p
	}
	if math.Abs(s) >= 1<<52 {
		if math.IsInf(s, 0) || math.IsNaN(s) {
			return v // too large to have digits after the point, or not a number
		}
		return roundDecimalString(v, p, div)
	}
	r := math.RoundToEven(s)
	if math.Abs(r-s) == 0.5 { // a tie in float arithmetic: check the exact value
		var e float64 // sign of (exact scaled value - s)
		if div {
			e = math.FMA(-s, p, v)
		} else {
			e = math.FMA(v, p, -s)
		}
		switch {
		case e > 0:
			r = math.Ceil(s)
		case e < 0:
			r = math.Floor(s)
		}
	}
	if div {
		return r * p
	}
	return r / p
}

// roundDecimalString rounds v exactly in decimal for scaled values of 2^52
// and more, without allocating: with digits after the point strconv's 'f'
// format rounds the exact value half to even; to a multiple of p = 10^k
// (div) v is an integer already (|v| >= 2^52 * 10), whose digit string is
// rounded at the k-th last digit.
func roundDecimalString(v, p float64, div bool) float64 {
	var buf [400]byte
	if !div {
		digits := int(math.Round(math.Log10(p)))
		b := strconv.AppendFloat(buf[:0], v, 'f', digits, 64)
		r, err := strconv.ParseFloat(unsafe.String(&b[0], len(b)), 64)
		if err != nil {
			return v
		}
		return r
	}
	k := int(math.Round(math.Log10(p)))
	b := strconv.AppendFloat(buf[:0], v, 'f', 0, 64)
	start := 0
	if b[0] == '-' {
		start = 1
	}
	cut := len(b) - k // digits from cut on are dropped
	if cut <= start {
		return math.Copysign(0, v) // cannot happen for |v| >= 10^k, kept for safety
	}
	up := false
	switch first := b[cut]; {
	case first > '5':
		up = true
	case first == '5':
		up = true
		rest := false
		for _, c := range b[cut+1:] {
			if c != '0' {
				rest = true
				break
			}
		}
		if !rest { // an exact half: to even
			up = (b[cut-1]-'0')%2 == 1
		}
	}
	for i := cut; i < len(b); i++ {
		b[i] = '0'
	}
	if up {
		i := cut - 1
		for ; i >= start && b[i] == '9'; i-- {
			b[i] = '0'
		}
		if i >= start {
			b[i]++
		} else { // carried out of the leading digit: 99.. → 100..
			b = append(b[:start], append([]byte{'1'}, b[start:]...)...)
		}
	}
	r, err := strconv.ParseFloat(unsafe.String(&b[0], len(b)), 64)
	if err != nil {
		return v
	}
	return r
}

// date/time parts
const (
	partYear = iota
	partQuarter
	partMonth
	partDay
	partHour
	partMinute
	partSecond
	partDOW
	partDOY
	partWeek
	partDate    // truncate to 00:00 (type date)
	partWeekend // bool
)

// timePartNode extracts a calendar field from a timestamp or date.
type timePartNode struct {
	base
	part int
	x    node
}

func (p *timePartNode) eval(ev *Evaluator, n int) (*column.Vector, error) {
	a, err := ev.run(p.x, n)
	if err != nil {
		return nil, err
	}
	d := ev.dst(p.id, p.t, n)
	src := a.Ints[:n]
	if p.part == partWeekend {
		out := d.Bools[:n]
		for i, us := range src {
			out[i] = civil.Weekday(civil.FloorDiv(us, column.MicrosPerDay)) >= 5
		}
		d.Null = ev.copyNulls(p.id, n, a.Null)
		return d, nil
	}
	out := d.Ints[:n]
	switch p.part {
	case partYear, partQuarter, partMonth, partDay, partDOY:
		for i, us := range src {
			days := civil.FloorDiv(us, column.MicrosPerDay)
			y, m, dd := civil.FromDays(days)
			switch p.part {
			case partYear:
				out[i] = y
			case partQuarter:
				out[i] = (m-1)/3 + 1
			case partMonth:
				out[i] = m
			case partDay:
				out[i] = dd
			default:
				out[i] = days - civil.DaysFromCivil(y, 1, 1) + 1
			}
		}
	case partHour:
		for i, us := range src {
			out[i] = civil.FloorMod(us, column.MicrosPerDay) / 3_600_000_000
		}
	case partMinute:
		for i, us := range src {
			out[i] = civil.FloorMod(us, 3_600_000_000) / 60_000_000
		}
	case partSecond:
		for i, us := range src {
			out[i] = civil.FloorMod(us, 60_000_000) / 1_000_000
		}
	case partDOW:
		for i, us := range src {
			out[i] = civil.Weekday(civil.FloorDiv(us, column.MicrosPerDay))
		}
	case partWeek:
		for i, us := range src {
			_, w := column.Time(us).ISOWeek()
			out[i] = int64(w)
		}
	case partDate:
		for i, us := range src {
			out[i] = civil.FloorDiv(us, column.MicrosPerDay) * column.MicrosPerDay
		}
	}
	d.Null = ev.copyNulls(p.id, n, a.Null)
	return d, nil
}

// concatNode joins the text forms of its arguments (string + string,
// concat(...), str(x)).
type concatNode struct {
	base
	args  []node
	types []column.Type
}

func (c *concatNode) eval(ev *Evaluator, n int) (*column.Vector, error) {
	vs := ev.argBuf(c.id, len(c.args))
	var nulls []bool
	for k, an := range c.args {
		v, err := ev.run(an, n)
		if err != nil {
			return nil, err
		}
		vs[k] = v
		if v.Null != nil {
			if nulls == nil {
				nulls = ev.nullBuf(c.id, n)
			}
			for i, x := range v.Null[:n] {
				nulls[i] = nulls[i] || x
			}
		}
	}
	d := ev.dst(c.id, column.String, n)
	out := d.Strs[:n]
	for i := range out {
		if nulls != nil && nulls[i] {
			out[i] = ""
			continue
		}
		if len(vs) == 1 && c.types[0] == column.String {
			out[i] = vs[0].Strs[i]
			continue
		}
		m := ev.arena.mark()
		for k, v := range vs {
			ev.arena.buf = appendValue(ev.arena.buf, c.types[k], v, i)
		}
		out[i] = ev.arena.since(m)
	}
	d.Null = nulls
	return d, nil
}

// argBuf returns node id's scratch slice for k argument vectors.
func (ev *Evaluator) argBuf(id, k int) []*column.Vector {
	if ev.args == nil {
		ev.args = make([][]*column.Vector, len(ev.vecs))
	}
	if len(ev.args[id]) != k {
		ev.args[id] = make([]*column.Vector, k)
	}
	return ev.args[id]
}

// condBuf returns node id's scratch slice of n bools.
func (ev *Evaluator) condBuf(id, n int) []bool {
	if ev.conds == nil {
		ev.conds = make([][]bool, len(ev.vecs))
	}
	if cap(ev.conds[id]) < n {
		ev.conds[id] = make([]bool, n)
	}
	return ev.conds[id][:n]
}

// strLenNode is len(s), in characters.
type strLenNode struct {
	base
	x node
}

func (s *strLenNode) eval(ev *Evaluator, n int) (*column.Vector, error) {
	a, err := ev.run(s.x, n)
	if err != nil {
		return nil, err
	}
	d := ev.dst(s.id, column.Int, n)
	out := d.Ints[:n]
	for i, v := range a.Strs[:n] {
		out[i] = int64(utf8.RuneCountInString(v))
	}
	d.Null = ev.copyNulls(s.id, n, a.Null)
	return d, nil
}

// isNullNode is isnull(x) or notnull(x); its result is never null.
type isNullNode struct {
	base
	negate bool
	x      node
}

func (s *isNullNode) eval(ev *Evaluator, n int) (*column.Vector, error) {
	a, err := ev.run(s.x, n)
	if err != nil {
		return nil, err
	}
	d := ev.dst(s.id, column.Bool, n)
	out := d.Bools[:n]
	if a.Null == nil {
		fill(out, s.negate)
	} else {
		for i, x := range a.Null[:n] {
			out[i] = x != s.negate
		}
	}
	return d, nil
}
