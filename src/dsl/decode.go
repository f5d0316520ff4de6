package dsl

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"datagen/src/civil"
	"datagen/src/column"
	"datagen/src/input"
)

// Parse decodes and validates a DSL document. It returns the schema and the
// warnings when the document is valid; otherwise a Problems error listing
// every error (warnings are returned alongside), or a *SyntaxError when the
// input is not JSON.
func Parse(data []byte, opts Options) (*Schema, []Problem, error) {
	root, err := input.Parse(data)
	if err != nil {
		return nil, nil, err
	}
	d := &decoder{Reader: input.Reader{Reporter: input.Reporter{Lenient: opts.Lenient}, Annotations: annotationKeys},
		drops: map[modRef]bool{}}
	s := d.schema(root)
	d.validate(s)
	errs, warns := d.Split()
	if len(errs) > 0 {
		return nil, warns, errs
	}
	d.applyDrops(s)
	rememberHash(s, canonicalHash(withoutMember(root, JSONSchemaKey)))
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
	topKeys = []string{"version", "metadata", "timeframe", "nodes", "constraints", "targets", "dag"}
	// documentKeys are the keys of the document object: the language's
	// and the editor's "$schema".
	documentKeys  = append(slices.Clone(topKeys), JSONSchemaKey)
	timeframeKeys = []string{"start", "end", "freq"}
	nodeKeys      = []string{"id", "kind", "pk", "description", "rows", "parents", "fanout", "columns", "modifiers",
		"segment_behavior", "vintage_behavior", "stage_config", "state_transition_model", "metadata", "time_column", "history", "arrivals"}
	fanoutKeys = []string{"distribution", "lambda", "lambda_", "min", "max", "clamp", "weights", "per"}
	columnKeys = []string{"name", "type", "nullable", "null_rate", "description", "generator", "modifiers", "constraints", "metadata",
		"decimals", "precision", "scale", "changes"}
	colConsKey = []string{"pattern", "enum", "enum_ref"}
	nodeKinds  = []string{string(Entity), string(Fact), string(Vocab)}
	typeNames  = []string{"int", "float", "string", "bool", "datetime", "date", "decimal"}
)

func (d *decoder) schema(root *input.Value) *Schema {
	s := &Schema{}
	if root.Kind != input.ObjectKind { // an empty array too: a schema is written as an object
		d.Errorf("", "", "the document must be a JSON object, got %s", root.Describe())
		return s
	}
	o := d.Object(root, "", documentKeys...)
	if v := o.Get(JSONSchemaKey); v != nil {
		d.Str(v, JSONSchemaKey)
	}

	if v := o.Required("version"); v != nil {
		if v.Kind == input.NumberKind {
			d.Errorf("version", `write "1.0"`, "expected a string, got %s", v.Describe())
		} else if ver, ok := d.Str(v, "version"); ok {
			if ver != Version {
				d.Errorf("version", `expected "1.0"`, "unsupported version %q", ver)
			}
			s.Version = ver
		}
	}
	if v := o.Required("metadata"); v != nil {
		s.Metadata = d.metadata(v, "metadata")
	}
	if v := o.Required("timeframe"); v != nil {
		s.Timeframe = d.timeframe(v, "timeframe")
	}
	if v := o.Required("nodes"); v != nil {
		if arr, ok := d.Array(v, "nodes"); ok {
			s.Nodes = make([]Node, len(arr))
			for i, nv := range arr {
				s.Nodes[i] = d.node(nv, input.Named("nodes", i, peekString(nv, "id")))
			}
		}
	}
	if v := o.Get("constraints"); v != nil {
		s.Constraints = d.constraints(v, "constraints")
	}
	if v := o.Get("targets"); v != nil {
		s.Targets = d.targets(v, "targets")
	}
	if v := o.Get("dag"); v != nil {
		s.DAG = d.dag(v, "dag")
	}
	return s
}

// peekString returns the string member k of object v, or "".
func peekString(v *input.Value, k string) string {
	if m := v.Get(k); m != nil && m.Kind == input.StringKind {
		return m.Str
	}
	return ""
}

