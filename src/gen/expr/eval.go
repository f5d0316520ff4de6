package expr

import (
	"fmt"

	"datagen/src/column"
)

// typeDuration and typeNull are internal value types that never reach a
// column: a duration (int64 microseconds, stored in Ints) and the type of
// the null literal.
const (
	typeDuration column.Type = 100 + iota
	typeNull
)

// typeName names a value type in error messages.
func typeName(t column.Type) string {
	switch t {
	case typeDuration:
		return "duration"
	case typeNull:
		return "null"
	}
	return t.String()
}

// vecType is the column.Type used for a vector holding values of type t.
func vecType(t column.Type) column.Type {
	if t == typeDuration {
		return column.Int
	}
	return t
}

// isInts reports whether values of type t are stored in Vector.Ints.
func isInts(t column.Type) bool {
	return t == column.Int || t == column.Timestamp || t == column.Date || t == typeDuration
}

// node is a compiled expression node. eval computes the node over rows
// [0, n) and returns a vector that the caller must not modify: the node's
// own scratch vector, an input column, or the output vector for the root.
type node interface {
	info() *base
	eval(ev *Evaluator, n int) (*column.Vector, error)
}

// base holds what every node has: its index in the evaluator's scratch
// tables and its value type.
type base struct {
	id int
	t  column.Type
}

func (b *base) info() *base { return b }

// Evaluator is the per-worker state of a Program: one scratch vector and
// null buffer per node, reused from block to block. It is not safe for
// concurrent use; create one per worker with Program.NewEvaluator.
type Evaluator struct {
	p       *Program
	vecs    []column.Vector
	nulls   [][]bool
	filled  []int // rows of constant vectors already filled
	stamp   []uint64
	cache   []*column.Vector
	gen     uint64
	get     func(string) *column.Vector
	out     *column.Vector
	outNull []bool
	args    [][]*column.Vector // per node: argument vectors of variadic nodes
	conds   [][]bool           // per node: cleaned conditions of if()
	arena   arena
}

// NewEvaluator returns fresh per-worker evaluation state for p.
func (p *Program) NewEvaluator() *Evaluator {
	return &Evaluator{
		p:      p,
		vecs:   make([]column.Vector, p.nodes),
		nulls:  make([][]bool, p.nodes),
		filled: make([]int, p.nodes),
		stamp:  make([]uint64, p.nodes),
		cache:  make([]*column.Vector, p.nodes),
	}
}

// Eval computes the expression for rows [0, n) into out, reading input
// columns through get (which must return a vector of at least n rows of
// the type the program was compiled with, for every name in
// Program.Columns). out is reset to the program's type and n rows; it
// must not be one of the input vectors. Rows whose inputs are null, or
// whose computation has no defined value (division by zero, log of a
// negative number, ...), are null in out. Eval returns an error only
// when an input column is missing or malformed.
//
// String results point into memory allocated once per call; all other
// results allocate nothing once the evaluator has seen a block of n rows.
func (e *Evaluator) Eval(get func(name string) *column.Vector, n int, out *column.Vector) error {
	if n < 0 {
		return fmt.Errorf("expression %q: negative row count %d", e.p.code, n)
	}
	e.gen++
	e.get = get
	e.outNull = out.Null[:0]
	e.out = out
	e.arena.begin(e.p.typ == column.String)
	defer func() {
		e.get = nil
		e.out = nil
		e.outNull = nil
	}()
	v, err := e.run(e.p.root, n)
	if err != nil {
		return fmt.Errorf("expression %q: %w", e.p.code, err)
	}
	e.finish(v, n, out)
	return nil
}

// run evaluates nd once per Eval call (a node shared by a chained
// comparison is computed once).
func (e *Evaluator) run(nd node, n int) (*column.Vector, error) {
	b := nd.info()
	if e.stamp[b.id] == e.gen {
		return e.cache[b.id], nil
	}
	v, err := nd.eval(e, n)
	if err != nil {
		return nil, err
	}
	e.stamp[b.id] = e.gen
	e.cache[b.id] = v
	return v, nil
}

// dst returns the vector node id writes its result to, reset to n rows of
// type t: the output vector for the root, a scratch vector otherwise.
func (e *Evaluator) dst(id int, t column.Type, n int) *column.Vector {
	v := &e.vecs[id]
	if id == e.p.root.info().id {
		v = e.out
	}
	v.Reset(vecType(t), n)
	return v
}

// nullBuf returns node id's null buffer, n rows, all false.
func (e *Evaluator) nullBuf(id, n int) []bool {
	root := id == e.p.root.info().id
	b := e.nulls[id]
	if root {
		b = e.outNull
	}
	if cap(b) < n {
		b = make([]bool, n)
	} else {
		b = b[:n]
		clear(b)
	}
	if root {
		e.outNull = b
	} else {
		e.nulls[id] = b
	}
	return b
}

// mergeNulls returns the union of two null masks in node id's buffer, or
// nil when neither has nulls.
func (e *Evaluator) mergeNulls(id, n int, a, b []bool) []bool {
	if a == nil && b == nil {
		return nil
	}
	buf := e.nullBuf(id, n)
	if a != nil {
		copy(buf, a[:n])
	}
	if b != nil {
		b = b[:n]
		for i := range buf {
			buf[i] = buf[i] || b[i]
		}
	}
	return buf
}

// copyNulls returns a copy of mask a in node id's buffer, or nil.
func (e *Evaluator) copyNulls(id, n int, a []bool) []bool {
	return e.mergeNulls(id, n, a, nil)
}

// markNonFinite marks rows holding NaN or ±Inf as null.
func (e *Evaluator) markNonFinite(id, n int, f []float64, nulls []bool) []bool {
	for i, x := range f {
		if x-x != 0 {
			if nulls == nil {
				nulls = e.nullBuf(id, n)
			}
			nulls[i] = true
		}
	}
	return nulls
}

// finish moves the root's result into out: values are copied unless the
// root wrote into out directly, the null mask is owned by out, and null
// rows hold the zero value.
func (e *Evaluator) finish(v *column.Vector, n int, out *column.Vector) {
	if v != out {
		out.Reset(e.p.typ, n)
		out.CopyValues(0, v, 0, n)
	}
	out.Type = e.p.typ
	var nulls []bool
	if v.Null != nil {
		nulls = v.Null[:n]
	}
	has := false
	for _, x := range nulls {
		if x {
			has = true
			break
		}
	}
	if !has {
		out.Null = nil
		return
	}
	if n > 0 && (len(e.outNull) < n || &nulls[0] != &e.outNull[0]) {
		buf := e.outNull
		if cap(buf) < n {
			buf = make([]bool, n)
		}
		buf = buf[:n]
		copy(buf, nulls)
		nulls = buf
	}
	out.Null = nulls
	for i, x := range nulls {
		if x {
			out.ClearRow(i)
		}
	}
}
