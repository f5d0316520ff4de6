package expr

import (
	"fmt"
	"math"
	"sort"

	"datagen/src/civil"
	"datagen/src/column"
)

// function describes a built-in function: its argument count (max < 0:
// any number from min) and how it compiles.
type function struct {
	min, max int
	build    func(c *checker, a *callNode, args []node) (node, error)
}

func (f function) arity() string {
	switch {
	case f.max < 0:
		return fmt.Sprintf("at least %d arguments", f.min)
	case f.min == f.max && f.min == 1:
		return "1 argument"
	case f.min == f.max:
		return fmt.Sprintf("%d arguments", f.min)
	}
	return fmt.Sprintf("%d to %d arguments", f.min, f.max)
}

// functions is the table of built-in functions, by name.
var functions map[string]function

// functionNames lists the built-in functions, sorted (for suggestions).
var functionNames []string

func init() {
	functions = map[string]function{
		"arctan2": {2, 2, buildArctan2},
		"abs":     {1, 1, buildAbs},
		"floor":   {1, 1, buildFloorCeil(math.Floor)},
		"ceil":    {1, 1, buildFloorCeil(math.Ceil)},
		"round":   {1, 2, buildRound},
		"min":     {2, -1, buildMinMax(false)},
		"max":     {2, -1, buildMinMax(true)},
		"if":      {3, 3, buildIf},
		"coalesce": {1, -1, func(c *checker, a *callNode, args []node) (node, error) {
			args, t, err := c.unify("coalesce()", a.pos, args)
			if err != nil {
				return nil, err
			}
			return &coalesceNode{base: c.base(t), args: args}, nil
		}},
		"concat":  {1, -1, buildConcat},
		"str":     {1, 1, buildConcat},
		"int":     {1, 1, buildInt},
		"float":   {1, 1, buildFloat},
		"len":     {1, 1, buildLen},
		"isnull":  {1, 1, buildIsNull(false)},
		"notnull": {1, 1, buildIsNull(true)},

		"year":       {1, 1, buildPart(partYear, column.Int)},
		"quarter":    {1, 1, buildPart(partQuarter, column.Int)},
		"month":      {1, 1, buildPart(partMonth, column.Int)},
		"day":        {1, 1, buildPart(partDay, column.Int)},
		"hour":       {1, 1, buildPart(partHour, column.Int)},
		"minute":     {1, 1, buildPart(partMinute, column.Int)},
		"second":     {1, 1, buildPart(partSecond, column.Int)},
		"dow":        {1, 1, buildPart(partDOW, column.Int)},
		"doy":        {1, 1, buildPart(partDOY, column.Int)},
		"week":       {1, 1, buildPart(partWeek, column.Int)},
		"is_weekend": {1, 1, buildPart(partWeekend, column.Bool)},
		"date":       {1, 1, buildPart(partDate, column.Date)},
		"datetime":   {1, 1, buildDatetime},

		"weeks":   {1, 1, buildDuration(microsPerWeek)},
		"days":    {1, 1, buildDuration(column.MicrosPerDay)},
		"hours":   {1, 1, buildDuration(microsPerHour)},
		"minutes": {1, 1, buildDuration(microsPerMinute)},
		"seconds": {1, 1, buildDuration(microsPerSecond)},

		"total_days":    {1, 1, buildTotal(column.MicrosPerDay)},
		"total_hours":   {1, 1, buildTotal(microsPerHour)},
		"total_minutes": {1, 1, buildTotal(microsPerMinute)},
		"total_seconds": {1, 1, buildTotal(microsPerSecond)},

		"days_between":    {2, 2, buildBetween(column.MicrosPerDay)},
		"hours_between":   {2, 2, buildBetween(microsPerHour)},
		"minutes_between": {2, 2, buildBetween(microsPerMinute)},
		"seconds_between": {2, 2, buildBetween(microsPerSecond)},
	}
	for name, f := range map[string]func(float64) float64{
		"sin": math.Sin, "cos": math.Cos, "tan": math.Tan,
		"arcsin": math.Asin, "arccos": math.Acos, "arctan": math.Atan,
		"sinh": math.Sinh, "cosh": math.Cosh, "tanh": math.Tanh,
		"arcsinh": math.Asinh, "arccosh": math.Acosh, "arctanh": math.Atanh,
		"exp": math.Exp, "expm1": math.Expm1,
		"log": math.Log, "log1p": math.Log1p, "log10": math.Log10, "log2": math.Log2,
		"sqrt": math.Sqrt,
	} {
		functions[name] = function{1, 1, buildMath(f)}
	}
	for name := range functions {
		functionNames = append(functionNames, name)
	}
	sort.Strings(functionNames)
}

