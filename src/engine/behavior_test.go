package engine_test

import (
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"datagen/src/engine"
)

// behaviourExamples are the schemas that use the behaviour blocks.
var behaviourExamples = []string{
	"../../example/saas_subscriptions.json",
	examplesDir + "ecomm.json",
	examplesDir + "ecommerce_conversion_funnel.json",
	examplesDir + "healthcare_appointments_vintage.json",
	examplesDir + "manufacturing_sensors_vintage.json",
	examplesDir + "saas_onboarding_integrated.json",
	examplesDir + "saas_subscription_vintage.json",
	examplesDir + "vintage_effects_demo.json",
}

// TestBehaviourExamplesDeterministic generates every behaviour example
// with one worker and large blocks, with several workers and small
// blocks, and in three parts: all must give the same bytes.
func TestBehaviourExamplesDeterministic(t *testing.T) {
	for _, path := range behaviourExamples {
		t.Run(filepath.Base(path), func(t *testing.T) {
			p := loadPlan(t, path, true)
			scale := 1.0
			if strings.HasSuffix(path, "ecomm.json") {
				scale = 0.1
			}
			a := generateCSV(t, p, engine.Options{Seed: 11, Scale: scale, Workers: 1, BlockRows: 1 << 16})
			b := generateCSV(t, p, engine.Options{Seed: 11, Scale: scale, Workers: 3, BlockRows: 777})
			const parts = 3
			joined := map[string]string{}
			for k := 0; k < parts; k++ {
				for id, data := range generateCSV(t, p, engine.Options{Seed: 11, Scale: scale, Parts: parts, Part: k, BlockRows: 501}) {
					s := string(data)
					joined[id] += s[strings.IndexByte(s, '\n')+1:]
				}
			}
			for id := range a {
				if string(a[id]) != string(b[id]) {
					t.Errorf("%s differs between 1 worker/64Ki blocks and 3 workers/777-row blocks", id)
				}
				s := string(a[id])
				if joined[id] != s[strings.IndexByte(s, '\n')+1:] {
					t.Errorf("%s: the %d parts concatenated differ from the single run", id, parts)
				}
				if strings.Count(s, "\n") < 2 {
					t.Errorf("%s has no rows", id)
				}
			}
		})
	}
}

// table is a generated CSV table by column name.
type table struct {
	h    []string
	rows [][]string
}

func (tb table) get(r int, name string) string { return tb.rows[r][col(tb.h, name)] }

func generateTables(t *testing.T, doc string, seed int64) map[string]table {
	t.Helper()
	p := parsePlan(t, []byte(doc), false)
	out := map[string]table{}
	for id, b := range generateCSV(t, p, engine.Options{Seed: seed}) {
		h, rows := records(t, b)
		out[id] = table{h, rows}
	}
	return out
}

// share fails when k/n is further than 5 standard errors from p.
func share(t *testing.T, what string, k, n int, p float64) {
	t.Helper()
	se := math.Sqrt(p * (1 - p) / float64(n))
	if got := float64(k) / float64(n); math.Abs(got-p) > 5*se {
		t.Errorf("%s: %d/%d = %.4f, want %.4f ± %.4f", what, k, n, got, p, 5*se)
	}
}

func ts(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	return v
}

const behaviourHead = `{"version":"1.0","metadata":{"name":"b"},"timeframe":{"start":"2024-01-01T00:00:00Z","end":"2024-12-31T23:59:59Z","freq":"h"},"constraints":{},"nodes":[`

