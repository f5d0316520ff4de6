package gen

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"datagen/src/civil"
	"datagen/src/column"
)

// FormatFloat writes f in its shortest round-trip form, in plain decimal
// notation for ordinary magnitudes (as the CSV output does) and with an
// exponent only below 1e-6 or from 1e21.
func FormatFloat(f float64) string {
	if a := math.Abs(f); a == 0 || a >= 1e-6 && a < 1e21 {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// scalar converts one JSON scalar (float64, string, bool, nil) to type t.
// ok is false for nil (a null).
func scalar(v any, t column.Type) (i int64, f float64, s string, b bool, ok bool, err error) {
	if v == nil {
		return 0, 0, "", false, false, nil
	}
	bad := func() error { return fmt.Errorf("value %v (%T) cannot be a %s", v, v, t) }
	switch t {
	case column.Int:
		switch x := v.(type) {
		case float64:
			return int64(math.Round(x)), 0, "", false, true, nil
		case bool:
			if x {
				return 1, 0, "", false, true, nil
			}
			return 0, 0, "", false, true, nil
		case string:
			n, err := strconv.ParseInt(strings.TrimSpace(x), 10, 64)
			if err != nil {
				if fl, err2 := strconv.ParseFloat(strings.TrimSpace(x), 64); err2 == nil {
					return int64(math.Round(fl)), 0, "", false, true, nil
				}
				return 0, 0, "", false, false, bad()
			}
			return n, 0, "", false, true, nil
		}
	case column.Float:
		switch x := v.(type) {
		case float64:
			return 0, x, "", false, true, nil
		case bool:
			if x {
				return 0, 1, "", false, true, nil
			}
			return 0, 0, "", false, true, nil
		case string:
			fl, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
			if err != nil {
				return 0, 0, "", false, false, bad()
			}
			return 0, fl, "", false, true, nil
		}
	case column.String:
		switch x := v.(type) {
		case float64:
			if x == math.Trunc(x) && math.Abs(x) < 1e15 {
				return 0, 0, strconv.FormatInt(int64(x), 10), false, true, nil
			}
			return 0, 0, FormatFloat(x), false, true, nil
		case bool:
			return 0, 0, strconv.FormatBool(x), false, true, nil
		case string:
			return 0, 0, x, false, true, nil
		}
	case column.Bool:
		switch x := v.(type) {
		case float64:
			return 0, 0, "", x != 0, true, nil
		case bool:
			return 0, 0, "", x, true, nil
		case string:
			bv, err := parseBool(x)
			if err != nil {
				return 0, 0, "", false, false, bad()
			}
			return 0, 0, "", bv, true, nil
		}
	case column.Timestamp, column.Date:
		if x, isStr := v.(string); isStr {
			us, err := civil.ParseMicros(strings.TrimSpace(x))
			if err != nil {
				return 0, 0, "", false, false, err
			}
			if t == column.Date {
				us = civil.DayStart(us)
			}
			return us, 0, "", false, true, nil
		}
	}
	return 0, 0, "", false, false, bad()
}

func parseBool(s string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "t", "yes", "y", "1", "on":
		return true, nil
	case "false", "f", "no", "n", "0", "off":
		return false, nil
	}
	return false, fmt.Errorf("%q is not a boolean", s)
}

// pool is a typed list of values (choices, enum values).
type pool struct {
	typ   column.Type
	ints  []int64
	flts  []float64
	strs  []string
	bools []bool
	null  []bool
}

func newPool(values []any, t column.Type) (*pool, error) {
	p := &pool{typ: t}
	for k, v := range values {
		i, f, s, b, ok, err := scalar(v, t)
		if err != nil {
			return nil, fmt.Errorf("value %d: %w", k, err)
		}
		p.ints = append(p.ints, i)
		p.flts = append(p.flts, f)
		p.strs = append(p.strs, s)
		p.bools = append(p.bools, b)
		p.null = append(p.null, !ok)
	}
	return p, nil
}

func (p *pool) len() int { return len(p.null) }

// put writes pool value k into row i of out (already reset to p.typ).
func (p *pool) put(out *column.Vector, i, k int) {
	if p.null[k] {
		out.SetNull(i)
		return
	}
	switch p.typ {
	case column.Int, column.Timestamp, column.Date:
		out.Ints[i] = p.ints[k]
	case column.Float:
		out.Floats[i] = p.flts[k]
	case column.String:
		out.Strs[i] = p.strs[k]
	case column.Bool:
		out.Bools[i] = p.bools[k]
	}
}

// Cast converts in to type t into out (which may be in itself when the
// types match). Floats become ints by rounding half away from zero;
// timestamps become dates by truncation to 00:00 UTC.
func Cast(in *column.Vector, t column.Type, out *column.Vector) error {
	n := in.Len()
	if in.Type == t {
		if in != out {
			out.CopyFrom(in)
		}
		return nil
	}
	if in.Type == column.Timestamp && t == column.Date || in.Type == column.Date && t == column.Timestamp {
		if in != out {
			out.CopyFrom(in)
		}
		out.Type = t
		if t == column.Date {
			for i, v := range out.Ints {
				out.Ints[i] = civil.DayStart(v)
			}
		}
		return nil
	}
	if in == out {
		return fmt.Errorf("internal: in-place cast from %s to %s", in.Type, t)
	}
	out.Reset(t, n)
	for i := 0; i < n; i++ {
		if in.IsNull(i) {
			out.SetNull(i)
			continue
		}
		if err := castOne(in, i, t, out); err != nil {
			return fmt.Errorf("row %d: %w", i, err)
		}
	}
	return nil
}

func castOne(in *column.Vector, i int, t column.Type, out *column.Vector) error {
	switch in.Type {
	case column.Int:
		x := in.Ints[i]
		switch t {
		case column.Float:
			out.Floats[i] = float64(x)
		case column.String:
			out.Strs[i] = strconv.FormatInt(x, 10)
		case column.Bool:
			out.Bools[i] = x != 0
		default:
			return fmt.Errorf("an int cannot become a %s", t)
		}
	case column.Float:
		x := in.Floats[i]
		if math.IsNaN(x) || math.IsInf(x, 0) {
			out.SetNull(i)
			return nil
		}
		switch t {
		case column.Int:
			if math.Abs(x) > 9.2e18 {
				return fmt.Errorf("%g is out of the int range", x)
			}
			out.Ints[i] = int64(math.Round(x))
		case column.String:
			out.Strs[i] = FormatFloat(x)
		case column.Bool:
			out.Bools[i] = x != 0
		default:
			return fmt.Errorf("a float cannot become a %s", t)
		}
	case column.String:
		v := any(in.Strs[i])
		ii, f, s, b, ok, err := scalar(v, t)
		if err != nil {
			return err
		}
		if !ok {
			out.SetNull(i)
			return nil
		}
		switch t {
		case column.Int, column.Timestamp, column.Date:
			out.Ints[i] = ii
		case column.Float:
			out.Floats[i] = f
		case column.Bool:
			out.Bools[i] = b
		case column.String:
			out.Strs[i] = s
		}
	case column.Bool:
		x := in.Bools[i]
		switch t {
		case column.Int:
			out.Ints[i] = b2i(x)
		case column.Float:
			out.Floats[i] = float64(b2i(x))
		case column.String:
			out.Strs[i] = strconv.FormatBool(x)
		default:
			return fmt.Errorf("a bool cannot become a %s", t)
		}
	case column.Timestamp, column.Date:
		x := in.Ints[i]
		switch t {
		case column.String:
			if in.Type == column.Date {
				out.Strs[i] = civil.FormatDate(x)
			} else {
				out.Strs[i] = civil.FormatTimestamp(x)
			}
		default:
			return fmt.Errorf("a %s cannot become a %s", in.Type, t)
		}
	}
	return nil
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// CanCast reports whether values of type from can be cast to type to
// (strings are checked value by value at run time).
func CanCast(from, to column.Type) bool {
	if from == to || from == column.String || to == column.String {
		return true
	}
	switch from {
	case column.Int, column.Float, column.Bool:
		return to == column.Int || to == column.Float || to == column.Bool
	case column.Timestamp, column.Date:
		return to == column.Timestamp || to == column.Date
	}
	return false
}
