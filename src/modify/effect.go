package modify

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/bits"
	"slices"

	"datagen/src/column"
	"datagen/src/dsl"
	"datagen/src/rng"
)

// maxEffectKeys bounds the number of "on" pairs of one effect.
const maxEffectKeys = 8

// effectAttempts is how many times a datetime effect redraws a rejected
// timestamp.
const effectAttempts = 32

type overlapMode uint8

const (
	overlapFirst overlapMode = iota
	overlapProduct
	overlapSum
	overlapMax
)

type keyKind uint8

const (
	keyInt keyKind = iota // int, datetime, date and bool (0/1) effect keys
	keyFloat
	keyString
)

// keyCol maps the values of one effect-table key column to dense codes.
type keyCol struct {
	local, remote string
	kind          keyKind
	ints          map[int64]int32
	flts          map[float64]int32
	strs          map[string]int32
	n             int32
}

// add returns the code of row i of the remote column c, or -1 for null.
func (k *keyCol) add(c *column.Vector, i int) int32 {
	if c.IsNull(i) {
		return -1
	}
	var code int32
	var ok bool
	switch k.kind {
	case keyInt:
		x := int64(0)
		if c.Type == column.Bool {
			x = int64(b2i(c.Bools[i]))
		} else {
			x = c.Ints[i]
		}
		if code, ok = k.ints[x]; !ok {
			code = k.n
			k.ints[x] = code
		}
	case keyFloat:
		x := c.Floats[i]
		if x != x {
			return -1 // NaN never equals a key
		}
		if code, ok = k.flts[x]; !ok {
			code = k.n
			k.flts[x] = code
		}
	case keyString:
		if code, ok = k.strs[c.Strs[i]]; !ok {
			code = k.n
			k.strs[c.Strs[i]] = code
		}
	}
	if !ok {
		k.n++
	}
	return code
}

// code returns the code of row i of the local vector lv, or false when the
// value is null or absent from the effect table.
func (k *keyCol) code(lv *column.Vector, i int) (int32, bool) {
	if lv.Null != nil && lv.Null[i] {
		return 0, false
	}
	var c int32
	var ok bool
	switch k.kind {
	case keyInt:
		switch lv.Type {
		case column.Float:
			f := lv.Floats[i]
			if f != math.Trunc(f) || math.Abs(f) >= 1<<63 {
				return 0, false
			}
			c, ok = k.ints[int64(f)]
		case column.Bool:
			c, ok = k.ints[int64(b2i(lv.Bools[i]))]
		default:
			c, ok = k.ints[lv.Ints[i]]
		}
	case keyFloat:
		switch lv.Type {
		case column.Float:
			c, ok = k.flts[lv.Floats[i]]
		case column.Bool:
			c, ok = k.flts[float64(b2i(lv.Bools[i]))]
		default:
			c, ok = k.flts[float64(lv.Ints[i])]
		}
	case keyString:
		c, ok = k.strs[lv.Strs[i]]
	}
	return c, ok
}

// compatible reports whether values of type t can be compared with the
// effect key.
func (k *keyCol) compatible(t column.Type) bool {
	if k.kind == keyString {
		return t == column.String
	}
	return t != column.String && t != column.Invalid
}

// segNode is a node of the segment tree used to build a group: the
// windows assigned to it (cnt), the smallest effect-table row among them
// (first) and their combined value (agg).
type segNode struct {
	agg   float64
	first int32
	cnt   int32
}

// group holds the effect values of one key value as a step function of
// time. Windows are half-open [start, end+1) in microseconds; xs are the
// sorted distinct window boundaries and vals[p] is the combined value on
// [xs[p], xs[p+1]) (the default where no window covers it). Memory is
// linear in the number of windows; a lookup is one binary search.
type group struct {
	xs   []int64
	vals []float64
	// mmax is the largest value the effect takes for this key (default
	// included), the envelope of datetime thinning.
	mmax float64
	// Optional bucket table narrowing the binary search (see buildGrid).
	first          []int32
	gridLo, gridHi int64
	shift          uint
}

