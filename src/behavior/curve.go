package behavior

import (
	"math"

	"datagen/src/civil"
	"datagen/src/input"
)

// Unit is a time unit of ages, periods and gaps.
type Unit uint8

// The time units. Month, Quarter and Year are calendar units (UTC).
const (
	Second Unit = iota + 1
	Minute
	Hour
	Day
	Week
	Month
	Quarter
	Year
)

var unitNames = map[string]Unit{"second": Second, "minute": Minute, "hour": Hour, "day": Day,
	"week": Week, "month": Month, "quarter": Quarter, "year": Year}

func (u Unit) String() string {
	for k, v := range unitNames {
		if v == u {
			return k
		}
	}
	return "invalid"
}

// micros is the length of a fixed unit in microseconds (0 for calendar
// units).
func (u Unit) micros() int64 {
	switch u {
	case Second:
		return civil.MicrosPerSecond
	case Minute:
		return civil.MicrosPerMinute
	case Hour:
		return civil.MicrosPerHour
	case Day:
		return civil.MicrosPerDay
	case Week:
		return civil.MicrosPerWeek
	}
	return 0
}

// months is the number of calendar months of a calendar unit.
func (u Unit) months() int {
	switch u {
	case Month:
		return 1
	case Quarter:
		return 3
	case Year:
		return 12
	}
	return 0
}

// parseUnit reads a unit name; allowed restricts the accepted units.
func parseUnit(o *object, key string, def Unit, allowed ...Unit) Unit {
	s := o.str(key, "")
	if s == "" {
		return def
	}
	u, ok := unitNames[s]
	if ok {
		for _, a := range allowed {
			if a == u {
				return u
			}
		}
	}
	names := make([]string, len(allowed))
	for i, a := range allowed {
		names[i] = a.String()
	}
	o.ps.errorf(o.at(key), "unknown time unit %q%s; use one of %s", s, unknownNameHint(s, names), input.QuoteList(names))
	return def
}

// AddUnits returns t + k units (UTC microseconds). Calendar units keep the
// day of the month where it exists and otherwise use the month's last day
// (January 31 + 1 month = February 28 or 29), always counting from t, so
// that t + 2 months is March 31 again.
func AddUnits(t int64, k int64, u Unit) int64 {
	if m := u.micros(); m > 0 {
		return t + k*m
	}
	c := splitCivil(t)
	return c.addMonths(k * int64(u.months()))
}

const usPerDay = civil.MicrosPerDay

// calDate is an instant split into its UTC calendar date and time of day.
type calDate struct{ y, m, d, tod int64 }

func splitCivil(t int64) calDate {
	days := civil.FloorDiv(t, usPerDay)
	y, m, d := civil.FromDays(days)
	return calDate{y, m, d, t - days*usPerDay}
}

// addMonths returns the instant k months after c, the day clamped to the
// length of the target month.
func (c calDate) addMonths(k int64) int64 {
	total := c.y*12 + c.m - 1 + k
	ny := civil.FloorDiv(total, 12)
	nm := total - ny*12 + 1
	d := min(c.d, civil.DaysInMonth(ny, nm))
	return civil.DaysFromCivil(ny, nm, d)*usPerDay + c.tod
}

// Age returns the time from `from` to `to` in units u, as a fraction: for
// calendar units the whole units elapsed plus the elapsed share of the
// current one (from January 15, March 1 is 1.5 months). Negative spans
// give 0.
func Age(from, to int64, u Unit) float64 {
	if to <= from {
		return 0
	}
	if m := u.micros(); m > 0 {
		return float64(to-from) / float64(m)
	}
	if age, ok := calendarAge(from, to, u.months()); ok {
		return age
	}
	a, b := splitCivil(from), splitCivil(to)
	step := int64(u.months())
	k := ((b.y-a.y)*12 + b.m - a.m) / step
	anchor := a.addMonths(k * step)
	for anchor > to {
		k--
		anchor = a.addMonths(k * step)
	}
	next := a.addMonths((k + 1) * step)
	for next <= to {
		k++
		anchor, next = next, a.addMonths((k+1)*step)
	}
	return float64(k) + float64(to-anchor)/float64(next-anchor)
}

