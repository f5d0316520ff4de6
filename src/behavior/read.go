package behavior

import (
	"datagen/src/editdist"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// Problem is one finding about a behaviour block, located by JSON path.
type Problem struct {
	Path, Message string
	// Warning is true for findings that do not stop generation.
	Warning bool
}

func (p Problem) String() string { return p.Path + ": " + p.Message }

// Problems collects findings while reading.
type Problems []Problem

func (ps *Problems) errorf(path, format string, args ...any) {
	*ps = append(*ps, Problem{Path: path, Message: fmt.Sprintf(format, args...)})
}

func (ps *Problems) warnf(path, format string, args ...any) {
	*ps = append(*ps, Problem{Path: path, Message: fmt.Sprintf(format, args...), Warning: true})
}

// HasErrors reports whether any finding is an error.
func (ps Problems) HasErrors() bool {
	for _, p := range ps {
		if !p.Warning {
			return true
		}
	}
	return false
}

// keyPath appends an object key to a JSON path.
func keyPath(path, key string) string { return path + "." + key }

// object is a decoded JSON object being read: every key read is recorded
// so that the rest can be reported as unknown.
type object struct {
	m    map[string]any
	path string
	ps   *Problems
	used map[string]bool
}

// asObject returns v as an object, or nil after reporting an error.
func asObject(v any, path string, ps *Problems) *object {
	m, ok := v.(map[string]any)
	if !ok {
		ps.errorf(path, "expected an object, got %s", describe(v))
		return nil
	}
	return &object{m: m, path: path, ps: ps, used: map[string]bool{}}
}

func describe(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case float64:
		return "the number " + strconv.FormatFloat(x, 'g', -1, 64)
	case string:
		return "the string " + strconv.Quote(x)
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

// at returns the path of key.
func (o *object) at(key string) string { return keyPath(o.path, key) }

// get returns the value of key (nil when absent or null) and marks it read.
func (o *object) get(key string) any {
	o.used[key] = true
	return o.m[key]
}

// has reports whether key is present with a non-null value.
func (o *object) has(key string) bool { return o.m[key] != nil }

// str reads an optional string; def when absent.
func (o *object) str(key, def string) string {
	v := o.get(key)
	if v == nil {
		return def
	}
	s, ok := v.(string)
	if !ok {
		o.ps.errorf(o.at(key), "expected a string, got %s", describe(v))
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
	f, ok := v.(float64)
	if !ok {
		o.ps.errorf(o.at(key), "expected a number, got %s", describe(v))
		return 0, false
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		o.ps.errorf(o.at(key), "expected a finite number")
		return 0, false
	}
	return f, true
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
	b, ok := v.(bool)
	if !ok {
		o.ps.errorf(o.at(key), "expected true or false, got %s", describe(v))
	}
	return b
}

// done reports the keys that were not read. Annotation keys (comment,
// description) are allowed everywhere.
func (o *object) done() {
	var unknown []string
	for k := range o.m {
		if !o.used[k] && k != "comment" && k != "description" {
			unknown = append(unknown, k)
		}
	}
	sort.Strings(unknown)
	var known []string
	for k := range o.used {
		known = append(known, k)
	}
	sort.Strings(known)
	for _, k := range unknown {
		hint := ""
		if c := closest(k, known); c != "" {
			hint = fmt.Sprintf(" (did you mean %q?)", c)
		}
		o.ps.errorf(o.at(k), "unknown key %q%s; allowed keys: %s", k, hint, quoteList(known))
	}
}

// sortedKeys returns the keys of m in sorted order: JSON objects have no
// order, and everything generated from them must not depend on map
// iteration.
func sortedKeys(m map[string]any) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func fmtNum(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return strings.Join(q, ", ")
}

// closest returns the candidate that word is most plausibly a typo of, or
// "".
func closest(word string, candidates []string) string {
	lw := strings.ToLower(word)
	best, bestD := "", 3
	for _, c := range candidates {
		lc := strings.ToLower(c)
		if lc == lw || strings.TrimSuffix(lw, "s") == lc {
			return c
		}
		if d := editdist.Distance(lw, lc); d < bestD && d <= max(1, len(word)/3) {
			best, bestD = c, d
		}
	}
	return best
}
