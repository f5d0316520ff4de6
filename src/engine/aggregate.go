package engine

import (
	"context"
	"fmt"
	"math"

	"datagen/src/column"
	"datagen/src/dsl"
	"datagen/src/gen"
	"datagen/src/gen/expr"
	"datagen/src/plan"
)

// aggregateGen is the generator of an aggregate column: it copies the
// values that the scan of the child table computed for the parent rows
// [lo, lo+vals.Len()).
type aggregateGen struct {
	typ  column.Type
	lo   int64
	vals *column.Vector
}

// newAggregateGen returns the generator of aggregate column ci of t; its
// values are set by engine.aggregate before the rows are generated.
func newAggregateGen(t *plan.Table, ci int) *aggregateGen {
	for _, a := range t.Aggregates {
		if a.Col == ci {
			return &aggregateGen{typ: aggregateType(a)}
		}
	}
	return &aggregateGen{typ: column.Float}
}

// aggregateType is the type of an aggregate's values: count is an int,
// mean a float, sum an int or a float like its source, min and max the
// source's type.
func aggregateType(a *plan.Aggregate) column.Type {
	src := a.Child.Cols[a.Source].Spec.Type
	switch a.Fn {
	case dsl.AggCount:
		return column.Int
	case dsl.AggMean:
		return column.Float
	case dsl.AggSum:
		if src == column.Int {
			return column.Int
		}
		return column.Float
	}
	return src
}

func (g *aggregateGen) Type() column.Type { return g.typ }

func (g *aggregateGen) Fill(out *column.Vector, b *gen.Batch) error {
	i := b.Start - g.lo
	if g.vals == nil || i < 0 || i+int64(b.N) > int64(g.vals.Len()) {
		return fmt.Errorf("internal error: the aggregate of rows %d to %d was not computed", b.Start, b.Start+int64(b.N))
	}
	out.Reset(g.typ, b.N)
	out.CopyRange(0, g.vals, int(i), int(i)+b.N)
	return nil
}

// aggregate scans, for each child table that ts aggregates, the children
// of parent rows [lo, hi) in row order, and hands the aggregated values to
// the aggregate columns' generators. The children are generated exactly
// as they will be when their own table is written (their columns are pure
// functions of the row, and they read no deferred column of ts).
func (e *engine) aggregate(ctx context.Context, ts *tableState, lo, hi int64) error {
	var children []*plan.Table
	byChild := map[*plan.Table][]*plan.Aggregate{}
	for _, a := range ts.t.Aggregates {
		if ts.need != nil && !ts.need[a.Col] {
			// A scan for another aggregate that does not read this one.
			continue
		}
		if byChild[a.Child] == nil {
			children = append(children, a.Child)
		}
		byChild[a.Child] = append(byChild[a.Child], a)
	}
	for _, child := range children {
		if err := e.scanChild(ctx, ts, child, byChild[child], lo, hi); err != nil {
			return err
		}
	}
	return nil
}

func (e *engine) scanChild(ctx context.Context, ts *tableState, child *plan.Table, aggs []*plan.Aggregate, lo, hi int64) error {
	cts, err := e.prepare(ctx, child)
	if err != nil {
		return err
	}
	// The child is prepared again, from scratch, when its turn comes.
	defer delete(e.tables, child.ID())
	defer cts.release()
	cts.need = make([]bool, len(child.Cols))
	for _, a := range aggs {
		for i, n := range a.Needs {
			cts.need[i] = cts.need[i] || n
		}
	}
	// The child's offsets start at parent row pbase (a relative child
	// holds its part's parents only).
	sc := &aggScan{child: cts, lo: lo - cts.pbase, p: lo - cts.pbase}
	for _, a := range aggs {
		acc, err := newAggAcc(cts, a, hi-lo)
		if err != nil {
			return &Error{Table: ts.t.ID(), Err: fmt.Errorf("column %q: %w", ts.t.Cols[a.Col].Spec.Name, err)}
		}
		sc.accs = append(sc.accs, acc)
	}
	// A preview caps the child's rows: the aggregates then cover the
	// children that are written.
	clo, chi := min(cts.offsets[lo-cts.pbase], cts.rows), min(cts.offsets[hi-cts.pbase], cts.rows)
	if cts.layout.whole {
		cts.allocKept(0, cts.rows)
	} else {
		cts.allocKept(clo, chi)
	}
	if err := e.prepass(ctx, cts, clo, chi); err != nil {
		return err
	}
	if _, err := e.runBlocks(ctx, cts, clo, chi, clo, chi, sc); err != nil {
		return err
	}
	for _, acc := range sc.accs {
		g, ok := ts.cols[acc.a.Col].gen.(*aggregateGen)
		if !ok {
			return fmt.Errorf("table %q: column %q is not an aggregate", ts.t.ID(), ts.t.Cols[acc.a.Col].Spec.Name)
		}
		g.lo, g.vals = lo, acc.result(g.typ)
	}
	return nil
}

// aggScan is the Writer that receives a child's blocks in row order and
// folds each row into the aggregates of its parent.
type aggScan struct {
	child *tableState
	// lo is the first parent row; p the parent of the next child row
	// (both counted from the child's offsets' first parent).
	lo, p int64
	accs  []*aggAcc
}