func buildMath(f func(float64) float64) func(*checker, *callNode, []node) (node, error) {
	return func(c *checker, a *callNode, args []node) (node, error) {
		x, err := c.floatArg(a, args, 0)
		if err != nil {
			return nil, err
		}
		return &mathNode{base: c.base(column.Float), f1: f, x: x}, nil
	}
}

func buildArctan2(c *checker, a *callNode, args []node) (node, error) {
	y, err := c.floatArg(a, args, 0)
	if err != nil {
		return nil, err
	}
	x, err := c.floatArg(a, args, 1)
	if err != nil {
		return nil, err
	}
	return &mathNode{base: c.base(column.Float), f2: math.Atan2, x: y, y: x}, nil
}

func buildAbs(c *checker, a *callNode, args []node) (node, error) {
	if args[0].info().t == column.Int {
		return &intFuncNode{base: c.base(column.Int), abs: true, x: args[0]}, nil
	}
	if args[0].info().t == typeDuration {
		return &intFuncNode{base: c.base(typeDuration), abs: true, x: args[0]}, nil
	}
	return buildMath(math.Abs)(c, a, args)
}

// buildFloorCeil: ints are returned unchanged, floats stay floats (as in
// numpy).
func buildFloorCeil(f func(float64) float64) func(*checker, *callNode, []node) (node, error) {
	return func(c *checker, a *callNode, args []node) (node, error) {
		if args[0].info().t == column.Int {
			return args[0], nil
		}
		return buildMath(f)(c, a, args)
	}
}

func buildRound(c *checker, a *callNode, args []node) (node, error) {
	digits := int64(0)
	if len(args) == 2 {
		d, err := c.constIntArg(a, args, 1, -18, 18)
		if err != nil {
			return nil, err
		}
		digits = d
	}
	switch t := args[0].info().t; t {
	case column.Int:
		if digits >= 0 {
			return args[0], nil
		}
		unit := int64(1)
		for range -digits {
			unit *= 10
		}
		return &intFuncNode{base: c.base(column.Int), unit: unit, x: args[0]}, nil
	case column.Float:
		return &roundNode{base: c.base(column.Float), digits: int(digits), x: args[0]}, nil
	default:
		return nil, c.errAt(a.args[0].position(), "round() needs a number, got %s", typeName(t))
	}
}

func buildMinMax(isMax bool) func(*checker, *callNode, []node) (node, error) {
	return func(c *checker, a *callNode, args []node) (node, error) {
		for i, nd := range args {
			if t := nd.info().t; t == column.Bool || t == typeNull {
				return nil, c.errAt(a.args[i].position(), "%s() cannot compare %s values", a.name, typeName(t))
			}
		}
		args, t, err := c.unify(a.name+"()", a.pos, args)
		if err != nil {
			return nil, err
		}
		return &minMaxNode{base: c.base(t), max: isMax, args: args}, nil
	}
}

func buildIf(c *checker, a *callNode, args []node) (node, error) {
	if t := args[0].info().t; t != column.Bool {
		return nil, c.errAt(a.args[0].position(), "if(): the condition must be a bool, got %s", typeName(t))
	}
	branches, t, err := c.unify("if()", a.pos, args[1:])
	if err != nil {
		return nil, err
	}
	return &ifNode{base: c.base(t), c: args[0], a: branches[0], b: branches[1]}, nil
}

func buildConcat(c *checker, a *callNode, args []node) (node, error) {
	types := make([]column.Type, len(args))
	for i, nd := range args {
		t := nd.info().t
		if t == typeNull || t == typeDuration {
			return nil, c.errAt(a.args[i].position(), "%s() cannot format a %s", a.name, typeName(t))
		}
		types[i] = t
	}
	if len(args) == 1 && types[0] == column.String {
		return args[0], nil
	}
	return &concatNode{base: c.base(column.String), args: args, types: types}, nil
}

func buildInt(c *checker, a *callNode, args []node) (node, error) {
	switch t := args[0].info().t; t {
	case column.Int:
		return args[0], nil
	case column.Float:
		return &toIntNode{base: c.base(column.Int), x: args[0]}, nil
	case column.Bool:
		return &ifNode{base: c.base(column.Int), c: args[0], a: c.constInt(1), b: c.constInt(0)}, nil
	default:
		return nil, c.errAt(a.args[0].position(), "int() needs a number or bool, got %s", typeName(t))
	}
}

