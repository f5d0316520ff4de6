package gen

import (
	"fmt"
	"strconv"

	"datagen/src/column"
	"datagen/src/dsl"
	"datagen/src/rng"
)

// Lookup modes.
const (
	lookupParent = iota // the row's own primary-parent row
	lookupRandom        // a random row of the source, shared by every lookup of the row into that source
	lookupSelf          // a random earlier row of the same table
	lookupJoin          // the source row whose key columns equal this row's
)

// lookup copies a value from another table's kept column.
type lookup struct {
	mode     int
	src      *column.Vector
	srcRows  int64
	key      rng.Key
	nullable bool
	// seq is set when a random lookup computes its source's values:
	// start + row·step.
	seq         bool
	start, step int64
	// join
	localType func(string) column.Type
	locals    []string
	intIdx    map[int64]int64
	strIdx    map[string]int64
	// joinSeq, when set, replaces intIdx for a key column without nulls
	// that is an arithmetic sequence (a sequence primary key): row j
	// holds joinFirst + j*joinStep, so a key's row is computed, not
	// looked up.
	joinSeq             *column.Vector
	joinFirst, joinStep int64
	joinRows            int64
	// vers, when set, holds the later values of a changing source
	// column: a row copies the version current at its time, the column
	// timeCol of the row, or its RowTime when timeCol is "".
	vers    *column.Versions
	timeCol string
}

func newLookup(env *Env) (Generator, error) {
	l := env.Column.Generator.Lookup
	tab, err := env.Tables(l.Table)
	if err != nil {
		return nil, err
	}
	src := tab.Column(l.Column)
	if src == nil {
		return nil, fmt.Errorf("lookup %q: column not available", l.From)
	}
	g := &lookup{src: src, srcRows: tab.Rows(), nullable: env.Column.Nullable, localType: env.ColumnType}
	if env.AtTime {
		if vt, ok := tab.(column.VersionedTable); ok {
			g.vers = vt.Versions(l.Column)
		}
		if g.vers == nil {
			return nil, fmt.Errorf("lookup %q: the versions of the column are not available", l.From)
		}
		g.timeCol = env.TimeColumn
	}
	switch {
	case len(l.On) > 0:
		g.mode = lookupJoin
		if err := g.buildIndex(tab, l.Table, l.On); err != nil {
			return nil, err
		}
	case l.Table == env.Node.ID:
		g.mode = lookupSelf
		g.key = env.Key
	case l.Table == env.PrimaryParent:
		g.mode = lookupParent
	default:
		g.mode = lookupRandom
		// Every lookup of a row into the same source picks the same source
		// row, so attributes copied from one table stay consistent.
		g.key = rng.TableKey(env.Seed, env.Node.ID, "lookup-row", l.Table)
		if env.RowPure != nil {
			g.start, g.step, g.seq = env.RowPure(l.Table, l.Column)
			g.seq = g.seq && src.Type == column.Int
		}
	}
	return g, nil
}

// joinable reports whether join keys of types a and b can be equal.
func joinable(a, b column.Type) bool {
	switch {
	case a.IsNumeric() && b.IsNumeric(), a.IsTime() && b.IsTime():
		return true
	}
	return a == b
}

