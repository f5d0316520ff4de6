package engine_test

import (
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"datagen/src/engine"
)

// A fact's per-parent counts follow the declared fanout (a Poisson
// truncated to [min, max] by redrawing), and its timestamps follow the
// declared weekday × hour profile.
const statsSchema = `{
  "version": "1.0", "metadata": {"name": "Stats"},
  "timeframe": {"start": "2024-01-01T00:00:00Z", "end": "2024-12-29T23:59:59Z", "freq": "h"},
  "nodes": [
    {"id": "p", "kind": "entity", "rows": 20000, "pk": "id", "columns": [
      {"name": "id", "type": "int", "generator": {"sequence": {"start": 1, "step": 1}}}]},
    {"id": "c", "kind": "fact", "parents": ["p"], "pk": "id",
     "fanout": {"distribution": "poisson", "lambda": 4, "min": 1, "max": 9},
     "columns": [
      {"name": "id", "type": "int", "generator": {"sequence": {"start": 1, "step": 1}}},
      {"name": "pid", "type": "int", "generator": {"lookup": {"from": "p.id"}}},
      {"name": "at", "type": "datetime",
       "generator": {"datetime_series": {"within": "timeframe", "freq": "h", "pattern": {"dimension": "dow", "weights": [1, 1, 1, 1, 2, 3, 1]}}},
       "modifiers": [{"transform": "seasonality", "args": {"dimension": "hour", "weights": [1,1,1,1,1,1,1,1,4,4,4,4,4,4,4,4,4,4,1,1,1,1,1,1]}}]}
    ]}
  ],
  "constraints": {}
}`

func TestFanoutAndTimeProfile(t *testing.T) {
	p := parsePlan(t, []byte(statsSchema), false)
	out := generateCSV(t, p, engine.Options{Seed: 99})
	h, rows := records(t, out["c"])
	counts := map[string]int{}
	dow := make([]float64, 7)
	hour := make([]float64, 24)
	for _, r := range rows {
		counts[r[col(h, "pid")]]++
		ts, err := time.Parse(time.RFC3339, r[col(h, "at")])
		if err != nil {
			t.Fatal(err)
		}
		dow[(int(ts.Weekday())+6)%7]++
		hour[ts.Hour()]++
	}
	// Truncated Poisson(4) on [1, 9].
	pk := make([]float64, 10)
	z := 0.0
	for k := 1; k <= 9; k++ {
		lg, _ := math.Lgamma(float64(k + 1))
		pk[k] = math.Exp(float64(k)*math.Log(4) - 4 - lg)
		z += pk[k]
	}
	if len(counts) != 20000 {
		t.Fatalf("%d parents have children, want all 20000 (min 1)", len(counts))
	}
	hist := make([]float64, 10)
	for _, c := range counts {
		if c < 1 || c > 9 {
			t.Fatalf("count %d outside [1, 9]", c)
		}
		hist[c]++
	}
	for k := 1; k <= 9; k++ {
		want := pk[k] / z
		got := hist[k] / 20000
		if math.Abs(got-want) > 5*math.Sqrt(want*(1-want)/20000)+1e-4 {
			t.Errorf("P(count=%d) = %.4f, want %.4f", k, got, want)
		}
	}
	n := float64(len(rows))
	// 2024-01-01 is a Monday and the range holds exactly 52 weeks, so
	// every weekday and hour has the same exposure.
	dw := []float64{1, 1, 1, 1, 2, 3, 1}
	for d, w := range dw {
		want := w / 10
		if got := dow[d] / n; math.Abs(got-want) > 5*math.Sqrt(want*(1-want)/n) {
			t.Errorf("weekday %d share %.4f, want %.4f", d, got, want)
		}
	}
	for hr := 0; hr < 24; hr++ {
		w := 1.0
		if hr >= 8 && hr < 18 {
			w = 4
		}
		want := w / 54
		if got := hour[hr] / n; math.Abs(got-want) > 5*math.Sqrt(want*(1-want)/n) {
			t.Errorf("hour %d share %.4f, want %.4f", hr, got, want)
		}
	}
}

