package dsl

import (
	"errors"
	"path/filepath"
	"reflect"
	"sort"
	"testing"
	"time"

	"datagen/src/column"
)

// examplesDir holds copies of the shipped example schemas.
const examplesDir = "testdata/examples"

// exampleFiles lists the shipped examples; the test fails if the folder
// gains or loses one, so that expectations stay complete.
var exampleFiles = []string{
	"bank.json", "ecomm.json", "ecommerce_conversion_funnel.json", "gov_scaled.json",
	"healthcare_appointments_vintage.json", "manufacturing_sensors_vintage.json",
	"saas_onboarding_integrated.json", "saas_subscription_vintage.json", "simple_users_events.json",
	"test_patterns.json", "vintage_effects_demo.json",
}

type expect struct{ path, msg string }

// exampleWarnings are the warnings every example yields in lenient mode.
var exampleWarnings = map[string][]expect{
	"bank.json": {
		{"nodes[6](communication).modifiers[0].args.on.promotion_id", `"promotion_id" is not a column of the parents of "communication", so this key is ignored`},
	},
	"ecomm.json": {
		{"nodes[6](order).modifiers[1].args.on.campaign_id", `"campaign_id" is not a column of the parents of "order", so this key is ignored`},
		{"nodes[6](order).modifiers[2].args.map.field", `"shop_open_multiplier" is not a column of "shop"`},
		{"nodes[8](inventory_movement).modifiers[1].args.map.field", `"shop_open_multiplier" is not a column of "shop"`},
		{"nodes[9](purchase_order).modifiers[1].args.map.field", `"shop_open_multiplier" is not a column of "shop"`},
	},
	"gov_scaled.json": {
		{"nodes[8](assessment).columns[5](credits).generator.lookup.on.this_key", `legacy lookup.on shape: "this_key" is not a column of "assessment", so the join is on "course_id" in both tables`},
	},
	"healthcare_appointments_vintage.json": {
		{"nodes[1](appointment).columns[3](visit_duration_minutes).generator.distribution.params.sigma", "sigma on normal is read as std"},
	},
	"manufacturing_sensors_vintage.json": {
		{"nodes[0](device).columns[0](device_id).generator.faker.text", "text is read as args.text"},
		{"nodes[1](measurement).columns[3](sensor_value).generator.distribution.params.sigma", "sigma on normal is read as std"},
	},
	"test_patterns.json": {
		{"nodes[5](fanout_test).fanout.lambda", "lambda is ignored by uniform fanout"},
	},
}

// strictErrors are the errors an example yields in strict mode (examples
// not listed decode strictly with the same warnings as in lenient mode).
var strictErrors = map[string][]expect{
	"ecomm.json": exampleWarnings["ecomm.json"][1:],
}

func checkProblems(t *testing.T, got []Problem, want []expect, warning bool) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("got %d problems, want %d:\n%v", len(got), len(want), Problems(got))
	}
	for _, w := range want {
		p, ok := findProblem(got, w.path, w.msg)
		if !ok {
			t.Errorf("missing problem %s: %s\ngot:\n%v", w.path, w.msg, Problems(got))
			continue
		}
		if p.Warning != warning {
			t.Errorf("%s: Warning = %v, want %v", p, p.Warning, warning)
		}
	}
}

