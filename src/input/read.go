package input

import (
	"math"
	"slices"
	"strconv"
	"strings"
)

// Reader reads a parsed document by JSON path and reports every problem it
// finds to its Reporter, so that one pass lists all the mistakes of an
// input. A method that reports a problem returns false (or nil) and the
// caller goes on with the next key.
type Reader struct {
	Reporter
	// Annotations are keys allowed in every object and never read
	// ("comment", "description").
	Annotations []string
}

// Object is an object being read. Its keys have been checked for
// duplicates; Object checked them against the allowed keys, Open records
// the keys read so that Done can report the others.
type Object struct {
	// Path is the JSON path of the object.
	Path string
	v    *Value
	r    *Reader
	used map[string]bool // nil when the keys were checked up front
}

// Object checks that v is an object (an empty array counts as one, see
// Value.IsObject) whose keys are all among allowed or the annotations, and
// returns it for reading. It reports the problems and returns nil when v is
// not an object; a nil v (an absent key) returns nil silently.
func (r *Reader) Object(v *Value, path string, allowed ...string) *Object {
	o := r.Open(v, path)
	if o == nil {
		return nil
	}
	for _, m := range o.v.Obj {
		if !slices.Contains(allowed, m.Key) && !slices.Contains(r.Annotations, m.Key) {
			r.unknownKey(Key(path, m.Key), m.Key, allowed)
		}
	}
	o.used = nil
	return o
}

// Open checks that v is an object (an empty array counts as one) and
// returns it for reading; the keys are checked by Done, against the keys
// that were read. It returns nil, after reporting, when v is not an
// object; a nil v returns nil silently.
func (r *Reader) Open(v *Value, path string) *Object {
	if v == nil {
		return nil
	}
	if !v.IsObject() {
		r.Errorf(path, "", "expected an object, got %s", v.Describe())
		return nil
	}
	if v.Kind == ArrayKind {
		v = &Value{Kind: ObjectKind}
	}
	r.ReportDups(v, path)
	return &Object{Path: path, v: v, r: r, used: map[string]bool{}}
}

// ReportDups reports the keys given twice in object v.
func (r *Reader) ReportDups(v *Value, path string) {
	for _, k := range v.Dups {
		r.Errorf(Key(path, k), "remove one of them", "key %q is given more than once", k)
	}
}

// unknownKey reports a key that is not allowed: an error, or a warning
// when the reader is lenient.
func (r *Reader) unknownKey(path, k string, allowed []string) {
	sugg := DidYouMean(k, allowed)
	if sugg == "" && len(allowed) > 0 {
		sugg = "allowed keys: " + strings.Join(allowed, ", ")
	}
	if r.Lenient {
		r.Warnf(path, sugg, "unknown key %q is ignored", k)
		return
	}
	r.Errorf(path, sugg, "unknown key %q", k)
}

// Done reports, for an object from Open, every key that was not read and
// is not an annotation, suggesting the closest key that was read.
func (o *Object) Done() {
	if o == nil || o.used == nil {
		return
	}
	var known []string
	for _, m := range o.v.Obj {
		if o.used[m.Key] {
			known = append(known, m.Key)
		}
	}
	for k := range o.used {
		if !slices.Contains(known, k) {
			known = append(known, k)
		}
	}
	slices.Sort(known)
	var unknown []string
	for _, m := range o.v.Obj {
		if !o.used[m.Key] && !slices.Contains(o.r.Annotations, m.Key) {
			unknown = append(unknown, m.Key)
		}
	}
	slices.Sort(unknown)
	for _, k := range unknown {
		o.r.unknownKey(o.At(k), k, known)
	}
}

// Value returns the object's value.
func (o *Object) Value() *Value { return o.v }

// Keys returns the object's keys in sorted order (JSON objects have no
// order, and nothing generated from them may depend on it) and marks them
// read.
func (o *Object) Keys() []string {
	if o == nil {
		return nil
	}
	ks := o.v.SortedKeys()
	for _, k := range ks {
		o.mark(k)
	}
	return ks
}

func (o *Object) mark(k string) {
	if o.used != nil {
		o.used[k] = true
	}
}

