package validate

import (
	"slices"
	"testing"
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
