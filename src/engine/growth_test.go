package engine_test

import (
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"datagen/src/civil"
	"datagen/src/engine"
)

const growthDoc = `{"version":"1.0","metadata":{"name":"g"},"timeframe":{"start":"2025-01-06","end":"open","freq":"h"},"nodes":[
 {"id":"customer","kind":"entity","pk":"id","arrivals":{"per":"day","mean":40},"columns":[
   {"name":"id","type":"int","generator":{"sequence":{"start":1}}},
   {"name":"at","type":"datetime","generator":{"datetime_series":{"within":"timeframe","freq":"s",
     "pattern":{"dimension":"dow","weights":[1,1,1,1,1,0.2,0.2]}}}}]},
 {"id":"orders","kind":"fact","parents":["customer"],"pk":"id","fanout":{"per":"day","lambda":0.5},"columns":[
   {"name":"id","type":"int","generator":{"sequence":{"start":1}}},
   {"name":"customer_id","type":"int","generator":{"lookup":{"from":"customer.id"}}},
   {"name":"at","type":"datetime","generator":{"datetime_series":{"within":"timeframe","freq":"s"}}}]}
],"constraints":{}}`

// TestArrivalsAndPerUnitFanout checks the rates of an open timeline over
// 140 days: customers arrive at 40 a day weighted by the weekday pattern,
// numbered in order of their day; each orders at 0.5 a day of its lifetime,
// never before it signed up nor after the horizon.
func TestArrivalsAndPerUnitFanout(t *testing.T) {
	p := parsePlan(t, []byte(growthDoc), false)
	start := p.Schema.Timeframe.Start
	const days = 140
	until := start.Add(days * 24 * time.Hour)
	out := generateCSV(t, p, engineOptions(mustWindow(t, time.Time{}, until)))
	h, cust := records(t, out["customer"])
	at := col(h, "at")
	born := map[string]int64{}
	weekend := 0
	lastDay := int64(math.MinInt64)
	for _, r := range cust {
		us := micros(t, r[at])
		born[r[col(h, "id")]] = us
		day := civil.FloorDiv(us, 86_400_000_000)
		if day < lastDay {
			t.Fatalf("customer %s arrived on an earlier day than the one before it", r[0])
		}
		lastDay = day
		if civil.Weekday(day) >= 5 {
			weekend++
		}
	}
	n := float64(len(cust))
	if want := 40.0 * days; math.Abs(n-want) > 4*math.Sqrt(want) {
		t.Errorf("%d customers in %d days, want about %.0f", len(cust), days, want)
	}
	// Weekdays weigh 1, weekend days 0.2: a weekend share of 0.4/5.4.
	share, want := float64(weekend)/n, 0.4/5.4
	if math.Abs(share-want) > 4*math.Sqrt(want*(1-want)/n) {
		t.Errorf("weekend share of arrivals %.4f, want %.4f", share, want)
	}

	h, orders := records(t, out["orders"])
	cid, oat := col(h, "customer_id"), col(h, "at")
	end := until.UnixMicro()
	expected := 0.0
	for _, b := range born {
		expected += 0.5 * float64(end-b) / 86_400_000_000
	}
	for i, r := range orders {
		us := micros(t, r[oat])
		if b := born[r[cid]]; us < b || us >= end {
			t.Fatalf("order %d at %s: outside its customer's lifetime from %s up to the horizon", i, r[oat], civil.FormatTimestamp(b))
		}
		if r[0] != strconv.Itoa(i+1) {
			t.Fatalf("order ids are not the row numbers: row %d has %s", i, r[0])
		}
	}
	if got := float64(len(orders)); math.Abs(got-expected) > 4*math.Sqrt(expected) {
		t.Errorf("%d orders, want about %.0f (0.5 a day of each customer's lifetime)", len(orders), expected)
	}
}

func engineOptions(w *engine.Window) engine.Options {
	return engine.Options{Seed: 42, Workers: 2, BlockRows: 1000, Window: w}
}

