// Package dsl holds the Go form of the datagen schema language (DSL v1):
// the document types, their strict decoding from JSON with every problem
// reported by JSON path, and the static (preflight) validation of a whole
// document.
package dsl

import (
	"time"

	"datagen/src/column"
	"datagen/src/input"
)

// Version is the only DSL version accepted in the "version" key.
const Version = "1.0"

// DefaultEntityRows is the row count of an entity (or parent-less fact)
// that does not declare "rows".
const DefaultEntityRows = 1000

// MaxFanout bounds every number of a fanout: lambda, min, max and clamp
// (children of one parent row).
const MaxFanout = 1_000_000_000

// Schema is a decoded DSL document.
type Schema struct {
	Version     string
	Metadata    Metadata
	Timeframe   Timeframe
	Nodes       []Node
	Constraints Constraints
	Targets     *Targets
	// DAG is the optional explicit generation order: levels of node ids.
	DAG [][]string
}

// Metadata describes the dataset. Keys other than name and description are
// kept verbatim in Extra.
type Metadata struct {
	Name        string
	Description string
	Extra       map[string]any
}

// Timeframe is the document's time window. Start and End are UTC.
type Timeframe struct {
	Start, End time.Time
	// Freq is accepted for compatibility and not used by generation.
	Freq string
	// Open is true for "end": "open": the timeline has no end, End is
	// then Start + OpenSpanYears and runs generate up to a window's end.
	Open bool
}

// NodeKind is entity, fact or vocab.
type NodeKind string

// The node kinds.
const (
	Entity NodeKind = "entity"
	Fact   NodeKind = "fact"
	Vocab  NodeKind = "vocab"
)

// Node is one table of the document.
type Node struct {
	ID   string
	Kind NodeKind
	// PK lists the primary key columns in key order: one name for a
	// single-column key ("pk": "id"), several for a composite key
	// ("pk": ["order_id", "line_no"]).
	PK          []string
	Description string
	// Metadata is custom table metadata, in document order, written into
	// the table's manifest and Storage metadata next to datagen's own keys.
	Metadata []MetadataEntry
	// Rows is the declared row count; nil means not declared.
	Rows      *int64
	Parents   []string
	Fanout    *Fanout
	Columns   []Column
	Modifiers []Modifier
	// Arrivals, when set, makes the rows of an entity (or parent-less
	// fact) arrive at a rate instead of declaring "rows".
	Arrivals *Arrivals
	// TimeColumn is the declared "time_column": nil when absent (the
	// planner picks the default), "" for null (the table has none).
	TimeColumn *string
	// History, when set, writes the entity as versions or change events
	// of its changing columns (see Changes).
	History *History

	// Behaviour blocks, kept as parsed JSON until the behaviour layer
	// reads them. A nil value means the key was absent.
	SegmentBehavior      *input.Value
	VintageBehavior      *input.Value
	StageConfig          *input.Value
	StateTransitionModel *input.Value
}

// Fanout is the per-parent child count of a fact.
type Fanout struct {
	Distribution string // "poisson", "uniform" or "empirical"
	// Weights of empirical fanout: Weights[i] is the relative frequency
	// of Min+i children.
	Weights  []float64
	Lambda   *float64
	Min, Max *int64
	// Clamp, when set, bounds the count to [Clamp[0], Clamp[1]] after all
	// adjustments.
	Clamp []int64
	// Per, when set ("hour", "day" or "week"), draws a Poisson(Lambda)
	// count per parent row per unit of the parent's lifetime instead of
	// one count per parent row.
	Per string
}

