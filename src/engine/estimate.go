package engine

import (
	"fmt"
	"math"
	"runtime"
	"strconv"
	"strings"

	"datagen/src/column"
	"datagen/src/dsl"
	"datagen/src/input"
	"datagen/src/plan"
)

// Bounds of a run, checked before anything is generated (docs/limits.md).
const (
	// MaxScale is the largest --scale / parameters.scale.
	MaxScale = 1e6
	// MaxRows is the largest row count of one table (expected count for a
	// fact with parents).
	MaxRows = 1e12
	// DefaultMaxMemory is the memory a run may plan to hold when no limit
	// is given (--max-memory, parameters.max_memory).
	DefaultMaxMemory = 8 << 30
)

// Estimate is what a run of a plan will hold in memory, computed from the
// plan before anything is generated.
type Estimate struct {
	// Tables lists every table in generation order.
	Tables []TableEstimate
	// Bytes is the estimated peak memory of the run.
	Bytes int64
	// Blocks is the part of Bytes held by the blocks in flight, and
	// Widest the table of the largest block.
	Blocks int64
	Widest string
}

// TableEstimate is one table of an Estimate.
type TableEstimate struct {
	ID string
	// Rows is the row count: exact for entities, parent-less facts and
	// vocabs, the expected count (parent rows × mean fanout) for a fact
	// with parents.
	Rows float64
	// Bytes is the memory the run holds for this table: its kept columns
	// (read by other tables) and the child-count offsets of its fact
	// children, held until the run ends.
	Bytes int64
	// Versions, for an entity with history, is the expected number of
	// rows written: Rows × the versions (or events) of one entity, one
	// plus p × periods for each changing column (see expectedVersions).
	Versions float64
}

// bytesPerValue is the memory of one kept value of type t, its null flag
// included; strings count a 16-byte header and 16 bytes of text.
func bytesPerValue(t column.Type) int64 {
	switch t {
	case column.Bool:
		return 2
	case column.String:
		return 33
	}
	return 9
}

// meanFanout is the expected child count of one parent row.
func meanFanout(f *dsl.Fanout) float64 {
	if f == nil {
		return 1
	}
	lo, hi := 0.0, float64(dsl.MaxFanout)
	if f.Min != nil {
		lo = float64(*f.Min)
	}
	if f.Max != nil {
		hi = float64(*f.Max)
	}
	var m float64
	switch f.Distribution {
	case "uniform":
		m = (lo + hi) / 2
	case "empirical":
		var sum, wsum float64
		for i, w := range f.Weights {
			sum += w
			wsum += w * float64(i)
		}
		if sum > 0 {
			m = lo + wsum/sum
		}
	default:
		m = 1
		if f.Lambda != nil {
			m = *f.Lambda
		}
		m = math.Min(math.Max(m, lo), hi)
	}
	if len(f.Clamp) == 2 {
		m = math.Min(math.Max(m, float64(f.Clamp[0])), float64(f.Clamp[1]))
	}
	return m
}

// EstimatePlan checks the scale and the row counts of a run of p with
// opts (Scale, SampleRows, Workers, BlockRows, Parts) and estimates the
// memory of one part (of the whole run when Parts is 0 or 1).
// A scale that is not a finite number in (0, MaxScale] and a table of more
// than MaxRows rows are user errors.
func EstimatePlan(p *plan.Plan, opts Options) (*Estimate, error) {
	est, _, err := estimate(p, opts)
	return est, err
}

