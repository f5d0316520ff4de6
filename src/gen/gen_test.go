package gen

import (
	"math"
	"testing"

	"datagen/src/civil"
	"datagen/src/column"
	"datagen/src/dsl"
	"datagen/src/rng"
)

func f64(v float64) *float64 { return &v }

// fill runs g over rows [start, start+n).
func fill(t *testing.T, g Generator, start int64, n int) *column.Vector {
	t.Helper()
	out := &column.Vector{}
	if err := g.Fill(out, &Batch{Start: start, N: n, Rand: rng.NewRand()}); err != nil {
		t.Fatal(err)
	}
	return out
}

func compileCol(t *testing.T, c dsl.Column) Generator {
	t.Helper()
	node := &dsl.Node{ID: "t", Kind: dsl.Entity, Columns: []dsl.Column{c}}
	g, err := Compile(&Env{Seed: 1, Node: node, Column: &node.Columns[0], Key: rng.NewKey(1, "t", c.Name)})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// tol is a 5-sigma tolerance for a share p estimated from n draws.
func tol(p float64, n int) float64 { return 5 * math.Sqrt(p*(1-p)/float64(n)) }

func TestSequence(t *testing.T) {
	g := compileCol(t, dsl.Column{Name: "id", Type: column.Int, Generator: dsl.Generator{Kind: dsl.GenSequence, Sequence: &dsl.Sequence{Start: 100, Step: -3}}})
	v := fill(t, g, 10, 4)
	want := []int64{70, 67, 64, 61}
	for i, w := range want {
		if v.Ints[i] != w {
			t.Fatalf("row %d = %d, want %d", 10+i, v.Ints[i], w)
		}
	}
}

func TestChoiceShares(t *testing.T) {
	const n = 200000
	cases := []struct {
		name    string
		choice  dsl.Choice
		want    []float64
		colType column.Type
	}{
		{"weights", dsl.Choice{Choices: []any{"A", "B", "C"}, Weights: []float64{5, 3, 2}}, []float64{0.5, 0.3, 0.2}, column.String},
		{"uniform", dsl.Choice{Choices: []any{1.0, 2.0, 3.0, 4.0}}, []float64{0.25, 0.25, 0.25, 0.25}, column.Int},
		{"zipf", dsl.Choice{Choices: []any{"a", "b", "c"}, WeightsKind: dsl.WeightsKind{Kind: "zipf", A: 1.5}},
			norm([]float64{1, math.Pow(2, -1.5), math.Pow(3, -1.5)}), column.String},
		{"head_tail", dsl.Choice{Choices: []any{"h", "t1", "t2", "t3", "t4"}, WeightsKind: dsl.WeightsKind{Kind: "head_tail", H: 0.7, A: 2}},
			[]float64{0.7, 0.3 / (1 + 0.25 + 1.0/9 + 1.0/16), 0.3 * 0.25 / (1 + 0.25 + 1.0/9 + 1.0/16), 0.3 / 9 / (1 + 0.25 + 1.0/9 + 1.0/16), 0.3 / 16 / (1 + 0.25 + 1.0/9 + 1.0/16)}, column.String},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ch := c.choice
			g := compileCol(t, dsl.Column{Name: "c", Type: c.colType, Generator: dsl.Generator{Kind: dsl.GenChoice, Choice: &ch}})
			v := fill(t, g, 0, n)
			counts := make([]int, len(c.want))
			for i := 0; i < n; i++ {
				var k int
				switch c.colType {
				case column.String:
					for j, x := range ch.Choices {
						if x.(string) == v.Strs[i] {
							k = j
						}
					}
				case column.Int:
					k = int(v.Ints[i]) - 1
				}
				counts[k]++
			}
			for k, p := range c.want {
				got := float64(counts[k]) / n
				if math.Abs(got-p) > tol(p, n) {
					t.Errorf("choice %d: share %.4f, want %.4f ± %.4f", k, got, p, tol(p, n))
				}
			}
		})
	}
}

func norm(w []float64) []float64 {
	s := 0.0
	for _, x := range w {
		s += x
	}
	out := make([]float64, len(w))
	for i, x := range w {
		out[i] = x / s
	}
	return out
}