func (s *aggScan) WriteBlock(b *column.Block) error {
	get := func(name string) *column.Vector {
		if k := s.child.t.ColumnIndex(name); k >= 0 {
			return b.Cols[k]
		}
		return nil
	}
	for _, acc := range s.accs {
		if acc.where != nil {
			if err := acc.where.Eval(get, b.Rows, &acc.keep); err != nil {
				return fmt.Errorf("aggregate where: %w", err)
			}
		}
	}
	offsets := s.child.offsets
	for i := 0; i < b.Rows; i++ {
		r := b.Start + int64(i)
		for offsets[s.p+1] <= r {
			s.p++
		}
		k := int(s.p - s.lo)
		for _, acc := range s.accs {
			acc.add(k, b.Cols[acc.a.Source], i)
		}
	}
	return nil
}

func (s *aggScan) Commit() error { return nil }

func (s *aggScan) Abort() {}

// aggAcc accumulates one aggregate per parent row, in child row order, so
// that a float sum does not depend on how the rows were split into blocks.
type aggAcc struct {
	a     *plan.Aggregate
	where *expr.Evaluator
	keep  column.Vector
	// n counts the values per parent; ints or floats hold the running
	// sum, minimum or maximum.
	n      []int64
	ints   []int64
	floats []float64
	float  bool
	// scale, when > 0, is 10^decimals of a float source with decimals:
	// its sum is kept exactly, in integer units of the last decimal.
	scale float64
}

func newAggAcc(cts *tableState, a *plan.Aggregate, parents int64) (*aggAcc, error) {
	acc := &aggAcc{a: a, n: make([]int64, parents)}
	src := cts.t.Cols[a.Source].Spec.Type
	acc.float = src == column.Float || a.Fn == dsl.AggMean
	if d := cts.t.Cols[a.Source].Spec.Decimals; d != nil && src == column.Float && (a.Fn == dsl.AggSum || a.Fn == dsl.AggMean) {
		acc.scale, acc.float = column.Pow10(*d), false
	}
	if a.Fn != dsl.AggCount {
		if acc.float {
			acc.floats = make([]float64, parents)
		} else {
			acc.ints = make([]int64, parents)
		}
	}
	if a.Where != "" {
		types := map[string]column.Type{}
		for _, c := range cts.t.Cols {
			types[c.Spec.Name] = c.Spec.Type
		}
		p, err := expr.Compile(a.Where, types)
		if err != nil {
			return nil, fmt.Errorf("aggregate where: %w", err)
		}
		if p.Type() != column.Bool {
			return nil, fmt.Errorf("aggregate where must be a condition (bool), got %s", p.Type())
		}
		acc.where = p.NewEvaluator()
	}
	return acc, nil
}

// add folds row i of the source vector v into parent k.
func (acc *aggAcc) add(k int, v *column.Vector, i int) {
	if v.IsNull(i) {
		return
	}
	if acc.where != nil && (acc.keep.IsNull(i) || !acc.keep.Bools[i]) {
		return
	}
	first := acc.n[k] == 0
	acc.n[k]++
	switch acc.a.Fn {
	case dsl.AggCount:
	case dsl.AggSum, dsl.AggMean:
		if acc.scale > 0 {
			acc.ints[k] += int64(math.Round(v.Floats[i] * acc.scale))
		} else if acc.float {
			acc.floats[k] += number(v, i)
		} else {
			acc.ints[k] += v.Ints[i]
		}
	case dsl.AggMin:
		if acc.float {
			if x := v.Floats[i]; first || x < acc.floats[k] {
				acc.floats[k] = x
			}
		} else if x := v.Ints[i]; first || x < acc.ints[k] {
			acc.ints[k] = x
		}
	case dsl.AggMax:
		if acc.float {
			if x := v.Floats[i]; first || x > acc.floats[k] {
				acc.floats[k] = x
			}
		} else if x := v.Ints[i]; first || x > acc.ints[k] {
			acc.ints[k] = x
		}
	}
}

// number is row i of a numeric vector as a float.
func number(v *column.Vector, i int) float64 {
	if v.Type == column.Float {
		return v.Floats[i]
	}
	return float64(v.Ints[i])
}

// result returns the aggregate of every parent as a vector of type t: a
// parent without values gets 0 for sum and count, null otherwise.
func (acc *aggAcc) result(t column.Type) *column.Vector {
	n := len(acc.n)
	out := &column.Vector{}
	out.Reset(t, n)
	for k := 0; k < n; k++ {
		cnt := acc.n[k]
		switch acc.a.Fn {
		case dsl.AggCount:
			out.Ints[k] = cnt
			continue
		case dsl.AggSum:
			switch {
			case acc.scale > 0:
				out.Floats[k] = float64(acc.ints[k]) / acc.scale
			case t == column.Float:
				out.Floats[k] = acc.floats[k]
			default:
				out.Ints[k] = acc.ints[k]
			}
			continue
		}
		if cnt == 0 {
			out.SetNull(k)
			continue
		}
		switch {
		case acc.a.Fn == dsl.AggMean && acc.scale > 0:
			out.Floats[k] = float64(acc.ints[k]) / acc.scale / float64(cnt)
		case acc.a.Fn == dsl.AggMean:
			out.Floats[k] = acc.floats[k] / float64(cnt)
		case t == column.Float:
			out.Floats[k] = acc.floats[k]
		default:
			out.Ints[k] = acc.ints[k]
		}
	}
	return out
}
