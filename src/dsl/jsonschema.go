package dsl

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"datagen/src/column"
	"datagen/src/semantic"
)

// JSONSchemaID is the $id of the JSON Schema of the DSL. Its copy in the
// repository is schema/datagen.schema.json.
const JSONSchemaID = "urn:datagen:schema:dsl:1.0"

// JSONSchemaKey is the top-level key with which a document names the JSON
// Schema it follows ("$schema": "../schema/datagen.schema.json"); the
// decoder accepts and ignores it, and it does not enter Schema.Hash.
const JSONSchemaKey = "$schema"

// JSONSchema returns the JSON Schema (draft 2020-12) of the DSL in strict
// mode: every key with its description, enums, defaults and examples, so
// that editors complete and check schemas as they are typed. The key sets
// come from the decoder's own lists; what JSON Schema cannot express
// (references between tables and columns, counts that depend on other
// values, regex and expression syntax) is checked by Parse only. The
// output is indented and ends with a newline; it is the same bytes on
// every call.
func JSONSchema() []byte {
	b := &schemaBuilder{defs: map[string]js{}}
	root := b.document()
	root["$schema"] = "https://json-schema.org/draft/2020-12/schema"
	root["$id"] = JSONSchemaID
	root["title"] = "datagen schema (DSL v1)"
	root["$defs"] = b.defs
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(root); err != nil {
		panic(fmt.Sprintf("dsl: encoding the JSON Schema: %v", err))
	}
	return buf.Bytes()
}

// js is one JSON Schema object.
type js = map[string]any

type schemaBuilder struct{ defs map[string]js }

// ref names a definition.
func ref(name string) js { return js{"$ref": "#/$defs/" + name} }

// def registers a definition and returns a reference to it that carries
// the definition's description (editors show it on hover).
func (b *schemaBuilder) def(name string, s js) js {
	b.defs[name] = s
	r := ref(name)
	if d, ok := s["description"]; ok {
		r["description"] = d
	}
	return r
}

// object builds a closed object schema whose properties are exactly keys
// (the decoder's list for that object) plus the annotation keys. Every key
// must have a schema in props; optional keys also accept null ("absent").
func object(desc string, keys []string, required []string, props map[string]js) js {
	p := js{}
	for _, k := range keys {
		s, ok := props[k]
		if !ok {
			panic(fmt.Sprintf("dsl: JSON Schema: no schema for key %q", k))
		}
		if !slices.Contains(required, k) {
			s = nullable(s)
		}
		p[k] = s
	}
	for k := range props {
		if !slices.Contains(keys, k) && !slices.Contains(annotationKeys, k) {
			panic(fmt.Sprintf("dsl: JSON Schema: key %q is not one of the decoder's keys %v", k, keys))
		}
	}
	for _, k := range annotationKeys {
		if _, ok := p[k]; !ok {
			p[k] = annotation(k)
		}
	}
	o := js{"type": "object", "description": desc, "properties": p, "additionalProperties": false}
	if len(required) > 0 {
		o["required"] = required
	} else {
		// Keboola stores an empty object of a configuration as []: the
		// decoder reads [] as {} wherever an object is expected.
		o["type"] = []any{"object", "array"}
		o["maxItems"] = 0
	}
	return o
}

// annotation is the schema of the comment and description keys that any
// object may hold.
func annotation(k string) js {
	if k == "description" {
		return js{"description": "Free text, ignored by generation (node, column and metadata descriptions are kept in the output).", "type": "string"}
	}
	return js{"description": "Free text, ignored: comments are allowed in every object."}
}

// nullable lets s also be null (an optional key given as null is absent).
func nullable(s js) js {
	if t, ok := s["type"].(string); ok {
		c := clone(s)
		c["type"] = []any{t, "null"}
		if e, ok := c["enum"].([]any); ok {
			c["enum"] = append(slices.Clone(e), nil)
		}
		return c
	}
	if t, ok := s["type"].([]any); ok {
		c := clone(s)
		c["type"] = append(slices.Clone(t), "null")
		return c
	}
	if _, ok := s["type"]; ok {
		return s
	}
	out := js{"anyOf": []any{s, js{"type": "null"}}}
	if d, ok := s["description"]; ok {
		out["description"] = d
	}
	return out
}

func clone(s js) js {
	c := make(js, len(s))
	for k, v := range s {
		c[k] = v
	}
	return c
}

// with returns s with the extra members kv (key, value, key, value...).
func with(s js, kv ...any) js {
	c := clone(s)
	for i := 0; i+1 < len(kv); i += 2 {
		c[kv[i].(string)] = kv[i+1]
	}
	return c
}

func str(desc string) js      { return js{"type": "string", "description": desc} }
func nonEmpty(desc string) js { return js{"type": "string", "minLength": 1, "description": desc} }
func num(desc string) js      { return js{"type": "number", "description": desc} }
func integer(desc string) js  { return js{"type": "integer", "description": desc} }
func boolean(desc string) js  { return js{"type": "boolean", "description": desc} }

func enum(desc string, values ...string) js {
	e := make([]any, len(values))
	for i, v := range values {
		e[i] = v
	}
	return js{"type": "string", "enum": e, "description": desc}
}

// colRef is a "table.column" reference.
func colRef(desc string) js {
	return js{"type": "string", "pattern": `^[^.]+\..+$`, "description": desc, "examples": []any{"customer.customer_id"}}
}

func scalar() js {
	return js{"type": []any{"string", "number", "boolean", "null"}}
}

func scalars(desc string, min int) js {
	return js{"type": "array", "items": scalar(), "minItems": min, "description": desc}
}

func stringMap(desc string) js {
	return js{"type": []any{"object", "array"}, "maxItems": 0, "additionalProperties": js{"type": "string", "minLength": 1}, "description": desc}
}

func weightsSchema(desc string) js {
	return js{"type": "array", "items": js{"type": "number", "minimum": 0}, "minItems": 1, "description": desc}
}

// dimensionWeights requires the weight count of each pattern dimension.
func dimensionWeights() []any {
	var out []any
	for _, d := range dimensions {
		n := dimensionSize[d]
		out = append(out, js{
			"if":   js{"properties": js{"dimension": js{"const": d}}, "required": []any{"dimension"}},
			"then": js{"properties": js{"weights": js{"minItems": n, "maxItems": n}}},
		})
	}
	return out
}

