// Package semantic produces realistic values for the DSL's faker generator:
// names, addresses, companies, phone numbers, internet identifiers, dates,
// text, identifiers, finance and automotive values, in 24 locales.
//
// Methods are named as in Python Faker. Lookup validates a method and its
// arguments once at plan time; Method.Generate then produces one value per
// row from counter-based random draws, allocating nothing but the returned
// string. Values in one row agree: every person method of a table draws the
// same person from RowKeys.Table, every address method the same place, so
// name and email, or city, region and postcode, belong together.
package semantic

import (
	"fmt"
	"sort"
	"strings"

	"datagen/src/input"
)

// Group says which shared identity a method's values come from.
type Group string

// Identity groups. Columns of one table whose methods share a group agree
// with each other when they are generated in the same locale.
const (
	GroupPerson  Group = "person"
	GroupPlace   Group = "place"
	GroupCompany Group = "company"
	GroupProduct Group = "product"
	GroupNone    Group = ""
)

// argKind is the type of a method argument.
type argKind uint8

const (
	argInt argKind = iota
	argFloat
	argString
	argBool
	argDate
	argStrings
)

func (k argKind) String() string {
	return [...]string{"an integer", "a number", "a string", "a boolean", "a date (YYYY-MM-DD, RFC 3339, today, now or a relative offset such as -30y)", "a list of strings"}[k]
}

// argSpec declares one argument: its Python Faker name, type and default.
type argSpec struct {
	name string
	kind argKind
	def  any
}

// methodSpec is one entry of the method table.
type methodSpec struct {
	name     string
	category string
	group    Group
	args     []argSpec
	// check validates the parsed arguments; optional.
	check func(m *Method) error
	gen   func(m *Method, loc Locale, rk RowKeys) string
}

// Method is a validated method with its arguments, ready to generate.
type Method struct {
	spec  *methodSpec
	ints  [4]int64
	flts  [2]float64
	strs  [3]string
	bools [5]bool
	list  []string
	up    userPattern
	lay   string
}

// Name returns the method's name.
func (m *Method) Name() string { return m.spec.name }

// Group returns the identity group of the method (GroupNone if it draws
// from the column's own stream).
func (m *Method) Group() Group { return m.spec.group }

// Generate returns the value of row rk in locale loc. It is safe for
// concurrent use and allocates at most the returned string.
func (m *Method) Generate(loc Locale, rk RowKeys) string {
	if int(loc) >= len(locales) {
		loc = DefaultLocale
	}
	return m.spec.gen(m, loc, rk)
}

// MethodInfo describes a method for listings and documentation.
type MethodInfo struct {
	Name     string
	Category string
	Group    Group
	// Args lists the accepted arguments as "name=default".
	Args []string
}

// Methods returns every method, sorted by category and name.
func Methods() []MethodInfo {
	specs := methodSpecs()
	out := make([]MethodInfo, 0, len(specs))
	for _, s := range specs {
		mi := MethodInfo{Name: s.name, Category: s.category, Group: s.group}
		for _, a := range s.args {
			mi.Args = append(mi.Args, fmt.Sprintf("%s=%v", a.name, fmtDefault(a.def)))
		}
		out = append(out, mi)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Category != out[j].Category {
			return out[i].Category < out[j].Category
		}
		return out[i].Name < out[j].Name
	})
	return out
}

func fmtDefault(v any) string {
	switch x := v.(type) {
	case string:
		return fmt.Sprintf("%q", x)
	case []string:
		return fmt.Sprintf("%q", x)
	case nil:
		return "None"
	}
	return fmt.Sprint(v)
}

// methodIndex maps names to specs; built by methodSpecs after methodTable.
var methodIndex map[string]*methodSpec

func buildIndex() {
	methodIndex = make(map[string]*methodSpec, len(methodTable))
	for i := range methodTable {
		s := &methodTable[i]
		if _, dup := methodIndex[s.name]; dup {
			panic("semantic: duplicate method " + s.name)
		}
		methodIndex[s.name] = s
	}
}

