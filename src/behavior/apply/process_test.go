package apply

import (
	"encoding/json"
	"fmt"
	"math"
	"testing"

	"datagen/src/behavior"
	"datagen/src/civil"
	"datagen/src/column"
	"datagen/src/input"
	"datagen/src/rng"
)

// within fails when an observed share k/n of events with probability p
// is further than 5 standard errors from p.
func within(t *testing.T, what string, k, n int64, p float64) {
	t.Helper()
	if n == 0 {
		t.Fatalf("%s: no trials", what)
	}
	se := math.Sqrt(p * (1 - p) / float64(n))
	if got := float64(k) / float64(n); math.Abs(got-p) > 5*se+1e-12 {
		t.Errorf("%s: %d/%d = %.4f, want %.4f ± %.4f", what, k, n, got, p, 5*se)
	}
}

func parseModel(t *testing.T, doc map[string]any) *behavior.StateModel {
	t.Helper()
	ps := &input.Reader{}
	m := behavior.ParseStateModel(tree(doc), "m", ps)
	if ps.Problems().HasErrors() {
		t.Fatal(ps.Problems())
	}
	return m
}

func strVector(vals ...string) *column.Vector {
	v := &column.Vector{}
	v.Reset(column.String, len(vals))
	copy(v.Strs, vals)
	return v
}

func TestChainTransitionFrequencies(t *testing.T) {
	doc := map[string]any{
		"initial_state": "trial", "period_unit": "day",
		"states": map[string]any{
			"trial":   map[string]any{"next_states": map[string]any{"active": 0.6, "churned": 0.1}},
			"active":  map[string]any{"next_states": map[string]any{"paused": 0.1, "churned": 0.05}},
			"paused":  map[string]any{"next_states": map[string]any{"active": 0.4, "churned": 0.2}},
			"churned": map[string]any{"terminal": true},
		},
		"segment_variation": map[string]any{"vip": map[string]any{"churn_multiplier": 0.5, "state_multipliers": map[string]any{"paused": 2.0}}},
	}
	m := parseModel(t, doc)
	const parents = 6000
	segs := make([]string, parents)
	for i := range segs {
		segs[i] = []string{"vip", "other"}[i%2]
	}
	tfStart, tfEnd := us("2024-01-01T00:00:00Z"), us("2024-12-31T23:59:59Z")
	c := NewChain(m, rng.NewKey(1, "chain"), nil, tfStart, tfEnd, strVector(segs...), parents)
	want := map[string]map[string]float64{
		"other": {"trial>active": 0.6, "trial>churned": 0.1, "active>paused": 0.1, "active>churned": 0.05, "paused>active": 0.4, "paused>churned": 0.2},
		"vip":   {"trial>active": 0.6, "trial>churned": 0.05, "active>paused": 0.2, "active>churned": 0.025, "paused>active": 0.4, "paused>churned": 0.1},
	}
	from := map[string]map[string]int64{"other": {}, "vip": {}}
	moves := map[string]map[string]int64{"other": {}, "vip": {}}
	var buf []ChainRow
	for p := int64(0); p < parents; p++ {
		seg := segs[p]
		buf = c.Rows(p, math.MaxInt64, buf[:0])
		for k, r := range buf {
			if r.Period != int64(k) || r.Start != behavior.AddUnits(tfStart, int64(k), behavior.Day) {
				t.Fatalf("parent %d row %d: period %d starting %d", p, k, r.Period, r.Start)
			}
			if m.States[r.State].Terminal && k != len(buf)-1 {
				t.Fatalf("parent %d: rows after the terminal state", p)
			}
			if k == 0 {
				if r.Prev != -1 || r.State != m.Initial {
					t.Fatalf("parent %d: first row %+v", p, r)
				}
				continue
			}
			if r.Prev != buf[k-1].State {
				t.Fatalf("parent %d row %d: previous state %d, the row before has %d", p, k, r.Prev, buf[k-1].State)
			}
			a, b := m.States[r.Prev].Name, m.States[r.State].Name
			from[seg][a]++
			if a != b {
				moves[seg][a+">"+b]++
			}
		}
		last := buf[len(buf)-1]
		if !m.States[last.State].Terminal && last.Start+86400e6 <= tfEnd {
			t.Fatalf("parent %d stops in %s before the timeframe end", p, m.States[last.State].Name)
		}
	}
	for seg, w := range want {
		for tr, p := range w {
			src := tr[:indexOf(tr, '>')]
			within(t, seg+" "+tr, moves[seg][tr], from[seg][src], p)
		}
	}
}

func indexOf(s string, b byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == b {
			return i
		}
	}
	return -1
}

