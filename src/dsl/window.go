package dsl

import (
	"datagen/src/input"
)

// nodeTime reads the node's "time_column": the datetime or date column
// whose value places a row in a time window (datagen generate --from
// --until), or null for none.
func (d *decoder) nodeTime(n *Node, o *input.Object) {
	if !o.Has("time_column") {
		return
	}
	path := o.At("time_column")
	v := o.Value().Get("time_column")
	if v.Kind == input.NullKind {
		none := ""
		n.TimeColumn = &none
		return
	}
	name, ok := d.NonEmptyStr(v, path)
	if !ok {
		return
	}
	n.TimeColumn = &name
	if n.Columns == nil {
		return
	}
	c := n.Column(name)
	switch {
	case c == nil:
		d.Errorf(path, input.SuggestOr(name, columnNames(n)), "time_column %q is not a column of node %q", name, n.ID)
	case !c.Type.IsTime():
		d.Errorf(path, "name a datetime or date column, or write null for none", "time_column %q of node %q has type %s, not datetime or date", name, n.ID, c.Type)
	}
}