func TestExamplesFolder(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(examplesDir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range files {
		names = append(names, filepath.Base(f))
	}
	sort.Strings(names)
	if !reflect.DeepEqual(names, exampleFiles) {
		t.Fatalf("examples folder holds %v, expectations cover %v", names, exampleFiles)
	}
}

func TestExamplesLenient(t *testing.T) {
	for _, name := range exampleFiles {
		t.Run(name, func(t *testing.T) {
			s, warns, err := Load(filepath.Join(examplesDir, name), Options{Lenient: true})
			if err != nil {
				t.Fatalf("lenient decode failed:\n%v", err)
			}
			if s == nil || len(s.Nodes) == 0 {
				t.Fatal("no nodes decoded")
			}
			checkProblems(t, warns, exampleWarnings[name], true)
		})
	}
}

func TestExamplesStrict(t *testing.T) {
	for _, name := range exampleFiles {
		t.Run(name, func(t *testing.T) {
			s, warns, err := Load(filepath.Join(examplesDir, name), Options{})
			wantErrs := strictErrors[name]
			if len(wantErrs) == 0 {
				if err != nil {
					t.Fatalf("strict decode failed:\n%v", err)
				}
				checkProblems(t, warns, exampleWarnings[name], true)
				return
			}
			if s != nil {
				t.Error("schema returned along with errors")
			}
			var ps Problems
			if !errors.As(err, &ps) {
				t.Fatalf("want Problems, got %v", err)
			}
			checkProblems(t, ps, wantErrs, false)
		})
	}
}

func loadExample(t *testing.T, name string) *Schema {
	t.Helper()
	s, _, err := Load(filepath.Join(examplesDir, name), Options{Lenient: true})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestDecodedSimpleUsersEvents(t *testing.T) {
	s := loadExample(t, "simple_users_events.json")
	if s.Version != "1.0" || s.Metadata.Name != "SimpleUsersEvents" {
		t.Errorf("header: %q %q", s.Version, s.Metadata.Name)
	}
	wantStart := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	wantEnd := time.Date(2024, 3, 31, 23, 59, 59, 0, time.UTC)
	if !s.Timeframe.Start.Equal(wantStart) || !s.Timeframe.End.Equal(wantEnd) || s.Timeframe.Freq != "H" {
		t.Errorf("timeframe: %+v", s.Timeframe)
	}
	user, event := s.Node("user"), s.Node("event")
	if user == nil || event == nil {
		t.Fatal("nodes missing")
	}
	if user.Kind != Entity || len(user.PK) != 1 || user.PK[0] != "user_id" || user.Rows != nil {
		t.Errorf("user: kind %s pk %s rows %v", user.Kind, user.PK, user.Rows)
	}
	if seq := user.Column("user_id").Generator.Sequence; seq == nil || seq.Start != 1 || seq.Step != 1 {
		t.Errorf("user_id sequence: %+v", seq)
	}
	age := user.Column("age")
	if age.Type != column.Int || age.Generator.Kind != GenDistribution {
		t.Fatalf("age: %+v", age)
	}
	dist := age.Generator.Distribution
	if dist.Type != "normal" || dist.Param("mean", 0) != 35 || dist.Param("std", 0) != 12 || *dist.ClampMin != 18 || *dist.ClampMax != 80 {
		t.Errorf("age distribution: %+v", dist)
	}
	f := event.Fanout
	if f == nil || f.Distribution != "poisson" || *f.Lambda != 8 || *f.Min != 0 || *f.Max != 50 || f.Clamp != nil {
		t.Errorf("fanout: %+v", f)
	}
	if !reflect.DeepEqual(event.Parents, []string{"user"}) {
		t.Errorf("parents: %v", event.Parents)
	}
	l := event.Column("user_id").Generator.Lookup
	if l.From != "user.user_id" || l.Table != "user" || l.Column != "user_id" || l.On != nil {
		t.Errorf("lookup: %+v", l)
	}
	ds := event.Column("timestamp").Generator.DatetimeSeries
	if !ds.WithinTimeframe || ds.Freq != "H" || ds.Pattern.Dimension != "dow" ||
		!reflect.DeepEqual(ds.Pattern.Weights, []float64{0.9, 1.0, 1.0, 1.1, 1.3, 1.2, 0.8}) {
		t.Errorf("datetime_series: %+v", ds)
	}
	c := s.Constraints
	if !reflect.DeepEqual(c.Unique, []string{"user.user_id", "event.event_id"}) ||
		!reflect.DeepEqual(c.ForeignKeys, []ForeignKey{{From: "event.user_id", To: "user.user_id"}}) ||
		len(c.Ranges) != 2 || c.Ranges[1].Attr != "event.amount" || *c.Ranges[1].Min != 5 || *c.Ranges[1].Max != 1000 {
		t.Errorf("constraints: %+v", c)
	}
	ws := s.Targets.WeekendShare
	if ws.Table != "event" || ws.Timestamp != "timestamp" || ws.Min != 0.30 || ws.Max != 0.45 {
		t.Errorf("weekend_share: %+v", ws)
	}
	if s.Targets.MeanInRange != nil || s.Targets.CompositeEffect != nil || s.DAG != nil {
		t.Error("absent targets or dag decoded as present")
	}
}

func TestDecodedLegacyShapes(t *testing.T) {
	gov := loadExample(t, "gov_scaled.json")
	l := gov.Node("assessment").Column("credits").Generator.Lookup
	if !l.LegacyOn || !reflect.DeepEqual(l.On, []KeyPair{{Local: "course_id", Remote: "course_id"}}) {
		t.Errorf("legacy lookup.on: %+v", l)
	}
	var transforms []Transform
	for _, m := range gov.Node("class_meeting").Column("start_time").Modifiers {
		transforms = append(transforms, m.Transform)
	}
	if !reflect.DeepEqual(transforms, []Transform{TSeasonality, TTimeJitter, TEffect}) {
		t.Errorf("effect on a datetime column (a rate modulation) was not kept: %v", transforms)
	}

	dev := loadExample(t, "manufacturing_sensors_vintage.json")
	fk := dev.Node("device").Column("device_id").Generator.Faker
	if fk.Method != "bothify" || !reflect.DeepEqual(fk.Args, map[string]any{"text": "DEV-####-????"}) {
		t.Errorf("faker text: %+v", fk)
	}
	if vb := dev.Node("device").VintageBehavior; vb.Get("created_at_column") == nil || vb.Get("created_at_column").Str != "installation_date" {
		t.Errorf("vintage_behavior: %#v", dev.Node("device").VintageBehavior)
	}

	hc := loadExample(t, "healthcare_appointments_vintage.json")
	d := hc.Node("appointment").Column("visit_duration_minutes").Generator.Distribution
	if !reflect.DeepEqual(d.Params, map[string]float64{"mean": 30, "std": 10}) {
		t.Errorf("sigma on normal: %v", d.Params)
	}
	if hc.Metadata.Extra["domain"] != "Healthcare / Patient Care" || hc.Metadata.Description == "" {
		t.Errorf("metadata: %+v", hc.Metadata)
	}

	bank := loadExample(t, "bank.json")
	e := bank.Node("communication").Modifiers[0].Effect
	if e.EffectTable != "promotion" || len(e.On) != 0 || e.StartCol != "start_at" || e.EndCol != "end_at" ||
		e.Field != "discount_multiplier" || e.Op != "mul" || e.Default != 1 || e.Overlap != "first" || e.TS != "" {
		t.Errorf("node effect: %+v", e)
	}
	emp := bank.Node("employee").Column("manager_id")
	if !emp.Nullable || emp.Generator.Lookup.From != "employee.employee_id" {
		t.Errorf("manager_id: %+v", emp)
	}
	resolved := bank.Node("account_transaction").Column("merchant_category").Generator.Choice.WeightsKind
	if resolved != (WeightsKind{Kind: "head_tail", H: 0.6, A: 1.5}) {
		t.Errorf("weights_kind: %+v", resolved)
	}
	if b := bank.Node("communication").Column("resolved").Generator.Choice.Choices; !reflect.DeepEqual(b, []any{true, false}) {
		t.Errorf("bool choices: %#v", b)
	}
}

func TestDecodedTestPatterns(t *testing.T) {
	s := loadExample(t, "test_patterns.json")
	gt := s.Node("generators_test")
	if *gt.Rows != 50 {
		t.Errorf("rows: %d", *gt.Rows)
	}
	if f := gt.Column("faker_name").Generator.Faker; f.Locale != "en_US" || f.Method != "name" {
		t.Errorf("faker locale: %+v", f)
	}
	if wk := gt.Column("choice_zipf").Generator.Choice.WeightsKind; wk != (WeightsKind{Kind: "zipf", A: 1.5}) {
		t.Errorf("zipf: %+v", wk)
	}
	if wk := gt.Column("choice_uniform").Generator.Choice.WeightsKind; wk.Kind != "uniform" {
		t.Errorf("uniform: %+v", wk)
	}
	dc := gt.Column("datetime_composite")
	if len(dc.Modifiers) != 2 || dc.Modifiers[0].Seasonality.Dimension != "hour" || len(dc.Modifiers[0].Seasonality.Weights) != 24 ||
		dc.Modifiers[1].TimeJitter.StdMinutes != 15 {
		t.Errorf("datetime modifiers: %+v", dc.Modifiers)
	}
	mt := s.Node("modifiers_test")
	mv := mt.Column("status_mapped").Modifiers[0].MapValues
	want := []MapEntry{{"A", "Active"}, {"B", "Blocked"}, {"C", "Closed"}}
	if !reflect.DeepEqual(mv.Mapping, want) {
		t.Errorf("map_values: %+v", mv.Mapping)
	}
	out := mt.Column("value_with_outliers").Modifiers[0].Outliers
	if out.Rate != 0.05 || out.Mode != "spike" || out.MagnitudeDist.Type != "lognormal" ||
		out.MagnitudeDist.Params["sigma"] != 0.5 || *out.MagnitudeDist.ClampMin != 1.5 || *out.MagnitudeDist.ClampMax != 5 {
		t.Errorf("outliers: %+v", out)
	}
	j := mt.Column("value_jittered_mul").Modifiers[0].Jitter
	if j.Std != 0.1 || j.Mode != "mul" {
		t.Errorf("jitter: %+v", j)
	}
	add := mt.Column("value_added").Modifiers[0].Add
	if add.Value != 25 || add.Unit != "seconds" {
		t.Errorf("add: %+v", add)
	}
	cl := mt.Column("value_clamped").Modifiers[0].Clamp
	if *cl.Min != 60 || *cl.Max != 140 {
		t.Errorf("clamp: %+v", cl)
	}
	keyed := s.Node("multi_parent_test").Column("amount_with_keyed_effect").Modifiers[0].Effect
	if !reflect.DeepEqual(keyed.On, []KeyPair{{Local: "category", Remote: "category"}}) || keyed.Field != "impact_multiplier" {
		t.Errorf("keyed effect: %+v", keyed)
	}
	ft := s.Node("fanout_test").Fanout
	if ft.Distribution != "uniform" || *ft.Min != 2 || *ft.Max != 8 {
		t.Errorf("uniform fanout: %+v", ft)
	}
	ce := s.Targets.CompositeEffect
	if ce.Table != "modifiers_test" || len(ce.Influences) != 2 || *ce.MAE != 0.05 || *ce.MAPE != 15 || ce.Influences[1].Dimension != "hour" {
		t.Errorf("composite_effect: %+v", ce)
	}
	if v := s.Node("status_vocab"); v.Kind != Vocab || len(v.Column("value").Generator.EnumList.Values) != 5 {
		t.Errorf("vocab: %+v", v)
	}
}

func TestDecodedEcommLenient(t *testing.T) {
	s := loadExample(t, "ecomm.json")
	order := s.Node("order")
	if len(order.Modifiers) != 3 || len(order.Modifiers[1].Effect.On) != 0 || order.Modifiers[2].Effect.Default != 0 {
		t.Errorf("order effects: %+v", order.Modifiers)
	}
	if seg := s.Node("customer").SegmentBehavior.Get("segment_column"); seg == nil || seg.Str != "customer_segment" {
		t.Errorf("segment_behavior: %#v", s.Node("customer").SegmentBehavior)
	}
	tr := order.Column("gross_amount").Modifiers[0].Trend
	if tr.Type != "exponential" || tr.GrowthRate != 0.08 || tr.TimeReference != "order_time" {
		t.Errorf("trend: %+v", tr)
	}
	ch := s.Node("growth_effect").Column("turnover_multiplier").Generator.Choice.Choices
	if !reflect.DeepEqual(ch, []any{1.0, 2.35, 5.5225}) {
		t.Errorf("numeric choices: %#v", ch)
	}
}
