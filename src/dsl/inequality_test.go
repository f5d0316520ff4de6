package dsl

import (
	"strings"
	"testing"
)

func TestUnlikelyInequalityWarning(t *testing.T) {
	doc := func(a, b, op string) string {
		return `{"version": "1.0", "metadata": {"name": "Ineq"},
  "timeframe": {"start": "2024-01-01T00:00:00Z", "end": "2024-12-31T23:59:59Z", "freq": "h"},
  "nodes": [{"id": "w", "kind": "entity", "rows": 100, "pk": "id", "columns": [
    {"name": "id", "type": "int", "generator": {"sequence": {}}},
    {"name": "a", "type": "float", "generator": {"distribution": ` + a + `}},
    {"name": "b", "type": "float", "generator": {"distribution": ` + b + `}}]}],
  "constraints": {"inequalities": [{"left": "w.a", "op": "` + op + `", "right": "w.b"}]}}`
	}
	n10 := `{"type": "normal", "params": {"mean": 10, "std": 1}}`
	n0 := `{"type": "normal", "params": {"mean": 0, "std": 1}}`
	u := `{"type": "uniform", "params": {"low": 0, "high": 1}}`
	cases := []struct {
		a, b, op, want string // want "" means no warning
	}{
		{n10, n0, "<", "make w.a < w.b unlikely (less than 0.1 % of independent draws)"},
		{n0, n10, ">=", "make w.a >= w.b unlikely"},
		{n0, n10, "<", ""},
		{n0, n0, "<", ""}, // half the draws hold it
		{u, `{"type": "uniform", "params": {"low": 0.9, "high": 1.9}}`, ">", "about 1.4 %"}, // normal approximation; exactly 0.5 %
	}
	for _, c := range cases {
		_, warns, err := Parse([]byte(doc(c.a, c.b, c.op)), Options{})
		if err != nil {
			t.Fatal(err)
		}
		got := Problems(warns).Error()
		if len(warns) == 0 {
			got = ""
		}
		switch {
		case c.want == "" && got != "":
			t.Errorf("%s %s %s: unexpected warning %s", c.a, c.op, c.b, got)
		case c.want != "" && (!strings.Contains(got, c.want) || !strings.Contains(got, "constraints.inequalities[0]")):
			t.Errorf("%s %s %s: warnings %q, want %q", c.a, c.op, c.b, got, c.want)
		}
	}
}
