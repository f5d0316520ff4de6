package behavior

import (
	"fmt"
	"math"
	"strconv"

	"datagen/src/input"
)

// Problems lists the findings about behaviour blocks, each located by JSON
// path; warnings do not stop generation.
type Problems = input.Problems

// reader reads behaviour blocks and collects their problems.
type reader struct{ *input.Reader }

func newReader() *reader {
	return &reader{&input.Reader{Annotations: []string{"comment", "description"}}}
}

func (r *reader) errorf(path, format string, args ...any) {
	r.Errorf(path, "", format, args...)
}

func (r *reader) warnf(path, format string, args ...any) {
	r.Warnf(path, "", format, args...)
}

// object is a behaviour object being read: every key read is recorded so
// that done can report the rest as unknown.
type object struct {
	*input.Object
	ps *reader
}

// asObject returns v as an object (an empty array counts as one), or nil
// after reporting an error.
func asObject(v *input.Value, path string, ps *reader) *object {
	if v == nil {
		ps.errorf(path, "expected an object, got null")
		return nil
	}
	o := ps.Open(v, path)
	if o == nil {
		return nil
	}
	return &object{Object: o, ps: ps}
}

// at returns the path of key.
func (o *object) at(key string) string { return o.At(key) }

// get returns the value of key (nil when absent or null) and marks it read.
func (o *object) get(key string) *input.Value { return o.Get(key) }

// has reports whether key is present with a non-null value.
func (o *object) has(key string) bool {
	v := o.Value().Get(key)
	return v != nil && v.Kind != input.NullKind
}

// len is the number of keys.
func (o *object) len() int { return len(o.Value().Obj) }

// str reads an optional string; def when absent.
func (o *object) str(key, def string) string {
	v := o.get(key)
	if v == nil {
		return def
	}
	s, ok := o.ps.Str(v, o.at(key))
	if !ok {
		return def
	}
	return s
}

// num reads an optional finite number; ok is false when absent or wrong.
func (o *object) num(key string) (float64, bool) {
	v := o.get(key)
	if v == nil {
		return 0, false
	}
	return o.ps.Num(v, o.at(key))
}

// numIn reads an optional number in [lo, hi]; def when absent.
func (o *object) numIn(key string, def, lo, hi float64) float64 {
	f, ok := o.num(key)
	if !ok {
		return def
	}
	if f < lo || f > hi {
		o.ps.errorf(o.at(key), "%s must be between %s and %s, got %s", key, fmtNum(lo), fmtNum(hi), fmtNum(f))
		return def
	}
	return f
}

// integer reads an optional integer ≥ lo; def when absent.
func (o *object) integer(key string, def, lo int64) int64 {
	f, ok := o.num(key)
	if !ok {
		return def
	}
	if f != math.Trunc(f) || f < float64(lo) || f > 1e15 {
		o.ps.errorf(o.at(key), "%s must be an integer of at least %d, got %s", key, lo, fmtNum(f))
		return def
	}
	return int64(f)
}

// boolean reads an optional boolean.
func (o *object) boolean(key string) bool {
	v := o.get(key)
	if v == nil {
		return false
	}
	b, _ := o.ps.Bool(v, o.at(key))
	return b
}

// done reports the keys that were not read. Annotation keys (comment,
// description) are allowed everywhere.
func (o *object) done() { o.Done() }

// keys returns the keys in sorted order (JSON objects have no order, and
// everything generated from them must not depend on it) and marks them
// read.
func (o *object) keys() []string { return o.Keys() }

func fmtNum(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// unknownNameHint renders ` (did you mean "y"?)` for a name that is not
// among names, or "" when none is close.
func unknownNameHint(name string, names []string) string {
	if c := input.Closest(name, names); c != "" {
		return fmt.Sprintf(" (did you mean %q?)", c)
	}
	return ""
}
