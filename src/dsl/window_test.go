package dsl

import (
	"errors"
	"testing"
	"time"
)

func TestOpenTimelineDecodes(t *testing.T) {
	d := baseDoc(t)
	set(t, d, "timeframe.end", `"open"`)
	del(t, d, jUser+".rows")
	set(t, d, jUser+".arrivals", `{"per": "day", "mean": 40}`)
	set(t, d, jOrder+".fanout", `{"per": "week", "lambda": 0.3}`)
	set(t, d, jOrder+".time_column", `"ordered_at"`)
	set(t, d, "nodes.2.time_column", `null`)
	s, _, err := Parse(encode(t, d), Options{})
	if err != nil {
		t.Fatal(err)
	}
	tf := s.Timeframe
	if !tf.Open || !tf.End.Equal(time.Date(2124, 1, 1, 0, 0, 0, 0, time.UTC).Add(-time.Microsecond)) {
		t.Errorf("timeframe: open %v, end %v", tf.Open, tf.End)
	}
	if a := s.Nodes[0].Arrivals; a == nil || a.Per != "day" || a.Mean != 40 {
		t.Errorf("arrivals %+v", a)
	}
	if f := s.Nodes[3].Fanout; f.Per != "week" || f.Distribution != "poisson" || *f.Lambda != 0.3 {
		t.Errorf("fanout %+v", f)
	}
	if tc := s.Nodes[3].TimeColumn; tc == nil || *tc != "ordered_at" {
		t.Errorf("time_column %v", tc)
	}
	if tc := s.Nodes[2].TimeColumn; tc == nil || *tc != "" {
		t.Errorf("time_column null: %v", tc)
	}
	if UnitMicros("hour") != 3600e6 || UnitMicros("day") != 86400e6 || UnitMicros("week") != 7*86400e6 {
		t.Error("unit lengths")
	}
}

// TestTimelineKeyErrors checks the problems of mistyped timeline keys:
// each is reported once, at its path, with what to write instead.
func TestTimelineKeyErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		edit edit
		want []Problem
	}{
		{"end Open", setTo("timeframe.end", `"Open"`), []Problem{
			{Path: "timeframe.end", Message: `unknown end "Open": the keyword of an open timeline is "open"`, Suggestion: `write "open" in lower case`}}},
		{"arrivals per month", edits(remove(jUser+".rows"), setTo(jUser+".arrivals", `{"per": "month", "mean": 40}`)), []Problem{
			{Path: pUser + ".arrivals.per", Message: `unknown unit "month"`, Suggestion: "expected one of: hour, day, week"}}},
		{"fanout per minute", setTo(jOrder+".fanout", `{"per": "minute", "lambda": 0.3}`), []Problem{
			{Path: pOrder + ".fanout.per", Message: `unknown unit "minute"`, Suggestion: "expected one of: hour, day, week"}}},
		{"fanout per without lambda", setTo(jOrder+".fanout", `{"per": "day"}`), []Problem{
			{Path: pOrder + ".fanout", Message: `missing required key "lambda" (fanout.per draws a Poisson(lambda) count per unit)`, Suggestion: `add "lambda": the mean count per parent row per unit`}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := baseDoc(t)
			c.edit(t, d)
			_, _, err := Parse(encode(t, d), Options{})
			var ps Problems
			if !errors.As(err, &ps) {
				t.Fatalf("error %v, want problems", err)
			}
			if len(ps) != len(c.want) {
				t.Fatalf("problems %v, want %v", ps, c.want)
			}
			for i, p := range ps {
				if p.Path != c.want[i].Path || p.Message != c.want[i].Message || p.Suggestion != c.want[i].Suggestion {
					t.Errorf("problem %q: %q (%q), want %q: %q (%q)", p.Path, p.Message, p.Suggestion, c.want[i].Path, c.want[i].Message, c.want[i].Suggestion)
				}
			}
		})
	}
}
