package gen

import (
	"sync"

	"datagen/src/column"
	"datagen/src/gen/expr"
)

// expression evaluates a compiled expression over the block's columns,
// vectorised; each worker borrows its own evaluator.
type expression struct {
	p     *expr.Program
	evals sync.Pool
}

func newExpression(env *Env) (Generator, error) {
	code := env.Column.Generator.Expression.Code
	// Only the columns the code names are typed for the compiler, so that
	// compiling the expressions of a wide table costs nothing per column;
	// after a mistake the compiler sees every column, to suggest one.
	read, err := expr.Columns(code)
	if err != nil {
		return nil, err
	}
	cols := map[string]column.Type{}
	for _, name := range read {
		if name == env.Column.Name {
			continue
		}
		if t := env.ColumnType(name); t != column.Invalid {
			cols[name] = t
		}
	}
	p, err := expr.Compile(code, cols)
	if err != nil {
		all := map[string]column.Type{}
		for _, c := range env.Node.Columns {
			if c.Name == env.Column.Name {
				continue
			}
			if t := env.ColumnType(c.Name); t != column.Invalid {
				all[c.Name] = t
			}
		}
		if p, err = expr.Compile(code, all); err != nil {
			return nil, err
		}
	}
	g := &expression{p: p}
	g.evals.New = func() any { return p.NewEvaluator() }
	return g, nil
}

func (g *expression) Type() column.Type { return g.p.Type() }

func (g *expression) Fill(out *column.Vector, b *Batch) error {
	ev := g.evals.Get().(*expr.Evaluator)
	defer g.evals.Put(ev)
	return ev.Eval(b.Col, b.N, out)
}