// timestampSchema is an ISO 8601 instant or date as the decoder reads it.
func timestampSchema(desc string) js {
	return js{"type": "string", "pattern": `^\s*[0-9]{4}-?[0-9]{2}-?[0-9]{2}([Tt ][0-9].*)?\s*$`, "description": desc,
		"examples": []any{"2024-01-01T00:00:00Z", "2024-12-31"}}
}

// freqSchema is a pandas offset alias with an optional multiple.
func freqSchema(desc string) js {
	return js{"type": "string", "minLength": 1, "description": desc,
		"examples": []any{"D", "h", "15min", "W-MON", "MS", "QS", "YS", "B"}}
}

func (b *schemaBuilder) document() js {
	return object("A datagen schema: related tables (nodes) with their columns, generators, modifiers and behaviour. See docs/dsl.md.",
		documentKeys,
		[]string{"version", "metadata", "timeframe", "nodes"},
		map[string]js{
			JSONSchemaKey: str("The JSON Schema this document follows (for editors); ignored by datagen."),
			"version":     js{"const": Version, "type": "string", "description": `The DSL version: the string "1.0" (the number 1.0 is rejected).`},
			"metadata":    b.metadata(),
			"timeframe":   b.timeframe(),
			"nodes":       js{"type": "array", "items": b.node(), "description": "The tables. Ids are unique; the order of generation is inferred from every reference (or given by dag)."},
			"constraints": b.constraints(),
			"targets":     b.targets(),
			"dag": js{"type": "array", "items": js{"type": "array", "items": nonEmpty("A node id.")},
				"description": "Optional explicit generation order: levels, each an array of node ids. Must list every node exactly once, each after every table it reads."},
		})
}

func (b *schemaBuilder) metadata() js {
	return b.def("DatasetMetadata", js{"type": "object",
		"description": "Describes the data set. Keys other than name and description are accepted and kept, not used.",
		"required":    []any{"name"},
		"properties": js{
			"name":        nonEmpty("The data set's name (dataset_name in .metadata.json)."),
			"description": nullable(str("Free text about the data set.")),
		}})
}

func (b *schemaBuilder) timeframe() js {
	return b.def("Timeframe", object("The document's time window: the range of datetime_series with within \"timeframe\", the bound of time_jitter and datetime outliers, the origin of trend. start must not be after end.",
		timeframeKeys, timeframeKeys, map[string]js{
			"start": timestampSchema("Start instant (ISO 8601; without an offset it is UTC)."),
			"end": js{"description": "End instant (ISO 8601; a date-only end means 00:00 of that day), or \"open\" for a timeline without an end: runs then generate up to the end of their window (--until, default now), and rows already generated never change (docs/continuous.md).",
				"anyOf": []any{timestampSchema("End instant (ISO 8601)."), js{"const": OpenEnd}}},
			"freq": freqSchema("A valid frequency (pandas offset alias); required but not used by generation."),
		}))
}

func (b *schemaBuilder) node() js {
	n := object("One table of the document: an entity, a fact (optionally with parents and fanout) or a vocab.", nodeKeys,
		[]string{"id", "kind", "pk", "columns"}, map[string]js{
			"id": js{"type": "string", "minLength": 1, "maxLength": 96, "pattern": `^[A-Za-z0-9_-]+$`,
				"description": "Table name and file name: letters, digits, '-' and '_' (names Keboola Storage can take), at most 96 characters, unique without case."},
			"kind": enum("entity: rows of its own (rows × --scale); fact: with parents, its rows fan out from the primary parent's rows; vocab: one row per value of its first enum_list column.",
				nodeKinds...),
			"pk": js{"description": "The primary key: one column name, or several for a composite key (documentation, manifests, validation; uniqueness is up to the generators).",
				"anyOf": []any{nonEmpty("A column of the node."),
					js{"type": "array", "items": nonEmpty("A column of the node."), "minItems": 1, "uniqueItems": true}},
				"examples": []any{"customer_id", []any{"order_id", "line_no"}}},
			"description": str("Free text about the table (written into manifests)."),
			"metadata":    b.customMetadata("table"),
			"rows": with(integer("Row count of an entity or a fact without parents (× --scale). Ignored on vocabs and facts with parents."),
				"minimum", 0, "default", DefaultEntityRows),
			"parents": js{"type": "array", "items": nonEmpty("A node id."), "uniqueItems": true,
				"description": "Facts only: node ids; parents[0] is the primary parent (one set of children per parent row). [] means none."},
			"fanout":                 b.fanout(),
			"columns":                js{"type": "array", "items": b.column(), "description": "The columns, in output order; names unique within the node."},
			"modifiers":              js{"type": "array", "items": b.nodeModifier(), "description": "Node-level modifiers: only effect, on facts with parents; it scales each primary-parent row's child count."},
			"segment_behavior":       b.segmentBehavior(),
			"vintage_behavior":       b.vintageBehavior(),
			"stage_config":           b.stageConfig(),
			"state_transition_model": b.stateModel(),
			"arrivals": object("Rows that arrive at a rate instead of a fixed count (entities and facts without parents; not with rows): per unit (hour, day or week, counted from timeframe.start) a Poisson(mean × --scale) count, weighted by the time column's patterns; the time column holds each row's arrival instant. Rows already generated never change when the timeline grows (docs/continuous.md).",
				arrivalKeys, arrivalKeys, map[string]js{
					"per":  enum("The unit of the rate.", Units...),
					"mean": with(num("Mean arrivals per unit."), "minimum", 0, "maximum", maxArrivalMean, "examples", []any{40}),
				}),
			"time_column": js{"anyOf": []any{nonEmpty("A datetime or date column of the node."), js{"type": "null"}},
				"description": "The column whose instant places a row in a time window (datagen generate --from --until): an entity's creation time, a fact's event time; null for none (the table is written whole in the first window, the one holding timeframe.start). Default: the first datetime or date column drawn by datetime_series within the timeframe (or a parent's lifetime), or looked up from another table's time column; vocabs have none. A table without one (and without null here) takes its primary parent row's time, at any depth."},
			"history": b.history(),
		})
	n["allOf"] = []any{
		js{"if": js{"properties": js{"kind": js{"enum": []any{"entity", "vocab"}}}, "required": []any{"kind"}},
			"then": js{"properties": js{
				"parents": js{"anyOf": []any{js{"type": "null"}, js{"maxItems": 0}}, "description": "Entities and vocabs cannot have parents."},
				"fanout":  js{"type": "null", "description": "Entities and vocabs cannot have fanout."}}}},
		js{"if": js{"required": []any{"arrivals"}},
			"then": js{"not": js{"required": []any{"rows"}}, "properties": js{"kind": js{"enum": []any{"entity", "fact"}}}}},
	}
	return b.def("Node", n)
}