// TestChainTransitionEmit checks that emit "transition" gives the runs of
// emit "period" for the same draws.
func TestChainTransitionEmit(t *testing.T) {
	doc := map[string]any{
		"initial_state": "a", "period_unit": "month",
		"states": map[string]any{
			"a": map[string]any{"next_states": map[string]any{"b": 0.3, "z": 0.05}},
			"b": map[string]any{"next_states": map[string]any{"a": 0.3, "z": 0.05}},
			"z": map[string]any{"terminal": true},
		},
	}
	per := parseModel(t, doc)
	doc["emit"] = "transition"
	tra := parseModel(t, doc)
	start := &column.Vector{}
	start.Reset(column.Timestamp, 500)
	for i := range start.Ints {
		start.Ints[i] = us("2020-01-31T08:00:00Z") + int64(i)*86400e6
	}
	tfStart, tfEnd := us("2020-01-01T00:00:00Z"), us("2024-12-31T23:59:59Z")
	key := rng.NewKey(3, "chain")
	cp := NewChain(per, key, start, tfStart, tfEnd, nil, 500)
	ct := NewChain(tra, key, start, tfStart, tfEnd, nil, 500)
	for p := int64(0); p < 500; p++ {
		rows := cp.Rows(p, math.MaxInt64, nil)
		var runs []ChainRow
		for k, r := range rows {
			if k == 0 || r.State != rows[k-1].State {
				if len(runs) > 0 {
					runs[len(runs)-1].End = r.Start
				}
				runs = append(runs, ChainRow{State: r.State, Prev: r.Prev, Period: r.Period, Start: r.Start, End: NoEnd})
			}
		}
		got := ct.Rows(p, math.MaxInt64, nil)
		if fmt.Sprint(got) != fmt.Sprint(runs) {
			t.Fatalf("parent %d: transitions %v, want the runs of the periods %v", p, got, runs)
		}
		// A limit returns a prefix.
		if n := len(got); n > 1 {
			if pre := ct.Rows(p, int64(n-1), nil); fmt.Sprint(pre) != fmt.Sprint(got[:n-1]) {
				t.Fatalf("parent %d: limited rows %v, want %v", p, pre, got[:n-1])
			}
		}
	}
}

func TestFunnelRatesAndGaps(t *testing.T) {
	ps := &input.Reader{}
	sc := behavior.ParseStages(tree(map[string]any{
		"stages": []any{
			map[string]any{"stage_name": "visit"},
			map[string]any{"stage_name": "cart", "transition_rate": 0.7},
			map[string]any{"stage_name": "pay", "transition_rate": 0.5, "gap": map[string]any{"distribution": "uniform", "min": 1.0, "max": 3.0, "unit": "day"}},
			map[string]any{"stage_name": "ship", "transition_rate": 0.9},
		},
	}), "s", ps)
	if ps.Problems().HasErrors() {
		t.Fatal(ps.Problems())
	}
	const n = 40000
	start := &column.Vector{}
	start.Reset(column.Timestamp, n)
	mult := make([]float64, n)
	for i := range start.Ints {
		start.Ints[i] = us("2024-01-01T00:00:00Z")
		mult[i] = []float64{1, 1.2}[i%2]
	}
	end := us("2024-12-31T23:59:59Z")
	f := NewFunnel(sc, rng.NewKey(5, "f"), start, end, mult)
	reached := [2][4]int64{}
	var gap1, gap2 float64
	var n1, n2 int64
	for p := int64(0); p < n; p++ {
		k := f.Count(p)
		for j := int64(0); j < k; j++ {
			reached[p%2][j]++
		}
		if k > 1 {
			gap1 += float64(f.Time(p, 1) - f.Time(p, 0))
			n1++
		}
		if k > 2 {
			g := f.Time(p, 2) - f.Time(p, 1)
			if g < 86400e6 || g > 3*86400e6 || g%1e6 != 0 {
				t.Fatalf("uniform gap %d µs outside 1–3 days or not whole seconds", g)
			}
			gap2 += float64(g)
			n2++
		}
	}
	for s, m := range []float64{1, 1.2} {
		r := reached[s]
		within(t, fmt.Sprintf("segment %d cart", s), r[1], r[0], math.Min(1, 0.7*m))
		within(t, fmt.Sprintf("segment %d pay", s), r[2], r[1], math.Min(1, 0.5*m))
		within(t, fmt.Sprintf("segment %d ship", s), r[3], r[2], math.Min(1, 0.9*m))
	}
	// Exponential gaps: mean 24 h, standard error mean/√n.
	if mean, se := gap1/float64(n1)/3600e6, 24/math.Sqrt(float64(n1)); math.Abs(mean-24) > 5*se {
		t.Errorf("mean default gap %.3f h, want 24 ± %.3f", mean, 5*se)
	}
	if mean, se := gap2/float64(n2)/86400e6, (2/math.Sqrt(12))/math.Sqrt(float64(n2)); math.Abs(mean-2) > 5*se {
		t.Errorf("mean uniform gap %.4f days, want 2 ± %.4f", mean, 5*se)
	}
	// Near the timeframe end later stages are censored: no stage after it.
	late := &column.Vector{}
	late.Reset(column.Timestamp, 2000)
	for i := range late.Ints {
		late.Ints[i] = end - 36*3600e6
	}
	fl := NewFunnel(sc, rng.NewKey(5, "f"), late, end, nil)
	censored := 0
	for p := int64(0); p < 2000; p++ {
		k := fl.Count(p)
		if fl.Time(p, int(k-1)) > end {
			t.Fatalf("parent %d: stage %d after the timeframe end", p, k-1)
		}
		if fl.Count(p) != f.Count(p) && p%2 == 0 {
			censored++
		}
	}
	if censored == 0 {
		t.Error("no funnel was cut short by the timeframe end")
	}
}

// us returns the microseconds since the epoch of an ISO 8601 instant.
func us(s string) int64 {
	v, err := civil.ParseMicros(s)
	if err != nil {
		panic(err)
	}
	return v
}

// tree converts a Go literal into a parsed JSON document.
func tree(x any) *input.Value {
	data, err := json.Marshal(x)
	if err != nil {
		panic(err)
	}
	v, err := input.Parse(data)
	if err != nil {
		panic(err)
	}
	return v
}