// TestSegmentsThroughTheirOwnForeignKey: the segment entity is the second
// parent of the fact; its segment shares come from base_probability,
// the number of facts per customer follows the fanout multipliers, the
// values the value multipliers, and every fact is scaled by the segment
// of the customer it names.
func TestSegmentsThroughTheirOwnForeignKey(t *testing.T) {
	doc := behaviourHead + `
	{"id":"shop","kind":"entity","rows":50,"pk":"shop_id","columns":[{"name":"shop_id","type":"int","generator":{"sequence":{}}}]},
	{"id":"customer","kind":"entity","rows":6000,"pk":"customer_id","columns":[
	  {"name":"customer_id","type":"int","generator":{"sequence":{"start":100}}},
	  {"name":"tier","type":"string","generator":{"choice":{"choices":["vip","std","low"]}}}],
	 "segment_behavior":{"segment_column":"tier",
	   "segments":{"vip":{"base_probability":0.1,"fanout_multiplier":5,"value_multiplier":3},
	               "std":{"base_probability":0.6},
	               "low":{"base_probability":0.3,"fanout_multiplier":0.5,"value_multiplier":0.5}},
	   "applies_to_columns":["amount","items"]}},
	{"id":"order","kind":"fact","parents":["shop","customer"],"pk":"order_id",
	 "fanout":{"distribution":"poisson","lambda":600},
	 "columns":[
	  {"name":"order_id","type":"int","generator":{"sequence":{}}},
	  {"name":"shop_id","type":"int","generator":{"lookup":{"from":"shop.shop_id"}}},
	  {"name":"customer_id","type":"int","generator":{"lookup":{"from":"customer.customer_id"}}},
	  {"name":"tier","type":"string","generator":{"lookup":{"from":"customer.tier"}}},
	  {"name":"amount","type":"float","generator":{"choice":{"choices":[10.0]}}},
	  {"name":"items","type":"int","generator":{"choice":{"choices":[3]}}}]},
	{"id":"region","kind":"entity","rows":40,"pk":"region_id","columns":[
	  {"name":"region_id","type":"int","generator":{"sequence":{}}},
	  {"name":"zone","type":"string","generator":{"choice":{"choices":["n","s"]}}}],
	 "segment_behavior":{"segment_column":"zone","behaviors":{"n":{"value_multiplier":2}},"applies_to_columns":["fee"]}},
	{"id":"delivery","kind":"fact","parents":["shop","region"],"pk":"d_id","fanout":{"distribution":"uniform","min":20,"max":20},
	 "columns":[
	  {"name":"d_id","type":"int","generator":{"sequence":{}}},
	  {"name":"region_id","type":"int","generator":{"lookup":{"from":"region.region_id"}}},
	  {"name":"zone","type":"string","generator":{"lookup":{"from":"region.zone"}}},
	  {"name":"fee","type":"float","generator":{"choice":{"choices":[1.5]}}}]}
	]}`
	tabs := generateTables(t, doc, 5)
	// Value multipliers only: the region rows are the ordinary random
	// lookup rows, and each fee follows the zone of the region named.
	d := tabs["delivery"]
	zones := map[string]int{}
	for r := range d.rows {
		want := map[string]string{"n": "3", "s": "1.5"}[d.get(r, "zone")]
		if d.get(r, "fee") != want {
			t.Fatalf("delivery row %d in zone %s: fee %s, want %s", r, d.get(r, "zone"), d.get(r, "fee"), want)
		}
		zones[d.get(r, "zone")]++
	}
	if zones["n"] == 0 || zones["s"] == 0 {
		t.Fatalf("zones %v", zones)
	}
	cust := tabs["customer"]
	tier := map[string]string{}
	count := map[string]int{}
	for r := range cust.rows {
		tier[cust.get(r, "customer_id")] = cust.get(r, "tier")
		count[cust.get(r, "tier")]++
	}
	n := len(cust.rows)
	share(t, "vip share", count["vip"], n, 0.1)
	share(t, "std share", count["std"], n, 0.6)
	share(t, "low share", count["low"], n, 0.3)
	orders := tabs["order"]
	per := map[string]int{}
	want := map[string]struct{ amount, items string }{"vip": {"30", "9"}, "std": {"10", "3"}, "low": {"5", "2"}}
	for r := range orders.rows {
		seg := tier[orders.get(r, "customer_id")]
		if seg != orders.get(r, "tier") {
			t.Fatalf("order row %d: customer %s is %s but the looked-up tier is %s", r, orders.get(r, "customer_id"), seg, orders.get(r, "tier"))
		}
		per[seg]++
		// items is an int column: 3 × 0.5 = 1.5 rounds to 2, and stays an int.
		if got := orders.get(r, "amount") + "/" + orders.get(r, "items"); got != want[seg].amount+"/"+want[seg].items {
			t.Fatalf("order row %d (%s): amount/items %s, want %s/%s", r, seg, got, want[seg].amount, want[seg].items)
		}
	}
	// A fact row belongs to a customer with probability ∝ count × multiplier.
	total := float64(count["vip"])*5 + float64(count["std"]) + float64(count["low"])*0.5
	share(t, "orders of vip customers", per["vip"], len(orders.rows), float64(count["vip"])*5/total)
	share(t, "orders of low customers", per["low"], len(orders.rows), float64(count["low"])*0.5/total)
}

