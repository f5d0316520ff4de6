package engine_test

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"testing"
	"time"

	"datagen/src/behavior"
	"datagen/src/engine"
)

const day = 86_400_000_000

// cohortDoc is a timeline ending at end ("open" or an instant):
// customers arrive at 100 a day, a tenth
// of them VIP (3× the sessions, 2× the minutes; 1.5× the minutes from a
// customer's second week on); each has sessions at 0.5
// a day of its lifetime, times its retention at its age (1, 0.5, then 0.25
// from its third week), twice the rate in a promotion's first three days
// of each month when promo is set; a session's agent is senior four times
// as often, per agent, as junior.
func cohortDoc(promo bool, end string) string {
	mods, promoNode := "", ""
	if promo {
		mods = `"modifiers":[{"transform":"effect","args":{"effect_table":"promo","on":{},"window":{"start_col":"s","end_col":"e"},"map":{"field":"m","op":"mul","default":1}}}],`
		promoNode = `,{"id":"promo","kind":"entity","pk":"id","columns":[
	   {"name":"id","type":"int","generator":{"sequence":{}}},
	   {"name":"s","type":"datetime","generator":{"datetime_series":{"within":"timeframe","freq":"MS","sequential":true}}},
	   {"name":"e","type":"datetime","generator":{"expression":{"code":"s + days(3) - seconds(1)"}}},
	   {"name":"m","type":"float","generator":{"choice":{"choices":[2]}}}]}`
	}
	return `{"version":"1.0","metadata":{"name":"c"},"timeframe":{"start":"2025-01-01","end":"` + end + `","freq":"h"},"nodes":[
 {"id":"customer","kind":"entity","pk":"id","arrivals":{"per":"day","mean":100},
  "segment_behavior":{"segment_column":"tier","behaviors":{"vip":{"fanout_multiplier":3,"value_multiplier":2}},
    "segments":{"vip":{"base_probability":0.1},"std":{"base_probability":0.9}},"applies_to_columns":["minutes"]},
  "vintage_behavior":{"created_at_column":"at","age_based_multipliers":{"retention":{"curve":[1,0.5,0.25],"time_unit":"week","applies_to":"fanout"},
    "engagement":{"curve":[1,1.5],"time_unit":"week","applies_to":["minutes"]}}},
  "columns":[
   {"name":"id","type":"int","generator":{"sequence":{"start":1}}},
   {"name":"tier","type":"string","generator":{"choice":{"choices":["vip","std"]}}},
   {"name":"at","type":"datetime","generator":{"datetime_series":{"within":"timeframe","freq":"s"}}}]}` + promoNode + `,
 {"id":"agent","kind":"entity","pk":"id","rows":40,
  "segment_behavior":{"segment_column":"level","behaviors":{"senior":{"fanout_multiplier":4}}},"columns":[
   {"name":"id","type":"int","generator":{"sequence":{"start":1}}},
   {"name":"level","type":"string","generator":{"choice":{"choices":["senior","junior"]}}}]},
 {"id":"session","kind":"fact","parents":["customer","agent"],"pk":"id","fanout":{"per":"day","lambda":0.5},` + mods + `"columns":[
   {"name":"id","type":"int","generator":{"sequence":{"start":1}}},
   {"name":"customer_id","type":"int","generator":{"lookup":{"from":"customer.id"}}},
   {"name":"agent_id","type":"int","generator":{"lookup":{"from":"agent.id"}}},
   {"name":"at","type":"datetime","generator":{"datetime_series":{"within":"timeframe","freq":"s"}}},
   {"name":"minutes","type":"float","generator":{"distribution":{"type":"uniform","params":{"low":10,"high":10}}},
    "modifiers":[{"transform":"outliers","args":{"rate":0.02,"mode":"spike","magnitude_dist":{"type":"uniform","params":{"low":1,"high":1}}}}]}]},
 {"id":"onboarding","kind":"fact","parents":["customer"],"pk":"id",
  "stage_config":{"stages":[{"stage_name":"signed_up"},{"stage_name":"activated","transition_rate":0.6},{"stage_name":"paid","transition_rate":0.5}],
    "segment_variation":{"vip":{"transition_multiplier":1.5}},"gap":{"distribution":"exponential","mean":24,"unit":"hour"}},"columns":[
   {"name":"id","type":"int","generator":{"sequence":{"start":1}}},
   {"name":"customer_id","type":"int","generator":{"lookup":{"from":"customer.id"}}},
   {"name":"stage_name","type":"string","generator":{"choice":{"choices":["signed_up"]}}},
   {"name":"stage_index","type":"int","generator":{"sequence":{}}},
   {"name":"reached_at","type":"datetime","generator":{"datetime_series":{"within":"timeframe","freq":"s"}}}]},
 {"id":"plan_week","kind":"fact","parents":["customer"],"pk":"id",
  "state_transition_model":{"initial_state":"trial","period_unit":"week","emit":"period",
    "states":{"trial":{"next_states":{"active":0.5,"gone":0.2}},"active":{"next_states":{"gone":0.1}},"gone":{"terminal":true}}},"columns":[
   {"name":"id","type":"int","generator":{"sequence":{"start":1}}},
   {"name":"customer_id","type":"int","generator":{"lookup":{"from":"customer.id"}}},
   {"name":"period_index","type":"int","generator":{"sequence":{}}},
   {"name":"period_start","type":"datetime","generator":{"datetime_series":{"within":"timeframe","freq":"D"}}},
   {"name":"period_end","type":"datetime","generator":{"datetime_series":{"within":"timeframe","freq":"D"}}},
   {"name":"state","type":"string","generator":{"choice":{"choices":["trial"]}}},
   {"name":"previous_state","type":"string","nullable":true,"generator":{"choice":{"choices":[null]}}}]},
 {"id":"plan_change","kind":"fact","parents":["customer"],"pk":"id",
  "state_transition_model":{"initial_state":"trial","period_unit":"day","max_periods":30,"emit":"transition",
    "states":{"trial":{"next_states":{"active":0.2,"gone":0.05}},"active":{"next_states":{"paused":0.1,"gone":0.02}},"paused":{"next_states":{"active":0.3}},"gone":{"terminal":true}},
    "state_column":"status","previous_state_column":"from_status","period_start_column":"entered_at","period_end_column":"left_at","period_index_column":"day_index"},"columns":[
   {"name":"id","type":"int","generator":{"sequence":{"start":1}}},
   {"name":"customer_id","type":"int","generator":{"lookup":{"from":"customer.id"}}},
   {"name":"from_status","type":"string","nullable":true,"generator":{"choice":{"choices":[null]}}},
   {"name":"status","type":"string","generator":{"choice":{"choices":["trial"]}}},
   {"name":"day_index","type":"int","generator":{"sequence":{}}},
   {"name":"entered_at","type":"datetime","generator":{"datetime_series":{"within":"timeframe","freq":"D"}}},
   {"name":"left_at","type":"datetime","nullable":true,"generator":{"datetime_series":{"within":"timeframe","freq":"D"}}}]}
],"constraints":{}}`
}

