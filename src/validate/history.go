package validate

import (
	"fmt"
	"slices"

	"datagen/src/civil"
	"datagen/src/column"
	"datagen/src/dsl"
)

// firstVersions passes on, of the rows of a table written with history
// (versions or change events), only the first row of each entity: its
// first version, or its insert event. The checks of the schema's columns,
// keys and fanouts then see one row per entity, as the entity was
// generated; the later versions hold values drawn from the same
// generators. On the way it feeds the table's history check.
type firstVersions struct {
	// key are the block positions of the primary key; at is that of
	// valid_from (changed_at); to and cur those of valid_to and
	// is_current (versions), op that of operation (events), else -1.
	key         []int
	at, to, cur int
	op          int
	// prev holds the key of the last row seen, to tell whether the first
	// row of a block starts an entity.
	prev  []*column.Vector
	seen  bool
	first []bool
	out   column.Block
	check *historyCheck
}

// newFirstVersions returns the filter of a table with history whose
// blocks carry fields, or nil when the table has none or the blocks lack
// a column the filter reads.
func newFirstVersions(t *tableState, fields []column.Field) *firstVersions {
	n := t.node
	if n.History == nil {
		return nil
	}
	pos := func(name string, typ column.Type) int {
		i := slices.IndexFunc(fields, func(f column.Field) bool { return f.Name == name })
		if i >= 0 && fields[i].Type != typ {
			return -1
		}
		return i
	}
	f := &firstVersions{to: -1, cur: -1, op: -1, check: t.hist}
	names := dsl.HistoryColumns(n.History.As)
	f.at = pos(names[0], column.Timestamp)
	if n.History.As == dsl.HistoryEvents {
		f.op = pos(dsl.Operation, column.String)
		if f.op < 0 {
			return nil
		}
	} else {
		f.to, f.cur = pos(dsl.ValidTo, column.Timestamp), pos(dsl.IsCurrent, column.Bool)
	}
	for _, k := range n.PK {
		i := slices.IndexFunc(fields, func(f column.Field) bool { return f.Name == k })
		if i < 0 {
			return nil
		}
		f.key = append(f.key, i)
		f.prev = append(f.prev, &column.Vector{})
	}
	if f.at < 0 || f.op < 0 && (f.to < 0 || f.cur < 0) {
		f.check = nil // the history columns are missing or mistyped
	}
	if f.check != nil {
		f.check.bound = true
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

// historyField returns the field of t's history column name, if it is
// one: the files of a table with history are read with its types.
func historyField(t *tableState, name string) (column.Field, bool) {
	if !isHistoryColumn(t.node, name) || t.pt == nil {
		return column.Field{}, false
	}
	for _, f := range t.pt.Fields() {
		if f.Name == name {
			return f, true
		}
	}
	return column.Field{}, false
}

// sameKey reports whether row r of b has the key of the row before it
// (of the previous block for r = 0).
func (f *firstVersions) sameKey(b *column.Block, r int) bool {
	for k, i := range f.key {
		v := b.Cols[i]
		if v == nil || v.Len() != b.Rows {
			return false
		}
		if r > 0 {
			if !sameRow(v, r, v, r-1) {
				return false
			}
		} else if !f.seen || !sameRow(v, 0, f.prev[k], 0) {
			return false
		}
	}
	return true
}

// filter returns the first rows of b (b itself when every row is one)
// and feeds every row to the history check.
func (f *firstVersions) filter(b *column.Block) *column.Block {
	f.first = slices.Grow(f.first[:0], b.Rows)[:b.Rows]
	all := true
	for r := 0; r < b.Rows; r++ {
		same := f.sameKey(b, r)
		if f.op >= 0 {
			v := b.Cols[f.op]
			f.first[r] = v.Len() == b.Rows && !v.IsNull(r) && v.Strs[r] == dsl.OpInsert
		} else {
			f.first[r] = !same
		}
		all = all && f.first[r]
		if f.check != nil {
			f.check.row(f, b, r, same)
		}
	}
	out := b
	if !all {
		out = &f.out
		out.Start, out.Rows = b.Start, 0
		for j, v := range b.Cols {
			out.Cols[j].Reset(v.Type, 0)
		}
		for r := 0; r < b.Rows; r++ {
			if !f.first[r] {
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

// historyCheck is <table>.history, a hard structural check of a table
// written with history: the rows of an entity follow each other in time
// order; versions are contiguous (each valid_to is the next valid_from)
// and exactly the last one is current, with a null valid_to; events start
// with one insert, followed by updates.
type historyCheck struct {
	t      *tableState
	name   string
	events bool
	// bound is set when a writer found the history columns.
	bound bool
	// entities counts the entities seen, bad the problems; sample
	// describes the first.
	entities, bad int64
	sample        string
	// The previous row: its instant, valid_to and is_current, and
	// whether it was the first row of an entity.
	open               bool
	prevAt, prevTo     int64
	prevToNull, prevIs bool
	rowNo              int64
}

// planHistory registers the history check of t, if it has history.
func (v *Validator) planHistory(t *tableState) {
	if t.node.History == nil {
		return
	}
	t.hist = &historyCheck{t: t, name: v.name(t.id + ".history"), events: t.node.History.As == dsl.HistoryEvents}
	v.add(t.hist)
}

func (c *historyCheck) fail(format string, args ...any) {
	c.bad++
	if c.sample == "" {
		c.sample = fmt.Sprintf("row %d: ", c.rowNo) + fmt.Sprintf(format, args...)
	}
}

// end checks the last row of the entity being read.
func (c *historyCheck) end() {
	if c.open && !c.events && (!c.prevToNull || !c.prevIs) {
		c.fail("the last version of an entity is not current (valid_to %s, is_current %v)", c.showTo(), c.prevIs)
	}
	c.open = false
}

func (c *historyCheck) showTo() string {
	if c.prevToNull {
		return "null"
	}
	return civil.FormatTimestamp(c.prevTo)
}

// row checks row r of b; same says it has the key of the row before.
func (c *historyCheck) row(f *firstVersions, b *column.Block, r int, same bool) {
	c.rowNo++
	atv := b.Cols[f.at]
	if atv.IsNull(r) {
		c.fail("%s is null", dsl.HistoryColumns(c.t.node.History.As)[0])
		return
	}
	at := atv.Ints[r]
	if c.events {
		insert := !b.Cols[f.op].IsNull(r) && b.Cols[f.op].Strs[r] == dsl.OpInsert
		switch {
		case insert:
			c.entities++
			if same && c.open {
				c.fail("a second insert of an entity")
			}
		case !same || !c.open:
			c.fail("an update of an entity without its insert before it")
		case at <= c.prevAt:
			c.fail("changed_at %s is not after the entity's previous event (%s)", civil.FormatTimestamp(at), civil.FormatTimestamp(c.prevAt))
		}
		c.open, c.prevAt = true, at
		return
	}
	tov, cur := b.Cols[f.to], b.Cols[f.cur]
	if !same {
		c.end()
		c.entities++
	} else {
		switch {
		case c.prevToNull || c.prevTo != at:
			c.fail("valid_to %s of a version is not the next version's valid_from %s", c.showTo(), civil.FormatTimestamp(at))
		case c.prevIs:
			c.fail("a version followed by another is current")
		case at <= c.prevAt:
			c.fail("valid_from %s is not after the previous version's", civil.FormatTimestamp(at))
		}
	}
	c.open, c.prevAt = true, at
	c.prevToNull = tov.IsNull(r)
	if !c.prevToNull {
		c.prevTo = tov.Ints[r]
	}
	c.prevIs = !cur.IsNull(r) && cur.Bools[r]
}

func (c *historyCheck) results(*Validator) []Result {
	if !c.t.present {
		return nil
	}
	c.end()
	what := "versions are contiguous and exactly the last one is current"
	if c.events {
		what = "events start with an insert, followed by updates in time order"
	}
	d := map[string]any{"entities": c.entities, "problems": c.bad}
	if !c.bound {
		return []Result{newResult(Structural, true, c.t.id, c.name, false, d, "%q lacks its history columns %v (or they have other types)",
			c.t.id, dsl.HistoryColumns(c.t.node.History.As))}
	}
	if c.bad > 0 {
		d["sample"] = c.sample
		return []Result{newResult(Structural, true, c.t.id, c.name, false, d, "%d problem(s) in the history of %q: %s", c.bad, c.t.id, c.sample)}
	}
	return []Result{newResult(Structural, true, c.t.id, c.name, true, d, "the history of %q's %d entities is well formed: %s", c.t.id, c.entities, what)}
}

// targetIndex returns the index of the values of column j of t that a
// membership check (a foreign key, an enum_ref) compares with: every
// version's values when the column changes over time, since a lookup
// copies the version current at the reading row's time (dsl.md 3.8);
// the key index of the column otherwise.
func (v *Validator) targetIndex(t *tableState, j int, kind keyKind) *keyIndex {
	if t.node.History == nil || t.cols[j].spec.Changes == nil {
		return v.keyIndex(t, j, kind)
	}
	id := keyID{t.id, j, kind, true}
	if k := v.keys[id]; k != nil {
		return k
	}
	k := newKeyIndex(t, j, kind)
	v.keys[id] = k
	t.versionFeeders = append(t.versionFeeders, k)
	return k
}

// feedVersions feeds every row of b, every version, to the table's
// versionFeeders.
func (w *TableWriter) feedVersions(b *column.Block) {
	t := w.t
	view := &w.versions
	view.start, view.rows, view.at = b.Start, b.Rows, nil
	if f := w.first; f != nil && f.at >= 0 {
		if v := b.Cols[f.at]; v != nil && v.Len() == b.Rows {
			view.at = v
		}
	}
	for j, c := range t.cols {
		view.cols[j] = nil
		if i := w.colOf[j]; i >= 0 && t.typeNote[j] == "" {
			if vec := b.Cols[i]; vec != nil && vec.Type == c.spec.Type && vec.Len() == b.Rows {
				view.cols[j] = vec
			}
		}
	}
	for _, f := range t.versionFeeders {
		f.feed(view)
	}
}