func (b *schemaBuilder) customMetadata(what string) js {
	return b.def("CustomMetadata", js{
		"description": "Custom metadata of the " + what + " or column, written into its manifest and Keboola Storage metadata: string values, keys of 1 to 255 letters, digits, '.', '_' and '-', except the keys Keboola or datagen write themselves (KBC.description, KBC.datatype.*, KBC.createdBy.*, KBC.lastUpdatedBy.*, datagen.*; compared case-insensitively). [] is read as {}.",
		"anyOf": []any{
			js{"type": "object", "propertyNames": js{"pattern": `^[A-Za-z0-9._-]{1,255}$`}, "additionalProperties": js{"type": "string"}},
			js{"type": "array", "maxItems": 0},
		},
		"examples": []any{js{"owner": "sales", "pii": "false"}}})
}

func (b *schemaBuilder) fanout() js {
	f := object("The per-parent child count of a fact with parents: per primary-parent row one count is drawn, then node-level effects scale it, then clamp bounds it. With per, a Poisson(lambda) count is drawn per parent row per unit of the parent's lifetime instead.",
		fanoutKeys, nil, map[string]js{
			"per":          enum("Draw a Poisson(lambda) count per parent row per unit (hour, day or week) of the parent's lifetime, from the parent's time column on, scaled by the unit's time patterns, the parent's segment fanout_multiplier, the vintage fanout curves at the parent's age and node-level effects; distribution may be left out (poisson), min, max, clamp and weights are not allowed. Rows already generated never change when the timeline grows (docs/continuous.md).", Units...),
			"distribution": enum("poisson: Poisson(lambda) truncated to [min, max]; uniform: an integer uniformly in [min, max]; empirical: min + i children with probability proportional to weights[i].", "poisson", "uniform", "empirical"),
			"weights": js{"type": "array", "items": js{"type": "number", "minimum": 0}, "minItems": 1, "maxItems": 100000,
				"description": "empirical only (required there): the relative frequency of min, min+1, ... children; positive sum."},
			"lambda":  with(num("Mean child count of a poisson fanout (required for poisson)."), "minimum", 0, "maximum", MaxFanout, "examples", []any{3}),
			"lambda_": with(num("Alias of lambda (read with a warning)."), "minimum", 0, "maximum", MaxFanout, "deprecated", true),
			"min":     with(integer("Lowest child count (required for uniform; the count of the first weight of empirical, default 0)."), "minimum", 0, "maximum", MaxFanout),
			"max":     with(integer("Highest child count (required for uniform)."), "minimum", 0, "maximum", MaxFanout),
			"clamp": js{"type": "array", "items": js{"type": "integer", "minimum": 0, "maximum": MaxFanout}, "minItems": 2, "maxItems": 2,
				"description": "Optional [lo, hi] bounds applied last, after effects."},
		})
	f["allOf"] = []any{
		js{"anyOf": []any{js{"required": []any{"distribution"}}, js{"required": []any{"per"}}}},
		js{"if": js{"required": []any{"per"}},
			"then": js{"anyOf": []any{js{"required": []any{"lambda"}}, js{"required": []any{"lambda_"}}},
				"properties": js{"distribution": js{"const": "poisson"}},
				"not":        js{"anyOf": []any{js{"required": []any{"min"}}, js{"required": []any{"max"}}, js{"required": []any{"clamp"}}, js{"required": []any{"weights"}}}}}},
		js{"if": js{"properties": js{"distribution": js{"const": "poisson"}}, "required": []any{"distribution"}},
			"then": js{"anyOf": []any{js{"required": []any{"lambda"}}, js{"required": []any{"lambda_"}}}}},
		js{"if": js{"properties": js{"distribution": js{"const": "uniform"}}, "required": []any{"distribution"}},
			"then": js{"required": []any{"min", "max"}, "not": js{"required": []any{"weights"}}}},
		js{"if": js{"properties": js{"distribution": js{"const": "poisson"}}, "required": []any{"distribution"}},
			"then": js{"not": js{"required": []any{"weights"}}}},
		js{"if": js{"properties": js{"distribution": js{"const": "empirical"}}, "required": []any{"distribution"}},
			"then": js{"required": []any{"weights"}, "not": js{"required": []any{"max"}}}},
	}
	f["examples"] = []any{js{"distribution": "poisson", "lambda": 6, "min": 1, "max": 40}, js{"distribution": "uniform", "min": 2, "max": 8}}
	return b.def("Fanout", f)
}

func (b *schemaBuilder) column() js {
	c := object("One column: generator → modifiers (in order) → cast to type → null_rate.", columnKeys,
		[]string{"name", "type", "generator"}, map[string]js{
			"name": js{"type": "string", "minLength": 1, "maxLength": 64, "pattern": `^[A-Za-z0-9]([A-Za-z0-9_-]*[A-Za-z0-9])?$`,
				"description": "Column name, unique in the node without case: letters, digits, '-' and '_', not first or last, at most 64 characters (names Keboola Storage can take)."},
			"type":        enum("int (int64), float (float64), string, bool, datetime (µs, UTC), date, decimal (a float with precision and scale: Parquet DECIMAL, Keboola NUMERIC).", typeNames...),
			"decimals":    with(integer("Rounds the values half-even to this many decimals after every modifier; they are written with at most that many (numeric columns)."), "minimum", 0, "maximum", column.MaxDecimals),
			"precision":   with(integer("Total number of digits of a decimal column."), "minimum", 1, "maximum", maxPrecision),
			"scale":       with(integer("Digits after the decimal point of a decimal column (at most precision)."), "minimum", 0, "maximum", column.MaxDecimals),
			"nullable":    with(boolean("Whether the column may hold nulls (Parquet OPTIONAL)."), "default", false),
			"null_rate":   with(num("Share of rows set to null, 0–1; needs nullable: true."), "minimum", 0, "maximum", 1, "default", 0),
			"description": str("Free text, written into the Parquet footer and the manifest."),
			"generator":   b.generator(),
			"modifiers":   js{"type": "array", "items": b.modifier(), "description": "Applied in order after the generator (docs/modifiers.md)."},
			"constraints": object("Column-level value constraints, checked by validate.", colConsKey, nil, map[string]js{
				"pattern":  str("A regular expression (Go RE2 syntax) every value must match."),
				"enum":     scalars("The allowed values.", 0),
				"enum_ref": colRef("\"table.column\" whose values are the allowed values."),
			}),
			"metadata": b.customMetadata("table"),
			"changes":  b.changes(),
		})
	c["allOf"] = []any{
		js{"if": js{"properties": js{"null_rate": js{"type": "number", "exclusiveMinimum": 0}}, "required": []any{"null_rate"}},
			"then": js{"properties": js{"nullable": js{"const": true}}, "required": []any{"nullable"}}},
		js{"if": js{"properties": js{"type": js{"const": "decimal"}}, "required": []any{"type"}},
			"then": js{"required": []any{"precision", "scale"}, "properties": js{"decimals": js{"type": "null"}}},
			"else": js{"properties": js{"precision": js{"type": "null"}, "scale": js{"type": "null"}}}},
		js{"if": js{"properties": js{"type": js{"enum": []any{"string", "bool", "datetime", "date"}}}, "required": []any{"type"}},
			"then": js{"properties": js{"decimals": js{"type": "null"}}}},
	}
	return b.def("Column", c)
}