// estimate is EstimatePlan with the layout of the tables in a part.
func estimate(p *plan.Plan, opts Options) (*Estimate, map[*plan.Table]*tableLayout, error) {
	scale := opts.Scale
	if scale == 0 {
		scale = 1
	}
	if !(scale > 0 && scale <= MaxScale) {
		return nil, nil, input.User(fmt.Errorf("scale must be a number greater than 0 and at most %g, got %g", float64(MaxScale), scale))
	}
	workers, blockRows := opts.Workers, opts.BlockRows
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	if blockRows <= 0 {
		blockRows = DefaultBlockRows
	}
	est := &Estimate{}
	rows := map[string]float64{}
	versions := map[*plan.Table]float64{}
	index := map[string]int{}
	var widest int64 // the largest block: columns × rows
	for _, t := range p.Order {
		n := t.Node
		var r float64
		switch {
		case n.Kind == dsl.Vocab:
			r = float64(vocabRows(n))
		case n.Arrivals != nil || t.PerUnit():
			var parentRows float64
			if t.Primary != nil {
				parentRows = rows[t.Primary.ID()]
			}
			r = math.Round(growthRows(p.Schema.Timeframe, opts.Window, t, scale, parentRows))
		case t.Primary != nil:
			r = rows[t.Primary.ID()] * meanFanout(n.Fanout)
		default:
			r = dsl.DefaultEntityRows
			if n.Rows != nil {
				r = float64(*n.Rows)
			}
			r = math.Round(r * scale)
		}
		if opts.SampleRows > 0 && r > float64(opts.SampleRows) {
			r = float64(opts.SampleRows)
		}
		if r > MaxRows {
			what := "rows × scale"
			if t.Primary != nil {
				what = fmt.Sprintf("%q rows × mean fanout", t.Primary.ID())
			}
			return nil, nil, &Error{Table: t.ID(), Err: input.User(fmt.Errorf("%.4g rows (%s, scale %g) is more than the limit of %g rows per table",
				r, what, scale, float64(MaxRows)))}
		}
		rows[t.ID()] = r
		if w := int64(len(t.Cols)) * int64(math.Min(r, float64(blockRows))); w > widest {
			widest, est.Widest = w, t.ID()
		}
		if t.History != nil {
			v := expectedVersions(t, p.Schema.Timeframe, opts.Window)
			if err := checkVersions(t, r, v); err != nil {
				return nil, nil, err
			}
			versions[t] = r * v
			// A block of entities expands to about blockRows versions, or
			// to one entity's versions when it has more.
			w := int64(len(t.Cols)+len(dsl.HistoryColumns(t.History.As))) * int64(math.Min(r*v, math.Max(v, float64(blockRows))))
			if w > widest {
				widest, est.Widest = w, t.ID()
			}
		}
	}
	parts := max(opts.Parts, 1)
	layout := layoutParts(p, parts, rows, opts.splitMin)
	for _, t := range p.Order {
		r := rows[t.ID()]
		l := layout[t]
		index[t.ID()] = len(est.Tables)
		te := TableEstimate{ID: t.ID(), Rows: r, Versions: versions[t]}
		// A part keeps the columns that other tables read for its own
		// rows, unless they are read elsewhere (docs/scale.md).
		held := r
		if !l.whole {
			held = ownShare(r, parts)
		}
		for _, c := range t.Cols {
			if t.Keep[c.Spec.Name] {
				te.Bytes += int64(held) * bytesPerValue(c.Spec.Type)
			}
		}
		if t.Keep[plan.RowTime] {
			te.Bytes += int64(held) * bytesPerValue(column.Timestamp)
		}
		te.Bytes += versionBytes(t, p.Schema.Timeframe, opts.Window, held)
		if t.Primary != nil {
			// The child-count offsets per parent row, kept for the run (a
			// relative fact: for its part's parents only), and the counts
			// drawn while computing them when effects or behaviours
			// change them.
			pr := rows[t.Primary.ID()]
			pe := &est.Tables[index[t.Primary.ID()]]
			switch {
			case l.relative:
				pe.Bytes += int64(ownShare(pr, parts)+1) * 8
			case streamable(t):
				pe.Bytes += int64(pr+1) * 8
			default:
				pe.Bytes += int64(pr) * 24
			}
		}
		est.Tables = append(est.Tables, te)
	}
	for _, te := range est.Tables {
		est.Bytes += te.Bytes
	}
	// Blocks in flight: a raw and a final vector per column for each
	// worker, and as many encoded blocks waiting to be written.
	est.Blocks = int64(workers) * widest * 3 * 16
	est.Bytes += est.Blocks
	return est, layout, nil
}

