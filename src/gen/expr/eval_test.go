package expr

import (
	"math"
	"slices"
	"testing"
	"time"

	"datagen/src/column"
)

const (
	I  = column.Int
	F  = column.Float
	S  = column.String
	B  = column.Bool
	TS = column.Timestamp
	D  = column.Date
)

func TestEvalValues(t *testing.T) {
	third := 1.0 / 3
	tests := []struct {
		code string
		typ  column.Type
		want []any
	}{
		// int arithmetic stays int; / is true division
		{"i + j", I, []any{9, -5, 3, nil}},
		{"i - j", I, []any{5, -9, -3, nil}},
		{"i * j", I, []any{14, -14, 0, nil}},
		{"i / j", F, []any{3.5, -3.5, 0.0, nil}},
		{"i // j", I, []any{3, -4, 0, nil}},
		{"i % j", I, []any{1, 1, 0, nil}},
		{"j // -2", I, []any{-1, -1, -2, -1}},
		{"j % -2", I, []any{0, 0, -1, -1}},
		{"i ** j", I, []any{49, 49, 0, nil}},
		{"j ** -1", F, []any{0.5, 0.5, third, 1.0}},
		{"j ** (n - 2)", I, []any{nil, 1, 3, 1}}, // negative exponent only known per row → null
		{"~n", I, []any{-2, -3, -4, -5}},
		{"1_000 + n", I, []any{1001, 1002, 1003, 1004}},
		// division by zero → null
		{"i // 0", I, []any{nil, nil, nil, nil}},
		{"i % (j - 2)", I, []any{nil, nil, 0, nil}},
		{"i / 0", F, []any{nil, nil, nil, nil}},
		{"f / (n - 3)", F, []any{-0.75, 2.25, nil, 4.0}},
		// float arithmetic, int/float mix → float
		{"f + g", F, []any{2.0, -0.25, nil, 3.0}},
		{"f - g", F, []any{1.0, -4.25, nil, 5.0}},
		{"f * g", F, []any{0.75, -4.5, nil, -4.0}},
		{"f / g", F, []any{3.0, -1.125, nil, -4.0}},
		{"f // g", F, []any{3.0, -2.0, nil, -4.0}},
		{"f % g", F, []any{0.0, 1.75, nil, 0.0}},
		{"f ** 2", F, []any{2.25, 5.0625, 0.0, 16.0}},
		{"g ** 0.5", F, []any{math.Sqrt(0.5), math.Sqrt2, nil, nil}},
		{"f * j", F, []any{3.0, -4.5, 0.0, 4.0}},
		{"i + 0.5", F, []any{7.5, -6.5, 0.5, nil}},
		{".5 + n", F, []any{1.5, 2.5, 3.5, 4.5}},
		{"1e3 + n", F, []any{1001.0, 1002.0, 1003.0, 1004.0}},
		{"-f", F, []any{-1.5, 2.25, 0.0, -4.0}},
		{"+f", F, []any{1.5, -2.25, 0.0, 4.0}},
		{"`unit price` * n", F, []any{10.0, 40.0, 90.0, 160.0}},
		{"1e308 * (f + 10)", F, []any{nil, nil, nil, nil}}, // overflow to Inf → null
		// precedence (Python)
		{"-2 ** 2 + 0 * n", I, []any{-4, -4, -4, -4}},
		{"2 ** 3 ** 2 + 0 * n", I, []any{512, 512, 512, 512}},
		{"2 ** -1 + 0 * n", F, []any{0.5, 0.5, 0.5, 0.5}},
		{"-j ** 2", I, []any{-4, -4, -9, -1}},
		{"(-j) ** 2", I, []any{4, 4, 9, 1}},
		{"n + j * 2", I, []any{5, 6, 9, 6}},
		{"(n + j) * 2", I, []any{6, 8, 12, 10}},
		{"n - j - 1", I, []any{-2, -1, -1, 2}},
		{"n / j / 2", F, []any{0.25, 0.5, 0.5, 2.0}},
		{"-n * j", I, []any{-2, -4, -9, -4}},
		{"n * -j", I, []any{-2, -4, -9, -4}},
		{"n % 3 * 2", I, []any{2, 4, 0, 2}},
		{"n + j > 4", B, []any{false, false, true, true}},
		{"not n > 2", B, []any{true, true, false, false}},
		{"n > 1 and j > 2 or c", B, []any{true, true, true, false}},
		{"c or n > 1 and j > 2", B, []any{true, true, true, false}},
		{"n > 1 & j > 2", B, []any{false, false, true, false}},
		{"n > 1 | j > 2", B, []any{false, true, true, true}},
		{"not c and b", B, []any{false, false, true, nil}},
		{"not not c", B, []any{true, true, false, false}},
		{"~c", B, []any{false, false, true, true}},
		// comparisons, chained comparisons
		{"1 < n < 4", B, []any{false, true, true, false}},
		{"1 < n <= j + 1", B, []any{false, true, true, false}},
		{"n == j", B, []any{false, true, true, false}},
		{"n != j", B, []any{true, false, false, true}},
		{"n <= j", B, []any{true, true, true, false}},
		{"n >= j", B, []any{false, true, true, true}},
		{"f >= g", B, []any{true, false, nil, true}},
		{"f < g", B, []any{false, true, nil, false}},
		{"n == 2.0", B, []any{false, true, false, false}},
		{"s == 'ab'", B, []any{true, false, false, nil}},
		{"s == \"\"", B, []any{false, true, false, nil}},
		{"s < t", B, []any{true, true, false, nil}},
		{"b == c", B, []any{true, false, false, nil}},
		{"b != True", B, []any{false, true, false, nil}},
		{"c == false", B, []any{false, false, true, true}},
		// in / not in
		{"n in [1, 3]", B, []any{true, false, true, false}},
		{"n not in (1, 3)", B, []any{false, true, false, true}},
		{"n in [2.0, 4.5]", B, []any{false, true, false, false}},
		{"n in [-1, 4,]", B, []any{false, false, false, true}},
		{"f in [1.5, 4]", B, []any{true, false, false, true}},
		{"i in [7, 0]", B, []any{true, false, true, nil}},
		{"s in ['ab', '']", B, []any{true, true, false, nil}},
		{"s not in ['ab']", B, []any{false, true, true, nil}},
		{"b in [true]", B, []any{true, false, true, nil}},
		{"n in []", B, []any{false, false, false, false}},
		{"n in [10, 11, 12, 13, 14, 15, 16, 17, 18, 3]", B, []any{false, false, true, false}}, // hashed
		{"t not in ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'ij']", B, []any{true, true, true, false}},
		{"ts2 in ['1970-01-01', '2000-01-01T00:00:00Z']", B, []any{false, true, false, true}},
		// three-valued logic
		{"b and c", B, []any{true, false, false, false}},
		{"b or c", B, []any{true, true, true, nil}},
		{"b and n > 0", B, []any{true, false, true, nil}},
		{"b or n > 3", B, []any{true, false, true, true}},
		{"not b", B, []any{false, true, false, nil}},
		// functions
		{"abs(i)", I, []any{7, 7, 0, nil}},
		{"abs(f)", F, []any{1.5, 2.25, 0.0, 4.0}},
		{"floor(f)", F, []any{1.0, -3.0, 0.0, 4.0}},
		{"ceil(f)", F, []any{2.0, -2.0, 0.0, 4.0}},
		{"floor(n)", I, []any{1, 2, 3, 4}},
		{"round(f)", F, []any{2.0, -2.0, 0.0, 4.0}},
		{"round(f + 1)", F, []any{2.0, -1.0, 1.0, 5.0}}, // halves to even: 2.5 → 2
		{"round(f, 1)", F, []any{1.5, -2.2, 0.0, 4.0}},
		{"round(2.675 + 0 * n, 2)", F, []any{2.67, 2.67, 2.67, 2.67}},
		{"round(1.005 + 0 * n, 2)", F, []any{1.0, 1.0, 1.0, 1.0}}, // 1.005 is stored as 1.00499999...
		{"round(0.125 * n, 2)", F, []any{0.12, 0.25, 0.38, 0.5}},  // exact halves go to even
		{"round(946142094867549.4 + 0 * n, 2)", F, []any{946142094867549.4, 946142094867549.4, 946142094867549.4, 946142094867549.4}},
		{"round(1e300 * n, 2)", F, []any{1e300, 2e300, 3e300, 4e300}}, // too large to scale: unchanged
		{"round(f * 100, -1)", F, []any{150.0, -220.0, 0.0, 400.0}},
		{"round(n * 1050, -2)", I, []any{1000, 2100, 3200, 4200}},
		{"round(-n * 1050, -2)", I, []any{-1000, -2100, -3200, -4200}},
		{"round(n, 2)", I, []any{1, 2, 3, 4}},
		{"min(n, j)", I, []any{1, 2, 3, 1}},
		{"max(n, j, 2.5)", F, []any{2.5, 2.5, 3.0, 4.0}},
		{"min(f, g)", F, []any{0.5, -2.25, nil, -1.0}},
		{"max(s, t)", S, []any{"cd", "ef", "x y", nil}},
		{"min(ts2, d)", TS, []any{"2024-03-01T00:00:00Z", "1970-01-01T00:00:00Z", "2024-12-30T00:00:00Z", "2000-01-01T00:00:00Z"}},
		{"if(c, n, j)", I, []any{1, 2, 3, 1}},
		{"if(b, n, -n)", I, []any{1, -2, 3, -4}},
		{"if(n > 2, 'big', s)", S, []any{"ab", "", "big", "big"}},
		{"if(c, i, 0.5)", F, []any{7.0, -7.0, 0.5, 0.5}},
		{"if(c, null, n)", I, []any{nil, nil, 3, 4}},
		{"if(c, g, f)", F, []any{0.5, 2.0, 0.0, 4.0}},
		{"if(n > 1, 10 // (n - 2), 0)", I, []any{0, nil, 10, 5}},
		{"coalesce(g, f)", F, []any{0.5, 2.0, 0.0, -1.0}},
		{"coalesce(i, j)", I, []any{7, -7, 0, 1}},
		{"coalesce(s, 'none')", S, []any{"ab", "", "x y", "none"}},
		{"coalesce(i, null)", I, []any{7, -7, 0, nil}},
		{"coalesce(i, g)", F, []any{7.0, -7.0, 0.0, -1.0}},
		{"coalesce(i // (n - 1), i, 9)", I, []any{7, -7, 0, 9}},
		{"concat(s, '-', n)", S, []any{"ab-1", "-2", "x y-3", nil}},
		{"s + t", S, []any{"abcd", "ef", "x ygh", nil}},
		{"'#' + t + '#'", S, []any{"#cd#", "#ef#", "#gh#", "#ij#"}},
		{"concat(f, '|', c, '|', d)", S, []any{"1.5|true|2024-03-01", "-2.25|true|2023-01-01", "0.0|false|2024-12-30", "4.0|false|2000-01-01"}},
		{"str(n)", S, []any{"1", "2", "3", "4"}},
		{"str(ts)", S, []any{"2024-02-29T13:45:30Z", "1969-12-31T23:59:59.5Z", "2024-12-31T00:00:00Z", nil}},
		{"str(f * 1e17)", S, []any{"1.5e+17", "-2.25e+17", "0.0", "4e+17"}},
		{"str(f / 1e5)", S, []any{"1.5e-05", "-2.25e-05", "0.0", "4e-05"}},
		{"str(t)", S, []any{"cd", "ef", "gh", "ij"}},
		{"len(s)", I, []any{2, 0, 3, nil}},
		{"len('héllo') + 0 * n", I, []any{5, 5, 5, 5}},
		{"isnull(g)", B, []any{false, false, true, false}},
		{"notnull(s)", B, []any{true, true, true, false}},
		{"int(f)", I, []any{1, -2, 0, 4}},
		{"int(b)", I, []any{1, 0, 1, 0}}, // null condition selects the else branch
		{"float(n)", F, []any{1.0, 2.0, 3.0, 4.0}},
		{"float(c)", F, []any{1.0, 1.0, 0.0, 0.0}},
		{"sqrt(f)", F, []any{math.Sqrt(1.5), nil, 0.0, 2.0}},
		{"log(f)", F, []any{math.Log(1.5), nil, nil, math.Log(4)}},
		{"log10(n * 10)", F, []any{1.0, math.Log10(20), math.Log10(30), math.Log10(40)}},
		{"exp(0 * n)", F, []any{1.0, 1.0, 1.0, 1.0}},
		{"arctan2(f, g)", F, []any{math.Atan2(1.5, 0.5), math.Atan2(-2.25, 2), nil, math.Atan2(4, -1)}},
		// dates and timestamps
		{"year(ts)", I, []any{2024, 1969, 2024, nil}},
		{"quarter(ts)", I, []any{1, 4, 4, nil}},
		{"month(ts)", I, []any{2, 12, 12, nil}},
		{"day(ts)", I, []any{29, 31, 31, nil}},
		{"hour(ts)", I, []any{13, 23, 0, nil}},
		{"minute(ts)", I, []any{45, 59, 0, nil}},
		{"second(ts)", I, []any{30, 59, 0, nil}},
		{"dow(ts)", I, []any{3, 2, 1, nil}},
		{"doy(ts)", I, []any{60, 365, 366, nil}},
		{"week(ts)", I, []any{9, 1, 1, nil}},
		{"is_weekend(d2)", B, []any{false, true, false, true}},
		{"date(ts)", D, []any{"2024-02-29", "1969-12-31", "2024-12-31", nil}},
		{"date(d)", D, []any{"2024-03-01", "2023-01-01", "2024-12-30", "2000-01-01"}},
		{"year(d)", I, []any{2024, 2023, 2024, 2000}},
		{"datetime(d)", TS, []any{"2024-03-01T00:00:00Z", "2023-01-01T00:00:00Z", "2024-12-30T00:00:00Z", "2000-01-01T00:00:00Z"}},
		{"ts + days(3)", TS, []any{"2024-03-03T13:45:30Z", "1970-01-03T23:59:59.5Z", "2025-01-03T00:00:00Z", nil}},
		{"days(1) + ts", TS, []any{"2024-03-01T13:45:30Z", "1970-01-01T23:59:59.5Z", "2025-01-01T00:00:00Z", nil}},
		{"ts2 - minutes(90)", TS, []any{"2024-03-02T00:15:30Z", "1969-12-31T22:30:00Z", "2024-12-30T10:30:00Z", "1999-12-31T22:30:00Z"}},
		{"ts2 + seconds(0.25) - hours(1)", TS, []any{"2024-03-02T00:45:30.25Z", "1969-12-31T23:00:00.25Z", "2024-12-30T11:00:00.25Z", "1999-12-31T23:00:00.25Z"}},
		{"d + days(1.5)", TS, []any{"2024-03-02T12:00:00Z", "2023-01-02T12:00:00Z", "2024-12-31T12:00:00Z", "2000-01-02T12:00:00Z"}},
		{"d + weeks(n)", TS, []any{"2024-03-08T00:00:00Z", "2023-01-15T00:00:00Z", "2025-01-20T00:00:00Z", "2000-01-29T00:00:00Z"}},
		{"d + days(1) * n", TS, []any{"2024-03-02T00:00:00Z", "2023-01-03T00:00:00Z", "2025-01-02T00:00:00Z", "2000-01-05T00:00:00Z"}},
		{"date(d + days(n))", D, []any{"2024-03-02", "2023-01-03", "2025-01-02", "2000-01-05"}},
		{"days_between(d, d2)", I, []any{10, -1, 2, 0}},
		{"days_between(ts, ts2)", F, []any{1.5, 0.5 / 86400, -0.5, nil}},
		{"hours_between(ts, ts2)", F, []any{36.0, 0.5 / 3600, -12.0, nil}},
		{"minutes_between('2024-01-01', d)", F, []any{60 * 24 * 60.0, -365 * 24 * 60.0, 364 * 24 * 60.0, -8766 * 24 * 60.0}},
		{"seconds_between(ts2, ts)", F, []any{-129600.0, -0.5, 43200.0, nil}},
		{"total_hours(ts2 - ts)", F, []any{36.0, 0.5 / 3600, -12.0, nil}},
		{"(ts2 - ts) / days(1)", F, []any{1.5, 0.5 / 86400, -0.5, nil}},
		{"total_minutes(hours(n) * 2)", F, []any{120.0, 240.0, 360.0, 480.0}},
		{"total_seconds(minutes(n) / 4)", F, []any{15.0, 30.0, 45.0, 60.0}},
		{"total_days(1.5 * days(n))", F, []any{1.5, 3.0, 4.5, 6.0}},
		{"total_days(-days(n) + hours(12))", F, []any{-0.5, -1.5, -2.5, -3.5}},
		{"total_days(abs(d - d2))", F, []any{10.0, 1.0, 2.0, 0.0}},
		{"ts2 - ts > hours(24)", B, []any{true, false, false, nil}},
		{"d > '2024-01-01'", B, []any{true, false, true, false}},
		{"'2024-01-01' <= d", B, []any{true, false, true, false}},
		{"d == '2024-12-30'", B, []any{false, false, true, false}},
		{"ts > d", B, []any{false, false, true, nil}},
		{"date(ts) == date(ts2 - days(2))", B, []any{true, false, false, nil}},
		{"year(date('2024-05-06T10:00:00Z')) + 0 * n", I, []any{2024, 2024, 2024, 2024}},
	}
	for _, tc := range tests {
		t.Run(tc.code, func(t *testing.T) {
			p, out := evalCode(t, tc.code, fixture())
			if p.Type() != tc.typ {
				t.Errorf("Type() = %s, want %s", p.Type(), tc.typ)
			}
			if got := values(out); !sameValues(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
			for i, null := range out.Null {
				if !null {
					continue
				}
				switch {
				case out.Type == F && out.Floats[i] != 0, out.Type == S && out.Strs[i] != "",
					out.Type == B && out.Bools[i], isInts(out.Type) && out.Ints[i] != 0:
					t.Errorf("row %d is null but its slot holds a value", i)
				}
			}
		})
	}
}

// TestMathFunctions checks every one-argument math function against the
// Go math package, including domain errors (NaN, ±Inf → null).
func TestMathFunctions(t *testing.T) {
	xs := []float64{0.5, -0.5, 2, 0, -3, 1000}
	cols := map[string]*column.Vector{"x": vec(F, 0.5, -0.5, 2.0, 0.0, -3.0, 1000.0), "n": vec(I, 1, 2, 3, 4, 5, 6)}
	fns := map[string]func(float64) float64{
		"sin": math.Sin, "cos": math.Cos, "tan": math.Tan, "arcsin": math.Asin, "arccos": math.Acos,
		"arctan": math.Atan, "sinh": math.Sinh, "cosh": math.Cosh, "tanh": math.Tanh,
		"arcsinh": math.Asinh, "arccosh": math.Acosh, "arctanh": math.Atanh, "exp": math.Exp,
		"expm1": math.Expm1, "log": math.Log, "log1p": math.Log1p, "log10": math.Log10,
		"log2": math.Log2, "sqrt": math.Sqrt, "abs": math.Abs, "floor": math.Floor, "ceil": math.Ceil,
	}
	for name, f := range fns {
		t.Run(name, func(t *testing.T) {
			_, out := evalCode(t, name+"(x)", cols)
			want := make([]any, len(xs))
			nulls := 0
			for i, x := range xs {
				if y := f(x); !math.IsNaN(y) && !math.IsInf(y, 0) {
					want[i] = y
				} else {
					nulls++
				}
			}
			if got := values(out); !sameValues(got, want) {
				t.Errorf("got %v, want %v", got, want)
			}
			// int arguments are converted to float
			if name != "abs" && name != "floor" && name != "ceil" {
				_, out := evalCode(t, name+"(n)", cols)
				if out.Type != F {
					t.Errorf("%s(int) has type %s, want float", name, out.Type)
				}
			}
		})
	}
}

// TestCalendarMatchesTimePackage compares the calendar functions with
// the time package over timestamps spread across ±10 000 years.
func TestCalendarMatchesTimePackage(t *testing.T) {
	const rows = 20000
	v := &column.Vector{}
	v.Reset(TS, rows)
	span := int64(10_000 * 366 * column.MicrosPerDay)
	x := uint64(0x9E3779B97F4A7C15)
	for i := range v.Ints {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		v.Ints[i] = int64(x%uint64(2*span)) - span
	}
	v.Ints[0], v.Ints[1], v.Ints[2] = 0, -1, column.MicrosPerDay-1
	cols := map[string]*column.Vector{"ts": v}
	get := func(name string) *column.Vector { return cols[name] }
	parts := map[string]func(us int64) int64{
		"year":    func(us int64) int64 { return int64(column.Time(us).Year()) },
		"quarter": func(us int64) int64 { return int64(column.Time(us).Month()-1)/3 + 1 },
		"month":   func(us int64) int64 { return int64(column.Time(us).Month()) },
		"day":     func(us int64) int64 { return int64(column.Time(us).Day()) },
		"hour":    func(us int64) int64 { return int64(column.Time(us).Hour()) },
		"minute":  func(us int64) int64 { return int64(column.Time(us).Minute()) },
		"second":  func(us int64) int64 { return int64(column.Time(us).Second()) },
		"dow":     func(us int64) int64 { return int64(column.Time(us).Weekday()+6) % 7 },
		"doy":     func(us int64) int64 { return int64(column.Time(us).YearDay()) },
		"week":    func(us int64) int64 { _, w := column.Time(us).ISOWeek(); return int64(w) },
		"date": func(us int64) int64 {
			y, m, d := column.Time(us).Date()
			return column.Micros(time.Date(y, m, d, 0, 0, 0, 0, time.UTC))
		},
	}
	for name, want := range parts {
		p, err := Compile(name+"(ts)", map[string]column.Type{"ts": TS})
		if err != nil {
			t.Fatal(err)
		}
		out := &column.Vector{}
		if err := p.NewEvaluator().Eval(get, rows, out); err != nil {
			t.Fatal(err)
		}
		for i, us := range v.Ints {
			if got, w := out.Ints[i], want(us); got != w {
				t.Fatalf("%s(%s) = %d, want %d", name, column.Time(us), got, w)
			}
		}
	}
}

func TestTypesAndColumns(t *testing.T) {
	cols := map[string]column.Type{"a": I, "b2": F, "name": S, "ok": B, "at": TS, "on": D, "unused": I}
	tests := []struct {
		code string
		typ  column.Type
		cols []string
	}{
		{"b2 * a + a", F, []string{"a", "b2"}},
		{"a // 2", I, []string{"a"}},
		{"a / 2", F, []string{"a"}},
		{"name + 'x'", S, []string{"name"}},
		{"at > on", B, []string{"at", "on"}},
		{"on + days(a)", TS, []string{"a", "on"}},
		{"date(at)", D, []string{"at"}},
		{"1 + 2", I, []string{}},
		{"if(ok, 1, 2.0)", F, []string{"ok"}},
	}
	for _, tc := range tests {
		p, err := Compile(tc.code, cols)
		if err != nil {
			t.Fatalf("Compile(%q): %v", tc.code, err)
		}
		if p.Type() != tc.typ || !slices.Equal(p.Columns(), tc.cols) && len(tc.cols)+len(p.Columns()) > 0 {
			t.Errorf("%q: type %s columns %v, want %s %v", tc.code, p.Type(), p.Columns(), tc.typ, tc.cols)
		}
		if p.Code() != tc.code {
			t.Errorf("Code() = %q", p.Code())
		}
	}
}

// TestEvalReuse evaluates one evaluator over blocks of different sizes
// and null patterns: results must not leak from one block to the next.
func TestEvalReuse(t *testing.T) {
	p, err := Compile("coalesce(a * 2, b) + if(a > 1, 1, 0)", map[string]column.Type{"a": I, "b": I})
	if err != nil {
		t.Fatal(err)
	}
	ev := p.NewEvaluator()
	out := &column.Vector{}
	blocks := []struct {
		a, b *column.Vector
		want []any
	}{
		{vec(I, 1, nil, 3), vec(I, 5, 6, nil), []any{2, 6, 7}},
		{vec(I, 4, 5), vec(I, nil, nil), []any{9, 11}},
		{vec(I, nil, nil, nil, 1), vec(I, 1, nil, 2, 3), []any{1, nil, 2, 2}},
		{vec(I, 2), vec(I, 0), []any{5}},
	}
	for k, bl := range blocks {
		get := func(name string) *column.Vector {
			if name == "a" {
				return bl.a
			}
			return bl.b
		}
		if err := ev.Eval(get, bl.a.Len(), out); err != nil {
			t.Fatal(err)
		}
		if got := values(out); !sameValues(got, bl.want) {
			t.Errorf("block %d: got %v, want %v", k, got, bl.want)
		}
	}
}

// TestStringResultsSurviveNextBlock checks that strings built in one
// block are not overwritten by the next.
func TestStringResultsSurviveNextBlock(t *testing.T) {
	p, err := Compile("concat('id-', a)", map[string]column.Type{"a": I})
	if err != nil {
		t.Fatal(err)
	}
	ev := p.NewEvaluator()
	first := &column.Vector{}
	a := vec(I, 1, 2, 3)
	if err := ev.Eval(func(string) *column.Vector { return a }, 3, first); err != nil {
		t.Fatal(err)
	}
	second := &column.Vector{}
	b := vec(I, 777, 888, 999)
	if err := ev.Eval(func(string) *column.Vector { return b }, 3, second); err != nil {
		t.Fatal(err)
	}
	if got := values(first); !sameValues(got, []any{"id-1", "id-2", "id-3"}) {
		t.Errorf("first block changed to %v", got)
	}
	if got := values(second); !sameValues(got, []any{"id-777", "id-888", "id-999"}) {
		t.Errorf("second block %v", got)
	}
}

func TestEvalInputErrors(t *testing.T) {
	p, err := Compile("a + 1", map[string]column.Type{"a": I})
	if err != nil {
		t.Fatal(err)
	}
	ev := p.NewEvaluator()
	out := &column.Vector{}
	tests := []struct {
		v    *column.Vector
		want string
	}{
		{nil, `expression "a + 1": column "a" is not available`},
		{vec(F, 1.0, 2.0), `expression "a + 1": column "a" holds float values but the expression was compiled for int`},
		{vec(I, 1), `expression "a + 1": column "a" has 1 rows, 2 needed`},
	}
	for _, tc := range tests {
		err := ev.Eval(func(string) *column.Vector { return tc.v }, 2, out)
		if err == nil || err.Error() != tc.want {
			t.Errorf("got %v, want %s", err, tc.want)
		}
	}
	if err := ev.Eval(func(string) *column.Vector { return vec(I, 1, 2) }, -1, out); err == nil {
		t.Error("negative n: no error")
	}
	if err := ev.Eval(func(string) *column.Vector { return vec(I, 1, 2) }, 2, out); err != nil || !sameValues(values(out), []any{2, 3}) {
		t.Errorf("after errors: %v %v", err, values(out))
	}
}

// TestIntegerExtremes checks wrapping integer arithmetic at the limits
// (Go semantics, no panic) and float-to-int conversion out of range.
func TestIntegerExtremes(t *testing.T) {
	cols := map[string]*column.Vector{"n": vec(I, 1, 1, 1, 1)}
	tests := []struct {
		code string
		want []any
	}{
		{"(-9223372036854775807 - n) // -1", []any{math.MinInt64, math.MinInt64, math.MinInt64, math.MinInt64}},
		{"(-9223372036854775807 - n) % -1", []any{0, 0, 0, 0}},
		{"9223372036854775807 + n", []any{math.MinInt64, math.MinInt64, math.MinInt64, math.MinInt64}},
		{"abs(-9223372036854775807 - n)", []any{math.MinInt64, math.MinInt64, math.MinInt64, math.MinInt64}},
		{"int(1e19 * n)", []any{nil, nil, nil, nil}},
		{"int(-9.2e18 * n)", []any{-9200000000000000000, -9200000000000000000, -9200000000000000000, -9200000000000000000}},
		{"3 ** 40 + 0 * n", []any{-6289078614652622815, -6289078614652622815, -6289078614652622815, -6289078614652622815}},
	}
	for _, tc := range tests {
		_, out := evalCode(t, tc.code, cols)
		want := make([]any, len(tc.want))
		for i, w := range tc.want {
			if w != nil {
				want[i] = int64(w.(int))
			}
		}
		if got := values(out); !sameValues(got, want) {
			t.Errorf("%s: got %v, want %v", tc.code, got, want)
		}
	}
}

// TestConstantExpressions evaluates expressions without columns: the
// constant fills every row, and the output does not share storage with
// the evaluator's scratch vectors.
func TestConstantExpressions(t *testing.T) {
	tests := []struct {
		code string
		typ  column.Type
		want any
	}{
		{"5", I, int64(5)},
		{"2.5", F, 2.5},
		{"'x'", S, "x"},
		{"True", B, true},
		{"-3", I, int64(-3)},
		{"'2024-01-31' > '2024-01-30'", B, true},
		{"date('2024-01-31T10:00:00Z')", D, "2024-01-31"},
		{"datetime('2024-01-31T10:00:00+02:00')", TS, "2024-01-31T08:00:00Z"},
	}
	for _, tc := range tests {
		p, err := Compile(tc.code, nil)
		if err != nil {
			t.Fatalf("Compile(%q): %v", tc.code, err)
		}
		ev := p.NewEvaluator()
		out := &column.Vector{}
		for _, n := range []int{3, 5} {
			if err := ev.Eval(nil, n, out); err != nil {
				t.Fatal(err)
			}
			if p.Type() != tc.typ || out.Len() != n {
				t.Fatalf("%q: %s × %d", tc.code, out.Type, out.Len())
			}
			for i, v := range values(out) {
				if v != tc.want {
					t.Errorf("%q row %d: %v, want %v", tc.code, i, v, tc.want)
				}
			}
		}
		if isInts(out.Type) {
			out.Ints[0] = 99 // must not change the next block
			if err := ev.Eval(nil, 2, out); err != nil || values(out)[0] != tc.want {
				t.Errorf("%q: output shares storage with the constant", tc.code)
			}
		}
	}
}

// TestConcurrentEvaluators shares one program between workers, each with
// its own evaluator (run with -race).
func TestConcurrentEvaluators(t *testing.T) {
	cols := fixture()
	p, err := Compile("concat(s, n) + if(n in [1, 2], 'x', 'y')", types(cols))
	if err != nil {
		t.Fatal(err)
	}
	want := []any{"ab1x", "2x", "x y3y", nil}
	errs := make(chan string, 4)
	for range 4 {
		go func() {
			ev := p.NewEvaluator()
			out := &column.Vector{}
			for range 200 {
				if err := ev.Eval(func(name string) *column.Vector { return cols[name] }, 4, out); err != nil {
					errs <- err.Error()
					return
				}
				if got := values(out); !sameValues(got, want) {
					errs <- "wrong values"
					return
				}
			}
			errs <- ""
		}()
	}
	for range 4 {
		if e := <-errs; e != "" {
			t.Error(e)
		}
	}
}

// TestTimeArithmeticOverflow: a duration or an instant that does not fit
// in 64 bits of microseconds has no value (null); it never wraps around to
// a plausible time.
func TestTimeArithmeticOverflow(t *testing.T) {
	cols := map[string]*column.Vector{
		"n":  vec(I, 1, 1, 2, 1),
		"ts": vec(column.Timestamp, "2024-02-29T13:45:30Z", "1969-12-31T23:59:59.5Z", "2024-12-31T00:00:00Z", nil),
	}
	tests := []struct {
		code string
		want []any
	}{
		{"ts + days(9223372036854775807)", []any{nil, nil, nil, nil}},
		{"ts + days(4611686018427387904 * n)", []any{nil, nil, nil, nil}},
		{"ts - days(106751991 * n)", []any{nil, nil, nil, nil}},
		{"ts + hours(2562047788 * n)", []any{nil, nil, nil, nil}},
		{"ts + days(n)", []any{"2024-03-01T13:45:30Z", "1970-01-01T23:59:59.5Z", "2025-01-02T00:00:00Z", nil}},
	}
	for _, tc := range tests {
		_, out := evalCode(t, tc.code, cols)
		if got := values(out); !sameValues(got, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.code, got, tc.want)
		}
	}
}