// effectIndex answers "which value does the effect take for this key at
// time ts" in O(log n) with memory proportional to the effect table.
type effectIndex struct {
	mode   overlapMode
	def    float64
	vals   []float64 // field value per effect row; null → def
	keys   []keyCol
	tuple  map[string]int32 // group of a code tuple, when len(keys) > 1
	groups []group
}

// window is one effect row's time window.
type window struct {
	row    int32
	lo, hi int64 // half-open
}

func (x *effectIndex) neutral() float64 {
	switch x.mode {
	case overlapProduct:
		return 1
	case overlapMax:
		return math.Inf(-1)
	}
	return 0
}

func (x *effectIndex) combine(acc, v float64) float64 {
	switch x.mode {
	case overlapProduct:
		return acc * v
	case overlapSum:
		return acc + v
	case overlapMax:
		return math.Max(acc, v)
	}
	return acc
}

// buildGroup computes the step function of a group's windows. Every
// window is added to the O(log n) nodes of a segment tree over the
// elementary intervals that cover it (range update); the value of an
// elementary interval then combines the nodes on its leaf-to-root path
// (point query). Build time is O(n log n) whatever the overlap.
func buildGroup(x *effectIndex, ws []window) group {
	var g group
	xs := make([]int64, 0, 2*len(ws))
	for _, w := range ws {
		xs = append(xs, w.lo, w.hi)
	}
	slices.Sort(xs)
	xs = slices.Compact(xs)
	g.xs = xs
	g.mmax = x.def
	leaves := len(xs) - 1
	if leaves <= 0 {
		g.xs = nil
		return g
	}
	nodes := make([]segNode, 2*leaves)
	neutral := x.neutral()
	for i := range nodes {
		nodes[i] = segNode{agg: neutral, first: math.MaxInt32}
	}
	put := func(n *segNode, w window) {
		n.cnt++
		n.first = min(n.first, w.row)
		n.agg = x.combine(n.agg, x.vals[w.row])
	}
	for _, w := range ws {
		l, _ := slices.BinarySearch(xs, w.lo)
		r, _ := slices.BinarySearch(xs, w.hi)
		for l, r = l+leaves, r+leaves; l < r; l, r = l>>1, r>>1 {
			if l&1 == 1 {
				put(&nodes[l], w)
				l++
			}
			if r&1 == 1 {
				r--
				put(&nodes[r], w)
			}
		}
	}
	g.vals = make([]float64, leaves)
	for p := range leaves {
		cnt, first, agg := int32(0), int32(math.MaxInt32), neutral
		for i := p + leaves; i >= 1; i >>= 1 {
			n := &nodes[i]
			if n.cnt == 0 {
				continue
			}
			cnt += n.cnt
			first = min(first, n.first)
			agg = x.combine(agg, n.agg)
		}
		switch {
		case cnt == 0:
			agg = x.def
		case x.mode == overlapFirst:
			agg = x.vals[first]
		}
		g.vals[p] = agg
		g.mmax = math.Max(g.mmax, agg)
	}
	g.buildGrid()
	return g
}

// buildGrid adds a bucket table over the group's finite boundaries: the
// span is cut into about 2·leaves equal buckets (a power of two in
// microseconds wide) and first[b] is the leaf containing bucket b's start,
// so a lookup binary-searches only the few leaves of one bucket. The table
// has at most 2·leaves+1 entries.
func (g *group) buildGrid() {
	n := len(g.vals)
	if n < 8 {
		return // a plain binary search is as fast
	}
	lo, hi := g.xs[0], g.xs[n]
	if lo == math.MinInt64 {
		lo = g.xs[1]
	}
	if hi == math.MaxInt64 {
		hi = g.xs[n-1]
	}
	if hi <= lo {
		return
	}
	nb := uint64(1) << bits.Len(uint(2*n-1))
	span := uint64(hi) - uint64(lo)
	shift := uint(0)
	for span>>shift >= nb {
		shift++
	}
	used := int(span>>shift) + 1
	first := make([]int32, used+1)
	p := 0
	for b := range used + 1 {
		start := hi
		if off := uint64(b) << shift; off <= span {
			start = int64(uint64(lo) + off)
		}
		for p+1 < n && g.xs[p+1] <= start {
			p++
		}
		first[b] = int32(p)
	}
	g.first, g.gridLo, g.gridHi, g.shift = first, lo, hi, shift
}

// value is the effect value at ts for group g, def outside every window.
func (g *group) value(ts int64, def float64) float64 {
	xs := g.xs
	n := len(g.vals)
	if n == 0 || ts < xs[0] || ts >= xs[n] {
		return def
	}
	// The leaf is the largest p with xs[p] <= ts, within [p, q].
	p, q := 0, n-1
	if g.first != nil && ts >= g.gridLo && ts < g.gridHi {
		b := (uint64(ts) - uint64(g.gridLo)) >> g.shift
		p, q = int(g.first[b]), int(g.first[b+1])
	}
	for size := q - p + 1; size > 1; {
		half := size >> 1
		if xs[p+half] <= ts {
			p += half
		}
		size -= half
	}
	return g.vals[p]
}

// groupOf returns the group of row i given the local key vectors, or -1.
func (x *effectIndex) groupOf(locals []*column.Vector, i int) int32 {
	switch len(x.keys) {
	case 0:
		return 0
	case 1:
		c, ok := x.keys[0].code(locals[0], i)
		if !ok {
			return -1
		}
		return c
	}
	var buf [4 * maxEffectKeys]byte
	for j := range x.keys {
		c, ok := x.keys[j].code(locals[j], i)
		if !ok {
			return -1
		}
		binary.LittleEndian.PutUint32(buf[4*j:], uint32(c))
	}
	g, ok := x.tuple[string(buf[:4*len(x.keys)])]
	if !ok {
		return -1
	}
	return g
}

// rowValue is the effect value of row i: tc holds the timestamps (nil when
// the effect has no window) and locals the key vectors. A null timestamp
// or key gets the default.
func (x *effectIndex) rowValue(tc *column.Vector, locals []*column.Vector, i int) float64 {
	var t int64
	if tc != nil {
		if tc.IsNull(i) {
			return x.def
		}
		t = tc.Ints[i]
	}
	g := x.groupOf(locals, i)
	if g < 0 {
		return x.def
	}
	return x.groups[g].value(t, x.def)
}

// effectColumn fetches a named column of the effect table.
func effectColumn(tab Table, table, name, role string, rows int64) (*column.Vector, error) {
	c := tab.Column(name)
	if c == nil {
		return nil, fmt.Errorf("effect table %q has no column %q (%s)", table, name, role)
	}
	if int64(c.Len()) < rows {
		return nil, fmt.Errorf("effect table %q column %q has %d values for %d rows", table, name, c.Len(), rows)
	}
	return c, nil
}

