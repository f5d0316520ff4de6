package validate

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"datagen/src/civil"
	"datagen/src/column"
)

func cloneAll(data map[string]*memTab) map[string]*memTab {
	out := map[string]*memTab{}
	for k, v := range data {
		out[k] = v.clone()
	}
	return out
}

func TestGoodDataPassesEveryCheck(t *testing.T) {
	s := parseSchema(t, testSchema)
	rep := feed(t, s, generate(t, s, 7))
	if len(rep.Failures) > 0 {
		for _, f := range rep.Failures {
			t.Errorf("%s: %s", f.Name, f.Message)
		}
	}
	if rep.Summary.QualityScore != 100 || rep.Summary.HardFailures != 0 || !rep.OK(80) {
		t.Errorf("score %v, hard failures %d", rep.Summary.QualityScore, rep.Summary.HardFailures)
	}
	// Every category has checks, each with an explicit category.
	for _, cat := range []Category{Structural, Value, Behavioural} {
		if rep.Summary.ByType[string(cat)].Total == 0 {
			t.Errorf("no %s checks", cat)
		}
	}
	want := []string{"customer.pk_unique", "orders.fk_customer.integrity",
		"orders.fk_constraint.status_to_status.value", "customer.age.range", "orders.inequality.orders.amount_>_0",
		"orders.inequality.orders.amount_<_customer.max_amount", "customer.segment.pattern", "customer.code.pattern",
		"customer.segment.enum", "orders.status.enum", "orders.weekend_share", "customer.age.mean_in_range",
		"orders.ordered_at.seasonality_dow", "orders.fanout", "customer.age.nullable", "orders.types"}
	for _, n := range want {
		if r := result(t, rep, n); !r.Passed {
			t.Errorf("%s failed: %s", n, r.Message)
		}
	}
	// Each problem has one check: the unique constraint on the primary key
	// and the declared foreign key that the parent link checks add none.
	for _, n := range []string{"customer.customer_id.unique", "orders.fk_constraint.buyer_to_customer.customer_id"} {
		for _, r := range rep.Results {
			if r.Name == n {
				t.Errorf("%s repeats a check of the key", n)
			}
		}
	}
	// The parent link is found through the lookup, not a <parent>_id name.
	if d := result(t, rep, "orders.fk_customer.integrity").Details; d["checked_rows"].(int64) == 0 {
		t.Errorf("fk check saw no rows: %v", d)
	}
}

