package behavior

import (
	"fmt"
	"math"
	"sort"

	"datagen/src/input"
)

// Segment is a parsed segment_behavior: per-segment multipliers of an
// entity, keyed by the value of its segment column.
type Segment struct {
	Column string
	// Segments are sorted by name.
	Segments []SegmentSpec
	// AppliesTo names the child columns value multipliers apply to.
	AppliesTo []string
}

// SegmentSpec is one segment's settings.
type SegmentSpec struct {
	Name string
	// Fanout multiplies the child counts of the segment's entities;
	// Value multiplies the AppliesTo columns of their children. Both
	// default to 1.
	Fanout, Value float64
	// Share is the base_probability: the share of entities in the
	// segment; NaN when not given.
	Share float64
}

// Lookup returns the settings of segment name, or nil.
func (s *Segment) Lookup(name string) *SegmentSpec {
	i := sort.Search(len(s.Segments), func(i int) bool { return s.Segments[i].Name >= name })
	if i < len(s.Segments) && s.Segments[i].Name == name {
		return &s.Segments[i]
	}
	return nil
}

// HasFanout reports whether some segment changes child counts.
func (s *Segment) HasFanout() bool {
	for _, g := range s.Segments {
		if g.Fanout != 1 {
			return true
		}
	}
	return false
}

func parseSegment(v *input.Value, path string, ps *reader) *Segment {
	o := asObject(v, path, ps)
	if o == nil {
		return nil
	}
	s := &Segment{Column: o.str("segment_column", "")}
	if !o.has("segment_column") || s.Column == "" {
		ps.errorf(o.at("segment_column"), "segment_column is required: the entity column that holds each row's segment")
	}
	byName := map[string]*SegmentSpec{}
	read := func(key string) {
		bv := o.get(key)
		if bv == nil {
			return
		}
		bo := asObject(bv, o.at(key), ps)
		if bo == nil {
			return
		}
		for _, name := range bo.keys() {
			so := asObject(bo.get(name), bo.at(name), ps)
			if so == nil {
				continue
			}
			g := byName[name]
			if g == nil {
				g = &SegmentSpec{Name: name, Fanout: 1, Value: 1, Share: math.NaN()}
				byName[name] = g
			}
			for _, k := range []string{"fanout_multiplier", "value_multiplier", "base_probability"} {
				if !so.has(k) {
					so.get(k)
					continue
				}
				var f float64
				if k == "base_probability" {
					f = so.numIn(k, math.NaN(), 0, 1)
				} else {
					f = so.numIn(k, 1, 0, 1e6)
				}
				switch k {
				case "fanout_multiplier":
					g.Fanout = f
				case "value_multiplier":
					g.Value = f
				default:
					g.Share = f
				}
			}
			so.done()
		}
		bo.done()
	}
	read("behaviors")
	read("segments")
	if len(byName) == 0 {
		ps.errorf(path, "segment_behavior needs \"behaviors\" (per-segment fanout_multiplier and value_multiplier) or \"segments\" (per-segment base_probability)")
	}
	for _, name := range sortedMapKeys(byName) {
		s.Segments = append(s.Segments, *byName[name])
	}
	if av := o.get("applies_to_columns"); av != nil {
		s.AppliesTo = stringList(av, o.at("applies_to_columns"), ps)
	}
	if len(s.AppliesTo) == 0 {
		for _, g := range s.Segments {
			if g.Value != 1 {
				ps.warnf(path+".behaviors."+g.Name+".value_multiplier", "value_multiplier %s has no effect: no \"applies_to_columns\" names the child columns it scales", fmtNum(g.Value))
				break
			}
		}
	}
	o.done()
	return s
}

func sortedMapKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// stringList reads a string or an array of strings.
func stringList(v *input.Value, path string, ps *reader) []string {
	switch v.Kind {
	case input.StringKind:
		return []string{v.Str}
	case input.ArrayKind:
		out := make([]string, 0, len(v.Arr))
		for i, e := range v.Arr {
			if e.Kind != input.StringKind {
				ps.errorf(input.Index(path, i), "expected a column name, got %s", e.Describe())
				continue
			}
			out = append(out, e.Str)
		}
		return out
	}
	ps.errorf(path, "expected a column name or an array of column names, got %s", v.Describe())
	return nil
}

// Vintage is a parsed vintage_behavior: age-based multipliers of an
// entity's children, the age measured from the entity's creation time to
// each child row's own event time.
type Vintage struct {
	CreatedAt string
	// Multipliers are sorted by name.
	Multipliers []AgeMultiplier
}

