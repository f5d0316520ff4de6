package dsl

import (
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
