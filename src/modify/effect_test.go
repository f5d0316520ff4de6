package modify

import (
	"fmt"
	"math"
	"testing"

	"datagen/src/column"
	"datagen/src/dsl"
	"datagen/src/rng"
)

// day returns the timeframe start plus n days (fractional allowed).
func day(n float64) int64 { return tfStart + int64(n*float64(column.MicrosPerDay)) }

// effectFixture: rows in table order.
//
//	0  A  [d10, d19]  2
//	1  A  [d15, d25]  3
//	2  B  [d10, d19]  0.5
//	3  A  [d30, d30]  null
//	4  B  [d50, d40]  9    (ends before it starts: never matches)
func effectFixture() *fakeTable {
	field := floatVec(2, 3, 0.5, 0, 9)
	field.ClearRow(3)
	return &fakeTable{rows: 5, cols: map[string]*column.Vector{
		"key":   strVec("A", "A", "B", "A", "B"),
		"start": tsVec(day(10), day(15), day(10), day(30), day(50)),
		"end":   tsVec(day(19), day(25), day(19), day(30), day(40)),
		"mult":  field,
		"label": strVec("a", "b", "c", "d", "e"),
	}}
}

func effectEnv(in column.Type, tab Table) Env {
	env := testEnv(in)
	env.Tables = func(id string) (Table, error) {
		if id != "fx" {
			return nil, fmt.Errorf("no table %q", id)
		}
		return tab, nil
	}
	return env
}

func effectArgs(on []dsl.KeyPair, op, overlap string, def float64) *dsl.EffectArgs {
	return &dsl.EffectArgs{EffectTable: "fx", On: on, StartCol: "start", EndCol: "end",
		Field: "mult", Op: op, Default: def, Overlap: overlap}
}

func TestEffectMatching(t *testing.T) {
	keyed := []dsl.KeyPair{{Local: "key", Remote: "key"}}
	type probe struct {
		key  string
		ts   int64
		want float64
	}
	tests := []struct {
		name    string
		on      []dsl.KeyPair
		op      string
		overlap string
		def     float64
		probes  []probe
	}{
		{"global first", nil, "mul", "first", 1, []probe{
			{"", day(9), 10}, {"", day(10), 20}, {"", day(12), 20}, {"", day(16), 20},
			{"", day(19), 20}, {"", day(19) + 1, 30}, {"", day(25), 30}, {"", day(25) + 1, 10},
			{"", day(30), 10}, {"", day(45), 10},
		}},
		{"global product", nil, "mul", "product", 1, []probe{
			{"", day(12), 10 * 2 * 0.5}, {"", day(16), 10 * 3}, {"", day(20), 30}, {"", day(30), 10},
		}},
		{"global sum", nil, "mul", "sum", 1, []probe{
			{"", day(12), 10 * 2.5}, {"", day(16), 10 * 5.5}, {"", day(30), 10 * 1}, {"", day(31), 10},
		}},
		{"global max", nil, "mul", "max", 1, []probe{
			{"", day(12), 20}, {"", day(16), 30}, {"", day(19), 30}, {"", day(0), 10},
		}},
		{"keyed first", keyed, "mul", "", 1, []probe{
			{"A", day(12), 20}, {"A", day(16), 20}, {"A", day(20), 30}, {"B", day(12), 5},
			{"B", day(16), 5}, {"B", day(20), 10}, {"C", day(16), 10}, {"B", day(45), 10},
		}},
		{"keyed product", keyed, "mul", "product", 1, []probe{{"A", day(16), 60}, {"B", day(16), 5}}},
		{"keyed sum", keyed, "mul", "sum", 1, []probe{{"A", day(16), 50}, {"B", day(16), 5}}},
		{"keyed max", keyed, "mul", "max", 1, []probe{{"A", day(16), 30}, {"A", day(12), 20}}},
		{"op add", keyed, "add", "first", 0, []probe{{"A", day(16), 12}, {"B", day(12), 10.5}, {"C", day(12), 10}}},
		{"default applies", keyed, "mul", "first", 0.25, []probe{{"C", day(16), 2.5}, {"A", day(30), 2.5}, {"A", day(100), 2.5}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mod := mustCompile(t, dsl.Modifier{Transform: dsl.TEffect, Effect: effectArgs(tt.on, tt.op, tt.overlap, tt.def)},
				effectEnv(column.Int, effectFixture()))
			n := len(tt.probes)
			keys, ts, vals := make([]string, n), make([]int64, n), make([]int64, n)
			for i, p := range tt.probes {
				keys[i], ts[i], vals[i] = p.key, p.ts, 10
			}
			v := intVec(vals...)
			mustApply(t, mod, v, newCtx(0, n, int64(n), map[string]*column.Vector{"ts": tsVec(ts...), "key": strVec(keys...)}))
			for i, p := range tt.probes {
				if math.Abs(v.Floats[i]-p.want) > 1e-12 {
					t.Errorf("key %q at day %.6f: got %g, want %g", p.key, float64(p.ts-tfStart)/float64(column.MicrosPerDay), v.Floats[i], p.want)
				}
			}
		})
	}
}

