// Package preview generates the first rows of a schema's tables in
// memory, without writing files, and renders them as aligned text
// tables. The rows are those of a real run with the same seed: the
// engine generates the whole data set and a collecting writer keeps the
// first rows of each table. A data set larger than Options.MaxRows is
// previewed from a sample run instead (see Result.Sampled), so that a
// preview stays fast whatever the schema's size.
package preview

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"datagen/src/civil"
	"datagen/src/column"
	"datagen/src/engine"
	"datagen/src/input"
	"datagen/src/plan"
)

// DefaultRows is the number of rows per table a preview keeps by default.
const DefaultRows = 10

// Options control a preview.
type Options struct {
	// Rows is the number of rows kept per table (default DefaultRows).
	Rows int
	// Tables restricts the preview to these table ids (default: all, in
	// generation order).
	Tables []string
	// Seed is the master seed (the same rows as `generate --seed`).
	Seed int64
	// Scale multiplies the row counts of entities and parent-less facts,
	// as `generate --scale` does (default 1).
	Scale float64
	// Workers is the number of parallel workers (default: CPU count).
	Workers int
	// MaxRows bounds the rows of the whole data set that a preview
	// generates (default DefaultMaxRows; negative: no bound). When the
	// data set is larger, the preview comes from a sample run in which
	// every table is capped at SampleRows rows, as `generate
	// --dry-run-sample` does.
	MaxRows int64
	// SampleRows is the cap of a sample run (default DefaultSampleRows,
	// at least Rows).
	SampleRows int64
}

// DefaultMaxRows is the default bound of Options.MaxRows.
const DefaultMaxRows = 500_000

// DefaultSampleRows is the default cap of a sample run.
const DefaultSampleRows = 1000

// Result is a preview.
type Result struct {
	Tables []*Table `json:"tables"`
	// Sampled is true when the data set is larger than Options.MaxRows and
	// the rows come from a sample run capped at SampleRows rows per
	// table: values that depend on a table's size (random lookups into
	// it, the rows outliers pick) can then differ from a full run.
	Sampled    bool  `json:"sampled"`
	SampleRows int64 `json:"sample_rows,omitempty"`
}

// Cell is one value of a previewed row in its CSV text form (docs/dsl.md
// 7.3); Null marks a null. It encodes to JSON as the text or null.
type Cell struct {
	Text string
	Null bool
}

// MarshalJSON encodes the cell as its text, or null.
func (c Cell) MarshalJSON() ([]byte, error) {
	if c.Null {
		return []byte("null"), nil
	}
	return json.Marshal(c.Text)
}

// Table is the preview of one table.
type Table struct {
	ID     string         `json:"id"`
	Fields []column.Field `json:"-"`
	// Columns are the column names, in output order.
	Columns []string `json:"columns"`
	// Types are the column types (DSL names), in output order.
	Types []string `json:"types"`
	// Total is the table's row count in the run (of the sample run when
	// the result is sampled).
	Total int64 `json:"total_rows"`
	// Rows are the first rows of the table.
	Rows [][]Cell `json:"rows"`
	// Sampled is true when Total is the row count of a sample run.
	Sampled bool `json:"-"`
}

// errTooLarge stops a full run that would exceed Options.MaxRows.
var errTooLarge = errors.New("the data set is larger than the preview bound")

// Sample generates the data set of p in memory and returns the first
// opts.Rows rows of each selected table, in generation order. An unknown
// table id is a user error naming the tables.
func Sample(ctx context.Context, p *plan.Plan, opts Options) (*Result, error) {
	if opts.Rows <= 0 {
		opts.Rows = DefaultRows
	}
	if opts.MaxRows == 0 {
		opts.MaxRows = DefaultMaxRows
	}
	if opts.SampleRows <= 0 {
		opts.SampleRows = DefaultSampleRows
	}
	opts.SampleRows = max(opts.SampleRows, int64(opts.Rows))
	want := map[string]bool{}
	for _, id := range opts.Tables {
		if p.ByID[id] == nil {
			ids := make([]string, 0, len(p.Order))
			for _, t := range p.Order {
				ids = append(ids, t.ID())
			}
			return nil, input.User(fmt.Errorf("no table %q in the schema (tables: %s)", id, strings.Join(ids, ", ")))
		}
		want[id] = true
	}
	tables, err := run(ctx, p, opts, want, 0)
	if !errors.Is(err, errTooLarge) {
		if err != nil {
			return nil, err
		}
		return &Result{Tables: tables}, nil
	}
	tables, err = run(ctx, p, opts, want, opts.SampleRows)
	if err != nil {
		return nil, err
	}
	return &Result{Tables: tables, Sampled: true, SampleRows: opts.SampleRows}, nil
}