func (d *decoder) metadata(v *input.Value, path string) Metadata {
	var m Metadata
	o := d.Open(v, path) // free-form: any key besides name and description
	if o == nil {
		return m
	}
	if nv := o.Required("name"); nv != nil {
		m.Name, _ = d.NonEmptyStr(nv, o.At("name"))
	}
	if dv := o.Get("description"); dv != nil {
		m.Description, _ = d.Str(dv, o.At("description"))
	}
	for _, mem := range o.Value().Obj {
		if mem.Key == "name" || mem.Key == "description" {
			continue
		}
		if m.Extra == nil {
			m.Extra = map[string]any{}
		}
		m.Extra[mem.Key] = d.Any(mem.Val, input.Key(path, mem.Key))
	}
	return m
}

func (d *decoder) timeframe(v *input.Value, path string) Timeframe {
	var tf Timeframe
	o := d.Object(v, path, timeframeKeys...)
	if o == nil {
		return tf
	}
	var okS, okE bool
	if sv := o.Required("start"); sv != nil {
		tf.Start, okS = d.timestamp(sv, o.At("start"))
	}
	if ev := o.Required("end"); ev != nil {
		if ev.Kind == input.StringKind && ev.Str == OpenEnd {
			tf.Open = true
		} else if ev.Kind == input.StringKind && strings.EqualFold(strings.TrimSpace(ev.Str), OpenEnd) {
			d.Errorf(o.At("end"), `write "open" in lower case`, "unknown end %q: the keyword of an open timeline is %q", ev.Str, OpenEnd)
		} else {
			tf.End, okE = d.timestamp(ev, o.At("end"))
		}
	}
	if tf.Open && okS {
		tf.End = openEnd(tf.Start)
	}
	if okS && okE && tf.Start.After(tf.End) {
		d.Errorf(o.At("start"), "", "start %s is after end %s", showTime(tf.Start), showTime(tf.End))
	}
	if fv := o.Required("freq"); fv != nil {
		if f, ok := d.Str(fv, o.At("freq")); ok {
			tf.Freq = f
			if err := checkFreq(f); err != nil {
				// The predecessor never read timeframe.freq.
				d.Compatf(o.At("freq"), freqSuggestion(f), "%v", err)
			}
		}
	}
	return tf
}

// showTime renders an instant in messages.
func showTime(t time.Time) string { return civil.FormatTimestamp(t.UnixMicro()) }