// AgeMultiplier is one named age curve and what it applies to.
type AgeMultiplier struct {
	Name  string
	Curve Curve
	Unit  Unit
	// Fanout: the curve scales the rate of children. All: every numeric
	// value column of the child (drawn by distribution or choice).
	// Columns: the named child columns.
	Fanout, All bool
	Columns     []string
}

// FanoutAt returns the product of the fanout curves at the event time
// ts of an entity created at created.
func (v *Vintage) FanoutAt(created, ts int64) float64 {
	m := 1.0
	for i := range v.Multipliers {
		a := &v.Multipliers[i]
		if a.Fanout {
			m *= a.Curve.At(Age(created, ts, a.Unit))
		}
	}
	return m
}

var ageUnits = []Unit{Day, Week, Month, Quarter, Year}

// ParseVintage reads a vintage_behavior block found at path, reporting its problems
// to r; nil when it is not an object.
func ParseVintage(v *input.Value, path string, r *input.Reader) *Vintage {
	return parseVintage(v, path, &reader{r})
}

func parseVintage(v *input.Value, path string, ps *reader) *Vintage {
	o := asObject(v, path, ps)
	if o == nil {
		return nil
	}
	vb := &Vintage{CreatedAt: o.str("created_at_column", "created_at")}
	mv := o.get("age_based_multipliers")
	if mv == nil {
		ps.errorf(o.at("age_based_multipliers"), "age_based_multipliers is required: {\"<name>\": {\"curve\": …, \"time_unit\": \"month\", \"applies_to\": \"fanout\"}}")
	} else if mo := asObject(mv, o.at("age_based_multipliers"), ps); mo != nil {
		if mo.len() == 0 {
			ps.errorf(mo.Path, "age_based_multipliers is empty")
		}
		for _, name := range mo.keys() {
			ao := asObject(mo.get(name), mo.at(name), ps)
			if ao == nil {
				continue
			}
			a := AgeMultiplier{Name: name, Unit: parseUnit(ao, "time_unit", Month, ageUnits...)}
			if cv := ao.get("curve"); cv == nil {
				ps.errorf(ao.at("curve"), "curve is required")
			} else if c := parseCurve(cv, ao.at("curve"), ps); c != nil {
				a.Curve = *c
			}
			av := ao.get("applies_to")
			if av == nil {
				ps.errorf(ao.at("applies_to"), "applies_to is required: \"fanout\", \"all\", or child column names")
			}
			if av != nil {
				for _, s := range stringList(av, ao.at("applies_to"), ps) {
					switch s {
					case "fanout":
						a.Fanout = true
					case "all":
						a.All = true
					default:
						a.Columns = append(a.Columns, s)
					}
				}
			}
			ao.done()
			vb.Multipliers = append(vb.Multipliers, a)
		}
		mo.done()
	}
	o.done()
	return vb
}

// Gap is the time between two consecutive stages.
type Gap struct {
	// Dist is "exponential" (Mean), "uniform" (Min, Max) or "constant"
	// (Mean); values are in microseconds.
	Dist           string
	Mean, Min, Max float64
}

// DefaultGap is an exponential gap with a mean of 24 hours.
var DefaultGap = Gap{Dist: "exponential", Mean: 24 * 3600e6}

var gapDists = []string{"exponential", "uniform", "constant"}

func parseGap(v *input.Value, path string, def Gap, ps *reader) Gap {
	o := asObject(v, path, ps)
	if o == nil {
		return def
	}
	g := Gap{Dist: o.str("distribution", "exponential")}
	unit := parseUnit(o, "unit", Hour, Second, Minute, Hour, Day, Week)
	scale := float64(unit.micros())
	switch g.Dist {
	case "exponential":
		m, ok := o.num("mean")
		if !ok || m <= 0 {
			ps.errorf(o.at("mean"), "an exponential gap needs mean > 0 (in %ss)", unit)
		}
		g.Mean = m * scale
	case "constant":
		m, ok := o.num("value")
		if !ok || m < 0 {
			ps.errorf(o.at("value"), "a constant gap needs value ≥ 0 (in %ss)", unit)
		}
		g.Mean = m * scale
	case "uniform":
		lo, ok1 := o.num("min")
		hi, ok2 := o.num("max")
		if !ok1 || !ok2 || lo < 0 || hi < lo {
			ps.errorf(o.Path, "a uniform gap needs 0 ≤ min ≤ max (in %ss)", unit)
		}
		g.Min, g.Max = lo*scale, hi*scale
	default:
		ps.errorf(o.at("distribution"), "unknown gap distribution %q; use one of %s", g.Dist, input.QuoteList(gapDists))
	}
	o.done()
	return g
}

