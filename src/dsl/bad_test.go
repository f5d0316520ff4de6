package dsl

import (
	"errors"
	"strings"
	"testing"
)

// Paths used below.
const (
	pUser    = "nodes[0](user)"
	pStatus  = "nodes[1](status)"
	pOrder   = "nodes[3](order)"
	pCountry = pUser + ".columns[2](country)"
	pAge     = pUser + ".columns[3](age)"
	pOrdAt   = pOrder + ".columns[2](ordered_at)"
	pAmount  = pOrder + ".columns[4](amount)"
	pEffect  = pAmount + ".modifiers[2].args"
	pTrend   = pAmount + ".modifiers[3].args"
	// JSON-edit paths.
	jUser    = "nodes.0"
	jOrder   = "nodes.3"
	jCountry = "nodes.0.columns.2"
	jAge     = "nodes.0.columns.3"
	jOrdAt   = "nodes.3.columns.2"
	jAmount  = "nodes.3.columns.4"
	jEffect  = "nodes.3.columns.4.modifiers.2.args"
	jTrend   = "nodes.3.columns.4.modifiers.3.args"
)

type edit func(t testing.TB, d doc)

func setTo(path, value string) edit {
	return func(t testing.TB, d doc) { set(t, d, path, value) }
}

func remove(path string) edit {
	return func(t testing.TB, d doc) { del(t, d, path) }
}

func edits(es ...edit) edit {
	return func(t testing.TB, d doc) {
		for _, e := range es {
			e(t, d)
		}
	}
}

// findProblem returns the first problem at path whose message contains
// substr.
func findProblem(ps []Problem, path, substr string) (Problem, bool) {
	for _, p := range ps {
		if p.Path == path && strings.Contains(p.Message, substr) {
			return p, true
		}
	}
	return Problem{}, false
}

// badCase is an edit of the base schema that the decoder rejects with
// the message msg at path.
type badCase struct {
	name, path, msg string
	edit            edit
}

