package expr

import (
	"sort"
	"strings"

	"datagen/src/civil"
	"datagen/src/column"
)

// Microseconds per unit of the duration functions.
const (
	microsPerSecond = civil.MicrosPerSecond
	microsPerMinute = civil.MicrosPerMinute
	microsPerHour   = civil.MicrosPerHour
	microsPerWeek   = civil.MicrosPerWeek
)

// checker type-checks a syntax tree and builds the compiled nodes.
type checker struct {
	src   string
	cols  map[string]column.Type
	names []string // column names, for suggestions
	used  []string // referenced columns in order of first use
	seen  map[string]bool
	n     int // nodes built
}

func newChecker(src string, cols map[string]column.Type) *checker {
	c := &checker{src: src, cols: cols, seen: map[string]bool{}}
	for name := range cols {
		c.names = append(c.names, name)
	}
	sort.Strings(c.names)
	return c
}

func (c *checker) base(t column.Type) base {
	b := base{id: c.n, t: t}
	c.n++
	return b
}

func (c *checker) errAt(pos int, format string, args ...any) error {
	return errorf(c.src, pos, format, args...)
}

// constant nodes

func (c *checker) constInt(v int64) *constNode {
	return &constNode{base: c.base(column.Int), i: v, f: float64(v)}
}

func (c *checker) constFloat(v float64) *constNode {
	return &constNode{base: c.base(column.Float), f: v}
}

func asConst(nd node) (*constNode, bool) {
	k, ok := nd.(*constNode)
	if !ok || k.null {
		return nil, false
	}
	return k, true
}

// build compiles a syntax tree node.
func (c *checker) build(a astNode) (node, error) {
	switch a := a.(type) {
	case *numLit:
		if a.isInt {
			return c.constInt(a.i), nil
		}
		return c.constFloat(a.f), nil
	case *strLit:
		return &constNode{base: c.base(column.String), s: a.s}, nil
	case *boolLit:
		return &constNode{base: c.base(column.Bool), b: a.b}, nil
	case *nullLit:
		return &constNode{base: c.base(typeNull), null: true}, nil
	case *identNode:
		return c.ident(a)
	case *unaryNode:
		return c.unary(a)
	case *binaryNode:
		l, err := c.build(a.l)
		if err != nil {
			return nil, err
		}
		r, err := c.build(a.r)
		if err != nil {
			return nil, err
		}
		if a.op == "and" || a.op == "or" {
			return c.logic(a.op, a.pos, l, r)
		}
		return c.arith(a.op, a.pos, l, r)
	case *compareNode:
		return c.chain(a)
	case *listNode:
		return nil, c.errAt(a.pos, "list literals are only allowed after 'in'")
	case *callNode:
		return c.call(a)
	}
	return nil, c.errAt(a.position(), "unsupported syntax")
}

func (c *checker) ident(a *identNode) (node, error) {
	t, ok := c.cols[a.name]
	if !ok {
		if _, isFn := functions[a.name]; isFn {
			return nil, c.errAt(a.pos, "%s is a function; call it with arguments: %s(...)", a.name, a.name)
		}
		if len(c.names) == 0 {
			return nil, c.errAt(a.pos, "unknown column %s: no columns are available here", quoteName(a.name))
		}
		return nil, c.errAt(a.pos, "unknown column %s%s", quoteName(a.name), didYouMean(a.name, c.names))
	}
	switch t {
	case column.Int, column.Float, column.String, column.Bool, column.Timestamp, column.Date:
	default:
		return nil, c.errAt(a.pos, "column %s has unsupported type %s", quoteName(a.name), t)
	}
	if !c.seen[a.name] {
		c.seen[a.name] = true
		c.used = append(c.used, a.name)
	}
	return &colNode{base: c.base(t), name: a.name}, nil
}

func (c *checker) unary(a *unaryNode) (node, error) {
	x, err := c.build(a.x)
	if err != nil {
		return nil, err
	}
	t := x.info().t
	switch a.op {
	case "+":
		if t.IsNumeric() || t == typeDuration {
			return x, nil
		}
	case "-":
		if k, ok := asConst(x); ok && t.IsNumeric() {
			if t == column.Int {
				return c.constInt(-k.i), nil
			}
			return c.constFloat(-k.f), nil
		}
		if t.IsNumeric() || t == typeDuration {
			return &unaryOpNode{base: c.base(t), op: opNeg, x: x}, nil
		}
	case "~":
		if t == column.Int || t == column.Bool {
			return &unaryOpNode{base: c.base(t), op: opInvert, x: x}, nil
		}
	case "not":
		if t == column.Bool {
			return &unaryOpNode{base: c.base(t), op: opNot, x: x}, nil
		}
		if t.IsNumeric() {
			return nil, c.errAt(a.pos, "'not' needs a bool operand, got %s; compare explicitly, e.g. not (x > 0)", typeName(t))
		}
	}
	return nil, c.errAt(a.pos, "operator '%s' cannot be applied to %s", a.op, typeName(t))
}