func TestBrokenDataFailsTheRightChecks(t *testing.T) {
	s := parseSchema(t, testSchema)
	base := generate(t, s, 7)
	cases := []struct {
		name   string
		break_ func(d map[string]*memTab)
		fail   []string // exactly these results fail
		hard   bool
	}{
		{"duplicate pk", func(d map[string]*memTab) {
			c := d["customer"].col("customer_id")
			c.Ints[5] = c.Ints[4]
		}, []string{"customer.pk_unique",
			// Customer 6 no longer exists, so its orders dangle.
			"orders.fk_customer.integrity"}, true},
		{"dangling fk", func(d map[string]*memTab) {
			d["orders"].col("buyer").Ints[0] = 99999
		}, []string{"orders.fk_customer.integrity", "orders.fanout"}, true},
		{"null in non-nullable", func(d map[string]*memTab) {
			d["orders"].col("amount").SetNull(3)
		}, []string{"orders.amount.nullable"}, true},
		{"out of range", func(d map[string]*memTab) {
			d["customer"].col("age").Ints[0] = 5
		}, []string{"customer.age.range"}, false},
		{"bad enum", func(d map[string]*memTab) {
			d["customer"].col("segment").Strs[0] = "zzz"
		}, []string{"customer.segment.enum", "customer.segment.pattern"}, false},
		{"enum_ref and fk to vocab", func(d map[string]*memTab) {
			d["orders"].col("status").Strs[0] = "lost"
		}, []string{"orders.status.enum", "orders.fk_constraint.status_to_status.value"}, true},
		{"column-level pattern", func(d map[string]*memTab) {
			d["customer"].col("code").Strs[1] = "ab-1"
		}, []string{"customer.code.pattern"}, false},
		{"inequality with literal", func(d map[string]*memTab) {
			d["orders"].col("amount").Floats[1] = -1
		}, []string{"orders.inequality.orders.amount_>_0"}, false},
		{"cross-table inequality", func(d map[string]*memTab) {
			d["orders"].col("amount").Floats[2] = 20000
		}, []string{"orders.inequality.orders.amount_<_customer.max_amount"}, false},
		{"wrong weekday mix", func(d map[string]*memTab) {
			ts := d["orders"].col("ordered_at")
			for i := range ts.Ints {
				// Move every timestamp to the Monday of its week.
				day := civil.FloorDiv(ts.Ints[i], usPerDay)
				dow := ((day+3)%7 + 7) % 7
				ts.Ints[i] -= dow * usPerDay
			}
		}, []string{"orders.weekend_share", "orders.ordered_at.seasonality_dow"}, false},
		{"fanout above max", func(d map[string]*memTab) {
			b := d["orders"].col("buyer")
			for i := 0; i < 80; i++ {
				b.Ints[i] = 1
			}
		}, []string{"orders.fanout"}, false},
		{"missing table", func(d map[string]*memTab) {
			delete(d, "status")
		}, []string{"status.exists", "orders.fk_constraint.status_to_status.value", "orders.status.enum"}, true},
		{"wrong type", func(d map[string]*memTab) {
			m := d["customer"]
			for i, f := range m.fields {
				if f.Name == "age" {
					v := m.cols[i]
					fl := make([]float64, len(v.Ints))
					for k, x := range v.Ints {
						fl[k] = float64(x)
					}
					m.cols[i] = &column.Vector{Type: column.Float, Floats: fl}
				}
			}
		}, []string{"customer.types", "customer.age.range", "customer.age.mean_in_range"}, true},
		{"missing column", func(d map[string]*memTab) {
			m := d["customer"]
			i := slices.IndexFunc(m.fields, func(f column.Field) bool { return f.Name == "code" })
			m.fields = slices.Delete(m.fields, i, i+1)
			m.cols = slices.Delete(m.cols, i, i+1)
		}, []string{"customer.code.exists", "customer.code.pattern"}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := cloneAll(base)
			tc.break_(d)
			rep := feed(t, s, d)
			got := failedNames(rep)
			slices.Sort(got)
			want := slices.Clone(tc.fail)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Fatalf("failed checks %v, want %v", got, want)
			}
			if (rep.Summary.HardFailures > 0) != tc.hard {
				t.Errorf("hard failures %d, want hard=%v", rep.Summary.HardFailures, tc.hard)
			}
			if rep.OK(0) == tc.hard {
				t.Errorf("OK(0) = %v with hard=%v", rep.OK(0), tc.hard)
			}
			if rep.Summary.QualityScore >= 100 {
				t.Errorf("score %v did not drop", rep.Summary.QualityScore)
			}
		})
	}
}

func TestFKDetailsCountRowsAndValues(t *testing.T) {
	s := parseSchema(t, testSchema)
	d := generate(t, s, 3)
	b := d["orders"].col("buyer")
	b.Ints[0], b.Ints[1], b.Ints[2] = 99999, 99999, 88888
	rep := feed(t, s, d)
	det := result(t, rep, "orders.fk_customer.integrity").Details
	if det["invalid_rows"] != int64(3) || det["distinct_invalid_values"] != int64(2) {
		t.Errorf("details %v", det)
	}
	if det["valid_rows"] != int64(len(b.Ints)-3) {
		t.Errorf("valid_rows %v, want %d", det["valid_rows"], len(b.Ints)-3)
	}
	if got := det["sample_invalid"].([]string); !slices.Equal(got, []string{"99999", "88888"}) {
		t.Errorf("samples %v", got)
	}
}

func TestSelfReferenceIsResolvedAtTheEnd(t *testing.T) {
	src := `{"version": "1.0", "metadata": {"name": "self"},
	  "timeframe": {"start": "2024-01-01", "end": "2024-01-02", "freq": "h"},
	  "nodes": [{"id": "emp", "kind": "entity", "rows": 50, "pk": "id", "columns": [
	    {"name": "id", "type": "int", "generator": {"sequence": {"start": 1, "step": 1}}},
	    {"name": "boss", "type": "int", "generator": {"distribution": {"type": "uniform", "params": {"low": 1, "high": 50}, "clamp": [1, 50]}}}]}],
	  "constraints": {"foreign_keys": [{"from": "emp.boss", "to": "emp.id"}]}}`
	s := parseSchema(t, src)
	d := generate(t, s, 1)
	if rep := feed(t, s, d); len(rep.Failures) > 0 {
		t.Fatalf("failures %v", failedNames(rep))
	}
	d["emp"].col("boss").Ints[10] = 51
	rep := feed(t, s, d)
	r := result(t, rep, "emp.fk_constraint.boss_to_emp.id")
	if r.Passed || r.Details["invalid_rows"] != int64(1) {
		t.Errorf("%v %v", r.Passed, r.Details)
	}
}