func TestEffectKeysAndWindows(t *testing.T) {
	// Multi-key join (string + int; the effect's int key is matched by a
	// float local value too), a date window whose end includes its whole
	// day, and an open-ended window (null end).
	end := dateVec(us("2024-03-01"), us("2024-03-05"), 0)
	end.ClearRow(2)
	tab := &fakeTable{rows: 3, cols: map[string]*column.Vector{
		"key":   strVec("A", "A", "B"),
		"k2":    intVec(1, 2, 1),
		"start": dateVec(us("2024-03-01"), us("2024-03-01"), us("2024-06-01")),
		"end":   end,
		"mult":  intVec(2, 3, 4),
	}}
	a := effectArgs([]dsl.KeyPair{{Local: "key", Remote: "key"}, {Local: "k2", Remote: "k2"}}, "mul", "sum", 1)
	mod := mustCompile(t, dsl.Modifier{Transform: dsl.TEffect, Effect: a}, effectEnv(column.Float, tab))
	probes := []struct {
		key  string
		k2   float64
		ts   string
		want float64
	}{
		{"A", 1, "2024-03-01T23:59:59Z", 2},
		{"A", 1, "2024-03-02T00:00:00Z", 1},
		{"A", 2, "2024-03-05T18:00:00Z", 3},
		{"A", 2.5, "2024-03-02T00:00:00Z", 1},
		{"A", 3, "2024-03-02T00:00:00Z", 1},
		{"B", 1, "2024-05-31T23:59:59Z", 1},
		{"B", 1, "2030-01-01T00:00:00Z", 4},
		{"B", 2, "2030-01-01T00:00:00Z", 1},
	}
	n := len(probes)
	keys, k2, ts, vals := make([]string, n), make([]float64, n), make([]int64, n), make([]float64, n)
	for i, p := range probes {
		keys[i], k2[i], ts[i], vals[i] = p.key, p.k2, us(p.ts), 1
	}
	v := floatVec(vals...)
	mustApply(t, mod, v, newCtx(0, n, int64(n), map[string]*column.Vector{
		"ts": tsVec(ts...), "key": strVec(keys...), "k2": floatVec(k2...),
	}))
	for i, p := range probes {
		if v.Floats[i] != p.want {
			t.Errorf("(%s, %g) at %s: got %g, want %g", p.key, p.k2, p.ts, v.Floats[i], p.want)
		}
	}
	// A null key or a null timestamp gets the default.
	tsv := withNull(tsVec(us("2024-03-01T12:00:00Z"), us("2024-03-01T12:00:00Z")), 1)
	kv := withNull(strVec("A", "A"), 0)
	v = floatVec(5, 5)
	mustApply(t, mod, v, newCtx(0, 2, 2, map[string]*column.Vector{"ts": tsv, "key": kv, "k2": intVec(1, 1)}))
	if v.Floats[0] != 5 || v.Floats[1] != 5 {
		t.Errorf("null key / null ts: got %v, want the default", v.Floats)
	}
}

