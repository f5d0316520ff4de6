package expr

import (
	"testing"

	"datagen/src/column"
)

// benchRows is the engine's block size.
const benchRows = 64 * 1024

func benchCols() map[string]*column.Vector {
	price, qty, disc, ts, status := &column.Vector{}, &column.Vector{}, &column.Vector{}, &column.Vector{}, &column.Vector{}
	price.Reset(column.Float, benchRows)
	qty.Reset(column.Int, benchRows)
	disc.Reset(column.Float, benchRows)
	ts.Reset(column.Timestamp, benchRows)
	status.Reset(column.String, benchRows)
	names := []string{"new", "paid", "shipped", "returned"}
	for i := range benchRows {
		price.Floats[i] = 1 + float64(i%997)/10
		qty.Ints[i] = int64(1 + i%7)
		disc.Floats[i] = float64(i%5) / 20
		ts.Ints[i] = 1_700_000_000_000_000 + int64(i)*3_600_000_000
		status.Strs[i] = names[i%4]
	}
	disc.SetNull(17)
	return map[string]*column.Vector{"unit_price": price, "quantity": qty, "discount": disc, "ts": ts, "status": status}
}

func benchExpr(b *testing.B, code string) {
	cols := benchCols()
	p, err := Compile(code, types(cols))
	if err != nil {
		b.Fatal(err)
	}
	ev := p.NewEvaluator()
	out := &column.Vector{}
	get := func(name string) *column.Vector { return cols[name] }
	if err := ev.Eval(get, benchRows, out); err != nil { // warm the scratch vectors
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if err := ev.Eval(get, benchRows, out); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)*benchRows/b.Elapsed().Seconds(), "values/s")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/benchRows, "ns/value")
}

func BenchmarkSimple(b *testing.B) { benchExpr(b, "unit_price * quantity") }

func BenchmarkLong(b *testing.B) {
	benchExpr(b, "round(if(status in ['paid', 'shipped'] and hour(ts) >= 9, unit_price * quantity * (1 - coalesce(discount, 0)), 0) + sqrt(quantity) / 3, 2)")
}

func BenchmarkDates(b *testing.B) {
	benchExpr(b, "days_between(date(ts), date(ts + days(quantity))) + month(ts) * 100 + dow(ts)")
}

func BenchmarkString(b *testing.B) { benchExpr(b, "concat(status, '-', quantity)") }
