package behavior

import (
	"math"
	"strings"
	"testing"

	"datagen/src/dsl"
)

const head = `{"version":"1.0","metadata":{"name":"b"},"timeframe":{"start":"2024-01-01T00:00:00Z","end":"2024-12-31T23:59:59Z","freq":"D"},"constraints":{},"nodes":`

// user is an entity with a segment column and a creation time; %s is
// replaced by its behaviour keys.
const user = `{"id":"user","kind":"entity","rows":10,"pk":"id",%s"columns":[
  {"name":"id","type":"int","generator":{"sequence":{}}},
  {"name":"seg","type":"string","generator":{"choice":{"choices":["a","b"]%s}}},
  {"name":"created","type":"datetime","generator":{"datetime_series":{"within":"timeframe","freq":"D"}}}]}`

func resolve(t *testing.T, nodes string) (*Result, Problems) {
	t.Helper()
	s, _, err := dsl.Parse([]byte(head+nodes+"}"), dsl.Options{})
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return Resolve(s)
}

func userNode(behaviour, weights string) string {
	if behaviour != "" {
		behaviour += ","
	}
	return strings.Replace(strings.Replace(user, "%s", behaviour, 1), "%s", weights, 1)
}

const event = `{"id":"event","kind":"fact","parents":["user"],"pk":"eid",%s"columns":[
  {"name":"eid","type":"int","generator":{"sequence":{}}},
  {"name":"uid","type":"int","generator":{"lookup":{"from":"user.id"}}},
  {"name":"state","type":"string","generator":{"choice":{"choices":["x"]}}},
  {"name":"at","type":"datetime","generator":{"datetime_series":{"within":"timeframe","freq":"h"}}},
  {"name":"amount","type":"float","generator":{"distribution":{"type":"uniform","params":{}}}}]}`

func eventNode(behaviour string) string {
	if behaviour != "" {
		behaviour += ","
	}
	return strings.Replace(event, "%s", behaviour, 1)
}