// thinningDoc is an open timeline whose customers' tickets (an ordinary
// fanout, with an event column of explicit bounds) are thinned by a
// growing fanout curve of their age since a creation time that is the
// earlier the later they arrive: the thinning bound must not depend on
// the earliest creation time among the customers arrived so far. Their
// weekly memberships start at that creation time, and their onboarding
// funnels at a trial up to two days, before they arrive: both start at
// their arrival instead, so that no row is dated in a window written
// before its customer arrived.
const thinningDoc = `{"version":"1.0","metadata":{"name":"t"},"timeframe":{"start":"2025-01-01","end":"open","freq":"h"},"nodes":[
 {"id":"customer","kind":"entity","pk":"id","arrivals":{"per":"day","mean":20},
  "vintage_behavior":{"created_at_column":"joined","age_based_multipliers":{"growth":{"curve":{"curve_type":"linear","params":{"a":0.2,"b":0.05}},"time_unit":"week","applies_to":"fanout"}}},
  "columns":[
   {"name":"id","type":"int","generator":{"sequence":{"start":1}}},
   {"name":"at","type":"datetime","generator":{"datetime_series":{"within":"timeframe","freq":"s"}}},
   {"name":"joined","type":"datetime","generator":{"expression":{"code":"at - days(id)"}}},
   {"name":"trial","type":"datetime","generator":{"expression":{"code":"at - hours(id % 48)"}}}]},
 {"id":"ticket","kind":"fact","parents":["customer"],"pk":"id","fanout":{"distribution":"poisson","lambda":3},"columns":[
   {"name":"id","type":"int","generator":{"sequence":{"start":1}}},
   {"name":"customer_id","type":"int","generator":{"lookup":{"from":"customer.id"}}},
   {"name":"opened_at","type":"datetime","generator":{"datetime_series":{"within":{"start":"2025-01-01","end":"2025-06-30"},"freq":"h"}}}]},
 {"id":"membership","kind":"fact","parents":["customer"],"pk":"id",
  "state_transition_model":{"initial_state":"on","period_unit":"week","start_column":"joined",
    "states":{"on":{"next_states":{"off":0.02}},"off":{"terminal":true}}},"columns":[
   {"name":"id","type":"int","generator":{"sequence":{"start":1}}},
   {"name":"customer_id","type":"int","generator":{"lookup":{"from":"customer.id"}}},
   {"name":"period_start","type":"datetime","generator":{"datetime_series":{"within":"timeframe","freq":"D"}}},
   {"name":"state","type":"string","generator":{"choice":{"choices":["on"]}}}]},
 {"id":"onboard","kind":"fact","parents":["customer"],"pk":"id",
  "stage_config":{"start_column":"trial","stages":[{"stage_name":"a"},{"stage_name":"b","transition_rate":0.5}]},"columns":[
   {"name":"id","type":"int","generator":{"sequence":{"start":1}}},
   {"name":"stage_name","type":"string","generator":{"choice":{"choices":["a"]}}},
   {"name":"reached_at","type":"datetime","generator":{"datetime_series":{"within":"timeframe","freq":"s"}}}]}
],"constraints":{}}`