func buildFloat(c *checker, a *callNode, args []node) (node, error) {
	if t := args[0].info().t; t == column.Bool {
		return &ifNode{base: c.base(column.Float), c: args[0], a: c.constFloat(1), b: c.constFloat(0)}, nil
	}
	return c.floatArg(a, args, 0)
}

func buildLen(c *checker, a *callNode, args []node) (node, error) {
	if t := args[0].info().t; t != column.String {
		return nil, c.errAt(a.args[0].position(), "len() needs a string, got %s", typeName(t))
	}
	return &strLenNode{base: c.base(column.Int), x: args[0]}, nil
}

func buildIsNull(negate bool) func(*checker, *callNode, []node) (node, error) {
	return func(c *checker, a *callNode, args []node) (node, error) {
		if t := args[0].info().t; t == typeNull {
			return nil, c.errAt(a.args[0].position(), "%s(null) is constant", a.name)
		}
		return &isNullNode{base: c.base(column.Bool), negate: negate, x: args[0]}, nil
	}
}

func buildPart(part int, t column.Type) func(*checker, *callNode, []node) (node, error) {
	return func(c *checker, a *callNode, args []node) (node, error) {
		x, err := c.ensureTime(a.name, a.args[0].position(), args[0])
		if err != nil {
			return nil, err
		}
		if part == partDate && x.info().t == column.Date {
			return x, nil
		}
		if k, ok := asConst(x); ok && part == partDate {
			return &constNode{base: c.base(column.Date), i: civil.FloorDiv(k.i, column.MicrosPerDay) * column.MicrosPerDay}, nil
		}
		return &timePartNode{base: c.base(t), part: part, x: x}, nil
	}
}

// buildDatetime is datetime(x): a date as a timestamp at 00:00, or a
// literal parsed.
func buildDatetime(c *checker, a *callNode, args []node) (node, error) {
	x, err := c.ensureTime(a.name, a.args[0].position(), args[0])
	if err != nil {
		return nil, err
	}
	if x.info().t == column.Timestamp {
		return x, nil
	}
	// Adding a zero duration re-types the date as a timestamp.
	return c.newArith(column.Timestamp, opAdd, x, &constNode{base: c.base(typeDuration)}), nil
}

func buildDuration(unit int64) func(*checker, *callNode, []node) (node, error) {
	return func(c *checker, a *callNode, args []node) (node, error) {
		switch t := args[0].info().t; t {
		case column.Int:
			return c.newArith(typeDuration, opMul, args[0], c.constInt(unit)), nil
		case column.Float:
			f := c.newArith(column.Float, opMul, args[0], c.constFloat(float64(unit)))
			return c.roundToDuration(f), nil
		default:
			return nil, c.errAt(a.args[0].position(), "%s() needs a number, got %s", a.name, typeName(t))
		}
	}
}

func buildTotal(unit int64) func(*checker, *callNode, []node) (node, error) {
	return func(c *checker, a *callNode, args []node) (node, error) {
		if t := args[0].info().t; t != typeDuration {
			return nil, c.errAt(a.args[0].position(), "%s() needs a duration (such as b - a for datetimes), got %s", a.name, typeName(t))
		}
		return c.newArith(column.Float, opDiv, c.toFloat(args[0]), c.constFloat(float64(unit))), nil
	}
}

// buildBetween is days_between(a, b) etc.: b - a in the unit, a float;
// days_between of two dates is an int.
func buildBetween(unit int64) func(*checker, *callNode, []node) (node, error) {
	return func(c *checker, a *callNode, args []node) (node, error) {
		from, err := c.ensureTime(a.name, a.args[0].position(), args[0])
		if err != nil {
			return nil, err
		}
		to, err := c.ensureTime(a.name, a.args[1].position(), args[1])
		if err != nil {
			return nil, err
		}
		diff := c.newArith(typeDuration, opSub, to, from)
		if unit == column.MicrosPerDay && from.info().t == column.Date && to.info().t == column.Date {
			return c.newArith(column.Int, opDays, diff, c.constInt(unit)), nil
		}
		return c.newArith(column.Float, opDiv, c.toFloat(diff), c.constFloat(float64(unit))), nil
	}
}