func (d *decoder) node(v *input.Value, path string) Node {
	var n Node
	o := d.Object(v, path, nodeKeys...)
	if o == nil {
		return n
	}
	if iv := o.Required("id"); iv != nil {
		if id, ok := d.NonEmptyStr(iv, o.At("id")); ok {
			switch {
			case strings.Contains(id, "."):
				d.Errorf(o.At("id"), "use an underscore instead", "node id %q must not contain '.' (references are written \"table.column\")", id)
			case strings.ContainsAny(id, `/\`):
				d.Errorf(o.At("id"), "", "node id %q must not contain '/' or '\\' (it names output files)", id)
			default:
				if msg := storageName(id, false); msg != "" {
					d.Errorf(o.At("id"), "", "node id %q %s", id, msg)
				}
			}
			n.ID = id
		}
	}
	if kv := o.Required("kind"); kv != nil {
		if k, ok := d.Str(kv, o.At("kind")); ok {
			if slices.Contains(nodeKinds, k) {
				n.Kind = NodeKind(k)
			} else {
				d.Errorf(o.At("kind"), input.SuggestOr(k, nodeKinds), "unknown node kind %q", k)
			}
		}
	}
	if pv := o.Required("pk"); pv != nil {
		n.PK = d.primaryKey(pv, o.At("pk"))
	}
	if dv := o.Get("description"); dv != nil {
		n.Description, _ = d.Str(dv, o.At("description"))
	}
	if mv := o.Get("metadata"); mv != nil {
		n.Metadata = d.customMetadata(mv, o.At("metadata"))
	}
	if rv := o.Get("rows"); rv != nil {
		if rows, ok := d.Integer(rv, o.At("rows")); ok {
			if rows < 0 {
				d.Errorf(o.At("rows"), "", "rows must be 0 or more, got %d", rows)
			}
			n.Rows = &rows
		}
	}
	if pv := o.Get("parents"); pv != nil {
		if ps, ok := d.Strings(pv, o.At("parents")); ok && len(ps) > 0 {
			n.Parents = ps
		}
	}
	if fv := o.Get("fanout"); fv != nil {
		n.Fanout = d.fanout(fv, o.At("fanout"))
	}
	if cv := o.Required("columns"); cv != nil {
		if arr, ok := d.Array(cv, o.At("columns")); ok {
			n.Columns = make([]Column, len(arr))
			for i, c := range arr {
				n.Columns[i] = d.column(c, input.Named(o.At("columns"), i, peekString(c, "name")))
			}
		}
	}
	if mv := o.Get("modifiers"); mv != nil {
		n.Modifiers = d.modifiers(mv, o.At("modifiers"), true, column.Invalid)
	}
	if hv := o.Get("history"); hv != nil {
		n.History = d.history(hv, o.At("history"))
	}
	for _, b := range []struct {
		key string
		dst **input.Value
	}{
		{"segment_behavior", &n.SegmentBehavior},
		{"vintage_behavior", &n.VintageBehavior},
		{"stage_config", &n.StageConfig},
		{"state_transition_model", &n.StateTransitionModel},
	} {
		if bv := o.Get(b.key); bv != nil {
			if !bv.IsObject() {
				d.Errorf(o.At(b.key), "", "expected an object, got %s", bv.Describe())
				continue
			}
			*b.dst = bv
		}
	}
	d.nodeTimeline(&n, o)
	d.nodeRules(&n, o)
	return n
}

// nodeRules checks the structural rules between a node's own keys.
func (d *decoder) nodeRules(n *Node, o *input.Object) {
	switch n.Kind {
	case Vocab, Entity:
		if len(n.Parents) > 0 {
			d.Errorf(o.At("parents"), "make the node a fact, or remove parents", "%s nodes cannot have parents", n.Kind)
		}
		if n.Fanout != nil {
			d.Errorf(o.At("fanout"), "make the node a fact, or remove fanout", "%s nodes cannot have fanout", n.Kind)
		}
	case Fact:
		if len(n.Parents) == 0 && n.Fanout != nil {
			d.Warnf(o.At("fanout"), "add parents, or remove fanout", "fanout is ignored on a fact without parents")
		}
		if len(n.Parents) > 0 && n.Rows != nil {
			d.Warnf(o.At("rows"), "the row count of a fact with parents comes from its fanout", "rows is ignored on a fact with parents")
		}
	}
	if n.Kind == Vocab && n.Rows != nil {
		d.Warnf(o.At("rows"), "", "rows is ignored on a vocab node: the first enum_list column sets the row count")
	}
	if n.Columns != nil {
		list := o.Get("pk") != nil && o.Get("pk").Kind == input.ArrayKind
		for i, k := range n.PK {
			if k == "" || n.Column(k) != nil {
				continue
			}
			path := o.At("pk")
			if list {
				path = input.Index(path, i)
			}
			d.Errorf(path, input.SuggestOr(k, columnNames(n)), "pk %q is not a column of node %q", k, n.ID)
		}
	}
	d.keyRules(n, o)
	d.historyRules(n, o)
	seen := map[string]int{}
	for i, c := range n.Columns {
		if c.Name == "" {
			continue
		}
		cp := input.Named(o.At("columns"), i, c.Name)
		if msg := storageName(c.Name, true); msg != "" {
			d.Errorf(input.Key(cp, "name"), "", "column name %q %s", c.Name, msg)
		}
		// Keboola Storage compares names without case.
		if j, dup := seen[strings.ToLower(c.Name)]; dup {
			if n.Columns[j].Name == c.Name {
				d.Errorf(cp, "rename one of them", "duplicate column name %q (also columns[%d])", c.Name, j)
			} else {
				d.Errorf(cp, "rename one of them", "column name %q differs from columns[%d] %q only in case, which Keboola Storage does not tell apart",
					c.Name, j, n.Columns[j].Name)
			}
			continue
		}
		seen[strings.ToLower(c.Name)] = i
	}
	pseen := map[string]bool{}
	for i, p := range n.Parents {
		if pseen[p] {
			d.Errorf(input.Index(o.At("parents"), i), "", "parent %q is listed twice", p)
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

// storageName returns why name cannot be a Keboola Storage table name
// (column false) or column name, or "" when it can: letters, digits, '-'
// and '_', at most 96 characters for tables and 64 for columns, and a
// column name neither starts nor ends with '-' or '_'.
func storageName(name string, column bool) string {
	limit := 96
	if column {
		limit = 64
	}
	if len(name) > limit {
		return fmt.Sprintf("is longer than %d characters, the limit of Keboola Storage", limit)
	}
	if strings.IndexFunc(name, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_')
	}) >= 0 {
		return "may contain only letters, digits, '-' and '_' (names Keboola Storage can take)"
	}
	if column && (strings.ContainsAny(name[:1], "-_") || strings.ContainsAny(name[len(name)-1:], "-_")) {
		return "must not start or end with '-' or '_' (Keboola Storage strips them)"
	}
	return ""
}

// fanoutWeights reads the weights of empirical fanout: finite,
// non-negative numbers with a positive sum, at most 100000 of them.
func (d *decoder) fanoutWeights(v *input.Value, path string) []float64 {
	if v == nil {
		return nil
	}
	arr, ok := d.Array(v, path)
	if !ok {
		return nil
	}
	if len(arr) == 0 || len(arr) > 100000 {
		d.Errorf(path, "one weight per child count, from min up", "empirical fanout needs 1 to 100000 weights, got %d", len(arr))
		return nil
	}
	w := make([]float64, 0, len(arr))
	sum := 0.0
	for i, e := range arr {
		x, ok := d.Num(e, input.Index(path, i))
		if !ok {
			return nil
		}
		if x < 0 {
			d.Errorf(input.Index(path, i), "", "weights must be 0 or more, got %s", fmtNum(x))
			return nil
		}
		w = append(w, x)
		sum += x
	}
	if sum <= 0 {
		d.Errorf(path, "", "the weights sum to 0")
		return nil
	}
	return w
}

func (d *decoder) fanout(v *input.Value, path string) *Fanout {
	o := d.Object(v, path, fanoutKeys...)
	if o == nil {
		return nil
	}
	f := &Fanout{}
	d.fanoutPer(f, o)
	if o.Has("per") && !o.Has("distribution") {
		f.Distribution = "poisson"
	} else if dv := o.Required("distribution"); dv != nil {
		if s, ok := d.Str(dv, o.At("distribution")); ok {
			if s == "poisson" || s == "uniform" || s == "empirical" {
				f.Distribution = s
			} else {
				d.Errorf(o.At("distribution"), input.SuggestOr(s, []string{"poisson", "uniform", "empirical"}), "unknown fanout distribution %q", s)
			}
		}
	}
	lkey := "lambda"
	if o.Get("lambda") == nil && o.Get("lambda_") != nil {
		lkey = "lambda_"
		d.Warnf(o.At("lambda_"), `write "lambda"`, "lambda_ is read as lambda")
	} else if o.Get("lambda") != nil && o.Get("lambda_") != nil {
		d.Errorf(o.At("lambda_"), "remove one of them", "both lambda and lambda_ are given")
	}
	if lv := o.Get(lkey); lv != nil {
		if l, ok := d.Num(lv, o.At(lkey)); ok {
			if !(l >= 0 && l <= MaxFanout) {
				d.Errorf(o.At(lkey), "", "lambda must be between 0 and 1e9, got %s", fmtNum(l))
			}
			f.Lambda = &l
		}
	}
	for _, k := range []string{"min", "max"} {
		if mv := o.Get(k); mv != nil {
			if m, ok := d.Integer(mv, o.At(k)); ok {
				if m < 0 || m > MaxFanout {
					d.Errorf(o.At(k), "", "%s must be between 0 and 1e9, got %d", k, m)
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
		d.Errorf(o.At("min"), "", "min %d is greater than max %d", *f.Min, *f.Max)
	}
	switch f.Distribution {
	case "poisson":
		if f.Lambda == nil && !o.Has(lkey) {
			if o.Has("per") {
				d.Errorf(path, `add "lambda": the mean count per parent row per unit`, `missing required key "lambda" (fanout.per draws a Poisson(lambda) count per unit)`)
			} else {
				d.Errorf(path, "", "poisson fanout needs lambda")
			}
		}
	case "uniform":
		if !o.Has("min") || !o.Has("max") {
			d.Errorf(path, "", "uniform fanout needs min and max")
		}
		if o.Has(lkey) {
			d.Warnf(o.At(lkey), "remove it", "lambda is ignored by uniform fanout")
		}
	case "empirical":
		f.Weights = d.fanoutWeights(o.Required("weights"), o.At("weights"))
		if o.Has("max") {
			d.Errorf(o.At("max"), "remove it: the weights end at min + their count - 1", "max cannot be given with empirical fanout weights")
		}
		if o.Has(lkey) {
			d.Warnf(o.At(lkey), "remove it", "lambda is ignored by empirical fanout")
		}
	}
	if o.Has("weights") && f.Distribution != "empirical" && f.Distribution != "" {
		d.Errorf(o.At("weights"), `remove it, or use "distribution": "empirical"`, "weights are only read by empirical fanout, not %s", f.Distribution)
	}
	if cv := o.Get("clamp"); cv != nil {
		if arr, ok := d.Array(cv, o.At("clamp")); ok {
			if len(arr) != 2 {
				d.Errorf(o.At("clamp"), "", "clamp must be [min, max], got %d values", len(arr))
			} else {
				lo, ok1 := d.Integer(arr[0], input.Index(o.At("clamp"), 0))
				hi, ok2 := d.Integer(arr[1], input.Index(o.At("clamp"), 1))
				for i, b := range []int64{lo, hi} {
					if ok := []bool{ok1, ok2}[i]; ok && (b < 0 || b > MaxFanout) {
						d.Errorf(input.Index(o.At("clamp"), i), "", "clamp bounds must be between 0 and 1e9, got %d", b)
						ok1, ok2 = false, false
					}
				}
				if ok1 && ok2 {
					if lo > hi {
						d.Errorf(o.At("clamp"), "", "clamp lower bound %d is greater than upper bound %d", lo, hi)
					}
					f.Clamp = []int64{lo, hi}
				}
			}
		}
	}
	return f
}

func (d *decoder) column(v *input.Value, path string) Column {
	var c Column
	o := d.Object(v, path, columnKeys...)
	if o == nil {
		return c
	}
	if nv := o.Required("name"); nv != nil {
		c.Name, _ = d.NonEmptyStr(nv, o.At("name"))
	}
	decimal := false
	if tv := o.Required("type"); tv != nil {
		if s, ok := d.Str(tv, o.At("type")); ok {
			t, ok := column.ParseType(s)
			if s == "decimal" {
				t, ok, decimal = column.Float, true, true
			}
			if !ok {
				sugg := input.SuggestOr(s, typeNames)
				switch strings.ToLower(s) {
				case "integer", "int64", "bigint", "long":
					sugg = `did you mean "int"?`
				case "double", "number", "float64", "real":
					sugg = `did you mean "float"?`
				case "str", "text", "varchar":
					sugg = `did you mean "string"?`
				case "boolean":
					sugg = `did you mean "bool"?`
				case "timestamp", "time":
					sugg = `did you mean "datetime"?`
				}
				d.Errorf(o.At("type"), sugg, "unknown column type %q", s)
			}
			c.Type = t
		}
	}
	nullableOK := true
	if nv := o.Get("nullable"); nv != nil {
		c.Nullable, nullableOK = d.Bool(nv, o.At("nullable"))
	}
	if rv := o.Get("null_rate"); rv != nil {
		if r, ok := d.Num(rv, o.At("null_rate")); ok {
			switch {
			case r < 0 || r > 1:
				d.Errorf(o.At("null_rate"), "", "null_rate must be between 0 and 1, got %s", fmtNum(r))
			case r > 0 && !c.Nullable && nullableOK:
				d.Errorf(o.At("null_rate"), `add "nullable": true`, "null_rate needs nullable: true")
			}
			c.NullRate = r
		}
	}
	if dv := o.Get("description"); dv != nil {
		c.Description, _ = d.Str(dv, o.At("description"))
	}
	if gv := o.Required("generator"); gv != nil {
		c.Generator = d.generator(gv, o.At("generator"))
	}
	if mv := o.Get("modifiers"); mv != nil {
		c.Modifiers = d.modifiers(mv, o.At("modifiers"), false, c.Type)
	}
	if cv := o.Get("constraints"); cv != nil {
		c.Constraints = d.columnConstraints(cv, o.At("constraints"))
	}
	if mv := o.Get("metadata"); mv != nil {
		c.Metadata = d.customMetadata(mv, o.At("metadata"))
	}
	if cv := o.Get("changes"); cv != nil {
		c.Changes = d.changes(cv, o.At("changes"))
	}
	d.decimals(o, &c, decimal)
	return c
}

// maxPrecision is the largest precision of a decimal column: its values
// are written to Parquet as 64-bit integers.
const maxPrecision = 18

// decimals reads "decimals" of a numeric column, or "precision" and
// "scale" of a decimal one.
func (d *decoder) decimals(o *input.Object, c *Column, decimal bool) {
	dv, pv, sv := o.Get("decimals"), o.Get("precision"), o.Get("scale")
	if !decimal {
		for _, k := range []string{"precision", "scale"} {
			if o.Get(k) != nil {
				d.Errorf(o.At(k), `use "type": "decimal", or "decimals" on a float column`, "%s belongs to a decimal column", k)
			}
		}
		if dv == nil {
			return
		}
		n, ok := d.Integer(dv, o.At("decimals"))
		switch {
		case !ok:
		case n < 0 || n > column.MaxDecimals:
			d.Errorf(o.At("decimals"), "", "decimals must be between 0 and %d, got %d", column.MaxDecimals, n)
		case c.Type != column.Invalid && !c.Type.IsNumeric():
			d.Errorf(o.At("decimals"), "", "decimals applies to int and float columns, not %s", c.Type)
		default:
			if c.Type == column.Int {
				d.Warnf(o.At("decimals"), "remove it", "an int column has no decimals")
			}
			k := int(n)
			c.Decimals = &k
		}
		return
	}
	if dv != nil {
		d.Errorf(o.At("decimals"), `write "scale"`, "a decimal column takes precision and scale, not decimals")
	}
	var p, sc int64
	okP, okS := false, false
	if pv == nil {
		d.Errorf(o.Path, `e.g. "precision": 12, "scale": 2`, "a decimal column needs precision")
	} else if p, okP = d.Integer(pv, o.At("precision")); okP && (p < 1 || p > maxPrecision) {
		d.Errorf(o.At("precision"), "", "precision must be between 1 and %d, got %d", maxPrecision, p)
		okP = false
	}
	if sv == nil {
		d.Errorf(o.Path, `e.g. "precision": 12, "scale": 2`, "a decimal column needs scale")
	} else if sc, okS = d.Integer(sv, o.At("scale")); okS && (sc < 0 || sc > column.MaxDecimals) {
		d.Errorf(o.At("scale"), "", "scale must be between 0 and %d, got %d", column.MaxDecimals, sc)
		okS = false
	}
	if okP && okS && sc > p {
		d.Errorf(o.At("scale"), "", "scale %d is greater than precision %d", sc, p)
		return
	}
	if okP && okS {
		k := int(sc)
		c.Decimals, c.Precision = &k, int(p)
	}
}

// primaryKey reads "pk": one column name, or a non-empty list of distinct
// column names (a composite key). Whether the columns exist is checked
// with the node's other rules.
func (d *decoder) primaryKey(v *input.Value, path string) []string {
	switch v.Kind {
	case input.StringKind:
		if s, ok := d.NonEmptyStr(v, path); ok {
			return []string{s}
		}
		return nil
	case input.ArrayKind:
		if len(v.Arr) == 0 {
			d.Errorf(path, `name one column ("pk": "id") or several ("pk": ["order_id", "line_no"])`, "pk must not be an empty list")
			return nil
		}
		pk := make([]string, 0, len(v.Arr))
		seen := map[string]int{}
		for i, e := range v.Arr {
			s, ok := d.NonEmptyStr(e, input.Index(path, i))
			if !ok {
				pk = append(pk, "")
				continue
			}
			if j, dup := seen[s]; dup {
				d.Errorf(input.Index(path, i), "remove one of them", "column %q is listed twice in pk (also pk[%d])", s, j)
			}
			seen[s] = i
			pk = append(pk, s)
		}
		return pk
	}
	d.Errorf(path, `e.g. "pk": "id" or "pk": ["order_id", "line_no"]`, "expected a column name or a list of column names, got %s", v.Describe())
	return nil
}

func (d *decoder) columnConstraints(v *input.Value, path string) *ColumnConstraints {
	o := d.Object(v, path, colConsKey...)
	if o == nil {
		return nil
	}
	cc := &ColumnConstraints{}
	if pv := o.Get("pattern"); pv != nil {
		if p, ok := d.Str(pv, o.At("pattern")); ok {
			d.checkRegex(p, o.At("pattern"))
			cc.Pattern = p
		}
	}
	if ev := o.Get("enum"); ev != nil {
		cc.Enum, _ = d.Scalars(ev, o.At("enum"))
	}
	if rv := o.Get("enum_ref"); rv != nil {
		if t, c, ok := d.ref(rv, o.At("enum_ref")); ok {
			cc.EnumRef = t + "." + c
		}
	}
	return cc
}