func (g *lookup) buildIndex(tab column.Table, id string, on []dsl.KeyPair) error {
	var remotes []*column.Vector
	for _, kp := range on {
		v := tab.Column(kp.Remote)
		if v == nil {
			return fmt.Errorf("lookup join: column %q of %q not available", kp.Remote, id)
		}
		if lt := g.localType(kp.Local); lt != column.Invalid && !joinable(lt, v.Type) {
			return fmt.Errorf("lookup join: %q is %s but %q of %q is %s; join keys must have comparable types",
				kp.Local, lt, kp.Remote, id, v.Type)
		}
		remotes = append(remotes, v)
		g.locals = append(g.locals, kp.Local)
	}
	n := tab.Rows()
	if len(remotes) == 1 && remotes[0].Type != column.String && remotes[0].Type != column.Float && remotes[0].Type != column.Bool {
		if first, step, ok := arithmetic(remotes[0], n); ok {
			g.joinSeq, g.joinFirst, g.joinStep, g.joinRows = remotes[0], first, step, n
			return nil
		}
		g.intIdx = make(map[int64]int64, n)
		for j := int64(0); j < n; j++ {
			if remotes[0].IsNull(int(j)) {
				continue
			}
			k := remotes[0].Ints[j]
			if prev, dup := g.intIdx[k]; dup {
				return fmt.Errorf("lookup join: key %d occurs in rows %d and %d of %q; join keys must be unique", k, prev, j, id)
			}
			g.intIdx[k] = j
		}
		return nil
	}
	g.strIdx = make(map[string]int64, n)
	var buf []byte
	for j := int64(0); j < n; j++ {
		var ok bool
		buf, ok = appendKey(buf[:0], remotes, int(j))
		if !ok {
			continue
		}
		if prev, dup := g.strIdx[string(buf)]; dup {
			return fmt.Errorf("lookup join: key %q occurs in rows %d and %d of %q; join keys must be unique", buf, prev, j, id)
		}
		g.strIdx[string(buf)] = j
	}
	return nil
}

// arithmetic reports whether the first n values of v are non-null and
// first + j*step for a step other than 0 (distinct, so unique keys).
func arithmetic(v *column.Vector, n int64) (first, step int64, ok bool) {
	if n < 2 || v.HasNulls() {
		return 0, 0, false
	}
	ints := v.Ints[:n]
	first, step = ints[0], ints[1]-ints[0]
	if step == 0 {
		return 0, 0, false
	}
	for j, x := range ints {
		if x != first+int64(j)*step {
			return 0, 0, false
		}
	}
	return first, step, true
}

// appendKey appends the canonical join key of row i; ok is false when a
// key column is null.
func appendKey(buf []byte, cols []*column.Vector, i int) ([]byte, bool) {
	for k, v := range cols {
		if v.IsNull(i) {
			return buf, false
		}
		if k > 0 {
			buf = append(buf, 0)
		}
		switch v.Type {
		case column.Int, column.Timestamp, column.Date:
			buf = strconv.AppendInt(buf, v.Ints[i], 10)
		case column.Float:
			f := v.Floats[i]
			if f == float64(int64(f)) {
				buf = strconv.AppendInt(buf, int64(f), 10)
			} else {
				buf = strconv.AppendFloat(buf, f, 'g', -1, 64)
			}
		case column.String:
			buf = append(buf, v.Strs[i]...)
		case column.Bool:
			buf = strconv.AppendBool(buf, v.Bools[i])
		}
	}
	return buf, true
}

func (g *lookup) Type() column.Type { return g.src.Type }

func (g *lookup) Fill(out *column.Vector, b *Batch) error {
	out.Reset(g.src.Type, b.N)
	if g.vers != nil {
		return g.fillAtTime(out, b)
	}
	switch g.mode {
	case lookupParent:
		if b.Parent == nil {
			return fmt.Errorf("internal: parent lookup without parent rows")
		}
		for i, p := range b.Parent[:b.N] {
			out.CopyRow(i, g.src, int(p))
		}
	case lookupRandom:
		if g.srcRows == 0 {
			return g.allNull(out, b)
		}
		for i := 0; i < b.N; i++ {
			j := int64(rng.Bounded(g.key.At(b.Start+int64(i), 0), uint64(g.srcRows)))
			if g.seq {
				out.Ints[i] = g.start + j*g.step
				continue
			}
			out.CopyRow(i, g.src, int(j))
		}
	case lookupSelf:
		for i := 0; i < b.N; i++ {
			row := b.Start + int64(i)
			if row == 0 {
				if g.nullable {
					out.SetNull(i)
				} else {
					out.CopyRow(i, g.src, int(0))
				}
				continue
			}
			j := int64(rng.Bounded(g.key.At(row, 0), uint64(row)))
			out.CopyRow(i, g.src, int(j))
		}
	case lookupJoin:
		// Per-block state: Fill runs concurrently in several workers.
		keyCols := make([]*column.Vector, len(g.locals))
		var buf []byte
		for k, name := range g.locals {
			keyCols[k] = b.Col(name)
			if keyCols[k] == nil {
				return fmt.Errorf("lookup join: column %q not computed", name)
			}
		}
		for i := 0; i < b.N; i++ {
			var j int64
			var ok bool
			j, ok, buf = g.find(keyCols, buf, i)
			if !ok {
				out.SetNull(i)
				continue
			}
			out.CopyRow(i, g.src, int(j))
		}
	}
	return nil
}