func (b *schemaBuilder) changes() js {
	return b.def("Changes", object("Entities with history only: the column changes over time. In every period of length every (counted from the timeframe's start), with probability p, its value is drawn again from its generator (choice, distribution, faker or datetime_series), at an instant inside the period. A lookup of the column from another table copies the version current at the reading row's time.",
		changesKeys, changesKeys, map[string]js{
			"every": js{"type": "string", "pattern": `^\s*[0-9]+\s*(s|min|h|d|w)\s*$`, "examples": []any{"30d", "12h", "1w"},
				"description": "The period: a whole number and a unit, s, min, h, d (days) or w (weeks)."},
			"p": with(num("The probability that the column changes in one period."), "minimum", 0, "maximum", 1, "examples", []any{0.1}),
		}))
}

func (b *schemaBuilder) history() js {
	return b.def("History", object("Entities only: how an entity whose columns change (changes) is written. versions: SCD type 2, one row per version with valid_from, valid_to (null for the current version) and is_current; events: CDC, one row per insert or update with the row's values after it, changed_at and operation. Rows are keyed by pk plus valid_from or changed_at.",
		historyKeys, historyKeys, map[string]js{
			"as": enum("versions (SCD type 2) or events (CDC).", historyKinds...),
		}))
}

func (b *schemaBuilder) generator() js {
	props := map[string]js{
		"sequence": b.def("Sequence", object("start + i·step for row i.", []string{"start", "step"}, nil, map[string]js{
			"start": with(integer("First value."), "default", 1),
			"step":  with(integer("Increment; not 0."), "default", 1, "not", js{"const": 0}),
		})),
		"choice":          b.choice(),
		"distribution":    b.distribution(true),
		"datetime_series": b.datetimeSeries(),
		"faker":           b.faker(),
		"lookup": b.def("Lookup", object("Copies a value from another table: the primary parent's own row, a random row, or the row matching a join (on).",
			[]string{"from", "on"}, []string{"from"}, map[string]js{
				"from": colRef("\"table.column\" to copy."),
				"on":   stringMap("Join mapping {local column: column of the other table}; the legacy {\"this_key\": \"<column>\"} shape is read with a warning."),
			})),
		"expression": b.def("Expression", object("Computes a value from the row's other columns (docs/expressions.md).", []string{"code"}, []string{"code"}, map[string]js{
			"code": with(nonEmpty("The expression."), "examples", []any{"quantity * unit_price", "if(age >= 65, 'senior', 'adult')"}),
		})),
		"enum_list": b.def("EnumList", object("Yields its values in order, one per row (vocab tables).", []string{"values"}, []string{"values"}, map[string]js{
			"values": scalars("The values, in row order.", 1),
		})),
		"aggregate": b.def("Aggregate", object("A parent's value computed from its children: the rows of a fact whose primary parent is this node. A parent without (matching) children gets 0 for sum and count, null otherwise.",
			[]string{"from", "fn", "where"}, []string{"from", "fn"}, map[string]js{
				"from":  colRef("\"table.column\" of the child table to aggregate."),
				"fn":    enum("sum, count (non-null values), mean, min or max; nulls are skipped.", AggregateFns...),
				"where": with(nonEmpty("An expression on the child row (docs/expressions.md): only rows where it is true count."), "examples", []any{"status == 'paid'"}),
			})),
	}
	var one []any
	for _, g := range generatorNames {
		one = append(one, js{"required": []any{g}})
	}
	g := object("Exactly one generator: "+strings.Join(generatorNames, ", ")+".", generatorNames, nil, props)
	g["oneOf"] = one
	return b.def("Generator", g)
}

func (b *schemaBuilder) choice() js {
	c := object("Draws from a list of values (choices) or from another table's column (choices_ref), uniformly, with weights or with a weights_kind.",
		[]string{"choices", "choices_ref", "weights", "weights_kind"}, nil, map[string]js{
			"choices":      scalars("The values (strings, numbers, booleans, null), cast to the column type.", 1),
			"choices_ref":  colRef("\"table.column\" whose values are the choices."),
			"weights":      weightsSchema("One weight ≥ 0 per choice (not with choices_ref); not all zero."),
			"weights_kind": with(js{"type": "string", "pattern": `^(uniform|zipf@.+|head_tail@\{.+,.+\})$`}, "description", "uniform, zipf@<a> (a > 0) or head_tail@{<h>,<a>} (0 < h < 1, a > 0); ignored when weights are given.", "default", "uniform", "examples", []any{"uniform", "zipf@1.5", "head_tail@{0.7,2.0}"}),
		})
	c["oneOf"] = []any{
		js{"required": []any{"choices"}, "properties": js{"choices": js{"type": "array"}, "choices_ref": js{"type": "null"}}},
		js{"required": []any{"choices_ref"}, "properties": js{"choices_ref": js{"type": "string"}, "choices": js{"type": "null"}, "weights": js{"type": "null"}}},
	}
	return b.def("Choice", c)
}