func buildEffectIndex(a *dsl.EffectArgs, tab Table, fieldOptional bool) (*effectIndex, error) {
	x := &effectIndex{def: a.Default}
	switch a.Overlap {
	case "", "first":
		x.mode = overlapFirst
	case "product":
		x.mode = overlapProduct
	case "sum":
		x.mode = overlapSum
	case "max":
		x.mode = overlapMax
	default:
		return nil, fmt.Errorf("overlap %q: want first, product, sum or max", a.Overlap)
	}
	if len(a.On) > maxEffectKeys {
		return nil, fmt.Errorf("on has %d key pairs, at most %d are supported", len(a.On), maxEffectKeys)
	}
	rows := tab.Rows()
	if rows > math.MaxInt32 {
		return nil, fmt.Errorf("effect table %q has %d rows, more than an effect table can hold", a.EffectTable, rows)
	}
	n := int(rows)
	// Window columns; an empty name leaves that side of every window open.
	var startC, endC *column.Vector
	for _, c := range []struct {
		name, role string
		v          **column.Vector
	}{{a.StartCol, "window.start_col", &startC}, {a.EndCol, "window.end_col", &endC}} {
		if c.name == "" {
			continue
		}
		v, err := effectColumn(tab, a.EffectTable, c.name, c.role, rows)
		if err != nil {
			return nil, err
		}
		if !v.Type.IsTime() {
			return nil, fmt.Errorf("effect table %q window column %q is %s, not datetime or date", a.EffectTable, c.name, v.Type)
		}
		*c.v = v
	}
	x.vals = make([]float64, n)
	fieldC, err := effectColumn(tab, a.EffectTable, a.Field, "map.field", rows)
	if err != nil && (!fieldOptional || tab.Column(a.Field) != nil) {
		return nil, err
	}
	for i := range n {
		switch {
		case fieldC == nil:
			x.vals[i] = 1 // optional field absent: a match counts as 1
		case fieldC.IsNull(i):
			x.vals[i] = a.Default
		case fieldC.Type == column.Int:
			x.vals[i] = float64(fieldC.Ints[i])
		case fieldC.Type == column.Float:
			x.vals[i] = fieldC.Floats[i]
		default:
			return nil, fmt.Errorf("effect table %q field %q is %s, not int or float", a.EffectTable, a.Field, fieldC.Type)
		}
	}

	// Key codes per effect row.
	codes := make([][]int32, len(a.On))
	for j, kp := range a.On {
		rc, err := effectColumn(tab, a.EffectTable, kp.Remote, "on key", rows)
		if err != nil {
			return nil, err
		}
		k := keyCol{local: kp.Local, remote: kp.Remote}
		switch rc.Type {
		case column.Int, column.Timestamp, column.Date, column.Bool:
			k.kind, k.ints = keyInt, map[int64]int32{}
		case column.Float:
			k.kind, k.flts = keyFloat, map[float64]int32{}
		case column.String:
			k.kind, k.strs = keyString, map[string]int32{}
		default:
			return nil, fmt.Errorf("effect table %q key column %q has unsupported type %s", a.EffectTable, kp.Remote, rc.Type)
		}
		codes[j] = make([]int32, n)
		for i := range n {
			codes[j][i] = k.add(rc, i)
		}
		x.keys = append(x.keys, k)
	}

	// Group of each effect row.
	rowGroup := make([]int32, n)
	ngroups := int32(1)
	switch len(x.keys) {
	case 0:
	case 1:
		copy(rowGroup, codes[0])
		ngroups = x.keys[0].n
	default:
		x.tuple = map[string]int32{}
		ngroups = 0
		var buf [4 * maxEffectKeys]byte
	rowsLoop:
		for i := range n {
			for j := range x.keys {
				if codes[j][i] < 0 {
					rowGroup[i] = -1
					continue rowsLoop
				}
				binary.LittleEndian.PutUint32(buf[4*j:], uint32(codes[j][i]))
			}
			key := string(buf[:4*len(x.keys)])
			g, ok := x.tuple[key]
			if !ok {
				g = ngroups
				x.tuple[key] = g
				ngroups++
			}
			rowGroup[i] = g
		}
	}

	// Windows per group, then one segment tree per group.
	byGroup := make([][]window, ngroups)
	endIsDate := endC != nil && endC.Type == column.Date
	for i := range n {
		g := rowGroup[i]
		if g < 0 {
			continue
		}
		lo, hi := int64(math.MinInt64), int64(math.MaxInt64)
		if startC != nil && !startC.IsNull(i) {
			lo = startC.Ints[i]
		}
		if endC != nil && !endC.IsNull(i) {
			e := endC.Ints[i]
			if endIsDate {
				e = addSat(e, column.MicrosPerDay-1) // a date end includes its whole day
			}
			hi = addSat(e, 1)
		}
		if lo >= hi {
			continue // window ends before it starts: never matches
		}
		byGroup[g] = append(byGroup[g], window{row: int32(i), lo: lo, hi: hi})
	}
	x.groups = make([]group, ngroups)
	for g, ws := range byGroup {
		x.groups[g] = buildGroup(x, ws)
	}
	return x, nil
}