func (c *checker) logic(op string, pos int, l, r node) (node, error) {
	lt, rt := l.info().t, r.info().t
	if lt != column.Bool || rt != column.Bool {
		return nil, c.errAt(pos, "'%s' needs bool operands, got %s and %s; use comparisons, e.g. (a > 0) %s (b > 0)",
			op, typeName(lt), typeName(rt), op)
	}
	return &logicNode{base: c.base(column.Bool), or: op == "or", l: l, r: r}, nil
}

// toFloat converts an int (or other int-stored) node to float.
func (c *checker) toFloat(nd node) node {
	b := nd.info()
	if b.t == column.Float {
		return nd
	}
	if k, ok := asConst(nd); ok && b.t == column.Int {
		return c.constFloat(float64(k.i))
	}
	return &castNode{base: c.base(column.Float), x: nd}
}

// roundToDuration converts a float count of microseconds to a duration.
func (c *checker) roundToDuration(nd node) node {
	return &toIntNode{base: c.base(typeDuration), x: nd, round: true}
}

var arithOps = map[string]int{"+": opAdd, "-": opSub, "*": opMul, "/": opDiv, "//": opFloorDiv, "%": opMod, "**": opPow}

func (c *checker) arith(op string, pos int, l, r node) (node, error) {
	lt, rt := l.info().t, r.info().t
	code := arithOps[op]
	switch {
	case lt == typeNull || rt == typeNull:
		return nil, c.errAt(pos, "null cannot be used with '%s'; use if() or coalesce() to choose a value", op)
	case lt.IsNumeric() && rt.IsNumeric():
		switch {
		case op == "/":
			return c.newArith(column.Float, opDiv, c.toFloat(l), c.toFloat(r)), nil
		case lt == column.Int && rt == column.Int:
			if k, ok := asConst(r); ok && op == "**" && k.i < 0 {
				return c.newArith(column.Float, opPow, c.toFloat(l), c.toFloat(r)), nil
			}
			return c.newArith(column.Int, code, l, r), nil
		default:
			return c.newArith(column.Float, code, c.toFloat(l), c.toFloat(r)), nil
		}
	case lt == column.String && rt == column.String && op == "+":
		return &concatNode{base: c.base(column.String), args: []node{l, r}, types: []column.Type{lt, rt}}, nil
	case (lt.IsTime() && rt == typeDuration || lt == typeDuration && rt.IsTime()) && op == "+",
		lt.IsTime() && rt == typeDuration && op == "-":
		return c.newArith(column.Timestamp, code, l, r), nil
	case lt.IsTime() && rt.IsTime() && op == "-",
		lt == typeDuration && rt == typeDuration && (op == "+" || op == "-"):
		return c.newArith(typeDuration, code, l, r), nil
	case lt == typeDuration && rt.IsNumeric() && (op == "*" || op == "/"),
		lt.IsNumeric() && rt == typeDuration && op == "*":
		if op == "*" && lt == column.Int || rt == column.Int && op == "*" {
			return c.newArith(typeDuration, opMul, l, r), nil
		}
		f := c.newArith(column.Float, code, c.toFloat(l), c.toFloat(r))
		return c.roundToDuration(f), nil
	case lt == typeDuration && rt == typeDuration && op == "/":
		return c.newArith(column.Float, opDiv, c.toFloat(l), c.toFloat(r)), nil
	}
	hint := ""
	switch {
	case op == "+" && (lt == column.String || rt == column.String):
		hint = "; use concat(a, b) to join values as text"
	case (lt.IsTime() || rt.IsTime()) && (lt.IsNumeric() || rt.IsNumeric()):
		hint = "; add or subtract a duration such as days(3) or hours(2)"
	case lt == column.Bool || rt == column.Bool:
		hint = "; use if(cond, 1, 0) to turn a bool into a number"
	}
	return nil, c.errAt(pos, "operator '%s' cannot be applied to %s and %s%s", op, typeName(lt), typeName(rt), hint)
}

var cmpOps = map[string]int{"<": cmpLT, "<=": cmpLE, ">": cmpGT, ">=": cmpGE, "==": cmpEQ, "!=": cmpNE}