// distribution is a distribution body: a generator requires params.
func (b *schemaBuilder) distribution(generator bool) js {
	name, req := "MagnitudeDistribution", []string{"type"}
	desc := "A distribution of outlier magnitudes; params optional."
	if generator {
		name, req = "Distribution", []string{"type", "params"}
		desc = "Draws numbers from a named distribution, optionally clamped."
	}
	d := object(desc, []string{"type", "params", "clamp", "quantiles"}, req, map[string]js{
		"type": enum("normal (mean, std), lognormal (mean, sigma of the underlying normal), uniform (low, high), poisson (lambda), empirical (quantiles).", distTypes...),
		"quantiles": js{"type": "array", "items": js{"type": "number"}, "minItems": 2,
			"description": "empirical only (required there): knots equally spaced in probability, from the minimum to the maximum, non-decreasing; values are interpolated linearly between them."},
		"params": js{"type": "object", "description": "The distribution's parameters."},
		"clamp": js{"type": "array", "items": js{"type": []any{"number", "null"}}, "minItems": 2, "maxItems": 2,
			"description": "Optional [min, max]; null leaves a side unbounded."},
	})
	var cases []any
	for _, t := range distTypes {
		props := js{}
		for _, p := range distParams[t] {
			props[p] = num(distParamDesc[t+"."+p])
		}
		switch t {
		case "normal":
			props["std"] = with(props["std"].(js), "exclusiveMinimum", 0)
			props["sigma"] = with(num("Alias of std on a normal distribution (read with a warning)."), "exclusiveMinimum", 0, "deprecated", true)
		case "lognormal":
			props["sigma"] = with(props["sigma"].(js), "exclusiveMinimum", 0)
			props["mean"] = with(props["mean"].(js), "maximum", 700)
		case "poisson":
			props["lambda"] = with(props["lambda"].(js), "minimum", 0, "maximum", 1e9)
			props["lambda_"] = with(num("Alias of lambda (read with a warning)."), "minimum", 0, "deprecated", true)
		}
		for _, k := range annotationKeys {
			props[k] = annotation(k)
		}
		then := js{"properties": js{"params": js{"properties": props, "additionalProperties": false}}}
		if t == "empirical" {
			then["required"] = []any{"quantiles"}
		} else {
			then["not"] = js{"required": []any{"quantiles"}}
		}
		cases = append(cases, js{
			"if":   js{"properties": js{"type": js{"const": t}}, "required": []any{"type"}},
			"then": then,
		})
	}
	d["allOf"] = cases
	d["examples"] = []any{js{"type": "lognormal", "params": js{"mean": 3, "sigma": 0.8}, "clamp": []any{1, 5000}}}
	return b.def(name, d)
}

var distParamDesc = map[string]string{
	"normal.mean": "Mean.", "normal.std": "Standard deviation, > 0.",
	"lognormal.mean": "Mean of the underlying normal (the log of the typical value).", "lognormal.sigma": "Standard deviation of the underlying normal, > 0.",
	"uniform.low": "Lower bound (default 0).", "uniform.high": "Upper bound (default 1).",
	"poisson.lambda": "Mean, 0 to 1e9.",
}

func (b *schemaBuilder) pattern(desc string) js {
	p := object(desc, []string{"dimension", "weights"}, []string{"dimension", "weights"}, map[string]js{
		"dimension": enum("hour (24 weights), dow (7, Monday first) or month (12).", dimensions...),
		"weights":   weightsSchema("One relative weight ≥ 0 per value of the dimension."),
	})
	p["allOf"] = dimensionWeights()
	p["examples"] = []any{js{"dimension": "dow", "weights": []any{1, 1, 1, 1, 1.2, 1.4, 0.9}}}
	return p
}

func (b *schemaBuilder) datetimeSeries() js {
	ds := object("Draws timestamps from a grid of instants between two bounds, optionally weighted by a time pattern.",
		[]string{"within", "freq", "pattern", "sequential"}, []string{"within", "freq"}, map[string]js{
			"within": js{"description": "\"timeframe\", {\"start\", \"end\"} (ISO 8601), or the lifetime of the row's primary parent {\"start_col\", \"end_col\"}.",
				"anyOf": []any{js{"const": "timeframe"}, object("An explicit window.", []string{"start", "end"}, []string{"start", "end"}, map[string]js{
					"start": timestampSchema("First instant."), "end": timestampSchema("Last instant."),
				}), object("The lifetime of the row's primary parent, inside the timeframe.", []string{"start_col", "end_col"}, []string{"start_col"}, map[string]js{
					"start_col": colRef("\"parent.column\": the first instant of the parent's lifetime (datetime or date)."),
					"end_col":   colRef("\"parent.column\": its last instant; null (or absent) means the end of the timeframe."),
				})}},
			"freq":       freqSchema("Grid step: a pandas offset alias with an optional multiple (15min, 6H, W-MON, MS, B...)."),
			"pattern":    b.def("Pattern", b.pattern("Weights a time dimension: hour of day, day of week or month.")),
			"sequential": with(boolean("Row i gets the i-th instant of the grid (in a fact: the i-th child of each parent); more rows than instants is an error. Not with pattern."), "default", false),
		})
	ds["if"] = js{"properties": js{"sequential": js{"const": true}}, "required": []any{"sequential"}}
	ds["then"] = js{"properties": js{"pattern": js{"type": "null"}}}
	return b.def("DatetimeSeries", ds)
}

func (b *schemaBuilder) faker() js {
	var methods, locales []any
	for _, m := range semantic.Methods() {
		methods = append(methods, m.Name)
	}
	for _, l := range semantic.Locales() {
		locales = append(locales, l.String())
	}
	return b.def("Faker", object("Draws semantic values: names, emails, addresses, phone numbers, companies, ... (docs/semantic.md; datagen faker list).",
		[]string{"method", "locale_from", "locale", "args", "text"}, []string{"method"}, map[string]js{
			"method":      js{"type": "string", "enum": methods, "description": "The faker method."},
			"locale_from": nonEmpty("A column of the same row whose value (a country code, a locale...) selects the locale per row."),
			"locale":      js{"type": "string", "enum": locales, "description": "A fixed locale (default en_US)."},
			"args":        js{"type": "object", "description": "The method's arguments by name (see datagen faker list)."},
			"text":        with(str("Alias of args.text (read with a warning)."), "deprecated", true),
		}))
}

func (b *schemaBuilder) effectArgs() js {
	return b.def("EffectArgs", object("Joins each row to the rows of an effect table (by keys and a time window) and applies its field.",
		[]string{"effect_table", "on", "window", "map", "ts", "overlap"}, []string{"effect_table", "map"}, map[string]js{
			"effect_table": nonEmpty("Another node, generated before this one and kept in memory."),
			"on":           stringMap("{local column: effect-table column}; {} or absent: a global effect."),
			"window": object("The effect rows' time window: datetime/date columns of the effect table.", []string{"start_col", "end_col"}, []string{"start_col", "end_col"}, map[string]js{
				"start_col": nonEmpty("Window start column."), "end_col": nonEmpty("Window end column (inclusive; a date end includes its day)."),
			}),
			"map": object("The effect-table field and how it applies.", []string{"field", "op", "default"}, []string{"field"}, map[string]js{
				"field":   nonEmpty("An int/float column of the effect table."),
				"op":      with(enum("mul multiplies, add adds.", "mul", "add"), "default", "mul"),
				"default": num("Value when nothing matches: 1 for mul, 0 for add."),
			}),
			"ts":      nonEmpty("The column of this table matched against the window (default: the first datetime/date column)."),
			"overlap": with(enum("How several matching rows combine.", overlapModes...), "default", "first"),
		}))
}