// TestCohortDecayRecovered: every customer signs up on January 1st; the
// monthly number of purchases follows the retention curve (thinning at
// each purchase's own time), the amounts the value curve, and no purchase
// precedes the sign-up.
func TestCohortDecayRecovered(t *testing.T) {
	doc := behaviourHead + `
	{"id":"customer","kind":"entity","rows":400,"pk":"customer_id","columns":[
	  {"name":"customer_id","type":"int","generator":{"sequence":{}}},
	  {"name":"created_at","type":"datetime","generator":{"choice":{"choices":["2024-01-01T00:00:00Z"]}}}],
	 "vintage_behavior":{"created_at_column":"created_at","age_based_multipliers":{
	   "retention":{"curve":[1.0,0.8,0.6,0.5,0.4,0.3],"time_unit":"month","applies_to":"fanout"},
	   "growth":{"curve":{"curve_type":"linear","params":{"a":1,"b":0.5}},"time_unit":"month","applies_to":["units"]}}}},
	{"id":"late","kind":"entity","rows":300,"pk":"id","columns":[
	  {"name":"id","type":"int","generator":{"sequence":{}}},
	  {"name":"created_at","type":"datetime","generator":{"datetime_series":{"within":"timeframe","freq":"D"}}}],
	 "vintage_behavior":{"age_based_multipliers":{"r":{"curve":[1.0,0.5],"applies_to":"fanout"}}}},
	{"id":"purchase","kind":"fact","parents":["customer"],"pk":"purchase_id",
	 "fanout":{"distribution":"poisson","lambda":300},
	 "columns":[
	  {"name":"purchase_id","type":"int","generator":{"sequence":{}}},
	  {"name":"customer_id","type":"int","generator":{"lookup":{"from":"customer.customer_id"}}},
	  {"name":"at","type":"datetime","generator":{"datetime_series":{"within":"timeframe","freq":"h"}}},
	  {"name":"units","type":"int","generator":{"choice":{"choices":[10]}}}]},
	{"id":"visit","kind":"fact","parents":["late"],"pk":"visit_id","fanout":{"distribution":"uniform","min":5,"max":5},
	 "columns":[
	  {"name":"visit_id","type":"int","generator":{"sequence":{}}},
	  {"name":"late_id","type":"int","generator":{"lookup":{"from":"late.id"}}},
	  {"name":"at","type":"date","generator":{"datetime_series":{"within":"timeframe","freq":"D","pattern":{"dimension":"dow","weights":[1,1,1,1,1,3,3]}}}},
	  {"name":"other","type":"datetime","generator":{"datetime_series":{"within":{"start":"2023-01-01","end":"2024-06-30"},"freq":"h"}}}]}
	]}`
	tabs := generateTables(t, doc, 9)
	pur := tabs["purchase"]
	curve := []float64{1.0, 0.8, 0.6, 0.5, 0.4, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3}
	var perMonth [12]float64
	for r := range pur.rows {
		at := ts(t, pur.get(r, "at"))
		m := int(at.Month()) - 1
		perMonth[m]++
		// units: 10 × (1 + 0.5·age in months), rounded; an int.
		age := float64(m) + float64(at.Sub(time.Date(2024, at.Month(), 1, 0, 0, 0, 0, time.UTC)))/float64(time.Date(2024, at.Month()+1, 1, 0, 0, 0, 0, time.UTC).Sub(time.Date(2024, at.Month(), 1, 0, 0, 0, 0, time.UTC)))
		if got, want := pur.get(r, "units"), strconv.Itoa(int(math.Round(10*(1+0.5*age)))); got != want {
			t.Fatalf("purchase row %d at %s: units %s, want %s", r, at, got, want)
		}
	}
	// Expected share of month m: curve(m) × hours in m / Σ.
	var norm float64
	hours := func(m int) float64 {
		return time.Date(2024, time.Month(m+2), 1, 0, 0, 0, 0, time.UTC).Sub(time.Date(2024, time.Month(m+1), 1, 0, 0, 0, 0, time.UTC)).Hours()
	}
	for m := range curve {
		norm += curve[m] * hours(m)
	}
	for m := range curve {
		share(t, "purchases in month "+strconv.Itoa(m+1), int(perMonth[m]), len(pur.rows), curve[m]*hours(m)/norm)
	}
	// Parents signing up through the year: no visit before the sign-up,
	// for the event column and for the other datetime_series column.
	late := map[string]time.Time{}
	for r := range tabs["late"].rows {
		late[tabs["late"].get(r, "id")] = ts(t, tabs["late"].get(r, "created_at"))
	}
	visits := tabs["visit"]
	weekend := 0
	for r := range visits.rows {
		c := late[visits.get(r, "late_id")]
		at, err := time.Parse("2006-01-02", visits.get(r, "at"))
		if err != nil {
			t.Fatal(err)
		}
		if at.Before(c) {
			t.Fatalf("visit row %d on %s precedes its parent's creation %s", r, at, c)
		}
		if wd := at.Weekday(); wd == time.Saturday || wd == time.Sunday {
			weekend++
		}
		o := ts(t, visits.get(r, "other"))
		if o.Before(c) {
			t.Fatalf("visit row %d: other %s precedes its parent's creation %s", r, o, c)
		}
		if lim := time.Date(2024, 6, 30, 0, 0, 0, 0, time.UTC); o.After(lim) && !o.Equal(c) {
			t.Fatalf("visit row %d: other %s is outside its window and is not the creation time", r, o)
		}
	}
	// The dow pattern is kept inside each parent's window: weekends weigh
	// 3 against 1 for weekdays, so about 6/11 of the visits.
	share(t, "weekend visits", weekend, len(visits.rows), 6.0/11)
	if len(visits.rows) >= 5*300 || len(visits.rows) < 300 {
		t.Errorf("%d visits: thinning by the curve [1, 0.5] should keep between a half and all of 1500", len(visits.rows))
	}
}

