package validate

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"datagen/src/column"
)

// planChecks registers every check of the schema, in report order:
// structural checks table by table, then the declared constraints, then
// the behavioural checks.
func (v *Validator) planChecks() {
	s := v.s
	// Each problem is reported once: a unique constraint on a table's
	// one-column primary key, and a declared foreign key that a parent
	// link already checks, add no second check.
	pkCols := map[[2]any]bool{}
	linked := map[[4]any]bool{}
	for _, t := range v.tables {
		v.add(&tableCheck{t: t})
		switch pk := t.node.PK; {
		case len(pk) == 1:
			v.add(v.newUnique(t, t.colIndex(pk[0]), t.id+".pk_unique", true))
			pkCols[[2]any{t, t.colIndex(pk[0])}] = true
		case len(pk) > 1:
			v.add(v.newCompositeKey(t))
		}
		v.planHistory(t)
		for _, pid := range t.node.Parents {
			p := v.byID[pid]
			if p == nil {
				continue
			}
			links := v.parentLinks(t, p)
			if len(p.node.PK) > 1 && len(links) == len(p.node.PK) {
				if pk := v.compositeKeyOf(p); pk != nil {
					// The child copies the whole key: check the tuples.
					v.add(newTupleMember(t, links, pk, v.name(fmt.Sprintf("%s.fk_%s.integrity", t.id, pid))))
					continue
				}
			}
			for _, l := range links {
				name := fmt.Sprintf("%s.fk_%s.integrity", t.id, pid)
				if len(p.node.PK) > 1 {
					name = fmt.Sprintf("%s.fk_%s.%s.integrity", t.id, pid, p.cols[l.pj].spec.Name)
				}
				v.add(&fkCheck{m: v.newMember(t, l.j, p, l.pj), name: v.name(name), what: "foreign key"})
				linked[[4]any{t, l.j, p, l.pj}] = true
			}
		}
	}
	for _, u := range s.Constraints.Unique {
		t, j := v.column(u)
		tn, cn, _ := splitRef(u)
		if t == nil || j < 0 {
			v.add(fixed(newResult(Structural, true, tn, v.name(u+".unique"), false, nil, "unique constraint %q names no column of the schema", u)))
			continue
		}
		if pkCols[[2]any{t, j}] {
			continue // checked as <table>.pk_unique
		}
		v.add(v.newUnique(t, j, v.name(tn+"."+cn+".unique"), false))
	}
	for _, fk := range s.Constraints.ForeignKeys {
		ft, fj := v.column(fk.From)
		tt, tj := v.column(fk.To)
		fn, fc, _ := splitRef(fk.From)
		tn, tc, _ := splitRef(fk.To)
		name := v.name(fmt.Sprintf("%s.fk_constraint.%s_to_%s.%s", fn, fc, tn, tc))
		if ft == nil || fj < 0 || tt == nil || tj < 0 {
			v.add(fixed(newResult(Structural, true, fn, name, false, nil, "foreign key %s → %s names a column that is not in the schema", fk.From, fk.To)))
			continue
		}
		if linked[[4]any{ft, fj, tt, tj}] {
			continue // checked as <table>.fk_<parent>.integrity
		}
		v.add(&fkCheck{m: v.newMember(ft, fj, tt, tj), name: name, what: "foreign key"})
	}
	for _, r := range s.Constraints.Ranges {
		t, j := v.column(r.Attr)
		tn, cn, _ := splitRef(r.Attr)
		name := v.name(tn + "." + cn + ".range")
		if t == nil || j < 0 {
			v.add(fixed(newResult(Value, false, tn, name, false, nil, "range names %q, which is not a column of the schema", r.Attr)))
			continue
		}
		rc := &rangeCheck{t: t, j: j, min: r.Min, max: r.Max, name: name}
		t.feeders = append(t.feeders, rc)
		v.add(rc)
	}
	for _, in := range s.Constraints.Inequalities {
		v.add(v.newInequality(in))
	}
	for _, p := range s.Constraints.Patterns {
		v.addPattern(p.Attr, p.Regex)
	}
	for _, e := range s.Constraints.Enums {
		v.addEnum(e.Attr, e.Values, e.EnumRef)
	}
	for _, t := range v.tables {
		for _, c := range t.cols {
			cc := c.spec.Constraints
			if cc == nil {
				continue
			}
			ref := t.id + "." + c.spec.Name
			if cc.Pattern != "" {
				v.addPattern(ref, cc.Pattern)
			}
			if len(cc.Enum) > 0 || cc.EnumRef != "" {
				v.addEnum(ref, cc.Enum, cc.EnumRef)
			}
		}
	}
	v.planDeclared()
	v.planBehaviour()
}

