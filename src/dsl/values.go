package dsl

import (
	"math"
	"slices"
	"strconv"
	"strings"
)

// annotationKeys may appear in any object of the document.
var annotationKeys = []string{"comment", "description"}

// decoder turns a parsed JSON tree into a Schema, reporting every problem.
type decoder struct {
	reporter
	// drops lists modifiers removed from the decoded schema after
	// validation (shapes lenient mode accepts but that have no effect).
	drops map[modRef]bool
}

// modRef locates one modifier: column -1 means a node-level modifier.
type modRef struct{ node, col, mod int }

// obj is a JSON object being read: it has already been checked for
// duplicate and unknown keys.
type obj struct {
	v    *jvalue
	path string
}

// object checks that v is an object and that every key is in allowed (or is
// an annotation key). It reports problems and returns nil when v is not an
// object.
func (d *decoder) object(v *jvalue, path string, allowed ...string) *obj {
	if v == nil {
		return nil
	}
	if v.kind != jObject {
		d.errorf(path, "", "expected an object, got %s", v.describe())
		return nil
	}
	d.reportDups(v, path)
	for _, m := range v.obj {
		if slices.Contains(allowed, m.key) || slices.Contains(annotationKeys, m.key) {
			continue
		}
		d.unknownKey(key(path, m.key), m.key, allowed)
	}
	return &obj{v: v, path: path}
}

// unknownKey reports a key that is not part of the language.
func (d *decoder) unknownKey(path, k string, allowed []string) {
	sugg := didYouMean(k, allowed)
	if sugg == "" && len(allowed) > 0 {
		sugg = "allowed keys: " + strings.Join(allowed, ", ")
	}
	if d.opts.Lenient {
		d.warnf(path, sugg, "unknown key %q is ignored", k)
		return
	}
	d.errorf(path, sugg, "unknown key %q", k)
}

// get returns the member k, or nil when it is absent or null.
func (o *obj) get(k string) *jvalue {
	if o == nil {
		return nil
	}
	v := o.v.get(k)
	if v == nil || v.kind == jNull {
		return nil
	}
	return v
}

// has reports whether k is present (even as null).
func (o *obj) has(k string) bool { return o != nil && o.v.get(k) != nil }

// at returns the path of member k.
func (o *obj) at(k string) string { return key(o.path, k) }

// required returns member k, reporting it when it is absent or null.
func (d *decoder) required(o *obj, k string) *jvalue {
	if o == nil {
		return nil
	}
	v := o.v.get(k)
	if v == nil {
		d.errorf(o.path, "", "missing required key %q", k)
		return nil
	}
	if v.kind == jNull {
		d.errorf(o.at(k), "", "%q is required and cannot be null", k)
		return nil
	}
	return v
}

// str reads a string.
func (d *decoder) str(v *jvalue, path string) (string, bool) {
	if v == nil {
		return "", false
	}
	if v.kind != jString {
		d.errorf(path, "", "expected a string, got %s", v.describe())
		return "", false
	}
	return v.str, true
}

// nonEmptyStr reads a string that must not be empty or blank.
func (d *decoder) nonEmptyStr(v *jvalue, path string) (string, bool) {
	s, ok := d.str(v, path)
	if ok && strings.TrimSpace(s) == "" {
		d.errorf(path, "", "must not be empty")
		return "", false
	}
	return s, ok
}

// parseNumber converts a JSON number literal to a finite float64.
func parseNumber(n string) (float64, bool) {
	f, err := strconv.ParseFloat(n, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, false
	}
	return f, true
}

// num reads a number. A numeric string is accepted, with a warning, in
// lenient mode only.
func (d *decoder) num(v *jvalue, path string) (float64, bool) {
	if v == nil {
		return 0, false
	}
	switch v.kind {
	case jNumber:
		f, ok := parseNumber(v.num.String())
		if !ok {
			d.errorf(path, "", "number %s is out of range", v.num)
		}
		return f, ok
	case jString:
		if f, ok := parseNumber(strings.TrimSpace(v.str)); ok {
			d.compatf(path, "write it without quotes", "expected a number, got string %q", v.str)
			return f, d.opts.Lenient
		}
	}
	d.errorf(path, "", "expected a number, got %s", v.describe())
	return 0, false
}

// integer reads an integer: 5 and 5.0 are accepted, 5.5 is not. A numeric
// string is accepted, with a warning, in lenient mode only.
func (d *decoder) integer(v *jvalue, path string) (int64, bool) {
	if v == nil {
		return 0, false
	}
	lit := ""
	switch v.kind {
	case jNumber:
		lit = v.num.String()
	case jString:
		lit = strings.TrimSpace(v.str)
		if _, ok := parseInt(lit); !ok {
			d.errorf(path, "", "expected an integer, got %s", v.describe())
			return 0, false
		}
		d.compatf(path, "write it without quotes", "expected an integer, got string %q", v.str)
		if !d.opts.Lenient {
			return 0, false
		}
	default:
		d.errorf(path, "", "expected an integer, got %s", v.describe())
		return 0, false
	}
	n, ok := parseInt(lit)
	if !ok {
		if f, isNum := parseNumber(lit); isNum && f == math.Trunc(f) {
			d.errorf(path, "", "integer %s is out of range", lit)
		} else {
			d.errorf(path, "", "expected an integer, got %s", lit)
		}
	}
	return n, ok
}