func TestResolveProblems(t *testing.T) {
	states := func(body string) string {
		return "[" + userNode("", "") + "," + eventNode(`"state_transition_model":`+body) + "]"
	}
	stages := func(body string) string {
		return "[" + userNode("", "") + "," + eventNode(`"stage_config":`+body) + "]"
	}
	cases := []struct {
		name, nodes string
		want        string // "path: message" fragment of an error
		warning     bool
	}{
		{"segment column missing", "[" + userNode(`"segment_behavior":{"segment_column":"tier","behaviors":{"a":{"fanout_multiplier":2}}}`, "") + "]",
			`nodes[0](user).segment_behavior.segment_column: "user" has no column "tier"`, false},
		{"unknown segment key", "[" + userNode(`"segment_behavior":{"segment_column":"seg","behaviors":{"a":{"fanout_multiplyer":2}}}`, "") + "]",
			`nodes[0](user).segment_behavior.behaviors.a.fanout_multiplyer: unknown key "fanout_multiplyer" (did you mean "fanout_multiplier"?)`, false},
		{"negative multiplier", "[" + userNode(`"segment_behavior":{"segment_column":"seg","behaviors":{"a":{"value_multiplier":-1}}}`, "") + "]",
			`nodes[0](user).segment_behavior.behaviors.a.value_multiplier: value_multiplier must be between 0 and 1e+06, got -1`, false},
		{"value multiplier without columns", "[" + userNode(`"segment_behavior":{"segment_column":"seg","behaviors":{"a":{"value_multiplier":3}}}`, "") + "," + eventNode("") + "]",
			`nodes[0](user).segment_behavior.behaviors.a.value_multiplier: value_multiplier 3 has no effect: no "applies_to_columns" names the child columns it scales`, true},
		{"no segments", "[" + userNode(`"segment_behavior":{"segment_column":"seg"}`, "") + "]",
			`nodes[0](user).segment_behavior: segment_behavior needs "behaviors"`, false},
		{"base probability disagrees", "[" + userNode(`"segment_behavior":{"segment_column":"seg","segments":{"a":{"base_probability":0.5},"b":{"base_probability":0.5}}}`, `,"weights":[0.2,0.8]`) + "]",
			`nodes[0](user).segment_behavior.segments.a.base_probability: base_probability 0.5 disagrees with the share 0.2`, true},
		{"segment not a choice", "[" + userNode(`"segment_behavior":{"segment_column":"seg","behaviors":{"c":{"fanout_multiplier":2}}}`, "") + "]",
			`nodes[0](user).segment_behavior: segment "c" is not one of the choices of "seg" ("a", "b")`, true},
		{"value column not numeric", "[" + userNode(`"segment_behavior":{"segment_column":"seg","behaviors":{"a":{"value_multiplier":2}},"applies_to_columns":["state"]}`, "") + "," + eventNode("") + "]",
			`nodes[1](event).columns[2](state): user's segment value_multiplier applies to "state", which is string`, false},
		{"created_at missing", "[" + userNode(`"vintage_behavior":{"age_based_multipliers":{"d":{"curve":[1,0.5],"applies_to":"fanout"}}}`, "") + "]",
			`nodes[0](user).vintage_behavior.created_at_column: "user" has no column "created_at"`, false},
		{"curve string", "[" + userNode(`"vintage_behavior":{"created_at_column":"created","age_based_multipliers":{"d":{"curve":"logarithmic","applies_to":"fanout"}}}`, "") + "]",
			`nodes[0](user).vintage_behavior.age_based_multipliers.d.curve: a curve is an array of multipliers`, false},
		{"curve param missing", "[" + userNode(`"vintage_behavior":{"created_at_column":"created","age_based_multipliers":{"d":{"curve":{"curve_type":"linear","params":{"a":1}},"applies_to":"fanout"}}}`, "") + "]",
			`nodes[0](user).vintage_behavior.age_based_multipliers.d.curve.params.b: parameter b is required`, false},
		{"time unit", "[" + userNode(`"vintage_behavior":{"created_at_column":"created","age_based_multipliers":{"d":{"curve":[1],"time_unit":"months","applies_to":"fanout"}}}`, "") + "]",
			`nodes[0](user).vintage_behavior.age_based_multipliers.d.time_unit: unknown time unit "months" (did you mean "month"?)`, false},
		{"stage rate missing", stages(`{"stages":[{"stage_name":"a"},{"stage_name":"b"}]}`),
			`nodes[1](event).stage_config.stages[1](b).transition_rate: transition_rate is required from the second stage on`, false},
		{"stage rate above 1", stages(`{"stages":[{"stage_name":"a"},{"stage_name":"b","transition_rate":1.5}]}`),
			`nodes[1](event).stage_config.stages[1](b).transition_rate: transition_rate must be between 0 and 1, got 1.5`, false},
		{"stage variation without segment", stages(`{"stages":[{"stage_name":"a"}],"segment_variation":{"a":{"transition_multiplier":2}}}`),
			`nodes[1](event).stage_config.segment_variation: segment_variation needs the segment of each "user" row`, false},
		{"stage gap", stages(`{"stages":[{"stage_name":"a"},{"stage_name":"b","transition_rate":0.5,"gap":{"distribution":"exponential","mean":0}}]}`),
			`nodes[1](event).stage_config.stages[1](b).gap.mean: an exponential gap needs mean > 0 (in hours)`, false},
		{"stage fanout", "[" + userNode("", "") + "," + eventNode(`"fanout":{"distribution":"uniform","min":1,"max":2},"stage_config":{"stages":[{"stage_name":"a"}]}`) + "]",
			`nodes[1](event).fanout: a fact with stage_config has one row per reached stage of each parent row; remove fanout`, false},
		{"state sum above 1", states(`{"initial_state":"t","states":{"t":{"next_states":{"a":0.7,"c":0.4}},"a":{"next_states":{"c":0.1}},"c":{"terminal":true}}}`),
			`nodes[1](event).state_transition_model.states.t.next_states: the per-period probabilities of leaving "t" sum to 1.1`, false},
		{"state unknown", states(`{"initial_state":"t","states":{"t":{"next_states":{"actve":0.5}},"active":{"next_states":{"c":0.1}},"c":{"terminal":true}}}`),
			`nodes[1](event).state_transition_model.states.t.next_states.actve: unknown state "actve" (did you mean "active"?)`, false},
		{"state no terminal reachable", states(`{"initial_state":"t","states":{"t":{"next_states":{"a":0.5}},"a":{"next_states":{"t":0.1}},"c":{"terminal":true}}}`),
			`nodes[1](event).state_transition_model: no terminal state can be reached from "t"`, false},
		{"terminal with exits", states(`{"initial_state":"t","states":{"t":{"next_states":{"c":0.5}},"c":{"terminal":true,"next_states":{"t":0.1}}}}`),
			`nodes[1](event).state_transition_model.states.c: terminal state "c" cannot have next_states`, false},
		{"state shares", states(`{"initial_state":"t","states":{"t":{"transition_prob_per_period":0.5,"next_states":{"c":0.5}},"c":{"terminal":true}}}`),
			`nodes[1](event).state_transition_model.states.t.next_states: with transition_prob_per_period, next_states are the shares of the leaving probability and must sum to 1, got 0.5`, false},
		{"state column", states(`{"initial_state":"t","state_column":"status","states":{"t":{"next_states":{"c":0.5}},"c":{"terminal":true}}}`),
			`nodes[1](event).state_transition_model.state_column: "event" has no column "status"`, false},
		{"state emit", states(`{"initial_state":"t","emit":"row","states":{"t":{"next_states":{"c":0.5}},"c":{"terminal":true}}}`),
			`nodes[1](event).state_transition_model.emit: emit must be "period"`, false},
		{"state on entity", "[" + userNode(`"state_transition_model":{"initial_state":"t","states":{"t":{"terminal":true}}}`, "") + "]",
			`nodes[0](user).state_transition_model: state_transition_model needs a fact with parents`, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, ps := resolve(t, c.nodes)
			var all []string
			for _, p := range ps {
				if p.Warning == c.warning && strings.Contains(p.String(), c.want) {
					return
				}
				all = append(all, p.String())
			}
			t.Fatalf("want a %s containing %q, got:\n%s", map[bool]string{true: "warning", false: "error"}[c.warning], c.want, strings.Join(all, "\n"))
		})
	}
}