// TestGrowingBehaviourWindows checks the invariant of an open timeline
// whose growing tables have segments, cohorts, funnels, state chains,
// outliers and a node-level effect: three consecutive windows hold exactly
// the rows of one run over their union, with 1 and 8 workers, and a run
// to a later horizon keeps every row of an earlier one; the parts of a
// window hold its rows.
func TestGrowingBehaviourWindows(t *testing.T) {
	for _, tc := range []struct {
		name string
		doc  string
	}{
		{"cohorts, segments, funnels, states, outliers", cohortDoc(false, "open")},
		{"with a node-level effect", cohortDoc(true, "open")},
		{"in a fixed timeframe", cohortDoc(true, "2025-02-20T00:00:00Z")},
		{"thinned by a growing curve, chains from before arrival", thinningDoc},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := parsePlan(t, []byte(tc.doc), false)
			start := p.Schema.Timeframe.Start
			cuts := []time.Time{start, start.Add(9*24*time.Hour + 5*time.Hour), start.Add(20 * 24 * time.Hour), start.Add(31*24*time.Hour + 17*time.Hour)}
			union := windowRows(t, p, mustWindow(t, cuts[0], cuts[3]), 8)
			for _, workers := range []int{1, 8} {
				joined := map[string][]string{}
				for k := 0; k < 3; k++ {
					got := windowRows(t, p, mustWindow(t, cuts[k], cuts[k+1]), workers)
					for id, rows := range got {
						joined[id] = append(joined[id], rows...)
					}
				}
				for _, tb := range p.Order {
					want, got := union[tb.ID()], joined[tb.ID()]
					if len(want) == 0 {
						t.Errorf("%s: no rows", tb.ID())
					}
					sort.Strings(want)
					sort.Strings(got)
					if strings.Join(got, "") != strings.Join(want, "") {
						t.Errorf("workers %d: %s: the three windows hold %d rows, one run %d, or other rows", workers, tb.ID(), len(got), len(want))
					}
				}
			}
			const parts = 3
			joined := map[string][]string{}
			w := mustWindow(t, cuts[1], cuts[2])
			for k := 0; k < parts; k++ {
				for id, b := range generateCSV(t, p, engine.Options{Seed: 42, Window: w, Parts: parts, Part: k, BlockRows: 333}) {
					lines := strings.SplitAfter(string(b), "\n")
					joined[id] = append(joined[id], lines[1:len(lines)-1]...)
				}
			}
			for id, want := range windowRows(t, p, w, 2) {
				got := joined[id]
				sort.Strings(want)
				sort.Strings(got)
				if strings.Join(got, "") != strings.Join(want, "") {
					t.Errorf("%s: %d rows in the parts of a window, %d in the window", id, len(got), len(want))
				}
			}
			// A later horizon: every row of the earlier run, unchanged.
			early := windowRows(t, p, mustWindow(t, time.Time{}, cuts[1]), 2)
			late := windowRows(t, p, mustWindow(t, time.Time{}, cuts[3]), 2)
			for id, rows := range early {
				have := map[string]bool{}
				for _, r := range late[id] {
					have[r] = true
				}
				for _, r := range rows {
					if !have[r] {
						t.Fatalf("%s: row %q of the run to %s is not in the run to %s", id, strings.TrimSpace(r), cuts[1], cuts[3])
					}
				}
			}
		})
	}
}