func TestDistributionMoments(t *testing.T) {
	const n = 200000
	cases := []struct {
		name     string
		d        dsl.Distribution
		mean, sd float64
	}{
		{"normal", dsl.Distribution{Type: "normal", Params: map[string]float64{"mean": 30, "std": 10}}, 30, 10},
		{"lognormal", dsl.Distribution{Type: "lognormal", Params: map[string]float64{"mean": 1, "sigma": 0.5}},
			math.Exp(1 + 0.125), math.Sqrt((math.Exp(0.25) - 1) * math.Exp(2+0.25))},
		{"uniform", dsl.Distribution{Type: "uniform", Params: map[string]float64{"low": 2, "high": 14}}, 8, 12 / math.Sqrt(12)},
		{"poisson small", dsl.Distribution{Type: "poisson", Params: map[string]float64{"lambda": 3}}, 3, math.Sqrt(3)},
		{"poisson large", dsl.Distribution{Type: "poisson", Params: map[string]float64{"lambda": 250}}, 250, math.Sqrt(250)},
		// Half the mass uniform on [0, 1], half on [1, 10].
		{"empirical", dsl.Distribution{Type: "empirical", Quantiles: []float64{0, 1, 10}}, 3, math.Sqrt(0.5/3 + 0.5*999/27 - 9)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := c.d
			g := compileCol(t, dsl.Column{Name: "x", Type: column.Float, Generator: dsl.Generator{Kind: dsl.GenDistribution, Distribution: &d}})
			v := fill(t, g, 0, n)
			mean, sd := moments(v.Floats)
			if math.Abs(mean-c.mean) > 5*c.sd/math.Sqrt(n) {
				t.Errorf("mean %.4f, want %.4f", mean, c.mean)
			}
			if math.Abs(sd-c.sd) > 0.02*c.sd {
				t.Errorf("sd %.4f, want %.4f", sd, c.sd)
			}
		})
	}
}

func moments(x []float64) (mean, sd float64) {
	for _, v := range x {
		mean += v
	}
	mean /= float64(len(x))
	for _, v := range x {
		sd += (v - mean) * (v - mean)
	}
	return mean, math.Sqrt(sd / float64(len(x)-1))
}

func TestDistributionClampTruncates(t *testing.T) {
	// Normal(0,1) truncated to [-1, 1]: no mass piles on the bounds, and
	// the variance is that of the truncated normal (0.2911).
	d := dsl.Distribution{Type: "normal", Params: map[string]float64{"mean": 0, "std": 1}, ClampMin: f64(-1), ClampMax: f64(1)}
	g := compileCol(t, dsl.Column{Name: "x", Type: column.Float, Generator: dsl.Generator{Kind: dsl.GenDistribution, Distribution: &d}})
	const n = 100000
	v := fill(t, g, 0, n)
	atBound := 0
	for _, x := range v.Floats {
		if x < -1 || x > 1 {
			t.Fatalf("value %g outside the clamp", x)
		}
		if x == -1 || x == 1 {
			atBound++
		}
	}
	if atBound > 0 {
		t.Errorf("%d values sit exactly on a bound", atBound)
	}
	_, sd := moments(v.Floats)
	if want := math.Sqrt(0.29112); math.Abs(sd-want) > 0.01 {
		t.Errorf("sd %.4f, want %.4f (truncated normal)", sd, want)
	}
}

func TestBlockBoundariesDoNotMatter(t *testing.T) {
	d := dsl.Distribution{Type: "lognormal", Params: map[string]float64{"mean": 1, "sigma": 1}}
	g := compileCol(t, dsl.Column{Name: "x", Type: column.Float, Generator: dsl.Generator{Kind: dsl.GenDistribution, Distribution: &d}})
	whole := fill(t, g, 0, 1000)
	for start := int64(0); start < 1000; start += 37 {
		n := int(min(37, 1000-start))
		part := fill(t, g, start, n)
		for i := 0; i < n; i++ {
			if part.Floats[i] != whole.Floats[start+int64(i)] {
				t.Fatalf("row %d differs when generated in a block starting at %d", start+int64(i), start)
			}
		}
	}
}

