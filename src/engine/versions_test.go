package engine_test

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"datagen/src/engine"
)

// scdLookupSchema has a customer whose plan and score change, written
// with history as; orders (with a time column, declared after the
// lookup that reads it) and tickets (joined on the customer id, with a
// nullable time) copy them, and order lines (without a time column: they
// take their order's) copy the plan of a random customer, whose id they
// copy too. orders counts its pro lines, and customer its pro orders.
func scdLookupSchema(as string) []byte {
	return fmt.Appendf(nil, `{
  "version": "1.0", "metadata": {"name": "scd_lookup"},
  "timeframe": {"start": "2024-01-01", "end": "2025-01-01", "freq": "D"},
  "nodes": [
    {"id": "customer", "kind": "entity", "pk": "customer_id", "rows": 600, "history": {"as": %q},
     "columns": [
       {"name": "customer_id", "type": "int", "generator": {"sequence": {"start": 1}}},
       {"name": "signup_at", "type": "datetime", "generator": {"datetime_series": {"within": "timeframe", "freq": "h"}}},
       {"name": "plan", "type": "string", "generator": {"choice": {"choices": ["free", "pro", "team"]}},
        "changes": {"every": "30d", "p": 0.3}},
       {"name": "score", "type": "float", "decimals": 2, "nullable": true, "null_rate": 0.1,
        "generator": {"distribution": {"type": "normal", "params": {"mean": 50, "std": 10}}},
        "changes": {"every": "14d", "p": 0.2}},
       {"name": "region", "type": "string", "generator": {"choice": {"choices": ["north", "south"]}}},
       {"name": "pro_orders", "type": "int", "generator": {"aggregate": {"from": "orders.order_id", "fn": "count", "where": "plan == 'pro'"}}}
     ]},
    {"id": "orders", "kind": "fact", "pk": "order_id", "parents": ["customer"],
     "fanout": {"distribution": "poisson", "lambda": 4},
     "columns": [
       {"name": "order_id", "type": "int", "generator": {"sequence": {"start": 1}}},
       {"name": "customer_id", "type": "int", "generator": {"lookup": {"from": "customer.customer_id"}}},
       {"name": "plan", "type": "string", "generator": {"lookup": {"from": "customer.plan"}}},
       {"name": "score", "type": "float", "nullable": true, "generator": {"lookup": {"from": "customer.score"}}},
       {"name": "ordered_at", "type": "datetime", "generator": {"datetime_series": {"within": {"start_col": "customer.signup_at"}, "freq": "min"}}},
       {"name": "pro_lines", "type": "int", "generator": {"aggregate": {"from": "order_line.line_id", "fn": "count", "where": "plan == 'pro'"}}}
     ]},
    {"id": "order_line", "kind": "fact", "pk": "line_id", "parents": ["orders"],
     "fanout": {"distribution": "uniform", "min": 0, "max": 3},
     "columns": [
       {"name": "line_id", "type": "int", "generator": {"sequence": {"start": 1}}},
       {"name": "order_id", "type": "int", "generator": {"lookup": {"from": "orders.order_id"}}},
       {"name": "customer_id", "type": "int", "generator": {"lookup": {"from": "customer.customer_id"}}},
       {"name": "plan", "type": "string", "generator": {"lookup": {"from": "customer.plan"}}}
     ]},
    {"id": "ticket", "kind": "entity", "pk": "ticket_id", "rows": 3000,
     "columns": [
       {"name": "ticket_id", "type": "int", "generator": {"sequence": {"start": 1}}},
       {"name": "customer_ref", "type": "int", "generator": {"distribution": {"type": "uniform", "params": {"low": 1, "high": 600}}}},
       {"name": "plan", "type": "string", "nullable": true, "generator": {"lookup": {"from": "customer.plan", "on": {"customer_ref": "customer_id"}}}},
       {"name": "opened_at", "type": "datetime", "nullable": true, "null_rate": 0.1,
        "generator": {"datetime_series": {"within": "timeframe", "freq": "h"}}}
     ]}
  ]
}`, as)
}

// custVersions is the history of one customer's columns: the instants
// its versions start and each version's values, in time order.
type custVersions struct {
	from []int64
	vals []map[string]string
}

// at returns the value of column name at instant t: the version with
// valid_from <= t < valid_to, or the first version before the customer
// began.
func (c *custVersions) at(t int64, name string) string {
	k := sort.Search(len(c.from), func(i int) bool { return c.from[i] > t }) - 1
	return c.vals[max(k, 0)][name]
}