// Draw returns a gap for the uniform number u in [0, 1), in whole
// seconds (as microseconds).
func (g *Gap) Draw(u float64) int64 {
	var x float64
	switch g.Dist {
	case "uniform":
		x = g.Min + u*(g.Max-g.Min)
	case "constant":
		x = g.Mean
	default:
		x = -g.Mean * math.Log1p(-u)
	}
	return int64(math.Round(x/1e6)) * 1e6
}

// Stages is a parsed stage_config: a funnel that each primary-parent row
// walks through, one row per reached stage.
type Stages struct {
	Stages []Stage
	// Variation maps a segment to its transition multiplier.
	Variation map[string]float64
	// Columns of the fact receiving the stage values ("" = none) and
	// columns of the primary parent read (resolved by Resolve).
	NameColumn, IndexColumn, TimeColumn string
	StartColumn, SegmentColumn          string

	explicit map[string]bool
}

// Stage is one step of the funnel.
type Stage struct {
	Name string
	// Rate is the probability of reaching this stage from the previous
	// one (1 for the first stage).
	Rate float64
	// Gap is the time from the previous stage.
	Gap Gap
}

// ParseStages reads a stage_config block found at path, reporting its problems
// to r; nil when it is not an object.
func ParseStages(v *input.Value, path string, r *input.Reader) *Stages {
	return parseStages(v, path, &reader{r})
}

func parseStages(v *input.Value, path string, ps *reader) *Stages {
	o := asObject(v, path, ps)
	if o == nil {
		return nil
	}
	sc := &Stages{Variation: map[string]float64{}, explicit: map[string]bool{}}
	def := DefaultGap
	if gv := o.get("gap"); gv != nil {
		def = parseGap(gv, o.at("gap"), DefaultGap, ps)
	}
	var arr []*input.Value
	if sv := o.get("stages"); sv != nil && sv.Kind == input.ArrayKind {
		arr = sv.Arr
	}
	if len(arr) == 0 {
		ps.errorf(o.at("stages"), "stages must be a non-empty array of {\"stage_name\", \"transition_rate\"}")
	}
	seen := map[string]bool{}
	for i, e := range arr {
		p := fmt.Sprintf("%s[%d]", o.at("stages"), i)
		so := asObject(e, p, ps)
		if so == nil {
			continue
		}
		st := Stage{Name: so.str("stage_name", ""), Rate: 1, Gap: def}
		if st.Name == "" {
			ps.errorf(so.at("stage_name"), "stage_name is required")
		} else {
			p = fmt.Sprintf("%s[%d](%s)", o.at("stages"), i, st.Name)
			so.Path = p
			if seen[st.Name] {
				ps.errorf(so.at("stage_name"), "stage %q is listed twice", st.Name)
			}
			seen[st.Name] = true
		}
		if i == 0 {
			if r, ok := so.num("transition_rate"); ok && r != 1 {
				ps.warnf(so.at("transition_rate"), "the first stage is always reached; its transition_rate %s is ignored", fmtNum(r))
			}
		} else {
			if !so.has("transition_rate") {
				ps.errorf(so.at("transition_rate"), "transition_rate is required from the second stage on: the probability of reaching %q from the previous stage", st.Name)
			}
			st.Rate = so.numIn("transition_rate", 0, 0, 1)
		}
		if gv := so.get("gap"); gv != nil {
			if i == 0 {
				ps.errorf(so.at("gap"), "the first stage happens at the start time; a gap applies from the second stage on")
			} else {
				st.Gap = parseGap(gv, so.at("gap"), def, ps)
			}
		}
		so.done()
		sc.Stages = append(sc.Stages, st)
	}
	if vv := o.get("segment_variation"); vv != nil {
		if vo := asObject(vv, o.at("segment_variation"), ps); vo != nil {
			for _, seg := range vo.keys() {
				so := asObject(vo.get(seg), vo.at(seg), ps)
				if so == nil {
					continue
				}
				if !so.has("transition_multiplier") {
					ps.errorf(so.at("transition_multiplier"), "transition_multiplier is required")
				}
				sc.Variation[seg] = so.numIn("transition_multiplier", 1, 0, 1e6)
				so.done()
			}
			vo.done()
		}
	}
	sc.NameColumn = sc.column(o, "stage_name_column", "stage_name")
	sc.IndexColumn = sc.column(o, "stage_index_column", "stage_index")
	sc.TimeColumn = sc.column(o, "timestamp_column", "")
	sc.StartColumn = sc.column(o, "start_column", "")
	sc.SegmentColumn = sc.column(o, "segment_column", "")
	o.done()
	return sc
}