func (b *schemaBuilder) modifierArgs() map[Transform]js {
	return map[Transform]js{
		TMultiply: object("v · factor.", []string{"factor"}, []string{"factor"}, map[string]js{"factor": num("The factor.")}),
		TAdd: object("v + value; on datetime/date columns value is a duration in unit.", []string{"value", "unit"}, []string{"value"}, map[string]js{
			"value": num("The value (or duration)."),
			"unit":  with(enum("Unit of value on time columns.", addUnits...), "default", "seconds"),
		}),
		TClamp: with(object("Bounds values; null leaves a side unbounded (at least one bound).", []string{"min", "max"}, []string{"min", "max"}, map[string]js{
			"min": js{"type": []any{"number", "null"}, "description": "Lower bound or null."},
			"max": js{"type": []any{"number", "null"}, "description": "Upper bound or null."},
		}), "not", js{"properties": js{"min": js{"type": "null"}, "max": js{"type": "null"}}}),
		TJitter: object("Adds Normal(0, std) noise: add (v + e) or mul (v · (1 + e)).", []string{"std", "mode"}, []string{"std"}, map[string]js{
			"std":  with(num("Standard deviation, ≥ 0."), "minimum", 0),
			"mode": with(enum("add or mul.", "add", "mul"), "default", "add"),
		}),
		TMapValues: object("Replaces values, compared on their text form.", []string{"mapping"}, []string{"mapping"}, map[string]js{
			"mapping": js{"type": "object", "additionalProperties": scalar(), "description": "{from: to}; to may be null.", "examples": []any{js{"A": "Active"}}},
		}),
		TSeasonality: ref("Pattern"),
		TTimeJitter: object("Moves timestamps by Normal(0, std_minutes) minutes, within the timeframe.", []string{"std_minutes"}, []string{"std_minutes"}, map[string]js{
			"std_minutes": with(num("Standard deviation in minutes, ≥ 0."), "minimum", 0),
		}),
		TEffect: b.effectArgs(),
		TOutliers: object("Makes a share of rows spikes (v·(1+m)) or drops (v/(1+m)).", []string{"rate", "mode", "magnitude_dist"}, []string{"rate", "mode"}, map[string]js{
			"rate":           with(num("Share of rows, 0–1 (exactly round(rate·N) rows)."), "minimum", 0, "maximum", 1),
			"mode":           enum("spike or drop.", "spike", "drop"),
			"magnitude_dist": b.distribution(false),
		}),
		TTrend: b.trendArgs(),
	}
}

func (b *schemaBuilder) trendArgs() js {
	t := object("Scales values by a growth curve over the years since timeframe.start.",
		[]string{"type", "growth_rate", "time_reference", "params", "trend_type", "reference_column"}, nil, map[string]js{
			"type":             enum("exponential (growth_rate > -1), linear (growth_rate) or logarithmic (params.a, params.b).", trendTypes...),
			"trend_type":       with(enum("Alias of type (read with a warning).", trendTypes...), "deprecated", true),
			"growth_rate":      num("Yearly growth rate (exponential, linear)."),
			"time_reference":   nonEmpty("A datetime/date column of the same table."),
			"reference_column": with(nonEmpty("Alias of time_reference (read with a warning)."), "deprecated", true),
			"params": object("Logarithmic trend parameters.", []string{"a", "b"}, nil, map[string]js{
				"a": with(num("a (default 0.1)."), "default", 0.1), "b": with(num("b, ≥ 0 (default 1.0)."), "minimum", 0, "default", 1.0),
			}),
		})
	t["allOf"] = []any{
		js{"anyOf": []any{js{"required": []any{"type"}}, js{"required": []any{"trend_type"}}}},
		js{"anyOf": []any{js{"required": []any{"time_reference"}}, js{"required": []any{"reference_column"}}}},
		js{"if": js{"properties": js{"type": js{"enum": []any{"exponential", "linear"}}}, "required": []any{"type"}},
			"then": js{"required": []any{"growth_rate"}}},
	}
	return t
}

// modifierSchema is a {transform, args} object over the given transforms.
func (b *schemaBuilder) modifierSchema(desc string, transforms []Transform) js {
	args := b.modifierArgs()
	names := make([]string, len(transforms))
	var cases []any
	for i, t := range transforms {
		names[i] = string(t)
		cases = append(cases, js{
			"if":   js{"properties": js{"transform": js{"const": string(t)}}, "required": []any{"transform"}},
			"then": js{"properties": js{"args": args[t]}},
		})
	}
	m := object(desc, []string{"transform", "args"}, []string{"transform", "args"}, map[string]js{
		"transform": enum("The modifier: "+strings.Join(names, ", ")+".", names...),
		"args":      js{"type": "object", "description": "The transform's arguments."},
	})
	m["allOf"] = cases
	return m
}

func (b *schemaBuilder) modifier() js {
	return b.def("Modifier", b.modifierSchema("A column modifier, applied in list order (docs/modifiers.md).", Transforms))
}

func (b *schemaBuilder) nodeModifier() js {
	return b.def("NodeModifier", b.modifierSchema("A node-level modifier: only effect, which scales each primary-parent row's child count.", []Transform{TEffect}))
}

