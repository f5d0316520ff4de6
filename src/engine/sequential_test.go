package engine_test

import (
	"context"
	"strings"
	"testing"

	"datagen/src/dsl"
	"datagen/src/engine"
	"datagen/src/plan"
)

const seqDoc = `{"version": "1.0", "metadata": {"name": "seq"},
 "timeframe": {"start": "2025-01-01T00:00:00Z", "end": "2025-12-31T23:59:59Z", "freq": "D"},
 "nodes": [
  {"id": "promotion", "kind": "entity", "rows": ROWS, "pk": "id", "columns": [
    {"name": "id", "type": "int", "generator": {"sequence": {}}},
    {"name": "starts_at", "type": "date", "generator": {"datetime_series": {"within": "timeframe", "freq": "MS", "sequential": true}}}]},
  {"id": "invoice", "kind": "fact", "parents": ["promotion"], "pk": "id", "fanout": {"distribution": "uniform", "min": 0, "max": 4},
   "columns": [
    {"name": "id", "type": "int", "generator": {"sequence": {}}},
    {"name": "promotion_id", "type": "int", "generator": {"lookup": {"from": "promotion.id"}}},
    {"name": "week", "type": "datetime", "generator": {"datetime_series": {"within": {"start": "2025-01-06", "end": "2025-01-27"}, "freq": "W-MON", "sequential": true}}}]}
 ]}`

// TestSequentialCalendar: an entity gets one row per grid instant in order,
// and the children of each parent start again at the first instant.
func TestSequentialCalendar(t *testing.T) {
	p := parsePlan(t, []byte(strings.Replace(seqDoc, "ROWS", "12", 1)), false)
	out := generateCSV(t, p, engine.Options{Seed: 1, BlockRows: 5})
	ph, promos := records(t, out["promotion"])
	for i, r := range promos {
		if want := "2025-" + []string{"01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12"}[i] + "-01"; r[col(ph, "starts_at")] != want {
			t.Errorf("promotion %d starts %s, want %s", i, r[col(ph, "starts_at")], want)
		}
	}
	ih, invoices := records(t, out["invoice"])
	weeks := []string{"2025-01-06T00:00:00Z", "2025-01-13T00:00:00Z", "2025-01-20T00:00:00Z", "2025-01-27T00:00:00Z"}
	k, prev := 0, ""
	for _, r := range invoices {
		if r[col(ih, "promotion_id")] != prev {
			k, prev = 0, r[col(ih, "promotion_id")]
		}
		if r[col(ih, "week")] != weeks[k] {
			t.Fatalf("child %d of promotion %s is in week %s, want %s", k, prev, r[col(ih, "week")], weeks[k])
		}
		k++
	}
}

// TestSequentialCalendarTooShort: the check reports more declared rows
// than instants; generation reports a scale that makes the rows too many.
func TestSequentialCalendarTooShort(t *testing.T) {
	if _, _, err := dsl.Parse([]byte(strings.Replace(seqDoc, "ROWS", "13", 1)), dsl.Options{}); err == nil ||
		!strings.Contains(err.Error(), `"promotion" has 13 rows but the grid has 12 instants`) {
		t.Fatalf("check: got %v", err)
	}
	s, _, err := dsl.Parse([]byte(strings.Replace(seqDoc, "ROWS", "12", 1)), dsl.Options{})
	if err != nil {
		t.Fatal(err)
	}
	p, err := plan.New(s)
	if err != nil {
		t.Fatal(err)
	}
	_, err = engine.Run(context.Background(), p, engine.Options{Seed: 1, Scale: 2})
	if want := "the table has 24 rows but the grid has 12 instants"; err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("got %v, want %q", err, want)
	}
}

// TestCalendarIgnoresScale: an entity without rows and with a sequential
// series has one row per instant, at any scale.
func TestCalendarIgnoresScale(t *testing.T) {
	doc := strings.Replace(seqDoc, `"rows": ROWS, `, "", 1)
	p := parsePlan(t, []byte(doc), false)
	out := generateCSV(t, p, engine.Options{Seed: 1, Scale: 3.5})
	if _, rows := records(t, out["promotion"]); len(rows) != 12 {
		t.Fatalf("%d promotions at scale 3.5, want one per month (12)", len(rows))
	}
}