func TestJSONLayout(t *testing.T) {
	s := parseSchema(t, testSchema)
	d := generate(t, s, 7)
	// An all-null float column would give NaN statistics.
	d["customer"].col("phone").Null = make([]bool, d["customer"].rows())
	for i := range d["customer"].col("phone").Null {
		d["customer"].col("phone").Null[i] = true
	}
	d["customer"].col("age").Ints[0] = 5
	rep := feed(t, s, d)
	var buf bytes.Buffer
	if err := rep.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "NaN") || strings.Contains(buf.String(), "Inf") {
		t.Error("NaN or Inf in the JSON")
	}
	var m map[string]any
	if err := json.Unmarshal(buf.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"metadata", "summary", "failures", "all_results", "tables", "recommendations"} {
		if _, ok := m[k]; !ok {
			t.Errorf("missing key %q", k)
		}
	}
	sum := m["summary"].(map[string]any)
	for _, k := range []string{"total_validations", "passed", "failed", "quality_score", "by_table", "by_type", "score_breakdown", "hard_failures"} {
		if _, ok := sum[k]; !ok {
			t.Errorf("summary lacks %q", k)
		}
	}
	f := m["failures"].([]any)[0].(map[string]any)
	for _, k := range []string{"name", "passed", "message", "details", "category", "hard"} {
		if _, ok := f[k]; !ok {
			t.Errorf("result lacks %q", k)
		}
	}
	if f["name"] != "customer.age.range" || f["details"].(map[string]any)["actual_min"] != 5.0 {
		t.Errorf("failure %v", f)
	}
	tables := m["tables"].([]any)
	cust := tables[1].(map[string]any)
	if cust["id"] != "customer" || cust["rows"] != 400.0 {
		t.Errorf("table %v", cust["id"])
	}
	bt := sum["by_table"].(map[string]any)["customer"].(map[string]any)
	if bt["failed"] != 1.0 {
		t.Errorf("by_table %v", bt)
	}
}

func TestScoreArithmetic(t *testing.T) {
	mk := func(cat Category, pass bool) Result { return Result{Name: string(cat), Category: cat, Passed: pass} }
	cases := []struct {
		name    string
		results []Result
		score   float64
		lost    []float64
	}{
		{"empty", nil, 0, nil},
		{"all pass", []Result{mk(Structural, true), mk(Value, true), mk(Behavioural, true)}, 100, nil},
		// Behavioural is empty: its 0.2 goes to structural (0.7 and 0.3).
		{"no behavioural checks", []Result{mk(Structural, true), mk(Structural, true), mk(Structural, true), mk(Structural, false),
			mk(Value, true), mk(Value, true)}, 82.5, []float64{17.5}},
		// Value is empty: one failed behavioural check costs its declared
		// 20 points, not 0.2/0.7 = 28.6.
		{"no value checks", []Result{mk(Structural, true), mk(Structural, true), mk(Behavioural, false)}, 80, []float64{20}},
		{"no value checks, structural fails", []Result{mk(Structural, true), mk(Structural, false), mk(Behavioural, true)}, 60, []float64{40}},
		// Without structural checks the others are scaled to sum to 1.
		{"no structural checks", []Result{mk(Value, false), mk(Behavioural, true)}, 40, []float64{60}},
		{"all categories", []Result{mk(Structural, true), mk(Structural, false), mk(Value, false), mk(Behavioural, true),
			mk(Behavioural, true), mk(Behavioural, false), mk(Behavioural, true)}, 0.5*50 + 0 + 0.2*75, []float64{30, 25, 5}},
		{"only behavioural", []Result{mk(Behavioural, true), mk(Behavioural, false)}, 50, []float64{50}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := ComputeScore(tc.results)
			if s.Value != tc.score {
				t.Errorf("score %v, want %v", s.Value, tc.score)
			}
			var lost []float64
			for _, d := range s.Deductions {
				lost = append(lost, d.Points)
			}
			if !slices.Equal(lost, tc.lost) {
				t.Errorf("deductions %v, want %v", lost, tc.lost)
			}
			sum := 0.0
			for _, c := range s.Categories {
				sum += c.Points
			}
			if len(tc.results) > 0 && (sum < tc.score-0.02 || sum > tc.score+0.02) {
				t.Errorf("category points sum to %v, score %v", sum, tc.score)
			}
		})
	}
}

func TestSummaryText(t *testing.T) {
	s := parseSchema(t, testSchema)
	d := generate(t, s, 7)
	d["customer"].col("age").Ints[0] = 5
	rep := feed(t, s, d)
	var b strings.Builder
	if err := rep.WriteSummary(&b, 80); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Quality score: ", "✗ customer.age.range: 1 of 400 values", "Score deductions:"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, b.String())
		}
	}
}
