package dsl

import (
	"slices"
	"time"

	"datagen/src/input"
)

// OpenEnd is the timeframe end of an open-ended timeline.
const OpenEnd = "open"

// OpenSpanYears is the span of an open timeline's reference grid: its
// timeframe.end stands for start + OpenSpanYears, the fixed range of
// every grid, bound and reference that would otherwise read the end, so
// that no value depends on how far a run reaches. Runs reach up to the
// end of their window, at most that far.
const OpenSpanYears = 100

// openEnd is the End of an open timeframe starting at start.
func openEnd(start time.Time) time.Time {
	return start.AddDate(OpenSpanYears, 0, 0).Add(-time.Microsecond)
}

// Units are the time units of rates ("per"), in documentation order.
var Units = []string{"hour", "day", "week"}

// UnitMicros returns the length of a rate unit in microseconds.
func UnitMicros(unit string) int64 {
	switch unit {
	case "hour":
		return 3_600_000_000
	case "week":
		return 7 * 86_400_000_000
	}
	return 86_400_000_000
}

// Arrivals is the rate at which an entity's rows arrive: per unit (the
// timeframe split into units from its start), a Poisson(Mean) count.
type Arrivals struct {
	Per  string
	Mean float64
}

// maxArrivalMean bounds the mean of arrivals per unit.
const maxArrivalMean = 1e9

var arrivalKeys = []string{"per", "mean"}

// nodeTimeline reads the node's keys about time: "time_column" and
// "arrivals".
func (d *decoder) nodeTimeline(n *Node, o *input.Object) {
	d.nodeTime(n, o)
	v := o.Get("arrivals")
	if v == nil {
		return
	}
	path := o.At("arrivals")
	ao := d.Object(v, path, arrivalKeys...)
	if ao == nil {
		return
	}
	a := &Arrivals{}
	if pv := ao.Required("per"); pv != nil {
		a.Per, _ = d.unit(pv, ao.At("per"))
	}
	if mv := ao.Required("mean"); mv != nil {
		if m, ok := d.Num(mv, ao.At("mean")); ok {
			if !(m >= 0 && m <= maxArrivalMean) {
				d.Errorf(ao.At("mean"), "", "mean must be between 0 and 1e9, got %s", fmtNum(m))
			}
			a.Mean = m
		}
	}
	n.Arrivals = a
	switch {
	case n.Kind == Vocab, n.Kind == Fact && len(n.Parents) > 0:
		d.Errorf(path, "give arrivals to an entity (or a fact without parents); a fact with parents arrives through its fanout (fanout.per)",
			"arrivals is only for entities and facts without parents")
	case n.Rows != nil:
		d.Errorf(path, "remove rows: the row count follows from the arrivals", "arrivals and rows are both given")
	}
}

// unit reads a rate unit.
func (d *decoder) unit(v *input.Value, path string) (string, bool) {
	s, ok := d.Str(v, path)
	if !ok {
		return "", false
	}
	if !slices.Contains(Units, s) {
		d.Errorf(path, input.SuggestOr(s, Units), "unknown unit %q", s)
		return "", false
	}
	return s, true
}

// fanoutPer reads fanout.per: a Poisson count per parent row per unit of
// the parent's lifetime. Only lambda goes with it.
func (d *decoder) fanoutPer(f *Fanout, o *input.Object) {
	pv := o.Get("per")
	if pv == nil {
		return
	}
	f.Per, _ = d.unit(pv, o.At("per"))
	if dv := o.Get("distribution"); dv != nil && dv.Kind == input.StringKind && dv.Str != "poisson" {
		d.Errorf(o.At("distribution"), `remove it: a count per unit is Poisson(lambda)`, "fanout.per draws a poisson count, not %s", dv.Str)
	}
	for _, k := range []string{"min", "max", "clamp", "weights"} {
		if o.Has(k) {
			d.Errorf(o.At(k), "remove it", "%s cannot be given with fanout.per (a Poisson(lambda) count per unit)", k)
		}
	}
}

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