// TestGrowingSegmentsAndCohorts checks the rates of a per-unit fact under
// segments, cohorts and a node-level effect: for every (segment, age in
// weeks, promotion) bucket, the sessions drawn match the sum over
// customers and days of 0.5 × the segment's multiplier × the retention at
// the customer's age × the promotion's boost (each day's rate taken at the
// middle of the customer's time in it), within 4 standard deviations.
func TestGrowingSegmentsAndCohorts(t *testing.T) {
	for _, end := range []string{"open", "2025-03-12T00:00:00Z"} {
		t.Run(end, func(t *testing.T) { checkSegmentsAndCohorts(t, end) })
	}
}

// checkSegmentsAndCohorts runs TestGrowingSegmentsAndCohorts over 70 days
// of a timeline ending at end (open, or after the 70 days).
func checkSegmentsAndCohorts(t *testing.T, end string) {
	p := parsePlan(t, []byte(cohortDoc(true, end)), false)
	start := p.Schema.Timeframe.Start
	const days = 70
	until := start.Add(days * 24 * time.Hour)
	out := generateCSV(t, p, engineOptions(mustWindow(t, time.Time{}, until)))
	h, cust := records(t, out["customer"])
	type customer struct {
		vip  bool
		born int64
	}
	custs := map[string]customer{}
	for _, r := range cust {
		custs[r[col(h, "id")]] = customer{vip: r[col(h, "tier")] == "vip", born: micros(t, r[col(h, "at")])}
	}
	t0 := start.UnixMicro()
	promo := func(ts int64) bool {
		y, m, _ := time.UnixMicro(ts).UTC().Date()
		s := time.Date(y, m, 1, 0, 0, 0, 0, time.UTC).UnixMicro()
		return ts <= s+3*day-1_000_000
	}
	curve := []float64{1, 0.5, 0.25}
	bucket := func(c customer, mid int64) (string, float64) {
		week := min(int(behavior.Age(c.born, mid, behavior.Week)), 2)
		f := 0.5 * curve[week]
		seg := "std"
		if c.vip {
			seg, f = "vip", f*3
		}
		pr := promo(mid)
		if pr {
			f *= 2
		}
		return fmt.Sprintf("%s week %d promo %v", seg, week, pr), f
	}
	expected := map[string]float64{}
	exposure := map[string]float64{}
	for _, c := range custs {
		for u := (c.born - t0) / day; u < days; u++ {
			a, z := max(t0+u*day, c.born), t0+(u+1)*day-1
			share := float64(z-a+1) / day
			k, f := bucket(c, a+(z-a)/2)
			expected[k] += f * share
			exposure[k] += share
		}
	}
	h, sess := records(t, out["session"])
	observed := map[string]float64{}
	spikes := 0
	for _, r := range sess {
		c := custs[r[col(h, "customer_id")]]
		at := micros(t, r[col(h, "at")])
		u := (at - t0) / day
		a, z := max(t0+u*day, c.born), t0+(u+1)*day-1
		k, _ := bucket(c, a+(z-a)/2)
		observed[k]++
		// minutes: 10, × 2 for a VIP, × 1.5 from the customer's second
		// week on (at the session's own time), × 2 again for an outlier.
		want := 10.0
		if c.vip {
			want = 20
		}
		if behavior.Age(c.born, at, behavior.Week) >= 1 {
			want *= 1.5
		}
		switch r[col(h, "minutes")] {
		case fmt.Sprint(want):
		case fmt.Sprint(2 * want):
			spikes++
		default:
			t.Fatalf("session minutes %s for a customer with %g", r[col(h, "minutes")], want)
		}
	}
	keys := make([]string, 0, len(expected))
	for k := range expected {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		e := expected[k]
		if math.Abs(observed[k]-e) > 4*math.Sqrt(e)+1 {
			t.Errorf("%s: %.0f sessions, want about %.0f", k, observed[k], e)
		}
	}
	rate := func(k string) float64 { return observed[k] / exposure[k] }
	if r := rate("vip week 0 promo false") / rate("std week 0 promo false"); r < 2.6 || r > 3.4 {
		t.Errorf("a VIP customer has %.2f× the sessions of a standard one in its first week, want 3×", r)
	}
	if r := rate("std week 1 promo false") / rate("std week 0 promo false"); r < 0.42 || r > 0.58 {
		t.Errorf("sessions in a customer's second week are %.2f× those of its first, want 0.5×", r)
	}
	if r := rate("std week 2 promo true") / rate("std week 2 promo false"); r < 1.7 || r > 2.3 {
		t.Errorf("sessions during a promotion are %.2f× those outside, want 2×", r)
	}
	h, agents := records(t, out["agent"])
	senior := map[string]bool{}
	nSenior := 0.0
	for _, r := range agents {
		if senior[r[col(h, "id")]] = r[col(h, "level")] == "senior"; senior[r[col(h, "id")]] {
			nSenior++
		}
	}
	h, _ = records(t, out["session"])
	bySenior := 0.0
	for _, r := range sess {
		if senior[r[col(h, "agent_id")]] {
			bySenior++
		}
	}
	n := float64(len(sess))
	// Each senior agent weighs 4, each junior 1.
	if want := 4 * nSenior / (4*nSenior + float64(len(agents)) - nSenior); math.Abs(bySenior/n-want) > 4*math.Sqrt(want*(1-want)/n) {
		t.Errorf("%.3f of the sessions have a senior agent, want %.3f", bySenior/n, want)
	}
	if want := 0.02 * n; math.Abs(float64(spikes)-want) > 4*math.Sqrt(want) {
		t.Errorf("%d outliers among %.0f sessions, want about %.0f (2%%)", spikes, n, want)
	}
}