// TestDeclaredInequalitiesHold checks that a declared inequality between
// two independently drawn columns holds in every row, that the column
// computed first keeps exactly its unconstrained values, and that the
// result does not depend on blocks or workers.
func TestDeclaredInequalitiesHold(t *testing.T) {
	schema := `{
  "version": "1.0", "metadata": {"name": "Ineq"},
  "timeframe": {"start": "2024-01-01T00:00:00Z", "end": "2024-12-31T23:59:59Z", "freq": "h"},
  "nodes": [{"id": "w", "kind": "entity", "rows": 5000, "pk": "id", "columns": [
    {"name": "id", "type": "int", "generator": {"sequence": {}}},
    {"name": "starts", "type": "datetime", "generator": {"datetime_series": {"within": "timeframe", "freq": "h"}},
     "modifiers": [{"transform": "seasonality", "args": {"dimension": "dow", "weights": [1, 1, 1, 1, 1, 3, 3]}}]},
    {"name": "ends", "type": "datetime", "generator": {"datetime_series": {"within": "timeframe", "freq": "h"}}},
    {"name": "low", "type": "float", "generator": {"distribution": {"type": "normal", "params": {"mean": 0, "std": 1}}}},
    {"name": "high", "type": "float", "generator": {"distribution": {"type": "normal", "params": {"mean": 0, "std": 1}}}}]}],
  "constraints": {"inequalities": [
    {"left": "w.starts", "op": "<", "right": "w.ends"},
    {"left": "high", "op": ">=", "right": "w.low"}]}
}`
	without := strings.Replace(schema, `"inequalities"`, `"unique"`, 1)
	without = without[:strings.Index(without, `"unique"`)] + `"unique": []}}`
	a := generateCSV(t, parsePlan(t, []byte(schema), false), engine.Options{Seed: 4})
	b := generateCSV(t, parsePlan(t, []byte(without), false), engine.Options{Seed: 4})
	c := generateCSV(t, parsePlan(t, []byte(schema), false), engine.Options{Seed: 4, Workers: 3, BlockRows: 777})
	if string(a["w"]) != string(c["w"]) {
		t.Fatal("the constrained table differs between block sizes and worker counts")
	}
	h, rows := records(t, a["w"])
	hb, rowsB := records(t, b["w"])
	redrawn := 0
	for i, r := range rows {
		s, e := r[col(h, "starts")], r[col(h, "ends")]
		if ts, te := mustTime(t, s), mustTime(t, e); !ts.Before(te) {
			t.Fatalf("row %d: starts %s not before ends %s", i, s, e)
		}
		lo, _ := strconv.ParseFloat(r[col(h, "low")], 64)
		hi, _ := strconv.ParseFloat(r[col(h, "high")], 64)
		if hi < lo {
			t.Fatalf("row %d: high %g < low %g", i, hi, lo)
		}
		rb := rowsB[i]
		if s != rb[col(hb, "starts")] || r[col(h, "low")] != rb[col(hb, "low")] {
			t.Fatalf("row %d: the earlier column changed: starts %s vs %s, low %s vs %s",
				i, s, rb[col(hb, "starts")], r[col(h, "low")], rb[col(hb, "low")])
		}
		if e != rb[col(hb, "ends")] {
			redrawn++
		}
	}
	// Independent draws are out of order about half the time.
	if n := len(rows); math.Abs(float64(redrawn)/float64(n)-0.5) > 5*math.Sqrt(0.25/float64(n)) {
		t.Errorf("%d of %d rows redrawn, want about half", redrawn, n)
	}
}

// TestInequalityKeepsDistributions checks the distributions under a
// declared inequality: the earlier column keeps its own (a ~ N(10, 1)
// stays at mean 10 even against b ~ N(0, 1)), and the later one follows
// its distribution conditioned on the inequality. Tolerances are five
// standard errors of the sample.
func TestInequalityKeepsDistributions(t *testing.T) {
	const n = 20000
	schema := `{
  "version": "1.0", "metadata": {"name": "Ineq"},
  "timeframe": {"start": "2024-01-01T00:00:00Z", "end": "2024-12-31T23:59:59Z", "freq": "h"},
  "nodes": [{"id": "w", "kind": "entity", "rows": 20000, "pk": "id", "columns": [
    {"name": "id", "type": "int", "generator": {"sequence": {}}},
    {"name": "a", "type": "float", "generator": {"distribution": {"type": "normal", "params": {"mean": 10, "std": 1}}}},
    {"name": "b", "type": "float", "generator": {"distribution": {"type": "normal", "params": {"mean": 0, "std": 1}}}},
    {"name": "x", "type": "float", "generator": {"distribution": {"type": "normal", "params": {"mean": 0, "std": 1}}}},
    {"name": "y", "type": "float", "generator": {"distribution": {"type": "normal", "params": {"mean": 0.5, "std": 1}}}}]}],
  "constraints": {"inequalities": [
    {"left": "w.a", "op": "<", "right": "w.b"},
    {"left": "w.x", "op": "<", "right": "w.y"}]}
}`
	out := generateCSV(t, parsePlan(t, []byte(schema), false), engine.Options{Seed: 9})
	h, rows := records(t, out["w"])
	var sa, sb, sx, sy, sx2 float64
	for i, r := range rows {
		a, _ := strconv.ParseFloat(r[col(h, "a")], 64)
		b, _ := strconv.ParseFloat(r[col(h, "b")], 64)
		x, _ := strconv.ParseFloat(r[col(h, "x")], 64)
		y, _ := strconv.ParseFloat(r[col(h, "y")], 64)
		if !(a < b) || !(x < y) {
			t.Fatalf("row %d: a %g b %g x %g y %g violate a < b, x < y", i, a, b, x, y)
		}
		sa, sb, sx, sy, sx2 = sa+a, sb+b, sx+x, sy+y, sx2+x*x
	}
	se := 5 / math.Sqrt(n)
	if m := sa / n; math.Abs(m-10) > se {
		t.Errorf("a mean %.4f, want 10 (the earlier column keeps its distribution)", m)
	}
	if m := sb / n; m < sa/n || m > sa/n+0.6 {
		t.Errorf("b mean %.4f, want just above a's %.4f (b given b > a)", m, sa/n)
	}
	if m, sd := sx/n, math.Sqrt(sx2/n-(sx/n)*(sx/n)); math.Abs(m) > se || math.Abs(sd-1) > 5*math.Sqrt(0.5/n) {
		t.Errorf("x mean %.4f std %.4f, want N(0, 1)", m, sd)
	}
	// E[y | y > x] for x ~ N(0, 1), y ~ N(0.5, 1): y given x is the normal
	// truncated below at x, of mean 0.5 + phi(x-0.5) / (1 - Phi(x-0.5)).
	want, step := 0.0, 0.001
	for x := -8.0; x < 8; x += step {
		z := x - 0.5
		tail := 0.5 * math.Erfc(z/math.Sqrt2)
		phi := math.Exp(-z*z/2) / math.Sqrt(2*math.Pi)
		want += step * math.Exp(-x*x/2) / math.Sqrt(2*math.Pi) * (0.5 + phi/tail)
	}
	if m := sy / n; math.Abs(m-want) > se {
		t.Errorf("y mean %.4f, want E[y | y > x] = %.4f", m, want)
	}
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
