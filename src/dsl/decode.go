package dsl

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"datagen/src/civil"
	"datagen/src/column"
)

// Parse decodes and validates a DSL document. It returns the schema and the
// warnings when the document is valid; otherwise a Problems error listing
// every error (warnings are returned alongside), or a *SyntaxError when the
// input is not JSON.
func Parse(data []byte, opts Options) (*Schema, []Problem, error) {
	root, err := parseJSON(data)
	if err != nil {
		return nil, nil, err
	}
	d := &decoder{reporter: reporter{opts: opts}, drops: map[modRef]bool{}}
	s := d.schema(root)
	d.validate(s)
	errs, warns := d.split()
	if len(errs) > 0 {
		return nil, warns, errs
	}
	d.applyDrops(s)
	rememberHash(s, canonicalHash(root))
	return s, warns, nil
}

// Load reads and parses the document at path.
func Load(path string, opts Options) (*Schema, []Problem, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("reading schema: %w", err)
	}
	s, warns, err := Parse(data, opts)
	if se, ok := err.(*SyntaxError); ok {
		return nil, nil, fmt.Errorf("%s: %w", path, se)
	}
	return s, warns, err
}

var (
	topKeys       = []string{"version", "metadata", "timeframe", "nodes", "constraints", "targets", "dag"}
	timeframeKeys = []string{"start", "end", "freq"}
	nodeKeys      = []string{"id", "kind", "pk", "description", "rows", "parents", "fanout", "columns", "modifiers",
		"segment_behavior", "vintage_behavior", "stage_config", "state_transition_model", "metadata"}
	fanoutKeys = []string{"distribution", "lambda", "lambda_", "min", "max", "clamp"}
	columnKeys = []string{"name", "type", "nullable", "null_rate", "description", "generator", "modifiers", "constraints", "metadata"}
	colConsKey = []string{"pattern", "enum", "enum_ref"}
	nodeKinds  = []string{string(Entity), string(Fact), string(Vocab)}
	typeNames  = []string{"int", "float", "string", "bool", "datetime", "date"}
)

func (d *decoder) schema(root *jvalue) *Schema {
	s := &Schema{}
	if root.kind != jObject {
		d.errorf("", "", "the document must be a JSON object, got %s", root.describe())
		return s
	}
	o := d.object(root, "", topKeys...)

	if v := d.required(o, "version"); v != nil {
		if v.kind == jNumber {
			d.errorf("version", `write "1.0"`, "expected a string, got %s", v.describe())
		} else if ver, ok := d.str(v, "version"); ok {
			if ver != Version {
				d.errorf("version", `expected "1.0"`, "unsupported version %q", ver)
			}
			s.Version = ver
		}
	}
	if v := d.required(o, "metadata"); v != nil {
		s.Metadata = d.metadata(v, "metadata")
	}
	if v := d.required(o, "timeframe"); v != nil {
		s.Timeframe = d.timeframe(v, "timeframe")
	}
	if v := d.required(o, "nodes"); v != nil {
		if arr, ok := d.array(v, "nodes"); ok {
			s.Nodes = make([]Node, len(arr))
			for i, nv := range arr {
				s.Nodes[i] = d.node(nv, named("nodes", i, peekString(nv, "id")))
			}
		}
	}
	if v := d.required(o, "constraints"); v != nil {
		s.Constraints = d.constraints(v, "constraints")
	}
	if v := o.get("targets"); v != nil {
		s.Targets = d.targets(v, "targets")
	}
	if v := o.get("dag"); v != nil {
		s.DAG = d.dag(v, "dag")
	}
	return s
}

// peekString returns the string member k of object v, or "".
func peekString(v *jvalue, k string) string {
	if m := v.get(k); m != nil && m.kind == jString {
		return m.str
	}
	return ""
}

func (d *decoder) metadata(v *jvalue, path string) Metadata {
	var m Metadata
	if v.kind != jObject {
		d.errorf(path, "", "expected an object, got %s", v.describe())
		return m
	}
	d.reportDups(v, path)
	o := &obj{v: v, path: path}
	if nv := d.required(o, "name"); nv != nil {
		m.Name, _ = d.nonEmptyStr(nv, o.at("name"))
	}
	if dv := o.get("description"); dv != nil {
		m.Description, _ = d.str(dv, o.at("description"))
	}
	for _, mem := range v.obj {
		if mem.key == "name" || mem.key == "description" {
			continue
		}
		if m.Extra == nil {
			m.Extra = map[string]any{}
		}
		m.Extra[mem.key] = d.toAny(mem.val, key(path, mem.key))
	}
	return m
}