// name returns a unique result name.
func (v *Validator) name(n string) string { return v.uniqueName(n) }

func (v *Validator) add(c checker) { v.checks = append(v.checks, c) }

// fixedCheck is a result known at planning time (a schema reference that
// cannot be resolved).
type fixedCheck struct{ r Result }

func fixed(r Result) checker                      { return &fixedCheck{r} }
func (f *fixedCheck) results(*Validator) []Result { return []Result{f.r} }

// keyLink pairs a column j of a child table with the primary key column
// pj of its parent that it copies.
type keyLink struct{ j, pj int }

// parentLinks finds the columns of t that copy a part of the primary key
// of parent p: lookup generators reading a key column of p (the engine
// fills them from the parent row), in key order, at most one per part.
func (v *Validator) parentLinks(t, p *tableState) []keyLink {
	var out []keyLink
	for _, k := range p.node.PK {
		pj := p.colIndex(k)
		if pj < 0 {
			continue
		}
		for j, c := range t.cols {
			if l := c.spec.Generator.Lookup; l != nil && l.Table == p.id && l.Column == k {
				out = append(out, keyLink{j, pj})
				break
			}
		}
	}
	return out
}

// parentLink finds the column of t that copies the single-column primary
// key of parent p. It returns -1 when t has none or p's key is composite.
func (v *Validator) parentLink(t, p *tableState) (int, int) {
	if len(p.node.PK) != 1 {
		return -1, -1
	}
	if l := v.parentLinks(t, p); len(l) == 1 {
		return l[0].j, l[0].pj
	}
	return -1, -1
}

func (v *Validator) newMember(src *tableState, j int, tgt *tableState, tj int) *memberCheck {
	kind := pairKind(src.cols[j].spec.Type, tgt.cols[tj].spec.Type)
	key := [4]any{src.id, j, tgt.id, tj}
	if v.members == nil {
		v.members = map[[4]any]*memberCheck{}
	}
	if m := v.members[key]; m != nil {
		return m
	}
	m := &memberCheck{src: src, col: j, tgt: tgt, tcol: tj, kind: kind, idx: v.targetIndex(tgt, tj, kind)}
	v.members[key] = m
	src.feeders = append(src.feeders, m)
	return m
}

// tableCheck reports a table's presence, columns, types and nulls.
type tableCheck struct{ t *tableState }

func (c *tableCheck) results(v *Validator) []Result {
	t := c.t
	if !t.present {
		return []Result{newResult(Structural, true, t.id, t.id+".exists", false, nil, "table %q is missing from the data", t.id)}
	}
	out := []Result{newResult(Structural, true, t.id, t.id+".exists", true, map[string]any{"rows": t.rows, "file": t.file},
		"table %q is present (%d rows)", t.id, t.rows)}
	bad := map[string]any{}
	for j, col := range t.cols {
		if t.typeBad[j] > 0 || t.typeNote[j] != "" {
			d := map[string]any{"declared": col.spec.Type.String(), "bad_values": t.typeBad[j]}
			if t.typeNote[j] != "" {
				d["note"] = t.typeNote[j]
			}
			if t.typeSample[j] != "" {
				d["sample"] = t.typeSample[j]
			}
			bad[col.spec.Name] = d
		}
	}
	d := map[string]any{"columns_checked": len(t.cols), "bad_columns": bad, "extra_columns": nonNil(t.extraCols)}
	if len(bad) == 0 {
		out = append(out, newResult(Structural, true, t.id, t.id+".types", true, d, "every value of %q has its declared type", t.id))
	} else {
		// Name each column with its count and an example value.
		var what []string
		for j, col := range t.cols {
			switch {
			case t.typeNote[j] != "":
				what = append(what, fmt.Sprintf("%s.%s: %s", t.id, col.spec.Name, t.typeNote[j]))
			case t.typeBad[j] > 0:
				what = append(what, fmt.Sprintf("%s.%s: %d value(s) that are not %s, e.g. %q", t.id, col.spec.Name, t.typeBad[j], typeNoun(col.spec.Type), t.typeSample[j]))
			}
		}
		out = append(out, newResult(Structural, true, t.id, t.id+".types", false, d, "%s", strings.Join(what, "; ")))
	}
	for j, col := range t.cols {
		name := t.id + "." + col.spec.Name
		if t.missing[j] {
			out = append(out, newResult(Structural, true, t.id, name+".exists", false, nil, "column %q is missing from table %q", col.spec.Name, t.id))
			continue
		}
		out = append(out, newResult(Structural, true, t.id, name+".exists", true, nil, "column %q is present", col.spec.Name))
	}
	for j, col := range t.cols {
		if col.spec.Nullable || t.missing[j] {
			continue
		}
		name := t.id + "." + col.spec.Name + ".nullable"
		// Values that could not be read are type errors (reported by
		// <table>.types), not nulls.
		nulls := max(col.nulls-t.unparsed[j], 0)
		d := map[string]any{"null_count": nulls, "total_rows": t.rows}
		if nulls > 0 {
			out = append(out, newResult(Structural, true, t.id, name, false, d, "%d null(s) in non-nullable column %s.%s", nulls, t.id, col.spec.Name))
		} else {
			out = append(out, newResult(Structural, true, t.id, name, true, d, "no nulls in %s.%s", t.id, col.spec.Name))
		}
	}
	return out
}