// Column is one column of a node.
type Column struct {
	Name        string
	Type        column.Type
	Nullable    bool
	NullRate    float64
	Description string
	Generator   Generator
	Modifiers   []Modifier
	// Constraints is the column-level constraints object (pattern, enum,
	// enum_ref), used by validation.
	Constraints *ColumnConstraints
	// Metadata is custom column metadata, in document order, written into
	// the table's manifest and Storage metadata next to datagen's own keys.
	Metadata []MetadataEntry
	// Decimals, when set, rounds the values half-even to that many
	// decimals after every modifier and the cast.
	Decimals *int
	// Precision is the total number of digits of a "decimal" column (Type
	// is then Float and Decimals its scale); 0 for every other column.
	Precision int
	// Changes, when set, makes the column of an entity change over time.
	Changes *Changes
}

// MetadataEntry is one custom metadata key and its value.
type MetadataEntry struct {
	Key, Value string
}

// ColumnConstraints are column-level value constraints.
type ColumnConstraints struct {
	Pattern string
	Enum    []any
	EnumRef string
}

// GeneratorKind names the generator of a column.
type GeneratorKind string

// The nine generators.
const (
	GenSequence       GeneratorKind = "sequence"
	GenChoice         GeneratorKind = "choice"
	GenDistribution   GeneratorKind = "distribution"
	GenDatetimeSeries GeneratorKind = "datetime_series"
	GenFaker          GeneratorKind = "faker"
	GenLookup         GeneratorKind = "lookup"
	GenExpression     GeneratorKind = "expression"
	GenEnumList       GeneratorKind = "enum_list"
	GenAggregate      GeneratorKind = "aggregate"
)

// GeneratorKinds lists the generators in documentation order.
var GeneratorKinds = []GeneratorKind{GenSequence, GenChoice, GenDistribution, GenDatetimeSeries,
	GenFaker, GenLookup, GenExpression, GenEnumList, GenAggregate}

// Generator is exactly one generator body; Kind says which field is set.
type Generator struct {
	Kind           GeneratorKind
	Sequence       *Sequence
	Choice         *Choice
	Distribution   *Distribution
	DatetimeSeries *DatetimeSeries
	Faker          *Faker
	Lookup         *Lookup
	Expression     *Expression
	EnumList       *EnumList
	Aggregate      *Aggregate
}

// Sequence yields start + i*step for row i.
type Sequence struct {
	Start, Step int64
}

// Choice draws from a list of values or from another table's column.
type Choice struct {
	// Choices are JSON scalars: float64 (integers too), string, bool or nil.
	Choices []any
	// ChoicesRef is "table.column"; RefTable and RefColumn are its parts.
	ChoicesRef          string
	RefTable, RefColumn string
	Weights             []float64
	WeightsKind         WeightsKind
}

// WeightsKind is a parsed weights_kind: uniform, zipf@a or head_tail@{h,a}.
type WeightsKind struct {
	Kind string // "uniform", "zipf", "head_tail"
	A    float64
	H    float64
}

// Distribution draws numbers from a named distribution.
type Distribution struct {
	Type   string // normal, lognormal, uniform, poisson, empirical
	Params map[string]float64
	// Quantiles are the knots of an empirical distribution, equally
	// spaced in probability from the minimum (0) to the maximum (1).
	Quantiles []float64
	// Clamp bounds: nil means unbounded on that side.
	ClampMin, ClampMax *float64
}

// Param returns the named parameter or def.
func (d *Distribution) Param(name string, def float64) float64 {
	if v, ok := d.Params[name]; ok {
		return v
	}
	return def
}

// DatetimeSeries draws timestamps from a grid between two instants.
type DatetimeSeries struct {
	// WithinTimeframe is true for within: "timeframe"; otherwise Start and
	// End (UTC) bound the grid.
	WithinTimeframe bool
	Start, End      time.Time
	Freq            string
	Pattern         *Pattern
	// Sequential gives row i the i-th instant of the grid instead of a
	// random one (in a fact, the i-th child of each parent).
	Sequential bool
	// Lifetime, when set, bounds each row by its primary parent's start
	// and end columns (within: {"start_col", "end_col"}); the grid is then
	// the timeframe's.
	Lifetime *Lifetime
}

