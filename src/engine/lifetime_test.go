package engine_test

import (
	"testing"
	"time"

	"datagen/src/engine"
)

const lifetimeDoc = `{"version": "1.0", "metadata": {"name": "life"},
 "timeframe": {"start": "2025-01-01T00:00:00Z", "end": "2025-12-31T23:59:59Z", "freq": "D"},
 "nodes": [
  {"id": "subscriber", "kind": "entity", "rows": 400, "pk": "id", "columns": [
    {"name": "id", "type": "int", "generator": {"sequence": {}}},
    {"name": "signup_date", "type": "date", "generator": {"datetime_series": {"within": {"start": "2024-06-01", "end": "2025-10-01"}, "freq": "D"}}},
    {"name": "lifetime_days", "type": "int", "generator": {"distribution": {"type": "uniform", "params": {"low": 10, "high": 300}}}},
    {"name": "churned", "type": "bool", "generator": {"choice": {"choices": [true, false]}}},
    {"name": "churned_at", "type": "datetime", "nullable": true, "generator": {"expression": {"code": "if(churned, datetime(signup_date) + days(lifetime_days), null)"}}}]},
  {"id": "usage", "kind": "fact", "parents": ["subscriber"], "pk": "id", "fanout": {"distribution": "poisson", "lambda": 8},
   "columns": [
    {"name": "id", "type": "int", "generator": {"sequence": {}}},
    {"name": "subscriber_id", "type": "int", "generator": {"lookup": {"from": "subscriber.id"}}},
    {"name": "at", "type": "datetime", "nullable": true, "generator": {"datetime_series": {"within": {"start_col": "subscriber.signup_date", "end_col": "subscriber.churned_at"}, "freq": "h",
       "pattern": {"dimension": "dow", "weights": [1, 1, 1, 1, 1, 0, 0]}}}},
    {"name": "billed", "type": "date", "nullable": true, "generator": {"datetime_series": {"within": {"start_col": "subscriber.signup_date", "end_col": "subscriber.churned_at"}, "freq": "MS", "sequential": true}}}]}
 ]}`

// TestLifetimesBoundChildren: every event falls inside its parent's
// lifetime (signup to churn, or the timeframe's end when not churned),
// patterns still apply, and sequential instants count from the signup.
func TestLifetimesBoundChildren(t *testing.T) {
	p := parsePlan(t, []byte(lifetimeDoc), false)
	out := generateCSV(t, p, engine.Options{Seed: 2, BlockRows: 77})
	sh, subs := records(t, out["subscriber"])
	type life struct{ lo, hi time.Time }
	tfStart, tfEnd := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 12, 31, 23, 59, 59, 0, time.UTC)
	lives := map[string]life{}
	for _, s := range subs {
		lo, _ := time.Parse("2006-01-02", s[col(sh, "signup_date")])
		hi := tfEnd
		if c := s[col(sh, "churned_at")]; c != "" {
			hi, _ = time.Parse(time.RFC3339, c)
		}
		if lo.Before(tfStart) {
			lo = tfStart
		}
		lives[s[col(sh, "id")]] = life{lo, hi}
	}
	uh, usage := records(t, out["usage"])
	nulls, seen := 0, 0
	last := map[string]time.Time{}
	for _, u := range usage {
		l := lives[u[col(uh, "subscriber_id")]]
		if s := u[col(uh, "at")]; s == "" {
			nulls++
			if !l.lo.After(l.hi) {
				t.Errorf("usage %s: null although the lifetime %v–%v is not empty", u[col(uh, "id")], l.lo, l.hi)
			}
		} else {
			seen++
			at, _ := time.Parse(time.RFC3339, s)
			if at.Before(l.lo) || at.After(l.hi) {
				t.Fatalf("usage %s at %s is outside its subscriber's lifetime %v–%v", u[col(uh, "id")], s, l.lo, l.hi)
			}
			if wd := at.Weekday(); wd == time.Saturday || wd == time.Sunday {
				t.Fatalf("usage %s at %s: the weekday pattern gives weekends no weight", u[col(uh, "id")], s)
			}
		}
		if s := u[col(uh, "billed")]; s != "" {
			b, _ := time.Parse("2006-01-02", s)
			sub := u[col(uh, "subscriber_id")]
			if b.Day() != 1 || b.Before(l.lo) || b.After(l.hi) || !last[sub].IsZero() && !b.Equal(last[sub].AddDate(0, 1, 0)) {
				t.Fatalf("usage %s: billed %s (previous %v, lifetime %v–%v)", u[col(uh, "id")], s, last[sub], l.lo, l.hi)
			}
			last[sub] = b
		}
	}
	if seen == 0 || nulls == 0 {
		t.Fatalf("%d events inside lifetimes, %d with an empty lifetime: the test needs both", seen, nulls)
	}
}