// TestGrowingFunnelAndStates checks the funnel and the state chain of
// growing customers: stage 1 is reached by 60 % (90 % for VIP); weekly
// chains run up to the horizon, a second week's state drawn as declared;
// a change log's rows follow each other.
func TestGrowingFunnelAndStates(t *testing.T) {
	p := parsePlan(t, []byte(cohortDoc(false, "open")), false)
	start := p.Schema.Timeframe.Start
	until := start.Add(60 * 24 * time.Hour)
	out := generateCSV(t, p, engineOptions(mustWindow(t, time.Time{}, until)))
	h, cust := records(t, out["customer"])
	vip := map[string]bool{}
	born := map[string]int64{}
	for _, r := range cust {
		vip[r[col(h, "id")]] = r[col(h, "tier")] == "vip"
		born[r[col(h, "id")]] = micros(t, r[col(h, "at")])
	}
	// Customers who signed up a week before the horizon reached their
	// stage 1 (gaps of 24 hours on average) or never will.
	h, steps := records(t, out["onboarding"])
	reached := map[string]int{}
	for _, r := range steps {
		c := r[col(h, "customer_id")]
		if born[c] == 0 {
			t.Fatalf("step of unknown customer %s", c)
		}
		if r[col(h, "stage_index")] == "0" && micros(t, r[col(h, "reached_at")]) != born[c] {
			t.Fatalf("customer %s: signed up at %s, stage 0 at %s", c, time.UnixMicro(born[c]).UTC(), r[col(h, "reached_at")])
		}
		if r[col(h, "stage_index")] == "1" {
			reached[c]++
		}
	}
	for _, seg := range []struct {
		vip bool
		p   float64
	}{{false, 0.6}, {true, 0.9}} {
		n, k := 0.0, 0.0
		for c, b := range born {
			if vip[c] == seg.vip && b < until.UnixMicro()-7*day {
				n++
				k += float64(reached[c])
			}
		}
		if math.Abs(k/n-seg.p) > 4*math.Sqrt(seg.p*(1-seg.p)/n)+0.01 {
			t.Errorf("vip %v: %.3f of %.0f customers reached stage 1, want %.2f", seg.vip, k/n, n, seg.p)
		}
	}
	// Weekly periods from each customer's sign-up, up to the horizon
	// (no max_periods): each customer's rows in chain order, each
	// period's state drawn from the one before.
	const week = 7 * day
	h, weeks := records(t, out["plan_week"])
	last := map[string][]string{}
	periods := map[string]int64{}
	next := map[string]float64{}
	for _, r := range weeks {
		c := r[col(h, "customer_id")]
		k := periods[c]
		st, ps := r[col(h, "state")], micros(t, r[col(h, "period_start")])
		if r[col(h, "period_index")] != fmt.Sprint(k) || ps != born[c]+k*week || k == 0 && st != "trial" {
			t.Fatalf("customer %s: period %d is %v", c, k, r)
		}
		if prev := last[c]; prev != nil && r[col(h, "previous_state")] != prev[col(h, "state")] {
			t.Fatalf("customer %s: period %d follows %s, its previous state is %s", c, k, prev[col(h, "state")], r[col(h, "previous_state")])
		}
		if k == 1 {
			next[st]++
		}
		last[c], periods[c] = r, k+1
	}
	h, _ = records(t, out["plan_week"])
	for c, b := range born {
		if want := (until.UnixMicro() - b + week - 1) / week; last[c][col(h, "state")] != "gone" && periods[c] != want {
			t.Fatalf("customer %s, still subscribed, has %d weekly periods up to the horizon, want %d", c, periods[c], want)
		}
	}
	n := next["trial"] + next["active"] + next["gone"]
	for st, p := range map[string]float64{"active": 0.5, "gone": 0.2, "trial": 0.3} {
		if math.Abs(next[st]/n-p) > 4*math.Sqrt(p*(1-p)/n) {
			t.Errorf("%.3f of %.0f second weeks are %s, want %.2f", next[st]/n, n, st, p)
		}
	}

	// Changes (emit transition), at most 30 daily periods: each row left
	// when the next is entered; the last one, later or never.
	h, changes := records(t, out["plan_change"])
	entered := map[string]string{}
	status := map[string]string{}
	for _, r := range changes {
		c := r[col(h, "customer_id")]
		if r[col(h, "from_status")] != status[c] {
			t.Fatalf("customer %s: change from %q after %q", c, r[col(h, "from_status")], status[c])
		}
		if e, ok := entered[c]; ok && e != r[col(h, "entered_at")] {
			t.Fatalf("customer %s: the state before was left at %s, this one entered at %s", c, e, r[col(h, "entered_at")])
		}
		if d := r[col(h, "day_index")]; len(d) > 2 || d >= "30" && len(d) == 2 {
			t.Fatalf("customer %s: a change at day %s, after max_periods 30", c, d)
		}
		status[c], entered[c] = r[col(h, "status")], r[col(h, "left_at")]
	}
}