// Get returns member k, or nil when it is absent or null, and marks it
// read.
func (o *Object) Get(k string) *Value {
	if o == nil {
		return nil
	}
	o.mark(k)
	v := o.v.Get(k)
	if v == nil || v.Kind == NullKind {
		return nil
	}
	return v
}

// Has reports whether k is present (even as null).
func (o *Object) Has(k string) bool { return o != nil && o.v.Get(k) != nil }

// At returns the path of member k.
func (o *Object) At(k string) string { return Key(o.Path, k) }

// Required returns member k, reporting it when it is absent or null.
func (o *Object) Required(k string) *Value {
	if o == nil {
		return nil
	}
	o.mark(k)
	v := o.v.Get(k)
	if v == nil {
		o.r.Errorf(o.Path, "", "missing required key %q", k)
		return nil
	}
	if v.Kind == NullKind {
		o.r.Errorf(o.At(k), "", "%q is required and cannot be null", k)
		return nil
	}
	return v
}

// Str reads a string.
func (r *Reader) Str(v *Value, path string) (string, bool) {
	if v == nil {
		return "", false
	}
	if v.Kind != StringKind {
		r.Errorf(path, "", "expected a string, got %s", v.Describe())
		return "", false
	}
	return v.Str, true
}

// NonEmptyStr reads a string that must not be empty or blank.
func (r *Reader) NonEmptyStr(v *Value, path string) (string, bool) {
	s, ok := r.Str(v, path)
	if ok && strings.TrimSpace(s) == "" {
		r.Errorf(path, "", "must not be empty")
		return "", false
	}
	return s, ok
}

// ParseNumber converts a JSON number literal to a finite float64.
func ParseNumber(n string) (float64, bool) {
	f, err := strconv.ParseFloat(n, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, false
	}
	return f, true
}

// Num reads a finite number. A numeric string is accepted, with a warning,
// when the reader is lenient.
func (r *Reader) Num(v *Value, path string) (float64, bool) {
	if v == nil {
		return 0, false
	}
	switch v.Kind {
	case NumberKind:
		f, ok := ParseNumber(v.Num.String())
		if !ok {
			r.Errorf(path, "", "number %s is out of range", v.Num)
		}
		return f, ok
	case StringKind:
		if f, ok := ParseNumber(strings.TrimSpace(v.Str)); ok {
			r.Compatf(path, "write it without quotes", "expected a number, got string %q", v.Str)
			return f, r.Lenient
		}
	}
	r.Errorf(path, "", "expected a number, got %s", v.Describe())
	return 0, false
}

// Integer reads an integer: 5 and 5.0 are accepted, 5.5 is not. A numeric
// string is accepted, with a warning, when the reader is lenient.
func (r *Reader) Integer(v *Value, path string) (int64, bool) {
	if v == nil {
		return 0, false
	}
	lit := ""
	switch v.Kind {
	case NumberKind:
		lit = v.Num.String()
	case StringKind:
		lit = strings.TrimSpace(v.Str)
		if _, ok := ParseInt(lit); !ok {
			r.Errorf(path, "", "expected an integer, got %s", v.Describe())
			return 0, false
		}
		r.Compatf(path, "write it without quotes", "expected an integer, got string %q", v.Str)
		if !r.Lenient {
			return 0, false
		}
	default:
		r.Errorf(path, "", "expected an integer, got %s", v.Describe())
		return 0, false
	}
	n, ok := ParseInt(lit)
	if !ok {
		if f, isNum := ParseNumber(lit); isNum && f == math.Trunc(f) {
			r.Errorf(path, "", "integer %s is out of range", lit)
		} else {
			r.Errorf(path, "", "expected an integer, got %s", lit)
		}
	}
	return n, ok
}

// ParseInt accepts an integer literal, or a number literal with an
// integral value that fits in an int64.
func ParseInt(lit string) (int64, bool) {
	if n, err := strconv.ParseInt(lit, 10, 64); err == nil {
		return n, true
	}
	f, ok := ParseNumber(lit)
	if !ok || f != math.Trunc(f) || f < math.MinInt64 || f >= math.MaxInt64 {
		return 0, false
	}
	return int64(f), true
}