// TestFunnelThroughEngine: stage rows per parent, conversion rates per
// stage and segment, timestamps from the parent's creation, never past
// the timeframe end; the stage columns are cast and readable by
// expressions, and the pk comes from its generator.
func TestFunnelThroughEngine(t *testing.T) {
	doc := behaviourHead + `
	{"id":"user","kind":"entity","rows":8000,"pk":"user_id","columns":[
	  {"name":"user_id","type":"int","generator":{"sequence":{}}},
	  {"name":"intent","type":"string","generator":{"choice":{"choices":["high","low"]}}},
	  {"name":"signup","type":"datetime","generator":{"datetime_series":{"within":"timeframe","freq":"h"}}}],
	 "segment_behavior":{"segment_column":"intent","behaviors":{"high":{"fanout_multiplier":2}}}},
	{"id":"journey","kind":"fact","parents":["user"],"pk":"event_id",
	 "stage_config":{"stages":[{"stage_name":"visit"},{"stage_name":"cart","transition_rate":0.6},{"stage_name":"buy","transition_rate":0.5,"gap":{"distribution":"constant","value":2,"unit":"hour"}}],
	   "segment_variation":{"high":{"transition_multiplier":1.5},"low":{"transition_multiplier":0.5}},
	   "stage_index_column":"step"},
	 "columns":[
	  {"name":"event_id","type":"string","generator":{"sequence":{"start":1000}}},
	  {"name":"user_id","type":"int","generator":{"lookup":{"from":"user.user_id"}}},
	  {"name":"stage_name","type":"string","generator":{"choice":{"choices":["x"]}}},
	  {"name":"step","type":"float","generator":{"choice":{"choices":[0]}}},
	  {"name":"at","type":"datetime","generator":{"datetime_series":{"within":"timeframe","freq":"h"}}},
	  {"name":"label","type":"string","generator":{"expression":{"code":"stage_name + '#' + str(step)"}}}]}
	]}`
	tabs := generateTables(t, doc, 21)
	users := map[string][2]string{}
	for r := range tabs["user"].rows {
		u := tabs["user"]
		users[u.get(r, "user_id")] = [2]string{u.get(r, "intent"), u.get(r, "signup")}
	}
	j := tabs["journey"]
	reached := map[string]*[3]int{"high": {}, "low": {}}
	end := time.Date(2024, 12, 31, 23, 59, 59, 0, time.UTC)
	names := []string{"visit", "cart", "buy"}
	var prevUser string
	var prevAt time.Time
	for r := range j.rows {
		if got, want := j.get(r, "event_id"), strconv.Itoa(1000+r); got != want {
			t.Fatalf("row %d: event_id %s, want %s from its sequence", r, got, want)
		}
		u := users[j.get(r, "user_id")]
		step, err := strconv.ParseFloat(j.get(r, "step"), 64)
		if err != nil {
			t.Fatal(err)
		}
		k := int(step)
		if j.get(r, "stage_name") != names[k] || j.get(r, "label") != names[k]+"#"+strconv.FormatFloat(step, 'f', 1, 64) {
			t.Fatalf("row %d: stage %s, step %s, label %s", r, j.get(r, "stage_name"), j.get(r, "step"), j.get(r, "label"))
		}
		at := ts(t, j.get(r, "at"))
		switch {
		case k == 0 && at != ts(t, u[1]):
			t.Fatalf("row %d: first stage at %s, want the signup %s", r, at, u[1])
		case k > 0 && (j.get(r, "user_id") != prevUser || at.Before(prevAt)):
			t.Fatalf("row %d: stage %d does not follow its previous stage", r, k)
		case k == 2 && at.Sub(prevAt) != 2*time.Hour:
			t.Fatalf("row %d: constant gap %s, want 2h", r, at.Sub(prevAt))
		case at.After(end):
			t.Fatalf("row %d: %s after the timeframe end", r, at)
		}
		prevUser, prevAt = j.get(r, "user_id"), at
		reached[u[0]][k]++
	}
	for seg, m := range map[string]float64{"high": 1.5, "low": 0.5} {
		r := reached[seg]
		// Funnels close to the timeframe end are cut short; signups are
		// uniform over the year and gaps about a day, so the bias is
		// below 1 %: allow it on top of the sampling error.
		for k, rate := range []float64{0.6, 0.5} {
			p := math.Min(1, rate*m)
			got := float64(r[k+1]) / float64(r[k])
			if se := math.Sqrt(p * (1 - p) / float64(r[k])); math.Abs(got-p) > 5*se+0.01 {
				t.Errorf("%s: stage %d conversion %.4f, want %.4f", seg, k+1, got, p)
			}
		}
	}
}