// column reads an optional column-name key, remembering whether it was
// given explicitly (then the column must exist).
func (sc *Stages) column(o *object, key, def string) string {
	if o.has(key) {
		sc.explicit[key] = true
	}
	return o.str(key, def)
}

// StateModel is a parsed state_transition_model: a per-period Markov chain
// per primary-parent row.
type StateModel struct {
	// States are sorted by name; Initial indexes them.
	States  []State
	Initial int
	// Unit and Every give the period length (Every units).
	Unit  Unit
	Every int64
	// Emit is "period" (one row per period) or "transition" (one row per
	// state entered).
	Emit string
	// MaxPeriods bounds each chain (0 = until the timeframe end).
	MaxPeriods int64
	// Variation holds the per-segment multipliers.
	Variation map[string]StateVariation
	// Columns of the fact receiving values ("" = none) and columns of the
	// primary parent read (resolved by Resolve).
	StateColumn, PreviousColumn, IndexColumn, StartColumn, EndColumn string
	ParentStartColumn, SegmentColumn                                 string

	explicit map[string]bool
}

// State is one state of the chain.
type State struct {
	Name     string
	Terminal bool
	// Next are the per-period transition probabilities, sorted by target;
	// the remainder is the probability of staying.
	Next []Transition
}

// Transition is the probability of moving to state To in one period.
type Transition struct {
	To int
	P  float64
}

// StateVariation scales the transition probabilities of a segment:
// every probability by All, transitions into a terminal state by Churn,
// and transitions into a named state by Into[state].
type StateVariation struct {
	All, Churn float64
	Into       map[string]float64
}

// StateIndex returns the index of the named state, or -1.
func (m *StateModel) StateIndex(name string) int {
	for i := range m.States {
		if m.States[i].Name == name {
			return i
		}
	}
	return -1
}

var periodUnits = []Unit{Hour, Day, Week, Month, Quarter, Year}

// ParseStateModel reads a state_transition_model block found at path, reporting its problems
// to r; nil when it is not an object.
func ParseStateModel(v *input.Value, path string, r *input.Reader) *StateModel {
	return parseStateModel(v, path, &reader{r})
}