// run generates p once, capped at sample rows per table when sample > 0,
// and returns the collected tables. A full run (sample 0) stops with
// errTooLarge as soon as the tables begun hold more than opts.MaxRows
// rows.
func run(ctx context.Context, p *plan.Plan, opts Options, want map[string]bool, sample int64) ([]*Table, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var total int64
	progress := func(ev engine.Event) {
		if ev.Done || ev.Update || sample > 0 || opts.MaxRows < 0 {
			return
		}
		if total += ev.Rows; total > opts.MaxRows {
			cancel(errTooLarge)
		}
	}
	byID := map[string]*Table{}
	var out []*Table
	res, err := engine.Run(ctx, p, engine.Options{
		Seed: opts.Seed, Scale: opts.Scale, Workers: opts.Workers, SampleRows: sample, Progress: progress,
		Open: func(t *plan.Table, fields []column.Field) (engine.Writer, error) {
			if len(want) > 0 && !want[t.ID()] {
				return nil, nil
			}
			pt := &Table{ID: t.ID(), Fields: fields, Rows: [][]Cell{}, Sampled: sample > 0}
			for _, f := range fields {
				pt.Columns = append(pt.Columns, f.Name)
				pt.Types = append(pt.Types, f.Type.String())
			}
			byID[t.ID()] = pt
			out = append(out, pt)
			return &collector{t: pt, max: opts.Rows}, nil
		},
	})
	if cause := context.Cause(ctx); errors.Is(cause, errTooLarge) {
		return nil, errTooLarge
	}
	if err != nil {
		return nil, err
	}
	for _, tr := range res.Tables {
		if pt := byID[tr.ID]; pt != nil {
			pt.Total = tr.Rows
		}
	}
	return out, nil
}

// collector is an engine.Writer that keeps the first max rows.
type collector struct {
	t   *Table
	max int
}

func (c *collector) WriteBlock(b *column.Block) error {
	for i := 0; i < b.Rows && len(c.t.Rows) < c.max; i++ {
		row := make([]Cell, len(b.Cols))
		for j, v := range b.Cols {
			row[j] = cell(v, i)
		}
		c.t.Rows = append(c.t.Rows, row)
	}
	return nil
}

func (c *collector) Commit() error { return nil }
func (c *collector) Abort()        {}

// cell renders row i of v as the CSV sink writes it.
func cell(v *column.Vector, i int) Cell {
	if v.IsNull(i) {
		return Cell{Null: true}
	}
	switch v.Type {
	case column.Int:
		return Cell{Text: strconv.FormatInt(v.Ints[i], 10)}
	case column.Float:
		return floatCell(v.Floats[i])
	case column.String:
		return Cell{Text: v.Strs[i]}
	case column.Bool:
		return Cell{Text: strconv.FormatBool(v.Bools[i])}
	case column.Timestamp:
		return Cell{Text: civil.FormatTimestamp(v.Ints[i])}
	case column.Date:
		return Cell{Text: civil.FormatDate(v.Ints[i])}
	}
	return Cell{Null: true}
}

// floatCell renders f in the CSV form; NaN and infinities are nulls.
func floatCell(f float64) Cell {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return Cell{Null: true}
	}
	return Cell{Text: string(column.AppendFloat(nil, f))}
}

// numeric reports whether a column of type t is right-aligned.
func numeric(t column.Type) bool { return slices.Contains([]column.Type{column.Int, column.Float}, t) }