func (b *schemaBuilder) constraints() js {
	item := func(desc string, keys, required []string, props map[string]js) js {
		return js{"type": "array", "items": object(desc, keys, required, props), "description": desc}
	}
	enumItem := object("attr and exactly one of values or enum_ref.", []string{"attr", "values", "enum_ref"}, []string{"attr"}, map[string]js{
		"attr": colRef("The column."), "values": scalars("Allowed values.", 0), "enum_ref": colRef("\"table.column\" of allowed values."),
	})
	enumItem["oneOf"] = []any{js{"required": []any{"values"}}, js{"required": []any{"enum_ref"}}}
	rangeItem := object("attr and min and/or max.", []string{"attr", "min", "max"}, []string{"attr"}, map[string]js{
		"attr": colRef("The column."), "min": num("Lowest value."), "max": num("Highest value."),
	})
	rangeItem["anyOf"] = []any{js{"required": []any{"min"}}, js{"required": []any{"max"}}}
	return b.def("Constraints", object("Declared expectations about the data, checked by datagen validate. May be {}.", constraintKeys, nil, map[string]js{
		"unique": js{"type": "array", "items": colRef("A unique column."), "description": "\"table.column\" strings whose values are unique."},
		"foreign_keys": item("Every from value occurs in to.", []string{"from", "to"}, []string{"from", "to"}, map[string]js{
			"from": colRef("Referencing column."), "to": colRef("Referenced column."),
		}),
		"ranges": js{"type": "array", "items": rangeItem, "description": "Each column's values lie in [min, max] (min and/or max)."},
		"inequalities": item("left op right; a side with a dot names a column, otherwise a literal.", []string{"left", "op", "right"}, []string{"left", "op", "right"}, map[string]js{
			"left": nonEmpty("A column (\"table.column\") or a literal."), "op": enum("The comparison.", inequalityOps...), "right": nonEmpty("A column or a literal."),
		}),
		"pattern": item("Values match a regex.", []string{"attr", "regex"}, []string{"attr", "regex"}, map[string]js{
			"attr": colRef("The column."), "regex": str("Go RE2 regular expression."),
		}),
		"enum": js{"type": "array", "items": enumItem, "description": "Each column's values are among values, or among the values of enum_ref."},
	}))
}

func (b *schemaBuilder) targets() js {
	influence := object("One declared influence of a composite effect.", influenceFields, []string{"kind"}, map[string]js{
		"kind":      enum("seasonality (dimension, weights), effect (table) or outliers (rate).", influenceKinds...),
		"dimension": enum("Seasonality dimension.", dimensions...),
		"weights":   weightsSchema("Seasonality weights."),
		"table":     nonEmpty("Effect table."),
		"on":        js{"type": "object", "description": "Effect keys."},
		"field":     nonEmpty("Effect field."),
		"default":   num("Effect default."),
		"rate":      num("Outlier rate."),
		"mode":      str("Outlier mode or effect op."),
	})
	return b.def("Targets", object("Behavioural expectations checked by datagen validate.", targetKeys, nil, map[string]js{
		"weekend_share": object("The share of rows on Saturday or Sunday is within [min, max].", []string{"table", "timestamp", "min", "max"}, []string{"table", "timestamp", "min", "max"}, map[string]js{
			"table": nonEmpty("The table."), "timestamp": nonEmpty("A datetime/date column."),
			"min": with(num("Lowest share, 0–1."), "minimum", 0, "maximum", 1), "max": with(num("Highest share, 0–1."), "minimum", 0, "maximum", 1),
		}),
		"mean_in_range": object("The mean of a numeric column is within [min, max].", []string{"table", "column", "min", "max"}, []string{"table", "column", "min", "max"}, map[string]js{
			"table": nonEmpty("The table."), "column": nonEmpty("An int/float column."), "min": num("Lowest mean."), "max": num("Highest mean."),
		}),
		"composite_effect": object("Observed time profile of a table compared with its declared influences.",
			[]string{"table", "metric", "timestamp", "influences", "tolerance"}, []string{"table", "metric", "influences", "tolerance"}, map[string]js{
				"table": nonEmpty("The table."), "metric": nonEmpty("Name of the measured metric."),
				"timestamp":  nonEmpty("Time column (default: the table's first)."),
				"influences": js{"type": "array", "items": influence, "description": "The declared influences: seasonality, effect, outliers."},
				"tolerance": object("Allowed error.", []string{"mae", "mape"}, nil, map[string]js{
					"mae": with(num("Mean absolute error, ≥ 0."), "minimum", 0), "mape": with(num("Mean absolute percentage error, ≥ 0."), "minimum", 0),
				}),
			}),
	}))
}

// Behaviour blocks (docs/behavior.md). Their keys are read by package
// behavior when the schema is planned; unknown keys are errors there too.

func (b *schemaBuilder) segmentBehavior() js {
	entry := object("Multipliers of one segment.", []string{"fanout_multiplier", "value_multiplier", "base_probability"}, nil, map[string]js{
		"fanout_multiplier": with(num("Multiplies the child count of rows in this segment (≥ 0)."), "minimum", 0, "default", 1),
		"value_multiplier":  with(num("Multiplies the applies_to_columns of children (≥ 0)."), "minimum", 0, "default", 1),
		"base_probability":  with(num("Share of rows in this segment, 0–1."), "minimum", 0, "maximum", 1),
	})
	byName := func(desc string) js {
		return js{"type": "object", "additionalProperties": entry, "description": desc}
	}
	s := object("Segments: children of rows in a segment get more (or fewer) rows and scaled values.",
		[]string{"segment_column", "behaviors", "segments", "applies_to_columns"}, []string{"segment_column"}, map[string]js{
			"segment_column":     nonEmpty("The column of this table holding each row's segment."),
			"behaviors":          byName("{segment: {fanout_multiplier, value_multiplier, base_probability}}."),
			"segments":           byName("{segment: {base_probability, ...}}."),
			"applies_to_columns": js{"type": "array", "items": nonEmpty("A child column."), "description": "Child int/float columns that value_multiplier scales."},
		})
	s["anyOf"] = []any{js{"required": []any{"behaviors"}}, js{"required": []any{"segments"}}}
	s["examples"] = []any{js{"segment_column": "tier", "behaviors": js{"vip": js{"fanout_multiplier": 3.0, "value_multiplier": 2.0}},
		"segments": js{"vip": js{"base_probability": 0.1}, "basic": js{"base_probability": 0.9}}, "applies_to_columns": []any{"amount"}}}
	return b.def("SegmentBehavior", s)
}

func timeUnit(desc string, def string, units ...string) js {
	return with(enum(desc, units...), "default", def)
}