// TestStateMachineThroughEngine: per-period rows, calendar months, the
// terminal state absorbing, transition frequencies, previous states.
func TestStateMachineThroughEngine(t *testing.T) {
	doc := behaviourHead + `
	{"id":"account","kind":"entity","rows":3000,"pk":"id","columns":[
	  {"name":"id","type":"int","generator":{"sequence":{}}},
	  {"name":"since","type":"date","generator":{"choice":{"choices":["2024-01-31"]}}}]},
	{"id":"month","kind":"fact","parents":["account"],"pk":"row_id",
	 "state_transition_model":{"initial_state":"trial","period_unit":"month",
	   "states":{"trial":{"next_states":{"active":0.5,"churned":0.2}},"active":{"next_states":{"churned":0.1}},"churned":{"terminal":true}}},
	 "columns":[
	  {"name":"row_id","type":"int","generator":{"sequence":{}}},
	  {"name":"account_id","type":"int","generator":{"lookup":{"from":"account.id"}}},
	  {"name":"period_index","type":"int","generator":{"sequence":{}}},
	  {"name":"period_start","type":"date","generator":{"datetime_series":{"within":"timeframe","freq":"D"}}},
	  {"name":"period_end","type":"date","generator":{"datetime_series":{"within":"timeframe","freq":"D"}}},
	  {"name":"state","type":"string","generator":{"choice":{"choices":["x"]}}},
	  {"name":"previous_state","type":"string","nullable":true,"generator":{"choice":{"choices":["x"]}}},
	  {"name":"active","type":"bool","generator":{"expression":{"code":"state == 'active'"}}}]}
	]}`
	tabs := generateTables(t, doc, 4)
	m := tabs["month"]
	starts := []string{"2024-01-31", "2024-02-29", "2024-03-31", "2024-04-30", "2024-05-31", "2024-06-30", "2024-07-31", "2024-08-31", "2024-09-30", "2024-10-31", "2024-11-30", "2024-12-31"}
	from := map[string]int{}
	moves := map[string]int{}
	ended := map[string]bool{}
	for r := range m.rows {
		acc := m.get(r, "account_id")
		if ended[acc] {
			t.Fatalf("row %d: account %s has a row after churning", r, acc)
		}
		k, _ := strconv.Atoi(m.get(r, "period_index"))
		if m.get(r, "period_start") != starts[k] {
			t.Fatalf("row %d: period %d starts %s, want %s", r, k, m.get(r, "period_start"), starts[k])
		}
		state := m.get(r, "state")
		if (state == "active") != (m.get(r, "active") == "true") {
			t.Fatalf("row %d: expression saw another state than %s", r, state)
		}
		if k == 0 {
			if state != "trial" || m.get(r, "previous_state") != "" {
				t.Fatalf("row %d: first period %s after %q", r, state, m.get(r, "previous_state"))
			}
		} else {
			prev := m.get(r, "previous_state")
			if prev != m.get(r-1, "state") {
				t.Fatalf("row %d: previous_state %s, the previous row has %s", r, prev, m.get(r-1, "state"))
			}
			from[prev]++
			if prev != state {
				moves[prev+">"+state]++
			}
		}
		if state == "churned" {
			ended[acc] = true
		}
	}
	share(t, "trial>active", moves["trial>active"], from["trial"], 0.5)
	share(t, "trial>churned", moves["trial>churned"], from["trial"], 0.2)
	share(t, "active>churned", moves["active>churned"], from["active"], 0.1)
}