func TestEffectErrors(t *testing.T) {
	keyed := []dsl.KeyPair{{Local: "key", Remote: "key"}}
	tests := []struct {
		name string
		in   column.Type
		edit func(a *dsl.EffectArgs)
		env  func(e *Env)
		want string
	}{
		{"unknown table", column.Float, func(a *dsl.EffectArgs) { a.EffectTable = "nope" }, nil, `effect table "nope": no table "nope"`},
		{"missing window column", column.Float, func(a *dsl.EffectArgs) { a.StartCol = "begin" }, nil,
			`effect table "fx" has no column "begin" (window.start_col)`},
		{"window not time", column.Float, func(a *dsl.EffectArgs) { a.EndCol = "mult" }, nil,
			`window column "mult" is float, not datetime or date`},
		{"field not numeric", column.Float, func(a *dsl.EffectArgs) { a.Field = "label" }, nil, `field "label" is string, not int or float`},
		{"missing field", column.Float, func(a *dsl.EffectArgs) { a.Field = "boost" }, nil, `no column "boost" (map.field)`},
		{"remote key missing", column.Float, func(a *dsl.EffectArgs) { a.On = []dsl.KeyPair{{Local: "key", Remote: "kind"}} }, nil, `no column "kind" (on key)`},
		{"local key missing", column.Float, func(a *dsl.EffectArgs) { a.On = []dsl.KeyPair{{Local: "kind", Remote: "key"}} }, nil,
			`on key "kind" is not a column of table "t"`},
		{"key types", column.Float, func(a *dsl.EffectArgs) { a.On = []dsl.KeyPair{{Local: "k2", Remote: "key"}} }, nil,
			`on key "k2" (int) cannot be compared with effect table "fx" column "key"`},
		{"no ts", column.Float, nil, func(e *Env) { e.TSColumn = "" }, "no timestamp column"},
		{"ts not a column", column.Float, func(a *dsl.EffectArgs) { a.TS = "when" }, nil, `ts "when" is not a column of table "t"`},
		{"ts not time", column.Float, func(a *dsl.EffectArgs) { a.TS = "k2" }, nil, `ts "k2" has type int, not datetime or date`},
		{"string vector", column.String, nil, nil, "got string"},
		{"add on datetime", column.Timestamp, func(a *dsl.EffectArgs) { a.Op = "add" }, nil, "op add is not defined on a datetime column"},
		{"ts on datetime", column.Timestamp, func(a *dsl.EffectArgs) { a.TS = "ts" }, nil, `ts "ts": on a datetime column`},
		{"overlap", column.Float, func(a *dsl.EffectArgs) { a.Overlap = "mean" }, nil, `overlap "mean"`},
		{"datetime all zero", column.Timestamp, func(a *dsl.EffectArgs) { a.Default = 0; a.Field = "zero" }, nil,
			"every multiplier of effect table \"fx\" (default included) is <= 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tab := effectFixture()
			tab.cols["zero"] = floatVec(0, 0, 0, 0, 0)
			a := effectArgs(keyed, "mul", "first", 1)
			if tt.edit != nil {
				tt.edit(a)
			}
			env := effectEnv(tt.in, tab)
			if tt.env != nil {
				tt.env(&env)
			}
			_, err := Compile(dsl.Modifier{Transform: dsl.TEffect, Effect: a}, env)
			wantErr(t, err, tt.want)
		})
	}
	// At Apply: a key column that is not generated before this one.
	mod := mustCompile(t, dsl.Modifier{Transform: dsl.TEffect, Effect: effectArgs(keyed, "mul", "first", 1)}, effectEnv(column.Float, effectFixture()))
	err := mod.Apply(floatVec(1), newCtx(0, 1, 1, map[string]*column.Vector{"ts": tsVec(day(1))}))
	wantErr(t, err, `key column "key" is not available`)
}

// uniformResample draws timestamps uniformly over the timeframe; attempt 0
// is the original value.
func uniformResample(key rng.Key) func(row int64, attempt int) int64 {
	span := tfEnd - tfStart + 1
	return func(row int64, attempt int) int64 {
		s := key.Sub("resample", attempt).Row(row)
		return tfStart + s.IntN(span)
	}
}

func TestEffectThinsDatetimes(t *testing.T) {
	// Global windows: days [100, 130) multiplier 0, days [200, 230)
	// multiplier 0.5, elsewhere the default 1.
	tab := &fakeTable{rows: 2, cols: map[string]*column.Vector{
		"start": tsVec(day(100), day(200)),
		"end":   tsVec(day(130)-1, day(230)-1),
		"mult":  floatVec(0, 0.5),
	}}
	a := &dsl.EffectArgs{EffectTable: "fx", StartCol: "start", EndCol: "end", Field: "mult", Op: "mul", Default: 1}
	mod := mustCompile(t, dsl.Modifier{Transform: dsl.TEffect, Effect: a}, effectEnv(column.Timestamp, tab))
	const n = 100000
	resample := uniformResample(rng.NewKey(9, "gen"))
	xs := make([]int64, n)
	for i := range xs {
		xs[i] = resample(int64(i), 0)
	}
	v := tsVec(xs...)
	ctx := newCtx(0, n, n, nil)
	ctx.Resample = resample
	mustApply(t, mod, v, ctx)

	total := float64(tfEnd-tfStart+1) / float64(column.MicrosPerDay) // days
	var zero, half int
	for _, x := range v.Ints {
		switch {
		case x < tfStart || x > tfEnd:
			t.Fatalf("timestamp %v left the generator's range", column.Time(x))
		case x >= day(100) && x < day(130):
			zero++
		case x >= day(200) && x < day(230):
			half++
		}
	}
	if zero != 0 {
		t.Errorf("%d events inside the zero-multiplier window", zero)
	}
	// Density ∝ multiplier: mass (total-60)·1 + 30·0.5.
	p := 30 * 0.5 / ((total - 60) + 15)
	got := float64(half) / n
	if tol := 5 * math.Sqrt(p*(1-p)/n); math.Abs(got-p) > tol {
		t.Errorf("share in the 0.5 window %g, want %g ± %g (uniform share %g)", got, p, tol, 30/total)
	}
	// Without a resampling generator the effect cannot thin.
	err := mod.Apply(tsVec(day(1)), newCtx(0, 1, 1, nil))
	wantErr(t, err, "cannot redraw")
}

