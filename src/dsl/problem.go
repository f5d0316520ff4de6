package dsl

import (
	"fmt"
	"strconv"
	"strings"
)

// Options control decoding.
type Options struct {
	// Lenient downgrades unknown keys, and the other shapes the predecessor
	// accepted silently, from errors to warnings, so that older documents
	// still load.
	Lenient bool
}

// Problem is one error or warning found in a document, with the JSON path
// where it is.
type Problem struct {
	// Path locates the problem, e.g.
	// "nodes[3](order).columns[2](amount).generator.choice.weights".
	// Array elements that carry an id or a name show it in parentheses.
	Path string
	// Message says what is wrong.
	Message string
	// Suggestion, when not empty, says how to fix it ("did you mean ...?").
	Suggestion string
	// Warning marks a problem that does not make the document invalid.
	Warning bool
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

// Problems is an error listing every problem of a document.
type Problems []Problem

// Error prints one problem per line: "path: message (suggestion)".
func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// SyntaxError is a JSON syntax error with its position in the input.
type SyntaxError struct {
	Line, Column int // 1-based
	Offset       int64
	Msg          string
}

// Error renders the error as "line L, column C: message".
func (e *SyntaxError) Error() string {
	return fmt.Sprintf("invalid JSON at line %d, column %d: %s", e.Line, e.Column, e.Msg)
}

// reporter collects problems while a document is decoded and validated.
type reporter struct {
	opts  Options
	probs []Problem
}

func (r *reporter) add(p Problem) { r.probs = append(r.probs, p) }

// errorf records an error at path.
func (r *reporter) errorf(path, suggestion, format string, args ...any) {
	r.add(Problem{Path: path, Message: fmt.Sprintf(format, args...), Suggestion: suggestion})
}

// warnf records a warning at path.
func (r *reporter) warnf(path, suggestion, format string, args ...any) {
	r.add(Problem{Path: path, Message: fmt.Sprintf(format, args...), Suggestion: suggestion, Warning: true})
}

// compatf records a shape the predecessor accepted silently: an error in
// strict mode, a warning in lenient mode.
func (r *reporter) compatf(path, suggestion, format string, args ...any) {
	r.add(Problem{Path: path, Message: fmt.Sprintf(format, args...), Suggestion: suggestion, Warning: r.opts.Lenient})
}

// split separates errors from warnings, keeping their order.
func (r *reporter) split() (errs Problems, warns []Problem) {
	for _, p := range r.probs {
		if p.Warning {
			warns = append(warns, p)
		} else {
			errs = append(errs, p)
		}
	}
	return errs, warns
}

// key appends an object key to a path.
func key(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

// index appends an array index to a path.
func index(path string, i int) string {
	return path + "[" + strconv.Itoa(i) + "]"
}

// named appends an array index and, when known, the element's id or name.
func named(path string, i int, name string) string {
	p := index(path, i)
	if name != "" {
		p += "(" + name + ")"
	}
	return p
}