// Lookup validates a method name and its arguments (Python Faker keyword
// names, e.g. {"text": "DEV-####"} for bothify; positional arguments can be
// given as "0", "1", ... in declaration order). Unknown methods and
// arguments, and values of the wrong type, are errors naming the method,
// the argument and, for unknown names, the closest known ones.
func Lookup(method string, args map[string]any) (*Method, error) {
	methodSpecs()
	spec, ok := methodIndex[method]
	if !ok {
		msg := fmt.Sprintf("unknown faker method %q", method)
		if s := Suggest(method); len(s) > 0 {
			msg += "; did you mean " + quoteList(s) + "?"
		}
		return nil, fmt.Errorf("%s", msg)
	}
	m := &Method{spec: spec}
	vals := make([]any, len(spec.args))
	for i, a := range spec.args {
		vals[i] = a.def
		if s, ok := a.def.(string); ok && a.kind == argDate {
			t, err := parseDateArg(s)
			if err != nil {
				return nil, fmt.Errorf("faker method %q: default of %q: %w", method, a.name, err)
			}
			vals[i] = t
		}
	}
	names := make([]string, 0, len(args))
	for k := range args {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		idx := -1
		for i, a := range spec.args {
			if a.name == k || fmt.Sprint(i) == k {
				idx = i
			}
		}
		if idx < 0 {
			if len(spec.args) == 0 {
				return nil, fmt.Errorf("faker method %q takes no arguments, got %q", method, k)
			}
			known := make([]string, len(spec.args))
			for i, a := range spec.args {
				known[i] = a.name
			}
			return nil, fmt.Errorf("faker method %q has no argument %q (arguments: %s)", method, k, strings.Join(known, ", "))
		}
		v, err := convertArg(spec.args[idx], args[k])
		if err != nil {
			return nil, fmt.Errorf("faker method %q argument %q: %w", method, spec.args[idx].name, err)
		}
		vals[idx] = v
	}
	if err := m.bind(vals); err != nil {
		return nil, fmt.Errorf("faker method %q: %w", method, err)
	}
	if spec.check != nil {
		if err := spec.check(m); err != nil {
			return nil, fmt.Errorf("faker method %q: %w", method, err)
		}
	}
	return m, nil
}

// bind stores the converted argument values in the method's typed slots,
// in declaration order per type.
func (m *Method) bind(vals []any) error {
	var ni, nf, ns, nb int
	for i, a := range m.spec.args {
		v := vals[i]
		switch a.kind {
		case argInt:
			m.ints[ni] = v.(int64)
			ni++
		case argDate:
			if v == nil {
				m.ints[ni] = noDate
			} else {
				m.ints[ni] = v.(int64)
			}
			ni++
		case argFloat:
			m.flts[nf] = v.(float64)
			nf++
		case argString:
			if v == nil {
				m.strs[ns] = ""
			} else {
				m.strs[ns] = v.(string)
			}
			ns++
		case argBool:
			m.bools[nb] = v.(bool)
			nb++
		case argStrings:
			m.list = v.([]string)
		}
	}
	return nil
}

// convertArg checks and converts one JSON argument value.
func convertArg(a argSpec, v any) (any, error) {
	if v == nil {
		if a.def == nil {
			return nil, nil
		}
		return nil, fmt.Errorf("must be %s, got null", a.kind)
	}
	switch a.kind {
	case argInt:
		switch x := v.(type) {
		case float64:
			if x != float64(int64(x)) {
				return nil, fmt.Errorf("must be an integer, got %v", x)
			}
			return int64(x), nil
		case int:
			return int64(x), nil
		case int64:
			return x, nil
		}
	case argFloat:
		switch x := v.(type) {
		case float64:
			return x, nil
		case int:
			return float64(x), nil
		case int64:
			return float64(x), nil
		}
	case argString:
		if s, ok := v.(string); ok {
			return s, nil
		}
	case argBool:
		if b, ok := v.(bool); ok {
			return b, nil
		}
	case argDate:
		switch x := v.(type) {
		case string:
			t, err := parseDateArg(x)
			if err != nil {
				return nil, err
			}
			return t, nil
		case float64:
			// A number is a Unix time in seconds.
			return int64(x * 1e6), nil
		}
	case argStrings:
		if xs, ok := v.([]any); ok && len(xs) > 0 {
			out := make([]string, len(xs))
			for i, x := range xs {
				switch y := x.(type) {
				case string:
					out[i] = y
				case float64, bool:
					out[i] = fmt.Sprint(y)
				default:
					return nil, fmt.Errorf("element %d must be a string or number", i)
				}
			}
			return out, nil
		}
		if xs, ok := v.([]string); ok && len(xs) > 0 {
			return xs, nil
		}
		return nil, fmt.Errorf("must be a non-empty list")
	}
	return nil, fmt.Errorf("must be %s, got %T", a.kind, v)
}

// Suggest returns up to three known method names closest to name, for
// "did you mean" messages.
func Suggest(name string) []string {
	specs := methodSpecs()
	names := make([]string, len(specs))
	for i, s := range specs {
		names[i] = s.name
	}
	return input.Nearest(strings.ToLower(name), names, 3)
}

func quoteList(s []string) string {
	q := make([]string, len(s))
	for i, x := range s {
		q[i] = fmt.Sprintf("%q", x)
	}
	return strings.Join(q, ", ")
}
