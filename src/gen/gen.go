// Package gen implements the DSL's column generators. A generator is
// compiled once per column and then fills typed vectors block by block;
// every value is a pure function of (seed, table, column, row index) and
// of the same row's other columns, never of the block boundaries.
package gen

import (
	"fmt"

	"datagen/src/column"
	"datagen/src/dsl"
	"datagen/src/rng"
)

// Batch describes the block of rows being generated.
type Batch struct {
	// Start is the table row index of the first row.
	Start int64
	// N is the number of rows.
	N int
	// Parent holds, for facts with parents, the primary parent's row
	// index of each row; nil otherwise.
	Parent []int64
	// Col returns an already computed column of this block, or nil.
	Col func(name string) *column.Vector
	// Rand is the worker's generator; Reset it per row before drawing.
	Rand *rng.Rand
	// RowTime holds, for a table that takes its primary parent row's
	// time, the time of each row (µs; null when the parent's is); nil
	// otherwise.
	RowTime *column.Vector
}

// Generator fills a vector with a column's base values.
type Generator interface {
	// Type is the type of the vectors Fill produces.
	Type() column.Type
	// Fill writes the batch's rows into out (reset to Type and b.N rows).
	Fill(out *column.Vector, b *Batch) error
}

// Env is what compiling a generator can see.
type Env struct {
	Seed   int64
	Node   *dsl.Node
	Column *dsl.Column
	// Key is the column's random stream.
	Key rng.Key
	// Timeframe is the document's time window.
	Timeframe dsl.Timeframe
	// Tables returns a generated table by id (its kept columns).
	Tables func(id string) (column.Table, error)
	// PrimaryParent is the id of the node's primary parent, or "".
	PrimaryParent string
	// ColumnType returns the vector type of another column of the node
	// (computed before this one), or Invalid.
	ColumnType func(name string) column.Type
	// Patterns are extra time patterns (from seasonality modifiers of a
	// datetime column) that a datetime generator samples with.
	Patterns []dsl.Pattern
	// TableRows is the number of rows of the table being generated.
	TableRows int64
	// RowPure, when set, reports whether a column of another table is a
	// pure function of its row (start + row·step): a random lookup of it
	// computes the value instead of reading the table, which a part of a
	// split run may hold only in part.
	RowPure func(table, column string) (start, step int64, ok bool)
	// AtTime makes a lookup of a changing column read the version
	// current at the row's time: the column TimeColumn of the same row,
	// or Batch.RowTime when TimeColumn is "".
	AtTime     bool
	TimeColumn string
	// Offsets are the fanout prefix sums of a fact with parents: the
	// children of primary-parent row p are rows [Offsets[p],
	// Offsets[p+1]). Nil for other tables.
	Offsets []int64
}

// Error is a compilation error of one column.
type Error struct {
	Table, Column string
	Err           error
}

func (e *Error) Error() string {
	return fmt.Sprintf("table %q, column %q: %v", e.Table, e.Column, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// UserFault reports true: the schema caused it (see input.IsUser).
func (e *Error) UserFault() bool { return true }

// Compile returns the generator of env.Column.
func Compile(env *Env) (Generator, error) {
	g, err := compile(env)
	if err != nil {
		return nil, &Error{Table: env.Node.ID, Column: env.Column.Name, Err: err}
	}
	return g, nil
}

// Resampler is implemented by generators that can redraw a row's value
// (attempt 1, 2, ...) from an independent stream, for modifiers that thin
// a time distribution.
type Resampler interface {
	Resample(r *rng.Rand, row int64, attempt int) int64
}

// Redrawer is implemented by generators whose values are drawn
// independently per row and can be drawn again from independent streams
// (attempt 1, 2, ...): the engine redraws the later column of a declared
// inequality in the rows that violate it. Redraw writes row's value at
// index i of out (of the generator's Type).
type Redrawer interface {
	Redraw(out *column.Vector, i int, r *rng.Rand, row int64, attempt int)
}

func compile(env *Env) (Generator, error) {
	g := env.Column.Generator
	switch g.Kind {
	case dsl.GenSequence:
		return &sequence{start: g.Sequence.Start, step: g.Sequence.Step}, nil
	case dsl.GenChoice:
		return newChoice(env)
	case dsl.GenDistribution:
		return newDistribution(env)
	case dsl.GenEnumList:
		return newEnumList(env)
	case dsl.GenLookup:
		return newLookup(env)
	case dsl.GenDatetimeSeries:
		return newDatetime(env)
	case dsl.GenFaker:
		return newFaker(env)
	case dsl.GenExpression:
		return newExpression(env)
	}
	return nil, fmt.Errorf("unknown generator %q", g.Kind)
}

// sequence yields start + i*step.
type sequence struct{ start, step int64 }

func (s *sequence) Type() column.Type { return column.Int }

func (s *sequence) Fill(out *column.Vector, b *Batch) error {
	out.Reset(column.Int, b.N)
	v := s.start + b.Start*s.step
	for i := range out.Ints {
		out.Ints[i] = v
		v += s.step
	}
	return nil
}