// badSchemaCases are the bad-schema cases, shared with the agreement test
// of the JSON Schema (jsonschema_test.go).
func badSchemaCases() []badCase {
	return []badCase{
		{"version as number", "version", "expected a string, got number 1", setTo("version", `1`)},
		{"unsupported version", "version", `unsupported version "2.0"`, setTo("version", `"2.0"`)},
		{"missing metadata", "", `missing required key "metadata"`, remove("metadata")},
		{"missing metadata name", "metadata", `missing required key "name"`, remove("metadata.name")},
		{"unknown top-level key", "seed", `unknown key "seed"`, setTo("seed", `42`)},
		{"bad timeframe date", "timeframe.start", "month 13 is out of range", setTo("timeframe.start", `"2024-13-01"`)},
		{"timeframe start after end", "timeframe.start", "is after end", setTo("timeframe.start", `"2025-06-01T00:00:00+02:00"`)},
		{"bad timeframe freq", "timeframe.freq", `unknown alias "Minutes"`, setTo("timeframe.freq", `"Minutes"`)},
		{"duplicate node id", "nodes[2](user).id", `duplicate node id "user"`, setTo("nodes.2.id", `"user"`)},
		{"node id with a dot", "nodes[0](us.er).id", "must not contain '.'", setTo("nodes.0.id", `"us.er"`)},
		{"unknown node kind", pUser + ".kind", `unknown node kind "dimension"`, setTo(jUser+".kind", `"dimension"`)},
		{"negative rows", pUser + ".rows", "rows must be 0 or more, got -5", setTo(jUser+".rows", `-5`)},
		{"fractional rows", pUser + ".rows", "expected an integer, got 5.5", setTo(jUser+".rows", `5.5`)},
		{"rows out of range", pUser + ".rows", "integer 1e+30 is out of range", setTo(jUser+".rows", `1e30`)},
		{"rows as string", pUser + ".rows", `expected an integer, got string "5"`, setTo(jUser+".rows", `"5"`)},
		{"pk not a column", pUser + ".pk", `pk "id" is not a column of node "user"`, setTo(jUser+".pk", `"id"`)},
		{"entity with parents", pUser + ".parents", "entity nodes cannot have parents", setTo(jUser+".parents", `["promo"]`)},
		{"vocab with fanout", pStatus + ".fanout", "vocab nodes cannot have fanout", setTo("nodes.1.fanout", `{"distribution": "poisson", "lambda": 1}`)},
		{"unknown parent", pOrder + ".parents[0]", `unknown table "usr"`, setTo(jOrder+".parents", `["usr"]`)},
		{"empirical fanout without weights", pOrder + ".fanout", `missing required key "weights"`, setTo(jOrder+".fanout", `{"distribution": "empirical"}`)},
		{"empirical fanout with max", pOrder + ".fanout.max", "max cannot be given with empirical fanout weights", setTo(jOrder+".fanout", `{"distribution": "empirical", "weights": [1, 2], "max": 3}`)},
		{"negative fanout weight", pOrder + ".fanout.weights[1]", "weights must be 0 or more, got -2", setTo(jOrder+".fanout", `{"distribution": "empirical", "weights": [1, -2]}`)},
		{"fanout weights on poisson", pOrder + ".fanout.weights", "weights are only read by empirical fanout", setTo(jOrder+".fanout", `{"distribution": "poisson", "lambda": 2, "weights": [1]}`)},
		{"poisson fanout without lambda", pOrder + ".fanout", "poisson fanout needs lambda", remove(jOrder + ".fanout.lambda")},
		{"uniform fanout min above max", pOrder + ".fanout.min", "min 5 is greater than max 2", setTo(jOrder+".fanout", `{"distribution": "uniform", "min": 5, "max": 2}`)},
		{"uniform fanout without max", pOrder + ".fanout", "uniform fanout needs min and max", setTo(jOrder+".fanout", `{"distribution": "uniform", "min": 5}`)},
		{"fanout clamp reversed", pOrder + ".fanout.clamp", "clamp lower bound 5 is greater than upper bound 1", setTo(jOrder+".fanout.clamp", `[5, 1]`)},
		{"fanout clamp negative", pOrder + ".fanout.clamp[0]", "clamp bounds must be between 0 and 1e9, got -5", setTo(jOrder+".fanout.clamp", `[-5, -1]`)},
		{"fanout clamp too large", pOrder + ".fanout.clamp[1]", "clamp bounds must be between 0 and 1e9, got 10000000000", setTo(jOrder+".fanout.clamp", `[1, 1e10]`)},
		{"fanout lambda too large", pOrder + ".fanout.lambda", "lambda must be between 0 and 1e9, got 1e+19", setTo(jOrder+".fanout.lambda", `1e19`)},
		{"fanout max too large", pOrder + ".fanout.max", "max must be between 0 and 1e9, got 2000000000", setTo(jOrder+".fanout", `{"distribution": "uniform", "min": 1, "max": 2e9}`)},
		{"time_column not a column", pOrder + ".time_column", `time_column "placed_at" is not a column of node "order"`, setTo(jOrder+".time_column", `"placed_at"`)},
		{"time_column not a time", pOrder + ".time_column", `time_column "order_id" of node "order" has type int, not datetime or date`, setTo(jOrder+".time_column", `"order_id"`)},
		{"time_column a number", pOrder + ".time_column", "expected a string, got number 2", setTo(jOrder+".time_column", `2`)},
		{"arrivals and rows", pUser + ".arrivals", "arrivals and rows are both given", setTo(jUser+".arrivals", `{"per": "day", "mean": 3}`)},
		{"arrivals on a fact with parents", pOrder + ".arrivals", "arrivals is only for entities and facts without parents", setTo(jOrder+".arrivals", `{"per": "day", "mean": 3}`)},
		{"arrivals unknown unit", pUser + ".arrivals.per", `unknown unit "month"`, edits(remove(jUser+".rows"), setTo(jUser+".arrivals", `{"per": "month", "mean": 3}`))},
		{"arrivals negative mean", pUser + ".arrivals.mean", "mean must be between 0 and 1e9, got -1", edits(remove(jUser+".rows"), setTo(jUser+".arrivals", `{"per": "day", "mean": -1}`))},
		{"fanout per with max", pOrder + ".fanout.max", "max cannot be given with fanout.per", setTo(jOrder+".fanout", `{"per": "day", "lambda": 1, "max": 3}`)},
		{"fanout per not poisson", pOrder + ".fanout.distribution", "fanout.per draws a poisson count, not uniform", setTo(jOrder+".fanout", `{"per": "day", "distribution": "uniform", "min": 1, "max": 2}`)},
		{"fanout without distribution or per", pOrder + ".fanout", `missing required key "distribution"`, setTo(jOrder+".fanout", `{"lambda": 1}`)},
		{"unknown fanout distribution", pOrder + ".fanout.distribution", `unknown fanout distribution "normal"`, setTo(jOrder+".fanout.distribution", `"normal"`)},
		{"node ids differing in case", "nodes[2](User).id", `node id "User" differs from "user" only in case`, setTo("nodes.2.id", `"User"`)},
		{"node id Storage cannot take", "nodes[0](us er).id", `node id "us er" may contain only letters, digits, '-' and '_'`, setTo("nodes.0.id", `"us er"`)},
		{"column names differing in case", pUser + ".columns[1](User_ID)", `column name "User_ID" differs from columns[0] "user_id" only in case`, setTo(jUser+".columns.1.name", `"User_ID"`)},
		{"column name Storage cannot take", pUser + ".columns[2](country/code).name", `column name "country/code" may contain only letters`, setTo(jCountry+".name", `"country/code"`)},
		{"column name with a leading underscore", pUser + ".columns[2](_country).name", `column name "_country" must not start or end with '-' or '_'`, setTo(jCountry+".name", `"_country"`)},
		{"duplicate column name", pUser + ".columns[1](user_id)", `duplicate column name "user_id"`, setTo(jUser+".columns.1.name", `"user_id"`)},
		{"unknown column type", pUser + ".columns[0](user_id).type", `unknown column type "integer"`, setTo(jUser+".columns.0.type", `"integer"`)},
		{"no generator", pUser + ".columns[0](user_id).generator", "a generator needs one of", setTo(jUser+".columns.0.generator", `{}`)},
		{"two generators", pUser + ".columns[0](user_id).generator", "can only have one generator, found: choice, sequence",
			setTo(jUser+".columns.0.generator", `{"sequence": {}, "choice": {"choices": [1]}}`)},
		{"sequence step 0", pUser + ".columns[0](user_id).generator.sequence.step", "step cannot be 0", setTo(jUser+".columns.0.generator.sequence.step", `0`)},
		{"sequence fractional start", pUser + ".columns[0](user_id).generator.sequence.start", "expected an integer, got 1.5", setTo(jUser+".columns.0.generator.sequence.start", `1.5`)},
		{"weights length", pCountry + ".generator.choice.weights", "2 weights for 3 choices", setTo(jCountry+".generator.choice.weights", `[0.5, 0.5]`)},
		{"negative weight", pCountry + ".generator.choice.weights[1]", "weight -0.3 is negative", setTo(jCountry+".generator.choice.weights", `[0.5, -0.3, 0.8]`)},
		{"weights sum to zero", pCountry + ".generator.choice.weights", "weights sum to zero", setTo(jCountry+".generator.choice.weights", `[0, 0, 0]`)},
		{"weights_kind not a string", "nodes[2](promo).columns[1](category).generator.choice.weights_kind", "expected a string, got number 5",
			setTo("nodes.2.columns.1.generator.choice.weights_kind", `5`)},
		{"zipf exponent", "nodes[2](promo).columns[1](category).generator.choice.weights_kind", "zipf@<a> needs a number a > 0",
			setTo("nodes.2.columns.1.generator.choice.weights_kind", `"zipf@-1"`)},
		{"head_tail share", "nodes[2](promo).columns[1](category).generator.choice.weights_kind", "0 < h < 1",
			setTo("nodes.2.columns.1.generator.choice.weights_kind", `"head_tail@{1.5,2}"`)},
		{"choices and choices_ref", pCountry + ".generator.choice", "cannot have both choices and choices_ref", setTo(jCountry+".generator.choice.choices_ref", `"status.code"`)},
		{"choices_ref unknown column", pOrder + ".columns[5](status).generator.choice.choices_ref", `"value" is not a column of "status"`,
			setTo(jOrder+".columns.5.generator.choice.choices_ref", `"status.value"`)},
		{"choices_ref with weights", pOrder + ".columns[5](status).generator.choice.weights", "weights cannot be used with choices_ref",
			setTo(jOrder+".columns.5.generator.choice.weights", `[1, 2, 3]`)},
		{"empty choices", pOrder + ".columns[3](category).generator.choice.choices", "choices cannot be empty", setTo(jOrder+".columns.3.generator.choice.choices", `[]`)},
		{"non-scalar choice", pOrder + ".columns[3](category).generator.choice.choices[1]", "expected a string, number, boolean or null, got an array",
			setTo(jOrder+".columns.3.generator.choice.choices", `["A", ["B"]]`)},
		{"choice not an int", pAge + ".generator.choice.choices[1]", `"x" is not an integer`, setTo(jAge+".generator", `{"choice": {"choices": [1, "x"]}}`)},
		{"choice not a timestamp", pOrdAt + ".generator.choice.choices[0]", "invalid ISO 8601 timestamp", setTo(jOrdAt+".generator", `{"choice": {"choices": ["yesterday"]}}`)},
		{"normal std zero", pAge + ".generator.distribution.params.std", "std must be greater than 0, got 0", setTo(jAge+".generator.distribution.params.std", `0`)},
		{"empirical without quantiles", pAmount + ".generator.distribution", `missing required key "quantiles"`, setTo(jAmount+".generator.distribution", `{"type": "empirical", "params": {}}`)},
		{"empirical quantiles decreasing", pAmount + ".generator.distribution.quantiles[2]", "quantile 1 is below the previous one, 5", setTo(jAmount+".generator.distribution", `{"type": "empirical", "params": {}, "quantiles": [0, 5, 1]}`)},
		{"quantiles on normal", pAmount + ".generator.distribution.quantiles", "quantiles are only read by an empirical distribution", setTo(jAmount+".generator.distribution", `{"type": "normal", "params": {}, "quantiles": [0, 1]}`)},
		{"lognormal std", pAmount + ".generator.distribution.params.std", `unknown lognormal parameter "std"`, setTo(jAmount+".generator.distribution.params.std", `1`)},
		{"uniform low above high", "nodes[2](promo).columns[4](mult).generator.distribution.params.low", "low 5 is greater than high 1.2",
			setTo("nodes.2.columns.4.generator.distribution.params.low", `5`)},
		{"unknown distribution type", pAge + ".generator.distribution.type", `unknown distribution type "gaussian"`, setTo(jAge+".generator.distribution.type", `"gaussian"`)},
		{"distribution clamp reversed", pAge + ".generator.distribution.clamp", "clamp lower bound 90 is greater than upper bound 18", setTo(jAge+".generator.distribution.clamp", `[90, 18]`)},
		{"poisson params", pAge + ".generator.distribution.params.lambda", "lambda must be between 0 and 1e9, got -2",
			setTo(jAge+".generator.distribution", `{"type": "poisson", "params": {"lambda": -2}, "clamp": [0, 9]}`)},
		{"within string", pOrdAt + ".generator.datetime_series.within", `within must be "timeframe"`, setTo(jOrdAt+".generator.datetime_series.within", `"year"`)},
		{"within reversed", pOrdAt + ".generator.datetime_series.within.start", "is after end",
			setTo(jOrdAt+".generator.datetime_series.within", `{"start": "2024-02-01T00:00:00Z", "end": "2024-01-01"}`)},
		{"within bad end", pOrdAt + ".generator.datetime_series.within.end", "day 30 is out of range for 2024-02",
			setTo(jOrdAt+".generator.datetime_series.within", `{"start": "2024-02-01", "end": "2024-02-30"}`)},
		{"bad freq", pOrdAt + ".generator.datetime_series.freq", `unknown alias "X"`, setTo(jOrdAt+".generator.datetime_series.freq", `"5X"`)},
		{"bad weekly anchor", pOrdAt + ".generator.datetime_series.freq", `unknown weekday "MONDAY"`, setTo(jOrdAt+".generator.datetime_series.freq", `"W-MONDAY"`)},
		{"pattern length", pOrdAt + ".generator.datetime_series.pattern.weights", "6 weights for 7 days of the week",
			setTo(jOrdAt+".generator.datetime_series.pattern.weights", `[1, 1, 1, 1, 1, 1]`)},
		{"pattern dimension", pOrdAt + ".generator.datetime_series.pattern.dimension", `unknown dimension "weekday"`,
			setTo(jOrdAt+".generator.datetime_series.pattern.dimension", `"weekday"`)},
		{"empty faker method", pUser + ".columns[1](name).generator.faker.method", "must not be empty", setTo(jUser+".columns.1.generator.faker.method", `""`)},
		{"faker locale_from", pUser + ".columns[1](name).generator.faker.locale_from", `locale_from "cntry" is not a column of node "user"`,
			setTo(jUser+".columns.1.generator.faker.locale_from", `"cntry"`)},
		{"faker args not an object", pUser + ".columns[1](name).generator.faker.args", "expected an object, got an array",
			setTo(jUser+".columns.1.generator.faker.args", `[1]`)},
		{"lookup without dot", pOrder + ".columns[1](user_id).generator.lookup.from", `expected "table.column", got "user"`,
			setTo(jOrder+".columns.1.generator.lookup.from", `"user"`)},
		{"lookup unknown table", pOrder + ".columns[1](user_id).generator.lookup.from", `unknown table "usr"`,
			setTo(jOrder+".columns.1.generator.lookup.from", `"usr.user_id"`)},
		{"lookup unknown column", pOrder + ".columns[1](user_id).generator.lookup.from", `"uid" is not a column of "user"`,
			setTo(jOrder+".columns.1.generator.lookup.from", `"user.uid"`)},
		{"lookup on unknown local", pOrder + ".columns[7](country_copy).generator.lookup.on.foo", `"foo" is not a column of "order"`,
			setTo(jOrder+".columns.7.generator.lookup.on", `{"foo": "bar"}`)},
		{"lookup on unknown remote", pOrder + ".columns[7](country_copy).generator.lookup.on.user_id", `"uid" is not a column of "user"`,
			setTo(jOrder+".columns.7.generator.lookup.on", `{"user_id": "uid"}`)},
		{"lookup on not an object", pOrder + ".columns[7](country_copy).generator.lookup.on", "expected an object, got string",
			setTo(jOrder+".columns.7.generator.lookup.on", `"user_id"`)},
		{"blank expression", pOrder + ".columns[6](total).generator.expression.code", "must not be empty", setTo(jOrder+".columns.6.generator.expression.code", `"  "`)},
		{"expression code not a string", pOrder + ".columns[6](total).generator.expression.code", "expected a string, got number 3",
			setTo(jOrder+".columns.6.generator.expression.code", `3`)},
		{"aggregate fn", pAge + ".generator.aggregate.fn", `unknown aggregate function "avg"`,
			setTo(jAge+".generator", `{"aggregate": {"from": "order.amount", "fn": "avg"}}`)},
		{"aggregate without fn", pAge + ".generator.aggregate", `missing required key "fn"`,
			setTo(jAge+".generator", `{"aggregate": {"from": "order.amount"}}`)},
		{"aggregate of a non-child", pAge + ".generator.aggregate.from", `"promo" is not a child of "user"`,
			setTo(jAge+".generator", `{"aggregate": {"from": "promo.mult", "fn": "sum"}}`)},
		{"aggregate of a string", pAge + ".generator.aggregate.from", `sum needs a numeric column; "category" is string`,
			setTo(jAge+".generator", `{"aggregate": {"from": "order.category", "fn": "sum"}}`)},
		{"aggregate mean not nullable", pAge, `a parent without children has no mean: the column must be nullable`,
			setTo(jAge+".generator", `{"aggregate": {"from": "order.amount", "fn": "mean"}}`)},
		{"aggregate where", pAge + ".generator.aggregate.where", `unknown column "amout"`,
			setTo(jAge+".generator", `{"aggregate": {"from": "order.amount", "fn": "count", "where": "amout > 3"}}`)},
		{"aggregate read by its child", pAge + ".generator.aggregate.from", `"order" reads user.age, the value aggregated from its rows: a cycle`,
			edits(setTo(jAge+".generator", `{"aggregate": {"from": "order.amount", "fn": "count"}}`),
				setTo(jOrder+".columns.7.generator.lookup.from", `"user.age"`))},
		{"decimals on a string", pCountry + ".decimals", "decimals applies to int and float columns, not string", setTo(jCountry+".decimals", `2`)},
		{"decimals negative", pAge + ".decimals", "decimals must be between 0 and 15, got -1", setTo(jAge+".decimals", `-1`)},
		{"decimal without precision", pAge, "a decimal column needs precision",
			edits(setTo(jAge+".type", `"decimal"`), setTo(jAge+".scale", `2`))},
		{"decimal scale above precision", pAge + ".scale", "scale 4 is greater than precision 3",
			edits(setTo(jAge+".type", `"decimal"`), setTo(jAge+".precision", `3`), setTo(jAge+".scale", `4`))},
		{"decimal precision too large", pAge + ".precision", "precision must be between 1 and 18, got 30",
			edits(setTo(jAge+".type", `"decimal"`), setTo(jAge+".precision", `30`), setTo(jAge+".scale", `2`))},
		{"decimal with decimals", pAge + ".decimals", "a decimal column takes precision and scale, not decimals",
			edits(setTo(jAge+".type", `"decimal"`), setTo(jAge+".precision", `8`), setTo(jAge+".scale", `2`), setTo(jAge+".decimals", `2`))},
		{"precision on a float", pAge + ".precision", "precision belongs to a decimal column", setTo(jAge+".precision", `8`)},
		{"sequential with a pattern", pOrdAt + ".generator.datetime_series.pattern", "a sequential series takes every instant in order",
			setTo(jOrdAt+".generator.datetime_series.sequential", `true`)},
		{"sequential not a bool", pOrdAt + ".generator.datetime_series.sequential", "expected true or false",
			setTo(jOrdAt+".generator.datetime_series.sequential", `"yes"`)},
		{"sequential longer than its grid", "nodes[2](promo).columns[2](start_at).generator.datetime_series.sequential", `"promo" has 10 rows but the grid has 3 instants`,
			setTo("nodes.2.columns.2.generator.datetime_series", `{"within": {"start": "2024-01-01", "end": "2024-03-31"}, "freq": "MS", "sequential": true}`)},
		{"lifetime of another table", pOrdAt + ".generator.datetime_series.within.start_col", `"promo" is not it (primary parent: "user")`,
			setTo(jOrdAt+".generator.datetime_series.within", `{"start_col": "promo.start_at"}`)},
		{"lifetime not a time", pOrdAt + ".generator.datetime_series.within.end_col", `"name" is a string column, not datetime or date`,
			setTo(jOrdAt+".generator.datetime_series.within", `{"start_col": "user.signup_at", "end_col": "user.name"}`)},
		{"lifetime two tables", pOrdAt + ".generator.datetime_series.within.end_col", `start_col is a column of "user", end_col of "promo"`,
			setTo(jOrdAt+".generator.datetime_series.within", `{"start_col": "user.signup_at", "end_col": "promo.end_at"}`)},
		{"sequential with seasonality", pOrdAt + ".modifiers[0]", "a seasonality modifier cannot weight a sequential datetime_series",
			edits(remove(jOrdAt+".generator.datetime_series.pattern"), setTo(jOrdAt+".generator.datetime_series.sequential", `true`))},
		{"empty enum_list", pStatus + ".columns[0](code).generator.enum_list.values", "values cannot be empty", setTo("nodes.1.columns.0.generator.enum_list.values", `[]`)},
		{"vocab enum_list lengths", pStatus + ".columns[1](label).generator.enum_list.values", `2 values, but the first enum_list column "code" of this vocab has 3`,
			setTo("nodes.1.columns", `[{"name": "code", "type": "string", "generator": {"enum_list": {"values": ["a", "b", "c"]}}},
				{"name": "label", "type": "string", "generator": {"enum_list": {"values": ["A", "B"]}}}]`)},
		{"vocab without enum_list", pStatus + ".columns", "a vocab node needs an enum_list column",
			setTo("nodes.1.columns.0.generator", `{"choice": {"choices": ["a"]}}`)},
		{"unknown transform", pAmount + ".modifiers[0].transform", `unknown transform "anomaly"`, setTo(jAmount+".modifiers.0.transform", `"anomaly"`)},
		{"modifier without args", pAmount + ".modifiers[0]", `missing required key "args"`, remove(jAmount + ".modifiers.0.args")},
		{"jitter mode", pAmount + ".modifiers[0].args.mode", `unknown mode "multiply"`, setTo(jAmount+".modifiers.0.args.mode", `"multiply"`)},
		{"jitter without std", pAmount + ".modifiers[0].args", `missing required key "std"`, remove(jAmount + ".modifiers.0.args.std")},
		{"outliers rate", pAmount + ".modifiers[1].args.rate", "rate must be between 0 and 1, got 1.5", setTo(jAmount+".modifiers.1.args.rate", `1.5`)},
		{"outliers mode", pAmount + ".modifiers[1].args.mode", `unknown outliers mode "burst"`, setTo(jAmount+".modifiers.1.args.mode", `"burst"`)},
		{"outliers magnitude params", pAmount + ".modifiers[1].args.magnitude_dist.params.sigma", "sigma must be greater than 0",
			setTo(jAmount+".modifiers.1.args.magnitude_dist", `{"type": "lognormal", "params": {"sigma": -1}}`)},
		{"seasonality weights length", pOrdAt + ".modifiers[0].args.weights", "11 weights for 12 months",
			setTo(jOrdAt+".modifiers.0.args.weights", `[1,1,1,1,1,1,1,1,1,1,1]`)},
		{"seasonality without dimension", pOrdAt + ".modifiers[0].args", `missing required key "dimension"`, remove(jOrdAt + ".modifiers.0.args.dimension")},
		{"unknown effect table", pEffect + ".effect_table", `unknown table "promos"`, setTo(jEffect+".effect_table", `"promos"`)},
		{"effect window column", pEffect + ".window.start_col", `"begin" is not a column of "promo"`, setTo(jEffect+".window.start_col", `"begin"`)},
		{"effect window column type", pEffect + ".window.end_col", `window column "category" is a string column`, setTo(jEffect+".window.end_col", `"category"`)},
		{"effect field missing", pEffect + ".map.field", `"mul" is not a column of "promo"`, setTo(jEffect+".map.field", `"mul"`)},
		{"effect field type", pEffect + ".map.field", `field "category" is a string column`, setTo(jEffect+".map.field", `"category"`)},
		{"effect op", pEffect + ".map.op", `unknown op "times"`, setTo(jEffect+".map.op", `"times"`)},
		{"effect on local", pEffect + ".on.categ", `"categ" is not a column of node "order"`, setTo(jEffect+".on", `{"categ": "category"}`)},
		{"effect on remote", pEffect + ".on.category", `"cat" is not a column of "promo"`, setTo(jEffect+".on", `{"category": "cat"}`)},
		{"effect ts type", pEffect + ".ts", `ts "category" is a string column`, setTo(jEffect+".ts", `"category"`)},
		{"effect ts unknown", pEffect + ".ts", `ts "when" is not a column of node "order"`, setTo(jEffect+".ts", `"when"`)},
		{"effect overlap", pEffect + ".overlap", `unknown overlap "min"`, setTo(jEffect+".overlap", `"min"`)},
		{"node effect unknown table", pOrder + ".modifiers[0].args.effect_table", `unknown table "promos"`, setTo(jOrder+".modifiers.0.args.effect_table", `"promos"`)},
		{"node-level multiply", pOrder + ".modifiers[0].transform", `only effect modifiers are allowed at node level, got "multiply"`,
			setTo(jOrder+".modifiers", `[{"transform": "multiply", "args": {"factor": 2}}]`)},
		{"trend reference type", pTrend + ".time_reference", `time_reference "category" is a string column`, setTo(jTrend+".time_reference", `"category"`)},
		{"trend reference unknown", pTrend + ".time_reference", `time_reference "order_time" is not a column of node "order"`, setTo(jTrend+".time_reference", `"order_time"`)},
		{"trend type", pTrend + ".type", `unknown trend type "quadratic"`, setTo(jTrend+".type", `"quadratic"`)},
		{"trend without growth rate", pTrend, `missing required key "growth_rate"`, remove(jTrend + ".growth_rate")},
		{"time_jitter on float", pAmount + ".modifiers[0].transform", "time_jitter applies to datetime and date columns, not float",
			setTo(jAmount+".modifiers.0", `{"transform": "time_jitter", "args": {"std_minutes": 5}}`)},
		{"multiply on datetime", pOrdAt + ".modifiers[0].transform", "multiply does not apply to a datetime column",
			setTo(jOrdAt+".modifiers.0", `{"transform": "multiply", "args": {"factor": 2}}`)},
		{"add unit", pOrdAt + ".modifiers[0].args.unit", `unknown unit "weeks"`,
			setTo(jOrdAt+".modifiers.0", `{"transform": "add", "args": {"value": 2, "unit": "weeks"}}`)},
		{"map_values mapping", pOrder + ".columns[5](status).modifiers[0].args.mapping", `expected an object, got string "a"`,
			setTo(jOrder+".columns.5.modifiers.0.args.mapping", `"a"`)},
		{"clamp both null", pAmount + ".modifiers[4].args", "clamp needs at least one of min and max", setTo(jAmount+".modifiers.4.args.min", `null`)},
		{"clamp missing max", pAmount + ".modifiers[4].args", `missing required key "max"`, remove(jAmount + ".modifiers.4.args.max")},
		{"null_rate without nullable", pAmount + ".null_rate", "null_rate needs nullable: true", remove(jAmount + ".nullable")},
		{"null_rate range", pAmount + ".null_rate", "null_rate must be between 0 and 1, got 1.5", setTo(jAmount+".null_rate", `1.5`)},
		{"nullable not a bool", pAmount + ".nullable", `expected true or false, got string "maybe"`, setTo(jAmount+".nullable", `"maybe"`)},
		{"column regex", pAmount + ".constraints.pattern", "invalid regex", setTo(jAmount+".constraints", `{"pattern": "[a-"}`)},
		{"column enum_ref", pAmount + ".constraints.enum_ref", `unknown table "codes"`, setTo(jAmount+".constraints", `{"enum_ref": "codes.code"}`)},
		{"unique unknown column", "constraints.unique[0]", `"uid" is not a column of "user"`, setTo("constraints.unique", `["user.uid"]`)},
		{"foreign key format", "constraints.foreign_keys[0].to", `expected "table.column", got "user"`, setTo("constraints.foreign_keys.0.to", `"user"`)},
		{"range unknown table", "constraints.ranges[0].attr", `unknown table "users"`, setTo("constraints.ranges.0.attr", `"users.age"`)},
		{"range reversed", "constraints.ranges[0].min", "min 90 is greater than max 18", setTo("constraints.ranges.0", `{"attr": "user.age", "min": 90, "max": 18}`)},
		{"inequality operator", "constraints.inequalities[0].op", `unknown operator "!="`, setTo("constraints.inequalities.0.op", `"!="`)},
		{"inequality side", "constraints.inequalities[0].right", `"finish" is not a column of "promo"`, setTo("constraints.inequalities.0.right", `"promo.finish"`)},
		{"python regex", "constraints.pattern[0].regex", "Python-only syntax that Go's RE2 engine does not support: lookahead",
			setTo("constraints.pattern.0.regex", `"^(?=[A-Z])[A-Z]{2}$"`)},
		{"python backreference", "constraints.pattern[0].regex", `backreferences \1..\9`, setTo("constraints.pattern.0.regex", `"^(a)\\1$"`)},
		{"enum without values", "constraints.enum[0]", "an enum needs values or enum_ref", setTo("constraints.enum.0", `{"attr": "order.status"}`)},
		{"enum_ref unknown", "constraints.enum[0].enum_ref", `"label" is not a column of "status"`, setTo("constraints.enum.0.enum_ref", `"status.label"`)},
		{"weekend share timestamp type", "targets.weekend_share.timestamp", `"category" is a string column`, setTo("targets.weekend_share.timestamp", `"category"`)},
		{"weekend share range", "targets.weekend_share.max", "max must be between 0 and 1, got 1.5", setTo("targets.weekend_share.max", `1.5`)},
		{"mean_in_range table", "targets.mean_in_range.table", `unknown table "orders"`, setTo("targets.mean_in_range.table", `"orders"`)},
		{"mean_in_range column type", "targets.mean_in_range.column", `"category" is a string column`, setTo("targets.mean_in_range.column", `"category"`)},
		{"composite table", "targets.composite_effect.table", `unknown table "orderz"`, setTo("targets.composite_effect.table", `"orderz"`)},
		{"influence kind", "targets.composite_effect.influences[0].kind", `unknown influence kind "trend"`, setTo("targets.composite_effect.influences.0.kind", `"trend"`)},
		{"influence weights", "targets.composite_effect.influences[0].weights", "3 weights for 7 values of dimension dow",
			setTo("targets.composite_effect.influences.0.weights", `[1, 2, 3]`)},
		{"influence effect table", "targets.composite_effect.influences[1].table", `unknown table "promos"`,
			setTo("targets.composite_effect.influences.1.table", `"promos"`)},
		{"tolerance key", "targets.composite_effect.tolerance.rmse", `unknown key "rmse"`, setTo("targets.composite_effect.tolerance.rmse", `0.1`)},
		{"dag missing node", "dag", `missing nodes: "order"`, setTo("dag", `[["user", "status", "promo"]]`)},
		{"dag duplicate", "dag[1][1]", `node "user" is listed more than once (also dag[0][0])`, setTo("dag", `[["user", "status", "promo"], ["order", "user"]]`)},
		{"dag unknown node", "dag[1][1]", `unknown node "orders"`, setTo("dag", `[["user", "status", "promo"], ["order", "orders"]]`)},
		{"dag parent order", "dag[0][0]", `node "order" comes before its parent "user" (dag[1][0])`, setTo("dag", `[["order", "status", "promo"], ["user"]]`)},
		{"dag level not a list", "dag[0]", "expected an array, got string", setTo("dag", `["user"]`)},
		{"nodes not an array", "nodes", "expected an array, got an object", setTo("nodes", `{}`)},
		{"behaviour block not an object", pUser + ".segment_behavior", "expected an object, got an array", setTo(jUser+".segment_behavior", `[1]`)},
	}
}