func (b *schemaBuilder) vintageBehavior() js {
	curve := js{"description": "An array of multipliers ≥ 0 by whole age unit (the last holds forever), or a parametric curve.",
		"anyOf": []any{
			js{"type": "array", "items": js{"type": "number", "minimum": 0}, "minItems": 1},
			object("A parametric curve: logarithmic a + b·ln(age+1), exponential a·e^(b·age), linear a + b·age.", []string{"curve_type", "params"}, []string{"curve_type", "params"}, map[string]js{
				"curve_type": enum("The curve.", "logarithmic", "exponential", "linear"),
				"params": object("The curve's parameters.", []string{"a", "b"}, []string{"a", "b"}, map[string]js{
					"a": num("a."), "b": num("b."),
				}),
			}),
		}}
	mult := object("A named age-based multiplier.", []string{"curve", "time_unit", "applies_to"}, []string{"curve", "applies_to"}, map[string]js{
		"curve":     curve,
		"time_unit": timeUnit("Unit of age.", "month", "day", "week", "month", "quarter", "year"),
		"applies_to": js{"description": "\"fanout\", \"all\", a child column name, or an array of them.",
			"anyOf": []any{nonEmpty("fanout, all or a column."), js{"type": "array", "items": nonEmpty("fanout, all or a column."), "minItems": 1}}},
	})
	return b.def("VintageBehavior", object("Cohorts: children's count and values change with the parent's age at each child's event time.",
		[]string{"created_at_column", "age_based_multipliers"}, []string{"age_based_multipliers"}, map[string]js{
			"created_at_column":     with(nonEmpty("The datetime/date column holding each row's creation time."), "default", "created_at"),
			"age_based_multipliers": js{"type": "object", "additionalProperties": mult, "minProperties": 1, "description": "Named multipliers."},
		}))
}

func (b *schemaBuilder) gap() js {
	g := object("The time between two stages.", []string{"distribution", "mean", "min", "max", "value", "unit"}, nil, map[string]js{
		"distribution": with(enum("exponential (mean), uniform (min, max) or constant (value).", "exponential", "uniform", "constant"), "default", "exponential"),
		"mean":         with(num("Mean gap (exponential), > 0."), "exclusiveMinimum", 0),
		"min":          with(num("Shortest gap (uniform)."), "minimum", 0),
		"max":          with(num("Longest gap (uniform)."), "minimum", 0),
		"value":        with(num("The gap (constant), ≥ 0."), "minimum", 0),
		"unit":         timeUnit("Unit of the gap.", "hour", "second", "minute", "hour", "day", "week"),
	})
	return b.def("Gap", g)
}

func (b *schemaBuilder) stageConfig() js {
	gap := b.gap()
	stage := object("One stage of the funnel.", []string{"stage_name", "transition_rate", "gap"}, []string{"stage_name"}, map[string]js{
		"stage_name":      nonEmpty("Unique stage name."),
		"transition_rate": with(num("Probability of reaching this stage from the previous one (required from the second stage on)."), "minimum", 0, "maximum", 1),
		"gap":             gap,
	})
	return b.def("StageConfig", object("A funnel: one row per stage a parent reaches, each stage reached with its conditional rate.",
		[]string{"stages", "gap", "segment_variation", "segment_column", "start_column", "stage_name_column", "stage_index_column", "timestamp_column"},
		[]string{"stages"}, map[string]js{
			"stages": js{"type": "array", "items": stage, "minItems": 1, "description": "The stages in order; the first is always reached."},
			"gap":    gap,
			"segment_variation": js{"type": "object", "description": "{segment: {transition_multiplier}}.",
				"additionalProperties": object("Multiplier of one segment.", []string{"transition_multiplier"}, []string{"transition_multiplier"}, map[string]js{
					"transition_multiplier": with(num("Multiplies every transition rate (≥ 0)."), "minimum", 0),
				})},
			"segment_column":     nonEmpty("Column of the primary parent holding the segment (default: its segment_behavior.segment_column)."),
			"start_column":       nonEmpty("Datetime/date column of the primary parent where the funnel starts."),
			"stage_name_column":  with(nonEmpty("String column receiving the stage name."), "default", "stage_name"),
			"stage_index_column": with(nonEmpty("Column receiving the 0-based stage index."), "default", "stage_index"),
			"timestamp_column":   nonEmpty("Datetime/date column receiving the stage time (default: the fact's first)."),
		}))
}

func (b *schemaBuilder) stateModel() js {
	state := object("One state.", []string{"next_states", "transition_prob_per_period", "terminal"}, nil, map[string]js{
		"next_states": js{"type": "object", "additionalProperties": js{"type": "number", "minimum": 0, "maximum": 1},
			"description": "{state: probability of moving there at the end of a period}; the sum at most 1, the rest is staying."},
		"transition_prob_per_period": with(num("Probability of leaving; next_states are then the shares of the destinations."), "minimum", 0, "maximum", 1),
		"terminal":                   boolean("An absorbing state: the chain ends after its first period."),
	})
	variation := object("Multipliers of one segment.", []string{"transition_multiplier", "churn_multiplier", "state_multipliers"}, nil, map[string]js{
		"transition_multiplier": with(num("Multiplies every transition."), "minimum", 0, "default", 1),
		"churn_multiplier":      with(num("Multiplies transitions into terminal states."), "minimum", 0, "default", 1),
		"state_multipliers":     js{"type": "object", "additionalProperties": js{"type": "number", "minimum": 0}, "description": "{state: multiplier of transitions into it}."},
	})
	return b.def("StateTransitionModel", object("A subscription-style state machine per parent: one row per period (or per state entered).",
		[]string{"initial_state", "states", "period_unit", "period_length", "max_periods", "emit", "start_column", "segment_column",
			"segment_variation", "state_column", "previous_state_column", "period_index_column", "period_start_column", "period_end_column"},
		[]string{"initial_state", "states"}, map[string]js{
			"initial_state":         nonEmpty("A known state."),
			"states":                js{"type": "object", "additionalProperties": state, "minProperties": 1, "description": "Keyed by state name."},
			"period_unit":           timeUnit("Unit of a period.", "month", "hour", "day", "week", "month", "quarter", "year"),
			"period_length":         with(integer("Periods of that many units."), "minimum", 1, "default", 1),
			"max_periods":           with(integer("At most that many periods per parent."), "minimum", 1),
			"emit":                  with(enum("period: one row per period; transition: one row per state entered.", "period", "transition"), "default", "period"),
			"start_column":          nonEmpty("Datetime/date column of the primary parent where the chain starts."),
			"segment_column":        nonEmpty("Column of the primary parent holding the segment."),
			"segment_variation":     js{"type": "object", "additionalProperties": variation, "description": "{segment: multipliers}."},
			"state_column":          with(nonEmpty("String column receiving the state (required to exist)."), "default", "state"),
			"previous_state_column": with(nonEmpty("Nullable string column receiving the previous state."), "default", "previous_state"),
			"period_index_column":   with(nonEmpty("Column receiving the period index."), "default", "period_index"),
			"period_start_column":   with(nonEmpty("Datetime/date column receiving the period start."), "default", "period_start"),
			"period_end_column":     with(nonEmpty("Datetime/date column receiving the period end."), "default", "period_end"),
		}))
}
