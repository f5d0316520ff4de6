// Package modify implements the DSL's column modifiers (multiply, add,
// clamp, jitter, map_values, seasonality, time_jitter, effect, outliers,
// trend) over typed column vectors, block by block, with counter-based
// randomness so that results do not depend on how rows are split into
// blocks or workers.
package modify

import (
	"datagen/src/column"
	"datagen/src/dsl"
	"datagen/src/rng"
)

// Table is a fully generated (materialised) table that modifiers can read,
// such as an effect table.
type Table interface {
	// Rows is the number of rows.
	Rows() int64
	// Column returns the full column with the given name, or nil.
	Column(name string) *column.Vector
}

// Env is what compilation can see.
type Env struct {
	// Key is the column's random stream key; modifier i draws from
	// Key.Sub("modifier", i).
	Key rng.Key
	// Index is the modifier's position in the column's list.
	Index int
	// Column is the DSL column being modified.
	Column *dsl.Column
	// Node is the node the column belongs to.
	Node *dsl.Node
	// ValueType is the type of the vector the modifier receives (the
	// generator's natural output type, which may differ from Column.Type;
	// the engine casts to Column.Type after all modifiers).
	ValueType column.Type
	// TSColumn is the column of this node that time-dependent modifiers
	// (effect, seasonality on non-time columns, trend) read, resolved by
	// the planner; empty when the node has none.
	TSColumn string
	// Timeframe of the document, in microseconds since the epoch (UTC).
	TimeframeStart, TimeframeEnd int64
	// Tables returns a materialised table by node id (effect tables).
	Tables func(id string) (Table, error)
	// Growing is set when the table's rows grow with an open timeline:
	// nothing may depend on its row count, so outliers pick each row with
	// probability rate instead of an exact share of the rows.
	Growing bool
}

// Context is what a modifier sees of the block being generated.
type Context struct {
	// Start is the table row index of the block's first row.
	Start int64
	// Rows is the number of rows in the block.
	Rows int
	// TotalRows is the number of rows of the whole table (all parts).
	TotalRows int64
	// Col returns a column of the current block that was generated
	// before this one (by name), or nil.
	Col func(name string) *column.Vector
	// Resample, when non-nil, redraws the generator's value for a row
	// (attempt 1, 2, ...), for modifiers that thin timestamps.
	Resample func(row int64, attempt int) int64
	// Rand is a per-worker generator; Reset it per row before drawing.
	Rand *rng.Rand
}

// Modifier transforms a vector in place. It may change the vector's type
// (for example int to float) and must leave every row's result a pure
// function of the row index and the row's inputs.
type Modifier interface {
	Apply(v *column.Vector, ctx *Context) error
	// OutType is the vector type after the modifier, given the input type.
	OutType(in column.Type) column.Type
}