func TestBadSchemas(t *testing.T) {
	cases := badSchemaCases()
	if len(cases) < 40 {
		t.Fatalf("only %d cases", len(cases))
	}
	seen := map[string]bool{}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if seen[tc.name] {
				t.Fatalf("duplicate case name")
			}
			seen[tc.name] = true
			d := baseDoc(t)
			tc.edit(t, d)
			s, _, err := Parse(encode(t, d), Options{})
			if err == nil {
				t.Fatalf("no error; want %s: %s", tc.path, tc.msg)
			}
			if s != nil {
				t.Errorf("schema returned along with errors")
			}
			var ps Problems
			if !errors.As(err, &ps) {
				t.Fatalf("error is %T, want Problems: %v", err, err)
			}
			if _, ok := findProblem(ps, tc.path, tc.msg); !ok {
				t.Errorf("no error at %q containing %q; got:\n%v", tc.path, tc.msg, err)
			}
			for _, p := range ps {
				if p.Warning {
					t.Errorf("warning in the error list: %v", p)
				}
			}
		})
	}
}

func TestBaseSchemaIsValid(t *testing.T) {
	for _, lenient := range []bool{false, true} {
		s, warns, err := Parse([]byte(baseSchema), Options{Lenient: lenient})
		if err != nil {
			t.Fatalf("lenient=%v: %v", lenient, err)
		}
		if len(warns) != 0 {
			t.Errorf("lenient=%v: unexpected warnings: %v", lenient, Problems(warns))
		}
		if s == nil || len(s.Nodes) != 4 {
			t.Fatalf("lenient=%v: bad schema %+v", lenient, s)
		}
	}
}