func TestEffectIndexAgainstBruteForce(t *testing.T) {
	// Random overlapping windows, checked against a direct scan.
	const rows = 300
	s := rng.NewKey(5, "brute").Row(0)
	keys, starts, ends, vals := make([]int64, rows), make([]int64, rows), make([]int64, rows), make([]float64, rows)
	for i := range rows {
		keys[i] = s.IntN(4)
		starts[i] = day(float64(s.IntN(300)))
		ends[i] = starts[i] + s.IntN(40*column.MicrosPerDay)
		vals[i] = 0.5 + s.Float64()
	}
	// Some windows are open: a null start or end.
	startV, endV := tsVec(starts...), tsVec(ends...)
	for i := range rows {
		if i%17 == 3 {
			startV.ClearRow(i)
			starts[i] = math.MinInt64
		}
		if i%19 == 5 {
			endV.ClearRow(i)
			ends[i] = math.MaxInt64
		}
	}
	tab := &fakeTable{rows: rows, cols: map[string]*column.Vector{
		"k2": intVec(keys...), "start": startV, "end": endV, "mult": floatVec(vals...),
	}}
	for _, overlap := range []string{"first", "product", "sum", "max"} {
		a := &dsl.EffectArgs{EffectTable: "fx", On: []dsl.KeyPair{{Local: "k2", Remote: "k2"}}, StartCol: "start", EndCol: "end",
			Field: "mult", Op: "mul", Default: 1, Overlap: overlap}
		mod := mustCompile(t, dsl.Modifier{Transform: dsl.TEffect, Effect: a}, effectEnv(column.Float, tab))
		const n = 3000
		pk, pts := make([]int64, n), make([]int64, n)
		for i := range n {
			pk[i] = s.IntN(5)
			if r := s.IntN(rows); i%3 == 0 && starts[r] != math.MinInt64 && ends[r] != math.MaxInt64 { // exactly on a boundary
				pts[i] = []int64{starts[r], ends[r], ends[r] + 1, starts[r] - 1}[i%4]
			} else {
				pts[i] = day(float64(s.IntN(360)) + s.Float64())
			}
		}
		v := floatVec(make([]float64, n)...)
		for i := range v.Floats {
			v.Floats[i] = 1
		}
		mustApply(t, mod, v, newCtx(0, n, n, map[string]*column.Vector{"k2": intVec(pk...), "ts": tsVec(pts...)}))
		for i := range n {
			want, matched := 0.0, false
			switch overlap {
			case "product":
				want = 1
			case "max":
				want = math.Inf(-1)
			}
			for r := range rows {
				if keys[r] != pk[i] || pts[i] < starts[r] || pts[i] > ends[r] {
					continue
				}
				switch overlap {
				case "first":
					if !matched {
						want = vals[r]
					}
				case "product":
					want *= vals[r]
				case "sum":
					want += vals[r]
				case "max":
					want = math.Max(want, vals[r])
				}
				matched = true
			}
			if !matched {
				want = 1
			}
			if math.Abs(v.Floats[i]-want) > 1e-9*math.Abs(want) {
				t.Fatalf("%s: probe %d (key %d): got %g, want %g", overlap, i, pk[i], v.Floats[i], want)
			}
		}
	}
}