func compileEffect(a *dsl.EffectArgs, in column.Type, key rng.Key, env Env) (Modifier, error) {
	isTime := in.IsTime()
	if !isTime && !in.IsNumeric() {
		return nil, fmt.Errorf("needs an int, float, datetime or date column, got %s", in)
	}
	var op bool // true: add
	switch a.Op {
	case "", "mul":
	case "add":
		if isTime {
			return nil, fmt.Errorf("op add is not defined on a %s column: a datetime effect modulates the event rate and needs op mul", in)
		}
		op = true
	default:
		return nil, fmt.Errorf("map.op %q: want mul or add", a.Op)
	}
	ts := a.TS
	if isTime {
		if ts != "" && env.Column != nil && ts != env.Column.Name {
			return nil, fmt.Errorf("ts %q: on a datetime column the window is matched against the column's own values; leave ts unset", ts)
		}
	} else if a.StartCol != "" || a.EndCol != "" {
		if ts == "" {
			ts = env.TSColumn
		}
		if ts == "" {
			return nil, fmt.Errorf("no timestamp column to match windows against: set args.ts or declare a datetime column before this one")
		}
		if err := checkTimeColumn(env, "ts", ts); err != nil {
			return nil, err
		}
	}
	if env.Node != nil {
		for _, kp := range a.On {
			lc := env.Node.Column(kp.Local)
			if lc == nil {
				return nil, fmt.Errorf("on key %q is not a column of table %q", kp.Local, env.Node.ID)
			}
		}
	}
	if env.Tables == nil {
		return nil, fmt.Errorf("effect table %q is not available", a.EffectTable)
	}
	tab, err := env.Tables(a.EffectTable)
	if err != nil {
		return nil, fmt.Errorf("effect table %q: %w", a.EffectTable, err)
	}
	if tab == nil {
		return nil, fmt.Errorf("effect table %q is not available", a.EffectTable)
	}
	x, err := buildEffectIndex(a, tab, false)
	if err != nil {
		return nil, err
	}
	if env.Node != nil {
		for _, k := range x.keys {
			lc := env.Node.Column(k.local)
			if lt := lc.Type; !k.compatible(lt) {
				return nil, fmt.Errorf("on key %q (%s) cannot be compared with effect table %q column %q", k.local, lt, a.EffectTable, k.remote)
			}
		}
	}
	if isTime {
		possible := x.def > 0
		for g := range x.groups {
			possible = possible || x.groups[g].mmax > 0
		}
		if !possible {
			return nil, fmt.Errorf("every multiplier of effect table %q (default included) is <= 0, so no timestamp could be kept", a.EffectTable)
		}
	}
	return &effect{idx: x, ts: ts, add: op, key: key}, nil
}

// effect applies an effect table to a column; see Compile.
type effect struct {
	idx *effectIndex
	ts  string // numeric vectors: the timestamp column; "" without a window
	add bool
	key rng.Key
}

func (m *effect) OutType(in column.Type) column.Type { return numericOut(in) }

// locals fetches the block's key columns.
func (m *effect) locals(ctx *Context, n int, out *[maxEffectKeys]*column.Vector) error {
	for j := range m.idx.keys {
		k := &m.idx.keys[j]
		var c *column.Vector
		if ctx.Col != nil {
			c = ctx.Col(k.local)
		}
		if c == nil {
			return fmt.Errorf("key column %q is not available in this block (it must be generated before this column)", k.local)
		}
		if c.Len() < n {
			return fmt.Errorf("key column %q has %d rows, the block has %d", k.local, c.Len(), n)
		}
		if !k.compatible(c.Type) {
			return fmt.Errorf("key column %q (%s) cannot be compared with effect column %q", k.local, c.Type, k.remote)
		}
		out[j] = c
	}
	return nil
}

func (m *effect) Apply(v *column.Vector, ctx *Context) error {
	if v.Type.IsTime() {
		if err := m.applyTime(v, ctx); err != nil {
			return fmt.Errorf("effect: %w", err)
		}
		return nil
	}
	fs, err := toFloats(v)
	if err != nil {
		return fmt.Errorf("effect: %w", err)
	}
	var tc *column.Vector // nil without a window: rows match at any time
	if m.ts != "" {
		if tc, err = tsColumn(ctx, m.ts, len(fs)); err != nil {
			return fmt.Errorf("effect: %w", err)
		}
	}
	var locals [maxEffectKeys]*column.Vector
	if err := m.locals(ctx, len(fs), &locals); err != nil {
		return fmt.Errorf("effect: %w", err)
	}
	x := m.idx
	nulls := v.Null
	for i := range fs {
		if nulls != nil && nulls[i] {
			continue
		}
		val := x.rowValue(tc, locals[:], i)
		if m.add {
			fs[i] += val
		} else {
			fs[i] *= val
		}
	}
	return nil
}

