package engine

import (
	"slices"
	"sync"

	"datagen/src/column"
	"datagen/src/dsl"
)

// versionStore keeps the later values of the changing columns of an
// entity with history that other tables look up at their rows' time
// (plan.History.Read), for the rows the table keeps: a lookup of such a
// column copies the version current at the reading row's time
// (column.Versions). Each block records its rows' changes as it is
// generated, with the history's own draws (history.schedule and
// history.value), so the values are those of the versions the table
// writes; finish joins the blocks once the kept columns are complete:
// after the first pass of a table that has two (the children its
// aggregates scan read the versions), else after the table.
//
// The changes run up to the end of the timeframe (an open timeline: the
// horizon of the run), whatever the run's window: a row's value at time t
// depends only on the changes at or before t, so it is the same in every
// window that generates the row.
type versionStore struct {
	h *history

	mu     sync.Mutex
	blocks []*versionBlock
	// out holds the finished versions by column name.
	out map[string]*column.Versions
}

// versionBlock is the changes of the rows of one block.
type versionBlock struct {
	start int64 // the block's first row
	cols  []versionCol
}

// versionCol is the changes of one column in one block: n[r] changes for
// row r of the block, in row order then time order.
type versionCol struct {
	n    []int32
	at   []int64
	vals column.Vector
}

// newVersionStore returns the version store of ts, or nil when no table
// looks up its changing columns at a time.
func (e *engine) newVersionStore(ts *tableState) *versionStore {
	h := ts.t.History
	if h == nil || len(h.Read) == 0 {
		return nil
	}
	return &versionStore{h: e.historyOf(ts, h.Read, lookupHorizon(e.p.Schema.Timeframe, e.opts.Window))}
}

// lookupHorizon is the instant (µs, exclusive) up to which the versions
// that other tables look up change: the end of the timeframe, or of an
// open timeline's run (horizon). Unlike historyEnd it never depends on
// the run's window in a fixed timeframe, so the rows outside a window
// that a window still generates (an aggregate's children) hold the values
// of a full run.
func lookupHorizon(tf dsl.Timeframe, w *Window) int64 {
	if tf.Open {
		return horizon(tf, w)
	}
	return tf.End.UnixMicro()
}

// record computes the changes of the rows of blk, a complete block of the
// table, with the worker's scratch s.
func (vs *versionStore) record(blk *column.Block, s *historyScratch) error {
	h := vs.h
	vb := &versionBlock{start: blk.Start, cols: make([]versionCol, len(h.cols))}
	for c := range vb.cols {
		vb.cols[c].n = make([]int32, blk.Rows)
		vb.cols[c].vals.Reset(h.cols[c].cs.spec.Type, 0)
	}
	s.base = blk
	for r := 0; r < blk.Rows; r++ {
		row := blk.Start + int64(r)
		s.row = r
		s.changes = h.schedule(row, h.begin(blk, r), s.changes[:0])
		for _, ch := range s.changes {
			cc := &h.cols[ch.col]
			vc := &vb.cols[ch.col]
			// The value the change must differ from: the last change's,
			// else the first version's.
			cur, at := blk.Cols[cc.ci], r
			if vc.n[r] > 0 {
				cur, at = &vc.vals, vc.vals.Len()-1
			}
			ok, err := h.value(cc, row, ch.k, s, s.vals[ch.col], cur, at)
			if err != nil {
				return err
			}
			if ok {
				vc.at = append(vc.at, ch.at)
				vc.vals.AppendRange(s.vals[ch.col], 0, 1)
				vc.n[r]++
			}
		}
	}
	vs.mu.Lock()
	vs.blocks = append(vs.blocks, vb)
	vs.mu.Unlock()
	return nil
}

// finish joins the recorded blocks into the versions of rows [base,
// base+n) of the table.
func (vs *versionStore) finish(base int64, n int) {
	slices.SortFunc(vs.blocks, func(a, b *versionBlock) int { return compareInt(a.start, b.start) })
	vs.out = map[string]*column.Versions{}
	for c, cc := range vs.h.cols {
		total := 0
		for _, vb := range vs.blocks {
			total += len(vb.cols[c].at)
		}
		v := &column.Versions{Off: make([]int64, n+1), At: make([]int64, 0, total), Vals: &column.Vector{}}
		v.Vals.Reset(cc.cs.spec.Type, 0)
		for _, vb := range vs.blocks {
			vc := &vb.cols[c]
			for r, k := range vc.n {
				v.Off[vb.start-base+int64(r)+1] = int64(k)
			}
			v.At = append(v.At, vc.at...)
			v.Vals.AppendRange(&vc.vals, 0, vc.vals.Len())
		}
		for j := 1; j <= n; j++ {
			v.Off[j] += v.Off[j-1]
		}
		vs.out[cc.cs.spec.Name] = v
	}
	vs.blocks, vs.h = nil, nil
}

// Versions implements column.VersionedTable: the later values of a
// changing column that other tables look up at a time, once the table is
// complete; nil otherwise.
func (ts *tableState) Versions(name string) *column.Versions {
	if ts.vers == nil {
		return nil
	}
	return ts.vers.out[name]
}

// Versions implements column.VersionedTable for rows [lo, lo+n).
func (w *windowTable) Versions(name string) *column.Versions {
	v := w.ts.Versions(name)
	if v == nil {
		return nil
	}
	return v.Rows(w.lo, w.n)
}