func (d *decoder) timeframe(v *jvalue, path string) Timeframe {
	var tf Timeframe
	o := d.object(v, path, timeframeKeys...)
	if o == nil {
		return tf
	}
	var okS, okE bool
	if sv := d.required(o, "start"); sv != nil {
		tf.Start, okS = d.timestamp(sv, o.at("start"))
	}
	if ev := d.required(o, "end"); ev != nil {
		tf.End, okE = d.timestamp(ev, o.at("end"))
	}
	if okS && okE && tf.Start.After(tf.End) {
		d.errorf(o.at("start"), "", "start %s is after end %s", showTime(tf.Start), showTime(tf.End))
	}
	if fv := d.required(o, "freq"); fv != nil {
		if f, ok := d.str(fv, o.at("freq")); ok {
			tf.Freq = f
			if err := checkFreq(f); err != nil {
				// The predecessor never read timeframe.freq.
				d.compatf(o.at("freq"), freqSuggestion(f), "%v", err)
			}
		}
	}
	return tf
}

// showTime renders an instant in messages.
func showTime(t time.Time) string { return civil.FormatTimestamp(t.UnixMicro()) }

func (d *decoder) node(v *jvalue, path string) Node {
	var n Node
	o := d.object(v, path, nodeKeys...)
	if o == nil {
		return n
	}
	if iv := d.required(o, "id"); iv != nil {
		if id, ok := d.nonEmptyStr(iv, o.at("id")); ok {
			switch {
			case strings.Contains(id, "."):
				d.errorf(o.at("id"), "use an underscore instead", "node id %q must not contain '.' (references are written \"table.column\")", id)
			case strings.ContainsAny(id, `/\`):
				d.errorf(o.at("id"), "", "node id %q must not contain '/' or '\\' (it names output files)", id)
			}
			n.ID = id
		}
	}
	if kv := d.required(o, "kind"); kv != nil {
		if k, ok := d.str(kv, o.at("kind")); ok {
			if slices.Contains(nodeKinds, k) {
				n.Kind = NodeKind(k)
			} else {
				d.errorf(o.at("kind"), suggestOr(k, nodeKinds), "unknown node kind %q", k)
			}
		}
	}
	if pv := d.required(o, "pk"); pv != nil {
		n.PK = d.primaryKey(pv, o.at("pk"))
	}
	if dv := o.get("description"); dv != nil {
		n.Description, _ = d.str(dv, o.at("description"))
	}
	if mv := o.get("metadata"); mv != nil {
		n.Metadata = d.customMetadata(mv, o.at("metadata"))
	}
	if rv := o.get("rows"); rv != nil {
		if rows, ok := d.integer(rv, o.at("rows")); ok {
			if rows < 0 {
				d.errorf(o.at("rows"), "", "rows must be 0 or more, got %d", rows)
			}
			n.Rows = &rows
		}
	}
	if pv := o.get("parents"); pv != nil {
		if ps, ok := d.strList(pv, o.at("parents")); ok && len(ps) > 0 {
			n.Parents = ps
		}
	}
	if fv := o.get("fanout"); fv != nil {
		n.Fanout = d.fanout(fv, o.at("fanout"))
	}
	if cv := d.required(o, "columns"); cv != nil {
		if arr, ok := d.array(cv, o.at("columns")); ok {
			n.Columns = make([]Column, len(arr))
			for i, c := range arr {
				n.Columns[i] = d.column(c, named(o.at("columns"), i, peekString(c, "name")))
			}
		}
	}
	if mv := o.get("modifiers"); mv != nil {
		n.Modifiers = d.modifiers(mv, o.at("modifiers"), true, column.Invalid)
	}
	for _, b := range []struct {
		key string
		dst *any
	}{
		{"segment_behavior", &n.SegmentBehavior},
		{"vintage_behavior", &n.VintageBehavior},
		{"stage_config", &n.StageConfig},
		{"state_transition_model", &n.StateTransitionModel},
	} {
		if bv := o.get(b.key); bv != nil {
			if bv.kind != jObject {
				d.errorf(o.at(b.key), "", "expected an object, got %s", bv.describe())
				continue
			}
			*b.dst = d.toAny(bv, o.at(b.key))
		}
	}
	d.nodeRules(&n, o)
	return n
}

// nodeRules checks the structural rules between a node's own keys.
func (d *decoder) nodeRules(n *Node, o *obj) {
	switch n.Kind {
	case Vocab, Entity:
		if len(n.Parents) > 0 {
			d.errorf(o.at("parents"), "make the node a fact, or remove parents", "%s nodes cannot have parents", n.Kind)
		}
		if n.Fanout != nil {
			d.errorf(o.at("fanout"), "make the node a fact, or remove fanout", "%s nodes cannot have fanout", n.Kind)
		}
	case Fact:
		if len(n.Parents) == 0 && n.Fanout != nil {
			d.warnf(o.at("fanout"), "add parents, or remove fanout", "fanout is ignored on a fact without parents")
		}
		if len(n.Parents) > 0 && n.Rows != nil {
			d.warnf(o.at("rows"), "the row count of a fact with parents comes from its fanout", "rows is ignored on a fact with parents")
		}
	}
	if n.Kind == Vocab && n.Rows != nil {
		d.warnf(o.at("rows"), "", "rows is ignored on a vocab node: the first enum_list column sets the row count")
	}
	if n.Columns != nil {
		list := o.get("pk") != nil && o.get("pk").kind == jArray
		for i, k := range n.PK {
			if k == "" || n.Column(k) != nil {
				continue
			}
			path := o.at("pk")
			if list {
				path = index(path, i)
			}
			d.errorf(path, suggestOr(k, columnNames(n)), "pk %q is not a column of node %q", k, n.ID)
		}
	}
	d.keyRules(n, o)
	seen := map[string]int{}
	for i, c := range n.Columns {
		if c.Name == "" {
			continue
		}
		if j, dup := seen[c.Name]; dup {
			d.errorf(named(o.at("columns"), i, c.Name), "rename one of them", "duplicate column name %q (also columns[%d])", c.Name, j)
			continue
		}
		seen[c.Name] = i
	}
	pseen := map[string]bool{}
	for i, p := range n.Parents {
		if pseen[p] {
			d.errorf(index(o.at("parents"), i), "", "parent %q is listed twice", p)
		}
		pseen[p] = true
	}
}

func columnNames(n *Node) []string {
	out := make([]string, 0, len(n.Columns))
	for _, c := range n.Columns {
		if c.Name != "" {
			out = append(out, c.Name)
		}
	}
	return out
}

func (d *decoder) fanout(v *jvalue, path string) *Fanout {
	o := d.object(v, path, fanoutKeys...)
	if o == nil {
		return nil
	}
	f := &Fanout{}
	if dv := d.required(o, "distribution"); dv != nil {
		if s, ok := d.str(dv, o.at("distribution")); ok {
			if s == "poisson" || s == "uniform" {
				f.Distribution = s
			} else {
				d.errorf(o.at("distribution"), suggestOr(s, []string{"poisson", "uniform"}), "unknown fanout distribution %q", s)
			}
		}
	}
	lkey := "lambda"
	if o.get("lambda") == nil && o.get("lambda_") != nil {
		lkey = "lambda_"
		d.warnf(o.at("lambda_"), `write "lambda"`, "lambda_ is read as lambda")
	} else if o.get("lambda") != nil && o.get("lambda_") != nil {
		d.errorf(o.at("lambda_"), "remove one of them", "both lambda and lambda_ are given")
	}
	if lv := o.get(lkey); lv != nil {
		if l, ok := d.num(lv, o.at(lkey)); ok {
			if l < 0 {
				d.errorf(o.at(lkey), "", "lambda must be 0 or more, got %s", fmtNum(l))
			}
			f.Lambda = &l
		}
	}
	for _, k := range []string{"min", "max"} {
		if mv := o.get(k); mv != nil {
			if m, ok := d.integer(mv, o.at(k)); ok {
				if m < 0 {
					d.errorf(o.at(k), "", "%s must be 0 or more, got %d", k, m)
				}
				if k == "min" {
					f.Min = &m
				} else {
					f.Max = &m
				}
			}
		}
	}
	if f.Min != nil && f.Max != nil && *f.Min > *f.Max {
		d.errorf(o.at("min"), "", "min %d is greater than max %d", *f.Min, *f.Max)
	}
	switch f.Distribution {
	case "poisson":
		if f.Lambda == nil && !o.has(lkey) {
			d.errorf(path, "", "poisson fanout needs lambda")
		}
	case "uniform":
		if !o.has("min") || !o.has("max") {
			d.errorf(path, "", "uniform fanout needs min and max")
		}
		if o.has(lkey) {
			d.warnf(o.at(lkey), "remove it", "lambda is ignored by uniform fanout")
		}
	}
	if cv := o.get("clamp"); cv != nil {
		if arr, ok := d.array(cv, o.at("clamp")); ok {
			if len(arr) != 2 {
				d.errorf(o.at("clamp"), "", "clamp must be [min, max], got %d values", len(arr))
			} else {
				lo, ok1 := d.integer(arr[0], index(o.at("clamp"), 0))
				hi, ok2 := d.integer(arr[1], index(o.at("clamp"), 1))
				if ok1 && ok2 {
					if lo > hi {
						d.errorf(o.at("clamp"), "", "clamp lower bound %d is greater than upper bound %d", lo, hi)
					}
					f.Clamp = []int64{lo, hi}
				}
			}
		}
	}
	return f
}

func (d *decoder) column(v *jvalue, path string) Column {
	var c Column
	o := d.object(v, path, columnKeys...)
	if o == nil {
		return c
	}
	if nv := d.required(o, "name"); nv != nil {
		c.Name, _ = d.nonEmptyStr(nv, o.at("name"))
	}
	if tv := d.required(o, "type"); tv != nil {
		if s, ok := d.str(tv, o.at("type")); ok {
			t, ok := column.ParseType(s)
			if !ok {
				sugg := suggestOr(s, typeNames)
				switch strings.ToLower(s) {
				case "integer", "int64", "bigint", "long":
					sugg = `did you mean "int"?`
				case "double", "number", "decimal", "float64", "real":
					sugg = `did you mean "float"?`
				case "str", "text", "varchar":
					sugg = `did you mean "string"?`
				case "boolean":
					sugg = `did you mean "bool"?`
				case "timestamp", "time":
					sugg = `did you mean "datetime"?`
				}
				d.errorf(o.at("type"), sugg, "unknown column type %q", s)
			}
			c.Type = t
		}
	}
	nullableOK := true
	if nv := o.get("nullable"); nv != nil {
		c.Nullable, nullableOK = d.boolean(nv, o.at("nullable"))
	}
	if rv := o.get("null_rate"); rv != nil {
		if r, ok := d.num(rv, o.at("null_rate")); ok {
			switch {
			case r < 0 || r > 1:
				d.errorf(o.at("null_rate"), "", "null_rate must be between 0 and 1, got %s", fmtNum(r))
			case r > 0 && !c.Nullable && nullableOK:
				d.errorf(o.at("null_rate"), `add "nullable": true`, "null_rate needs nullable: true")
			}
			c.NullRate = r
		}
	}
	if dv := o.get("description"); dv != nil {
		c.Description, _ = d.str(dv, o.at("description"))
	}
	if gv := d.required(o, "generator"); gv != nil {
		c.Generator = d.generator(gv, o.at("generator"))
	}
	if mv := o.get("modifiers"); mv != nil {
		c.Modifiers = d.modifiers(mv, o.at("modifiers"), false, c.Type)
	}
	if cv := o.get("constraints"); cv != nil {
		c.Constraints = d.columnConstraints(cv, o.at("constraints"))
	}
	if mv := o.get("metadata"); mv != nil {
		c.Metadata = d.customMetadata(mv, o.at("metadata"))
	}
	return c
}

// primaryKey reads "pk": one column name, or a non-empty list of distinct
// column names (a composite key). Whether the columns exist is checked
// with the node's other rules.
func (d *decoder) primaryKey(v *jvalue, path string) []string {
	switch v.kind {
	case jString:
		if s, ok := d.nonEmptyStr(v, path); ok {
			return []string{s}
		}
		return nil
	case jArray:
		if len(v.arr) == 0 {
			d.errorf(path, `name one column ("pk": "id") or several ("pk": ["order_id", "line_no"])`, "pk must not be an empty list")
			return nil
		}
		pk := make([]string, 0, len(v.arr))
		seen := map[string]int{}
		for i, e := range v.arr {
			s, ok := d.nonEmptyStr(e, index(path, i))
			if !ok {
				pk = append(pk, "")
				continue
			}
			if j, dup := seen[s]; dup {
				d.errorf(index(path, i), "remove one of them", "column %q is listed twice in pk (also pk[%d])", s, j)
			}
			seen[s] = i
			pk = append(pk, s)
		}
		return pk
	}
	d.errorf(path, `e.g. "pk": "id" or "pk": ["order_id", "line_no"]`, "expected a column name or a list of column names, got %s", v.describe())
	return nil
}

func (d *decoder) columnConstraints(v *jvalue, path string) *ColumnConstraints {
	o := d.object(v, path, colConsKey...)
	if o == nil {
		return nil
	}
	cc := &ColumnConstraints{}
	if pv := o.get("pattern"); pv != nil {
		if p, ok := d.str(pv, o.at("pattern")); ok {
			d.checkRegex(p, o.at("pattern"))
			cc.Pattern = p
		}
	}
	if ev := o.get("enum"); ev != nil {
		cc.Enum, _ = d.scalars(ev, o.at("enum"))
	}
	if rv := o.get("enum_ref"); rv != nil {
		if t, c, ok := d.ref(rv, o.at("enum_ref")); ok {
			cc.EnumRef = t + "." + c
		}
	}
	return cc
}