// typeNoun names a type with its article, for messages.
func typeNoun(t column.Type) string {
	switch t {
	case column.Int:
		return "an int"
	case column.Float:
		return "a float"
	case column.Bool:
		return "a bool"
	case column.Date:
		return "a date"
	case column.Timestamp:
		return "a datetime"
	}
	return "a " + t.String()
}

// uniqueCheck checks that a column's values are unique.
type uniqueCheck struct {
	t    *tableState
	j    int
	name string
	pk   bool
	idx  *keyIndex
}

func (v *Validator) newUnique(t *tableState, j int, name string, pk bool) checker {
	if j < 0 {
		return fixed(newResult(Structural, true, t.id, v.name(t.id+".pk_exists"), false, nil, "primary key %q is not a column of %q", strings.Join(t.node.PK, ", "), t.id))
	}
	kind := keyText
	if intLike(t.cols[j].spec.Type) {
		kind = keyInt
	}
	return &uniqueCheck{t: t, j: j, name: name, pk: pk, idx: v.keyIndex(t, j, kind)}
}

func (c *uniqueCheck) results(*Validator) []Result {
	t := c.t
	if !t.present {
		return nil
	}
	if msg := t.unavailable(c.j); msg != "" {
		return []Result{newResult(Structural, true, t.id, c.name, false, nil, "%s", msg)}
	}
	k := c.idx
	col := t.cols[c.j].spec.Name
	d := map[string]any{"total_rows": t.rows, "unique_values": k.set.Len(), "duplicates": k.dups,
		"null_count": k.nulls, "sample_duplicates": nonNil(k.dupSamples), "comparison": k.kind.String()}
	if c.pk && t.cols[c.j].spec.Type == column.String {
		d["empty_count"] = k.empties
	}
	switch {
	case k.dups > 0:
		return []Result{newResult(Structural, true, t.id, c.name, false, d, "%d duplicate value(s) in %s.%s, e.g. %v", k.dups, t.id, col, k.dupSamples)}
	case c.pk && k.nulls > t.unparsed[c.j]:
		return []Result{newResult(Structural, true, t.id, c.name, false, d, "primary key %s.%s has %d null(s)", t.id, col, k.nulls-t.unparsed[c.j])}
	case c.pk && k.empties > 0:
		return []Result{newResult(Structural, true, t.id, c.name, false, d, "primary key %s.%s has %d empty string(s); %s", t.id, col, k.empties, emptyKeyWhy)}
	}
	return []Result{newResult(Structural, true, t.id, c.name, true, d, "%s.%s is unique (%d values)", t.id, col, k.set.Len())}
}

// fkCheck reports a memberCheck as a foreign key.
type fkCheck struct {
	m    *memberCheck
	name string
	what string
	cat  Category
}

func (c *fkCheck) results(*Validator) []Result {
	if !c.m.src.present {
		return nil
	}
	cat, hard := c.cat, false
	if cat == "" {
		cat, hard = Structural, true
	}
	ok, msg, d := c.m.outcome(c.what)
	return []Result{newResult(cat, hard, c.m.src.id, c.name, ok, d, "%s", msg)}
}