// applyTime thins timestamps: a value at ts is kept with probability
// m(ts)/mmax, otherwise the generator redraws it (ctx.Resample), up to
// effectAttempts times; then the last redraw with m > 0 is kept, or the
// original value when there is none.
func (m *effect) applyTime(v *column.Vector, ctx *Context) error {
	if err := needRand(ctx); err != nil {
		return err
	}
	if ctx.Resample == nil {
		return fmt.Errorf("a datetime effect redraws rejected timestamps, and this column's generator cannot redraw")
	}
	var locals [maxEffectKeys]*column.Vector
	if err := m.locals(ctx, v.Len(), &locals); err != nil {
		return err
	}
	x := m.idx
	r := ctx.Rand
	ts := v.Ints
	nulls := v.Null
	for i, t := range ts {
		if nulls != nil && nulls[i] {
			continue
		}
		g := x.groupOf(locals[:], i)
		if g < 0 {
			continue // constant multiplier (the default): nothing to thin
		}
		grp := &x.groups[g]
		if grp.mmax <= 0 {
			continue
		}
		row := ctx.Start + int64(i)
		r.Reset(m.key, row)
		val := grp.value(t, x.def)
		if r.S.Float64()*grp.mmax < val {
			continue
		}
		last, haveLast := t, val > 0
		for a := 1; a <= effectAttempts; a++ {
			c := ctx.Resample(row, a)
			val = grp.value(c, x.def)
			if val > 0 {
				last, haveLast = c, true
			}
			if r.S.Float64()*grp.mmax < val {
				last, haveLast = c, true
				break
			}
		}
		if haveLast {
			ts[i] = last
		}
	}
	return nil
}

// EffectLookup answers effect-table lookups outside a column modifier, for
// example for table-level effects that scale fanout counts. It applies the
// same matching, overlap and default rules as the effect modifier, and is
// safe for concurrent use.
type EffectLookup struct {
	x *effectIndex
}

// NewEffectLookup indexes tab for the effect a. When fieldOptional is true
// and tab has no column a.Field, every matching row counts as 1 (so a
// default of 0 means "only inside the windows").
func NewEffectLookup(a *dsl.EffectArgs, tab Table, fieldOptional bool) (*EffectLookup, error) {
	x, err := buildEffectIndex(a, tab, fieldOptional)
	if err != nil {
		return nil, err
	}
	return &EffectLookup{x: x}, nil
}

// Keys returns the local key column names (the "on" keys), in the order
// Value expects their vectors.
func (e *EffectLookup) Keys() []string {
	out := make([]string, len(e.x.keys))
	for i, k := range e.x.keys {
		out[i] = k.local
	}
	return out
}

// CheckKeys reports whether the vectors can be compared with the effect
// table's key columns (one vector per Keys entry).
func (e *EffectLookup) CheckKeys(keys []*column.Vector) error {
	if len(keys) != len(e.x.keys) {
		return fmt.Errorf("effect lookup: %d key vectors for %d keys", len(keys), len(e.x.keys))
	}
	for j, k := range e.x.keys {
		if keys[j] == nil || !k.compatible(keys[j].Type) {
			return fmt.Errorf("effect lookup: key %q cannot be compared with effect column %q", k.local, k.remote)
		}
	}
	return nil
}

// Value returns the effect value for row i of the key vectors (checked
// with CheckKeys) at ts: the combined field of the matching effect rows,
// or the default when none matches or a key is null.
func (e *EffectLookup) Value(keys []*column.Vector, i int, ts int64) float64 {
	g := e.x.groupOf(keys, i)
	if g < 0 {
		return e.x.def
	}
	return e.x.groups[g].value(ts, e.x.def)
}