// readVersions reads the customers of a versions or events table.
func readVersions(t *testing.T, b []byte, as string) map[string]*custVersions {
	h, rows := records(t, b)
	from := col(h, "valid_from")
	if as == "events" {
		from = col(h, "changed_at")
	}
	out := map[string]*custVersions{}
	for _, r := range rows {
		id := r[col(h, "customer_id")]
		c := out[id]
		if c == nil {
			c = &custVersions{}
			out[id] = c
		}
		at := micros(t, r[from])
		if n := len(c.from); n > 0 && at < c.from[n-1] {
			t.Fatalf("customer %s: versions out of time order", id)
		}
		c.from = append(c.from, at)
		vals := map[string]string{}
		for i, name := range h {
			vals[name] = r[i]
		}
		c.vals = append(c.vals, vals)
	}
	return out
}

// TestLookupReadsTheVersionAtTheRowsTime checks, for versions and events,
// that every looked-up value of a changing column is the customer's
// version current at the reading row's time, as written in the same run:
// orders at their time column (a parent lookup), order lines at their
// order's time (random lookups), tickets at theirs (a join; a null time
// reads the first version). The aggregate over the lines sees the same
// values, and the values do not depend on workers, block size or parts.
func TestLookupReadsTheVersionAtTheRowsTime(t *testing.T) {
	for _, as := range []string{"versions", "events"} {
		t.Run(as, func(t *testing.T) {
			p := parsePlan(t, scdLookupSchema(as), false)
			out := generateCSV(t, p, engine.Options{Seed: 7, Workers: 2, BlockRows: 256})
			cust := readVersions(t, out["customer"], as)
			if len(cust) != 600 {
				t.Fatalf("%d customers", len(cust))
			}
			first := func(id string) map[string]string { return cust[id].vals[0] }
			// check compares one table's copies with the versions; later
			// counts the rows that copy a version other than the first.
			check := func(table string, names []string, timeOf func(r []string, h []string) (int64, bool)) (rows, later int) {
				h, recs := records(t, out[table])
				for _, r := range recs {
					key := "customer_id"
					if table == "ticket" {
						key = "customer_ref"
					}
					id := r[col(h, key)]
					c := cust[id]
					if c == nil {
						t.Fatalf("%s %v: no customer %s", table, r, id)
					}
					at, ok := timeOf(r, h)
					for _, name := range names {
						want := first(id)[name]
						if ok {
							want = c.at(at, name)
						}
						if got := r[col(h, name)]; got != want {
							t.Fatalf("%s %v: %s %q, the customer's version at the row's time has %q", table, r, name, got, want)
						}
						if want != first(id)[name] {
							later++
						}
					}
					rows++
				}
				return rows, later
			}
			orderTime := map[string]int64{}
			oh, orders := records(t, out["orders"])
			for _, o := range orders {
				orderTime[o[col(oh, "order_id")]] = micros(t, o[col(oh, "ordered_at")])
			}
			for _, c := range []struct {
				table  string
				names  []string
				timeOf func(r, h []string) (int64, bool)
			}{
				{"orders", []string{"plan", "score"}, func(r, h []string) (int64, bool) { return micros(t, r[col(h, "ordered_at")]), true }},
				{"order_line", []string{"plan"}, func(r, h []string) (int64, bool) {
					at, ok := orderTime[r[col(h, "order_id")]]
					if !ok {
						t.Fatalf("line %v: no order", r)
					}
					return at, true
				}},
				{"ticket", []string{"plan"}, func(r, h []string) (int64, bool) {
					if s := r[col(h, "opened_at")]; s != "" {
						return micros(t, s), true
					}
					return 0, false
				}},
			} {
				rows, later := check(c.table, c.names, c.timeOf)
				// Tens of percent of the copies come from a later version.
				if rows < 1000 || later < rows/20 {
					t.Errorf("%s: %d rows, %d copies of a later version", c.table, rows, later)
				}
			}
			// The aggregate counts the lines' copies.
			lh, lines := records(t, out["order_line"])
			pro := map[string]int{}
			for _, l := range lines {
				if l[col(lh, "plan")] == "pro" {
					pro[l[col(lh, "order_id")]]++
				}
			}
			for _, o := range orders {
				if got, want := o[col(oh, "pro_lines")], fmt.Sprint(pro[o[col(oh, "order_id")]]); got != want {
					t.Fatalf("order %v: pro_lines %s, its lines have %s", o, got, want)
				}
			}
			// The customer's aggregate counts its orders' copies (the orders
			// are scanned before the customer is written, at their time).
			proOrders := map[string]int{}
			for _, o := range orders {
				if o[col(oh, "plan")] == "pro" {
					proOrders[o[col(oh, "customer_id")]]++
				}
			}
			for id, c := range cust {
				for _, v := range c.vals {
					if got, want := v["pro_orders"], fmt.Sprint(proOrders[id]); got != want {
						t.Fatalf("customer %s: pro_orders %s, its orders have %s", id, got, want)
					}
				}
			}
			// Workers, block sizes and parts do not change the copies.
			many := generateCSV(t, p, engine.Options{Seed: 7, Workers: 8, BlockRows: 97})
			for id, b := range out {
				if !bytes.Equal(b, many[id]) {
					t.Errorf("%s: workers 2 and 8 (other block sizes) differ", id)
				}
			}
			joined := map[string][]string{}
			for k := range 3 {
				opts := engine.WithSplitMin(engine.Options{Seed: 7, Workers: 2, Parts: 3, Part: k, BlockRows: 128}, 1)
				for id, b := range generateCSV(t, p, opts) {
					lines := strings.SplitAfter(string(b), "\n")
					joined[id] = append(joined[id], lines[1:len(lines)-1]...)
				}
			}
			for id, b := range out {
				lines := strings.SplitAfter(string(b), "\n")
				want, got := lines[1:len(lines)-1], joined[id]
				sort.Strings(want)
				sort.Strings(got)
				if strings.Join(got, "") != strings.Join(want, "") {
					t.Errorf("%s: three parts hold %d rows, one run %d, or other rows", id, len(got), len(want))
				}
			}
		})
	}
}