// Curve is an age-based multiplier: Points[floor(age)] for an array curve
// (the last point holds forever), or a parametric form of age.
type Curve struct {
	// Points is the array form; nil for a parametric curve.
	Points []float64
	// Form is "logarithmic" (a + b·ln(age+1)), "exponential" (a·e^(b·age))
	// or "linear" (a + b·age); parametric values below 0 are 0.
	Form string
	A, B float64
}

// At returns the multiplier at age (in the curve's unit, ≥ 0).
func (c *Curve) At(age float64) float64 {
	if age < 0 {
		age = 0
	}
	if c.Points != nil {
		i := int(age)
		if age >= float64(len(c.Points)-1) {
			i = len(c.Points) - 1
		}
		return c.Points[i]
	}
	var v float64
	switch c.Form {
	case "logarithmic":
		v = c.A + c.B*math.Log1p(age)
	case "exponential":
		v = c.A * math.Exp(c.B*age)
	default:
		v = c.A + c.B*age
	}
	if !(v > 0) {
		return 0
	}
	return v
}

// Max returns the largest value of the curve over ages [0, maxAge].
func (c *Curve) Max(maxAge float64) float64 {
	if maxAge < 0 {
		maxAge = 0
	}
	if c.Points != nil {
		m := 0.0
		for i, p := range c.Points {
			if float64(i) > maxAge {
				break
			}
			m = max(m, p)
		}
		return m
	}
	// Every parametric form is monotonic in age.
	return max(c.At(0), c.At(maxAge))
}

var curveForms = []string{"logarithmic", "exponential", "linear"}

// parseCurve reads an array or {"curve_type", "params": {"a", "b"}}.
func parseCurve(v *input.Value, path string, ps *reader) *Curve {
	switch {
	case v.Kind == input.ArrayKind:
		x := v.Arr
		if len(x) == 0 {
			ps.errorf(path, "an array curve needs at least one value")
			return nil
		}
		c := &Curve{Points: make([]float64, len(x))}
		for i, e := range x {
			var f float64
			ok := e.Kind == input.NumberKind
			if ok {
				f, ok = input.ParseNumber(e.Num.String())
			}
			if !ok || f < 0 {
				ps.errorf(input.Index(path, i), "curve values must be finite numbers ≥ 0, got %s", e.Describe())
				return nil
			}
			c.Points[i] = f
		}
		return c
	case v.IsObject():
		o := asObject(v, path, ps)
		c := &Curve{Form: o.str("curve_type", "")}
		if !o.has("curve_type") {
			ps.errorf(o.at("curve_type"), "curve_type is required: one of %s", input.QuoteList(curveForms))
		} else if !contains(curveForms, c.Form) {
			ps.errorf(o.at("curve_type"), "unknown curve_type %q; use one of %s", c.Form, input.QuoteList(curveForms))
		}
		if pv := o.get("params"); pv == nil {
			ps.errorf(o.at("params"), "params {\"a\": …, \"b\": …} is required")
		} else if po := asObject(pv, o.at("params"), ps); po != nil {
			var okA, okB bool
			c.A, okA = po.num("a")
			c.B, okB = po.num("b")
			if !okA && !po.has("a") {
				ps.errorf(po.at("a"), "parameter a is required")
			}
			if !okB && !po.has("b") {
				ps.errorf(po.at("b"), "parameter b is required")
			}
			po.done()
		}
		o.done()
		return c
	case v.Kind == input.StringKind:
		ps.errorf(path, "a curve is an array of multipliers or {\"curve_type\": %q, \"params\": {\"a\": …, \"b\": …}}, not a string", v.Str)
	default:
		ps.errorf(path, "expected an array of multipliers or a {\"curve_type\", \"params\"} object, got %s", v.Describe())
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
