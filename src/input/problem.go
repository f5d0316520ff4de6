package input

import (
	"fmt"
	"strconv"
	"strings"
)

// Problem is one error or warning found in the user's input, with the JSON
// path where it is. Its JSON form ({"path", "message", "suggestion",
// "warning"}) is what tools that show problems (datagen studio) receive.
type Problem struct {
	// Path locates the problem, e.g.
	// "nodes[3](order).columns[2](amount).generator.choice.weights".
	// Array elements that carry an id or a name show it in parentheses.
	Path string `json:"path"`
	// Message says what is wrong.
	Message string `json:"message"`
	// Suggestion, when not empty, says how to fix it ("did you mean ...?").
	Suggestion string `json:"suggestion,omitempty"`
	// Warning marks a problem that does not make the input invalid.
	Warning bool `json:"warning,omitempty"`
}

// String renders the problem as "path: message (suggestion)".
func (p Problem) String() string {
	var b strings.Builder
	if p.Path != "" {
		b.WriteString(p.Path)
		b.WriteString(": ")
	}
	b.WriteString(p.Message)
	if p.Suggestion != "" {
		b.WriteString(" (")
		b.WriteString(p.Suggestion)
		b.WriteString(")")
	}
	return b.String()
}

// Problems is an error listing every problem found in an input.
type Problems []Problem

// Error prints one problem per line: "path: message (suggestion)".
func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// UserFault reports true: problems are mistakes in the user's input.
func (ps Problems) UserFault() bool { return true }

// Errors returns the problems that are not warnings, in order.
func (ps Problems) Errors() Problems {
	var out Problems
	for _, p := range ps {
		if !p.Warning {
			out = append(out, p)
		}
	}
	return out
}

// Warnings returns the warnings, in order.
func (ps Problems) Warnings() Problems {
	var out Problems
	for _, p := range ps {
		if p.Warning {
			out = append(out, p)
		}
	}
	return out
}

// HasErrors reports whether some problem is not a warning.
func (ps Problems) HasErrors() bool {
	for _, p := range ps {
		if !p.Warning {
			return true
		}
	}
	return false
}

// Under returns the problems with their paths placed under prefix, for
// a document embedded in another (a schema in a configuration's
// parameters.schema).
func (ps Problems) Under(prefix string) Problems {
	out := make(Problems, len(ps))
	for i, p := range ps {
		p.Path = Join(prefix, p.Path)
		out[i] = p
	}
	return out
}

// Reporter collects problems while an input is read and checked.
type Reporter struct {
	// Lenient turns the problems reported with Compatf into warnings.
	Lenient bool
	probs   Problems
}

// Add records p.
func (r *Reporter) Add(p Problem) { r.probs = append(r.probs, p) }

// Errorf records an error at path.
func (r *Reporter) Errorf(path, suggestion, format string, args ...any) {
	r.Add(Problem{Path: path, Message: fmt.Sprintf(format, args...), Suggestion: suggestion})
}

// Warnf records a warning at path.
func (r *Reporter) Warnf(path, suggestion, format string, args ...any) {
	r.Add(Problem{Path: path, Message: fmt.Sprintf(format, args...), Suggestion: suggestion, Warning: true})
}

// Compatf records a shape that older documents used: an error, or a
// warning when the reporter is lenient.
func (r *Reporter) Compatf(path, suggestion, format string, args ...any) {
	r.Add(Problem{Path: path, Message: fmt.Sprintf(format, args...), Suggestion: suggestion, Warning: r.Lenient})
}

// Problems returns every problem recorded so far, in order.
func (r *Reporter) Problems() Problems { return r.probs }

// Split separates errors from warnings, keeping their order.
func (r *Reporter) Split() (errs, warns Problems) {
	return r.probs.Errors(), r.probs.Warnings()
}

// Key appends an object key to a path.
func Key(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

// Index appends an array index to a path.
func Index(path string, i int) string {
	return path + "[" + strconv.Itoa(i) + "]"
}

// Named appends an array index and, when known, the element's id or name.
func Named(path string, i int, name string) string {
	p := Index(path, i)
	if name != "" {
		p += "(" + name + ")"
	}
	return p
}

// Join places path under prefix: Join("parameters.schema", "nodes[0]") is
// "parameters.schema.nodes[0]"; an empty path is the prefix itself.
func Join(prefix, path string) string {
	switch {
	case path == "":
		return prefix
	case prefix == "":
		return path
	case strings.HasPrefix(path, "["):
		return prefix + path
	}
	return prefix + "." + path
}
