package validate

import (
	"slices"

	"datagen/src/column"
	"datagen/src/dsl"
)

// firstVersions passes on, of the rows of a table written with history
// (versions or change events), only the first row of each entity: its
// first version, or its insert event. The checks of the schema's columns,
// keys and fanouts then see one row per entity, as the entity was
// generated; the later versions hold values drawn from the same
// generators.
type firstVersions struct {
	// key are the block positions of the primary key; op is that of the
	// operation column of events, or -1.
	key []int
	op  int
	// prev holds the key of the last row seen, to tell whether the first
	// row of a block starts an entity.
	prev []*column.Vector
	seen bool
	out  column.Block
}

// newFirstVersions returns the filter of a table with history whose
// blocks carry fields, or nil when the table has none or the blocks lack
// a column the filter reads.
func newFirstVersions(n *dsl.Node, fields []column.Field) *firstVersions {
	if n.History == nil {
		return nil
	}
	pos := func(name string) int {
		return slices.IndexFunc(fields, func(f column.Field) bool { return f.Name == name })
	}
	f := &firstVersions{op: -1}
	if n.History.As == dsl.HistoryEvents {
		if f.op = pos(dsl.Operation); f.op < 0 || fields[f.op].Type != column.String {
			return nil
		}
	} else {
		for _, k := range n.PK {
			i := pos(k)
			if i < 0 {
				return nil
			}
			f.key = append(f.key, i)
			f.prev = append(f.prev, &column.Vector{})
		}
	}
	f.out.Cols = make([]*column.Vector, len(fields))
	for i := range f.out.Cols {
		f.out.Cols[i] = &column.Vector{}
	}
	return f
}

// isHistoryColumn reports whether name is a column n's history adds.
func isHistoryColumn(n *dsl.Node, name string) bool {
	return n.History != nil && slices.Contains(dsl.HistoryColumns(n.History.As), name)
}

// first reports whether row r of b is an entity's first row.
func (f *firstVersions) first(b *column.Block, r int) bool {
	if f.op >= 0 {
		v := b.Cols[f.op]
		return !v.IsNull(r) && v.Strs[r] == dsl.OpInsert
	}
	for k, i := range f.key {
		v := b.Cols[i]
		if v == nil || v.Len() != b.Rows {
			return true
		}
		if r > 0 {
			if !sameRow(v, r, v, r-1) {
				return true
			}
		} else if !f.seen || !sameRow(v, 0, f.prev[k], 0) {
			return true
		}
	}
	return false
}

// filter returns the first rows of b (b itself when every row is one).
func (f *firstVersions) filter(b *column.Block) *column.Block {
	keep := true
	for r := 0; r < b.Rows && keep; r++ {
		keep = f.first(b, r)
	}
	var out *column.Block
	if keep {
		out = b
	} else {
		out = &f.out
		out.Start, out.Rows = b.Start, 0
		for j, v := range b.Cols {
			out.Cols[j].Reset(v.Type, 0)
		}
		for r := 0; r < b.Rows; r++ {
			if !f.first(b, r) {
				continue
			}
			for j, v := range b.Cols {
				out.Cols[j].AppendRange(v, r, r+1)
			}
			out.Rows++
		}
	}
	if b.Rows > 0 {
		for k, i := range f.key {
			if v := b.Cols[i]; v != nil && v.Len() == b.Rows {
				f.prev[k].Reset(v.Type, 1)
				f.prev[k].CopyRow(0, v, b.Rows-1)
			}
		}
		f.seen = true
	}
	return out
}

// sameRow reports whether row i of a and row j of b hold the same value.
func sameRow(a *column.Vector, i int, b *column.Vector, j int) bool {
	if a.Type != b.Type {
		return false
	}
	if an, bn := a.IsNull(i), b.IsNull(j); an || bn {
		return an == bn
	}
	switch a.Type {
	case column.Float:
		return a.Floats[i] == b.Floats[j]
	case column.String:
		return a.Strs[i] == b.Strs[j]
	case column.Bool:
		return a.Bools[i] == b.Bools[j]
	}
	return a.Ints[i] == b.Ints[j]
}
