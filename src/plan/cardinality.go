package plan

import (
	"datagen/src/column"
	"datagen/src/dsl"
)

// cardinality returns what the schema fixes about the number of distinct
// values of a column (column.Field's Distinct and Unique): a choice among
// listed values or an enum list takes at most that many values, a
// sequence takes a new value on every row. A modifier can map values
// anywhere, so a modified column is unknown (0, false).
func cardinality(c *dsl.Column) (distinct int, unique bool) {
	if len(c.Modifiers) > 0 {
		return 0, false
	}
	g := c.Generator
	switch {
	case g.Kind == dsl.GenSequence && g.Sequence != nil && g.Sequence.Step != 0:
		return 0, true
	case g.Kind == dsl.GenChoice && g.Choice != nil && g.Choice.ChoicesRef == "":
		return len(g.Choice.Choices), false
	case g.Kind == dsl.GenEnumList && g.EnumList != nil:
		return len(g.EnumList.Values), false
	case c.Type == column.Bool:
		return 2, false
	}
	return 0, false
}