// Lifetime names the parent columns that bound a child's timestamps:
// "table.column" each; End is optional, and a null end means the end of
// the timeframe.
type Lifetime struct {
	Start, End       string
	Table            string
	StartCol, EndCol string
}

// Pattern weights a time dimension: hour (24), dow (7, Monday first) or
// month (12).
type Pattern struct {
	Dimension string
	Weights   []float64
}

// Faker draws semantic values (names, emails, addresses, ...).
type Faker struct {
	Method     string
	LocaleFrom string
	Locale     string
	// Args are the method's arguments (from "args", or the legacy
	// top-level "text" of bothify-style methods).
	Args map[string]any
}

// KeyPair is one pair of a join mapping: a column of this table and the
// column of the other table it must equal.
type KeyPair struct {
	Local, Remote string
}

// Lookup copies a value from another table.
type Lookup struct {
	From          string
	Table, Column string
	// On is the join mapping, in document order; empty means no join.
	On []KeyPair
	// LegacyOn is true when the "on" object used the predecessor's shape
	// {"this_key": "<column>"}: the value names the column on both sides.
	LegacyOn bool
}

// Expression computes a value from the row's other columns.
type Expression struct {
	Code string
}

// EnumList yields its values in order, one per row.
type EnumList struct {
	Values []any
}

// The aggregate functions.
const (
	AggSum   = "sum"
	AggCount = "count"
	AggMean  = "mean"
	AggMin   = "min"
	AggMax   = "max"
)

// AggregateFns lists the aggregate functions in documentation order.
var AggregateFns = []string{AggSum, AggCount, AggMean, AggMin, AggMax}

// Aggregate computes a parent's value from the rows of a child table: the
// facts whose primary parent is the parent row.
type Aggregate struct {
	// From is "table.column" of the child; Table and Column are its parts.
	From          string
	Table, Column string
	// Fn is one of AggregateFns.
	Fn string
	// Where, when set, is an expression on the child row: only rows for
	// which it is true count.
	Where string
}

// Transform names a modifier.
type Transform string

// The ten modifier transforms.
const (
	TMultiply    Transform = "multiply"
	TAdd         Transform = "add"
	TClamp       Transform = "clamp"
	TJitter      Transform = "jitter"
	TMapValues   Transform = "map_values"
	TSeasonality Transform = "seasonality"
	TTimeJitter  Transform = "time_jitter"
	TEffect      Transform = "effect"
	TOutliers    Transform = "outliers"
	TTrend       Transform = "trend"
)

// Transforms lists the modifier transforms in documentation order.
var Transforms = []Transform{TMultiply, TAdd, TClamp, TJitter, TMapValues, TSeasonality,
	TTimeJitter, TEffect, TOutliers, TTrend}

// Modifier is one modifier with its typed arguments; the field matching
// Transform is set.
type Modifier struct {
	Transform   Transform
	Multiply    *MultiplyArgs
	Add         *AddArgs
	Clamp       *ClampArgs
	Jitter      *JitterArgs
	MapValues   *MapValuesArgs
	Seasonality *Pattern
	TimeJitter  *TimeJitterArgs
	Effect      *EffectArgs
	Outliers    *OutliersArgs
	Trend       *TrendArgs
}

// MultiplyArgs: v * Factor.
type MultiplyArgs struct{ Factor float64 }

// AddArgs: v + Value. On datetime and date columns Value is a duration in
// Unit ("seconds", "minutes", "hours" or "days"; default "seconds").
type AddArgs struct {
	Value float64
	Unit  string
}

// ClampArgs bounds values; nil means unbounded on that side.
type ClampArgs struct{ Min, Max *float64 }

// JitterArgs adds Normal(0, Std) noise: Mode "add" (v+e) or "mul" (v*(1+e)).
type JitterArgs struct {
	Std  float64
	Mode string
}

// MapValuesArgs replaces values, each at most once, compared on their
// canonical string form.
type MapValuesArgs struct {
	Mapping []MapEntry
}