// TestVersionedLookupsInWindows checks that the copies of changing
// columns do not depend on the window: three consecutive windows hold
// exactly the orders, lines and tickets of one run, with 1 and 8 workers.
func TestVersionedLookupsInWindows(t *testing.T) {
	p := parsePlan(t, scdLookupSchema("versions"), false)
	tf := p.Schema.Timeframe
	span := tf.End.Sub(tf.Start)
	cuts := []time.Time{tf.Start, tf.Start.Add(span / 3), tf.Start.Add(2 * span / 3), tf.End.Add(time.Second)}
	union := windowRows(t, p, mustWindow(t, cuts[0], cuts[3]), 2)
	for _, workers := range []int{1, 8} {
		joined := map[string][]string{}
		for k := 0; k < 3; k++ {
			for id, rows := range windowRows(t, p, mustWindow(t, cuts[k], cuts[k+1]), workers) {
				joined[id] = append(joined[id], rows...)
			}
		}
		for _, id := range []string{"orders", "order_line", "ticket"} {
			want, got := union[id], joined[id]
			sort.Strings(want)
			sort.Strings(got)
			if len(want) < 1000 || strings.Join(got, "") != strings.Join(want, "") {
				t.Errorf("workers %d: %s: the windows hold %d rows, one run %d, or other rows", workers, id, len(got), len(want))
			}
		}
	}
}