// chain compiles a comparison chain a op1 b op2 c ... as
// (a op1 b) and (b op2 c) ..., evaluating b once.
func (c *checker) chain(a *compareNode) (node, error) {
	built := make([]node, len(a.operands))
	get := func(i int) (node, error) {
		if built[i] == nil {
			if l, ok := a.operands[i].(*listNode); ok && (i == 0 || a.ops[i-1] != "in" && a.ops[i-1] != "not in") {
				return nil, c.errAt(l.pos, "list literals are only allowed after 'in'")
			}
			nd, err := c.build(a.operands[i])
			if err != nil {
				return nil, err
			}
			built[i] = nd
		}
		return built[i], nil
	}
	var result node
	for i, op := range a.ops {
		l, err := get(i)
		if err != nil {
			return nil, err
		}
		var cmpn node
		if op == "in" || op == "not in" {
			list, ok := a.operands[i+1].(*listNode)
			if !ok {
				return nil, c.errAt(a.opPos[i], "'%s' needs a list of values, e.g. x in [1, 2, 3]", op)
			}
			if i+1 < len(a.ops) {
				return nil, c.errAt(a.opPos[i+1], "a list cannot be compared; put the comparison in parentheses")
			}
			cmpn, err = c.in(a.opPos[i], l, list, op == "not in")
		} else {
			var r node
			if r, err = get(i + 1); err != nil {
				return nil, err
			}
			cmpn, err = c.compare(op, a.opPos[i], l, r)
		}
		if err != nil {
			return nil, err
		}
		if result == nil {
			result = cmpn
		} else {
			result = &logicNode{base: c.base(column.Bool), l: result, r: cmpn}
		}
	}
	return result, nil
}

// timeLit converts a string constant compared with a time value to a
// timestamp constant.
func (c *checker) timeLit(nd node, pos int) (node, error) {
	k, ok := asConst(nd)
	if !ok || k.t != column.String {
		return nd, nil
	}
	us, err := civil.ParseMicros(strings.TrimSpace(k.s))
	if err != nil {
		return nil, c.errAt(pos, "%q is not a date or timestamp (use 2024-01-31 or 2024-01-31T12:00:00Z)", k.s)
	}
	return &constNode{base: c.base(column.Timestamp), i: us}, nil
}

func (c *checker) compare(op string, pos int, l, r node) (node, error) {
	var err error
	lt, rt := l.info().t, r.info().t
	if lt.IsTime() && rt == column.String {
		if r, err = c.timeLit(r, pos); err != nil {
			return nil, err
		}
	} else if rt.IsTime() && lt == column.String {
		if l, err = c.timeLit(l, pos); err != nil {
			return nil, err
		}
	}
	lt, rt = l.info().t, r.info().t
	code := cmpOps[op]
	switch {
	case lt == typeNull || rt == typeNull:
		return nil, c.errAt(pos, "comparing with null gives null; use isnull(x) or notnull(x)")
	case lt.IsNumeric() && rt.IsNumeric():
		if lt != rt {
			l, r = c.toFloat(l), c.toFloat(r)
		}
	case lt == column.Bool && rt == column.Bool:
		if op != "==" && op != "!=" {
			return nil, c.errAt(pos, "bools can only be compared with == and !=")
		}
	case lt == rt && (lt == column.String || lt == typeDuration),
		lt.IsTime() && rt.IsTime():
	default:
		return nil, c.errAt(pos, "cannot compare %s with %s", typeName(lt), typeName(rt))
	}
	return &cmpNode{base: c.base(column.Bool), op: code, l: l, r: r}, nil
}

func (c *checker) in(pos int, x node, list *listNode, negate bool) (node, error) {
	xt := x.info().t
	elems := make([]*constNode, 0, len(list.elems))
	anyFloat := false
	for _, e := range list.elems {
		nd, err := c.build(e)
		if err != nil {
			return nil, err
		}
		k, ok := asConst(nd)
		if !ok {
			return nil, c.errAt(e.position(), "the values after 'in' must be literals")
		}
		et := k.t
		switch {
		case xt.IsNumeric() && et.IsNumeric():
			anyFloat = anyFloat || et == column.Float
		case xt.IsTime() && et == column.String:
			us, err := civil.ParseMicros(strings.TrimSpace(k.s))
			if err != nil {
				return nil, c.errAt(e.position(), "%q is not a date or timestamp", k.s)
			}
			k = &constNode{base: c.base(column.Timestamp), i: us}
		case xt == et && (xt == column.String || xt == column.Bool):
		default:
			return nil, c.errAt(e.position(), "cannot look for a %s among %s values", typeName(xt), typeName(et))
		}
		elems = append(elems, k)
	}
	if xt == typeNull || xt == typeDuration {
		return nil, c.errAt(pos, "'in' cannot be applied to %s", typeName(xt))
	}
	m := &inNode{base: c.base(column.Bool), negate: negate, few: len(elems) <= fewValues}
	switch {
	case xt == column.Float || xt == column.Int && anyFloat:
		m.x = c.toFloat(x)
		m.floats = map[float64]struct{}{}
		for _, k := range elems {
			m.floats[k.f] = struct{}{}
		}
	case isInts(xt):
		m.x = x
		m.ints = map[int64]struct{}{}
		for _, k := range elems {
			m.ints[k.i] = struct{}{}
			m.fewInts = append(m.fewInts, k.i)
		}
	case xt == column.String:
		m.x = x
		m.strs = map[string]struct{}{}
		for _, k := range elems {
			m.strs[k.s] = struct{}{}
			m.fewStrs = append(m.fewStrs, k.s)
		}
	default:
		m.x = x
		for _, k := range elems {
			m.bools[b2i(k.b)] = true
		}
	}
	return m, nil
}

// unify converts nodes to one common type for if/coalesce/min/max: ints
// mixed with floats become floats, dates mixed with timestamps become
// timestamps, null literals take the common type.
func (c *checker) unify(what string, pos int, nodes []node) ([]node, column.Type, error) {
	var t column.Type = typeNull
	for _, nd := range nodes {
		nt := nd.info().t
		switch {
		case nt == typeNull || nt == t:
		case t == typeNull:
			t = nt
		case t.IsNumeric() && nt.IsNumeric():
			t = column.Float
		case t.IsTime() && nt.IsTime():
			t = column.Timestamp
		default:
			return nil, 0, c.errAt(pos, "%s: values of different types (%s and %s)", what, typeName(t), typeName(nt))
		}
	}
	if t == typeNull {
		return nil, 0, c.errAt(pos, "%s: every value is null", what)
	}
	out := make([]node, len(nodes))
	for i, nd := range nodes {
		switch nt := nd.info().t; {
		case nt == typeNull:
			out[i] = &constNode{base: c.base(t), null: true}
		case t == column.Float:
			out[i] = c.toFloat(nd)
		default:
			out[i] = nd
		}
	}
	return out, t, nil
}

// ensureTime checks that nd is a date or timestamp, converting a string
// literal.
func (c *checker) ensureTime(fn string, pos int, nd node) (node, error) {
	nd, err := c.timeLit(nd, pos)
	if err != nil {
		return nil, err
	}
	if t := nd.info().t; !t.IsTime() {
		return nil, c.errAt(pos, "%s() needs a date or datetime, got %s", fn, typeName(t))
	}
	return nd, nil
}

func (c *checker) call(a *callNode) (node, error) {
	fn, ok := functions[a.name]
	if !ok {
		if _, isCol := c.cols[a.name]; isCol {
			return nil, c.errAt(a.pos, "%s is a column, not a function", quoteName(a.name))
		}
		return nil, c.errAt(a.pos, "unknown function %s%s", a.name, didYouMean(a.name, functionNames))
	}
	if len(a.args) < fn.min || fn.max >= 0 && len(a.args) > fn.max {
		return nil, c.errAt(a.pos, "%s() takes %s, got %d", a.name, fn.arity(), len(a.args))
	}
	args := make([]node, len(a.args))
	for i, e := range a.args {
		nd, err := c.build(e)
		if err != nil {
			return nil, err
		}
		args[i] = nd
	}
	return fn.build(c, a, args)
}

// floatArg checks that argument i is a number and returns it as float.
func (c *checker) floatArg(a *callNode, args []node, i int) (node, error) {
	t := args[i].info().t
	if !t.IsNumeric() {
		return nil, c.errAt(a.args[i].position(), "%s() needs a number, got %s", a.name, typeName(t))
	}
	return c.toFloat(args[i]), nil
}

// resultType checks that a program's result can be stored in a column.
func (c *checker) resultType(pos int, t column.Type) error {
	switch t {
	case typeDuration:
		return c.errAt(pos, "the result is a duration; convert it with total_days(), total_hours(), total_minutes() or total_seconds()")
	case typeNull:
		return c.errAt(pos, "the result is always null")
	}
	return nil
}

// constIntArg returns argument i as an integer literal in [lo, hi].
func (c *checker) constIntArg(a *callNode, args []node, i int, lo, hi int64) (int64, error) {
	k, ok := asConst(args[i])
	if !ok || k.t != column.Int {
		return 0, c.errAt(a.args[i].position(), "%s(): argument %d must be an integer literal", a.name, i+1)
	}
	if k.i < lo || k.i > hi {
		return 0, c.errAt(a.args[i].position(), "%s(): argument %d must be between %d and %d", a.name, i+1, lo, hi)
	}
	return k.i, nil
}
