// Package expr implements the expression language of the `expression`
// generator: a column computed from the other columns of the same row,
// such as "unit_price * quantity" or "if(score >= 50, 'pass', 'fail')".
//
// The syntax and operator precedence follow Python (as the predecessor's
// pandas-based expressions did), with & and | as "and" and "or"; see
// docs/expressions.md for the language reference.
//
// Code is compiled once into a tree of typed nodes. Evaluation is
// vectorised: every node computes a whole block of rows into a scratch
// vector owned by a per-worker Evaluator, so the per-row cost is a few
// nanoseconds per operation and nothing is allocated per row.
package expr

import (
	"slices"
	"sort"

	"datagen/src/column"
)

// Program is a compiled expression. It is immutable and safe for
// concurrent use; each worker evaluates it through its own Evaluator.
type Program struct {
	code  string
	root  node
	nodes int
	typ   column.Type
	cols  []string
}

// Compile parses and type-checks code against the columns available to
// it (name → type) and returns a program. Errors are *Error values that
// name the problem and its position: syntax errors, unknown columns or
// functions (with a "did you mean" suggestion), wrong argument counts and
// type mismatches.
func Compile(code string, cols map[string]column.Type) (*Program, error) {
	ast, err := parse(code)
	if err != nil {
		return nil, err
	}
	c := newChecker(code, cols)
	root, err := c.build(ast)
	if err != nil {
		return nil, err
	}
	t := root.info().t
	if err := c.resultType(0, t); err != nil {
		return nil, err
	}
	used := slices.Clone(c.used)
	sort.Strings(used)
	return &Program{code: code, root: root, nodes: c.n, typ: t, cols: used}, nil
}

// Code returns the source code of the program.
func (p *Program) Code() string { return p.code }

// Type returns the type of the program's result: int, float, string,
// bool, datetime or date.
func (p *Program) Type() column.Type { return p.typ }

// Columns returns the names of the columns the program reads, sorted.
func (p *Program) Columns() []string { return slices.Clone(p.cols) }

// Check validates code when the column types are not known yet: syntax,
// column names (against columns), function names and argument counts.
// Type errors are found only by Compile.
func Check(code string, columns []string) error {
	names := slices.Clone(columns)
	sort.Strings(names)
	return CheckNames(code, func(name string) bool {
		_, found := slices.BinarySearch(names, name)
		return found
	}, func() []string { return names })
}

// CheckNames is Check for callers that know their columns as a set: has
// reports whether a name is a column, and names lists them (only called
// to suggest a name after a mistake). Checking many expressions of a wide
// table this way costs nothing per column.
func CheckNames(code string, has func(string) bool, names func() []string) error {
	ast, err := parse(code)
	if err != nil {
		return err
	}
	return checkNames(code, ast, nameSet{has, names})
}

// nameSet is the set of column names an expression may read.
type nameSet struct {
	has  func(string) bool
	list func() []string
}

// checkNames walks the syntax tree resolving names without types.
func checkNames(src string, a astNode, names nameSet) error {
	switch a := a.(type) {
	case *identNode:
		if !names.has(a.name) {
			if _, isFn := functions[a.name]; isFn {
				return errorf(src, a.pos, "%s is a function; call it with arguments: %s(...)", a.name, a.name)
			}
			return errorf(src, a.pos, "unknown column %s%s", quoteName(a.name), didYouMean(a.name, names.list()))
		}
	case *unaryNode:
		return checkNames(src, a.x, names)
	case *binaryNode:
		if err := checkNames(src, a.l, names); err != nil {
			return err
		}
		return checkNames(src, a.r, names)
	case *compareNode:
		for i, o := range a.operands {
			if l, ok := o.(*listNode); ok && (i == 0 || a.ops[i-1] != "in" && a.ops[i-1] != "not in" || i < len(a.ops)) {
				return errorf(src, l.pos, "list literals are only allowed as the last operand of 'in'")
			}
			if i > 0 && (a.ops[i-1] == "in" || a.ops[i-1] == "not in") {
				if _, ok := o.(*listNode); !ok {
					return errorf(src, a.opPos[i-1], "'%s' needs a list of values, e.g. x in [1, 2, 3]", a.ops[i-1])
				}
			}
			if err := checkNames(src, o, names); err != nil {
				return err
			}
		}
	case *listNode:
		for _, e := range a.elems {
			if err := checkNames(src, e, names); err != nil {
				return err
			}
		}
	case *callNode:
		fn, ok := functions[a.name]
		if !ok {
			if names.has(a.name) {
				return errorf(src, a.pos, "%s is a column, not a function", quoteName(a.name))
			}
			return errorf(src, a.pos, "unknown function %s%s", a.name, didYouMean(a.name, functionNames))
		}
		if len(a.args) < fn.min || fn.max >= 0 && len(a.args) > fn.max {
			return errorf(src, a.pos, "%s() takes %s, got %d", a.name, fn.arity(), len(a.args))
		}
		for _, e := range a.args {
			if err := checkNames(src, e, names); err != nil {
				return err
			}
		}
	}
	return nil
}

// Columns returns the sorted names that code reads as columns, from its
// syntax alone (no types needed): the planner orders a table's columns by
// them. Names inside string literals are not columns.
func Columns(code string) ([]string, error) {
	ast, err := parse(code)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	collectNames(ast, seen)
	names := make([]string, 0, len(seen))
	for n := range seen {
		names = append(names, n)
	}
	sort.Strings(names)
	return names, nil
}

func collectNames(a astNode, seen map[string]bool) {
	switch a := a.(type) {
	case *identNode:
		seen[a.name] = true
	case *unaryNode:
		collectNames(a.x, seen)
	case *binaryNode:
		collectNames(a.l, seen)
		collectNames(a.r, seen)
	case *compareNode:
		for _, o := range a.operands {
			collectNames(o, seen)
		}
	case *listNode:
		for _, e := range a.elems {
			collectNames(e, seen)
		}
	case *callNode:
		for _, e := range a.args {
			collectNames(e, seen)
		}
	}
}
