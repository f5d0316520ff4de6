package validate

import (
	"math"
	"slices"
	"strings"
	"testing"

	"datagen/src/dsl"
)

const behaviourSchema = `{
  "version": "1.0", "metadata": {"name": "behaviour"},
  "timeframe": {"start": "2024-01-01T00:00:00Z", "end": "2025-12-31T23:59:59Z", "freq": "h"},
  "nodes": [{"id": "sale", "kind": "entity", "rows": 40000, "pk": "id", "columns": [
    {"name": "id", "type": "int", "generator": {"sequence": {}}},
    {"name": "at", "type": "datetime", "generator": {"datetime_series": {"within": "timeframe", "freq": "h"}}},
    {"name": "amount", "type": "float",
     "generator": {"distribution": {"type": "lognormal", "params": {"mean": 3, "sigma": 0.3}, "clamp": [1, 10000]}},
     "modifiers": [
       {"transform": "seasonality", "args": {"dimension": "dow", "weights": [1, 1, 1, 1, 1, 2, 2]}},
       {"transform": "trend", "args": {"type": "linear", "growth_rate": 0.5, "time_reference": "at"}},
       {"transform": "outliers", "args": {"rate": 0.01, "mode": "spike"}}]}]}],
  "constraints": {}
}`

func TestBehaviouralChecks(t *testing.T) {
	s := parseSchema(t, behaviourSchema)
	base := generate(t, s, 9)
	names := []string{"sale.amount.seasonality_dow", "sale.amount.trend", "sale.amount.outlier_rate"}
	rep := feed(t, s, base)
	for _, n := range names {
		if r := result(t, rep, n); !r.Passed {
			t.Errorf("good data: %s: %s", n, r.Message)
		}
	}
	cases := []struct {
		name   string
		mutate func(m *memTab)
		fail   string
	}{
		{"flat weekday means", func(m *memTab) {
			at, v := m.col("at"), m.col("amount")
			for i := range v.Floats {
				if _, d, _ := calendar(at.Ints[i]); d >= 5 {
					v.Floats[i] /= 2
				}
			}
		}, "sale.amount.seasonality_dow"},
		{"reversed trend", func(m *memTab) {
			at, v := m.col("at"), m.col("amount")
			start := s.Timeframe.Start.UnixMicro()
			for i := range v.Floats {
				f := 1 + 0.5*float64(at.Ints[i]-start)/(365.25*usPerDay)
				v.Floats[i] /= f * f
			}
		}, "sale.amount.trend"},
		{"too many outliers", func(m *memTab) {
			v := m.col("amount")
			for i := 0; i < len(v.Floats); i += 20 {
				v.Floats[i] *= 50
			}
		}, "sale.amount.outlier_rate"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := cloneAll(base)
			tc.mutate(d["sale"])
			rep := feed(t, s, d)
			if got := failedNames(rep); !slices.Contains(got, tc.fail) {
				t.Errorf("failures %v lack %s", got, tc.fail)
			}
		})
	}
}

// A state_transition_model sets a fact's rows per parent: its fanout
// check looks at bounds only, whether or not the parent has segment or
// vintage behaviour (it failed with "declared [1, 1]").
func TestFanoutOfStateModel(t *testing.T) {
	s := parseSchema(t, `{
  "version": "1.0", "metadata": {"name": "states"},
  "timeframe": {"start": "2024-01-01", "end": "2024-12-31", "freq": "D"},
  "nodes": [
    {"id": "account", "kind": "entity", "rows": 300, "pk": "account_id", "columns": [
      {"name": "account_id", "type": "int", "generator": {"sequence": {}}},
      {"name": "opened", "type": "date", "generator": {"datetime_series": {"within": "timeframe", "freq": "D"}}}]},
    {"id": "account_month", "kind": "fact", "parents": ["account"], "pk": "row_id",
     "state_transition_model": {"initial_state": "active", "period_unit": "month", "emit": "period",
       "states": {"active": {"next_states": {"closed": 0.2}}, "closed": {"terminal": true}}},
     "columns": [
       {"name": "row_id", "type": "int", "generator": {"sequence": {}}},
       {"name": "account_id", "type": "int", "generator": {"lookup": {"from": "account.account_id"}}},
       {"name": "state", "type": "string", "generator": {"choice": {"choices": ["active", "closed"]}}}]}],
  "constraints": {}
}`)
	rep := feed(t, s, generate(t, s, 3))
	r := result(t, rep, "account_month.fanout")
	if !r.Passed {
		t.Errorf("fanout of a state model: %s", r.Message)
	}
	if note, _ := r.Details["note"].(string); !strings.Contains(note, "state_transition_model") {
		t.Errorf("note %q does not say why only bounds are checked", note)
	}
}