// fillAtTime fills out with the version of each row's source row current
// at the row's time (a null time reads the first version).
func (g *lookup) fillAtTime(out *column.Vector, b *Batch) error {
	tv := b.RowTime
	if g.timeCol != "" {
		tv = b.Col(g.timeCol)
	}
	if tv == nil {
		return fmt.Errorf("internal: the time of the rows is not computed before the lookup")
	}
	var keyCols []*column.Vector
	var buf []byte
	switch g.mode {
	case lookupParent:
		if b.Parent == nil {
			return fmt.Errorf("internal: parent lookup without parent rows")
		}
	case lookupRandom:
		if g.srcRows == 0 {
			return g.allNull(out, b)
		}
	case lookupJoin:
		keyCols = make([]*column.Vector, len(g.locals))
		for k, name := range g.locals {
			keyCols[k] = b.Col(name)
			if keyCols[k] == nil {
				return fmt.Errorf("lookup join: column %q not computed", name)
			}
		}
	default:
		return fmt.Errorf("internal: a lookup of a table's own changing column reads no version")
	}
	for i := 0; i < b.N; i++ {
		var j int64
		switch g.mode {
		case lookupParent:
			j = b.Parent[i]
		case lookupRandom:
			j = int64(rng.Bounded(g.key.At(b.Start+int64(i), 0), uint64(g.srcRows)))
		case lookupJoin:
			var ok bool
			if j, ok, buf = g.find(keyCols, buf, i); !ok {
				out.SetNull(i)
				continue
			}
		}
		if !tv.IsNull(i) {
			if k := g.vers.Find(int(j), tv.Ints[i]); k >= 0 {
				out.CopyRow(i, g.vers.Vals, k)
				continue
			}
		}
		out.CopyRow(i, g.src, int(j))
	}
	return nil
}

// find returns the source row matching row i's key columns.
func (g *lookup) find(keyCols []*column.Vector, buf []byte, i int) (int64, bool, []byte) {
	if g.intIdx != nil || g.joinSeq != nil {
		v := keyCols[0]
		if v.IsNull(i) {
			return 0, false, buf
		}
		var k int64
		switch v.Type {
		case column.Float:
			k = int64(v.Floats[i])
			if float64(k) != v.Floats[i] {
				return 0, false, buf
			}
		case column.Int, column.Timestamp, column.Date:
			k = v.Ints[i]
		default:
			return 0, false, buf
		}
		if g.joinSeq != nil {
			// The division can be off when k - joinFirst overflows; the
			// comparison with the key column is exact.
			j := (k - g.joinFirst) / g.joinStep
			ok := j >= 0 && j < g.joinRows && g.joinSeq.Ints[j] == k
			return j, ok, buf
		}
		j, ok := g.intIdx[k]
		return j, ok, buf
	}
	buf, ok := appendKey(buf[:0], keyCols, i)
	if !ok {
		return 0, false, buf
	}
	j, ok := g.strIdx[string(buf)]
	return j, ok, buf
}

func (g *lookup) allNull(out *column.Vector, b *Batch) error {
	if !g.nullable {
		return fmt.Errorf("the lookup source has no rows")
	}
	for i := 0; i < b.N; i++ {
		out.SetNull(i)
	}
	return nil
}