// Bool reads a boolean. When the reader is lenient, 0/1 and the strings
// true/false, yes/no, on/off, 1/0 are accepted with a warning.
func (r *Reader) Bool(v *Value, path string) (bool, bool) {
	if v == nil {
		return false, false
	}
	if v.Kind == BoolKind {
		return v.Bool, true
	}
	var b, coercible bool
	switch v.Kind {
	case NumberKind:
		switch v.Num.String() {
		case "0":
			b, coercible = false, true
		case "1":
			b, coercible = true, true
		}
	case StringKind:
		switch strings.ToLower(strings.TrimSpace(v.Str)) {
		case "true", "yes", "on", "1", "t", "y":
			b, coercible = true, true
		case "false", "no", "off", "0", "f", "n":
			b, coercible = false, true
		}
	}
	if coercible {
		r.Compatf(path, "write true or false", "expected true or false, got %s", v.Describe())
		return b, r.Lenient
	}
	r.Errorf(path, "", "expected true or false, got %s", v.Describe())
	return false, false
}

// Array reads an array.
func (r *Reader) Array(v *Value, path string) ([]*Value, bool) {
	if v == nil {
		return nil, false
	}
	if v.Kind != ArrayKind {
		r.Errorf(path, "", "expected an array, got %s", v.Describe())
		return nil, false
	}
	return v.Arr, true
}

// Scalar converts a JSON scalar into float64, string, bool or nil; arrays
// and objects are reported.
func (r *Reader) Scalar(v *Value, path string) (any, bool) {
	switch v.Kind {
	case NullKind:
		return nil, true
	case BoolKind:
		return v.Bool, true
	case StringKind:
		return v.Str, true
	case NumberKind:
		f, ok := ParseNumber(v.Num.String())
		if !ok {
			r.Errorf(path, "", "number %s is out of range", v.Num)
		}
		return f, ok
	}
	r.Errorf(path, "", "expected a string, number, boolean or null, got %s", v.Describe())
	return nil, false
}

// Scalars reads an array of scalars.
func (r *Reader) Scalars(v *Value, path string) ([]any, bool) {
	return readArray(r, v, path, r.Scalar)
}

// Numbers reads an array of numbers.
func (r *Reader) Numbers(v *Value, path string) ([]float64, bool) {
	return readArray(r, v, path, r.Num)
}

// Strings reads an array of strings.
func (r *Reader) Strings(v *Value, path string) ([]string, bool) {
	return readArray(r, v, path, r.Str)
}

// readArray reads an array whose elements read reads, reporting every bad
// element under its index.
func readArray[T any](r *Reader, v *Value, path string, read func(*Value, string) (T, bool)) ([]T, bool) {
	arr, ok := r.Array(v, path)
	if !ok {
		return nil, false
	}
	out := make([]T, 0, len(arr))
	for i, e := range arr {
		x, ok2 := read(e, Index(path, i))
		ok = ok && ok2
		out = append(out, x)
	}
	return out, ok
}

// Any converts a tree into plain Go values: map[string]any, []any,
// float64, string, bool and nil. Duplicate keys and numbers out of range
// are reported at their paths.
func (r *Reader) Any(v *Value, path string) any {
	switch v.Kind {
	case NullKind:
		return nil
	case BoolKind:
		return v.Bool
	case NumberKind:
		f, err := strconv.ParseFloat(v.Num.String(), 64)
		if err != nil {
			r.Errorf(path, "", "number %s is out of range", v.Num)
		}
		return f
	case StringKind:
		return v.Str
	case ArrayKind:
		out := make([]any, len(v.Arr))
		for i, e := range v.Arr {
			out[i] = r.Any(e, Index(path, i))
		}
		return out
	default:
		r.ReportDups(v, path)
		out := make(map[string]any, len(v.Obj))
		for _, m := range v.Obj {
			out[m.Key] = r.Any(m.Val, Key(path, m.Key))
		}
		return out
	}
}

// AnyObject converts an object (an empty array counts as one) into a
// map[string]any as Any does; it reports anything else and returns nil.
func (r *Reader) AnyObject(v *Value, path string) map[string]any {
	if v == nil {
		return nil
	}
	if !v.IsObject() {
		r.Errorf(path, "", "expected an object, got %s", v.Describe())
		return nil
	}
	if v.Kind == ArrayKind {
		return map[string]any{}
	}
	m, _ := r.Any(v, path).(map[string]any)
	return m
}
