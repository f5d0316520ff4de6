package behavior

import (
	"strings"
	"testing"

	"datagen/src/dsl"
)

// FuzzResolve feeds arbitrary JSON objects as behaviour blocks: Resolve
// must report problems, never panic.
func FuzzResolve(f *testing.F) {
	for _, s := range []string{
		`{"segment_column":"seg","behaviors":{"a":{"fanout_multiplier":2}},"segments":{"b":{"base_probability":0.5}}}`,
		`{"created_at_column":"created","age_based_multipliers":{"d":{"curve":[1,0.5],"applies_to":["fanout","amount"]}}}`,
		`{"stages":[{"stage_name":"a"},{"stage_name":"b","transition_rate":0.5,"gap":{"distribution":"uniform","min":1,"max":2}}],"segment_variation":{"a":{"transition_multiplier":2}}}`,
		`{"initial_state":"t","states":{"t":{"next_states":{"c":0.5}},"c":{"terminal":true}},"segment_variation":{"a":{"state_multipliers":{"c":2}}}}`,
		`{"stages":[1,"x",null]}`, `{"states":{"a":5},"initial_state":"a"}`,
	} {
		f.Add(s, uint8(0))
		f.Add(s, uint8(1))
		f.Add(s, uint8(2))
		f.Add(s, uint8(3))
	}
	keys := []string{"segment_behavior", "vintage_behavior", "stage_config", "state_transition_model"}
	f.Fuzz(func(t *testing.T, block string, which uint8) {
		if !strings.HasPrefix(strings.TrimSpace(block), "{") {
			return
		}
		key := keys[int(which)%len(keys)]
		u := strings.Replace(strings.Replace(user, "%s", "", 1), "%s", "", 1)
		ev := strings.Replace(event, "%s", `"`+key+`":`+block+",", 1)
		if key == "segment_behavior" || key == "vintage_behavior" {
			u = strings.Replace(strings.Replace(user, "%s", `"`+key+`":`+block+",", 1), "%s", "", 1)
			ev = strings.Replace(event, "%s", "", 1)
		}
		s, _, err := dsl.Parse([]byte(head+"["+u+","+ev+"]}"), dsl.Options{})
		if err != nil {
			return
		}
		Resolve(s)
	})
}