// MapEntry is one replacement.
type MapEntry struct {
	From string
	To   any
}

// TimeJitterArgs moves timestamps by Normal(0, StdMinutes) minutes.
type TimeJitterArgs struct{ StdMinutes float64 }

// EffectArgs joins rows to an effect table and applies its field.
type EffectArgs struct {
	EffectTable string
	On          []KeyPair
	StartCol    string
	EndCol      string
	Field       string
	Op          string // "mul" or "add"
	Default     float64
	// TS names the timestamp column the window is matched against; empty
	// means the documented default.
	TS string
	// Overlap combines several matching effect rows: "first" (default),
	// "product", "sum" or "max".
	Overlap string
}

// OutliersArgs makes a share Rate of rows spikes or drops.
type OutliersArgs struct {
	Rate          float64
	Mode          string // "spike" or "drop"
	MagnitudeDist Distribution
}

// TrendArgs scales values by a growth curve over time.
type TrendArgs struct {
	Type          string // exponential, linear, logarithmic
	GrowthRate    float64
	TimeReference string
	A, B          float64 // logarithmic params
}

// Constraints are the document's declared data constraints.
type Constraints struct {
	Unique       []string
	ForeignKeys  []ForeignKey
	Ranges       []Range
	Inequalities []Inequality
	Patterns     []PatternConstraint
	Enums        []EnumConstraint
}

// ForeignKey says every From value occurs in To ("table.column" each).
type ForeignKey struct{ From, To string }

// Range bounds a column; nil means unbounded.
type Range struct {
	Attr     string
	Min, Max *float64
}

// Inequality compares two columns (or a column and a literal).
type Inequality struct {
	Left, Op, Right string
}

// PatternConstraint requires values to match Regex.
type PatternConstraint struct{ Attr, Regex string }

// EnumConstraint restricts values to Values or to the values of EnumRef.
type EnumConstraint struct {
	Attr    string
	Values  []any
	EnumRef string
}

// Targets are behavioural expectations checked by validation.
type Targets struct {
	WeekendShare    *WeekendShare
	MeanInRange     *MeanInRange
	CompositeEffect *CompositeEffect
}

// WeekendShare bounds the share of rows on Saturday or Sunday.
type WeekendShare struct {
	Table, Timestamp string
	Min, Max         float64
}

// MeanInRange bounds a column mean.
type MeanInRange struct {
	Table, Column string
	Min, Max      float64
}

// CompositeEffect compares observed and declared time profiles.
type CompositeEffect struct {
	Table, Metric string
	Timestamp     string
	Influences    []Influence
	MAE, MAPE     *float64
}

// Influence is one declared influence of a composite effect.
type Influence struct {
	Kind      string
	Dimension string
	Weights   []float64
	Table     string
	On        map[string]any
	Field     string
	Default   *float64
	Rate      *float64
	Mode      string
}

// Node returns the node with the given id, or nil.
func (s *Schema) Node(id string) *Node {
	for i := range s.Nodes {
		if s.Nodes[i].ID == id {
			return &s.Nodes[i]
		}
	}
	return nil
}

// IsPK reports whether the named column is part of the node's primary key.
func (n *Node) IsPK(name string) bool {
	for _, k := range n.PK {
		if k == name {
			return true
		}
	}
	return false
}

// Column returns the column with the given name, or nil.
func (n *Node) Column(name string) *Column {
	for i := range n.Columns {
		if n.Columns[i].Name == name {
			return &n.Columns[i]
		}
	}
	return nil
}

// CalendarColumn returns the column that makes a node without "rows" a
// calendar, one row per instant of its grid: its first sequential
// datetime_series that is not drawn within a lifetime; nil when it has
// none.
func (n *Node) CalendarColumn() *Column {
	for i := range n.Columns {
		if d := n.Columns[i].Generator.DatetimeSeries; d != nil && d.Sequential && d.Lifetime == nil {
			return &n.Columns[i]
		}
	}
	return nil
}