func TestManyProblemsAtOnce(t *testing.T) {
	d := baseDoc(t)
	set(t, d, "version", `"0.9"`)
	set(t, d, jUser+".rows", `-1`)
	set(t, d, jCountry+".generator.choice.weights", `[1]`)
	set(t, d, jAmount+".modifiers.0.args.mode", `"both"`)
	set(t, d, jAmount+".nullible", `true`)
	set(t, d, "constraints.unique", `["nobody.id"]`)
	set(t, d, "dag", `[["user"]]`)
	_, _, err := Parse(encode(t, d), Options{})
	var ps Problems
	if !errors.As(err, &ps) {
		t.Fatalf("want Problems, got %v", err)
	}
	want := []struct{ path, msg string }{
		{"version", "unsupported version"},
		{pUser + ".rows", "rows must be 0 or more"},
		{pCountry + ".generator.choice.weights", "1 weights for 3 choices"},
		{pAmount + ".modifiers[0].args.mode", `unknown mode "both"`},
		{pAmount + ".nullible", `unknown key "nullible"`},
		{"constraints.unique[0]", `unknown table "nobody"`},
		{"dag", "missing nodes"},
	}
	for _, w := range want {
		if _, ok := findProblem(ps, w.path, w.msg); !ok {
			t.Errorf("missing %s: %s", w.path, w.msg)
		}
	}
	if len(ps) != len(want) {
		t.Errorf("got %d problems, want %d:\n%v", len(ps), len(want), err)
	}
	// One line per problem, "path: message (suggestion)".
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != len(ps) {
		t.Fatalf("Error() has %d lines for %d problems", len(lines), len(ps))
	}
	wantLine := pAmount + `.nullible: unknown key "nullible" (did you mean "nullable"?)`
	found := false
	for _, l := range lines {
		found = found || l == wantLine
	}
	if !found {
		t.Errorf("no line %q in:\n%s", wantLine, err)
	}
}