// parseInt accepts an integer literal, or a number literal with an integral
// value that fits in an int64.
func parseInt(lit string) (int64, bool) {
	if n, err := strconv.ParseInt(lit, 10, 64); err == nil {
		return n, true
	}
	f, ok := parseNumber(lit)
	if !ok || f != math.Trunc(f) || f < math.MinInt64 || f >= math.MaxInt64 {
		return 0, false
	}
	return int64(f), true
}

// boolean reads a bool. In lenient mode 0/1 and the strings true/false,
// yes/no, on/off, 1/0 are accepted with a warning, as the predecessor did.
func (d *decoder) boolean(v *jvalue, path string) (bool, bool) {
	if v == nil {
		return false, false
	}
	if v.kind == jBool {
		return v.b, true
	}
	var b, coercible bool
	switch v.kind {
	case jNumber:
		switch v.num.String() {
		case "0":
			b, coercible = false, true
		case "1":
			b, coercible = true, true
		}
	case jString:
		switch strings.ToLower(strings.TrimSpace(v.str)) {
		case "true", "yes", "on", "1", "t", "y":
			b, coercible = true, true
		case "false", "no", "off", "0", "f", "n":
			b, coercible = false, true
		}
	}
	if coercible {
		d.compatf(path, "write true or false", "expected true or false, got %s", v.describe())
		return b, d.opts.Lenient
	}
	d.errorf(path, "", "expected true or false, got %s", v.describe())
	return false, false
}

// array reads an array.
func (d *decoder) array(v *jvalue, path string) ([]*jvalue, bool) {
	if v == nil {
		return nil, false
	}
	if v.kind != jArray {
		d.errorf(path, "", "expected an array, got %s", v.describe())
		return nil, false
	}
	return v.arr, true
}

// scalar converts a JSON scalar into float64, string, bool or nil;
// arrays and objects are reported.
func (d *decoder) scalar(v *jvalue, path string) (any, bool) {
	switch v.kind {
	case jNull:
		return nil, true
	case jBool:
		return v.b, true
	case jString:
		return v.str, true
	case jNumber:
		f, ok := parseNumber(v.num.String())
		if !ok {
			d.errorf(path, "", "number %s is out of range", v.num)
		}
		return f, ok
	}
	d.errorf(path, "", "expected a string, number, boolean or null, got %s", v.describe())
	return nil, false
}

// scalars reads an array of scalars.
func (d *decoder) scalars(v *jvalue, path string) ([]any, bool) {
	arr, ok := d.array(v, path)
	if !ok {
		return nil, false
	}
	out := make([]any, 0, len(arr))
	for i, e := range arr {
		x, ok2 := d.scalar(e, index(path, i))
		ok = ok && ok2
		out = append(out, x)
	}
	return out, ok
}

// numbers reads an array of numbers.
func (d *decoder) numbers(v *jvalue, path string) ([]float64, bool) {
	arr, ok := d.array(v, path)
	if !ok {
		return nil, false
	}
	out := make([]float64, 0, len(arr))
	for i, e := range arr {
		f, ok2 := d.num(e, index(path, i))
		ok = ok && ok2
		out = append(out, f)
	}
	return out, ok
}

// strList reads an array of strings.
func (d *decoder) strList(v *jvalue, path string) ([]string, bool) {
	arr, ok := d.array(v, path)
	if !ok {
		return nil, false
	}
	out := make([]string, 0, len(arr))
	for i, e := range arr {
		s, ok2 := d.str(e, index(path, i))
		ok = ok && ok2
		out = append(out, s)
	}
	return out, ok
}

// weights reads a weight list: finite, non-negative numbers with a positive
// sum. want > 0 also checks the length, naming what the weights are for.
func (d *decoder) weights(v *jvalue, path string, want int, what string) ([]float64, bool) {
	w, ok := d.numbers(v, path)
	if !ok {
		return w, false
	}
	if want > 0 && len(w) != want {
		d.errorf(path, "", "%d weights for %d %s", len(w), want, what)
		ok = false
	}
	sum := 0.0
	for i, x := range w {
		if x < 0 {
			d.errorf(index(path, i), "", "weight %s is negative", fmtNum(x))
			ok = false
		}
		sum += x
	}
	if ok && sum <= 0 {
		d.errorf(path, "", "weights sum to zero")
		ok = false
	}
	return w, ok
}

// ref splits "table.column" at the first dot.
func (d *decoder) ref(v *jvalue, path string) (table, column string, ok bool) {
	s, ok := d.str(v, path)
	if !ok {
		return "", "", false
	}
	t, c, found := strings.Cut(s, ".")
	if !found || t == "" || c == "" {
		d.errorf(path, "", "expected \"table.column\", got %q", s)
		return "", "", false
	}
	return t, c, true
}

// fmtNum renders a number without a trailing ".0" noise.
func fmtNum(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }
