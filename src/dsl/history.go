package dsl

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"datagen/src/input"
)

// Changes makes a column of an entity change over time: in every period
// of length Every (counted from the timeframe's start), with probability
// P, the column's value is drawn again from its generator at an instant
// inside the period.
type Changes struct {
	// Every is the period in microseconds; EveryText is its spelling.
	Every     int64
	EveryText string
	P         float64
}

// History says how an entity with changing columns is written: as
// versions (SCD type 2: one row per version) or as change events (CDC:
// one row per insert or update).
type History struct {
	As string // HistoryVersions or HistoryEvents
}

// The ways of writing an entity's history.
const (
	HistoryVersions = "versions"
	HistoryEvents   = "events"
)

// The columns datagen adds to a table written with history. Versions
// carry ValidFrom, ValidTo (null for the current version) and IsCurrent;
// events carry ChangedAt and Operation (OpInsert, then OpUpdate).
const (
	ValidFrom = "valid_from"
	ValidTo   = "valid_to"
	IsCurrent = "is_current"
	ChangedAt = "changed_at"
	Operation = "operation"
	OpInsert  = "insert"
	OpUpdate  = "update"
)

// HistoryColumns returns the names of the columns a history of kind as
// adds, in output order.
func HistoryColumns(as string) []string {
	if as == HistoryEvents {
		return []string{ChangedAt, Operation}
	}
	return []string{ValidFrom, ValidTo, IsCurrent}
}

// HistoryKey returns the key of the rows a history writes: the node's
// primary key and the version's start (valid_from) or the event's time
// (changed_at).
func (n *Node) HistoryKey() []string {
	if n.History == nil {
		return n.PK
	}
	return append(slices.Clone(n.PK), HistoryColumns(n.History.As)[0])
}

var (
	changesKeys  = []string{"every", "p"}
	historyKeys  = []string{"as"}
	historyKinds = []string{HistoryVersions, HistoryEvents}
	// changeGenerators are the generators whose values are drawn
	// independently per row, and so can be drawn again.
	changeGenerators = []GeneratorKind{GenChoice, GenDistribution, GenFaker, GenDatetimeSeries}
)

// everyUnits are the units of a change period, in microseconds.
var everyUnits = map[string]int64{"s": 1e6, "min": 60e6, "h": 3600e6, "d": 86400e6, "w": 7 * 86400e6}

// maxEvery bounds a change period: 100 years.
const maxEvery = 100 * 366 * 86400e6

// ParseEvery reads a change period: a positive integer and a unit, s
// (seconds), min, h, d (days) or w (weeks), such as "30d" or "12h".
func ParseEvery(s string) (int64, error) {
	t := strings.TrimSpace(s)
	i := 0
	for i < len(t) && t[i] >= '0' && t[i] <= '9' {
		i++
	}
	unit := strings.TrimSpace(t[i:])
	mul, ok := everyUnits[unit]
	if i == 0 || !ok {
		if unit == "m" || unit == "M" {
			return 0, fmt.Errorf("period %q: write \"min\" for minutes (months vary in length: use days)", s)
		}
		return 0, fmt.Errorf("period %q: expected a whole number and a unit s, min, h, d or w, such as \"30d\"", s)
	}
	n, err := strconv.ParseInt(t[:i], 10, 64)
	if err != nil || n <= 0 || n > maxEvery/mul {
		return 0, fmt.Errorf("period %q: the number must be between 1 and 100 years", s)
	}
	return n * mul, nil
}

func (d *decoder) changes(v *input.Value, path string) *Changes {
	o := d.Object(v, path, changesKeys...)
	if o == nil {
		return nil
	}
	c := &Changes{}
	ok := true
	if ev := o.Required("every"); ev != nil {
		if s, sok := d.Str(ev, o.At("every")); sok {
			every, err := ParseEvery(s)
			if err != nil {
				d.Errorf(o.At("every"), "", "%v", err)
				ok = false
			}
			c.Every, c.EveryText = every, s
		} else {
			ok = false
		}
	} else {
		ok = false
	}
	if pv := o.Required("p"); pv != nil {
		if p, pok := d.Num(pv, o.At("p")); pok {
			if p < 0 || p > 1 {
				d.Errorf(o.At("p"), "", "p must be between 0 and 1, got %s", fmtNum(p))
				ok = false
			}
			c.P = p
		} else {
			ok = false
		}
	} else {
		ok = false
	}
	if !ok {
		return nil
	}
	return c
}

func (d *decoder) history(v *input.Value, path string) *History {
	o := d.Object(v, path, historyKeys...)
	if o == nil {
		return nil
	}
	h := &History{}
	if av := o.Required("as"); av != nil {
		if s, ok := d.Str(av, o.At("as")); ok {
			if !slices.Contains(historyKinds, s) {
				d.Errorf(o.At("as"), input.SuggestOr(s, historyKinds), "unknown history %q: versions (SCD type 2) or events (CDC)", s)
				return nil
			}
			h.As = s
		}
	}
	if h.As == "" {
		return nil
	}
	return h
}

// changesGiven reports whether a column of node object o has a "changes"
// key, valid or not: an invalid one is reported where it is, and is not
// also a missing one.
func changesGiven(o *input.Object) bool {
	cols := o.Get("columns")
	if cols == nil {
		return false
	}
	for _, c := range cols.Arr {
		if c.Get("changes") != nil {
			return true
		}
	}
	return false
}

// historyRules checks history and changes of a node: history belongs to
// an entity with at least one changing column, changes to a column of a
// node with history, whose generator draws values per row, outside the
// primary key.
func (d *decoder) historyRules(n *Node, o *input.Object) {
	changing := 0
	for i := range n.Columns {
		c := &n.Columns[i]
		if c.Changes == nil {
			continue
		}
		changing++
		cp := input.Key(input.Named(o.At("columns"), i, c.Name), "changes")
		switch {
		case n.Kind != Entity:
			d.Errorf(cp, "", "changes belong to the columns of an entity, not of a %s", n.Kind)
		case n.History == nil && o.Get("history") == nil:
			d.Errorf(cp, `add "history": {"as": "versions"} (or "events") to the node`,
				"a changing column needs the node's history: versions or change events")
		case n.TimeColumn != nil && *n.TimeColumn == c.Name:
			d.Errorf(cp, "", "the time column %q cannot change: it dates the entity's first version", c.Name)
		case n.IsPK(c.Name):
			d.Errorf(cp, "", "key column %q cannot change: the key names the entity in every version", c.Name)
		case c.Generator.Kind != "" && !slices.Contains(changeGenerators, c.Generator.Kind):
			d.Errorf(cp, "use choice, distribution, faker or datetime_series",
				"a %s column cannot change: changes draw the value again, which only generators that draw per row can do", c.Generator.Kind)
		case c.Generator.DatetimeSeries != nil && (c.Generator.DatetimeSeries.Sequential || c.Generator.DatetimeSeries.Lifetime != nil):
			d.Errorf(cp, "", "a sequential or lifetime-bound datetime_series column cannot change")
		}
	}
	if n.History == nil {
		return
	}
	hp := o.At("history")
	if n.Kind != Entity {
		d.Errorf(hp, "", "history belongs to an entity, not to a %s", n.Kind)
		return
	}
	if changing == 0 && n.Columns != nil && !changesGiven(o) {
		d.Errorf(hp, `add "changes": {"every": "30d", "p": 0.1} to a column`, "history needs at least one column with changes")
	}
	if len(n.PK) == 0 {
		return
	}
	for _, name := range HistoryColumns(n.History.As) {
		if c := n.Column(name); c != nil {
			d.Errorf(hp, "rename the column", "history adds a column %q, which node %q already has", name, n.ID)
		}
	}
}
