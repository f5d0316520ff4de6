package plan

import (
	"datagen/src/column"
	"datagen/src/dsl"
)

// cardinality sets what the schema fixes about the number of distinct
// values of column c of t (column.Field's Distinct, Unique and Runs): a
// choice among listed values or an enum list takes at most that many
// values, a sequence takes a new value on every row, and a lookup takes
// its values from the source column (and, from the primary parent row
// without a join, repeats each for the parent's contiguous children). A
// modifier can map values anywhere, so a modified column is unknown.
func (t *Table) cardinality(c *dsl.Column, f *column.Field) {
	t.cardinalityAt(c, f, 0)
}

func (t *Table) cardinalityAt(c *dsl.Column, f *column.Field, depth int) {
	if len(c.Modifiers) > 0 {
		return
	}
	g := c.Generator
	switch {
	case g.Kind == dsl.GenSequence && g.Sequence != nil && g.Sequence.Step != 0:
		f.Unique = true
	case g.Kind == dsl.GenChoice && g.Choice != nil && g.Choice.ChoicesRef == "":
		f.Distinct = len(g.Choice.Choices)
	case g.Kind == dsl.GenEnumList && g.EnumList != nil:
		f.Distinct = len(g.EnumList.Values)
	case g.Kind == dsl.GenLookup && g.Lookup != nil:
		l := g.Lookup
		f.Runs = len(l.On) == 0 && t.Primary != nil && t.Primary.ID() == l.Table
		if src := t.dep(l.Table); src != nil && depth < 8 {
			if i := src.ColumnIndex(l.Column); i >= 0 {
				var sf column.Field
				src.cardinalityAt(src.Cols[i].Spec, &sf, depth+1)
				f.Distinct = sf.Distinct
			}
		}
	}
	if c.Type == column.Bool && (f.Distinct == 0 || f.Distinct > 2) {
		f.Distinct = 2
	}
}

// dep returns the table id among the tables t reads, or nil.
func (t *Table) dep(id string) *Table {
	for _, d := range t.Deps {
		if d.ID() == id {
			return d
		}
	}
	return nil
}