func TestResolveLinks(t *testing.T) {
	nodes := "[" + userNode(`"segment_behavior":{"segment_column":"seg","segments":{"a":{"base_probability":0.2,"fanout_multiplier":3},"b":{"base_probability":0.6,"value_multiplier":2}},"applies_to_columns":["amount"]},
	  "vintage_behavior":{"created_at_column":"created","age_based_multipliers":{"d":{"curve":[1,0.5],"applies_to":"fanout"},"v":{"curve":[1,2],"applies_to":"all"}}}`, "") +
		`,{"id":"shop","kind":"entity","rows":3,"pk":"sid","columns":[{"name":"sid","type":"int","generator":{"sequence":{}}}]}` +
		`,{"id":"order","kind":"fact","parents":["shop","user"],"pk":"oid","columns":[
		  {"name":"oid","type":"int","generator":{"sequence":{}}},
		  {"name":"uid","type":"int","generator":{"lookup":{"from":"user.id"}}},
		  {"name":"useg","type":"string","generator":{"lookup":{"from":"user.seg"}}},
		  {"name":"amount","type":"float","generator":{"distribution":{"type":"uniform","params":{}}}}]}` +
		"," + eventNode("") + "]"
	r, ps := resolve(t, nodes)
	if ps.HasErrors() {
		t.Fatal(ps)
	}
	u := r.Tables["user"]
	// base_probability 0.2 / 0.6 normalised to 0.25 / 0.75.
	if len(u.SegmentWeights) != 2 || math.Abs(u.SegmentWeights[0]-0.25) > 1e-12 || math.Abs(u.SegmentWeights[1]-0.75) > 1e-12 {
		t.Errorf("segment weights %v, want [0.25 0.75]", u.SegmentWeights)
	}
	o := r.Tables["order"]
	if o == nil || len(o.SegmentLinks) != 1 {
		t.Fatalf("order links: %+v", o)
	}
	l := o.SegmentLinks[0]
	if l.Primary || !l.Fanout || strings.Join(l.LookupColumns, ",") != "uid,useg" || strings.Join(l.ValueColumns, ",") != "amount" {
		t.Errorf("order's link to user: %+v", l)
	}
	if o.VintageLink != nil {
		t.Error("a vintage of a non-primary parent must not apply")
	}
	e := r.Tables["event"]
	vl := e.VintageLink
	if vl == nil || vl.EventColumn != "at" || !vl.Thin || len(vl.Bounded) != 0 {
		t.Fatalf("event's vintage link: %+v", vl)
	}
	// "all" covers the drawn numbers, not the keys.
	if len(vl.Values) != 1 || len(vl.Values["amount"]) != 1 {
		t.Errorf("vintage value columns %v, want only amount", vl.Values)
	}
	if !e.SegmentLinks[0].Primary || !e.SegmentLinks[0].Fanout {
		t.Errorf("event's link to user: %+v", e.SegmentLinks[0])
	}
	var warned bool
	for _, p := range ps {
		warned = warned || p.Warning && strings.Contains(p.String(), `vintage_behavior of "user" applies to facts whose primary parent`)
	}
	if !warned {
		t.Errorf("no warning about the vintage of a non-primary parent: %v", ps)
	}
}