// versionBytes is the memory of the versions of t's changing columns that
// other tables look up at a time (versionStore), for held entities: per
// column, an offset per entity and, per expected change up to the lookup
// horizon, its instant and value.
func versionBytes(t *plan.Table, tf dsl.Timeframe, w *Window, held float64) int64 {
	if t.History == nil {
		return 0
	}
	span := max(float64(lookupHorizon(tf, w)-tf.Start.UnixMicro()), 0)
	var b int64
	for _, ci := range t.History.Read {
		spec := t.Cols[ci].Spec
		changes := held * spec.Changes.P * math.Ceil(span/float64(spec.Changes.Every))
		b += int64(held+1)*8 + int64(changes)*(8+bytesPerValue(spec.Type))
	}
	return b
}

// checkVersions refuses a table with history whose expected versions
// (rows × v, v for one entity) exceed MaxRows, naming the changing
// column that brings the most.
func checkVersions(t *plan.Table, rows, v float64) error {
	if rows*v <= MaxRows {
		return nil
	}
	top, most := 0, -1.0
	for _, ci := range t.History.Changing {
		c := t.Cols[ci].Spec.Changes
		if n := c.P / float64(c.Every); n > most {
			top, most = ci, n
		}
	}
	c := t.Cols[top].Spec
	return &Error{Table: t.ID(), Err: input.User(fmt.Errorf("nodes[%d](%s).columns[%d](%s).changes: %.4g versions (%.4g entities × %.4g expected versions each, "+
		"\"every\": %q, \"p\": %g) is more than the limit of %g rows per table: lengthen \"every\", lower \"p\" or the rows, or generate a shorter window",
		t.Index, t.ID(), top, c.Name, rows*v, rows, v, c.Changes.EveryText, c.Changes.P, float64(MaxRows)))}
}

// checkMemory refuses an estimate above limit (DefaultMaxMemory when 0).
func checkMemory(est *Estimate, limit int64) error {
	if limit <= 0 {
		limit = DefaultMaxMemory
	}
	if est.Bytes <= limit {
		return nil
	}
	big := est.Tables[0]
	for _, te := range est.Tables {
		if te.Bytes > big.Bytes {
			big = te
		}
	}
	most := fmt.Sprintf("table %q: %.4g rows that other tables read", big.ID, big.Rows)
	if est.Blocks > big.Bytes {
		most = fmt.Sprintf("the blocks in flight, the largest of table %q", est.Widest)
		for _, te := range est.Tables {
			if te.ID == est.Widest && te.Versions > 0 {
				most += fmt.Sprintf(", which writes %.4g versions of %.4g entities, each entity's in one block: lengthen \"every\" or lower \"p\" of its changes", te.Versions, te.Rows)
			}
		}
	}
	return input.User(fmt.Errorf("the run needs about %s of memory, more than the limit of %s "+
		"(most for %s): lower rows, scale or fanout, "+
		"or raise the limit (--max-memory, parameters.max_memory)", FormatBytes(est.Bytes), FormatBytes(limit), most))
}

// FormatBytes writes n bytes in binary units (512 B, 1.5 GiB).
func FormatBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	f, i := float64(n), -1
	for f >= unit && i < 5 {
		f /= unit
		i++
	}
	return fmt.Sprintf("%.1f %ciB", f, "KMGTPE"[i])
}

// ParseBytes reads a memory size: a number of bytes, optionally with a
// unit (KB, MB, GB, TB: powers of 1000; KiB, MiB, GiB, TiB: powers of
// 1024), for example 512MiB or 16GB.
func ParseBytes(s string) (int64, error) {
	t := strings.TrimSpace(s)
	mult := 1.0
	for _, u := range []struct {
		suffix string
		m      float64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"TiB", 1 << 40},
		{"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12}, {"B", 1}} {
		if strings.HasSuffix(strings.ToUpper(t), strings.ToUpper(u.suffix)) && (len(u.suffix) == 3 || !strings.HasSuffix(strings.ToUpper(t), "IB")) {
			t, mult = strings.TrimSpace(t[:len(t)-len(u.suffix)]), u.m
			break
		}
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || !(f > 0) || f*mult > math.MaxInt64/2 {
		return 0, fmt.Errorf("%q is not a memory size (a positive number of bytes, or with a unit: 512MiB, 16GB)", s)
	}
	return int64(f * mult), nil
}