func parseStateModel(v *input.Value, path string, ps *reader) *StateModel {
	o := asObject(v, path, ps)
	if o == nil {
		return nil
	}
	m := &StateModel{Initial: -1, explicit: map[string]bool{}, Variation: map[string]StateVariation{}}
	m.Unit = parseUnit(o, "period_unit", Month, periodUnits...)
	m.Every = o.integer("period_length", 1, 1)
	m.MaxPeriods = o.integer("max_periods", 0, 1)
	m.Emit = o.str("emit", "period")
	if m.Emit != "period" && m.Emit != "transition" {
		ps.errorf(o.at("emit"), "emit must be \"period\" (one row per period) or \"transition\" (one row per state entered), got %q", m.Emit)
	}
	sv := o.get("states")
	so := (*object)(nil)
	if sv == nil {
		ps.errorf(o.at("states"), "states is required: {\"<state>\": {\"next_states\": {\"<state>\": probability}}, \"<state>\": {\"terminal\": true}}")
	} else {
		so = asObject(sv, o.at("states"), ps)
	}
	if so != nil {
		names := so.keys()
		if len(names) == 0 {
			ps.errorf(so.Path, "states is empty")
		}
		index := map[string]int{}
		for i, n := range names {
			index[n] = i
			m.States = append(m.States, State{Name: n})
		}
		for i, n := range names {
			stp := so.at(n)
			sto := asObject(so.get(n), stp, ps)
			if sto == nil {
				continue
			}
			st := &m.States[i]
			st.Terminal = sto.boolean("terminal")
			leave, hasLeave := sto.num("transition_prob_per_period")
			if hasLeave && (leave < 0 || leave > 1) {
				ps.errorf(sto.at("transition_prob_per_period"), "transition_prob_per_period must be between 0 and 1, got %s", fmtNum(leave))
				hasLeave = false
			}
			nv := sto.get("next_states")
			if st.Terminal {
				if nv != nil || hasLeave {
					ps.errorf(stp, "terminal state %q cannot have next_states or transition_prob_per_period: a terminal state is absorbing", n)
				}
				sto.done()
				continue
			}
			if nv != nil {
				no := asObject(nv, sto.at("next_states"), ps)
				if no != nil {
					sum := 0.0
					for _, to := range no.keys() {
						p, ok := no.num(to)
						if !ok {
							continue
						}
						j, known := index[to]
						switch {
						case !known:
							ps.errorf(no.at(to), "unknown state %q%s; states are %s", to, unknownNameHint(to, names), input.QuoteList(names))
						case j == i:
							ps.errorf(no.at(to), "a state's own probability is the remainder; do not list %q in its next_states", to)
						case p < 0 || p > 1:
							ps.errorf(no.at(to), "probabilities must be between 0 and 1, got %s", fmtNum(p))
						default:
							st.Next = append(st.Next, Transition{To: j, P: p})
							sum += p
						}
					}
					if hasLeave {
						if math.Abs(sum-1) > 1e-9 {
							ps.errorf(no.Path, "with transition_prob_per_period, next_states are the shares of the leaving probability and must sum to 1, got %s", fmtNum(sum))
						}
						for k := range st.Next {
							st.Next[k].P *= leave
						}
					} else if sum > 1+1e-9 {
						ps.errorf(no.Path, "the per-period probabilities of leaving %q sum to %s; they must sum to at most 1 (the remainder is the probability of staying)", n, fmtNum(sum))
					}
					no.done()
				}
			} else if hasLeave && leave > 0 {
				ps.errorf(sto.at("next_states"), "transition_prob_per_period needs next_states to say where the chain goes")
			}
			sto.done()
		}
		so.done()
		if init := o.str("initial_state", ""); init == "" {
			ps.errorf(o.at("initial_state"), "initial_state is required")
		} else if j, ok := index[init]; !ok {
			ps.errorf(o.at("initial_state"), "unknown state %q; states are %s", init, input.QuoteList(names))
		} else {
			m.Initial = j
			if !m.terminalReachable() {
				ps.errorf(o.Path, "no terminal state can be reached from %q: mark at least one state \"terminal\": true and give it an incoming transition with a positive probability", init)
			}
		}
	} else {
		o.get("initial_state")
	}
	if vv := o.get("segment_variation"); vv != nil {
		if vo := asObject(vv, o.at("segment_variation"), ps); vo != nil {
			for _, seg := range vo.keys() {
				sgo := asObject(vo.get(seg), vo.at(seg), ps)
				if sgo == nil {
					continue
				}
				sv := StateVariation{All: sgo.numIn("transition_multiplier", 1, 0, 1e6), Churn: sgo.numIn("churn_multiplier", 1, 0, 1e6)}
				if iv := sgo.get("state_multipliers"); iv != nil {
					if io := asObject(iv, sgo.at("state_multipliers"), ps); io != nil {
						sv.Into = map[string]float64{}
						for _, st := range io.keys() {
							if m.StateIndex(st) < 0 && m.States != nil {
								ps.errorf(io.at(st), "unknown state %q", st)
								io.get(st)
								continue
							}
							sv.Into[st] = io.numIn(st, 1, 0, 1e6)
						}
						io.done()
					}
				}
				sgo.done()
				m.Variation[seg] = sv
			}
			vo.done()
		}
	}
	m.StateColumn = m.column(o, "state_column", "state")
	m.PreviousColumn = m.column(o, "previous_state_column", "previous_state")
	m.IndexColumn = m.column(o, "period_index_column", "period_index")
	m.StartColumn = m.column(o, "period_start_column", "period_start")
	m.EndColumn = m.column(o, "period_end_column", "period_end")
	m.ParentStartColumn = m.column(o, "start_column", "")
	m.SegmentColumn = m.column(o, "segment_column", "")
	o.done()
	return m
}

func (m *StateModel) column(o *object, key, def string) string {
	if o.has(key) {
		m.explicit[key] = true
	}
	return o.str(key, def)
}

// terminalReachable reports whether a terminal state can be reached from
// the initial state through transitions of positive probability.
func (m *StateModel) terminalReachable() bool {
	seen := make([]bool, len(m.States))
	stack := []int{m.Initial}
	seen[m.Initial] = true
	for len(stack) > 0 {
		s := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if m.States[s].Terminal {
			return true
		}
		for _, t := range m.States[s].Next {
			if t.P > 0 && !seen[t.To] {
				seen[t.To] = true
				stack = append(stack, t.To)
			}
		}
	}
	return false
}