func TestEnumListCycles(t *testing.T) {
	g := compileCol(t, dsl.Column{Name: "e", Type: column.String, Generator: dsl.Generator{Kind: dsl.GenEnumList, EnumList: &dsl.EnumList{Values: []any{"x", "y", 3.0}}}})
	v := fill(t, g, 2, 4)
	want := []string{"3", "x", "y", "3"}
	for i, w := range want {
		if v.Strs[i] != w {
			t.Fatalf("row %d = %q, want %q", 2+i, v.Strs[i], w)
		}
	}
}

func TestCast(t *testing.T) {
	in := &column.Vector{}
	in.Reset(column.Float, 4)
	copy(in.Floats, []float64{2.5, -1.5, 2.4, math.NaN()})
	out := &column.Vector{}
	if err := Cast(in, column.Int, out); err != nil {
		t.Fatal(err)
	}
	want := []int64{3, -2, 2}
	for i, w := range want {
		if out.Ints[i] != w {
			t.Errorf("Cast(%g) = %d, want %d", in.Floats[i], out.Ints[i], w)
		}
	}
	if !out.IsNull(3) {
		t.Error("NaN did not become null")
	}
	ts := &column.Vector{}
	ts.Reset(column.Timestamp, 1)
	ts.Ints[0] = 1704153600_000000 + 13*3600_000000 // 2024-01-02T13:00Z
	if err := Cast(ts, column.Date, ts); err != nil {
		t.Fatal(err)
	}
	if civil.FormatDate(ts.Ints[0]) != "2024-01-02" || ts.Ints[0]%column.MicrosPerDay != 0 {
		t.Errorf("date cast kept the time of day: %d", ts.Ints[0])
	}
	s := &column.Vector{}
	s.Reset(column.String, 2)
	copy(s.Strs, []string{"12", "x"})
	if err := Cast(s, column.Int, out); err == nil {
		t.Error("casting \"x\" to int succeeded")
	}
}

func BenchmarkGenerators(b *testing.B) {
	cols := map[string]dsl.Column{
		"sequence":  {Name: "s", Type: column.Int, Generator: dsl.Generator{Kind: dsl.GenSequence, Sequence: &dsl.Sequence{Start: 1, Step: 1}}},
		"choice":    {Name: "c", Type: column.String, Generator: dsl.Generator{Kind: dsl.GenChoice, Choice: &dsl.Choice{Choices: []any{"a", "b", "c", "d"}, Weights: []float64{4, 3, 2, 1}}}},
		"normal":    {Name: "n", Type: column.Float, Generator: dsl.Generator{Kind: dsl.GenDistribution, Distribution: &dsl.Distribution{Type: "normal", Params: map[string]float64{"mean": 0, "std": 1}, ClampMin: f64(-3), ClampMax: f64(3)}}},
		"lognormal": {Name: "l", Type: column.Float, Generator: dsl.Generator{Kind: dsl.GenDistribution, Distribution: &dsl.Distribution{Type: "lognormal", Params: map[string]float64{"mean": 3, "sigma": 0.8}}}},
		"poisson":   {Name: "p", Type: column.Float, Generator: dsl.Generator{Kind: dsl.GenDistribution, Distribution: &dsl.Distribution{Type: "poisson", Params: map[string]float64{"lambda": 8}}}},
	}
	const n = 1 << 16
	for name, c := range cols {
		b.Run(name, func(b *testing.B) {
			node := &dsl.Node{ID: "t", Columns: []dsl.Column{c}}
			g, err := Compile(&Env{Node: node, Column: &node.Columns[0], Key: rng.NewKey(1, "t", c.Name)})
			if err != nil {
				b.Fatal(err)
			}
			out := &column.Vector{}
			batch := &Batch{N: n, Rand: rng.NewRand()}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				batch.Start = int64(i) * n
				if err := g.Fill(out, batch); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)*n/b.Elapsed().Seconds(), "values/s")
		})
	}
}