const funnelLifetimeDoc = `{"version": "1.0", "metadata": {"name": "funnel"},
 "timeframe": {"start": "2024-01-01T00:00:00Z", "end": "2024-12-31T23:59:59Z", "freq": "h"},
 "nodes": [
  {"id": "user", "kind": "entity", "rows": 500, "pk": "user_id", "columns": [
    {"name": "user_id", "type": "int", "generator": {"sequence": {}}},
    {"name": "signup", "type": "datetime", "generator": {"datetime_series": {"within": {"start": "2024-01-01T00:00:00Z", "end": "2024-06-30T00:00:00Z"}, "freq": "h"}}},
    {"name": "left_at", "type": "datetime", "nullable": true, "null_rate": 0.3, "generator": {"expression": {"code": "signup + days(3)"}}}]},
  {"id": "journey", "kind": "fact", "pk": "event_id", "parents": ["user"],
   "stage_config": {"stages": [{"stage_name": "signup", "transition_rate": 1.0}, {"stage_name": "browse", "transition_rate": 0.9},
      {"stage_name": "cart", "transition_rate": 0.9}, {"stage_name": "buy", "transition_rate": 0.9}],
     "timestamp_column": "at", "start_column": "signup"},
   "columns": [
    {"name": "event_id", "type": "int", "generator": {"sequence": {}}},
    {"name": "user_id", "type": "int", "generator": {"lookup": {"from": "user.user_id"}}},
    {"name": "stage_name", "type": "string", "generator": {"choice": {"choices": ["signup"]}}},
    {"name": "stage_index", "type": "int", "generator": {"sequence": {}}},
    {"name": "at", "type": "datetime", "generator": {"datetime_series": {"within": {"start_col": "user.signup", "end_col": "user.left_at"}, "freq": "h"}}}]}
 ]}`

// TestFunnelStopsAtLifetimeEnd: a funnel whose stage time column declares
// a lifetime end observes no stage after it.
func TestFunnelStopsAtLifetimeEnd(t *testing.T) {
	p := parsePlan(t, []byte(funnelLifetimeDoc), false)
	out := generateCSV(t, p, engine.Options{Seed: 4})
	uh, users := records(t, out["user"])
	end := map[string]string{}
	for _, u := range users {
		end[u[col(uh, "user_id")]] = u[col(uh, "left_at")]
	}
	jh, journey := records(t, out["journey"])
	bounded, late := 0, 0
	for _, j := range journey {
		e := end[j[col(jh, "user_id")]]
		if e == "" {
			if j[col(jh, "at")] > "2024-01-01T00:00:00Z" && j[col(jh, "stage_index")] != "0" {
				late++ // an unbounded user's later stage: the end is the timeframe's
			}
			continue
		}
		bounded++
		if j[col(jh, "at")] > e {
			t.Fatalf("user %s: stage %s at %s after the end %s", j[col(jh, "user_id")], j[col(jh, "stage_name")], j[col(jh, "at")], e)
		}
	}
	if bounded == 0 || late == 0 {
		t.Fatalf("%d stages of bounded users, %d later stages of unbounded ones: the test needs both", bounded, late)
	}
}