// The rows of a per-unit fact are numbered unit by unit, not grouped by
// parent: no fanout check counts runs of parent keys (it failed with
// "not grouped by parent").
func TestNoFanoutCheckOfPerUnitFact(t *testing.T) {
	s := parseSchema(t, `{
  "version": "1.0", "metadata": {"name": "per-unit"},
  "timeframe": {"start": "2024-01-01", "end": "2024-03-01", "freq": "h"},
  "nodes": [
    {"id": "customer", "kind": "entity", "pk": "id", "arrivals": {"per": "day", "mean": 20}, "columns": [
      {"name": "id", "type": "int", "generator": {"sequence": {}}},
      {"name": "at", "type": "datetime", "generator": {"datetime_series": {"within": "timeframe", "freq": "s"}}}]},
    {"id": "visit", "kind": "fact", "parents": ["customer"], "pk": "id", "fanout": {"per": "day", "lambda": 0.5},
     "columns": [
       {"name": "id", "type": "int", "generator": {"sequence": {}}},
       {"name": "customer_id", "type": "int", "generator": {"lookup": {"from": "customer.id"}}},
       {"name": "at", "type": "datetime", "generator": {"datetime_series": {"within": "timeframe", "freq": "s"}}}]}],
  "constraints": {}
}`)
	rep := feed(t, s, generate(t, s, 3))
	if names := failedNames(rep); len(names) > 0 {
		t.Errorf("failed checks: %v", names)
	}
	for _, r := range rep.Results {
		if strings.HasSuffix(r.Name, ".fanout") {
			t.Errorf("a fanout check of a per-unit fact: %s: %s", r.Name, r.Message)
		}
	}
}

func TestFanoutMomentsEmpirical(t *testing.T) {
	lo := int64(2)
	mean, sd, a, b := fanoutMoments(&dsl.Fanout{Distribution: "empirical", Min: &lo, Weights: []float64{1, 0, 3}})
	// Counts 2 (weight 1) and 4 (weight 3): mean 3.5, variance 0.75.
	if math.Abs(mean-3.5) > 1e-12 || math.Abs(sd-math.Sqrt(0.75)) > 1e-12 || a != 2 || b != 4 {
		t.Errorf("mean %v sd %v range [%d, %d]", mean, sd, a, b)
	}
}

// A month seasonality check leaves out the rows inside the windows of the
// column's effects: a promotion that triples sales in March does not make
// the flat monthly weights look wrong (it did, a false alarm).
func TestSeasonalityLeavesOutEffectWindows(t *testing.T) {
	s := parseSchema(t, `{
  "version": "1.0", "metadata": {"name": "promo"},
  "timeframe": {"start": "2024-01-01T00:00:00Z", "end": "2024-12-31T23:59:59Z", "freq": "h"},
  "nodes": [
    {"id": "promotion", "kind": "entity", "rows": 1, "pk": "id", "columns": [
      {"name": "id", "type": "int", "generator": {"sequence": {}}},
      {"name": "starts_at", "type": "date", "generator": {"expression": {"code": "date('2024-03-01')"}}},
      {"name": "ends_at", "type": "date", "generator": {"expression": {"code": "date('2024-03-31')"}}},
      {"name": "factor", "type": "float", "generator": {"choice": {"choices": [3.0]}}}]},
    {"id": "sale", "kind": "entity", "rows": 30000, "pk": "id", "columns": [
      {"name": "id", "type": "int", "generator": {"sequence": {}}},
      {"name": "at", "type": "datetime", "generator": {"datetime_series": {"within": "timeframe", "freq": "h"}}},
      {"name": "amount", "type": "float",
       "generator": {"distribution": {"type": "normal", "params": {"mean": 100, "std": 5}}},
       "modifiers": [
         {"transform": "effect", "args": {"effect_table": "promotion", "on": {}, "window": {"start_col": "starts_at", "end_col": "ends_at"},
           "map": {"field": "factor", "op": "mul", "default": 1.0}, "ts": "at"}},
         {"transform": "seasonality", "args": {"dimension": "month", "weights": [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2]}}]}]}],
  "constraints": {}
}`)
	rep := feed(t, s, generate(t, s, 4))
	r := result(t, rep, "sale.amount.seasonality_month")
	if !r.Passed {
		t.Errorf("false alarm: %s", r.Message)
	}
	// March's rows (about 1/12 of 30000) are left out.
	if n, _ := r.Details["rows_in_effect_windows"].(int64); n < 2000 || n > 3000 {
		t.Errorf("rows in effect windows: %v", r.Details["rows_in_effect_windows"])
	}
}