// TestPerUnitFanoutWithinLifetimes draws orders per day of each customer's
// lifetime from signing up to churning ten days later.
func TestPerUnitFanoutWithinLifetimes(t *testing.T) {
	doc := `{"version":"1.0","metadata":{"name":"g"},"timeframe":{"start":"2025-01-06","end":"open","freq":"h"},"nodes":[
 {"id":"customer","kind":"entity","pk":"id","arrivals":{"per":"day","mean":40},"columns":[
   {"name":"id","type":"int","generator":{"sequence":{"start":1}}},
   {"name":"at","type":"datetime","generator":{"datetime_series":{"within":"timeframe","freq":"s"}}},
   {"name":"churned_at","type":"datetime","generator":{"expression":{"code":"at + days(10)"}}}]},
 {"id":"orders","kind":"fact","parents":["customer"],"pk":"id","fanout":{"per":"day","lambda":0.5},"columns":[
   {"name":"id","type":"int","generator":{"sequence":{"start":1}}},
   {"name":"customer_id","type":"int","generator":{"lookup":{"from":"customer.id"}}},
   {"name":"at","type":"datetime","generator":{"datetime_series":{"within":{"start_col":"customer.at","end_col":"customer.churned_at"},"freq":"s"}}}]}
],"constraints":{}}`
	p := parsePlan(t, []byte(doc), false)
	until := p.Schema.Timeframe.Start.Add(60 * 24 * time.Hour)
	out := generateCSV(t, p, engineOptions(mustWindow(t, time.Time{}, until)))
	h, cust := records(t, out["customer"])
	born, died := map[string]int64{}, map[string]int64{}
	end := until.UnixMicro()
	expected := 0.0
	for _, r := range cust {
		b, d := micros(t, r[col(h, "at")]), micros(t, r[col(h, "churned_at")])
		born[r[0]], died[r[0]] = b, d
		expected += 0.5 * float64(min(d+1, end)-b) / 86_400_000_000
	}
	h, orders := records(t, out["orders"])
	for _, r := range orders {
		us, c := micros(t, r[col(h, "at")]), r[col(h, "customer_id")]
		if us < born[c] || us > died[c] || us >= end {
			t.Fatalf("order at %s outside its customer's lifetime [%s, %s]", r[col(h, "at")], civil.FormatTimestamp(born[c]), civil.FormatTimestamp(died[c]))
		}
	}
	if got := float64(len(orders)); math.Abs(got-expected) > 4*math.Sqrt(expected) {
		t.Errorf("%d orders, want about %.0f (0.5 a day of each customer's ten days)", len(orders), expected)
	}
}

// TestPartialLastUnit checks that the last unit of a fixed timeframe, cut
// short by its end (two hours into a day), gets only its share of a day's
// rows: the share of the day's pattern weight for arrivals, the share of
// each customer's time for a per-unit fanout.
func TestPartialLastUnit(t *testing.T) {
	hours := make([]string, 24)
	for i := range hours {
		hours[i] = "1"
	}
	hours[0], hours[1] = "0.5", "0.5"
	doc := `{"version":"1.0","metadata":{"name":"g"},"timeframe":{"start":"2025-03-01T00:00:00Z","end":"2025-03-15T02:00:00Z","freq":"h"},"nodes":[
 {"id":"customer","kind":"entity","pk":"id","arrivals":{"per":"day","mean":2400},"columns":[
   {"name":"id","type":"int","generator":{"sequence":{"start":1}}},
   {"name":"at","type":"datetime","generator":{"datetime_series":{"within":"timeframe","freq":"s",
     "pattern":{"dimension":"hour","weights":[` + strings.Join(hours, ",") + `]}}}}]},
 {"id":"orders","kind":"fact","parents":["customer"],"pk":"id","fanout":{"per":"day","lambda":0.05},"columns":[
   {"name":"id","type":"int","generator":{"sequence":{"start":1}}},
   {"name":"customer_id","type":"int","generator":{"lookup":{"from":"customer.id"}}},
   {"name":"at","type":"datetime","generator":{"datetime_series":{"within":"timeframe","freq":"s"}}}]}
],"constraints":{}}`
	p := parsePlan(t, []byte(doc), false)
	out := generateCSV(t, p, engineOptions(nil))
	const day = 86_400_000_000
	last := p.Schema.Timeframe.Start.UnixMicro() + 14*day
	end := p.Schema.Timeframe.End.UnixMicro() + 1

	h, cust := records(t, out["customer"])
	at := col(h, "at")
	born := map[string]int64{}
	n := 0
	for _, r := range cust {
		us := micros(t, r[at])
		born[r[col(h, "id")]] = us
		if us >= last {
			n++
		}
	}
	// Hours 0 and 1 weigh 0.5 of a day's total weight 23.
	if want := 2400 * 1.0 / 23; math.Abs(float64(n)-want) > 4*math.Sqrt(want) {
		t.Errorf("%d customers in the last two hours, want about %.0f", n, want)
	}

	h, orders := records(t, out["orders"])
	cid, oat := col(h, "customer_id"), col(h, "at")
	expected := 0.0
	for _, b := range born {
		expected += 0.05 * float64(end-max(b, last)) / day
	}
	n = 0
	for _, r := range orders {
		if micros(t, r[oat]) >= last {
			n++
		}
		if born[r[cid]] == 0 {
			t.Fatalf("order of unknown customer %s", r[cid])
		}
	}
	if math.Abs(float64(n)-expected) > 4*math.Sqrt(expected) {
		t.Errorf("%d orders in the last two hours, want about %.0f", n, expected)
	}
}