func TestEffectLookup(t *testing.T) {
	// ecomm.json's "shop open" windows: the field does not exist, the
	// default is 0, so the value is 1 inside a shop's window and 0 outside.
	shops := &fakeTable{rows: 2, cols: map[string]*column.Vector{
		"shop_id":   intVec(1, 2),
		"opened_on": dateVec(us("2024-02-01"), us("2024-05-01")),
		"closed_on": withNull(dateVec(us("2024-03-31"), 0), 1),
	}}
	a := &dsl.EffectArgs{EffectTable: "shop", On: []dsl.KeyPair{{Local: "shop_id", Remote: "shop_id"}},
		StartCol: "opened_on", EndCol: "closed_on", Field: "shop_open_multiplier", Op: "mul", Default: 0}
	if _, err := NewEffectLookup(a, shops, false); err == nil {
		t.Fatal("missing field accepted without fieldOptional")
	}
	lk, err := NewEffectLookup(a, shops, true)
	if err != nil {
		t.Fatal(err)
	}
	if got := lk.Keys(); len(got) != 1 || got[0] != "shop_id" {
		t.Fatalf("Keys() = %v", got)
	}
	ids := intVec(1, 1, 1, 2, 2, 3)
	ts := []string{"2024-01-31T23:59:59Z", "2024-02-01T00:00:00Z", "2024-03-31T23:59:59Z", "2024-04-30T12:00:00Z", "2030-01-01T00:00:00Z", "2024-03-01T00:00:00Z"}
	want := []float64{0, 1, 1, 0, 1, 0}
	keys := []*column.Vector{ids}
	if err := lk.CheckKeys(keys); err != nil {
		t.Fatal(err)
	}
	for i := range want {
		if got := lk.Value(keys, i, us(ts[i])); got != want[i] {
			t.Errorf("shop %d at %s: %g, want %g", ids.Ints[i], ts[i], got, want[i])
		}
	}
	wantErr(t, lk.CheckKeys([]*column.Vector{strVec("1")}), `key "shop_id" cannot be compared`)
	wantErr(t, lk.CheckKeys(nil), "0 key vectors for 1 keys")
}

func TestEffectKeyKinds(t *testing.T) {
	win := func(n int) (*column.Vector, *column.Vector) {
		s, e := make([]int64, n), make([]int64, n)
		for i := range n {
			s[i], e[i] = day(0), day(10)
		}
		return tsVec(s...), tsVec(e...)
	}
	tests := []struct {
		name   string
		remote *column.Vector
		local  *column.Vector
		want   []float64
	}{
		{"float remote, int local", floatVec(1, 2.5), intVec(1, 2, 3), []float64{10, 1, 1}},
		{"float remote, float local", floatVec(1, 2.5), floatVec(2.5, 2, 1), []float64{20, 1, 10}},
		{"bool remote, bool local", boolVec(true, false), boolVec(false, true), []float64{20, 10}},
		{"timestamp remote, timestamp local", tsVec(day(1), day(2)), tsVec(day(2), day(3)), []float64{20, 1}},
		{"string remote with null", withNull(strVec("x", "y"), 0), strVec("x", "y", ""), []float64{1, 20, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, e := win(2)
			tab := &fakeTable{rows: 2, cols: map[string]*column.Vector{"rk": tt.remote, "start": s, "end": e, "mult": floatVec(10, 20)}}
			a := &dsl.EffectArgs{EffectTable: "fx", On: []dsl.KeyPair{{Local: "lk", Remote: "rk"}}, StartCol: "start", EndCol: "end",
				Field: "mult", Op: "mul", Default: 1}
			lk, err := NewEffectLookup(a, tab, false)
			if err != nil {
				t.Fatal(err)
			}
			keys := []*column.Vector{tt.local}
			if err := lk.CheckKeys(keys); err != nil {
				t.Fatal(err)
			}
			for i, w := range tt.want {
				if got := lk.Value(keys, i, day(5)); got != w {
					t.Errorf("row %d: %g, want %g", i, got, w)
				}
			}
		})
	}
}

// Without a window every key match applies at any time, and no timestamp
// column is needed.
func TestEffectWithoutWindow(t *testing.T) {
	a := &dsl.EffectArgs{EffectTable: "fx", On: []dsl.KeyPair{{Local: "key", Remote: "key"}}, Field: "mult", Op: "add", Default: 0, Overlap: "sum"}
	env := effectEnv(column.Float, effectFixture())
	env.TSColumn = ""
	mod := mustCompile(t, dsl.Modifier{Transform: dsl.TEffect, Effect: a}, env)
	v := floatVec(1, 1, 1)
	mustApply(t, mod, v, newCtx(0, 3, 3, map[string]*column.Vector{"key": strVec("A", "B", "Z")}))
	// A: 2 + 3 + default for the null field; B: 0.5 + 9.
	if want := []float64{1 + 5, 1 + 9.5, 1}; !floatsEqual(v.Floats, want) {
		t.Errorf("got %v, want %v", v.Floats, want)
	}
}