// rangeCheck checks min ≤ v ≤ max (inclusive; absent bounds unchecked).
type rangeCheck struct {
	t            *tableState
	j            int
	min, max     *float64
	name         string
	below, above int64
	checked      int64
}

func (c *rangeCheck) feed(b *blockView) {
	vec := b.cols[c.j]
	if vec == nil {
		return
	}
	lo, hi := math.Inf(-1), math.Inf(1)
	if c.min != nil {
		lo = *c.min
	}
	if c.max != nil {
		hi = *c.max
	}
	switch vec.Type {
	case column.Int:
		for i, x := range vec.Ints[:b.rows] {
			if vec.Null != nil && vec.Null[i] {
				continue
			}
			c.checked++
			if f := float64(x); f < lo {
				c.below++
			} else if f > hi {
				c.above++
			}
		}
	case column.Float:
		for i, x := range vec.Floats[:b.rows] {
			if vec.Null != nil && vec.Null[i] || math.IsNaN(x) {
				continue
			}
			c.checked++
			if x < lo {
				c.below++
			} else if x > hi {
				c.above++
			}
		}
	}
}

func (c *rangeCheck) results(*Validator) []Result {
	t := c.t
	if !t.present {
		return nil
	}
	if msg := t.unavailable(c.j); msg != "" {
		return []Result{newResult(Value, false, t.id, c.name, false, nil, "%s", msg)}
	}
	col := t.cols[c.j]
	if !col.spec.Type.IsNumeric() {
		return []Result{newResult(Value, false, t.id, c.name, false, nil,
			"range on %s.%s: range bounds are numbers and the column is %v", t.id, col.spec.Name, col.spec.Type)}
	}
	d := map[string]any{"min": c.min, "max": c.max, "checked": c.checked, "violations": c.below + c.above,
		"below_min": c.below, "above_max": c.above}
	if col.mom.n > 0 {
		d["actual_min"], d["actual_max"] = col.mom.min, col.mom.max
	} else {
		d["actual_min"], d["actual_max"] = nil, nil
	}
	if n := c.below + c.above; n > 0 {
		return []Result{newResult(Value, false, t.id, c.name, false, d, "%d of %d values of %s.%s are outside [%s, %s] (%d below, %d above)",
			n, c.checked, t.id, col.spec.Name, bound(c.min), bound(c.max), c.below, c.above)}
	}
	return []Result{newResult(Value, false, t.id, c.name, true, d, "all %d values of %s.%s are within [%s, %s]",
		c.checked, t.id, col.spec.Name, bound(c.min), bound(c.max))}
}

func bound(p *float64) string {
	if p == nil {
		return "–"
	}
	return strconv.FormatFloat(*p, 'g', -1, 64)
}

// patternCheck requires the canonical text of every value to match a
// regular expression in full (RE2 syntax, anchored at both ends).
type patternCheck struct {
	t       *tableState
	j       int
	name    string
	src     string
	re      *regexp.Regexp
	err     error
	checked int64
	bad     int64
	samples []string
	cache   map[string]bool
	buf     []byte
}

func (v *Validator) addPattern(attr, re string) {
	t, j := v.column(attr)
	tn, cn, _ := splitRef(attr)
	name := v.name(tn + "." + cn + ".pattern")
	if t == nil || j < 0 {
		v.add(fixed(newResult(Value, false, tn, name, false, nil, "pattern names %q, which is not a column of the schema", attr)))
		return
	}
	c := &patternCheck{t: t, j: j, name: name, src: re, cache: map[string]bool{}}
	c.re, c.err = regexp.Compile(`^(?:` + re + `)$`)
	if c.err == nil {
		t.feeders = append(t.feeders, c)
	}
	v.add(c)
}

func (c *patternCheck) feed(b *blockView) {
	vec := b.cols[c.j]
	if vec == nil {
		return
	}
	for i := 0; i < b.rows; i++ {
		if vec.IsNull(i) {
			continue
		}
		c.checked++
		c.buf = appendCanonical(c.buf[:0], vec, i)
		ok, hit := c.cache[string(c.buf)]
		if !hit {
			ok = c.re.Match(c.buf)
			if len(c.cache) < 4096 {
				c.cache[string(c.buf)] = ok
			}
		}
		if !ok {
			c.bad++
			if len(c.samples) < 5 {
				c.samples = append(c.samples, string(c.buf))
			}
		}
	}
}

