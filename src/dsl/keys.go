package dsl

import (
	"datagen/src/column"
	"datagen/src/input"
)

// emptyKeyReason explains why a key column cannot hold an empty string.
const emptyKeyReason = `a CSV file cannot tell "" from null, and Keboola Storage stores "" as NULL, which a primary key column cannot hold`

// keyRules reports key columns that would hold nulls or empty strings:
// a null_rate on a key column (an error), a nullable key column (a
// warning: other sources of nulls are found at run time), and literal
// empty strings that a string key column would produce: a "" among the
// values of a choice or an enum_list, or a map_values target "". (Values
// computed at run time are checked by validate.)
func (d *decoder) keyRules(n *Node, o *input.Object) {
	for i := range n.Columns {
		c := &n.Columns[i]
		if !n.IsPK(c.Name) {
			continue
		}
		path := input.Named(o.At("columns"), i, c.Name)
		switch {
		case c.NullRate > 0:
			d.Errorf(path+".null_rate", "remove null_rate, or take the column out of pk",
				"key column %q has null_rate %s: a primary key column cannot hold nulls", c.Name, fmtNum(c.NullRate))
		case c.Nullable:
			d.Warnf(path+".nullable", `remove "nullable": true`,
				"key column %q is nullable, but a primary key column cannot hold nulls (validate fails on them and Keboola declares key columns NOT NULL)", c.Name)
		}
		if c.Type != column.String {
			continue
		}
		report := func(at string) {
			d.Errorf(at, "remove the empty string, or take the column out of pk",
				"an empty string in key column %q: %s", c.Name, emptyKeyReason)
		}
		g := c.Generator
		switch {
		case g.Choice != nil:
			for k, v := range g.Choice.Choices {
				if v == "" {
					report(input.Index(path+".generator.choice.choices", k))
				}
			}
		case g.EnumList != nil:
			for k, v := range g.EnumList.Values {
				if v == "" {
					report(input.Index(path+".generator.enum_list.values", k))
				}
			}
		}
		for k, m := range c.Modifiers {
			if m.MapValues == nil {
				continue
			}
			for _, e := range m.MapValues.Mapping {
				if e.To == "" {
					report(input.Key(input.Index(path+".modifiers", k)+".args.mapping", e.From))
				}
			}
		}
	}
}
