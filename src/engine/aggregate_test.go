package engine_test

import (
	"math"
	"strconv"
	"strings"
	"testing"

	"datagen/src/column"
	"datagen/src/engine"
)

// TestAggregatesEqualTheirChildren checks every aggregate function against
// the child rows written for each parent, including parents without
// children, a where filter, a column reading an aggregate, and an
// aggregate of aggregates (customer.orders_total).
func TestAggregatesEqualTheirChildren(t *testing.T) {
	p := loadPlan(t, "testdata/aggregate.json", false)
	out := generateCSV(t, p, engine.Options{Seed: 5, BlockRows: 97})
	oh, orders := records(t, out["orders"])
	lh, lines := records(t, out["order_line"])
	ch, customers := records(t, out["customer"])
	type agg struct {
		sum, priceSum, maxPrice float64
		n, big, cents           int64
		minQty                  int64
	}
	byOrder := map[string]*agg{}
	for _, l := range lines {
		id := l[col(lh, "order_id")]
		a := byOrder[id]
		if a == nil {
			a = &agg{minQty: math.MaxInt64}
			byOrder[id] = a
		}
		total := num(t, l[col(lh, "line_total")])
		a.cents += cents(t, l[col(lh, "line_total")])
		price := num(t, l[col(lh, "unit_price")])
		qty := int64(num(t, l[col(lh, "quantity")]))
		a.sum += total
		a.priceSum += price
		a.maxPrice = max(a.maxPrice, price)
		a.n++
		if qty >= 3 {
			a.big++
		}
		a.minQty = min(a.minQty, qty)
	}
	empty := 0
	byCustomer := map[string]int64{}
	for _, o := range orders {
		a := byOrder[o[col(oh, "order_id")]]
		get := func(name string) string { return o[col(oh, name)] }
		basket := num(t, get("basket_value"))
		byCustomer[get("customer_id")] += cents(t, get("basket_value"))
		if a == nil {
			empty++
			if basket != 0 || get("lines") != "0" || get("big_lines") != "0" || get("mean_price") != "" || get("min_qty") != "" || get("max_price") != "" {
				t.Fatalf("order %s without lines: got %v", get("order_id"), o)
			}
			continue
		}
		if cents(t, get("basket_value")) != a.cents || cents(t, get("basket_dec")) != a.cents {
			t.Errorf("order %s: basket_value %s, basket_dec %s, lines sum to %d cents", get("order_id"), get("basket_value"), get("basket_dec"), a.cents)
		}
		if want := strconv.FormatFloat(column.RoundHalfEven(basket*1.2, 2), 'f', -1, 64); get("with_tax") != want {
			t.Errorf("order %s: with_tax %s, want %s", get("order_id"), get("with_tax"), want)
		}
		if get("lines") != strconv.FormatInt(a.n, 10) || get("big_lines") != strconv.FormatInt(a.big, 10) || get("min_qty") != strconv.FormatInt(a.minQty, 10) {
			t.Errorf("order %s: lines %s big %s min %s, want %d %d %d", get("order_id"), get("lines"), get("big_lines"), get("min_qty"), a.n, a.big, a.minQty)
		}
		if math.Abs(num(t, get("mean_price"))-a.priceSum/float64(a.n)) > 1e-9 || num(t, get("max_price")) != a.maxPrice {
			t.Errorf("order %s: mean %s max %s, want %v %v", get("order_id"), get("mean_price"), get("max_price"), a.priceSum/float64(a.n), a.maxPrice)
		}
	}
	if empty == 0 || empty == len(orders) {
		t.Fatalf("%d of %d orders without lines: the test needs both kinds", empty, len(orders))
	}
	for _, c := range customers {
		got := cents(t, c[col(ch, "orders_total")])
		if want := byCustomer[c[col(ch, "customer_id")]]; got != want {
			t.Errorf("customer %s: orders_total %v, orders sum to %v", c[col(ch, "customer_id")], got, want)
		}
	}
}

// TestAggregatesAreInvariant: workers, block size and parts do not change
// the aggregated values.
func TestAggregatesAreInvariant(t *testing.T) {
	p := loadPlan(t, "testdata/aggregate.json", false)
	whole := generateCSV(t, p, engine.Options{Seed: 8, Workers: 1, BlockRows: 1000})
	many := generateCSV(t, p, engine.Options{Seed: 8, Workers: 8, BlockRows: 37})
	for id, b := range whole {
		if string(many[id]) != string(b) {
			t.Errorf("table %s: 1 worker and 8 workers with small blocks differ", id)
		}
	}
	const parts = 3
	joined := map[string]string{}
	for k := 0; k < parts; k++ {
		for id, b := range generateCSV(t, p, engine.Options{Seed: 8, Workers: 2, Parts: parts, Part: k, BlockRows: 53}) {
			lines := strings.SplitAfter(string(b), "\n")
			joined[id] += strings.Join(lines[1:], "")
		}
	}
	for id, b := range whole {
		lines := strings.SplitAfter(string(b), "\n")
		if joined[id] != strings.Join(lines[1:], "") {
			t.Errorf("table %s: %d parts differ from the single run", id, parts)
		}
	}
}

// cents reads a CSV number with at most two decimals as an exact count
// of hundredths.
func cents(t *testing.T, s string) int64 {
	t.Helper()
	whole, frac, _ := strings.Cut(s, ".")
	if len(frac) > 2 {
		t.Fatalf("%q has more than two decimals", s)
	}
	frac += strings.Repeat("0", 2-len(frac))
	neg := strings.HasPrefix(whole, "-")
	w, err1 := strconv.ParseInt(strings.TrimPrefix(whole, "-"), 10, 64)
	f, err2 := strconv.ParseInt(frac, 10, 64)
	if err1 != nil || err2 != nil {
		t.Fatalf("not a number: %q", s)
	}
	if neg {
		return -(w*100 + f)
	}
	return w*100 + f
}

func num(t *testing.T, s string) float64 {
	t.Helper()
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("not a number: %q", s)
	}
	return f
}

// TestAggregatesOfAPreview: with every table capped (--dry-run-sample),
// the aggregates cover the children that are written.
func TestAggregatesOfAPreview(t *testing.T) {
	p := loadPlan(t, "testdata/aggregate.json", false)
	out := generateCSV(t, p, engine.Options{Seed: 5, SampleRows: 40, BlockRows: 16})
	oh, orders := records(t, out["orders"])
	lh, lines := records(t, out["order_line"])
	sums := map[string]int64{}
	for _, l := range lines {
		sums[l[col(lh, "order_id")]] += cents(t, l[col(lh, "line_total")])
	}
	for _, o := range orders {
		if got, want := cents(t, o[col(oh, "basket_value")]), sums[o[col(oh, "order_id")]]; got != want {
			t.Errorf("order %s: basket_value %d cents, its written lines sum to %d", o[col(oh, "order_id")], got, want)
		}
	}
}