// TestVersionedLookupsOpenTimeline checks an open timeline: customers
// arrive at a rate with a changing plan, their orders (a per-unit fanout)
// and the orders' lines copy it. Three consecutive windows hold exactly the
// orders and lines of one run over their union, with 1 and 8 workers, and
// every copy is the customer's version at the order's time.
func TestVersionedLookupsOpenTimeline(t *testing.T) {
	p := parsePlan(t, []byte(`{
  "version": "1.0", "metadata": {"name": "scd_open"},
  "timeframe": {"start": "2025-01-01T00:00:00Z", "end": "open", "freq": "h"},
  "nodes": [
    {"id": "customer", "kind": "entity", "pk": "customer_id", "arrivals": {"per": "day", "mean": 20},
     "history": {"as": "versions"},
     "columns": [
       {"name": "customer_id", "type": "int", "generator": {"sequence": {"start": 1}}},
       {"name": "signed_up_at", "type": "datetime", "generator": {"datetime_series": {"within": "timeframe", "freq": "s"}}},
       {"name": "plan", "type": "string", "generator": {"choice": {"choices": ["free", "pro", "team"]}},
        "changes": {"every": "7d", "p": 0.3}}
     ]},
    {"id": "orders", "kind": "fact", "pk": "order_id", "parents": ["customer"], "fanout": {"per": "day", "lambda": 0.3},
     "columns": [
       {"name": "order_id", "type": "int", "generator": {"sequence": {"start": 1}}},
       {"name": "customer_id", "type": "int", "generator": {"lookup": {"from": "customer.customer_id"}}},
       {"name": "plan", "type": "string", "generator": {"lookup": {"from": "customer.plan"}}},
       {"name": "ordered_at", "type": "datetime", "generator": {"datetime_series": {"within": "timeframe", "freq": "s"}}}
     ]},
    {"id": "order_line", "kind": "fact", "pk": "line_id", "parents": ["orders"],
     "fanout": {"distribution": "uniform", "min": 1, "max": 2},
     "columns": [
       {"name": "line_id", "type": "int", "generator": {"sequence": {"start": 1}}},
       {"name": "order_id", "type": "int", "generator": {"lookup": {"from": "orders.order_id"}}},
       {"name": "plan", "type": "string", "generator": {"lookup": {"from": "orders.plan"}}}
     ]}
  ]
}`), false)
	start := p.Schema.Timeframe.Start
	cuts := []time.Time{start, start.Add(20 * 24 * time.Hour), start.Add(40 * 24 * time.Hour), start.Add(60 * 24 * time.Hour)}
	union := generateCSV(t, p, engine.Options{Seed: 11, Workers: 2, Window: mustWindow(t, cuts[0], cuts[3])})
	cust := readVersions(t, union["customer"], "versions")
	h, orders := records(t, union["orders"])
	later := 0
	for _, o := range orders {
		c := cust[o[col(h, "customer_id")]]
		want := c.at(micros(t, o[col(h, "ordered_at")]), "plan")
		if got := o[col(h, "plan")]; got != want {
			t.Fatalf("order %v: plan %q, the customer's version at the order's time has %q", o, got, want)
		}
		if want != c.vals[0]["plan"] {
			later++
		}
	}
	if len(orders) < 1000 || later < len(orders)/20 {
		t.Fatalf("%d orders, %d copies of a later version", len(orders), later)
	}
	for _, workers := range []int{1, 8} {
		joined := map[string][]string{}
		for k := 0; k < 3; k++ {
			out := generateCSV(t, p, engine.Options{Seed: 11, Workers: workers, BlockRows: 257, Window: mustWindow(t, cuts[k], cuts[k+1])})
			for id, b := range out {
				lines := strings.SplitAfter(string(b), "\n")
				joined[id] = append(joined[id], lines[1:len(lines)-1]...)
			}
		}
		for _, id := range []string{"orders", "order_line"} {
			lines := strings.SplitAfter(string(union[id]), "\n")
			want, got := lines[1:len(lines)-1], joined[id]
			sort.Strings(want)
			sort.Strings(got)
			if strings.Join(got, "") != strings.Join(want, "") {
				t.Errorf("workers %d: %s: the windows hold %d rows, one run %d, or other rows", workers, id, len(got), len(want))
			}
		}
	}
}

// TestVersionedLookupsInParts checks parts that hold only their share of
// the entity and its orders (a relative layout: the orders of a part's
// customers read their versions from the part's rows): three parts hold
// exactly the rows of one run, and the orders copy the same versions.
func TestVersionedLookupsInParts(t *testing.T) {
	p := loadPlan(t, "../../docs/examples/crm_scd.json", false)
	opts := func(part int) engine.Options {
		return engine.WithSplitMin(engine.Options{Seed: 42, Workers: 2, BlockRows: 200, Parts: 3, Part: part}, 1)
	}
	layouts, err := engine.Layouts(p, opts(0))
	if err != nil {
		t.Fatal(err)
	}
	if layouts["customer"] != "" || layouts["orders"] != "split relative" {
		t.Fatalf("layouts %v: want customer split by rows and orders relative", layouts)
	}
	whole := generateCSV(t, p, engine.Options{Seed: 42, Workers: 2})
	joined := map[string][]string{}
	for k := range 3 {
		for id, b := range generateCSV(t, p, opts(k)) {
			lines := strings.SplitAfter(string(b), "\n")
			joined[id] = append(joined[id], lines[1:len(lines)-1]...)
		}
	}
	for id, b := range whole {
		lines := strings.SplitAfter(string(b), "\n")
		want, got := lines[1:len(lines)-1], joined[id]
		sort.Strings(want)
		sort.Strings(got)
		if len(want) == 0 || strings.Join(got, "") != strings.Join(want, "") {
			t.Errorf("%s: three parts hold %d rows, one run %d, or other rows", id, len(got), len(want))
		}
	}
}