func (c *patternCheck) results(*Validator) []Result {
	t := c.t
	if !t.present {
		return nil
	}
	col := t.cols[c.j].spec.Name
	if c.err != nil {
		return []Result{newResult(Value, false, t.id, c.name, false, nil, "pattern of %s.%s is not a valid regular expression: %v", t.id, col, c.err)}
	}
	if msg := t.unavailable(c.j); msg != "" {
		return []Result{newResult(Value, false, t.id, c.name, false, nil, "%s", msg)}
	}
	d := map[string]any{"regex": c.src, "match": "full", "checked": c.checked, "violations": c.bad, "sample_violations": nonNil(c.samples)}
	if c.bad > 0 {
		return []Result{newResult(Value, false, t.id, c.name, false, d, "%d of %d values of %s.%s do not match %q, e.g. %q", c.bad, c.checked, t.id, col, c.src, c.samples)}
	}
	return []Result{newResult(Value, false, t.id, c.name, true, d, "all %d values of %s.%s match %q", c.checked, t.id, col, c.src)}
}

// enumCheck requires every value's canonical text to be one of a list.
type enumCheck struct {
	t       *tableState
	j       int
	name    string
	allowed map[string]bool
	list    []string
	checked int64
	bad     int64
	samples []string
	buf     []byte
}

func (v *Validator) addEnum(attr string, values []any, ref string) {
	t, j := v.column(attr)
	tn, cn, _ := splitRef(attr)
	name := v.name(tn + "." + cn + ".enum")
	if t == nil || j < 0 {
		v.add(fixed(newResult(Value, false, tn, name, false, nil, "enum names %q, which is not a column of the schema", attr)))
		return
	}
	if len(values) > 0 {
		c := &enumCheck{t: t, j: j, name: name, allowed: map[string]bool{}}
		for _, x := range values {
			s := canonicalJSON(x)
			if !c.allowed[s] {
				c.list = append(c.list, s)
			}
			c.allowed[s] = true
		}
		t.feeders = append(t.feeders, c)
		v.add(c)
		if ref != "" {
			name = v.name(tn + "." + cn + ".enum")
		}
	}
	if ref != "" {
		rt, rj := v.column(ref)
		if rt == nil || rj < 0 {
			v.add(fixed(newResult(Value, false, tn, name, false, nil, "enum_ref %q of %s is not a column of the schema", ref, attr)))
			return
		}
		m := &memberCheck{src: t, col: j, tgt: rt, tcol: rj, kind: keyText, idx: v.targetIndex(rt, rj, keyText)}
		t.feeders = append(t.feeders, m)
		v.add(&fkCheck{m: m, name: name, what: "enum", cat: Value})
		return
	}
	if len(values) == 0 {
		v.add(fixed(newResult(Value, false, tn, name, false, nil, "enum on %s declares neither values nor enum_ref", attr)))
	}
}

func (c *enumCheck) feed(b *blockView) {
	vec := b.cols[c.j]
	if vec == nil {
		return
	}
	for i := 0; i < b.rows; i++ {
		if vec.IsNull(i) {
			continue
		}
		c.checked++
		var ok bool
		if vec.Type == column.String {
			ok = c.allowed[vec.Strs[i]]
		} else {
			c.buf = appendCanonical(c.buf[:0], vec, i)
			ok = c.allowed[string(c.buf)]
		}
		if !ok {
			c.bad++
			if len(c.samples) < 5 {
				c.buf = appendCanonical(c.buf[:0], vec, i)
				c.samples = append(c.samples, string(c.buf))
			}
		}
	}
}

func (c *enumCheck) results(*Validator) []Result {
	t := c.t
	if !t.present {
		return nil
	}
	if msg := t.unavailable(c.j); msg != "" {
		return []Result{newResult(Value, false, t.id, c.name, false, nil, "%s", msg)}
	}
	col := t.cols[c.j].spec.Name
	d := map[string]any{"allowed": c.list, "checked": c.checked, "violations": c.bad, "sample_violations": nonNil(c.samples)}
	if c.bad > 0 {
		return []Result{newResult(Value, false, t.id, c.name, false, d, "%d of %d values of %s.%s are not in the enum, e.g. %q", c.bad, c.checked, t.id, col, c.samples)}
	}
	return []Result{newResult(Value, false, t.id, c.name, true, d, "all %d values of %s.%s are in the enum", c.checked, t.id, col)}
}
